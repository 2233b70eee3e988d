/**
 * Start-up helpers: the executable run until it fails (its one stderr line), startArclight()
 * in a child process (for the cases that must run as an unprivileged user), data dirs made
 * and tampered with, and a user whose file modes count.
 */
import { strict as assert } from 'assert';
import { ChildProcess, spawnSync, SpawnSyncOptions } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { once } from 'events';
import type { ArclightOptions } from '../../server/arclight';
import { cleanEnv, MAIN } from './executable';

export { startExecutable } from './executable';

const START_IN_CHILD = path.resolve(__dirname, 'startInChild.js');

/**
 * Root writes through file modes, so as root the permission cases run as `nobody`; as any
 * other user, as that user.
 */
export const isRoot = process.getuid?.() === 0;
export const unprivileged: Pick<SpawnSyncOptions, 'uid' | 'gid'> = isRoot ? { uid: 65534, gid: 65534 } : {};

/** Hands a tree to the unprivileged user (when running as root), so its own modes decide. */
export function giveToUnprivileged(target: string): void {
  if (!isRoot) return;
  fs.chownSync(target, 65534, 65534);
  if (fs.statSync(target).isDirectory()) for (const entry of fs.readdirSync(target)) giveToUnprivileged(path.join(target, entry));
}

/** A fresh directory every user may enter (mkdtemp's are 0700). */
export function scratchDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  fs.chmodSync(dir, 0o755);
  return dir;
}

/** Removes a scratch directory, whatever modes a test left on it. */
export function removeScratch(dir: string): void {
  const writable = (p: string) => {
    try {
      fs.chmodSync(p, 0o755);
      if (fs.statSync(p).isDirectory()) for (const entry of fs.readdirSync(p)) writable(path.join(p, entry));
    } catch {
      // gone already
    }
  };
  writable(dir);
  fs.rmSync(dir, { recursive: true, force: true });
}

export interface StartFailure {
  status: number | null;
  /** The one stderr line, without "arclight: " and the newline. */
  message: string;
}

/**
 * Runs the executable, which must fail at start: nothing on stdout, exactly one stderr line
 * starting "arclight: ", no stack trace.
 */
export function failedStart(args: string[], options: { env?: Record<string, string>; as?: Pick<SpawnSyncOptions, 'uid' | 'gid'> } = {}): StartFailure {
  const run = spawnSync(process.execPath, [MAIN, ...args], { env: { ...cleanEnv(), ...options.env }, encoding: 'utf8', timeout: 20_000, ...options.as });
  const stderr = String(run.stderr);
  assert.notEqual(run.signal, 'SIGTERM', `arclight ${args.join(' ')} did not fail; it ran until the timeout`);
  assert.equal(String(run.stdout), '', `nothing on stdout: ${run.stdout}`);
  assert.match(stderr, /^arclight: [^\n]+\n$/, `exactly one stderr line: ${JSON.stringify(stderr)}`);
  assert.doesNotMatch(stderr, /^\s+at |\n\s+at |\b\w*Error: /, 'no stack trace, no error class');
  return { status: run.status, message: stderr.slice('arclight: '.length, -1) };
}

export interface ChildStart {
  started: boolean;
  code?: string;
  message?: string;
}

/** startArclight(options) in a child process (as `as`), stopped again at once if it starts. */
export function startInChild(options: ArclightOptions, as: Pick<SpawnSyncOptions, 'uid' | 'gid'> = {}): ChildStart {
  const run = spawnSync(process.execPath, [START_IN_CHILD, JSON.stringify(options)], { env: cleanEnv(), encoding: 'utf8', timeout: 20_000, ...as });
  assert.equal(run.status, 0, `startInChild: ${run.stderr}`);
  return JSON.parse(String(run.stdout)) as ChildStart;
}

export async function exited(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await once(child, 'exit');
}
