/**
 * The region move (README "Moving a cluster between regions") through the official SDKs against
 * a running Arclight, timed: list the cluster's configurations, delete the cluster, connect it
 * again in the target region, recreate every configuration from the saved bodies, list again.
 * In Azure this takes many minutes; the SDKs run with their default polling settings.
 */
import type { Extension, FluxConfiguration, SourceControlConfiguration } from '@azure/arm-kubernetesconfiguration';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { ServerUnderTest } from './processes';
import { SUBSCRIPTION } from './scenarios';
import { sdkClients } from './sdkClients';

const CC = ['Microsoft.Kubernetes', 'connectedClusters'] as const;

export async function regionMoveMs(server: ServerUnderTest, runs: number): Promise<{ medianMs: number; runs: number[] }> {
  const { credential, agent, options, clusters, config, agentKey: key } = sdkClients(server);
  const groups = new ResourceManagementClient(credential, SUBSCRIPTION, options);
  const connect = (group: string, location: string) => clusters.connectedClusterOperations.beginCreateAndWait(group, 'arc', {
    location, identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: key, distribution: 'kind', infrastructure: 'generic',
  });
  const secrets: Record<string, Record<string, string>> = { monitor: { 'omsagent.secret.key': 'k' }, flux: {}, gitops: { httpsKey: 'a2V5' }, legacy: { sshPrivateKey: 'a2V5' } };

  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const group = `bench-move-${i}`;
      await groups.resourceGroups.createOrUpdate(group, { location: 'eastus' });
      await connect(group, 'eastus');
      await config.extensions.beginCreateAndWait(group, ...CC, 'arc', 'monitor', { extensionType: 'microsoft.azuremonitor.containers', configurationProtectedSettings: secrets.monitor });
      await config.extensions.beginCreateAndWait(group, ...CC, 'arc', 'flux', { extensionType: 'microsoft.flux' });
      await config.fluxConfigurations.beginCreateOrUpdateAndWait(group, ...CC, 'arc', 'gitops', {
        gitRepository: { url: 'https://github.com/Azure/arc-k8s-demo', repositoryRef: { branch: 'main' } },
        kustomizations: { apps: { path: './apps' } }, configurationProtectedSettings: secrets.gitops,
      });
      await config.sourceControlConfigurations.createOrUpdate(group, ...CC, 'arc', 'legacy', { repositoryUrl: 'git@github.com:Azure/arc-k8s-demo.git', configurationProtectedSettings: secrets.legacy });

      const started = process.hrtime.bigint();
      const saved = { scc: [] as SourceControlConfiguration[], extensions: [] as Extension[], flux: [] as FluxConfiguration[] };
      for await (const s of config.sourceControlConfigurations.list(group, ...CC, 'arc')) saved.scc.push(s);
      for await (const e of config.extensions.list(group, ...CC, 'arc')) saved.extensions.push(e);
      for await (const f of config.fluxConfigurations.list(group, ...CC, 'arc')) saved.flux.push(f);
      await clusters.connectedClusterOperations.beginDeleteAndWait(group, 'arc');
      await connect(group, 'westeurope');
      for (const s of saved.scc) await config.sourceControlConfigurations.createOrUpdate(group, ...CC, 'arc', s.name!, { ...s, configurationProtectedSettings: secrets[s.name!] });
      for (const e of saved.extensions) await config.extensions.beginCreateAndWait(group, ...CC, 'arc', e.name!, { ...e, configurationProtectedSettings: secrets[e.name!] });
      for (const f of saved.flux) await config.fluxConfigurations.beginCreateOrUpdateAndWait(group, ...CC, 'arc', f.name!, { ...f, configurationProtectedSettings: secrets[f.name!] });
      let after = 0;
      for await (const _ of config.extensions.list(group, ...CC, 'arc')) after++;
      for await (const _ of config.fluxConfigurations.list(group, ...CC, 'arc')) after++;
      for await (const _ of config.sourceControlConfigurations.list(group, ...CC, 'arc')) after++;
      times.push(Number(process.hrtime.bigint() - started) / 1e6);
      if (after !== saved.scc.length + saved.extensions.length + saved.flux.length) throw new Error(`region move: ${after} configurations after the move`);
    }
  } finally {
    agent.destroy();
  }
  return { medianMs: [...times].sort((a, b) => a - b)[Math.floor(times.length / 2)], runs: times };
}
