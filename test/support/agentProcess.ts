/**
 * `arclight agent` (dist/server/main.js agent ...) as a child process. Always asynchronous: the
 * server it talks to runs in the test process, so a synchronous spawn would block it.
 */
import { execFile, spawn } from 'child_process';
import { once } from 'events';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TestServer } from './arclight';

const MAIN = path.resolve(__dirname, '..', '..', 'server', 'main.js');

/** The environment without anything that would change what the agent trusts or how Arclight's command reads options. */
function cleanEnv(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCLIGHT_') && k !== 'NODE_EXTRA_CA_CERTS'));
}

export interface AgentRun {
  code: number;
  stdout: string;
  stderr: string;
  /** stdout's progress lines without the `arclight agent: ` prefix. */
  progress: string[];
}

const progressOf = (stdout: string) => stdout.split('\n').filter((l) => l.startsWith('arclight agent: ')).map((l) => l.slice('arclight agent: '.length));

/** Runs `arclight agent <args>` to its end. */
export function runAgent(args: string[]): Promise<AgentRun> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [MAIN, 'agent', ...args], { env: cleanEnv(), timeout: 20_000 }, (err, stdout, stderr) => {
      if (err && typeof err.code !== 'number') return reject(err);
      resolve({ code: err ? (err.code as number) : 0, stdout, stderr, progress: progressOf(stdout) });
    });
  });
}

/** The agent's flags for a cluster of `server`, trusting its CA file. */
export function agentFlags(server: TestServer, clusterId: string, keyFile: string): string[] {
  return ['--endpoint', server.url, '--cluster-id', clusterId, '--private-key', keyFile, '--ca', server.caCertPath];
}

/** A temporary directory for key files, and a way to remove it. */
export function keyFiles() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-agent-keys-'));
  return {
    write(name: string, pem: string): string {
      const file = path.join(dir, name);
      fs.writeFileSync(file, pem, { mode: 0o600 });
      return file;
    },
    remove: () => fs.rmSync(dir, { recursive: true, force: true }),
  };
}

/** A long-running agent: resolves once stdout has a line matching `until`; stop() sends SIGTERM and waits. */
export async function startAgent(args: string[], until: RegExp): Promise<{ stop: () => Promise<AgentRun> }> {
  const child = spawn(process.execPath, [MAIN, 'agent', ...args], { env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr += d));
  // 'close', not 'exit': the output is complete only once the pipes are.
  const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      if (progressOf(stdout).some((l) => until.test(l))) resolve();
    });
    void exited.then(([code]) => reject(new Error(`arclight agent exited with ${code} before printing ${until}: ${stderr}`)));
  });
  return {
    stop: async () => {
      child.kill('SIGTERM');
      const [code, signal] = await exited;
      return { code: code ?? (signal ? -1 : 0), stdout, stderr, progress: progressOf(stdout) };
    },
  };
}
