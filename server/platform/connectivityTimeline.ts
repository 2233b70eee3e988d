/**
 * Each connected cluster's connectivity over time, for the dashboard's timeline
 * (GET /_arclight/connectivity). connectivityStatus is derived at read time and its changes are
 * only known while someone watches (see connectivityWatch.ts), so the timeline starts watching
 * when it is first asked for and keeps watching from then on. What happened before is kept where
 * the stored facts tell it exactly: a cluster still Connecting has been so since its creation, an
 * Offline one since its last heartbeat grew older than --offline-after, an Expired one since its
 * certificate expired; otherwise its past reads `Unknown` from its creation.
 */
import { CLUSTER_TYPE, clusterView } from '../providers/kubernetes/connectedClusters';
import type { ProviderContext } from '../providers/context';
import type { StoredResource } from '../store/resources';
import type { ArclightEvent, EventStream } from './eventStream';

export interface TimelineEntry {
  status: string;
  /** ISO 8601 instant on the emulator clock. */
  since: string;
}

export interface ClusterTimeline {
  id: string;
  entries: TimelineEntry[];
}

/** Instants as one format, so that they compare as text (stored facts may lack milliseconds). */
const instant = (text: string) => new Date(text).toISOString();

/** The changes one cluster keeps (the oldest go first); a clock that only moves forward never needs more for a picture. */
const MAX_ENTRIES = 100;

export class ConnectivityTimeline {
  private readonly timelines = new Map<string, ClusterTimeline>();
  private watching = false;

  constructor(private readonly context: () => ProviderContext, private readonly events: () => EventStream) {}

  private get s(): ProviderContext {
    return this.context();
  }

  /** Every cluster's timeline (watching begins with the first call). */
  list(): ClusterTimeline[] {
    this.start();
    return [...this.timelines.values()];
  }

  /** After a reset or a restore: the past of what is there now, as far as its facts tell. */
  rebase(): void {
    if (!this.watching) return;
    this.timelines.clear();
    for (const cluster of this.s.store.resources.ofType(CLUSTER_TYPE)) this.begin(cluster, null);
  }

  private start(): void {
    if (this.watching) return;
    this.watching = true;
    this.rebase();
    this.events().subscribe(['connectivity.changed', 'resource.deleted'], (event) => this.heard(event));
  }

  private heard(event: ArclightEvent): void {
    const key = event.id.toLowerCase();
    if (event.type === 'resource.deleted') {
      this.timelines.delete(key);
      return;
    }
    const cluster = this.s.store.resources.get(key);
    if (!cluster) return;
    const known = this.timelines.get(key);
    if (!known || event.from === null) {
      this.begin(cluster, event.time);
      return;
    }
    const entries = known.entries;
    const since = this.exactSince(cluster, String(event.to)) ?? instant(event.time);
    // A change read late (a jump of the clock) is drawn where it happened, never before the last one.
    const last = entries[entries.length - 1];
    entries.push({ status: String(event.to), since: last && since < last.since ? last.since : since });
    if (entries.length > MAX_ENTRIES) entries.splice(0, entries.length - MAX_ENTRIES);
  }

  /** A cluster first seen: what its facts tell of its past, then its status now. */
  private begin(cluster: StoredResource, seenAt: string | null): void {
    const status = String(clusterView(this.s, cluster).properties?.connectivityStatus);
    const createdAt = instant(cluster.body.systemData?.createdAt ?? seenAt ?? this.s.clock.iso());
    const exact = status === 'Connecting' ? createdAt : this.exactSince(cluster, status);
    const entries: TimelineEntry[] = exact !== undefined
      ? [{ status, since: exact }]
      : [{ status: 'Unknown', since: createdAt }, { status, since: instant(seenAt ?? this.s.clock.iso()) }];
    // A cluster seen as it is created has no unknown past.
    if (seenAt !== null && entries[0].status === 'Unknown' && entries[0].since >= instant(seenAt)) entries.shift();
    this.timelines.set(cluster.key, { id: cluster.id, entries });
  }

  /** When a status reached by time alone began, from the facts that decided it. */
  private exactSince(cluster: StoredResource, status: string): string | undefined {
    const properties = clusterView(this.s, cluster).properties ?? {};
    if (status === 'Expired') return properties.managedIdentityCertificateExpirationTime ? instant(properties.managedIdentityCertificateExpirationTime) : undefined;
    if (status !== 'Offline') return undefined;
    const heartbeat = Date.parse(properties.lastConnectivityTime ?? '');
    return Number.isNaN(heartbeat) ? undefined : new Date(heartbeat + this.s.config.offlineAfter * 1000).toISOString();
  }
}
