/**
 * `GET .../customLocations/{name}/enabledResourceTypes`: what the custom location offers, one
 * entry per cluster extension it names that still exists, with the extension's type.
 *
 * Which resource types (and api-versions) an extension type enables is the extension
 * publisher's registration with the Custom Locations service, which is not public: Arclight
 * knows none, so `typesMetadata` is empty (README "Custom locations"). The entry's name is the
 * SHA-256 of the extension's id, in the 64 hex digits the examples show.
 */
import { createHash } from 'crypto';
import type { ProviderContext } from '../context';
import type { StoredResource } from '../../store/resources';
import { armKey } from '../../kit/resourceIds';
import { listBody } from '../../kit/paging';
import { CUSTOM_LOCATION_TYPE } from './hostValidation';

const EXTENSIONS = 'microsoft.kubernetesconfiguration/extensions';

export function enabledResourceTypes(ctx: ProviderContext, customLocation: StoredResource) {
  const ids: unknown[] = Array.isArray(customLocation.body.properties?.clusterExtensionIds) ? customLocation.body.properties.clusterExtensionIds : [];
  const value = ids.flatMap((id) => {
    const extension = typeof id === 'string' ? ctx.store.resources.get(armKey(id)) : undefined;
    if (!extension || extension.type !== EXTENSIONS) return [];
    const name = createHash('sha256').update(extension.key).digest('hex');
    return [{
      id: `${customLocation.id}/enabledResourceTypes/${name}`,
      name,
      type: `${CUSTOM_LOCATION_TYPE}/enabledResourceTypes`,
      properties: { clusterExtensionId: extension.id, extensionType: extension.body.properties?.extensionType, typesMetadata: [] },
      systemData: customLocation.body.systemData,
    }];
  });
  return listBody(value, undefined);
}
