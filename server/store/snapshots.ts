/**
 * Named snapshots of the whole state, kept by SQLite itself: a snapshot is a database with the
 * state tables of the store (same columns, same schema version), filled and read back with
 * set-based `INSERT ... SELECT` between attached databases, never row by row in JavaScript.
 *
 *   in memory   each snapshot is an attached `:memory:` database (SQLite allows ten attached
 *               databases, so at most MEMORY_SLOTS snapshots at a time);
 *   data dir    each is a file <data-dir>/snapshots/<name>.db, attached only while it is read.
 *
 * A restore replaces every state table in one transaction: it is whole or it is not at all.
 * What makes this instance itself (the store key, the CA and token-signing key records) is
 * never part of a restore, so tokens issued before it still verify after it.
 */
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import Database from 'better-sqlite3';
import type { Store } from './index';
import { isSealed } from './sealing';

/** The tables a snapshot holds; settings only in part (see IDENTITY_SETTINGS). */
const STATE_TABLES = ['tenants', 'subscriptions', 'provider_registrations', 'resources', 'secrets', 'operations',
  'principals', 'principal_secrets', 'principal_certificates', 'used_proofs', 'settings'] as const;
/** Settings that name this instance's keys, not its state: a restore keeps the instance's own. */
const IDENTITY_SETTINGS = ['storeKeyId', 'certificateAuthority', 'tokenSigningKey'];
export const MEMORY_SLOTS = 8;
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,62}$/;
const SQLITE_HEADER = Buffer.from('SQLite format 3\0', 'latin1');

export interface SnapshotInfo {
  name: string;
  createdAt: string;
  bytes: number;
}

/** Why a snapshot call cannot be done; `kind` tells the surface which status to answer. */
export class SnapshotError extends Error {
  constructor(readonly kind: 'badName' | 'notFound' | 'badFile' | 'full', message: string) {
    super(message);
  }
}

interface MemorySnapshot {
  schema: string;
  createdAt: string;
}

export class SnapshotStore {
  private readonly memory = new Map<string, MemorySnapshot>();
  private slot = 0;
  private readonly dir?: string;

  /** `dataDir` undefined: snapshots in memory. `nowIso` stamps createdAt (the emulator clock). */
  /**
   * `dataDir` undefined: snapshots in memory. `nowIso` stamps createdAt (the emulator clock);
   * `hooks` write what lives outside the tables (the clock) into them before a save, and
   * read it back after a restore.
   */
  constructor(private readonly store: Store, dataDir: string | undefined, private readonly nowIso: () => string,
    private readonly hooks: { beforeSave?: () => void; afterRestore?: () => void } = {}) {
    this.dir = dataDir && path.join(dataDir, 'snapshots');
  }

  static checkName(name: string): void {
    if (!NAME.test(name)) {
      throw new SnapshotError('badName', `The snapshot name '${name.slice(0, 100)}' is invalid: 1-63 letters, digits, '.', '_' or '-', starting with a letter or digit.`);
    }
  }

  list(): SnapshotInfo[] {
    if (!this.dir) {
      return [...this.memory.entries()].map(([name, m]) => ({ name, createdAt: m.createdAt, bytes: this.memoryBytes(m.schema) }))
        .sort((a, b) => a.name.localeCompare(b.name));
    }
    if (!fs.existsSync(this.dir)) return [];
    return fs.readdirSync(this.dir).filter((f) => f.endsWith('.db') && NAME.test(f.slice(0, -3))).sort().map((f) => {
      const stat = fs.statSync(path.join(this.dir!, f));
      return { name: f.slice(0, -3), createdAt: stat.mtime.toISOString(), bytes: stat.size };
    });
  }

  get(name: string): SnapshotInfo {
    SnapshotStore.checkName(name);
    const found = this.list().find((s) => s.name === name);
    if (!found) throw notFound(name);
    return found;
  }

  /** Saves the current state under `name`, replacing a snapshot of that name. */
  save(name: string): SnapshotInfo {
    SnapshotStore.checkName(name);
    this.hooks.beforeSave?.();
    if (this.dir) {
      fs.mkdirSync(this.dir, { recursive: true });
      const temp = path.join(this.dir, `.${name}.${process.pid}.tmp`);
      fs.rmSync(temp, { force: true });
      this.withAttached(temp, 'snap_new', (schema) => this.fill(schema, 'main'));
      // A rename replaces the old file whole: a crash leaves the old snapshot or the new one.
      fs.renameSync(temp, path.join(this.dir, `${name}.db`));
      const now = new Date(Date.parse(this.nowIso()));
      fs.utimesSync(path.join(this.dir, `${name}.db`), now, now);
    } else {
      this.intoMemory(name, (schema) => this.fill(schema, 'main'));
    }
    return this.get(name);
  }

