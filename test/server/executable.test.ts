/**
 * The `arclight` executable (dist/server/main.js, the package's bin), as a user runs it: flags
 * and their ARCLIGHT_* environment twins, the ready line, readiness over HTTPS trusting the CA
 * file it names, a clean exit on SIGTERM and SIGINT, --help, and usage errors (exit code 2).
 */
import { strict as assert } from 'assert';
import { ChildProcess, spawnSync } from 'child_process';
import * as fs from 'fs';
import { once } from 'events';
import { overHttps } from '../support/https';
import { envName, OPTIONS } from '../../server/core/config';
import { packagePath } from '../../server/core/packageRoot';
import { AGENT_OPTIONS } from '../../agent/agentCommand';
import { cleanEnv, MAIN, RunningExecutable, startExecutable } from '../support/executable';

async function exitCode(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null) return child.exitCode;
  const [code] = await once(child, 'exit');
  return code as number | null;
}

describe('the arclight executable', () => {
  let running: RunningExecutable | undefined;
  afterEach(() => {
    if (running && running.child.exitCode === null) running.child.kill('SIGKILL');
    running = undefined;
  });

  it('prints one ready line, is ready over HTTPS trusting the CA file it names, and exits 0 on SIGTERM', async () => {
    running = await startExecutable(['--port', '0', '--in-memory'], { ARCLIGHT_LOG_LEVEL: 'info' });
    const { ready } = running;
    assert.match(ready.url, /^https:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(new URL(ready.url).port, '8443', '--port 0 picks a free port');
    assert.deepEqual([ready.tenant, ready.subscription, ready.servicePrincipal],
      ['00000000-0000-0000-0000-000000000001', '00000000-0000-0000-0000-000000000000', '00000000-0000-0000-0000-000000000002']);
    const ca = fs.readFileSync(ready.caPath, 'utf8');
    assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
    const res = await overHttps(ready.url, ca)('get', '/_arclight/ready').expect(200);
    assert.equal(res.body.status, 'ready');

    running.child.kill('SIGTERM');
    assert.equal(await exitCode(running.child), 0);
    assert.match(running.stdout(), / info {2}GET \/_arclight\/ready 200 [\d.]+ms [0-9a-f-]{36}\n/, 'ARCLIGHT_LOG_LEVEL=info: one access line per request');
    assert.equal(fs.existsSync(ready.caPath), false, 'the in-memory CA file is removed at stop');
  });

  it('reads every option from its environment twin, and flags win over the environment', async () => {
    running = await startExecutable(['--log-level', 'warn'], { ARCLIGHT_PORT: '0', ARCLIGHT_IN_MEMORY: 'true', ARCLIGHT_LOG_LEVEL: 'debug', ARCLIGHT_AUTH: 'off' });
    const ca = fs.readFileSync(running.ready.caPath, 'utf8');
    assert.match(running.stdout(), /\| auth off \| data in memory/);
    // --auth off (from the environment): no Authorization header needed.
    await overHttps(running.ready.url, ca)('get', '/subscriptions?api-version=2022-12-01').unset('Authorization').expect(200);
    running.child.kill('SIGINT');
    assert.equal(await exitCode(running.child), 0, 'SIGINT closes it cleanly too');
    assert.doesNotMatch(running.stdout(), /GET \/subscriptions/, '--log-level warn beat ARCLIGHT_LOG_LEVEL=debug');
  });

  it('prints its options with --help and exits 0', () => {
    const help = spawnSync(process.execPath, [MAIN, '--help'], { env: cleanEnv(), encoding: 'utf8' });
    assert.equal(help.status, 0);
    assert.match(help.stdout, /^Usage: arclight \[options\]/);
    for (const flag of ['--host', '--port', '--data-dir', '--in-memory', '--cert', '--key', '--log-level', '--auth', '--seed', '--regions', '--lro-delay']) {
      assert.ok(help.stdout.includes(flag), flag);
    }
    assert.match(help.stdout, /env ARCLIGHT_DATA_DIR/);
    // Every flag of every command, from the tables the parsing uses, with the values they take.
    for (const o of OPTIONS) assert.ok(help.stdout.includes(`--${o.flag}`) && help.stdout.includes(`env ${envName(o.flag)}`), o.flag);
    for (const o of AGENT_OPTIONS) assert.ok(help.stdout.includes(`--${o.flag}`), `agent --${o.flag}`);
    assert.match(help.stdout, /--auth <off\|lenient\|strict>/);
    assert.match(help.stdout, /--tls-names <name,\.\.\.>/);
    assert.match(help.stdout, /Options of arclight agent:\n {2}--endpoint <url> +Arclight's base URL \(required\)/);
    assert.match(help.stdout, /--version, -v/);
  });

  it('prints the package version with --version', () => {
    const version = spawnSync(process.execPath, [MAIN, '--version'], { env: cleanEnv(), encoding: 'utf8' });
    assert.equal(version.status, 0);
    assert.equal(version.stdout, `${(JSON.parse(fs.readFileSync(packagePath('package.json'), 'utf8')) as { version: string }).version}\n`);
  });

  it('exits 2 with a clear message on usage errors', () => {
    const run = (args: string[], env: Record<string, string> = {}) => spawnSync(process.execPath, [MAIN, ...args], { env: { ...cleanEnv(), ...env }, encoding: 'utf8' });
    const unknown = run(['--bogus']);
    assert.equal(unknown.status, 2);
    assert.equal(unknown.stderr, 'arclight: unknown option --bogus (see --help)\n');
    assert.equal(unknown.stdout, '');
    const badValue = run(['--port', 'eighty']);
    assert.equal(badValue.status, 2);
    assert.match(badValue.stderr, /--port: expected an integer from 0 to 65535, got 'eighty'/);
    const badEnv = run([], { ARCLIGHT_AUTH: 'maybe' });
    assert.equal(badEnv.status, 2);
    assert.match(badEnv.stderr, /ARCLIGHT_AUTH: expected one of off, lenient, strict, got 'maybe'/);
  });
});
