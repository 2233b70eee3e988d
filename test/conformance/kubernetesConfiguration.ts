/**
 * Microsoft.KubernetesConfiguration (extensions, fluxConfigurations, sourceControlConfigurations
 * and the operation lists) in the conformance runner: what the vendored examples need to run as
 * written, and which of their keys the server may leave out, and why.
 */
import request from 'supertest';
import type { ConformanceProvider } from './scenario';
import { bearer } from '../support/arclight';
import { clusterBody } from '../support/clusters';

/** The examples' subscription 'subId1' is not a GUID, which subscription ids are: this one stands in (see seed.json). */
const SUBSCRIPTION = '5ab51d01-0000-4000-8000-000000000001';

const agentReported = (fields: string[], reason: string) => fields.map((field) => ({ path: `properties.${field}`, reason }));

export const kubernetesConfigurationConformance: ConformanceProvider = {
  namespace: 'Microsoft.KubernetesConfiguration',
  seed: 'test/conformance/seed.json',
  groupLocation: 'eastus',
  prepare: (c) => ({ ...c, path: c.path.replace(/^\/subscriptions\/subId1\//i, `/subscriptions/${SUBSCRIPTION}/`) }),
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
    { path: 'properties.version', reason: 'the examples show a version resolved by the service for autoUpgradeMinorVersion true; Arclight keeps version only when the request set it' },
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
