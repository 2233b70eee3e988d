/**
 * Stand-in parents for Microsoft.KubernetesConfiguration resources that do not live on an Arc
 * connected cluster: AKS managed clusters, AKS hybrid provisioned clusters and Arc resource
 * bridge appliances. Arclight does not emulate those providers; it keeps a minimal tracked
 * resource for each (synchronous PUT, GET, DELETE, list by group; properties stored as sent)
 * so extensions and flux configurations have a parent, and clients that read the parent's
 * location (az k8s-extension does) get an answer. Spec: specs/arclight/parentClusters.json
 * (which also holds their name rule, AKS's).
 */
import { armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import { resourceGroupId } from '../../kit/resourceIds';
import { registerResourceType } from '../../kit/lifecycle';
import type { ResourceType } from '../../kit/resourceType';

/** The parent types other than connected clusters, as `namespace/type`. */
export const STAND_IN_PARENT_TYPES = [
  'Microsoft.ContainerService/managedClusters',
  'Microsoft.HybridContainerService/provisionedClusters',
  'Microsoft.ResourceConnector/appliances',
];

function standIn(typeName: string): ResourceType<ProviderContext> {
  const collection = `/subscriptions/{}/resourceGroups/{}/providers/${typeName}`;
  return {
    typeName,
    label: typeName.split('/')[1].replace(/s$/, ''),
    itemPath: `${collection}/{}`,
    nameParam: 'resourceName',
    lists: [{ path: collection, scope: 'parent' }],
    parent: { parentId: (_ctx, req) => resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName) },
    validateName: () => undefined, // the spec's pattern
    location: {
      regionSet: 'all',
      unavailable: (location, offered) => armErrors.locationNotAvailable(location, typeName, offered.map((r) => r.name)),
      moved: armErrors.invalidResourceLocation,
    },
    serviceSet: [],
    // Everything else the PUT sends (sku, identity, ...) is kept as sent.
    topLevel: ({ id: _id, name: _name, type: _type, location: _location, tags: _tags, properties: _properties, ...rest }) => rest,
    notFound: (req, name) => armErrors.resourceNotFound(`${typeName}/${name}`, req.params.resourceGroupName),
    beingDeleted: (name) => armErrors.parentResourceBeingDeleted(name),
  };
}

export function registerParentClusters(s: ProviderContext): void {
  for (const typeName of STAND_IN_PARENT_TYPES) registerResourceType(s, standIn(typeName));
}
