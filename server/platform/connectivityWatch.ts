/**
 * connectivity.changed events. A cluster's connectivityStatus is derived when it is read, from
 * its agents' facts and the clock (see providers/kubernetes/connectivity.ts), so nothing is
 * written when a cluster goes Offline or Expired. While someone listens for connectivity, this
 * keeps each cluster's last status and reads it again when it can have changed: a write to the
 * cluster or by its agents, a move of the clock, and the instant of its next change (a heartbeat
 * growing older than --offline-after, the certificate's expiry), for which one timer waits.
 * A write costs the read of its cluster, not of every cluster: the timer only moves when the
 * write brings a change sooner than the one it waits for. A change that a write put off leaves
 * the timer early; it then reads every cluster, as it would have at the right instant, and
 * waits for the next.
 */
import { CLUSTER_TYPE, clusterView } from '../providers/kubernetes/connectedClusters';
import type { ProviderContext } from '../providers/context';
import type { DomainEvent } from '../kit/events';
import type { StoredResource } from '../store/resources';

export interface ConnectivityChange {
  /** The cluster's ARM id. */
  id: string;
  /** null: a cluster first seen since watching began. */
  from: string | null;
  to: string;
}

/** setTimeout's longest delay. */
const MAX_DELAY_MS = 2 ** 31 - 1;

interface Known {
  id: string;
  status: string;
  /** When it can next change, on the emulator clock (Infinity: not by time alone). */
  changesAt: number;
}

export class ConnectivityWatch {
  onChange?: (change: ConnectivityChange) => void;
  private listeners = 0;
  private readonly known = new Map<string, Known>();
  private timer?: NodeJS.Timeout;
  /** When the timer fires, on the emulator clock (Infinity: no timer). */
  private timerAt = Infinity;

  /** The context comes as a function: the watch is built with the services it reads. */
  constructor(private readonly context: () => ProviderContext) {}

  private get s(): ProviderContext {
    return this.context();
  }

  get watching(): boolean {
    return this.listeners > 0;
  }

  /** Starts (or joins) watching: the statuses now are the baseline, not changes. */
  watch(): void {
    if (this.listeners++ === 0) this.rebase();
  }

  /** After a reset: what is there now is the baseline again (a reset tells nothing). */
  rebase(): void {
    if (!this.watching) return;
    this.known.clear();
    for (const cluster of this.s.store.resources.ofType(CLUSTER_TYPE)) this.known.set(cluster.key, this.read(cluster));
    this.schedule();
  }

  unwatch(): void {
    if (this.listeners === 0 || --this.listeners > 0) return;
    this.known.clear();
    this.wakeAt(Infinity);
  }

  /** A committed domain event: whatever it may have changed is read again. */
  noticed(e: DomainEvent): void {
    if (!this.watching) return;
    if (e.type === 'clock.moved') {
      this.readAll();
      this.schedule();
    } else if (e.type === 'resource.deleted') {
      // A timer left waiting for a deleted cluster's change reads every cluster for nothing, once.
      this.forget(e.resource);
    } else if ('resource' in e && e.resource.type === CLUSTER_TYPE) {
      const known = this.update(this.s.store.resources.get(e.resource.key));
      if (known && known.changesAt < this.timerAt) this.wakeAt(known.changesAt);
    }
  }

  private read(cluster: StoredResource): Known {
    const properties = clusterView(this.s, cluster).properties ?? {};
    const status = String(properties.connectivityStatus);
    const now = this.s.clock.nowMs();
    const expiry = Date.parse(properties.managedIdentityCertificateExpirationTime ?? '');
    const heartbeat = Date.parse(properties.lastConnectivityTime ?? '');
    const candidates = [
      status !== 'Expired' ? expiry : NaN,
      status === 'Connected' ? heartbeat + this.s.config.offlineAfter * 1000 + 1 : NaN,
    ].filter((t) => Number.isFinite(t) && t > now);
    return { id: cluster.id, status, changesAt: candidates.length ? Math.min(...candidates) : Infinity };
  }

  private update(cluster: StoredResource | undefined): Known | undefined {
    if (!cluster) return undefined;
    const before = this.known.get(cluster.key);
    const now = this.read(cluster);
    this.known.set(cluster.key, now);
    if (before?.status !== now.status) {
      this.onChange?.({ id: now.id, from: before?.status ?? null, to: now.status });
    }
    return now;
  }

  /** A deleted resource: a cluster, or what held clusters (a group, a subscription). */
  private forget(resource: StoredResource): void {
    if (resource.type === CLUSTER_TYPE) {
      this.known.delete(resource.key);
      return;
    }
    for (const k of this.known.keys()) if (k.startsWith(`${resource.key}/`)) this.known.delete(k);
  }

  private readAll(): void {
    const present = new Set<string>();
    for (const cluster of this.s.store.resources.ofType(CLUSTER_TYPE)) {
      present.add(cluster.key);
      this.update(cluster);
    }
    for (const key of this.known.keys()) if (!present.has(key)) this.known.delete(key);
  }

  /** One timer for the earliest change to come. */
  private schedule(): void {
    let next = Infinity;
    for (const k of this.known.values()) next = Math.min(next, k.changesAt);
    this.wakeAt(next);
  }

  /** The timer set for `instant` (on the emulator clock); none while the clock stands still. */
  private wakeAt(instant: number): void {
    clearTimeout(this.timer);
    this.timerAt = Infinity;
    if (!this.watching || this.s.clock.frozen || instant === Infinity) return;
    const now = this.s.clock.nowMs();
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, instant - now));
    this.timerAt = now + delay;
    this.timer = setTimeout(() => {
      this.timerAt = Infinity;
      this.readAll();
      this.schedule();
    }, delay);
    this.timer.unref();
  }
}
