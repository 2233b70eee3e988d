/**
 * End to end over HTTPS with the official @azure/arm-kubernetesconfiguration SDK (6.1.0,
 * api-version 2023-05-01): extensions, flux configurations and source control configurations
 * through their long-running operations, with every raw response body recorded to prove that
 * no protected setting ever comes back, and the cascades and errors a user meets.
 */
import { strict as assert } from 'assert';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { SUB, staticCredential, testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';
import { SECRET_VALUES } from '../support/configurations';

interface SdkError {
  statusCode?: number;
  code?: string;
}

const CC = ['Microsoft.Kubernetes', 'connectedClusters'] as const;

describe('e2e: @azure/arm-kubernetesconfiguration over HTTPS', () => {
  let server: TestServer;
  let config: SourceControlConfigurationClient;
  let clusters: ConnectedKubernetesClient;
  let groups: ResourceManagementClient;
  /** The raw text of every response the configuration client received. */
  const bodies: string[] = [];
  const recorder: PipelinePolicy = {
    name: 'raw-bodies',
    sendRequest: async (request, next) => {
      const response = await next(request);
      if (response.bodyAsText) bodies.push(response.bodyAsText);
      return response;
    },
  };
  const lro = { updateIntervalInMs: 10 };

  before(async () => {
    server = await testServer({ pageSize: 2 });
    const options = { endpoint: server.url, agent: server.agent };
    config = new SourceControlConfigurationClient(staticCredential(), SUB, options);
    config.pipeline.addPolicy(recorder);
    clusters = new ConnectedKubernetesClient(staticCredential(), SUB, options);
    groups = new ResourceManagementClient(staticCredential(), SUB, options);
  });
  after(() => server.stop());

  const connect = async (group: string, name: string, location = 'eastus') => {
    await groups.resourceGroups.createOrUpdate(group, { location });
    await clusters.connectedClusterOperations.beginCreateAndWait(group, name, {
      location, identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: agentKeys().pkcs1, distribution: 'kind', infrastructure: 'generic',
    }, lro);
  };

  it('creates, reads, lists, updates and deletes extensions; protected settings never come back', async () => {
    await connect('kc-e2e', 'c1');
    const created = await config.extensions.beginCreateAndWait('kc-e2e', ...CC, 'c1', 'monitor', {
      identity: { type: 'SystemAssigned' },
      extensionType: 'microsoft.azuremonitor.containers',
      configurationSettings: { 'logAnalytics.workspace': 'ws1' },
      configurationProtectedSettings: { 'omsagent.secret.key': SECRET_VALUES[0] },
    }, lro);
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.autoUpgradeMinorVersion, true);
    assert.equal(created.releaseTrain, 'Stable');
    assert.equal(created.currentVersion, null, 'null until an agent reports');
    assert.deepEqual(created.statuses, []);
    assert.deepEqual(created.configurationProtectedSettings, {});
    assert.match(created.identity?.principalId ?? '', /^[0-9a-f-]{36}$/);

    for (const n of ['second', 'third']) {
      await config.extensions.beginCreateAndWait('kc-e2e', ...CC, 'c1', n, { extensionType: 'microsoft.flux' }, lro);
    }
    const names: string[] = [];
    for await (const e of config.extensions.list('kc-e2e', ...CC, 'c1')) names.push(e.name!);
    assert.deepEqual(names, ['monitor', 'second', 'third'], 'all pages are walked');

    const updated = await config.extensions.beginUpdateAndWait('kc-e2e', ...CC, 'c1', 'monitor', {
      releaseTrain: 'Preview', configurationProtectedSettings: { 'omsagent.secret.key': SECRET_VALUES[1] },
    }, lro);
    assert.equal(updated.releaseTrain, 'Preview');
    assert.equal(updated.provisioningState, 'Succeeded');

    await config.extensions.beginDeleteAndWait('kc-e2e', ...CC, 'c1', 'second', lro);
    await config.extensions.beginDeleteAndWait('kc-e2e', ...CC, 'c1', 'third', { ...lro, forceDelete: true });
    await assert.rejects(config.extensions.get('kc-e2e', ...CC, 'c1', 'second'), (e: SdkError) => e.statusCode === 404 && e.code === 'ResourceNotFound');

    const stored = server.services.store.secrets.get(`/subscriptions/${SUB}/resourcegroups/kc-e2e/providers/microsoft.kubernetes/connectedclusters/c1/providers/microsoft.kubernetesconfiguration/extensions/monitor`);
    assert.deepEqual(stored, { configurationProtectedSettings: { 'omsagent.secret.key': SECRET_VALUES[1] } }, 'kept for the cluster\'s agents');
    for (const text of bodies) for (const secret of SECRET_VALUES) assert.ok(!text.includes(secret), 'a protected setting came back');
  });

  it('creates, updates and deletes flux and source control configurations', async () => {
    await connect('kc-e2e-flux', 'c1');
    const flux = await config.fluxConfigurations.beginCreateOrUpdateAndWait('kc-e2e-flux', ...CC, 'c1', 'gitops', {
      gitRepository: { url: 'https://github.com/Azure/arc-k8s-demo', repositoryRef: { branch: 'main' } },
      kustomizations: { apps: { path: './apps' } },
      configurationProtectedSettings: { httpsKey: SECRET_VALUES[1] },
    }, lro);
    assert.equal(flux.provisioningState, 'Succeeded');
    assert.equal(flux.complianceState, 'Pending');
    assert.equal(flux.sourceKind, 'GitRepository');
    assert.equal(flux.kustomizations?.apps?.syncIntervalInSeconds, 600);

    const patched = await config.fluxConfigurations.beginUpdateAndWait('kc-e2e-flux', ...CC, 'c1', 'gitops', { suspend: true }, lro);
    assert.equal(patched.suspend, true);

    const scc = await config.sourceControlConfigurations.createOrUpdate('kc-e2e-flux', ...CC, 'c1', 'legacy', {
      repositoryUrl: 'git@github.com:Azure/arc-k8s-demo.git', configurationProtectedSettings: { sshPrivateKey: SECRET_VALUES[2] },
    });
    assert.equal(scc.provisioningState, 'Succeeded');
    assert.equal(scc.complianceStatus?.complianceState, 'Pending');

    await config.fluxConfigurations.beginDeleteAndWait('kc-e2e-flux', ...CC, 'c1', 'gitops', lro);
    await config.sourceControlConfigurations.beginDeleteAndWait('kc-e2e-flux', ...CC, 'c1', 'legacy', lro);
    const left: string[] = [];
    for await (const f of config.fluxConfigurations.list('kc-e2e-flux', ...CC, 'c1')) left.push(f.name!);
    for await (const s of config.sourceControlConfigurations.list('kc-e2e-flux', ...CC, 'c1')) left.push(s.name!);
    assert.deepEqual(left, []);
    for (const text of bodies) for (const secret of SECRET_VALUES) assert.ok(!text.includes(secret), 'a protected setting came back');
  });

  it('deletes configurations with their cluster and with their resource group', async () => {
    await connect('kc-e2e-cascade', 'c1');
    await connect('kc-e2e-cascade', 'c2');
    for (const c of ['c1', 'c2']) await config.extensions.beginCreateAndWait('kc-e2e-cascade', ...CC, c, 'flux', { extensionType: 'microsoft.flux' }, lro);
    await clusters.connectedClusterOperations.beginDeleteAndWait('kc-e2e-cascade', 'c1', lro);
    await assert.rejects(config.extensions.get('kc-e2e-cascade', ...CC, 'c1', 'flux'), (e: SdkError) => e.statusCode === 404 && e.code === 'ParentResourceNotFound');
    await groups.resourceGroups.beginDeleteAndWait('kc-e2e-cascade', lro);
    await assert.rejects(config.extensions.get('kc-e2e-cascade', ...CC, 'c2', 'flux'), (e: SdkError) => e.statusCode === 404 && e.code === 'ResourceGroupNotFound');
    assert.equal(server.services.store.resources.descendants(`/subscriptions/${SUB}/resourcegroups/kc-e2e-cascade`).length, 0);
  });

  it('surfaces the errors a user meets', async () => {
    await connect('kc-e2e-errors', 'c1');
    const cases: Array<[Promise<unknown>, number, string]> = [
      [config.extensions.beginCreateAndWait('kc-e2e-errors', ...CC, 'ghost', 'e', { extensionType: 'x' }, lro), 404, 'ParentResourceNotFound'],
      [config.extensions.beginCreateAndWait('kc-e2e-errors', 'Microsoft.Compute', 'virtualMachines', 'vm', 'e', { extensionType: 'x' }, lro), 400, 'InvalidParameter'],
      [config.extensions.beginCreateAndWait('kc-e2e-errors', ...CC, 'c1', 'e', { extensionType: 'microsoft.flux', version: '0.0.1', autoUpgradeMinorVersion: false }, lro), 400, 'ExtensionOperationFailed'],
      [config.extensions.beginCreateAndWait('kc-e2e-errors', ...CC, 'c1', 'e', { extensionType: 'x' }, lro), 400, 'ExtensionTypeRegistrationGetFailed'],
      [config.fluxConfigurations.beginCreateOrUpdateAndWait('kc-e2e-errors', ...CC, 'c1', 'f', { sourceKind: 'Bucket' }, lro), 400, 'ValidationFailed'],
      [config.extensions.get('kc-e2e-errors', ...CC, 'c1', 'nope'), 404, 'ResourceNotFound'],
      [config.extensions.beginCreateAndWait('no-such-group', ...CC, 'c1', 'e', { extensionType: 'x' }, lro), 404, 'ResourceGroupNotFound'],
    ];
    for (const [promise, statusCode, code] of cases) {
      await assert.rejects(promise, (e: SdkError) => {
        assert.deepEqual({ statusCode: e.statusCode, code: e.code }, { statusCode, code });
        return true;
      });
    }
  });
});
