/**
 * Microsoft.ExtendedLocation/customLocations/resourceSyncRules (2021-08-31-preview and
 * 2024-09-15-preview): which resource group the custom resources found on a custom location's
 * cluster are projected to, chosen by their labels. And findTargetResourceGroup, the rules
 * applied to a set of labels.
 *
 * - PUT and PATCH are long-running (Azure-AsyncOperation, as for custom locations; the PATCH
 *   answers 200, the only status its spec has); DELETE is synchronous (200, 204 when absent).
 * - targetResourceGroup: the id of a resource group that exists; priority: an integer;
 *   selector: Kubernetes label-selector semantics (matchLabels, matchExpressions with In, NotIn,
 *   Exists, DoesNotExist; values non-empty for In and NotIn, empty for the others).
 * - Of the rules that match, the lowest priority value wins (then the name): see README.
 */
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { StoredResource } from '../../store/resources';
import { resourceGroupId } from '../../kit/resourceIds';
import { loadResource } from '../../kit/resources';
import type { ArmRequest } from '../../kit/handlers';
import type { Props, ResourceType } from '../../kit/resourceType';
import { CUSTOM_LOCATION_TYPE, invalidParameter, linkedInvalidPropertyId } from './hostValidation';
import { CUSTOM_LOCATION_ITEM, customLocationId } from './customLocations';

const TYPE_NAME = `${CUSTOM_LOCATION_TYPE}/resourceSyncRules`;
const TYPE = TYPE_NAME.toLowerCase();
const ITEM = `${CUSTOM_LOCATION_ITEM}/resourceSyncRules/{}`;
const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;
type Operator = (typeof OPERATORS)[number];

/** The custom location of a request's path; it must exist. */
export function customLocationOf(ctx: ProviderContext, req: ArmRequest): StoredResource {
  const { subscriptionId, resourceGroupName, resourceName } = req.params;
  const found = loadResource(ctx, customLocationId(subscriptionId, resourceGroupName, resourceName));
  if (!found) throw armErrors.parentResourceNotFound(resourceName);
  return found;
}

function checkTargetGroup(ctx: ProviderContext, value: unknown): void {
  if (value === undefined || value === null || value === '') {
    throw invalidParameter("The property 'properties.targetResourceGroup' is required: the id of the resource group matching resources are projected to.", 'properties.targetResourceGroup');
  }
  const m = typeof value === 'string' ? /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/?$/i.exec(value) : null;
  if (!m) throw linkedInvalidPropertyId(value, 'properties.targetResourceGroup');
  if (!ctx.store.directory.subscription(m[1])) throw armErrors.subscriptionNotFound(m[1]);
  if (!loadResource(ctx, resourceGroupId(m[1], m[2]))) throw armErrors.resourceGroupNotFound(m[2]);
}

/** The selector with operators in their canonical casing, checked. */
function checkedSelector(selector: Props | undefined): Props | undefined {
  if (!selector) return selector;
  const matchExpressions = (selector.matchExpressions ?? []).map((e: Props, i: number) => {
    const at = `properties.selector.matchExpressions[${i}]`;
    if (typeof e.key !== 'string' || e.key === '') throw invalidParameter(`The property '${at}.key' is required.`, `${at}.key`);
    const operator = OPERATORS.find((o) => typeof e.operator === 'string' && o.toLowerCase() === e.operator.toLowerCase());
    if (!operator) {
      throw invalidParameter(`The operator '${String(e.operator)}' of '${at}' is not valid. Valid operators are In, NotIn, Exists and DoesNotExist.`, `${at}.operator`);
    }
    const values: string[] = e.values ?? [];
    const needsValues = operator === 'In' || operator === 'NotIn';
    if (needsValues && values.length === 0) throw invalidParameter(`The values of '${at}' must be non-empty for the operator '${operator}'.`, `${at}.values`);
    if (!needsValues && values.length > 0) throw invalidParameter(`The values of '${at}' must be empty for the operator '${operator}'.`, `${at}.values`);
    return Object.assign({}, e, { operator });
  });
  return selector.matchExpressions ? Object.assign({}, selector, { matchExpressions }) : selector;
}

