/**
 * The neighbour providers (server/providers/neighbours) in the conformance runner: Log
 * Analytics workspaces, user-assigned identities, data collection rules and Container
 * Insights solutions. Their examples' subscription ids are not GUIDs (or not the same across
 * files): one seeded subscription stands in for all of them (neighboursSeed.json).
 */
import request from 'supertest';
import type { ConformanceProvider } from './scenario';
import { specOperations, type ExampleCase } from './exampleCatalog';
import { bearer } from '../support/arclight';

const SUBSCRIPTION = '5ab51d01-0000-4000-8000-00000000000a';
const SEED = 'test/conformance/neighboursSeed.json';

const inSubscription = (c: ExampleCase): ExampleCase => ({ ...c, path: c.path.replace(/^\/subscriptions\/[^/]+/i, `/subscriptions/${SUBSCRIPTION}`) });
const nextLink = { path: 'nextLink', reason: 'ARM leaves nextLink out on the last page; the examples show a made-up next page' };

export const operationalInsightsConformance: ConformanceProvider = {
  namespace: 'Microsoft.OperationalInsights',
  seed: SEED,
  groupLocation: 'australiasoutheast',
  prepare: inSubscription,
  // The shared-keys examples (2020-08-01) read keys of workspaces no example of their version
  // creates: they are made first, where their group is (the runner makes the groups a version's examples name).
  setup: async (a) => {
    for (const name of ['TestLinkWS', 'workspace1']) {
      const group = `/subscriptions/${SUBSCRIPTION}/resourcegroups/rg1`;
      const exists = await request(a.app).get(`${group}?api-version=2021-04-01`).set('Authorization', bearer());
      if (exists.status !== 200) continue;
      const res = await request(a.app).put(`${group}/providers/Microsoft.OperationalInsights/workspaces/${name}?api-version=2022-10-01`)
        .set('Authorization', bearer()).send({ location: 'australiasoutheast' });
      if (res.status !== 201 && res.status !== 200) throw new Error(`workspace ${name}: ${res.status} ${res.text}`);
    }
  },
  exceptions: {
    '2022-10-01 Workspaces_Get WorkspaceGet': 'the vendored example file (WorkspacesGet.json) holds a list body for a single get: the example is wrong, not the server',
    '2022-10-01 DeletedWorkspaces_List WorkspacesSubscriptionList': 'the spec points DeletedWorkspaces_List at the workspace list example; Arclight keeps nothing soft-deleted, so the list is empty',
    '2022-10-01 DeletedWorkspaces_ListByResourceGroup WorkspacesGet': 'the spec points DeletedWorkspaces_ListByResourceGroup at the workspace list example; Arclight keeps nothing soft-deleted, so the list is empty',
    '2022-10-01 Workspaces_Delete WorkspacesDelete': 'the example documents 200, 202 and 204; Arclight deletes at once (200), and the runner expects the 202 when one is documented',
    // 2020-08-01's and 2021-12-01-preview's files have the same faults as 2022-10-01's (the same spec references).
    ...Object.fromEntries(['2020-08-01', '2021-12-01-preview'].flatMap((v) => [
      [`${v} Workspaces_Get WorkspaceGet`, 'the vendored example file (WorkspacesGet.json) holds a list body for a single get: the example is wrong, not the server'],
      [`${v} DeletedWorkspaces_List WorkspacesSubscriptionList`, 'the spec points DeletedWorkspaces_List at the workspace list example; Arclight keeps nothing soft-deleted, so the list is empty'],
      [`${v} DeletedWorkspaces_ListByResourceGroup WorkspacesGet`, 'the spec points DeletedWorkspaces_ListByResourceGroup at the workspace list example; Arclight keeps nothing soft-deleted, so the list is empty'],
    ])),
  },
  tolerances: [
    nextLink,
    { path: 'properties.sku.lastSkuUpdate', reason: 'Arclight records no pricing-tier history' },
    { path: 'properties.features', reason: 'service-side feature flags (legacy, searchVersion) Arclight does not model' },
    ...['quotaNextResetTime', 'dataIngestionStatus'].map((field) => ({ path: `properties.workspaceCapping.${field}`, reason: 'the daily cap state is service-side ingestion state Arclight does not model' })),
    { path: 'properties.forceCmkForQuery', reason: 'not set by the create example; Arclight returns what was sent' },
    {
      path: 'value[].tags',
      reason: 'the subscription list also shows the two workspaces setup() makes, untagged, for the shared-keys examples of these versions',
      only: ['2020-08-01 Workspaces_List WorkspacesSubscriptionList', '2021-12-01-preview Workspaces_List WorkspacesSubscriptionList'],
    },
  ],
};

