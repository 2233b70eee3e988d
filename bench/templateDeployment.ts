/**
 * A template of 100 resources (a connected cluster, 33 extensions, 33 flux configurations and
 * 33 source control configurations on it) deployed through the official SDK's deployments,
 * beside the same 100 resources created with 100 sequential SDK calls, each waited for: wall
 * time on the client, both with the SDKs' default polling, in fresh resource groups per run.
 */
import { ResourceManagementClient } from '@azure/arm-resources-6';
import type { ServerUnderTest } from './processes';
import { SUBSCRIPTION } from './scenarios';
import { sdkClients } from './sdkClients';

const CC = ['Microsoft.Kubernetes', 'connectedClusters'] as const;
const EACH = 33;
const CLUSTER = 'arc';

const extension = { extensionType: 'microsoft.azuremonitor.containers', releaseTrain: 'Stable', configurationSettings: { 'logAnalyticsWorkspaceResourceID': 'ws' } };
const flux = {
  scope: 'cluster', namespace: 'flux-system', sourceKind: 'GitRepository',
  gitRepository: { url: 'https://github.com/Azure/arc-k8s-demo', repositoryRef: { branch: 'main' } },
  kustomizations: { apps: { path: './apps' } },
};
const legacy = { repositoryUrl: 'https://github.com/Azure/arc-k8s-demo', operatorNamespace: 'cluster-config', operatorType: 'Flux', operatorScope: 'cluster' };

function template(): Record<string, unknown> {
  const onCluster = (type: string, apiVersion: string, prefix: string, properties: object) => ({
    type, apiVersion, name: `[format('${prefix}{0}', copyIndex())]`,
    scope: `[format('Microsoft.Kubernetes/connectedClusters/{0}', parameters('clusterName'))]`,
    copy: { name: prefix, count: EACH },
    dependsOn: ["[resourceId('Microsoft.Kubernetes/connectedClusters', parameters('clusterName'))]"],
    properties,
  });
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { clusterName: { type: 'string' }, key: { type: 'securestring' } },
    resources: [
      {
        type: 'Microsoft.Kubernetes/connectedClusters', apiVersion: '2024-01-01', name: "[parameters('clusterName')]", location: '[resourceGroup().location]',
        identity: { type: 'SystemAssigned' },
        properties: { agentPublicKeyCertificate: "[parameters('key')]", distribution: 'kind', infrastructure: 'generic' },
      },
      onCluster('Microsoft.KubernetesConfiguration/extensions', '2023-05-01', 'ext', extension),
      onCluster('Microsoft.KubernetesConfiguration/fluxConfigurations', '2023-05-01', 'flux', flux),
      onCluster('Microsoft.KubernetesConfiguration/sourceControlConfigurations', '2023-05-01', 'scc', legacy),
    ],
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export interface TemplateDeploymentTimes {
  deploymentMs: number;
  sdkCallsMs: number;
  runs: Array<{ deploymentMs: number; sdkCallsMs: number }>;
}

export async function templateDeploymentMs(server: ServerUnderTest, runs: number): Promise<TemplateDeploymentTimes> {
  const { credential, agent, options, clusters, config, agentKey: key } = sdkClients(server);
  const resources = new ResourceManagementClient(credential, SUBSCRIPTION, options);
  const since = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

  const bySdkCalls = async (group: string) => {
    await clusters.connectedClusterOperations.beginCreateAndWait(group, CLUSTER, {
      location: 'eastus', identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: key, distribution: 'kind', infrastructure: 'generic',
    });
    for (let i = 0; i < EACH; i++) await config.extensions.beginCreateAndWait(group, ...CC, CLUSTER, `ext${i}`, extension);
    for (let i = 0; i < EACH; i++) await config.fluxConfigurations.beginCreateOrUpdateAndWait(group, ...CC, CLUSTER, `flux${i}`, flux as never);
    for (let i = 0; i < EACH; i++) await config.sourceControlConfigurations.createOrUpdate(group, ...CC, CLUSTER, `scc${i}`, legacy as never);
  };
  const byDeployment = async (group: string) => {
    const deployed = await resources.deployments.beginCreateOrUpdateAndWait(group, 'hundred', {
      properties: { mode: 'Incremental', template: template(), parameters: { clusterName: { value: CLUSTER }, key: { value: key } } },
    });
    const created = deployed.properties?.outputResources?.length;
    if (deployed.properties?.provisioningState !== 'Succeeded' || created !== 1 + 3 * EACH) {
      throw new Error(`template deployment: ${deployed.properties?.provisioningState}, ${created} resources ${JSON.stringify(deployed.properties?.error ?? '')}`);
    }
  };

  const all: TemplateDeploymentTimes['runs'] = [];
  try {
    for (let i = 0; i < runs; i++) {
      for (const group of [`bench-sdk-${i}`, `bench-template-${i}`]) await resources.resourceGroups.createOrUpdate(group, { location: 'eastus' });
      let started = process.hrtime.bigint();
      await bySdkCalls(`bench-sdk-${i}`);
      const sdkCallsMs = since(started);
      started = process.hrtime.bigint();
      await byDeployment(`bench-template-${i}`);
      all.push({ deploymentMs: since(started), sdkCallsMs });
    }
  } finally {
    agent.destroy();
  }
  return { deploymentMs: median(all.map((r) => r.deploymentMs)), sdkCallsMs: median(all.map((r) => r.sdkCallsMs)), runs: all };
}
