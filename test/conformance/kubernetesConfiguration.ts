/**
 * Microsoft.KubernetesConfiguration (extensions, fluxConfigurations, sourceControlConfigurations
 * and the operation lists) in the conformance runner: what the vendored examples need to run as
 * written, and which of their keys the server may leave out, and why.
 */
import request from 'supertest';
import { caseKey, type ConformanceProvider } from './scenario';
import { bearer } from '../support/arclight';
import { clusterBody } from '../support/clusters';
import * as path from 'path';
import type { ExampleCase } from './exampleCatalog';
import { exampleCases, ROOT } from './exampleCatalog';

/** The examples' subscription 'subId1' is not a GUID, which subscription ids are: this one stands in (see seed.json). */
const SUBSCRIPTION = '5ab51d01-0000-4000-8000-000000000001';

const agentReported = (fields: string[], reason: string) => fields.map((field) => ({ path: `properties.${field}`, reason }));

/**
 * The extensionTypes examples of 2021-05-01-preview and 2021-11-01-preview name subscription
 * 'aaaaaaaaaa' and location 'aaaaaa' (no region); 2021-05-01-preview's cluster list puts
 * Microsoft.ContainerService before its literal connectedClusters, a pair no cluster has.
 */
function prepare(c: ExampleCase): ExampleCase {
  const path = c.path
    .replace(/^\/subscriptions\/(subId1|aaaaaaaaaa)\//i, `/subscriptions/${SUBSCRIPTION}/`)
    .replace(/\/locations\/aaaaaa\//i, '/locations/eastus/')
    .replace(/\/providers\/Microsoft\.ContainerService\/connectedClusters\//i, '/providers/Microsoft.Kubernetes/connectedClusters/');
  return { ...c, path };
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
  namespace: 'Microsoft.KubernetesConfiguration',
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
    { path: 'supportedScopes.clusterScopeSettings', reason: 'types installed only at namespace scope have no cluster scope settings (Azure answers null, test_k8s_extension_types.yaml)' },
    { path: 'clusterScopeSettings.properties.defaultReleaseNamespace', reason: 'types without a default release namespace (Azure answers null): the extension is released into a namespace after its name' },
    { path: 'clusterScopeSettings.defaultReleaseNamespace', reason: 'types without a default release namespace (Azure answers null): the extension is released into a namespace after its name' },
    { path: 'properties.unsupportedKubernetesVersions', reason: 'Azure answers null for every kind of cluster (test_k8s_extension_types.yaml); the catalog records no unsupported Kubernetes versions' },
    {
      path: 'systemData',
      reason: 'extension types are a catalog, not resources anyone created: the examples of 2021-05-01-preview to 2022-01-15-preview show systemData, Azure\'s answers (test_k8s_extension_types.yaml) have none',
      only: exampleCases('Microsoft.KubernetesConfiguration')
        .filter((c) => ['2021-05-01-preview', '2021-11-01-preview', '2022-01-01-preview', '2022-01-15-preview'].includes(c.apiVersion) && /ExtensionType/.test(c.operationId))
        .map(caseKey),
    },
    {
      path: 'value[]',
      reason: 'the example lists operations still running; with --lro-delay 0 every operation has finished by the time the list is read',
      only: ['2022-03-01', '2022-07-01', '2022-11-01', '2023-05-01'].map((v) => `${v} OperationStatus_List AsyncOperationStatus List`),
    },
    {
      path: 'properties.configurationSettings',
      reason: 'the example reads an extension with settings its create example (CreateExtensionWithPlan) does not set',
      only: ['2022-11-01', '2023-05-01', '2024-11-01'].flatMap((v) => [`${v} Extensions_Get Get Extension with Plan`, `${v} Extensions_List List Extensions`]),
    },
    { path: 'nextLink', reason: 'ARM leaves nextLink out on the last page; the examples show a made-up next page' },
  ],
};
