/**
 * Moving an Arc-enabled cluster to another region, as Azure documents it, end to end with the
 * official SDKs over HTTPS: list the cluster's configurations and keep the bodies, delete the
 * cluster (its configurations go with it), connect it again with the same name in the target
 * region, recreate every configuration from the saved bodies (protected settings from the
 * original requests, since no read returns them), then list again and compare.
 *
 * What may differ after a move (README "Moving a cluster between regions"): systemData, the
 * identities Azure creates (principalId), and what agents report. Everything the user set must not.
 */
import { strict as assert } from 'assert';
import { SourceControlConfigurationClient, Extension, FluxConfiguration, SourceControlConfiguration } from '@azure/arm-kubernetesconfiguration';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SUB, staticCredential, testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';

const CC = ['Microsoft.Kubernetes', 'connectedClusters'] as const;
const GROUP = 'move-rg';
const CLUSTER = 'arc1';

/** Fields that legitimately differ between the configurations before and after a move. */
const MAY_DIFFER = new Set(['systemData', 'principalId', 'tenantId', 'provisioningState', 'statuses', 'currentVersion', 'complianceState', 'complianceStatus', 'repositoryPublicKey']);

function comparable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(comparable);
  if (!value || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(Object.entries(value).filter(([k]) => !MAY_DIFFER.has(k)).map(([k, v]) => [k, comparable(v)]));
}

describe('e2e: moving a cluster between regions', () => {
  let server: TestServer;
  let config: SourceControlConfigurationClient;
  let clusters: ConnectedKubernetesClient;
  const lro = { updateIntervalInMs: 10 };

  before(async () => {
    server = await testServer();
    const options = { endpoint: server.url, agent: server.agent };
    config = new SourceControlConfigurationClient(staticCredential(), SUB, options);
    clusters = new ConnectedKubernetesClient(staticCredential(), SUB, options);
    await new ResourceManagementClient(staticCredential(), SUB, options).resourceGroups.createOrUpdate(GROUP, { location: 'eastus' });
  });
  after(() => server.stop());

  const connect = (location: string) => clusters.connectedClusterOperations.beginCreateAndWait(GROUP, CLUSTER, {
    location, identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: agentKeys().pkcs1, distribution: 'kind', infrastructure: 'generic', tags: { team: 'platform' },
  }, lro);

  const listAll = async () => {
    const out = { sourceControl: [] as SourceControlConfiguration[], extensions: [] as Extension[], flux: [] as FluxConfiguration[] };
    for await (const s of config.sourceControlConfigurations.list(GROUP, ...CC, CLUSTER)) out.sourceControl.push(s);
    for await (const e of config.extensions.list(GROUP, ...CC, CLUSTER)) out.extensions.push(e);
    for await (const f of config.fluxConfigurations.list(GROUP, ...CC, CLUSTER)) out.flux.push(f);
    return out;
  };

  it('keeps every configuration through delete and reconnect in the target region', async () => {
    const original = await connect('eastus');
    // The original requests: the only place protected settings can come from later.
    const protectedSettings = {
      monitor: { 'omsagent.secret.key': 'monitor-key' },
      gitops: { httpsUser: 'git', httpsKey: 'Z2l0LWtleQ==' },
      legacy: { sshPrivateKey: 'bGVnYWN5LWtleQ==' },
    };
    await config.sourceControlConfigurations.createOrUpdate(GROUP, ...CC, CLUSTER, 'legacy', {
      repositoryUrl: 'git@github.com:Azure/arc-k8s-demo.git', operatorNamespace: 'legacy-ops', operatorScope: 'namespace', configurationProtectedSettings: protectedSettings.legacy,
    });
    await config.extensions.beginCreateAndWait(GROUP, ...CC, CLUSTER, 'monitor', {
      identity: { type: 'SystemAssigned' }, extensionType: 'microsoft.azuremonitor.containers', releaseTrain: 'Preview',
      scope: { cluster: { releaseNamespace: 'azuremonitor' } }, configurationSettings: { 'logAnalytics.workspace': 'ws1' },
      configurationProtectedSettings: protectedSettings.monitor,
    }, lro);
    await config.extensions.beginCreateAndWait(GROUP, ...CC, CLUSTER, 'flux', { extensionType: 'microsoft.flux', autoUpgradeMinorVersion: false, version: '1.16.12' }, lro);
    await config.fluxConfigurations.beginCreateOrUpdateAndWait(GROUP, ...CC, CLUSTER, 'gitops', {
      namespace: 'cluster-config', gitRepository: { url: 'https://github.com/Azure/arc-k8s-demo', repositoryRef: { branch: 'main' } },
      kustomizations: { infra: { path: './infrastructure', prune: true }, apps: { path: './apps', dependsOn: ['infra'] } },
      configurationProtectedSettings: protectedSettings.gitops,
    }, lro);

    // 1. List and keep the bodies.
    const before = await listAll();
    assert.deepEqual([before.sourceControl.length, before.extensions.length, before.flux.length], [1, 2, 1]);

    // 2. Delete the connected cluster: its configurations go with it.
    await clusters.connectedClusterOperations.beginDeleteAndWait(GROUP, CLUSTER, lro);
    await assert.rejects(listAll(), (e: { statusCode?: number; code?: string }) => e.statusCode === 404 && e.code === 'ParentResourceNotFound');

    // 3. Connect again with the same name in the target region.
    const moved = await connect('westeurope');
    assert.equal(moved.location, 'westeurope');
    assert.notEqual(moved.identity.principalId, original.identity.principalId, 'a new cluster identity');

    // 4. Recreate each configuration from the saved bodies (read-only fields are not sent by the SDK).
    const secretsOf = (name: string) => protectedSettings[name as keyof typeof protectedSettings];
    for (const s of before.sourceControl) {
      await config.sourceControlConfigurations.createOrUpdate(GROUP, ...CC, CLUSTER, s.name!, { ...s, configurationProtectedSettings: secretsOf(s.name!) });
    }
    for (const e of before.extensions) {
      await config.extensions.beginCreateAndWait(GROUP, ...CC, CLUSTER, e.name!, { ...e, configurationProtectedSettings: secretsOf(e.name!) }, lro);
    }
    for (const f of before.flux) {
      await config.fluxConfigurations.beginCreateOrUpdateAndWait(GROUP, ...CC, CLUSTER, f.name!, { ...f, configurationProtectedSettings: secretsOf(f.name!) }, lro);
    }

    // 5. List again and compare with the original list.
    const after = await listAll();
    assert.deepEqual(comparable(after), comparable(before));
    const monitor = (list: Extension[]) => list.find((e) => e.name === 'monitor')!.identity!.principalId;
    assert.notEqual(monitor(after.extensions), monitor(before.extensions), 'extension identities are new too');
    const keys = server.services.store.secrets.get(`${after.flux[0].id!.toLowerCase()}`);
    assert.deepEqual(keys, { configurationProtectedSettings: protectedSettings.gitops }, 'protected settings restored from the original requests');
  });
});
