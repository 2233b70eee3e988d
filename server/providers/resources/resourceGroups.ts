/**
 * Resource groups, through the resource-type kit: PUT (201 create / 200 update), GET, HEAD
 * (204/404), PATCH (tags replace the whole set), DELETE (202 + Location; the group and everything
 * inside it go when the operation completes; 404 when there is none), and the paged list with
 * ARM's tagName/tagValue $filter.
 */
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import { resourceGroupId, subscriptionKey } from '../../kit/resourceIds';
import { compileFilter } from '../../kit/odataFilter';
import { validateTags } from '../../kit/tags';
import { loadResource, saveResource } from '../../kit/resources';
import { registerResourceType } from '../../kit/lifecycle';
import type { ResourceType } from '../../kit/resourceType';
import type { SeedResourceGroup } from '../../store/seed';

const TYPE_NAME = 'Microsoft.Resources/resourceGroups';
export const RESOURCE_GROUP_TYPE = TYPE_NAME.toLowerCase();
const GROUP = '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}';

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

/** The body of a group, as ARM answers it: no systemData, managedBy and tags only when set. */
function groupBody(id: string, name: string, location: string, tags: Record<string, string> | undefined, managedBy: unknown): Record<string, unknown> {
  const body: Record<string, unknown> = { id, name, type: TYPE_NAME, location };
  if (typeof managedBy === 'string') body.managedBy = managedBy;
  if (tags) body.tags = tags;
  body.properties = { provisioningState: 'Succeeded' };
  return body;
}

/** Resource groups a --seed file declares, created when missing. */
export function seedResourceGroups(s: ProviderContext, groups: SeedResourceGroup[]): void {
  s.store.transaction(() => {
    for (const g of groups) {
      const region = s.regions.resolve(g.location);
      if (!region) throw new Error(`--seed: resource group ${g.name}: unknown location '${g.location}'`);
      validateGroupName(g.name);
      const id = resourceGroupId(g.subscriptionId, g.name);
      if (!loadResource(s, id)) {
        saveResource(s, { id, type: RESOURCE_GROUP_TYPE, parentId: subscriptionKey(g.subscriptionId), tracked: false, body: groupBody(id, g.name, region.name, validateTags(g.tags), undefined) });
      }
    }
  });
}

const resourceGroups: ResourceType<ProviderContext> = {
  typeName: TYPE_NAME,
  label: 'resource group',
  itemPath: GROUP,
  nameParam: 'resourceGroupName',
  lists: [{ path: '/subscriptions/{subscriptionId}/resourcegroups', scope: 'parent' }],
  parent: {
    parentId: (_ctx, req) => `/subscriptions/${req.params.subscriptionId}`,
    idOf: (parentId, name) => `${parentId}/resourceGroups/${name}`,
  },
  validateName: validateGroupName,
  location: {
    regionSet: 'all',
    unavailable: (location, offered) => new ArmError(400, 'LocationNotAvailableForResourceGroup',
      `The provided location '${location}' is not available for resource group. List of available regions is '${offered.map((r) => r.name).join(',')}'.`),
    moved: (_name, from, _group, to) => armErrors.invalidResourceGroupLocation(to, from),
  },
  // Groups are not among the resources /resources lists, and carry no systemData.
  tracked: false,
  systemData: false,
  asyncStyle: 'armOperationResults',
  serviceSet: [],
  topLevel: (body) => (typeof body.managedBy === 'string' ? { managedBy: body.managedBy } : {}),
  // A PATCH replaces the tag set (none left: no tags) and sets or clears managedBy.
  patch(found, req) {
    const body = Object.assign({}, found.body);
    if (req.body.tags !== undefined) {
      const tags = validateTags(req.body.tags);
      if (tags && Object.keys(tags).length) body.tags = tags;
      else delete body.tags;
    }
    if (req.body.managedBy === null) delete body.managedBy;
    else if (req.body.managedBy !== undefined) body.managedBy = req.body.managedBy;
    return body;
  },
  notFound: (req) => armErrors.resourceGroupNotFound(req.params.resourceGroupName),
  beingDeleted: (name) => armErrors.resourceGroupBeingDeleted(name),
  deleteAbsent: 'notFound',
  listFilter(req) {
    const filter = compileFilter(req.query.$filter, ['tagname', 'tagvalue']);
    return filter && ((g) => filter({ get: () => undefined, tags: g.body.tags }));
  },
};

export function registerResourceGroups(s: ProviderContext): void {
  registerResourceType(s, resourceGroups);
}