export const managedIdentityConformance: ConformanceProvider = {
  namespace: 'Microsoft.ManagedIdentity',
  seed: SEED,
  groupLocation: 'eastus',
  prepare: inSubscription,
  exceptions: {
    ...Object.fromEntries(['2022-01-31-preview', '2023-01-31'].map((v) => [`${v} SystemAssignedIdentities_GetByScope MsiOperationsList`,
      'refused (501, see server/providers/neighbours): system-assigned identities are read from their resource'])),
    '2022-01-31-preview UserAssignedIdentities_ListAssociatedResources IdentityListAssociatedResources':
      'refused (501, see server/providers/neighbours): Arclight does not track which resources use a user-assigned identity',
    '2023-01-31 FederatedIdentityCredentials_Delete FederatedIdentityCredentialDelete': 'its create example lives under another identity (resourceName) than the one the runner prepares; the delete answers 200 and then 204 (test/server/neighbours.test.ts)',
  },
  tolerances: [nextLink],
};

/**
 * Microsoft.Insights is not run yet: its association examples live on a virtual machine in a
 * subscription of their own (`resourceUri` with the subscription inside), and its rule examples
 * show tags their creates do not send. See README, Neighbour resources.
 */
export const NEIGHBOUR_CONFORMANCE = [operationalInsightsConformance, managedIdentityConformance];

/** Whether an exception key (`apiVersion operationId title`) names a GA api-version that is its operation's newest GA one. */
function isNewestGa(namespace: string, key: string): boolean {
  const [apiVersion, operationId] = key.split(' ');
  const ga = (v: string) => /^\d{4}-\d{2}-\d{2}$/.test(v);
  return ga(apiVersion) && !specOperations(namespace).some((o) => o.operationId === operationId && ga(o.apiVersion) && o.apiVersion > apiVersion);
}

/** Operations of the neighbours' newest GA versions whose examples do not run yet, and why (coverage.ts). */
export const NEIGHBOUR_GAPS: Readonly<Record<string, string>> = Object.fromEntries([
  ...['Permissions_ListForResource', 'Permissions_ListForResourceGroup', 'RoleDefinitions_CreateOrUpdate', 'RoleDefinitions_Delete'].map((op) => [
    `Microsoft.Authorization 2022-04-01 ${op}`, 'refused (501): Arclight evaluates no permissions and serves no custom role definitions (README, Neighbour resources)']),
  ...['RoleAssignments_Create', 'RoleAssignments_CreateById', 'RoleAssignments_Delete', 'RoleAssignments_DeleteById', 'RoleAssignments_Get', 'RoleAssignments_GetById',
    'RoleAssignments_ListForResource', 'RoleAssignments_ListForResourceGroup', 'RoleAssignments_ListForScope', 'RoleAssignments_ListForSubscription',
    'RoleDefinitions_Get', 'RoleDefinitions_GetById', 'RoleDefinitions_List'].map((op) => [
    `Microsoft.Authorization 2022-04-01 ${op}`, 'not run yet: the examples name principals and custom role definitions of a real directory (and a Cosmos DB account scope) that the runner does not make; test/server/neighbours.test.ts covers them']),
  ...['DataCollectionRuleAssociations_Create', 'DataCollectionRuleAssociations_Delete', 'DataCollectionRuleAssociations_Get', 'DataCollectionRuleAssociations_ListByDataCollectionEndpoint',
    'DataCollectionRuleAssociations_ListByResource', 'DataCollectionRuleAssociations_ListByRule', 'DataCollectionRules_Create', 'DataCollectionRules_Delete', 'DataCollectionRules_Get',
    'DataCollectionRules_ListByResourceGroup', 'DataCollectionRules_ListBySubscription', 'DataCollectionRules_Update'].map((op) => [
    `Microsoft.Insights 2023-03-11 ${op}`, 'not run yet: the associations live on a virtual machine whose id carries its own subscription, and the rule examples show tags their creates do not send; test/server/neighbours.test.ts covers them']),
  // The operations whose only example is one of the exceptions above, for its reason (GA versions: the gaps are the newest GA's).
  ...NEIGHBOUR_CONFORMANCE.flatMap((p) => Object.entries(p.exceptions ?? {}).filter(([key]) => isNewestGa(p.namespace, key)).map(([key, why]) => {
    const [apiVersion, operationId] = key.split(' ');
    return [`${p.namespace} ${apiVersion} ${operationId}`, why];
  })),
]);
