/**
 * The Docker image, checked without Docker (these machines cannot run it): the runtime stage of
 * the Dockerfile, parsed, is laid out in a scratch folder as /app would be (its COPY lines, its
 * ENV, its ENTRYPOINT; node_modules linked to the repo's, whose production part is the same),
 * started as the image starts, and asked for /_arclight/health. Its HEALTHCHECK command runs
 * against it with the port set by flag and by environment variable; --tls-names through its
 * environment twin shows up in the server certificate; and a /data it cannot write stops the
 * start with one line naming the folder and the fix.
 */
import { strict as assert } from 'assert';
import { ChildProcess, spawn, spawnSync } from 'child_process';
import { once } from 'events';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { peerCertificate } from '../support/https';
import { isRoot, removeScratch, scratchDir, unprivileged } from '../support/startup';

const ROOT = path.resolve(__dirname, '..', '..', '..');

interface RuntimeStage {
  copies: Array<{ from: string; to: string }>;
  env: Record<string, string>;
  workdir: string;
  entrypoint: string[];
  healthcheck: string[];
}

/** The Dockerfile's instructions, continuation lines joined and comments dropped. */
function instructions(text: string): string[] {
  return text.replace(/\\\n/g, ' ').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
}

/** ENV's KEY=value pairs (quoted or not), with ${ARG} replaced by the ARG's default. */
function envPairs(text: string, args: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of text.matchAll(/(\w+)=("[^"]*"|\S*)/g)) out[m[1]] = m[2].replace(/^"|"$/g, '').replace(/\$\{(\w+)\}/g, (_, name: string) => args[name] ?? '');
  return out;
}

function runtimeStage(): RuntimeStage {
  const all = instructions(fs.readFileSync(path.join(ROOT, 'Dockerfile'), 'utf8'));
  const last = all.map((l) => /^FROM\b/i.test(l)).lastIndexOf(true);
  const stage: RuntimeStage = { copies: [], env: {}, workdir: '/', entrypoint: [], healthcheck: [] };
  const args: Record<string, string> = {};
  for (const line of all.slice(last + 1)) {
    const [word, ...rest] = line.split(/\s+/);
    const body = rest.join(' ');
    if (word === 'ARG') Object.assign(args, envPairs(body, {}));
    if (word === 'ENV') Object.assign(stage.env, envPairs(body, args));
    if (word === 'WORKDIR') stage.workdir = body;
    if (word === 'ENTRYPOINT') stage.entrypoint = JSON.parse(body) as string[];
    if (word === 'HEALTHCHECK') stage.healthcheck = JSON.parse(/\bCMD\s+(\[.*\])$/.exec(body)![1]) as string[];
    if (word === 'COPY') {
      const m = /^--from=build\s+\/src\/(\S+)\s+(\S+)$/.exec(body);
      assert.ok(m, `the runtime stage copies from the build stage only: ${line}`);
      stage.copies.push({ from: m[1], to: m[2] });
    }
  }
  return stage;
}

async function freePort(): Promise<number> {
  const server = net.createServer().listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

describe('the container image, without Docker', function () {
  this.timeout(60_000);
  const stage = runtimeStage();
  let app: string;
  let data: string;
  const children: ChildProcess[] = [];

  before(() => {
    app = scratchDir('arclight-image-');
    // The build stage's /src is this repository once `npm run build` has run.
    for (const { from, to } of stage.copies) {
      const target = path.resolve(app, to);
      if (from === 'node_modules') fs.symlinkSync(path.join(ROOT, 'node_modules'), target);
      else fs.cpSync(path.join(ROOT, from), to.endsWith('/') ? path.join(target, path.basename(from)) : target, { recursive: true });
    }
  });
  beforeEach(() => { data = scratchDir('arclight-image-data-'); });
  afterEach(() => {
    for (const child of children.splice(0)) if (child.exitCode === null) child.kill('SIGKILL');
    removeScratch(data);
  });
  after(() => removeScratch(app));

  /** The image's environment (with /data a scratch folder), then `env` on top. */
  const imageEnv = (env: Record<string, string>) => ({
    ...Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCLIGHT_'))),
    ...stage.env, ARCLIGHT_DATA_DIR: data, ...env,
  });

  /** Starts the image's ENTRYPOINT (with `args` as `docker run image ...` appends them); resolves with its ready line. */
  async function startImage(args: string[], env: Record<string, string>): Promise<{ child: ChildProcess; url: string; caPem: string }> {
    const [command, ...entry] = stage.entrypoint;
    assert.equal(command, 'node');
    const child = spawn(process.execPath, [...entry, ...args], { cwd: app, env: imageEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
    children.push(child);
    let output = '';
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      const onData = (d: Buffer) => {
        output += d;
        const m = /Arclight ready at (\S+) \| CA certificate: (.+?) \|/.exec(output);
        if (m) resolve(m);
      };
      child.stdout!.on('data', onData);
      child.stderr!.on('data', onData);
      child.once('exit', (code) => reject(new Error(`exited ${code} before it was ready: ${output}`)));
    });
    return { child, url: ready[1], caPem: fs.readFileSync(ready[2], 'utf8') };
  }

  /** The HEALTHCHECK's command, as Docker runs it in the container (the server is PID 1 there; here, its pid). */
  function healthcheck(pid: number): { status: number | null; stdout: string } {
    const [command, ...args] = stage.healthcheck;
    assert.equal(command, 'node');
    const run = spawnSync(process.execPath, [...args, String(pid)], { cwd: app, env: imageEnv({}), encoding: 'utf8', timeout: 10_000 });
    return { status: run.status, stdout: run.stdout };
  }

  it('copies only built output, migrations, specs and production modules, and runs as a non-root user', () => {
    assert.deepEqual(stage.copies.map((c) => c.from).sort(), ['db', 'dist/agent', 'dist/dashboard', 'dist/protocol', 'dist/server', 'dist/specs', 'node_modules', 'package.json', 'specs/arclight'].sort());
    assert.equal(stage.workdir, '/app');
  });

  for (const [how, args, env] of [['--port', ['--port', 'PORT'], {}], ['ARCLIGHT_PORT', [], { ARCLIGHT_PORT: 'PORT' }]] as const) {
    it(`starts from that file list and answers; its HEALTHCHECK finds the port set by ${how}`, async () => {
      const port = String(await freePort());
      const running = await startImage(args.map((a) => a.replace('PORT', port)), Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v.replace('PORT', port)])));
      assert.equal(new URL(running.url).port, port);
      const res = await fetchHealth(running.url, running.caPem);
      assert.equal(res, 200);
      assert.equal(await fetchHealth(running.url, running.caPem, '/_arclight/ui/app.js'), 200, 'the image serves the dashboard');
      assert.deepEqual(healthcheck(running.child.pid!), { status: 0, stdout: 'healthy\n' });
      running.child.kill('SIGTERM');
      await once(running.child, 'exit');
      const after = healthcheck(running.child.pid!);
      assert.equal(after.status, 1, 'a stopped server is unhealthy');
      assert.match(after.stdout, /^unhealthy: /);
    });
  }

  it('puts ARCLIGHT_TLS_NAMES into the server certificate: DNS names and IP addresses', async () => {
    const port = String(await freePort());
    const running = await startImage([], { ARCLIGHT_PORT: port, ARCLIGHT_TLS_NAMES: 'arclight,arclight.test.internal,10.20.30.40' });
    const cert = await peerCertificate(running.url, running.caPem);
    for (const name of ['DNS:arclight', 'DNS:arclight.test.internal', 'IP Address:10.20.30.40', 'DNS:localhost']) {
      assert.ok((cert.subjectaltname ?? '').split(', ').includes(name), `${name} in ${cert.subjectaltname}`);
    }
  });

  it('a /data it cannot write: one line naming the folder and the fix', function () {
    // Root writes through modes: the image's non-root user is played by nobody, as a root-owned bind mount meets it.
    if (!isRoot) fs.chmodSync(data, 0o555);
    const [, ...entry] = stage.entrypoint;
    const run = spawnSync(process.execPath, [...entry, '--port', '0'], { cwd: app, env: imageEnv({}), encoding: 'utf8', timeout: 20_000, ...unprivileged });
    assert.equal(run.status, 1);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trimEnd().split('\n');
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0], new RegExp(`^arclight: --data-dir ${data} is not writable \\(EACCES: permission denied\\); `));
    if (isRoot) assert.match(lines[0], new RegExp(`it belongs to uid 0 and Arclight runs as uid 65534: give it to this user \\(chown 65534 ${data}; for a bind mount, on the host\\)`));
  });
});

/** GET /_arclight/health over HTTPS, trusting only the server's CA. */
async function fetchHealth(url: string, caPem: string, path = '/_arclight/health'): Promise<number> {
  const https = await import('https');
  return new Promise((resolve, reject) => {
    https.get(`${url}${path}`, { ca: caPem }, (res) => { res.resume(); resolve(res.statusCode ?? 0); }).on('error', reject);
  });
}
