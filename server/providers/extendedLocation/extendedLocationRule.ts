/**
 * The rule of `extendedLocation: {type: "CustomLocation", name}` on any resource the kit serves
 * whose spec has the property (kit/extendedLocations.ts): `name` is the id of a custom location
 * that exists, is not being deleted, and whose host cluster still exists (Azure's services
 * deploy through the custom location's cluster; see README "Custom locations").
 */
import { ArmError } from '../../kit/armErrors';
import type { KitContext } from '../../kit/context';
import { loadResource } from '../../kit/resources';
import { registerExtendedLocationKind } from '../../kit/extendedLocations';
import { CUSTOM_LOCATION_TYPE, hostOf, linkedNotFound, parseTopLevelId } from './hostValidation';

const invalid = (message: string) => new ArmError(400, 'InvalidExtendedLocation', message, { target: 'extendedLocation.name' });

export function registerCustomLocationRule(ctx: KitContext): void {
  registerExtendedLocationKind(ctx, 'CustomLocation', (name, w) => {
    const parsed = parseTopLevelId(name);
    if (!parsed || parsed.type.toLowerCase() !== CUSTOM_LOCATION_TYPE.toLowerCase()) {
      throw invalid(`The extended location '${name}' of type 'CustomLocation' is not the id of a custom location: expected '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/${CUSTOM_LOCATION_TYPE}/{customLocationName}'.`);
    }
    const customLocation = loadResource(w.ctx, name);
    if (!customLocation || customLocation.type !== CUSTOM_LOCATION_TYPE.toLowerCase()) throw linkedNotFound(`${CUSTOM_LOCATION_TYPE}/${parsed.name}`, parsed.resourceGroup);
    const state = customLocation.body.properties?.provisioningState;
    if (state === 'Deleting' || state === 'Failed') {
      throw invalid(`The custom location '${customLocation.id}' is in provisioning state '${state}' and cannot take resources.`);
    }
    if (!hostOf(w.ctx, customLocation)) {
      throw invalid(`The custom location '${customLocation.id}' cannot take resources: its host resource '${customLocation.body.properties?.hostResourceId}' no longer exists.`);
    }
  });
}
