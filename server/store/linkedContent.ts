/**
 * Template and parameter files that deployments link to (table from 005_linked_content.sql):
 * JSON documents under a path, as a storage account would hold them for a templateLink.
 */
import type { Db } from './database';

export class LinkedContentStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly deleteStmt;
  private readonly listStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { body: string }>('SELECT body FROM linked_content WHERE path = ?');
    this.putStmt = db.prepare<[string, string, number]>('INSERT INTO linked_content (path, body, updated_at) VALUES (?, ?, ?) ON CONFLICT (path) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at');
    this.deleteStmt = db.prepare<[string]>('DELETE FROM linked_content WHERE path = ?');
    this.listStmt = db.prepare<[], { path: string }>('SELECT path FROM linked_content ORDER BY path');
  }

  /** The JSON text stored at `path`. */
  get(path: string): string | undefined {
    return this.getStmt.get(path)?.body;
  }

  put(path: string, body: string, nowMs: number): void {
    this.putStmt.run(path, body, nowMs);
  }

  delete(path: string): boolean {
    return this.deleteStmt.run(path).changes > 0;
  }

  paths(): string[] {
    return this.listStmt.all().map((r) => r.path);
  }
}
