/**
 * What happens to resources, operations and the clock, as events. Resource types emit them; whoever cares
 * subscribes (the simulated agents, later a live event stream) without the resource types
 * knowing who listens. Listeners run synchronously, inside the transaction of the write that
 * emitted the event: what they write commits or rolls back with it.
 */
import type { StoredResource } from '../store/resources';
import type { OperationRecord } from '../store/operations';

export type DomainEvent =
  /** A PUT or PATCH stored the resource (its provisioning may still be running). */
  | { type: 'resource.written'; resource: StoredResource; created: boolean }
  /** The resource's creation or update completed: provisioningState Succeeded. */
  | { type: 'resource.provisioned'; resource: StoredResource }
  /** A delete operation started; the resource reads Deleting until it completes. */
  | { type: 'resource.deleting'; resource: StoredResource }
  /** The resource and everything under it are gone. */
  | { type: 'resource.deleted'; resource: StoredResource }
  /** The cluster's agents wrote what they report: the cluster's agent fields, or a configuration's state. */
  | { type: 'agents.reported'; resource: StoredResource }
  /** A managed identity certificate was issued (or renewed) to a connected cluster. */
  | { type: 'certificate.issued'; cluster: StoredResource; notAfter: string }
  /** A long-running operation ended. */
  | { type: 'operation.settled'; operation: OperationRecord }
  /** The emulator's clock was moved (advanced, set or frozen): `atMs` is where it stands now. */
  | { type: 'clock.moved'; atMs: number; frozen: boolean }
  /**
   * A fault rule fired (see kit/faults): `effect` is its kind (error, operation, latency, drop),
   * `status` the status an error effect answers, `operationId` the operation an operation effect
   * will end. `atMs` is the emulator clock's instant.
   */
  | { type: 'fault.fired'; ruleId: string; effect: 'error' | 'operation' | 'latency' | 'drop'; method: string; path: string; atMs: number; status?: number; operationId?: string };

export type DomainEventType = DomainEvent['type'];
type Listener<T extends DomainEventType> = (event: Extract<DomainEvent, { type: T }>) => void;
type AnyListener = (event: DomainEvent) => void;

export class DomainEvents {
  private readonly listeners = new Map<DomainEventType, AnyListener[]>();

  /** Subscribes to one type of event; returns the unsubscribe function. */
  on<T extends DomainEventType>(type: T, listener: Listener<T>): () => void {
    // Listeners are kept by type, and emit() only hands each the events of its own type.
    const any = listener as unknown as AnyListener;
    const list = this.listeners.get(type) ?? [];
    list.push(any);
    this.listeners.set(type, list);
    return () => {
      const at = list.indexOf(any);
      if (at >= 0) list.splice(at, 1);
    };
  }

  emit(event: DomainEvent): void {
    for (const listener of this.listeners.get(event.type) ?? []) listener(event);
  }
}
