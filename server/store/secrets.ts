/**
 * Write-only values (configurationProtectedSettings and the like), stored apart from resource
 * bodies and sealed (see sealing.ts). Only the agent data plane reads them back, for the
 * cluster they belong to.
 */
import type { Db } from './database';
import { isSealed, Sealer } from './sealing';

export class SecretStore {
  private readonly getStmt;
  private readonly putStmt;
  private readonly deleteOneStmt;
  private readonly deleteTreeStmt;

  constructor(private readonly db: Db, private readonly sealer: Sealer) {
    this.getStmt = db.prepare<[string], { body: string }>('SELECT body FROM secrets WHERE resource_key = ?');
    this.putStmt = db.prepare('INSERT INTO secrets (resource_key, body) VALUES (?, ?) ON CONFLICT (resource_key) DO UPDATE SET body = excluded.body');
    this.deleteOneStmt = db.prepare<[string]>('DELETE FROM secrets WHERE resource_key = ?');
    this.deleteTreeStmt = db.prepare<[string, string, string]>('DELETE FROM secrets WHERE resource_key = ? OR (resource_key >= ? AND resource_key < ?)');
  }

  get<T = Record<string, unknown>>(resourceKey: string): T | undefined {
    const row = this.getStmt.get(resourceKey);
    return row ? (JSON.parse(this.sealer.open(row.body)) as T) : undefined;
  }

  /** Stores the resource's write-only values; none at all leaves no row (and nothing to seal). */
  put(resourceKey: string, values: object): void {
    if (Object.keys(values).length === 0) this.deleteOneStmt.run(resourceKey);
    else this.putStmt.run(resourceKey, this.sealer.seal(JSON.stringify(values)));
  }

  deleteTree(resourceKey: string): void {
    this.deleteTreeStmt.run(resourceKey, `${resourceKey}/`, `${resourceKey}0`);
  }

  /** Seals the values a data dir from before sealing kept in plain text. */
  sealPlainValues(): void {
    const rows = this.db.prepare<[], { resource_key: string; body: string }>('SELECT resource_key, body FROM secrets').all();
    for (const row of rows) if (!isSealed(row.body)) this.putStmt.run(row.resource_key, this.sealer.seal(row.body));
  }
}
