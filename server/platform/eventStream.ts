/**
 * The live event stream: what changed, for tests that wait for "cluster c1 becomes Connected"
 * instead of polling (GET /_arclight/events, arclight.events). Domain events are turned into
 * public events once the write that emitted them commits (a rolled-back write tells nothing),
 * each `{type, id, time, ...}`: `type` is `<category>.<what>` (resource.created, .updated,
 * .deleting, .deleted; operation.settled; connectivity.changed; certificate.issued;
 * clock.moved; fault.fired), `id` the ARM id (the operation's or fault rule's id for those),
 * `time` the emulator clock's instant.
 */
import type { Clock } from '../core/clock';
import type { DomainEvent, DomainEvents } from '../kit/events';
import type { StoredResource } from '../store/resources';
import type { Store } from '../store';
import type { ConnectivityWatch } from './connectivityWatch';

export interface ArclightEvent {
  type: string;
  id: string;
  time: string;
  [field: string]: unknown;
}

/** Categories or whole types (`resource`, `connectivity.changed`); none means every event. */
export type EventTypes = readonly string[] | undefined;
export type EventListener = (event: ArclightEvent) => void;

export const EVENT_CATEGORIES = ['resource', 'operation', 'connectivity', 'certificate', 'clock', 'fault'] as const;

export function acceptsType(types: EventTypes, type: string): boolean {
  if (!types || types.length === 0) return true;
  const category = type.slice(0, type.indexOf('.'));
  return types.some((t) => t === type || t === category);
}

const resourceFields = (r: StoredResource) => ({ id: r.id, resourceType: r.body.type ?? r.type, provisioningState: r.body.properties?.provisioningState ?? null });

/** The public form of a domain event, or undefined for those the stream does not tell. */
function publicEvent(e: DomainEvent, time: string): ArclightEvent | undefined {
  switch (e.type) {
    case 'resource.written': return { type: e.created ? 'resource.created' : 'resource.updated', time, ...resourceFields(e.resource) };
    case 'resource.provisioned': return { type: 'resource.updated', time, ...resourceFields(e.resource) };
    case 'agents.reported': return { type: 'resource.updated', time, ...resourceFields(e.resource), by: 'agents' };
    case 'resource.deleting': return { type: 'resource.deleting', time, ...resourceFields(e.resource) };
    case 'resource.deleted': return { type: 'resource.deleted', time, id: e.resource.id, resourceType: e.resource.body.type ?? e.resource.type };
    case 'operation.settled': return { type: 'operation.settled', time, id: e.operation.id, status: e.operation.status, kind: e.operation.kind, resourceId: e.operation.resourceId };
    case 'certificate.issued': return { type: 'certificate.issued', time, id: e.cluster.id, notAfter: e.notAfter };
    case 'clock.moved': return { type: 'clock.moved', time, id: 'clock', now: new Date(e.atMs).toISOString(), frozen: e.frozen };
    case 'fault.fired': return { type: 'fault.fired', time, id: e.ruleId, effect: e.effect, method: e.method, path: e.path, status: e.status, operationId: e.operationId };
    default: return undefined;
  }
}

/** Every domain event type the stream turns into public ones. */
const TOLD: ReadonlyArray<DomainEvent['type']> = [
  'resource.written', 'resource.provisioned', 'agents.reported', 'resource.deleting', 'resource.deleted', 'operation.settled', 'certificate.issued', 'clock.moved',
  'fault.fired',
];

interface Subscriber {
  types: EventTypes;
  listener: EventListener;
}

export class EventStream {
  private readonly subscribers = new Set<Subscriber>();

  constructor(private readonly store: Store, private readonly clock: Clock, events: DomainEvents, private readonly connectivity: ConnectivityWatch) {
    for (const type of TOLD) events.on(type, (e) => this.told(e));
    connectivity.onChange = (change) => this.deliver({ type: 'connectivity.changed', time: this.clock.iso(), ...change });
  }

  /** Listens to events of `types` (all when none); returns the unsubscribe function. */
  subscribe(types: EventTypes, listener: EventListener): () => void {
    const subscriber = { types, listener };
    this.subscribers.add(subscriber);
    // Connectivity is watched while at least one subscriber listens for it (the watch counts them).
    const watches = acceptsType(types, 'connectivity.changed');
    if (watches) this.connectivity.watch();
    return () => {
      if (this.subscribers.delete(subscriber) && watches) this.connectivity.unwatch();
    };
  }

  private told(e: DomainEvent): void {
    if (this.subscribers.size === 0 && !this.connectivity.watching) return;
    const event = publicEvent(e, this.clock.iso());
    this.store.afterCommit(() => {
      if (event) this.deliver(event);
      this.connectivity.noticed(e);
    });
  }

  private deliver(event: ArclightEvent): void {
    for (const s of this.subscribers) {
      if (!acceptsType(s.types, event.type)) continue;
      try {
        s.listener(event);
      } catch {
        // A listener's fault is its own: the others, and the write that told it, go on.
      }
    }
  }
}
