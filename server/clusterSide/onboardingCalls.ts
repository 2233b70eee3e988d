/**
 * The three calls `az connectedk8s connect` makes to the configuration data plane before it runs
 * helm: healthCheck (must be 200), GetHelmSettings (the agents' chart and the values for the
 * cluster in the body) and, in older CLIs, GetLatestHelmPackagePath (no authentication, as in
 * Azure). The chart they name is Azure's: installing it needs a real cluster and MCR.
 */
import { AGENT_VERSION } from '../../protocol/agentReports';


const chart = (releaseTrain: unknown) =>
  `mcr.microsoft.com/azurearck8s/batch1/${typeof releaseTrain === 'string' && releaseTrain ? releaseTrain.toLowerCase() : 'stable'}/azure-arc-k8sagents:${AGENT_VERSION}`;

export function latestHelmPackagePath(query: Record<string, unknown>) {
  return { repositoryPath: chart(query.releaseTrain) };
}

/** `cluster` is the body the CLI sends: the connected cluster as ARM answered it. */
export function helmSettings(cluster: { id?: unknown; location?: unknown; identity?: { tenantId?: unknown } }, query: Record<string, unknown>) {
  const [, , subscriptionId = '', , resourceGroupName = '', , , , resourceName = ''] = typeof cluster.id === 'string' ? cluster.id.split('/') : [];
  const values: Record<string, string> = {
    'global.subscriptionId': subscriptionId,
    'global.resourceGroupName': resourceGroupName,
    'global.resourceName': resourceName,
    'global.location': typeof cluster.location === 'string' ? cluster.location : '',
    'global.tenantId': typeof cluster.identity?.tenantId === 'string' ? cluster.identity.tenantId : '',
  };
  return { repositoryPath: chart(query.releaseTrain), helmValuesContent: values };
}
