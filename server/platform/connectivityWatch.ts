/**
 * connectivity.changed events. A cluster's connectivityStatus is derived when it is read, from
 * its agents' facts and the clock (see providers/kubernetes/connectivity.ts), so nothing is
 * written when a cluster goes Offline or Expired. While someone listens for connectivity, this
 * keeps each cluster's last status and reads it again when it can have changed: a write to the
 * cluster or by its agents, a move of the clock, and the instant of its next change (a heartbeat
 * growing older than --offline-after, the certificate's expiry), for which one timer waits.
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
    clearTimeout(this.timer);
  }

  /** A committed domain event: whatever it may have changed is read again. */
  noticed(e: DomainEvent): void {
    if (!this.watching) return;
    if (e.type === 'clock.moved') this.readAll();
    else if (e.type === 'resource.deleted') this.forget(e.resource.key);
    else if ('resource' in e && e.resource.type === CLUSTER_TYPE) this.update(this.s.store.resources.get(e.resource.key));
    else return;
    this.schedule();
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

  private update(cluster: StoredResource | undefined): void {
    if (!cluster) return;
    const before = this.known.get(cluster.key);
    const now = this.read(cluster);
    this.known.set(cluster.key, now);
    if (before?.status !== now.status) {
      this.onChange?.({ id: now.id, from: before?.status ?? null, to: now.status });
    }
  }

  private forget(key: string): void {
    for (const k of this.known.keys()) if (k === key || k.startsWith(`${key}/`)) this.known.delete(k);
  }

  private readAll(): void {
    const present = new Set<string>();
    for (const cluster of this.s.store.resources.ofType(CLUSTER_TYPE)) {
      present.add(cluster.key);
      this.update(cluster);
    }
    for (const key of this.known.keys()) if (!present.has(key)) this.known.delete(key);
  }

  /** One timer for the earliest change to come; none while the clock stands still. */
  private schedule(): void {
    clearTimeout(this.timer);
    if (!this.watching || this.s.clock.frozen) return;
    let next = Infinity;
    for (const k of this.known.values()) next = Math.min(next, k.changesAt);
    if (next === Infinity) return;
    const delay = Math.min(MAX_DELAY_MS, Math.max(0, next - this.s.clock.nowMs()));
    this.timer = setTimeout(() => {
      this.readAll();
      this.schedule();
    }, delay);
    this.timer.unref();
  }
}
