/**
 * The store: one SQLite database and the typed tables over it. Every write a request makes
 * runs inside one transaction (`store.transaction`), so a failure leaves nothing half-written.
 */
import * as path from 'path';
import { Db, openDatabase } from './database';
import { DATABASE_FILE, openDataDir } from './dataDir';
import { DirectoryStore } from './directory';
import { OperationStore } from './operations';
import { PrincipalStore } from './principals';
import { ResourceStore } from './resources';
import { SecretStore } from './secrets';

export class Store {
  readonly resources: ResourceStore;
  readonly secrets: SecretStore;
  readonly operations: OperationStore;
  readonly directory: DirectoryStore;
  readonly principals: PrincipalStore;
  private readonly getSetting;
  private readonly putSetting;
  /**
   * One transaction function, built once, that runs whatever it is given: better-sqlite3
   * builds a wrapper per db.transaction() call, which costs more than the BEGIN and COMMIT.
   * Nested calls become savepoints, as with db.transaction().
   */
  private readonly inTransaction: (fn: () => unknown) => unknown;

  private constructor(readonly db: Db, private readonly release: () => void = () => undefined) {
    this.resources = new ResourceStore(db);
    this.secrets = new SecretStore(db);
    this.operations = new OperationStore(db);
    this.directory = new DirectoryStore(db);
    this.principals = new PrincipalStore(db);
    this.getSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?');
    this.putSetting = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
  }

  /** `dataDir` undefined means in memory; a data dir is held by one Store at a time (see dataDir.ts). */
  static open(dataDir: string | undefined): Store {
    if (!dataDir) return new Store(openDatabase(':memory:'));
    const { db, release } = openDataDir(dataDir);
    return new Store(db, release);
  }

  /** Where the database is, for messages: its file, or "memory". */
  static location(dataDir: string | undefined): string {
    return dataDir ? path.join(dataDir, DATABASE_FILE) : 'memory';
  }

  transaction<T>(fn: () => T): T {
    return this.inTransaction(fn) as T;
  }

  setting<T>(name: string): T | undefined {
    const row = this.getSetting.get(name);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setSetting(name: string, value: unknown): void {
    this.putSetting.run(name, JSON.stringify(value));
  }

  /** Removes every tenant, subscription, registration, resource, secret, operation and principal. */
  clearAll(): void {
    this.transaction(() => {
      for (const table of ['resources', 'secrets', 'operations', 'provider_registrations', 'subscriptions', 'tenants',
        'principal_secrets', 'principal_certificates', 'principals']) {
        this.db.exec(`DELETE FROM ${table}`);
      }
    });
    this.directory.invalidate();
    this.principals.invalidate();
  }

  /** Removes what one subscription holds: its resources, secrets, operations, registrations and managed identities. */
  clearSubscription(subscriptionId: string): void {
    const sub = subscriptionId.toLowerCase();
    this.transaction(() => {
      for (const clientId of this.principals.clientIdsUnder(`/subscriptions/${sub}`)) this.principals.delete(clientId);
      this.resources.deleteSubscription(sub);
      this.secrets.deleteTree(`/subscriptions/${sub}`);
      this.db.prepare('DELETE FROM operations WHERE subscription_id = ?').run(sub);
      this.db.prepare('DELETE FROM provider_registrations WHERE subscription_id = ?').run(sub);
    });
    this.directory.invalidate();
  }

  close(): void {
    if (!this.db.open) return;
    // The PID file goes first, while the lock still keeps any other Arclight out.
    this.release();
    this.db.close();
  }
}