  /** Replaces the whole state with the snapshot's, in one transaction. */
  restore(name: string): void {
    SnapshotStore.checkName(name);
    if (this.dir) {
      const file = path.join(this.dir, `${name}.db`);
      if (!fs.existsSync(file)) throw notFound(name);
      // The file may have been changed on disk since it was saved: checked like an upload.
      this.withAttached(file, 'snap_read', (schema) => {
        this.check(schema);
        this.copyInto(schema);
      });
    } else {
      const m = this.memory.get(name);
      if (!m) throw notFound(name);
      this.copyInto(m.schema);
    }
  }

  delete(name: string): void {
    SnapshotStore.checkName(name);
    if (this.dir) {
      const file = path.join(this.dir, `${name}.db`);
      if (!fs.existsSync(file)) throw notFound(name);
      fs.rmSync(file);
      return;
    }
    const m = this.memory.get(name);
    if (!m) throw notFound(name);
    this.store.db.exec(`DETACH DATABASE ${m.schema}`);
    this.memory.delete(name);
  }

  /**
   * The snapshot as an SQLite database file that any Arclight of this version imports: its
   * write-only values are opened (the store key stays with this store), and sealed again by
   * the store that imports it. The file is as secret as the protected settings in it.
   */
  export(name: string): Buffer {
    SnapshotStore.checkName(name);
    let bytes: Buffer;
    if (this.dir) {
      const file = path.join(this.dir, `${name}.db`);
      if (!fs.existsSync(file)) throw notFound(name);
      bytes = fs.readFileSync(file);
    } else {
      const m = this.memory.get(name);
      if (!m) throw notFound(name);
      bytes = this.store.db.serialize({ attached: m.schema });
    }
    // A private in-memory copy (SQLite's deserialize), so nothing in clear is ever written here.
    const copy = new Database(bytes);
    try {
      const update = copy.prepare('UPDATE secrets SET body = ? WHERE resource_key = ?');
      const rows = copy.prepare<[], { resource_key: string; body: string }>('SELECT resource_key, body FROM secrets').all();
      copy.transaction(() => {
        for (const row of rows) update.run(this.store.secrets.opened(row.body), row.resource_key);
      })();
      return copy.serialize();
    } finally {
      copy.close();
    }
  }

  /** Stores an exported file under `name` (replacing one of that name), after checking it. */
  import(name: string, file: Buffer): SnapshotInfo {
    SnapshotStore.checkName(name);
    if (file.length < 100 || !file.subarray(0, 16).equals(SQLITE_HEADER)) {
      throw new SnapshotError('badFile', 'The snapshot file is not an SQLite database (export one with GET /_arclight/snapshots/{name}/export).');
    }
    // SQLite attaches files only: the upload goes through a private temporary file.
    if (this.dir) fs.mkdirSync(this.dir, { recursive: true });
    const tempDir = fs.mkdtempSync(path.join(this.dir ?? os.tmpdir(), this.dir ? '.import-' : 'arclight-import-'));
    const temp = path.join(tempDir, 'snapshot.db');
    try {
      fs.writeFileSync(temp, file, { mode: 0o600 });
      if (this.dir) {
        this.withAttached(temp, 'snap_read', (schema) => {
          this.check(schema);
          this.checkSealedValues(schema);
          // At rest under the data dir, write-only values are sealed, as in the store itself.
          this.sealPlainValuesIn(schema);
        });
        fs.renameSync(temp, path.join(this.dir, `${name}.db`));
      } else {
        this.withAttached(temp, 'snap_read', (source) => {
          this.check(source);
          this.checkSealedValues(source);
          this.intoMemory(name, (schema) => this.fill(schema, source));
        });
      }
    } finally {
      fs.rmSync(tempDir, { recursive: true, force: true });
    }
    return this.get(name);
  }

  private intoMemory(name: string, fill: (schema: string) => void): void {
    const old = this.memory.get(name);
    if (!old && this.memory.size >= MEMORY_SLOTS) {
      throw new SnapshotError('full', `At most ${MEMORY_SLOTS} snapshots are kept in memory; delete one, or run with --data-dir.`);
    }
    const schema = `snap_m${this.slot++}`;
    this.store.db.exec(`ATTACH DATABASE ':memory:' AS ${schema}`);
    try {
      fill(schema);
    } catch (err) {
      this.store.db.exec(`DETACH DATABASE ${schema}`);
      throw err;
    }
    this.memory.set(name, { schema, createdAt: this.nowIso() });
    if (old) this.store.db.exec(`DETACH DATABASE ${old.schema}`);
  }

  private withAttached<T>(file: string, schema: string, use: (schema: string) => T): T {
    const db = this.store.db;
    try {
      db.prepare(`ATTACH DATABASE ? AS ${schema}`).run(file);
    } catch (err) {
      throw new SnapshotError('badFile', `The snapshot file cannot be opened: ${(err as Error).message}`);
    }
    try {
      return use(schema);
    } finally {
      db.exec(`DETACH DATABASE ${schema}`);
    }
  }

