/**
 * The processes a bench run starts: Arclight exactly as a user starts it (`node` on the built
 * entry point, not through npm), the two reference servers, and the load generator. Each is
 * its own process, so none shares an event loop with another.
 */
import { ChildProcess, execFileSync, fork, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { CertificateAuthority } from '../server/pki/certificateAuthority';
import type { LoadJob, LoadResult } from './loadGenerator';
import type { BareFixtures, ReferenceKind } from './referenceServers';
import type { Json } from '../protocol/json';

const DIST = path.resolve(__dirname, '..');
export const ARCLIGHT_MAIN = path.join(DIST, 'server', 'main.js');

export interface ServerUnderTest {
  name: string;
  origin: string;
  ca: string;
  pid: number;
  stop(): Promise<void>;
}

function exited(child: ChildProcess): Promise<void> {
  return child.exitCode !== null || child.signalCode !== null ? Promise.resolve() : new Promise((resolve) => child.once('exit', () => resolve()));
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  await exited(child);
}

/** Starts `node dist/server/main.js --in-memory --port 0 ...`; resolves once its ready line is out. */
export function startArclight(extraArgs: string[] = []): Promise<ServerUnderTest & { startedAt: bigint }> {
  const startedAt = process.hrtime.bigint();
  const child = spawn(process.execPath, [ARCLIGHT_MAIN, '--in-memory', '--port', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  return new Promise((resolve, reject) => {
    let out = '';
    let err = '';
    const onData = (chunk: Buffer) => {
      out += chunk.toString('utf8');
      const m = /ready at (\S+) \| CA certificate: (\S+) /.exec(out);
      if (!m) return;
      child.stdout!.off('data', onData);
      // Access-log lines keep coming; read and drop them as a log collector would.
      child.stdout!.resume();
      resolve({ name: 'Arclight', origin: m[1], ca: fs.readFileSync(m[2], 'utf8'), pid: child.pid!, startedAt, stop: () => stopChild(child) });
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (err += chunk.toString('utf8')));
    child.once('exit', (code) => reject(new Error(`arclight exited (${code}) before it was ready: ${err || out}`)));
  });
}

/** One GET on a fresh connection: the status and body. */
export function get(origin: string, ca: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    https.get(`${origin}${path}`, { ca, agent: false, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8') }));
    }).on('error', reject);
  });
}

/** A certificate for the reference servers from the same CA code Arclight uses (same key type). */
export function referenceTls(): { dir: string; certFile: string; keyFile: string; ca: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-bench-'));
  const ca = CertificateAuthority.loadOrCreate(undefined);
  const issued = ca.serverCertificate(undefined, ['localhost', '127.0.0.1']);
  const certFile = path.join(dir, 'server.pem');
  const keyFile = path.join(dir, 'server-key.pem');
  fs.writeFileSync(certFile, issued.certPem);
  fs.writeFileSync(keyFile, issued.keyPem, { mode: 0o600 });
  return { dir, certFile, keyFile, ca: ca.certPem };
}

function nextMessage<T>(child: ChildProcess, pick: (m: Json) => T | undefined): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMessage = (m: unknown) => {
      const value = pick(m);
      if (value === undefined) return;
      child.off('message', onMessage);
      child.off('exit', onExit);
      resolve(value);
    };
    const onExit = (code: number | null) => reject(new Error(`${child.spawnfile} exited (${code})`));
    child.on('message', onMessage);
    child.once('exit', onExit);
  });
}

export interface ReferenceServer extends ServerUnderTest {
  setFixtures(fixtures: BareFixtures): Promise<void>;
}

export async function startReference(kind: ReferenceKind, tls: ReturnType<typeof referenceTls>, pageSize: number): Promise<ReferenceServer> {
  const child = fork(path.join(__dirname, 'referenceServers.js'), [kind, tls.certFile, tls.keyFile, String(pageSize)], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const port = await nextMessage(child, (m) => m?.port as number | undefined);
  return {
    name: kind === 'bare' ? 'bare https (a)' : 'express+sqlite (b)',
    origin: `https://127.0.0.1:${port}`,
    ca: tls.ca,
    pid: child.pid!,
    stop: () => stopChild(child),
    setFixtures: async (fixtures) => {
      child.send({ fixtures });
      await nextMessage(child, (m) => m?.fixturesLoaded as boolean | undefined);
    },
  };
}

/** The load generator process; run() sends it one job at a time. */
export class LoadGenerator {
  private readonly child = fork(path.join(__dirname, 'loadGenerator.js'), [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  private nextId = 0;

  async run(job: LoadJob): Promise<LoadResult> {
    const id = this.nextId++;
    this.child.send({ id, job });
    const reply = await nextMessage(this.child, (m) => (m?.id === id ? (m as { result?: LoadResult; error?: string }) : undefined));
    if (reply.error) throw new Error(`load generator: ${reply.error}`);
    return reply.result!;
  }

  stop(): Promise<void> {
    this.child.disconnect();
    return exited(this.child);
  }
}

/** Resident set size of a process, in MiB (Linux /proc; `ps` elsewhere). */
export function rssMiB(pid: number): number {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/^VmRSS:\s+(\d+)\s+kB/m.exec(status)?.[1]);
    if (Number.isFinite(kb)) return kb / 1024;
  } catch {
    // not Linux
  }
  return Number(execFileSync('ps', ['-o', 'rss=', '-p', String(pid)], { encoding: 'utf8' }).trim()) / 1024;
}
