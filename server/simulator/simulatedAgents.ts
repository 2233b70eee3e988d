/**
 * Arclight playing a cluster's agents (`--agents simulated` for every cluster, or one cluster at
 * a time through POST /_arclight/clusters/{id}/connect). A simulated agent does what real ones
 * do, in the same code paths: it fetches the managed identity certificate when the cluster is
 * created, heartbeats while the cluster is online, renews the certificate in its renewal window,
 * installs extensions, reconciles flux configurations to Compliant and runs Flux v1 operators,
 * each paced by the emulator clock.
 *
 * Nothing runs on timers. Heartbeats and renewals are derived when the cluster is read: an online
 * cluster's last heartbeat is now, and its certificate has been renewed every renewal interval
 * since it was issued. Disconnecting records the state reached at that instant, after which the
 * stored facts age like a real cluster's: Offline after --offline-after, Expired once the
 * certificate runs out. Configuration reports happen when there is something to report: when a
 * configuration's provisioning completes, and when the cluster (re)connects.
 */
import { ArmError } from '../kit/armErrors';
import type { ClusterSideContext } from '../clusterSide/context';
import type { StoredResource } from '../store/resources';
import { CLUSTER_TYPE } from '../providers/kubernetes/connectedClusters';
import type { LiveAgentFacts } from '../providers/kubernetes/connectivity';
import type { DomainEvents } from '../kit/events';
import { agentReport, awaitingProvisioning, CLUSTER_METADATA, RENEWAL_SHARE } from '../../protocol/agentReports';
import { applyConfigurationReport, updateClusterAsAgent } from '../clusterSide/agentWrites';
import { issueIdentityCertificate } from '../clusterSide/identityCertificates';
import { recordHeartbeat } from '../clusterSide/dataPlane';
import type { JsonObject } from '../../protocol/json';

type Props = JsonObject;

/** Where a cluster's simulated agents keep their state: a body key no api-version declares, so never rendered. */
const STATE_KEY = 'arclightSimulatedAgents';

interface SimulatedState {
  online: boolean;
  /** Configurations the test made fail (lower-cased id -> message), reported as failed until recovered. */
  failing: Record<string, string>;
}

const DAY_MS = 24 * 3600 * 1000;

/** Also test control's SimulatedAgentControl (connect, disconnect, setFailure), checked where the root wires it. */
export class SimulatedAgents implements LiveAgentFacts {
  /** `services` is read when the agents act (they are built with the services they use). */
  constructor(private readonly services: () => ClusterSideContext) {}

  private get s(): ClusterSideContext {
    return this.services();
  }

  private state(cluster: StoredResource | Props): SimulatedState | undefined {
    return ('body' in cluster ? cluster.body : cluster)[STATE_KEY];
  }

  /** Acts on what ARM provisions: --agents simulated connects new clusters; online agents report new configurations. */
  listenTo(events: DomainEvents): void {
    events.on('resource.provisioned', ({ resource }) => {
      if (resource.type === CLUSTER_TYPE) this.onClusterProvisioned(resource);
      else this.onConfigurationProvisioned(resource);
    });
  }

  /** The agent fields an online cluster's simulated agents have kept current until now (undefined when none run). */
  current(body: Props): Props | undefined {
    if (!this.state(body)?.online) return undefined;
    const now = this.s.clock.nowMs();
    const out: Props = { lastConnectivityTime: new Date(now).toISOString() };
    const expiry = Date.parse(body.properties?.managedIdentityCertificateExpirationTime ?? '');
    if (!Number.isNaN(expiry)) {
      const lifetime = this.s.config.certificateLifetimeDays * DAY_MS;
      const interval = lifetime * RENEWAL_SHARE;
      const issued = expiry - lifetime;
      const renewals = now >= issued + interval ? Math.floor((now - issued) / interval) : 0;
      out.managedIdentityCertificateExpirationTime = new Date(issued + renewals * interval + lifetime).toISOString();
    }
    return out;
  }

  /** The cluster comes online: certificate (refused once expired), heartbeat, then every configuration reconciled. */
  connect(cluster: StoredResource): StoredResource {
    return this.s.store.transaction(() => {
      issueIdentityCertificate(this.s, cluster); // refused once the certificate has expired
      const current = this.s.store.resources.get(cluster.key)!;
      const state: SimulatedState = { failing: {}, ...this.state(current), online: true };
      const online = recordHeartbeat(this.s, current, CLUSTER_METADATA, { [STATE_KEY]: state });
      for (const config of this.s.store.resources.descendants(online.key)) this.report(online, config);
      return online;
    });
  }

  /** The agents stop: what they had reported until now stays, and starts to age. */
  disconnect(cluster: StoredResource): StoredResource {
    const state = this.state(cluster);
    if (!state?.online) return cluster;
    return this.s.store.transaction(() => updateClusterAsAgent(this.s, cluster, this.current(cluster.body)!, { [STATE_KEY]: { ...state, online: false } }));
  }

  /** Makes the agents report `config` as failed (message) until recovered; undefined recovers it. */
  setFailure(config: StoredResource, message: string | undefined): StoredResource {
    const cluster = this.clusterOf(config);
    const state = cluster && this.state(cluster);
    if (!cluster || !state) {
      throw new ArmError(409, 'NoSimulatedAgents', `No simulated agents run on the cluster of '${config.id}'. Connect them first: POST /_arclight/clusters/{clusterId}/connect.`);
    }
    const failing = { ...state.failing };
    if (message === undefined) delete failing[config.key];
    else failing[config.key] = message;
    return this.s.store.transaction(() => {
      const updated = updateClusterAsAgent(this.s, cluster, {}, { [STATE_KEY]: { ...state, failing } });
      return this.report(updated, config);
    });
  }

  /** --agents simulated: a cluster's agents connect as soon as its creation completes. */
  private onClusterProvisioned(cluster: StoredResource): void {
    if (this.s.config.agents !== 'simulated' || this.state(cluster) || cluster.body.identity?.type !== 'SystemAssigned') return;
    if (!cluster.body.properties?.agentPublicKeyCertificate) return; // agentless kinds have no agents
    this.connect(cluster);
  }

  /** A configuration finished provisioning: online agents act on it. */
  private onConfigurationProvisioned(config: StoredResource): void {
    const cluster = this.clusterOf(config);
    if (cluster && this.state(cluster)?.online) this.report(cluster, config);
  }

  /** Reports one configuration, unless ARM is still provisioning it (its completion reports it). */
  private report(cluster: StoredResource, config: StoredResource): StoredResource {
    if (awaitingProvisioning(config.body.properties) || !this.state(cluster)?.online) return config;
    const collection = config.type.split('/')[1];
    const report = agentReport(collection, config.body.name, config.body.properties, this.s.clock.iso(), this.state(cluster)!.failing[config.key]);
    return applyConfigurationReport(this.s, config, report);
  }

  private clusterOf(config: StoredResource): StoredResource | undefined {
    const parent = this.s.store.resources.get(config.parentKey);
    return parent?.type === CLUSTER_TYPE ? parent : undefined;
  }
}