  /** Creates the state tables in `schema` as main has them, and copies `from`'s rows in. */
  private fill(schema: string, from: string): void {
    const db = this.store.db;
    const ddl = db.prepare<[], { name: string; sql: string }>("SELECT name, sql FROM main.sqlite_master WHERE type = 'table'").all();
    const version = db.pragma('main.user_version', { simple: true }) as number;
    db.transaction(() => {
      for (const table of STATE_TABLES) {
        const sql = ddl.find((t) => t.name === table)!.sql.replace(/^CREATE TABLE\s+"?\w+"?/i, `CREATE TABLE ${schema}.${table}`);
        db.exec(sql);
        const cols = this.columns(table);
        db.exec(`INSERT INTO ${schema}.${table} (${cols}) SELECT ${cols} FROM ${from}.${table}`);
      }
      db.pragma(`${schema}.user_version = ${version}`);
    })();
  }

  /** Every state table of main replaced by `schema`'s, the instance's key settings kept. */
  private copyInto(schema: string): void {
    const db = this.store.db;
    const keep = IDENTITY_SETTINGS.map((n) => `'${n}'`).join(', ');
    try {
      this.store.transaction(() => {
        for (const table of STATE_TABLES) {
          const cols = this.columns(table);
          const where = table === 'settings' ? ` WHERE name NOT IN (${keep})` : '';
          db.exec(`DELETE FROM main.${table}${where}`);
          db.exec(`INSERT INTO main.${table} (${cols}) SELECT ${cols} FROM ${schema}.${table}${where}`);
        }
        // An imported file carries write-only values in clear (see export): sealed here, in the same transaction.
        this.store.secrets.sealPlainValues();
      });
    } catch (err) {
      // The transaction rolled back: the state is the one from before the restore.
      if ((err as { code?: unknown }).code === undefined || !String((err as { code: unknown }).code).startsWith('SQLITE_')) throw err;
      throw new SnapshotError('badFile', `The snapshot could not be restored, and nothing was changed: ${(err as Error).message}.`);
    } finally {
      // Rolled back or not, what was cached may no longer be what the tables hold.
      this.store.reloaded();
    }
    this.hooks.afterRestore?.();
  }

  /** A file from elsewhere must be one of this schema version with every state table and column. */
  private check(schema: string): void {
    const db = this.store.db;
    const bad = (why: string) => new SnapshotError('badFile', `The file is not an Arclight snapshot of this version: ${why}.`);
    let version: number;
    try {
      version = db.pragma(`${schema}.user_version`, { simple: true }) as number;
    } catch (err) {
      throw bad((err as Error).message);
    }
    const ours = db.pragma('main.user_version', { simple: true }) as number;
    if (version !== ours) throw bad(`schema version ${version}, this Arclight's is ${ours}`);
    for (const table of STATE_TABLES) {
      const have = new Set((db.pragma(`${schema}.table_info(${table})`) as Array<{ name: string }>).map((c) => c.name));
      const missing = this.columnNames(table).filter((c) => !have.has(c));
      if (missing.length) throw bad(`table ${table} lacks ${missing.join(', ')}`);
    }
  }

  /** Values sealed under another store's key could never be read here: such a file is refused whole. */
  private checkSealedValues(schema: string): void {
    const rows = this.store.db.prepare<[], string>(`SELECT body FROM ${schema}.secrets`).pluck().all();
    if (rows.some((body) => !this.store.secrets.canOpen(body))) {
      throw new SnapshotError('badFile', "The snapshot's write-only values are sealed with another Arclight's store key: import a file from GET /_arclight/snapshots/{name}/export, which carries them open.");
    }
  }

  private sealPlainValuesIn(schema: string): void {
    const db = this.store.db;
    const rows = db.prepare<[], { resource_key: string; body: string }>(`SELECT resource_key, body FROM ${schema}.secrets`).all();
    const update = db.prepare(`UPDATE ${schema}.secrets SET body = ? WHERE resource_key = ?`);
    db.transaction(() => {
      for (const row of rows) if (!isSealed(row.body)) update.run(this.store.secrets.sealedForm(row.body), row.resource_key);
    })();
  }

  private columnNames(table: string): string[] {
    return (this.store.db.pragma(`main.table_info(${table})`) as Array<{ name: string }>).map((c) => c.name);
  }

  private columns(table: string): string {
    return this.columnNames(table).join(', ');
  }

  private memoryBytes(schema: string): number {
    const pages = this.store.db.pragma(`${schema}.page_count`, { simple: true }) as number;
    const size = this.store.db.pragma(`${schema}.page_size`, { simple: true }) as number;
    return pages * size;
  }
}

function notFound(name: string): SnapshotError {
  return new SnapshotError('notFound', `The snapshot '${name}' was not found.`);
}
