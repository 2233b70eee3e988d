/**
 * The ARM side of the cluster-side end-to-end tests: the official SDK clients against a running
 * Arclight, clusters and configurations as users create them, and Arclight's test controls
 * (the emulator clock, the simulated agents) over HTTPS.
 */
import { strict as assert } from 'assert';
import { ConnectedCluster, ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { Extension, FluxConfiguration, SourceControlConfiguration, SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { TokenCredential } from '@azure/core-auth';
import { fakeToken, SUB, TestServer } from './arclight';
import { overHttps } from './https';
import { agentKeys } from './keys';

export const LRO = { updateIntervalInMs: 10 };
/** The cluster's provider and type, as the configuration SDK takes them. */
export const CC = ['Microsoft.Kubernetes', 'connectedClusters'] as const;
/** The Microsoft.Kubernetes first-party application: systemData.lastModifiedBy once agents report. */
export const KUBERNETES_APP = '64b12d6e-6549-484c-8cc6-6281839ba394';
export const DAY_MS = 24 * 3600 * 1000;

export interface ArmClients {
  clusters: ConnectedKubernetesClient;
  config: SourceControlConfigurationClient;
  groups: ResourceManagementClient;
}

/**
 * A credential whose (unsigned, --auth lenient) token is fresh on the emulator clock at every
 * call: ARM judges `exp` by that clock, and these tests move it months ahead. A real client
 * would sign in again (README, Authentication).
 */
export function emulatorClockCredential(server: TestServer): TokenCredential {
  return {
    getToken: async () => ({
      token: fakeToken({ exp: Math.floor(server.services.clock.nowMs() / 1000) + 3600 }),
      // Already due for refresh by real time: the SDK asks again before each request.
      expiresOnTimestamp: Date.now(),
    }),
  };
}

export function armClients(server: TestServer): ArmClients {
  const credential = emulatorClockCredential(server);
  const options = { endpoint: server.url, agent: server.agent };
  return {
    clusters: new ConnectedKubernetesClient(credential, SUB, options),
    config: new SourceControlConfigurationClient(credential, SUB, options),
    groups: new ResourceManagementClient(credential, SUB, options),
  };
}

/** `az connectedk8s connect`'s ARM part: the group, then the cluster with onboarding key `keyIndex`. */
export async function connectCluster(arm: ArmClients, group: string, name: string, location = 'eastus', keyIndex = 0): Promise<ConnectedCluster> {
  await arm.groups.resourceGroups.createOrUpdate(group, { location: 'eastus' });
  return arm.clusters.connectedClusterOperations.beginCreateAndWait(group, name, {
    location, identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: agentKeys(keyIndex).pkcs1, distribution: 'kind', infrastructure: 'generic',
  }, LRO);
}

/** Protected settings the configurations below are created with: only the cluster's agents may read them back. */
export const PROTECTED = {
  monitor: { 'omsagent.secret.key': 'monitor-secret-value' },
  gitops: { httpsKey: 'Z2l0b3BzLXNlY3JldA==' },
  legacy: { sshPrivateKey: 'bGVnYWN5LXNlY3JldA==' },
};

export const monitorExtension = (): Extension => ({
  extensionType: 'microsoft.azuremonitor.containers', autoUpgradeMinorVersion: false, version: '3.1.16',
  configurationSettings: { 'logAnalytics.workspace': 'ws1' }, configurationProtectedSettings: PROTECTED.monitor,
});

export const gitopsFlux = (): FluxConfiguration => ({
  namespace: 'cluster-config', gitRepository: { url: 'https://github.com/Azure/arc-k8s-demo', repositoryRef: { branch: 'main' } },
  kustomizations: { infra: { path: './infrastructure' }, apps: { path: './apps', dependsOn: ['infra'] } },
  configurationProtectedSettings: PROTECTED.gitops,
});

export const legacySourceControl = (): SourceControlConfiguration => ({
  repositoryUrl: 'git@github.com:Azure/arc-k8s-demo.git', operatorNamespace: 'legacy-ops', operatorScope: 'namespace', configurationProtectedSettings: PROTECTED.legacy,
});

/** Creates the extension 'monitor' and the flux configuration 'gitops' on a cluster through ARM. */
export async function createConfigurations(arm: ArmClients, group: string, cluster: string): Promise<{ extension: Extension; flux: FluxConfiguration }> {
  const extension = await arm.config.extensions.beginCreateAndWait(group, ...CC, cluster, 'monitor', monitorExtension(), LRO);
  const flux = await arm.config.fluxConfigurations.beginCreateOrUpdateAndWait(group, ...CC, cluster, 'gitops', gitopsFlux(), LRO);
  return { extension, flux };
}

/** What ARM shows of a cluster's configurations now. */
export async function readConfigurations(arm: ArmClients, group: string, cluster: string) {
  return {
    extension: await arm.config.extensions.get(group, ...CC, cluster, 'monitor'),
    flux: await arm.config.fluxConfigurations.get(group, ...CC, cluster, 'gitops'),
  };
}

/** Asserts what ARM shows once agents have reported the configurations above installed and reconciled. */
export async function assertConfigurationsReported(arm: ArmClients, group: string, cluster: string): Promise<void> {
  const { extension, flux } = await readConfigurations(arm, group, cluster);
  assert.equal(extension.provisioningState, 'Succeeded');
  assert.equal(extension.currentVersion, '3.1.16', 'the installed version, as the agents report it');
  assert.equal(flux.complianceState, 'Compliant');
  assert.match(flux.sourceSyncedCommitId ?? '', /^main\/[0-9a-f]{40}$/);
  assert.deepEqual(flux.statuses!.map((s) => [s!.kind, s!.name, s!.complianceState]),
    [['GitRepository', 'gitops', 'Compliant'], ['Kustomization', 'gitops-infra', 'Compliant'], ['Kustomization', 'gitops-apps', 'Compliant']]);
}

/** Arclight's test controls (/_arclight) over HTTPS, trusting the server's CA. */
export function controls(server: TestServer) {
  const call = overHttps(server.url, server.caCertPem);
  const ok = async (req: ReturnType<typeof call>, status = 200) => {
    const res = await req;
    assert.equal(res.status, status, `${res.status} ${res.text}`);
    return res.body;
  };
  return {
    /** Moves the emulator clock forward by an ISO 8601 duration. */
    advance: (duration: string) => ok(call('post', '/_arclight/clock/advance').send({ duration })),
    now: async () => Date.parse((await ok(call('get', '/_arclight/clock'))).now),
    connect: (clusterId: string, status = 200) => ok(call('post', `/_arclight/clusters${clusterId}/connect`), status),
    disconnect: (clusterId: string) => ok(call('post', `/_arclight/clusters${clusterId}/disconnect`)),
    fail: (configId: string, message: string) => ok(call('post', `/_arclight/clusters${configId}/fail`).send({ message })),
    recover: (configId: string) => ok(call('post', `/_arclight/clusters${configId}/recover`)),
  };
}
