/**
 * A region's configuration data plane, for a cluster's own identity: heartbeats with the
 * cluster's metadata, the desired state (its configurations, write-only values included), and
 * status reports that become what ARM shows next.
 */
import { ArmError } from '../kit/armErrors';
import type { ClusterSideContext } from './context';
import type { StoredResource } from '../store/resources';
import { loadResource } from '../kit/resources';
import { AGENT_HEARTBEAT, clusterView } from '../providers/kubernetes/connectedClusters';
import { withWriteOnly } from '../kit/writeOnly';
import { CONFIGURATION_TYPES } from '../providers/kubernetesConfiguration';
import { applyConfigurationReport, updateClusterAsAgent } from './agentWrites';
import type { JsonObject } from '../../protocol/json';

type Props = JsonObject;

/** The configuration collections by lower-cased name (stored types are lower-cased). */
const COLLECTIONS = new Map(CONFIGURATION_TYPES.map((t) => [t.collection.toLowerCase(), t.collection]));



/** The cluster as its agents see it after a write. */
export function clusterState(s: ClusterSideContext, cluster: StoredResource) {
  const p = clusterView(s, cluster).properties;
  return {
    id: cluster.id,
    location: cluster.body.location,
    connectivityStatus: p.connectivityStatus,
    lastConnectivityTime: p.lastConnectivityTime ?? null,
    managedIdentityCertificateExpirationTime: p.managedIdentityCertificateExpirationTime ?? null,
  };
}

/** Records a heartbeat: now is the last connectivity time; the metadata fills the agent fields (`top`: see updateClusterAsAgent). */
export function recordHeartbeat(s: ClusterSideContext, cluster: StoredResource, report: Props, top: Props = {}): StoredResource {
  for (const [field, value] of Object.entries(report)) {
    const check = AGENT_HEARTBEAT.get(field);
    if (!check) throw new ArmError(400, 'InvalidHeartbeat', `A heartbeat does not carry '${field}'. It carries ${[...AGENT_HEARTBEAT.keys()].map((f) => `'${f}'`).join(', ')}.`);
    if (!check(value)) throw new ArmError(400, 'InvalidHeartbeat', `The value of '${field}' is not valid.`);
  }
  const metadata = { ...report };
  // Azure shows the Kubernetes version without its leading v.
  if (typeof metadata.kubernetesVersion === 'string') metadata.kubernetesVersion = metadata.kubernetesVersion.replace(/^v/i, '');
  return s.store.transaction(() => updateClusterAsAgent(s, cluster, { ...metadata, lastConnectivityTime: s.clock.iso() }, top));
}

export function heartbeat(s: ClusterSideContext, cluster: StoredResource, report: Props) {
  return clusterState(s, recordHeartbeat(s, cluster, report));
}

/** The cluster's configurations as desired state, with their write-only values. */
export function desiredState(s: ClusterSideContext, cluster: StoredResource) {
  const out: Record<string, Props[]> = { extensions: [], fluxConfigurations: [], sourceControlConfigurations: [] };
  for (const r of s.store.resources.descendants(cluster.key)) {
    const collection = COLLECTIONS.get(r.type.split('/')[1]);
    if (!collection) continue;
    out[collection].push({ id: r.id, name: r.body.name, type: r.body.type, properties: withWriteOnly(r.body.properties, s.store.secrets.get(r.key)) });
  }
  return { clusterId: cluster.id, ...out };
}

export function reportStatus(s: ClusterSideContext, cluster: StoredResource, collection: string, name: string, report: Props) {
  const canonical = COLLECTIONS.get(collection.toLowerCase());
  if (!canonical) throw new ArmError(404, 'NotFound', `Unknown configuration collection '${collection}'. Use extensions, fluxConfigurations or sourceControlConfigurations.`);
  const config = loadResource(s, `${cluster.id}/providers/Microsoft.KubernetesConfiguration/${canonical}/${name}`);
  if (!config) throw new ArmError(404, 'ResourceNotFound', `The ${canonical} '${name}' does not exist on connected cluster '${cluster.id}'.`);
  const updated = s.store.transaction(() => applyConfigurationReport(s, config, report));
  return { id: updated.id, name: updated.body.name, type: updated.body.type, properties: updated.body.properties };
}
