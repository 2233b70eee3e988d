/**
 * Long-running operations. Starting one records it InProgress with the instant it is due
 * (now + --lro-delay on the emulator clock). Nothing runs on a timer: every ARM request first
 * settles the operations that are due, through the completer registered for their kind, in
 * one transaction each. So an advance of the clock, or a poll, is all it takes to finish one.
 */
import { randomUUID } from 'crypto';
import type { ArmErrorDetail } from '../http/armErrors';
import type { OperationRecord } from '../store/operations';
import type { Store } from '../store';
import type { Clock } from '../clock';

export interface Completion {
  status: 'Succeeded' | 'Failed' | 'Canceled';
  error?: ArmErrorDetail;
}

/** Applies the effect of an operation that is due (e.g. marks a resource Succeeded, deletes it). */
export type Completer = (op: OperationRecord) => Completion;

export interface StartOptions {
  kind: string;
  subscriptionId: string;
  resourceKey: string;
  resourceId: string;
  apiVersion: string;
  data?: Record<string, unknown>;
}

export class AsyncOperations {
  private readonly completers = new Map<string, Completer>();

  constructor(private readonly store: Store, private readonly clock: Clock, private readonly delaySeconds: () => number) {}

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
    this.store.operations.put(op);
    return op;
  }

  /** Completes every operation whose time has come. Cheap when none is: one indexed lookup. */
  settleDue(): void {
    const due = this.store.operations.dueBy(this.clock.nowMs());
    for (const op of due) this.settle(op);
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

  private settle(op: OperationRecord): void {
    const completer = this.completers.get(op.kind);
    this.store.transaction(() => {
      const current = this.store.operations.get(op.id);
      if (!current || current.status !== 'InProgress') return;
      const outcome: Completion = completer ? completer(current) : { status: 'Succeeded' };
      this.store.operations.put({
        ...current,
        status: outcome.status,
        endTime: Math.max(current.dueAt, current.startTime),
        data: outcome.error ? { ...current.data, error: outcome.error } : current.data,
      });
    });
  }
}

/** Headers that tell every SDK how soon to poll: Retry-After for JS and Go, retry-after-ms for Python. */
export function retryHeaders(retry: { seconds: number; ms: number }): Record<string, string> {
  return { 'Retry-After': String(retry.seconds), 'retry-after-ms': String(retry.ms) };
}
