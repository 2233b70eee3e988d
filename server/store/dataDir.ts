/**
 * The data dir on disk: a directory Arclight can write, holding one database that one
 * Arclight at a time opens.
 *
 * The lock is the database's own (see holdExclusively in database.ts): the operating system
 * holds it for the life of the connection and drops it when the process ends, even by kill -9.
 * Next to it, <data-dir>/arclight.lock records the holder's PID, so the Arclight that is
 * refused can say who holds the data dir. The file is only a label: it is written after the
 * lock is taken, removed before it is released, and a stale one (left by a crash) is simply
 * overwritten by the next holder.
 */
import * as fs from 'fs';
import * as path from 'path';
import { Db, openDatabase } from './database';
import { CORRUPT_CODE, LOCKED_CODE, osReason, RESTORE_OR_NEW_DATA_DIR, StartupError } from '../core/startupError';

export const DATABASE_FILE = 'arclight.db';
export const LOCK_FILE = 'arclight.lock';

export interface OpenedDataDir {
  db: Db;
  /** Removes the PID file; the caller then closes the database, which releases the lock. */
  release(): void;
}

/** Opens `dir`'s database for this instance alone, creating the directory if need be. */
export function openDataDir(dir: string): OpenedDataDir {
  ensureWritableDirectory(dir);
  const file = path.join(dir, DATABASE_FILE);
  for (const f of [file, `${file}-wal`]) ensureWritableFile(f);
  let db: Db;
  try {
    db = openDatabase(file);
  } catch (err) {
    throw databaseError(err, dir, file);
  }
  const lockFile = path.join(dir, LOCK_FILE);
  try {
    fs.writeFileSync(lockFile, `${process.pid}\n`);
  } catch (err) {
    db.close();
    throw new StartupError((err as NodeJS.ErrnoException).code ?? 'EIO', `cannot write ${lockFile} (${osReason(err)}); make the data dir writable by this user`);
  }
  return { db, release: () => fs.rmSync(lockFile, { force: true }) };
}

/**
 * The way out, naming the owner when it is another user: the usual case is a container's bind
 * mount made by root, which the image's non-root user cannot write.
 */
function writableFix(dir: string, stat: fs.Stats | undefined): string {
  const uid = process.getuid?.();
  if (stat && uid !== undefined && stat.uid !== uid) {
    return `it belongs to uid ${stat.uid} and Arclight runs as uid ${uid}: give it to this user (chown ${uid} ${dir}; for a bind mount, on the host), or choose another --data-dir`;
  }
  return 'make it writable by this user, or choose another --data-dir';
}

function ensureWritableDirectory(dir: string): void {
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new StartupError((err as NodeJS.ErrnoException).code ?? 'EIO', `--data-dir ${dir}: cannot reach it (${osReason(err)}); choose a directory this user can write`);
    }
  }
  if (stat && !stat.isDirectory()) throw new StartupError('ENOTDIR', `--data-dir ${dir} is a file, not a directory; give a directory (it is created when missing)`);
  try {
    if (!stat) fs.mkdirSync(dir, { recursive: true });
    fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
  } catch (err) {
    const verb = stat ? 'is not writable' : 'cannot be created';
    throw new StartupError((err as NodeJS.ErrnoException).code ?? 'EIO', `--data-dir ${dir} ${verb} (${osReason(err)}); ${writableFix(dir, stat)}`);
  }
}

function ensureWritableFile(file: string): void {
  if (!fs.existsSync(file)) return;
  try {
    fs.accessSync(file, fs.constants.R_OK | fs.constants.W_OK);
  } catch (err) {
    throw new StartupError((err as NodeJS.ErrnoException).code ?? 'EIO', `the database file ${file} is read-only (${osReason(err)}); make it writable by this user, or start with a new --data-dir`);
  }
}

/** Who the lock file says holds the data dir, as the refusal names them. */
function holder(dir: string): string {
  let pid: number;
  try {
    pid = Number.parseInt(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'), 10);
  } catch {
    return 'another process';
  }
  if (!Number.isInteger(pid) || pid <= 0) return 'another process';
  if (pid === process.pid) return `another Arclight in this process (PID ${pid})`;
  try {
    process.kill(pid, 0);
  } catch (err) {
    // EPERM: alive, but another user's.
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return `another process (${LOCK_FILE} names PID ${pid}, which is not running)`;
  }
  return `another Arclight (PID ${pid})`;
}

/** better-sqlite3's failures at open, as start-up errors that say what to do. */
function databaseError(err: unknown, dir: string, file: string): Error {
  if (err instanceof StartupError) return err;
  const code = (err as { code?: string }).code ?? '';
  const reason = (err as Error).message;
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') {
    return new StartupError(LOCKED_CODE, `--data-dir ${dir} is in use by ${holder(dir)}; stop that one, or start with another --data-dir`);
  }
  if (code === 'SQLITE_NOTADB' || code.startsWith('SQLITE_CORRUPT')) {
    return new StartupError(CORRUPT_CODE, `the database ${file} is not an Arclight database (${reason}); ${RESTORE_OR_NEW_DATA_DIR}`);
  }
  if (code.startsWith('SQLITE_READONLY') || code.startsWith('SQLITE_CANTOPEN') || code === 'SQLITE_PERM') {
    return new StartupError('EACCES', `cannot write the database ${file} (${reason}); make it and --data-dir ${dir} writable by this user`);
  }
  return new StartupError(code.startsWith('E') ? code : 'EIO', `cannot open the database ${file} (${reason}); ${RESTORE_OR_NEW_DATA_DIR}`);
}
