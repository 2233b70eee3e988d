/**
 * Microsoft.KubernetesConfiguration (extensions, fluxConfigurations, sourceControlConfigurations,
 * the operation lists, extension types and private link scopes) in the conformance runner: what the vendored examples need to run as
 * written, and which of their keys the server may leave out, and why.
 */
import request from 'supertest';
import { caseKey, type ConformanceProvider } from './scenario';
import * as path from 'path';
import { exampleCases, ExampleCase, exampleReferences, ROOT } from './exampleCatalog';
import { bearer } from '../support/arclight';
import { clusterBody } from '../support/clusters';

/** The examples' subscription 'subId1' is not a GUID, which subscription ids are: this one stands in (see seed.json). */
const SUBSCRIPTION = '5ab51d01-0000-4000-8000-000000000001';
/** Where the 2022-04-02-preview private link scope examples create their scope (see seed.json). */
const PRIVATE_LINK_SUBSCRIPTION = '86dc51d3-92ed-4d7e-947a-775ea79b4919';

const agentReported = (fields: string[], reason: string) => fields.map((field) => ({ path: `properties.${field}`, reason }));

const NAMESPACE = 'Microsoft.KubernetesConfiguration';
const NO_PRIVATE_ENDPOINTS = "Arclight has no Microsoft.Network private endpoints: a scope's endpoint connections (made by them) and its private link resources are not served yet";
const ARRAY_OPERATIONS_LIST = "Azure's data: the example's body is a bare array of operations, while its spec answers a ResourceProviderOperationList ({value, nextLink}), as Arclight does";

/**
 * Where the examples' requests go. The other subscriptions that examples on clusterName1 name go
 * to SUBSCRIPTION too (operations 2025-03-01 use 00000000-0000-0000-0000-000000000001, Arclight's
 * default tenant id; the extensionTypes examples of 2021-05-01-preview and 2021-11-01-preview
 * 'aaaaaaaaaa', with location 'aaaaaa', no region: eastus). 'subid' is the private link scope
 * UpdateTagsOnly example's: it patches the scope the other 2022-04-02-preview scope examples
 * create in PRIVATE_LINK_SUBSCRIPTION. The 2022-04-02-preview scope create examples send no
 * clusterResourceId, which the spec requires: the runner sends the one their answers show.
 * 2021-05-01-preview's extension type list puts Microsoft.ContainerService before its literal
 * connectedClusters, a pair no cluster has: Microsoft.Kubernetes.
 */
