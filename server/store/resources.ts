/**
 * Resources of every type, keyed by lower-cased ARM id. Bodies are canonical JSON without
 * secrets; secrets live in their own table (see secrets.ts) so no rendering path can reach them.
 */
import type { Db } from './database';

export interface StoredResource {
  key: string;
  id: string;
  type: string;
  subscriptionId: string;
  resourceGroup: string | null;
  parentKey: string;
  tracked: boolean;
  body: any; // eslint-disable-line @typescript-eslint/no-explicit-any
  etag: string;
  createdAt: number;
  updatedAt: number;
}

interface Row {
  key: string;
  id: string;
  type: string;
  subscription_id: string;
  resource_group: string | null;
  parent_key: string;
  tracked: number;
  body: string;
  etag: string;
  created_at: number;
  updated_at: number;
}

function fromRow(row: Row): StoredResource {
  return {
    key: row.key,
    id: row.id,
    type: row.type,
    subscriptionId: row.subscription_id,
    resourceGroup: row.resource_group,
    parentKey: row.parent_key,
    tracked: row.tracked === 1,
    body: JSON.parse(row.body),
    etag: row.etag,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
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
  private readonly upsertStmt;
  private readonly deleteOne;
  private readonly deleteTreeStmt;
  private readonly childrenStmt;
  private readonly bySubscriptionStmt;
  private readonly trackedInSubscriptionStmt;
  private readonly trackedInGroupStmt;
  private readonly subtreeStmt;

  constructor(private readonly db: Db) {
    this.getStmt = db.prepare<[string], Row>('SELECT * FROM resources WHERE key = ?');
    this.upsertStmt = db.prepare(`INSERT INTO resources (key, id, type, subscription_id, resource_group, parent_key, tracked, body, etag, created_at, updated_at)
      VALUES (@key, @id, @type, @subscriptionId, @resourceGroup, @parentKey, @tracked, @body, @etag, @createdAt, @updatedAt)
      ON CONFLICT (key) DO UPDATE SET id = excluded.id, body = excluded.body, etag = excluded.etag, updated_at = excluded.updated_at, tracked = excluded.tracked`);
    this.deleteOne = db.prepare<[string]>('DELETE FROM resources WHERE key = ?');
    this.deleteTreeStmt = db.prepare<[string, string]>('DELETE FROM resources WHERE key >= ? AND key < ?');
    this.childrenStmt = db.prepare<[string, string, string, number], Row>(
      'SELECT * FROM resources WHERE parent_key = ? AND type = ? AND key > ? ORDER BY key LIMIT ?');
    this.bySubscriptionStmt = db.prepare<[string, string, string, number], Row>(
      'SELECT * FROM resources WHERE subscription_id = ? AND type = ? AND key > ? ORDER BY key LIMIT ?');
    this.trackedInSubscriptionStmt = db.prepare<[string, string, number], Row>(
      'SELECT * FROM resources WHERE subscription_id = ? AND tracked = 1 AND key > ? ORDER BY key LIMIT ?');
    this.trackedInGroupStmt = db.prepare<[string, string, string, number], Row>(
      'SELECT * FROM resources WHERE subscription_id = ? AND tracked = 1 AND resource_group = ? AND key > ? ORDER BY key LIMIT ?');
    this.subtreeStmt = db.prepare<[string, string], Row>('SELECT * FROM resources WHERE key >= ? AND key < ? ORDER BY key');
  }

  get(key: string): StoredResource | undefined {
    const row = this.getStmt.get(key);
    return row && fromRow(row);
  }

  put(resource: StoredResource): void {
    this.upsertStmt.run({ ...resource, tracked: resource.tracked ? 1 : 0, body: JSON.stringify(resource.body) });
  }

  /** Deletes the resource and everything nested under it; returns the number of rows removed. */
  deleteTree(key: string): number {
    return this.deleteOne.run(key).changes + this.deleteTreeStmt.run(...subtree(key)).changes;
  }

  /** Everything nested under `key` (not the resource itself), in key order. */
  descendants(key: string): StoredResource[] {
    return this.subtreeStmt.all(...subtree(key)).map(fromRow);
  }

  children(parentKey: string, type: string, after: string, limit: number): Page {
    return page(this.childrenStmt.all(parentKey, type, after, limit + 1), limit);
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
