/**
 * The neighbours Arc automation touches, in other providers' namespaces: what
 * `az k8s-extension create --extension-type Microsoft.AzureMonitor.Containers`, onboarding
 * scripts and `az identity` / `az role assignment` create. Each type is a row for one generic
 * stand-in builder (standIn.ts, catalog.ts); the rest here is what is really type-specific
 * (the identities' token-service backing, role assignments at every scope, built-in role
 * definitions) and the documented refusals of what the vendored specs have beyond that.
 * See README, "Neighbour resources".
 */
import type { ProviderContext } from '../context';
import { registerResourceType } from '../../kit/lifecycle';
import { listBody } from '../../kit/paging';
import { providerOperations } from '../../kit/operationsList';
import { loadResource } from '../../kit/resources';
import { ArmError } from '../../kit/armErrors';
import { standInType } from './standIn';
import {
  dataCollectionRuleAssociations, dataCollectionRules, federatedIdentityCredentials, solutions, userAssignedIdentities, workspaces,
} from './catalog';
import { registerRoleAssignmentRoutes, roleAssignments } from './roleAssignments';
import { registerRoleDefinitions } from './roleDefinitions';
import { registerIdentityBacking } from './managedIdentities';
import { registerSharedKeys } from './sharedKeys';

export const NEIGHBOUR_NAMESPACES = [
  'Microsoft.OperationalInsights', 'Microsoft.OperationsManagement', 'Microsoft.Insights', 'Microsoft.ManagedIdentity', 'Microsoft.Authorization',
];

export const NEIGHBOUR_TYPES = [workspaces, solutions, dataCollectionRules, dataCollectionRuleAssociations, userAssignedIdentities, federatedIdentityCredentials, roleAssignments];

const DCRA_TYPE = 'microsoft.insights/datacollectionruleassociations';

export function registerNeighbours(s: ProviderContext): void {
  for (const row of NEIGHBOUR_TYPES) registerResourceType(s, standInType(row));
  registerIdentityBacking(s);
  registerRoleAssignmentRoutes(s);
  registerRoleDefinitions(s);
  registerSharedKeys(s);

  // The associations of a rule or an endpoint: they live on the resources they associate.
  const associationsOf = (field: 'dataCollectionRuleId' | 'dataCollectionEndpointId', kind: string) => (req: { params: Record<string, string>; path: string }) => {
    const id = req.path.replace(/\/associations$/i, '');
    const found = loadResource(s, id);
    if (!found) throw new ArmError(404, 'ResourceNotFound', `The ${kind} '${id.split('/').pop()}' was not found.`);
    const all = s.store.resources.inSubscription(req.params.subscriptionId.toLowerCase(), DCRA_TYPE, '', 10_000).items;
    return { status: 200, body: listBody(all.filter((r) => String(r.body.properties?.[field] ?? '').toLowerCase() === found.key).map((r) => r.body), undefined) };
  };
  s.handlers.on('GET', '/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Insights/dataCollectionRules/{}/associations', associationsOf('dataCollectionRuleId', 'data collection rule'));
  s.handlers.on('GET', '/subscriptions/{}/resourceGroups/{}/providers/Microsoft.Insights/dataCollectionEndpoints/{}/associations', (req) => {
    // Arclight serves no data collection endpoints: none exists, so it has no associations.
    throw new ArmError(404, 'ResourceNotFound', `The data collection endpoint '${req.params.dataCollectionEndpointName}' was not found.`);
  });

  // Deletes are immediate in Arclight: nothing is kept soft-deleted.
  s.handlers.on('GET', '/subscriptions/{}/providers/Microsoft.OperationalInsights/deletedWorkspaces', () => ({ status: 200, body: { value: [] } }));
  s.handlers.on('GET', '/subscriptions/{}/resourcegroups/{}/providers/Microsoft.OperationalInsights/deletedWorkspaces', () => ({ status: 200, body: { value: [] } }));

  for (const ns of ['Microsoft.OperationsManagement', 'Microsoft.ManagedIdentity']) {
    s.handlers.on('GET', `/providers/${ns}/operations`, () => {
      const definitions = Object.keys(s.catalog.provider(ns)!.definitions).map((v) => s.catalog.definition(ns, v)!);
      return { status: 200, body: { value: providerOperations(definitions, ns) } };
    });
  }

  const om = 'Arc automation does not use OperationsManagement management associations or configurations';
  s.handlers.refuse('GET', '/subscriptions/{}/providers/Microsoft.OperationsManagement/ManagementAssociations', om);
  for (const method of ['PUT', 'GET', 'DELETE']) {
    s.handlers.refuse(method, '/subscriptions/{}/resourcegroups/{}/providers/{}/{}/{}/providers/Microsoft.OperationsManagement/ManagementAssociations/{}', om);
    s.handlers.refuse(method, '/subscriptions/{}/resourcegroups/{}/providers/Microsoft.OperationsManagement/ManagementConfigurations/{}', om);
  }
  s.handlers.refuse('GET', '/subscriptions/{}/providers/Microsoft.OperationsManagement/ManagementConfigurations', om);
  // 2022-01-31-preview only: Arclight does not track which resources name a user-assigned identity.
  s.handlers.refuse('POST', '/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/{}/listAssociatedResources',
    'Arclight does not track which resources use a user-assigned identity');
  s.handlers.refuse('GET', '/{}/providers/Microsoft.ManagedIdentity/identities/default',
    'system-assigned identities are read from their resource (a connected cluster\'s identity block), not through Microsoft.ManagedIdentity');
  const permissions = 'Arclight does not evaluate RBAC permissions (see README, Authentication)';
  s.handlers.refuse('GET', '/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Authorization/permissions', permissions);
  s.handlers.refuse('GET', '/subscriptions/{}/resourcegroups/{}/providers/{}/{}/{}/{}/providers/Microsoft.Authorization/permissions', permissions);
}
