/**
 * End to end over HTTPS with the official @azure/arm-kubernetesconfiguration SDK (6.1.0): the
 * well-known extensions created as the catalog derives them (Flux, the Key Vault secrets
 * provider, Container Insights), an update that names no protected setting keeping them, and
 * the extension types catalog read through the SDK's own pipeline. 6.1.0 has no extensionTypes
 * operations, and the split package that has them (@azure/arm-kubernetesconfiguration-extensiontypes)
 * is not on the npm registry: the client's sendRequest sends those requests with the SDK's
 * authentication and retry policies.
 */
import { strict as assert } from 'assert';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import { createPipelineRequest } from '@azure/core-rest-pipeline';
import { SUB, staticCredential, testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';

const CC = ['Microsoft.Kubernetes', 'connectedClusters'] as const;
const KC = 'providers/Microsoft.KubernetesConfiguration';

describe('e2e: extension types and well-known extensions with the official SDK', () => {
  let server: TestServer;
  let config: SourceControlConfigurationClient;
  const lro = { updateIntervalInMs: 10 };

  before(async () => {
    server = await testServer({ agents: 'simulated' });
    const options = { endpoint: server.url, agent: server.agent };
    config = new SourceControlConfigurationClient(staticCredential(), SUB, options);
    const groups = new ResourceManagementClient(staticCredential(), SUB, options);
    const clusters = new ConnectedKubernetesClient(staticCredential(), SUB, options);
    await groups.resourceGroups.createOrUpdate('et-e2e', { location: 'eastus' });
    await clusters.connectedClusterOperations.beginCreateAndWait('et-e2e', 'c1', {
      location: 'eastus', identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: agentKeys().pkcs1, distribution: 'kind', infrastructure: 'generic',
    }, lro);
  });
  after(() => server.stop());

  /** A GET through the SDK's pipeline (bearer token, retries), answered as JSON. */
  const read = async (path: string) => {
    const response = await config.sendRequest(createPipelineRequest({ url: `${server.url}${path}`, method: 'GET' }));
    assert.equal(response.status, 200, response.bodyAsText ?? undefined);
    return JSON.parse(response.bodyAsText!);
  };

  it('creates microsoft.flux in flux-system at the Stable train\'s newest version, which the agents report installed', async () => {
    const flux = await config.extensions.beginCreateAndWait('et-e2e', ...CC, 'c1', 'flux', { extensionType: 'microsoft.flux' }, lro);
    assert.deepEqual(flux.scope, { cluster: { releaseNamespace: 'flux-system' } });
    assert.equal(flux.autoUpgradeMinorVersion, true);
    assert.equal(flux.version, '1.17.3');
    const reported = await config.extensions.get('et-e2e', ...CC, 'c1', 'flux');
    assert.equal(reported.currentVersion, '1.17.3');
  });

  it('creates the Key Vault secrets provider and Container Insights as the catalog says, and refuses an unknown type', async () => {
    const kv = await config.extensions.beginCreateAndWait('et-e2e', ...CC, 'c1', 'akvsecretsprovider', { extensionType: 'Microsoft.AzureKeyVaultSecretsProvider' }, lro);
    assert.deepEqual(kv.scope, { cluster: { releaseNamespace: 'kube-system' } });
    assert.equal(kv.version, '1.6.5');
    const ci = await config.extensions.beginCreateAndWait('et-e2e', ...CC, 'c1', 'azuremonitor-containers', {
      identity: { type: 'SystemAssigned' },
      extensionType: 'microsoft.azuremonitor.containers',
      scope: { cluster: { releaseNamespace: 'azuremonitor-containers' } },
      configurationSettings: { logAnalyticsWorkspaceResourceID: `/subscriptions/${SUB}/resourceGroups/DefaultResourceGroup-EUS/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${SUB}-EUS` },
      configurationProtectedSettings: { 'omsagent.secret.wsid': 'a6b4f0b6-0000-4000-8000-000000000001', 'omsagent.secret.key': 'ci-secret-key' },
    }, lro);
    assert.deepEqual(ci.scope, { cluster: { releaseNamespace: 'azuremonitor-containers' } });
    await assert.rejects(config.extensions.beginCreateAndWait('et-e2e', ...CC, 'c1', 'mystery', { extensionType: 'contoso.unknown' }, lro),
      (err: { statusCode?: number; code?: string }) => err.statusCode === 400 && err.code === 'ExtensionTypeRegistrationGetFailed');
  });

  it('keeps protected settings through an update that names none, and pins a version of the train', async () => {
    const updated = await config.extensions.beginUpdateAndWait('et-e2e', ...CC, 'c1', 'azuremonitor-containers', {
      autoUpgradeMinorVersion: false, version: '3.1.24', configurationSettings: {}, configurationProtectedSettings: {},
    }, lro);
    assert.equal(updated.version, '3.1.24');
    const id = `/subscriptions/${SUB}/resourceGroups/et-e2e/providers/Microsoft.Kubernetes/connectedClusters/c1/${KC}/extensions/azuremonitor-containers`;
    assert.deepEqual(server.services.store.secrets.get(id.toLowerCase()), {
      configurationProtectedSettings: { 'omsagent.secret.wsid': 'a6b4f0b6-0000-4000-8000-000000000001', 'omsagent.secret.key': 'ci-secret-key' },
    });
    const reported = await config.extensions.get('et-e2e', ...CC, 'c1', 'azuremonitor-containers');
    assert.equal(reported.currentVersion, '3.1.24', 'the agents install the pinned version');
  });

  it('reads the extension types catalog by location and by cluster, with versions', async () => {
    const byLocation = await read(`/subscriptions/${SUB}/${KC}/locations/eastus/extensionTypes?api-version=2023-05-01-preview`);
    assert.ok(byLocation.value.some((t: { name: string }) => t.name === 'microsoft.iotoperations'));
    const byCluster = await read(`/subscriptions/${SUB}/resourceGroups/et-e2e/providers/Microsoft.Kubernetes/connectedClusters/c1/${KC}/extensionTypes/microsoft.flux?api-version=2024-11-02-preview`);
    assert.equal(byCluster.properties.supportedScopes.clusterScopeSettings.properties.defaultReleaseNamespace, 'flux-system');
    const versions = await read(`/subscriptions/${SUB}/${KC}/locations/eastus/extensionTypes/microsoft.flux/versions?showLatest=false&api-version=2023-05-01-preview`);
    assert.deepEqual(versions.value.map((v: { name: string }) => v.name), ['1.17.3', '1.17.2', '1.16.12', '1.16.2', '1.15.1']);
    const legacy = await read(`/subscriptions/${SUB}/${KC}/locations/eastus/extensionTypes/microsoft.flux/versions?api-version=2022-01-15-preview`);
    assert.deepEqual(legacy.value.map((t: { releaseTrain: string }) => t.releaseTrain), ['stable', 'preview']);
  });
});
