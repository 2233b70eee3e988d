/**
 * Stand-in parents for Microsoft.KubernetesConfiguration resources that do not live on an Arc
 * connected cluster: AKS managed clusters, AKS hybrid provisioned clusters and Arc resource
 * bridge appliances. Arclight does not emulate those providers; it keeps a minimal tracked
 * resource for each (synchronous PUT, GET, DELETE, list by group; properties stored as sent)
 * so extensions and flux configurations have a parent, and clients that read the parent's
 * location (az k8s-extension does) get an answer. Spec: specs/arclight/parentClusters.json.
 */
import { armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { ArmRequest } from '../../kit/handlers';
import { deleteResourceTree, listOfType, loadResource, saveResource } from '../../kit/resources';
import { filteredPage, listBody, nextLink, pageRequest } from '../../kit/paging';
import { resourceGroupId } from '../../kit/resourceIds';
import { systemDataFor } from '../../kit/systemData';
import { validateTags } from '../../kit/tags';

/** The parent types other than connected clusters, as `namespace/type`. */
export const STAND_IN_PARENT_TYPES = [
  'Microsoft.ContainerService/managedClusters',
  'Microsoft.HybridContainerService/provisionedClusters',
  'Microsoft.ResourceConnector/appliances',
];

export function registerParentClusters(s: ProviderContext): void {
  for (const typeName of STAND_IN_PARENT_TYPES) {
    const type = typeName.toLowerCase();
    const collection = `/subscriptions/{}/resourceGroups/{}/providers/${typeName}`;
    const idOf = (req: ArmRequest) => `${resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName)}/providers/${typeName}/${req.params.resourceName}`;

    s.handlers.on('PUT', `${collection}/{}`, (req) => {
      const id = idOf(req);
      const region = s.regions.resolve(String(req.body.location ?? ''));
      if (!region) throw armErrors.locationNotAvailable(String(req.body.location), typeName, s.regions.set('all').map((r) => r.name));
      const previous = loadResource(s, id);
      if (previous && previous.body.location !== region.name) {
        throw armErrors.invalidResourceLocation(req.params.resourceName, previous.body.location, req.params.resourceGroupName, region.name);
      }
      const { tags, properties, ...rest } = req.body;
      const body = {
        id,
        name: req.params.resourceName,
        type: typeName,
        ...rest,
        location: region.name,
        ...(validateTags(tags) ? { tags } : {}),
        systemData: systemDataFor(req.caller, s.clock.iso(), previous?.body.systemData),
        properties: { ...(properties ?? {}), provisioningState: 'Succeeded' },
      };
      const stored = s.store.transaction(() =>
        saveResource(s, { id, type, parentId: resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName), tracked: true, body }, previous));
      return { status: previous ? 200 : 201, body: stored.body };
    });

    s.handlers.on('GET', `${collection}/{}`, (req) => {
      const found = loadResource(s, idOf(req));
      if (!found) throw armErrors.resourceNotFound(`${typeName}/${req.params.resourceName}`, req.params.resourceGroupName);
      return { status: 200, body: found.body };
    });

    s.handlers.on('DELETE', `${collection}/{}`, (req) => {
      const found = loadResource(s, idOf(req));
      if (!found) return { status: 204 };
      // The configurations on it go with it, as they do with a connected cluster.
      s.store.transaction(() => deleteResourceTree(s, found.key));
      return { status: 200 };
    });

    s.handlers.on('GET', collection, (req) => {
      const scope = { parentId: resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName) };
      const page = filteredPage((after, limit) => listOfType(s, type, scope, after, limit), () => true, pageRequest(req, s.config.pageSize));
      return { status: 200, body: listBody(page.items.map((r) => r.body), nextLink(req, page)) };
    });
  }
}
