/**
 * Resources of every type, keyed by lower-cased ARM id. Bodies are canonical JSON without
 * secrets; secrets live in their own table (see secrets.ts) so no rendering path can reach them.
 */
import type { Db } from './database';
import type { Json } from '../../protocol/json';

export interface StoredResource {
  key: string;
  id: string;
  type: string;
  subscriptionId: string;
  resourceGroup: string | null;
  parentKey: string;
  tracked: boolean;
  body: Json;
  etag: string;
  createdAt: number;
  updatedAt: number;
}

/**
 * Every read selects these columns in this order and gets rows back as arrays (better-sqlite3's
 * raw mode): cheaper than an object per row, and reads are the hot path of every request.
 */
const COLUMNS = 'key, id, type, subscription_id, resource_group, parent_key, tracked, body, etag, created_at, updated_at';
type Row = [key: string, id: string, type: string, subscriptionId: string, resourceGroup: string | null, parentKey: string,
  tracked: number, body: string, etag: string, createdAt: number, updatedAt: number];

function fromRow(row: Row): StoredResource {
  return {
    key: row[0],
    id: row[1],
    type: row[2],
    subscriptionId: row[3],
    resourceGroup: row[4],
    parentKey: row[5],
    tracked: row[6] === 1,
    body: JSON.parse(row[7]),
    etag: row[8],
    createdAt: row[9],
    updatedAt: row[10],
  };
}

/** Bounds of "every key under `key`/": '/' is 0x2f and '0' is 0x30. */
function subtree(key: string): [string, string] {
  return [`${key}/`, `${key}0`];
}

export interface Page {
  items: StoredResource[];
  /** The key to continue after, when there may be more. */
  continueAfter?: string;
}

export class ResourceStore {
  private readonly getStmt;
  private readonly existsStmt;
  private readonly stateStmt;
  private readonly upsertStmt;
  private readonly deleteOne;
  private readonly deleteTreeStmt;
  private readonly childrenStmt;
  private readonly countChildrenStmt;
  private readonly childStampsStmt;
  private readonly bySubscriptionStmt;
  private readonly trackedInSubscriptionStmt;
  private readonly trackedInGroupStmt;
  private readonly subtreeStmt;
  private readonly ofTypeStmt;

  constructor(private readonly db: Db) {
    const rows = <P extends unknown[]>(sql: string) => db.prepare<P, Row>(sql).raw();
    this.getStmt = rows<[string]>(`SELECT ${COLUMNS} FROM resources WHERE key = ?`);
    this.existsStmt = db.prepare<[string], number>('SELECT 1 FROM resources WHERE key = ?').pluck();
    this.stateStmt = db.prepare<[string], [string, string | null]>("SELECT id, json_extract(body, '$.properties.provisioningState') FROM resources WHERE key = ?").raw();
    this.upsertStmt = db.prepare<[string, string, string, string, string | null, string, number, string, string, number, number]>(`INSERT INTO resources (${COLUMNS})
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (key) DO UPDATE SET id = excluded.id, body = excluded.body, etag = excluded.etag, updated_at = excluded.updated_at, tracked = excluded.tracked`);
    this.deleteOne = db.prepare<[string]>('DELETE FROM resources WHERE key = ?');
    this.deleteTreeStmt = db.prepare<[string, string]>('DELETE FROM resources WHERE key >= ? AND key < ?');
    this.childrenStmt = rows<[string, string, string, number]>(
      `SELECT ${COLUMNS} FROM resources WHERE parent_key = ? AND type = ? AND key > ? ORDER BY key LIMIT ?`);
    this.countChildrenStmt = db.prepare<[string, string], number>('SELECT COUNT(*) FROM resources WHERE parent_key = ? AND type = ?').pluck();
    this.childStampsStmt = db.prepare<[string, string], { key: string; updatedAt: number }>('SELECT key, updated_at AS updatedAt FROM resources WHERE parent_key = ? AND type = ? ORDER BY key');
    this.bySubscriptionStmt = rows<[string, string, string, number]>(
      `SELECT ${COLUMNS} FROM resources WHERE subscription_id = ? AND type = ? AND key > ? ORDER BY key LIMIT ?`);
    this.trackedInSubscriptionStmt = rows<[string, string, number]>(
      `SELECT ${COLUMNS} FROM resources WHERE subscription_id = ? AND tracked = 1 AND key > ? ORDER BY key LIMIT ?`);
    this.trackedInGroupStmt = rows<[string, string, string, number]>(
      `SELECT ${COLUMNS} FROM resources WHERE subscription_id = ? AND tracked = 1 AND resource_group = ? AND key > ? ORDER BY key LIMIT ?`);
    this.subtreeStmt = rows<[string, string]>(`SELECT ${COLUMNS} FROM resources WHERE key >= ? AND key < ? ORDER BY key`);
    this.ofTypeStmt = rows<[string]>(`SELECT ${COLUMNS} FROM resources WHERE type = ? ORDER BY key`);
  }