function prepare(c: ExampleCase): ExampleCase {
  return {
    ...c,
    path: c.path
      .replace(/^\/subscriptions\/(subId1|aaaaaaaaaa|00000000-0000-0000-0000-000000000001)\//i, `/subscriptions/${SUBSCRIPTION}/`)
      .replace(/^\/subscriptions\/subid\//, `/subscriptions/${PRIVATE_LINK_SUBSCRIPTION}/`)
      .replace(/\/locations\/aaaaaa\//i, '/locations/eastus/')
      .replace(/\/providers\/Microsoft\.ContainerService\/connectedClusters\//i, '/providers/Microsoft.Kubernetes/connectedClusters/'),
    ...(c.operationId === 'PrivateLinkScopes_CreateOrUpdate' && c.body && c.body.properties?.clusterResourceId === undefined
      ? { body: { ...c.body, properties: { ...c.body.properties, clusterResourceId: c.responses['200']?.body?.properties?.clusterResourceId } } }
      : {}),
  };
}

/** The clusters the examples live on: clusterName1 (connected, and an AKS stand-in), my-cluster, and the extensionTypes examples' one. */
const CLUSTERS: Array<[group: string, type: string, name: string]> = [
  ['rg1', 'Microsoft.Kubernetes/connectedClusters', 'clusterName1'],
  ['rg1', 'Microsoft.ContainerService/managedClusters', 'clusterName1'],
  ['rg1', 'Microsoft.Kubernetes/connectedClusters', 'my-cluster'],
  ['rgextensionTypes', 'Microsoft.ContainerService/managedClusters', 'aaaaaaaaaaaaaaaaaaaaa'],
  ['rgextensionTypes', 'Microsoft.Kubernetes/connectedClusters', 'aaaaaaaaaaaaaaaaaaaaa'],
];

export const kubernetesConfigurationConformance: ConformanceProvider = {
  namespace: NAMESPACE,
  seed: 'test/conformance/seed.json',
  // The made-up extension types the examples name (my-extension-type, azure-vote, ...): Arclight, as Azure, refuses types it does not know.
  options: { extensionTypes: path.join(ROOT, 'test/conformance/extensionTypes.json') },
  groupLocation: 'eastus',
  prepare,
  async setup(a) {
    for (const [groupName, type, name] of CLUSTERS) {
      const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/${groupName}`;
      await request(a.app).put(`${group}?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: 'eastus' });
      const connected = type === 'Microsoft.Kubernetes/connectedClusters';
      await request(a.app).put(`${group}/providers/${type}/${name}?api-version=${connected ? '2021-10-01' : '2024-05-01'}`)
        .set('Authorization', bearer()).send(connected ? clusterBody() : { location: 'eastus' }).expect(201);
    }
  },
  tolerances: [
    ...agentReported(['currentVersion', 'installedVersion'], "the extension's version is reported by the cluster's agents: null until an agent reports (no agent runs here)"),
    { path: 'properties.statuses[]', reason: 'statuses are reported by the cluster\'s agents: empty until an agent reports' },
    ...agentReported(['repositoryPublicKey', 'sourceSyncedCommitId', 'sourceUpdatedAt', 'statusUpdatedAt', 'errorMessage'],
      'flux and source control state reported by the cluster\'s agents: absent until an agent reports'),
    ...agentReported(['lastSourceSyncedCommitId', 'lastSourceSyncedAt', 'lastSourceUpdatedCommitId', 'lastSourceUpdatedAt'],
      "the flux source's synced commit and time as 2021-11-01-preview (lastSourceSynced*) and 2022-01-01-preview (lastSourceUpdated*) name them: reported by the cluster's agents, absent until an agent reports"),
    ...agentReported(['installState', 'lastStatusTime'], "the extension's install state and last status time (2020-07-01-preview), reported by the cluster's agents: absent until an agent reports"),
    ...agentReported(['additionalDetails'], "links the extension type's publisher registers (docs, release notes, troubleshooting guide), reported by the service: Arclight's extension type catalog has none, so they are absent"),
    { path: 'supportedScopes.clusterScopeSettings', reason: 'types installed only at namespace scope have no cluster scope settings (Azure answers null, test_k8s_extension_types.yaml)' },
    { path: 'clusterScopeSettings.properties.defaultReleaseNamespace', reason: 'types without a default release namespace (Azure answers null): the extension is released into a namespace after its name' },
    { path: 'clusterScopeSettings.defaultReleaseNamespace', reason: 'types without a default release namespace (Azure answers null): the extension is released into a namespace after its name' },
    { path: 'properties.unsupportedKubernetesVersions', reason: 'Azure answers null for every kind of cluster (test_k8s_extension_types.yaml); the catalog records no unsupported Kubernetes versions' },
    {
      path: 'systemData',
      reason: 'extension types are a catalog, not resources anyone created: the examples of 2021-05-01-preview to 2022-01-15-preview show systemData, Azure\'s answers (test_k8s_extension_types.yaml) have none',
      only: exampleCases(NAMESPACE)
        .filter((c) => ['2021-05-01-preview', '2021-11-01-preview', '2022-01-01-preview', '2022-01-15-preview'].includes(c.apiVersion) && /ExtensionType/.test(c.operationId))
        .map(caseKey),
    },
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
    ...['srs-kustomization1', 'srs-kustomization2', 'srs-kustomization2.retryIntervalInSeconds'].map((k) => `value[].properties.kustomizations.${k}`).concat('value[].properties.gitRepository').map((p) => ({
      path: p,
      reason: 'the list also shows the configurations the version\'s other create examples make (OCI repository, bucket, workload identity, kubeConfig, sparse checkout), whose source kinds and kustomization names are not the listed example\'s',
      only: ['2026-07-01-preview FluxConfigurations_List List Flux Configuration'],
    })),
    {
      path: 'properties.kustomizations.remote-staging.dependsOn',
      reason: 'the example patches a kustomization remote-staging (dependsOn apps) of contoso-app-config, which that configuration\'s create example (CreateFluxConfigurationWithWorkloadIdentity) does not make: the patch adds it, without dependsOn',
      only: ['2026-07-01-preview FluxConfigurations_Update Patch Flux Configuration to add workload identity and remove kubeConfig'],
    },
    {
      path: 'properties.privateEndpointConnections[]',
      reason: 'Arclight has no Microsoft.Network private endpoints, so no connection to a private link scope exists: the list stays empty',
    },
  ],
  exceptions: {
    ...Object.fromEntries(['Get Extension with ManagedBy', 'Get Extension with ManagementDetails'].map((title) => [`2025-03-01 Extensions_Get ${title}`,
      'the example reads an extension AKS manages (managedBy, managementDetails) on a managed cluster, which no create example makes and only the managing service could'])),
    '2019-11-01-preview Operations_List BatchAccountDelete': ARRAY_OPERATIONS_LIST,
    '2020-07-01-preview Operations_List BatchAccountDelete': ARRAY_OPERATIONS_LIST,
    '2021-05-01-preview Operations_List BatchAccountDelete': ARRAY_OPERATIONS_LIST,
  },
  notImplemented: {
    'privateLinkScopes/privateEndpointConnections': NO_PRIVATE_ENDPOINTS,
    'privateLinkScopes/privateLinkResources': NO_PRIVATE_ENDPOINTS,
  },
};
