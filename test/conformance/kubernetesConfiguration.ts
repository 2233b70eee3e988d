/**
 * Microsoft.KubernetesConfiguration (extensions, fluxConfigurations, sourceControlConfigurations,
 * the operation lists, extension types and private link scopes) in the conformance runner: what the vendored examples need to run as
 * written, and which of their keys the server may leave out, and why.
 */
import request from 'supertest';
import { caseKey, type ConformanceProvider } from './scenario';
import { exampleReferences } from './exampleCatalog';
import { bearer } from '../support/arclight';
import { clusterBody } from '../support/clusters';

/** The examples' subscription 'subId1' is not a GUID, which subscription ids are: this one stands in (see seed.json). */
const SUBSCRIPTION = '5ab51d01-0000-4000-8000-000000000001';
/** Where the 2022-04-02-preview private link scope examples create their scope (see seed.json). */
const PRIVATE_LINK_SUBSCRIPTION = '86dc51d3-92ed-4d7e-947a-775ea79b4919';

const agentReported = (fields: string[], reason: string) => fields.map((field) => ({ path: `properties.${field}`, reason }));

const NAMESPACE = 'Microsoft.KubernetesConfiguration';
const NO_EXTENSION_TYPES = 'the extension types catalog is not built yet (issue 11, "Extension types and well-known extensions")';
const NO_PRIVATE_ENDPOINTS = "Arclight has no Microsoft.Network private endpoints: a scope's endpoint connections (made by them) and its private link resources are not served yet";
const ARRAY_OPERATIONS_LIST = "Azure's data: the example's body is a bare array of operations, while its spec answers a ResourceProviderOperationList ({value, nextLink}), as Arclight does";

export const kubernetesConfigurationConformance: ConformanceProvider = {
  namespace: NAMESPACE,
  seed: 'test/conformance/seed.json',
  groupLocation: 'eastus',
  // The other subscriptions that examples on clusterName1 name go there too (operations
  // 2025-03-01 use 00000000-0000-0000-0000-000000000001, Arclight's default tenant id).
  // 'subid' is the private link scope UpdateTagsOnly example's: it patches the scope the other
  // 2022-04-02-preview scope examples create in PRIVATE_LINK_SUBSCRIPTION.
  // The 2022-04-02-preview scope create examples send no clusterResourceId, which the spec
  // requires: the runner sends the one their answers show.
  prepare: (c) => ({
    ...c,
    path: c.path
      .replace(/^\/subscriptions\/(subId1|aaaaaaaaaa|00000000-0000-0000-0000-000000000001)\//i, `/subscriptions/${SUBSCRIPTION}/`)
      .replace(/^\/subscriptions\/subid\//, `/subscriptions/${PRIVATE_LINK_SUBSCRIPTION}/`),
    ...(c.operationId === 'PrivateLinkScopes_CreateOrUpdate' && c.body && c.body.properties?.clusterResourceId === undefined
      ? { body: { ...c.body, properties: { ...c.body.properties, clusterResourceId: c.responses['200']?.body?.properties?.clusterResourceId } } }
      : {}),
  }),
  // Every example lives on connected cluster clusterName1 in rg1.
  async setup(a) {
    const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/rg1`;
    await request(a.app).put(`${group}?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: 'eastus' });
    await request(a.app).put(`${group}/providers/Microsoft.Kubernetes/connectedClusters/clusterName1?api-version=2021-10-01`)
      .set('Authorization', bearer()).send(clusterBody()).expect(201);
  },
  tolerances: [
    ...agentReported(['currentVersion', 'installedVersion'], "the extension's version is reported by the cluster's agents: null until an agent reports (no agent runs here)"),
    { path: 'properties.statuses[]', reason: 'statuses are reported by the cluster\'s agents: empty until an agent reports' },
    ...agentReported(['repositoryPublicKey', 'sourceSyncedCommitId', 'sourceUpdatedAt', 'statusUpdatedAt', 'errorMessage'],
      'flux and source control state reported by the cluster\'s agents: absent until an agent reports'),
    ...agentReported(['lastSourceSyncedCommitId', 'lastSourceSyncedAt', 'lastSourceUpdatedCommitId', 'lastSourceUpdatedAt'],
      "the flux source's synced commit and time as 2021-11-01-preview (lastSourceSynced*) and 2022-01-01-preview (lastSourceUpdated*) name them: reported by the cluster's agents, absent until an agent reports"),
    ...agentReported(['installState', 'lastStatusTime'], "the extension's install state and last status time (2020-07-01-preview), reported by the cluster's agents: absent until an agent reports"),
    { path: 'properties.version', reason: 'the examples show a version resolved by the service for autoUpgradeMinorVersion true; Arclight keeps version only when the request set it' },
    {
      path: 'value[]',
      reason: 'the example lists operations still running; with --lro-delay 0 every operation has finished by the time the list is read',
      only: exampleReferences(NAMESPACE).filter((r) => r.operationId === 'OperationStatus_List').map(caseKey),
    },
    {
      path: 'properties.configurationSettings',
      reason: 'the example reads an extension with settings its create example (CreateExtensionWithPlan) does not set',
      only: ['2022-04-02-preview', '2022-11-01', '2023-05-01', '2024-11-01', '2024-11-02-preview', '2025-03-01'].flatMap((v) => [`${v} Extensions_Get Get Extension with Plan`, `${v} Extensions_List List Extensions`]),
    },
    { path: 'nextLink', reason: 'ARM leaves nextLink out on the last page; the examples show a made-up next page' },
    {
      path: 'properties.privateEndpointConnections[]',
      reason: 'Arclight has no Microsoft.Network private endpoints, so no connection to a private link scope exists: the list stays empty',
    },
  ],
  exceptions: {
    '2019-11-01-preview Operations_List BatchAccountDelete': ARRAY_OPERATIONS_LIST,
    '2020-07-01-preview Operations_List BatchAccountDelete': ARRAY_OPERATIONS_LIST,
    '2021-05-01-preview Operations_List BatchAccountDelete': ARRAY_OPERATIONS_LIST,
  },
  notImplemented: {
    extensionTypes: NO_EXTENSION_TYPES,
    'extensionTypes/versions': NO_EXTENSION_TYPES,
    'locations/extensionTypes': NO_EXTENSION_TYPES,
    'locations/extensionTypes/versions': NO_EXTENSION_TYPES,
    'privateLinkScopes/privateEndpointConnections': NO_PRIVATE_ENDPOINTS,
    'privateLinkScopes/privateLinkResources': NO_PRIVATE_ENDPOINTS,
  },
};
