/**
 * Microsoft.ExtendedLocation: custom locations, their resource sync rules, enabled resource
 * types and findTargetResourceGroup, the status of their long-running operations, the
 * provider's operation list, and the rule other types' `extendedLocation` of type
 * CustomLocation is checked by (see README "Custom locations").
 */
import type { ProviderContext } from '../context';
import { providerOperations } from '../../kit/operationsList';
import { loadResource } from '../../kit/resources';
import { registerResourceType } from '../../kit/lifecycle';
import { registerSubscriptionLocationOperations } from '../../kit/subscriptionLocationOperations';
import { CUSTOM_LOCATION_ITEM, customLocationId, customLocationsType, NAMESPACE } from './customLocations';
import { findTargetResourceGroup, resourceSyncRulesType } from './resourceSyncRules';
import { enabledResourceTypes } from './enabledResourceTypes';
import { registerCustomLocationRule } from './extendedLocationRule';

export function registerExtendedLocationProvider(s: ProviderContext): void {
  const customLocations = customLocationsType();
  const syncRules = resourceSyncRulesType();
  for (const t of [customLocations, syncRules]) registerResourceType(s, t);
  registerSubscriptionLocationOperations(s, NAMESPACE, [customLocations, syncRules]);

  s.handlers.on('GET', `${CUSTOM_LOCATION_ITEM}/enabledResourceTypes`, (req) => {
    const { subscriptionId, resourceGroupName, resourceName } = req.params;
    const found = loadResource(s, customLocationId(subscriptionId, resourceGroupName, resourceName));
    if (!found) throw customLocations.notFound(req, resourceName);
    return { status: 200, body: enabledResourceTypes(s, found) };
  });
  s.handlers.on('POST', `${CUSTOM_LOCATION_ITEM}/findTargetResourceGroup`, (req) => findTargetResourceGroup(s, req));

  // Every operation of the provider, whatever the api-version asked.
  s.handlers.on('GET', `/providers/${NAMESPACE}/operations`, () => {
    const definitions = Object.keys(s.catalog.provider(NAMESPACE)!.definitions).map((v) => s.catalog.definition(NAMESPACE, v)!);
    return { status: 200, body: { value: providerOperations(definitions, NAMESPACE) } };
  });

  registerCustomLocationRule(s);
}
