/**
 * Long-running operations. Starting one records it InProgress with the instant it is due
 * (now + --lro-delay on the emulator clock). Nothing runs on a timer: every ARM request first
 * settles the operations that are due, through the completer registered for their kind, in
 * one transaction each. So an advance of the clock, or a poll, is all it takes to finish one.
 * Finished operations are kept for a day of the emulator clock, then pruned.
 */
import { randomUUID } from 'crypto';
import { ArmError, ArmErrorDetail } from './armErrors';
import type { Logger } from '../core/log';
import type { DomainEvents } from './events';
import type { OperationRecord } from '../store/operations';
import type { Store } from '../store';
import type { Clock } from '../core/clock';

export interface Completion {
  status: 'Succeeded' | 'Failed' | 'Canceled';
  error?: ArmErrorDetail;
  /** What the operation's result URL answers once it is done (a whatIf's changes), when it answers more than its status. */
  result?: Record<string, unknown>;
}

/** Applies the effect of an operation that is due (e.g. marks a resource Succeeded, deletes it). */
export type Completer = (op: OperationRecord) => Completion;

/**
 * An outcome forced on an operation when it starts (a fault rule, see kit/faults): when it
 * settles it ends so, its completer never runs, and its resource reads the same state.
 */
export interface ForcedOutcome {
  ruleId: string;
  status: 'Failed' | 'Canceled';
  error: ArmErrorDetail;
}

export interface StartOptions {
  kind: string;
  subscriptionId: string;
  resourceKey: string;
  resourceId: string;
  apiVersion: string;
  data?: Record<string, unknown>;
}

/** How long finished operations stay readable, on the emulator clock (then they are pruned). */
export const FINISHED_OPERATION_RETENTION_MS = 24 * 3600 * 1000;
/** How often, on the emulator clock, finished operations older than the retention are removed. */
const PRUNE_INTERVAL_MS = 60 * 1000;

export class AsyncOperations {
  private readonly completers = new Map<string, Completer>();
  private nextPruneAt = -Infinity;
  /** Set by the composition root when fault rules may force outcomes; asked once per operation started. */
  forcedOutcome?: (op: OperationRecord) => ForcedOutcome | undefined;

  constructor(
    private readonly store: Store,
    private readonly clock: Clock,
    private readonly delaySeconds: () => number,
    private readonly logger: Logger,
    private readonly events: DomainEvents,
  ) {}

  register(kind: string, completer: Completer): void {
    this.completers.set(kind, completer);
  }

  /** Records a new operation; the caller is already inside the request's write transaction. */
  start(options: StartOptions): OperationRecord {
    const now = this.clock.nowMs();
    const op: OperationRecord = {
      id: randomUUID(),
      subscriptionId: options.subscriptionId.toLowerCase(),
      resourceKey: options.resourceKey,
      resourceId: options.resourceId,
      kind: options.kind,
      status: 'InProgress',
      startTime: now,
      endTime: null,
      dueAt: now + this.delaySeconds() * 1000,
      apiVersion: options.apiVersion,
      data: options.data ?? {},
    };
    const forced = this.forcedOutcome?.(op);
    if (forced) op.data = Object.assign({}, op.data, { forcedOutcome: { ...forced } });
    this.store.operations.put(op);
    return op;
  }

  /** Completes every operation whose time has come. Cheap when none is: one indexed lookup. */
  settleDue(): void {
    const now = this.clock.nowMs();
    for (const op of this.store.operations.dueBy(now)) this.settle(op);
    if (now >= this.nextPruneAt) {
      this.nextPruneAt = now + PRUNE_INTERVAL_MS;
      this.store.operations.deleteFinishedBefore(now - FINISHED_OPERATION_RETENTION_MS);
    }
  }

  /**
   * Settles now, whatever their due time, the operations running on one resource (a template
   * deployment's own writes settle at once, inside its operation); returns them as they ended.
   */
  settleNow(resourceKey: string): OperationRecord[] {
    const pending = this.store.operations.pendingFor(resourceKey);
    for (const op of pending) this.settle(op);
    return pending.map((op) => this.store.operations.get(op.id) ?? op);
  }

  get(id: string): OperationRecord | undefined {
    this.settleDue();
    return this.store.operations.get(id);
  }

  /** Seconds a client should wait before polling again (at least 1: 0 makes some SDKs wait 30 s). */
  retryAfter(op: OperationRecord): { seconds: number; ms: number } {
    const remaining = Math.max(0, op.dueAt - this.clock.nowMs());
    return { seconds: Math.max(1, Math.ceil(remaining / 1000)), ms: Math.max(1, remaining) };
  }

  /**
   * Applies the operation's completer in its own transaction. A completer that throws leaves
   * nothing of its work behind: the operation ends Failed with the error, its resource Failed,
   * and the fault is logged once. It never stops other requests, now or after a restart.
   */
  private settle(op: OperationRecord): void {
    const completer = this.completers.get(op.kind);
    try {
      this.store.transaction(() => {
        const current = this.store.operations.get(op.id);
        if (!current || current.status !== 'InProgress') return;
        const forced = current.data.forcedOutcome as ForcedOutcome | undefined;
        if (forced) return this.force(current, forced);
        const outcome: Completion = completer ? completer(current) : { status: 'Succeeded' };
        this.finish(current, outcome.status, outcome.error, outcome.result);
      });
    } catch (err) {
      this.fail(op, err);
    }
  }

  /** An outcome a fault rule forced: the operation ends so and its resource (if any is left) reads the same state. */
  private force(op: OperationRecord, forced: ForcedOutcome): void {
    this.finish(op, forced.status, forced.error);
    this.markResource(op, forced.status);
  }

  private markResource(op: OperationRecord, provisioningState: string): void {
    const resource = op.resourceKey ? this.store.resources.get(op.resourceKey) : undefined;
    if (!resource) return;
    const properties = Object.assign({}, resource.body.properties, { provisioningState });
    this.store.resources.put(Object.assign({}, resource, { body: Object.assign({}, resource.body, { properties }), updatedAt: this.clock.nowMs() }));
  }

  private fail(op: OperationRecord, err: unknown): void {
    const error: ArmErrorDetail = err instanceof ArmError
      ? { code: err.code, message: err.message }
      : { code: 'InternalServerError', message: 'The operation failed because of an internal error in Arclight (see its log).' };
    if (!(err instanceof ArmError)) this.logger.error(`operation ${op.id} (${op.kind}) on ${op.resourceId ?? '-'} failed: ${(err as Error)?.stack ?? String(err)}`);
    this.store.transaction(() => {
      const current = this.store.operations.get(op.id);
      if (!current || current.status !== 'InProgress') return;
      this.finish(current, 'Failed', error);
      this.markResource(current, 'Failed');
    });
  }

  private finish(op: OperationRecord, status: Completion['status'], error: ArmErrorDetail | undefined, result?: Record<string, unknown>): void {
    const settled: OperationRecord = Object.assign({}, op, {
      status,
      endTime: Math.max(op.dueAt, op.startTime),
      data: Object.assign({}, op.data, error ? { error } : {}, result ? { result } : {}),
    });
    this.store.operations.put(settled);
    this.events.emit({ type: 'operation.settled', operation: settled });
  }
}

/** Headers that tell every SDK how soon to poll: Retry-After for JS and Go, retry-after-ms for Python. */
export function retryHeaders(retry: { seconds: number; ms: number }): Record<string, string> {
  return { 'Retry-After': String(retry.seconds), 'retry-after-ms': String(retry.ms) };
}
