/**
 * The package as another project gets it: `npm pack`, the tarball installed into an empty
 * project, then the README's snippet run as CommonJS and as ESM (start, one request, stop) and
 * a TypeScript consumer compiled with the strict options and without skipLibCheck. npm
 * resolves the dependencies from its cache (--prefer-offline), which the repo's own install
 * filled. Skipped, saying why, only when there is no npm to run.
 */
import { strict as assert } from 'assert';
import { spawnSync, SpawnSyncReturns } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const PACKAGE = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function run(command: string, args: string[], cwd: string): SpawnSyncReturns<string> {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('ARCLIGHT_') && !k.startsWith('npm_')));
  // better-sqlite3 has no prebuilt addon to fetch here: the install compiles it (2-2.5 minutes on 2 cores).
  const result = spawnSync(command, args, { cwd, encoding: 'utf8', env, timeout: 300_000 });
  assert.equal(result.status, 0, `${command} ${args.join(' ')} in ${cwd}: ${result.error?.message ?? ''}\n${result.stdout}\n${result.stderr}`);
  return result;
}

/** The README's snippet, with a request in the middle. */
const COMMONJS = `
const https = require('https');
const { startArclight } = require('${PACKAGE.name}');
const get = (url, ca) => new Promise((ok, ko) => https.get(url, { ca }, (r) => { r.resume(); ok(r.statusCode); }).on('error', ko));
(async () => {
  const arclight = await startArclight({ inMemory: true, port: 0 });
  console.log('health', await get(arclight.url + '/_arclight/health', arclight.caCertPem));
  await arclight.stop();
})().catch((err) => { console.error(err); process.exit(1); });
`;

const ESM = `
import https from 'node:https';
import { startArclight } from '${PACKAGE.name}';
const arclight = await startArclight({ inMemory: true, port: 0 });
const status = await new Promise((ok, ko) => https.get(arclight.url + '/_arclight/health', { ca: arclight.caCertPem }, (r) => { r.resume(); ok(r.statusCode); }).on('error', ko));
console.log('health', status);
await arclight.stop();
`;

const TYPESCRIPT = `
import { startArclight, type RunningArclight, type ArclightOptions } from '${PACKAGE.name}';
const options: ArclightOptions = { inMemory: true, port: 0, logger: 'silent' };
export async function main(): Promise<string> {
  const arclight: RunningArclight = await startArclight(options);
  await arclight.stop();
  return arclight.url;
}
`;

describe('the packed package, installed into an empty project', function () {
  this.timeout(420_000);
  let project: string;
  let files: string[];

  before(function () {
    if (spawnSync('npm', ['--version'], { encoding: 'utf8' }).status !== 0) this.skip(); // no npm on PATH: nothing to pack with
    project = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-consumer-'));
    // The build is this test run's own (dist is current): prepare need not run it again.
    const packed = run('npm', ['pack', '--ignore-scripts', '--json', '--pack-destination', project], ROOT);
    const [info] = JSON.parse(packed.stdout) as Array<{ filename: string; files: Array<{ path: string }> }>;
    files = info.files.map((f) => f.path);
    fs.writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }));
    const installed = run('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', `./${info.filename}`], project);
    fs.writeFileSync(path.join(project, 'npm-install.log'), installed.stdout + installed.stderr);
  });
  after(() => { if (project) fs.rmSync(project, { recursive: true, force: true }); });

  it('ships what runs and no tests or benchmarks', () => {
    for (const wanted of ['dist/server/index.js', 'dist/server/index.d.ts', 'dist/server/main.js', 'dist/server/cli.bundle.js', 'dist/server/cli.bundle.js.cache',
      'dist/server/launch/healthcheck.js', 'dist/specs/bundle.json', 'dist/dashboard/index.html', 'dist/dashboard/app.js', 'db/migrations/001_initial.sql', 'specs/arclight/extensionTypes.json', 'esm/index.mjs', 'esm/index.d.mts']) {
      assert.ok(files.includes(wanted), `the tarball has ${wanted}`);
    }
    const stray = files.filter((f) => !f.startsWith('node_modules/') && (/^(dist\/)?(test|bench|scripts)\//.test(f) || f.endsWith('.map') || f.startsWith('server/')));
    assert.deepEqual(stray, [], 'no tests, benchmarks, build scripts, sources or source maps');
  });

  it('installs on this Node without an engine warning', () => {
    const log = fs.readFileSync(path.join(project, 'npm-install.log'), 'utf8');
    assert.doesNotMatch(log, /EBADENGINE|Unsupported engine/, log);
  });

  it('runs the README snippet as CommonJS and as ESM: start, a request, stop (and stays quiet)', () => {
    fs.writeFileSync(path.join(project, 'snippet.cjs'), COMMONJS);
    fs.writeFileSync(path.join(project, 'snippet.mjs'), ESM);
    for (const file of ['snippet.cjs', 'snippet.mjs']) {
      const out = run(process.execPath, [file], project);
      assert.equal(out.stdout, 'health 200\n', `${file}: the only output is the snippet's own`);
    }
  });

  it('compiles a TypeScript consumer, strict and without skipLibCheck', () => {
    fs.writeFileSync(path.join(project, 'consumer.ts'), TYPESCRIPT);
    for (const module of [['--module', 'nodenext', '--moduleResolution', 'nodenext'], ['--module', 'commonjs', '--moduleResolution', 'node10', '--esModuleInterop']]) {
      run(process.execPath, [TSC, '--noEmit', '--strict', '--target', 'es2022', ...module, 'consumer.ts'], project);
    }
    fs.writeFileSync(path.join(project, 'consumer.mts'), TYPESCRIPT);
    run(process.execPath, [TSC, '--noEmit', '--strict', '--target', 'es2022', '--module', 'nodenext', '--moduleResolution', 'nodenext', 'consumer.mts'], project);
  });

  it('runs the arclight command: --version', () => {
    const out = run(path.join(project, 'node_modules', '.bin', 'arclight'), ['--version'], project);
    assert.equal(out.stdout, `${PACKAGE.version}\n`);
  });
});
