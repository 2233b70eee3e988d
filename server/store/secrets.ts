/**
 * Write-only values (configurationProtectedSettings and the like), stored apart from resource
 * bodies. Only the agent data plane reads them back, for the cluster they belong to.
 */
import type { Db } from './database';

export class SecretStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly deleteTreeStmt;

  constructor(db: Db) {
    this.getStmt = db.prepare<[string], { body: string }>('SELECT body FROM secrets WHERE resource_key = ?');
    this.putStmt = db.prepare('INSERT INTO secrets (resource_key, body) VALUES (?, ?) ON CONFLICT (resource_key) DO UPDATE SET body = excluded.body');
    this.deleteTreeStmt = db.prepare<[string, string, string]>('DELETE FROM secrets WHERE resource_key = ? OR (resource_key >= ? AND resource_key < ?)');
  }

  get<T = Record<string, unknown>>(resourceKey: string): T | undefined {
    const row = this.getStmt.get(resourceKey);
    return row ? (JSON.parse(row.body) as T) : undefined;
  }

  put(resourceKey: string, value: unknown): void {
    this.putStmt.run(resourceKey, JSON.stringify(value));
  }

  deleteTree(resourceKey: string): void {
    this.deleteTreeStmt.run(resourceKey, `${resourceKey}/`, `${resourceKey}0`);
  }
}