/** Whether `labels` satisfy a rule's selector (every requirement of both parts). */
export function selectorMatches(selector: Props | undefined, labels: Record<string, string>): boolean {
  const has = (k: string) => Object.hasOwn(labels, k);
  for (const [k, v] of Object.entries<string>(selector?.matchLabels ?? {})) if (!has(k) || labels[k] !== v) return false;
  for (const e of (selector?.matchExpressions ?? []) as Array<{ key: string; operator: Operator; values?: string[] }>) {
    const values = e.values ?? [];
    switch (e.operator) {
      case 'In': if (!has(e.key) || !values.includes(labels[e.key])) return false; break;
      case 'NotIn': if (has(e.key) && values.includes(labels[e.key])) return false; break;
      case 'Exists': if (!has(e.key)) return false; break;
      case 'DoesNotExist': if (has(e.key)) return false; break;
      default: return false;
    }
  }
  return true;
}

/** Every rule of a custom location. */
function rulesOf(ctx: ProviderContext, customLocation: StoredResource): StoredResource[] {
  const out: StoredResource[] = [];
  let after = '';
  for (;;) {
    const page = ctx.store.resources.children(customLocation.key, TYPE, after, 200);
    out.push(...page.items);
    if (page.continueAfter === undefined) return out;
    after = page.continueAfter;
  }
}

/** findTargetResourceGroup: the rule with the lowest priority value among those the labels match (ties: by name). */
export function findTargetResourceGroup(ctx: ProviderContext, req: ArmRequest) {
  const customLocation = customLocationOf(ctx, req);
  const labels = (req.body?.labels ?? {}) as Record<string, string>;
  const priority = (r: StoredResource) => (Number.isInteger(r.body.properties?.priority) ? r.body.properties.priority : Number.MAX_SAFE_INTEGER);
  const matched = rulesOf(ctx, customLocation)
    .filter((r) => r.body.properties?.provisioningState !== 'Deleting' && selectorMatches(r.body.properties?.selector, labels))
    .sort((a, b) => priority(a) - priority(b) || (a.key < b.key ? -1 : 1))[0];
  if (!matched) return { status: 204 };
  return { status: 200, body: { targetResourceGroup: matched.body.properties?.targetResourceGroup, matchedResourceSyncRule: matched.id } };
}

export function resourceSyncRulesType(): ResourceType<ProviderContext> {
  return {
    typeName: TYPE_NAME,
    label: 'resource sync rule',
    itemPath: ITEM,
    nameParam: 'childResourceName',
    lists: [{ path: `${CUSTOM_LOCATION_ITEM}/resourceSyncRules`, scope: 'parent' }],
    parent: {
      parentId: (ctx, req) => customLocationOf(ctx, req).id,
      idOf: (parentId, name) => `${parentId}/resourceSyncRules/${name}`,
    },
    validateName: () => undefined, // the spec's pattern
    location: {
      regionSet: 'arcKubernetes',
      unavailable: (location, offered) => armErrors.locationNotAvailable(location, TYPE_NAME, offered.map((r) => r.name)),
      moved: armErrors.invalidResourceLocation,
    },
    // Child resources are not in the generic /resources lists.
    tracked: false,
    asyncStyle: 'subscriptionLocations',
    serviceSet: [],
    complete(p, w) {
      checkTargetGroup(w.ctx, p.targetResourceGroup);
      if (p.priority !== undefined && !Number.isInteger(p.priority)) throw invalidParameter("The property 'properties.priority' must be an integer.", 'properties.priority');
      const selector = checkedSelector(p.selector);
      return selector ? Object.assign({}, p, { selector }) : p;
    },
    notFound: (req, name) => armErrors.resourceNotFound(`${CUSTOM_LOCATION_TYPE}/${req.params.resourceName}/resourceSyncRules/${name}`, req.params.resourceGroupName),
    beingDeleted: (name) => new ArmError(409, 'AnotherOperationInProgress', `The resource sync rule '${name}' is being deleted. Wait for the deletion to complete before changing it.`),
  };
}
