/**
 * Records of long-running operations. A record is written InProgress with the instant it is
 * due; whoever reads it after that instant settles it (see arm/asyncOperations.ts).
 */
import type { Db } from './database';
import type { JsonObject } from '../../protocol/json';

export type OperationStatus = 'InProgress' | 'Succeeded' | 'Failed' | 'Canceled';

export interface OperationRecord {
  id: string;
  subscriptionId: string | null;
  resourceKey: string | null;
  resourceId: string | null;
  kind: string;
  status: OperationStatus;
  startTime: number;
  endTime: number | null;
  dueAt: number;
  apiVersion: string;
  data: JsonObject;
}

interface Row {
  id: string;
  subscription_id: string | null;
  resource_key: string | null;
  resource_id: string | null;
  kind: string;
  status: OperationStatus;
  start_time: number;
  end_time: number | null;
  due_at: number;
  api_version: string;
  data: string;
}

const fromRow = (r: Row): OperationRecord => ({
  id: r.id,
  subscriptionId: r.subscription_id,
  resourceKey: r.resource_key,
  resourceId: r.resource_id,
  kind: r.kind,
  status: r.status,
  startTime: r.start_time,
  endTime: r.end_time,
  dueAt: r.due_at,
  apiVersion: r.api_version,
  data: JSON.parse(r.data),
});

export class OperationStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly pendingForResourceStmt;
  private readonly dueStmt;
  private readonly pendingUnderStmt;
  private readonly nextDueStmt;
  private readonly deleteFinishedStmt;
  /**
   * No operation in progress is due before this instant: a lower bound, -Infinity until the
   * table has been read. Every ARM request first asks for the operations that are due; this
   * answers "none" without a query until one may be. Writes through put() lower it.
   */
  private nextDueAt = -Infinity;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], Row>('SELECT * FROM operations WHERE id = ?');
    this.putStmt = db.prepare<[string, string | null, string | null, string | null, string, string, number, number | null, number, string, string]>(
      `INSERT INTO operations (id, subscription_id, resource_key, resource_id, kind, status, start_time, end_time, due_at, api_version, data)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (id) DO UPDATE SET status = excluded.status, end_time = excluded.end_time, data = excluded.data`);
    this.pendingForResourceStmt = db.prepare<[string], Row>("SELECT * FROM operations WHERE resource_key = ? AND status = 'InProgress' ORDER BY start_time");
    this.dueStmt = db.prepare<[number], Row>("SELECT * FROM operations WHERE status = 'InProgress' AND due_at <= ? ORDER BY due_at");
    this.pendingUnderStmt = db.prepare<[string, string], Row>(
      "SELECT * FROM operations WHERE resource_key >= ? AND resource_key < ? AND status = 'InProgress' ORDER BY start_time");
    this.nextDueStmt = db.prepare<[], number | null>("SELECT MIN(due_at) FROM operations WHERE status = 'InProgress'").pluck();
    this.deleteFinishedStmt = db.prepare<[number]>("DELETE FROM operations WHERE status != 'InProgress' AND end_time < ?");
  }

  get(id: string): OperationRecord | undefined {
    const row = this.getStmt.get(id);
    return row && fromRow(row);
  }

  put(op: OperationRecord): void {
    this.putStmt.run(op.id, op.subscriptionId, op.resourceKey, op.resourceId, op.kind, op.status, op.startTime, op.endTime, op.dueAt, op.apiVersion, JSON.stringify(op.data));
    if (op.status === 'InProgress' && op.dueAt < this.nextDueAt) this.nextDueAt = op.dueAt;
  }

  pendingFor(resourceKey: string): OperationRecord[] {
    return this.pendingForResourceStmt.all(resourceKey).map(fromRow);
  }

  /** Operations still running on resources nested under `resourceKey`. */
  pendingUnder(resourceKey: string): OperationRecord[] {
    return this.pendingUnderStmt.all(`${resourceKey}/`, `${resourceKey}0`).map(fromRow);
  }

  /** Removes finished operations that ended before `beforeMs`. */
  deleteFinishedBefore(beforeMs: number): void {
    this.deleteFinishedStmt.run(beforeMs);
  }

  dueBy(nowMs: number): OperationRecord[] {
    if (nowMs < this.nextDueAt) return [];
    const rows = this.dueStmt.all(nowMs);
    if (rows.length === 0) this.nextDueAt = this.nextDueStmt.get() ?? Infinity;
    return rows.map(fromRow);
  }

  /** Forgets the due-time bound (after a snapshot restore rewrote the table). */
  invalidate(): void {
    this.nextDueAt = -Infinity;
  }
}