  get(key: string): StoredResource | undefined {
    const row = this.getStmt.get(key);
    return row && fromRow(row);
  }

  /** Whether a resource exists, without reading (or parsing) its body. */
  exists(key: string): boolean {
    return this.existsStmt.get(key) !== undefined;
  }

  /**
   * A resource's id and provisioning state (null without one), or undefined when there is none:
   * what the checks of a write read of its ancestors, without reading (or parsing) their bodies.
   */
  stateOf(key: string): { id: string; provisioningState: string | null } | undefined {
    const row = this.stateStmt.get(key);
    return row && { id: row[0], provisioningState: row[1] };
  }

  put(r: StoredResource): void {
    this.upsertStmt.run(r.key, r.id, r.type, r.subscriptionId, r.resourceGroup, r.parentKey, r.tracked ? 1 : 0, JSON.stringify(r.body), r.etag, r.createdAt, r.updatedAt);
  }

  /** Deletes the resource and everything nested under it; returns the number of rows removed. */
  deleteTree(key: string): number {
    return this.deleteOne.run(key).changes + this.deleteTreeStmt.run(...subtree(key)).changes;
  }

  /** Everything nested under `key` (not the resource itself), in key order. */
  descendants(key: string): StoredResource[] {
    return this.subtreeStmt.all(...subtree(key)).map(fromRow);
  }

  /** Every resource of one type, in every subscription (a scan: for rare reads, such as a move of the clock). */
  ofType(type: string): StoredResource[] {
    return this.ofTypeStmt.all(type).map(fromRow);
  }

  children(parentKey: string, type: string, after: string, limit: number): Page {
    return page(this.childrenStmt.all(parentKey, type, after, limit + 1), limit);
  }

  /** How many resources of `type` are nested directly under `parentKey`, from the index alone (no body is read). */
  countChildren(parentKey: string, type: string): number {
    return this.countChildrenStmt.get(parentKey, type) ?? 0;
  }

  /** The key and last write of every resource of `type` nested directly under `parentKey`, without their bodies. */
  childStamps(parentKey: string, type: string): Array<{ key: string; updatedAt: number }> {
    return this.childStampsStmt.all(parentKey, type);
  }

  inSubscription(subscriptionId: string, type: string, after: string, limit: number): Page {
    return page(this.bySubscriptionStmt.all(subscriptionId, type, after, limit + 1), limit);
  }

  tracked(subscriptionId: string, resourceGroup: string | undefined, after: string, limit: number): Page {
    const rows = resourceGroup === undefined
      ? this.trackedInSubscriptionStmt.all(subscriptionId, after, limit + 1)
      : this.trackedInGroupStmt.all(subscriptionId, resourceGroup, after, limit + 1);
    return page(rows, limit);
  }

  deleteSubscription(subscriptionId: string): void {
    this.db.prepare('DELETE FROM resources WHERE subscription_id = ?').run(subscriptionId);
  }
}

/** One row more than the page is read to know whether a nextLink is needed. */
function page(rows: Row[], limit: number): Page {
  const items = rows.slice(0, limit).map(fromRow);
  return rows.length > limit ? { items, continueAfter: items[items.length - 1].key } : { items };
}
