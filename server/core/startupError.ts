/**
 * Why Arclight did not start, in one line that names the path or value at fault and the way
 * out, with a `code` like Node's own errors so programs can tell the cases apart:
 *
 * - EINVAL: an option (flag, environment variable or startArclight option) or a file it names
 *   is not valid. The command exits 2 (a usage error).
 * - EADDRINUSE, EADDRNOTAVAIL, EACCES, EROFS, ENOTDIR, ENOENT, ...: what the operating system
 *   reported, for the listening address or the data dir.
 * - ELOCKED: another Arclight holds the data dir.
 * - ECORRUPT: something in the data dir (database, clock, CA, signing key) reads wrong.
 *
 * Everything but EINVAL exits 1.
 */
export const USAGE_ERROR_CODE = 'EINVAL';
/** The data dir is held by another Arclight (Node has no code of its own for this). */
export const LOCKED_CODE = 'ELOCKED';
/** Something in the data dir does not read as what Arclight wrote. */
export const CORRUPT_CODE = 'ECORRUPT';

export class StartupError extends Error {
  constructor(readonly code: string, message: string) {
    super(message);
    this.name = 'StartupError';
  }
}

/** The way out the data dir's identity files (CA, signing key) offer when they read wrong. */
export const RESTORE_OR_NEW_DATA_DIR = 'restore it, or start with a new --data-dir';

/** "EACCES: permission denied" from a Node system error, without the path Node appends. */
export function osReason(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (!e?.code) return String((err as Error)?.message ?? err);
  const detail = /^[A-Z]+: ([^,]+)/.exec(e.message)?.[1];
  return detail ? `${e.code}: ${detail}` : e.code;
}

/** A StartupError carrying the operating system's code (or `fallback` when there is none). */
export function fromOsError(err: unknown, message: string, fallback = 'EIO'): StartupError {
  if (err instanceof StartupError) return err;
  return new StartupError((err as NodeJS.ErrnoException)?.code ?? fallback, message);
}
