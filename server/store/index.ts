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
import { UsedProofStore } from './usedProofs';
import { LinkedContentStore } from './linkedContent';
import { Sealer, storeKeyFile } from './sealing';
import { CORRUPT_CODE, RESTORE_OR_NEW_DATA_DIR, StartupError } from '../core/startupError';

const STORE_KEY_SETTING = 'storeKeyId';

export class Store {
  readonly resources: ResourceStore;
  readonly secrets: SecretStore;
  readonly operations: OperationStore;
  readonly directory: DirectoryStore;
  readonly principals: PrincipalStore;
  readonly usedProofs: UsedProofStore;
  readonly linkedContent: LinkedContentStore;
  private readonly getSetting;
  private readonly putSetting;
  /**
   * One transaction function, built once, that runs whatever it is given: better-sqlite3
   * builds a wrapper per db.transaction() call, which costs more than the BEGIN and COMMIT.
   * Nested calls become savepoints, as with db.transaction().
   */
  private readonly inTransaction: (fn: () => unknown) => unknown;
  private readonly onCommit: Array<() => void> = [];

  private constructor(readonly db: Db, sealer: Sealer, private readonly release: () => void = () => undefined) {
    this.resources = new ResourceStore(db);
    this.secrets = new SecretStore(db, sealer);
    this.operations = new OperationStore(db);
    this.directory = new DirectoryStore(db);
    this.principals = new PrincipalStore(db);
    this.usedProofs = new UsedProofStore(db);
    this.linkedContent = new LinkedContentStore(db);
    this.getSetting = db.prepare<[string], { value: string }>('SELECT value FROM settings WHERE name = ?');
    this.putSetting = db.prepare('INSERT INTO settings (name, value) VALUES (?, ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value');
    this.inTransaction = db.transaction((fn: () => unknown) => fn());
  }

  /**
   * `dataDir` undefined means in memory; a data dir is held by one Store at a time (see
   * dataDir.ts). The store key is created with the database; a data dir whose database records
   * a key needs that key (see sealing.ts).
   */
  static open(dataDir: string | undefined): Store {
    if (!dataDir) return new Store(openDatabase(':memory:'), Sealer.random());
    const { db, release } = openDataDir(dataDir);
    try {
      const recorded = db.prepare<[string], string>('SELECT value FROM settings WHERE name = ?').pluck().get(STORE_KEY_SETTING);
      const sealer = Sealer.forDataDir(dataDir, recorded === undefined);
      if (recorded !== undefined && JSON.parse(recorded) !== sealer.keyId) {
        throw new StartupError(CORRUPT_CODE, `the store key ${storeKeyFile(dataDir)} is not the one this data dir's database was sealed with; ${RESTORE_OR_NEW_DATA_DIR}`);
      }
      const store = new Store(db, sealer, release);
      if (recorded === undefined) {
        store.transaction(() => {
          store.secrets.sealPlainValues();
          store.setSetting(STORE_KEY_SETTING, sealer.keyId);
        });
      }
      return store;
    } catch (err) {
      release();
      db.close();
      throw err;
    }
  }

  /** Where the database is, for messages: its file, or "memory". */
  static location(dataDir: string | undefined): string {
    return dataDir ? path.join(dataDir, DATABASE_FILE) : 'memory';
  }

  /**
   * Runs `fn` in a transaction (a savepoint when nested). The directory and principal caches
   * follow each write as it is made; when a transaction rolls back they are dropped, to be
   * read again from what the database kept.
   */
  transaction<T>(fn: () => T): T {
    const outermost = !this.db.inTransaction;
    const mark = this.onCommit.length;
    try {
      const result = this.inTransaction(fn) as T;
      if (outermost) for (const run of this.onCommit.splice(0)) run();
      return result;
    } catch (err) {
      // What the rolled-back part asked to run after commit will never be true.
      this.onCommit.length = mark;
      this.directory.invalidate();
      this.principals.invalidate();
      throw err;
    }
  }

  /**
   * Runs `fn` once the transaction in progress commits, or at once outside one; never when it
   * rolls back. For telling the world about a write (the live event stream): only what was
   * kept is told. `fn` must not throw.
   */
  afterCommit(fn: () => void): void {
    if (this.db.inTransaction) this.onCommit.push(fn);
    else fn();
  }

  setting<T>(name: string): T | undefined {
    const row = this.getSetting.get(name);
    return row ? (JSON.parse(row.value) as T) : undefined;
  }

  setSetting(name: string, value: unknown): void {
    this.putSetting.run(name, JSON.stringify(value));
  }

  /** Removes every tenant, subscription, registration, resource, secret, operation, principal and linked file. */
  clearAll(): void {
    this.transaction(() => {
      for (const table of ['resources', 'secrets', 'operations', 'provider_registrations', 'subscriptions', 'tenants',
        'principal_secrets', 'principal_certificates', 'principals', 'used_proofs', 'linked_content']) {
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
      this.principals.deleteUnder(`/subscriptions/${sub}`);
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
