/**
 * The `arclight` executable (dist/server/main.js) as a user runs it: started with flags and an
 * environment free of the developer's ARCLIGHT_* variables, and known to be up once it has
 * printed its ready line, whose fields are parsed here once for every test that needs them.
 */
import { strict as assert } from 'assert';
import { ChildProcess, spawn } from 'child_process';
import { once } from 'events';
import * as fs from 'fs';
import * as path from 'path';

export const MAIN = path.resolve(__dirname, '..', '..', 'server', 'main.js');

/** The environment without any ARCLIGHT_* variable the developer may have set. */
export const cleanEnv = () => Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCLIGHT_')));

export interface ReadyLine {
  url: string;
  caPath: string;
  tenant: string;
  subscription: string;
  servicePrincipal: string;
}

export interface RunningExecutable {
  child: ChildProcess;
  ready: ReadyLine;
  /** The CA certificate the ready line names. */
  caPem: string;
  /** Resolves when the process ends, with its exit code or signal. */
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  /** Everything it wrote so far, stdout and stderr. */
  output: () => string;
  stdout: () => string;
}

const READY = /^Arclight ready at (https:\/\/\S+) \| CA certificate: (.+?) \| tenant (\S+) \| subscription (\S+) \| service principal (\S+) \|/;

/** Starts the executable and resolves once it has printed its ready line. */
export async function startExecutable(args: string[], env: Record<string, string> = {}): Promise<RunningExecutable> {
  const child = spawn(process.execPath, [MAIN, ...args], { env: { ...cleanEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let output = '';
  child.stderr!.on('data', (d) => (output += d));
  const exited = once(child, 'exit') as Promise<[number | null, NodeJS.Signals | null]>;
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d) => {
      stdout += d;
      output += d;
      const ready = stdout.split('\n').find((l) => l.startsWith('Arclight ready at '));
      if (ready) resolve(ready);
    });
    void exited.then(([code, signal]) => reject(new Error(`arclight exited (${code ?? signal}) before it was ready: ${output}`)));
  });
  const m = READY.exec(line);
  assert.ok(m, `ready line: ${line}`);
  const ready = { url: m[1], caPath: m[2], tenant: m[3], subscription: m[4], servicePrincipal: m[5] };
  return { child, ready, caPem: fs.readFileSync(ready.caPath, 'utf8'), exited, output: () => output, stdout: () => stdout };
}
