/**
 * Two mocha workers in parallel (`mocha --parallel --jobs 2`, two processes) against one
 * Arclight in strict mode, kept apart by the directory API: each takes its own subscription and
 * principal, creates clusters in it through the official SDKs, and lists only its own (see
 * test/fixtures/parallelWorkers). A child mocha is what CI runs for a user's parallel suite.
 */
import { strict as assert } from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { testServer, TestServer } from '../support/arclight';

const ROOT = path.resolve(__dirname, '..', '..', '..');
const FIXTURES = path.join(ROOT, 'dist', 'test', 'fixtures', 'parallelWorkers');

describe('e2e: two parallel mocha workers against one Arclight', () => {
  let server: TestServer;
  let dir: string;
  before(async () => {
    server = await testServer({ auth: 'strict' });
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-workers-'));
    fs.writeFileSync(path.join(dir, 'ca.pem'), server.caCertPem);
  });
  after(async () => {
    await server.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('keeps each worker to its own subscription', async () => {
    const mocha = path.join(ROOT, 'node_modules', 'mocha', 'bin', 'mocha.js');
    const args = [mocha, '--no-config', '--parallel', '--jobs', '2', '--timeout', '60000', '--reporter', 'dot',
      path.join(FIXTURES, 'workerA.spec.js'), path.join(FIXTURES, 'workerB.spec.js')];
    const result = await new Promise<{ code: number | null; out: string }>((resolve) => {
      execFile(process.execPath, args, { env: { ...process.env, ARCLIGHT_TEST_URL: server.url, ARCLIGHT_TEST_CA: path.join(dir, 'ca.pem') }, cwd: ROOT },
        (err, stdout, stderr) => resolve({ code: err ? (err as { code?: number }).code ?? 1 : 0, out: `${stdout}${stderr}` }));
    });
    assert.equal(result.code, 0, result.out);
    assert.match(result.out, /2 passing/);
    // Both worked in the one Arclight: two worker subscriptions with three clusters each.
    const workers = server.services.store.directory.subscriptions().filter((s) => s.displayName.startsWith('worker '));
    assert.deepEqual(workers.map((s) => s.displayName).sort(), ['worker a', 'worker b']);
  });
});
