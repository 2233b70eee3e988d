/**
 * Resource groups: PUT (201 create / 200 update), GET, HEAD (204/404), PATCH (tags replace the
 * whole set), DELETE (202 + Location; the group and everything inside it go when the operation
 * completes), and the paged list with ARM's tagName/tagValue $filter.
 */
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { ArmRequest } from '../../kit/handlers';
import { armKey, resourceGroupId, subscriptionKey } from '../../kit/resourceIds';
import { filteredPage, listBody, nextLink, pageRequest } from '../../kit/paging';
import { compileFilter } from '../../kit/odataFilter';
import { validateTags } from '../../kit/tags';
import { retryHeaders } from '../../kit/asyncOperations';
import { deletionCompleter } from '../../kit/resources';
import type { StoredResource } from '../../store/resources';
import type { SeedResourceGroup } from '../../store/seed';

export const RESOURCE_GROUP_TYPE = 'microsoft.resources/resourcegroups';
const GROUP = '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}';
export const DELETE_GROUP = 'resourceGroups/delete';

/** Azure's rule: 1-90 letters, digits, underscores, parentheses, hyphens and periods, not ending in a period. */
function validateGroupName(name: string): void {
  const invalid = [...new Set(name.replace(/[-\w.()\p{L}\p{N}]/gu, ''))].join('');
  if (invalid) {
    throw new ArmError(400, 'InvalidResourceGroup',
      `The provided resource group name '${name}' has these invalid characters: '${invalid}'. The name can only be a letter, digit, '-', '.', '(', ')' or '_'.`);
  }
  if (name.length > 90 || name.endsWith('.')) {
    throw new ArmError(400, 'InvalidResourceGroup',
      `The provided resource group name '${name}' is invalid. Resource group names can be 1-90 characters long and cannot end in a period.`);
  }
}

function writeGroup(s: ProviderContext, subscriptionId: string, name: string, location: string, tags: Record<string, string> | undefined, managedBy: unknown, previous?: StoredResource) {
  const now = s.clock.nowMs();
  const id = resourceGroupId(subscriptionId, name);
  // Assignments, not spreads, to add the optional keys (see clusterView in connectedClusters.ts).
  const body: Record<string, unknown> = { id, name, type: 'Microsoft.Resources/resourceGroups', location };
  if (typeof managedBy === 'string') body.managedBy = managedBy;
  if (tags) body.tags = tags;
  body.properties = { provisioningState: 'Succeeded' };
  s.store.resources.put({
    key: armKey(id), id, type: RESOURCE_GROUP_TYPE, subscriptionId: subscriptionId.toLowerCase(), resourceGroup: name.toLowerCase(),
    parentKey: subscriptionKey(subscriptionId), tracked: false, body, etag: String(now), createdAt: previous?.createdAt ?? now, updatedAt: now,
  });
  return body;
}

/** Resource groups a --seed file declares, created when missing. */
export function seedResourceGroups(s: ProviderContext, groups: SeedResourceGroup[]): void {
  s.store.transaction(() => {
    for (const g of groups) {
      const region = s.regions.resolve(g.location);
      if (!region) throw new Error(`--seed: resource group ${g.name}: unknown location '${g.location}'`);
      validateGroupName(g.name);
      if (!s.store.resources.get(armKey(resourceGroupId(g.subscriptionId, g.name)))) writeGroup(s, g.subscriptionId, g.name, region.name, validateTags(g.tags), undefined);
    }
  });
}

export function registerResourceGroups(s: ProviderContext): void {
  const { store } = s;
  const groupKey = (req: ArmRequest) => armKey(resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName));
  const existing = (req: ArmRequest): StoredResource => {
    const group = store.resources.get(groupKey(req));
    if (!group) throw armErrors.resourceGroupNotFound(req.params.resourceGroupName);
    return group;
  };

  s.handlers.on('PUT', GROUP, (req) => {
    const name = req.params.resourceGroupName;
    validateGroupName(name);
    const region = s.regions.resolve(String(req.body.location));
    if (!region || !s.regions.set('all').includes(region)) {
      throw new ArmError(400, 'LocationNotAvailableForResourceGroup',
        `The provided location '${req.body.location}' is not available for resource group. List of available regions is '${s.regions.set('all').map((r) => r.name).join(',')}'.`);
    }
    const tags = validateTags(req.body.tags);
    const key = groupKey(req);
    const previous = store.resources.get(key);
    if (previous && previous.body.location !== region.name) throw armErrors.invalidResourceGroupLocation(region.name, previous.body.location);
    if (previous?.body.properties?.provisioningState === 'Deleting') {
      throw armErrors.resourceGroupBeingDeleted(name);
    }
    const body = store.transaction(() => writeGroup(s, req.params.subscriptionId, name, region.name, tags, req.body.managedBy, previous));
    return { status: previous ? 200 : 201, body };
  });

  s.handlers.on('GET', GROUP, (req) => ({ status: 200, body: existing(req).body }));

  s.handlers.on('HEAD', GROUP, (req) => {
    // HEAD answers with a status only; 404 carries no body.
    if (!store.resources.get(groupKey(req))) throw new ArmError(404, 'ResourceGroupNotFound', `Resource group '${req.params.resourceGroupName}' could not be found.`, { gateway: true });
    return { status: 204 };
  });

  s.handlers.on('PATCH', GROUP, (req) => {
    const group = existing(req);
    const body = Object.assign({}, group.body);
    if (req.body.tags !== undefined) {
      const tags = validateTags(req.body.tags);
      if (tags && Object.keys(tags).length) body.tags = tags;
      else delete body.tags;
    }
    if (req.body.managedBy !== undefined) {
      if (req.body.managedBy === null) delete body.managedBy;
      else body.managedBy = req.body.managedBy;
    }
    const now = s.clock.nowMs();
    store.transaction(() => store.resources.put({ ...group, body, etag: String(now), updatedAt: now }));
    return { status: 200, body };
  });

  s.handlers.on('DELETE', GROUP, (req) => {
    const group = existing(req);
    const op = store.transaction(() => {
      store.resources.put({ ...group, body: { ...group.body, properties: { ...group.body.properties, provisioningState: 'Deleting' } } });
      return s.operations.start({ kind: DELETE_GROUP, subscriptionId: req.params.subscriptionId, resourceKey: group.key, resourceId: group.id, apiVersion: req.apiVersion });
    });
    const location = `${req.baseUrl}/subscriptions/${req.params.subscriptionId}/operationresults/${op.id}?api-version=${req.apiVersion}`;
    return { status: 202, headers: { Location: location, ...retryHeaders(s.operations.retryAfter(op)) } };
  });

  s.operations.register(DELETE_GROUP, deletionCompleter(s));

  s.handlers.on('GET', '/subscriptions/{subscriptionId}/resourcegroups', (req) => {
    const filter = compileFilter(req.query.$filter, ['tagname', 'tagvalue']);
    const page = filteredPage(
      (after, limit) => store.resources.children(subscriptionKey(req.params.subscriptionId), RESOURCE_GROUP_TYPE, after, limit),
      (g) => !filter || filter({ get: () => undefined, tags: g.body.tags }),
      pageRequest(req, s.config.pageSize),
    );
    return { status: 200, body: listBody(page.items.map((g) => g.body), nextLink(req, page)) };
  });
}
