/**
 * Opens the SQLite database (a WAL file under the data directory, or :memory:) and applies
 * the numbered migrations from db/migrations that it has not seen yet.
 */
import Database from 'better-sqlite3';
import * as fs from 'fs';
import * as path from 'path';
import { packagePath } from '../core/packageRoot';

export type Db = Database.Database;

export const MIGRATIONS_DIR = packagePath('db', 'migrations');

export function openDatabase(file: string | ':memory:'): Db {
  if (file !== ':memory:') fs.mkdirSync(path.dirname(file), { recursive: true });
  // No busy wait while the lock is taken: a database another connection holds is refused at once.
  const db = new Database(file, { timeout: 0 });
  try {
    // Before anything is written (a no-op for an existing file): resource rows hold whole JSON
    // bodies of one to two kilobytes; 4 KiB pages fit two such rows and waste much of the rest.
    // 16 KiB pages make the database (and the memory of an in-memory one) about half the size.
    db.pragma('page_size = 16384');
    if (file !== ':memory:') holdExclusively(db);
    // NORMAL is durable across process crashes in WAL mode; only a power cut can lose the last commits.
    db.pragma('synchronous = NORMAL');
    db.pragma('busy_timeout = 5000');
    // Deleted rows are overwritten, not left in free pages: a protected value is gone once deleted.
    // A database in memory has no file to leave them in (it goes with the process), and every
    // update of a row would pay for the overwrite (a tenth of a create).
    if (file !== ':memory:') db.pragma('secure_delete = ON');
    migrate(db);
    return db;
  } catch (err) {
    db.close();
    throw err;
  }
}

/**
 * One connection at a time per database file: with locking_mode EXCLUSIVE set before WAL is
 * entered, SQLite keeps the WAL index in this process's memory (no -shm file to share) and
 * keeps the file lock from the first write until the connection closes; BEGIN EXCLUSIVE takes
 * that lock now. Any other connection, in this process or another, then fails with
 * SQLITE_BUSY. The lock is the operating system's, so it goes when the process does, however
 * it ends: a crash leaves nothing to clean up.
 */
function holdExclusively(db: Db): void {
  db.pragma('locking_mode = EXCLUSIVE');
  db.pragma('journal_mode = WAL');
  db.exec('BEGIN EXCLUSIVE; COMMIT');
}

function migrate(db: Db): void {
  const current = db.pragma('user_version', { simple: true }) as number;
  const pending = fs.readdirSync(MIGRATIONS_DIR)
    .filter((f) => /^\d+_.*\.sql$/.test(f))
    .map((f) => ({ version: parseInt(f, 10), file: f }))
    .filter((m) => m.version > current)
    .sort((a, b) => a.version - b.version);
  for (const m of pending) {
    const sql = fs.readFileSync(path.join(MIGRATIONS_DIR, m.file), 'utf8');
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${m.version}`);
    })();
  }
}
