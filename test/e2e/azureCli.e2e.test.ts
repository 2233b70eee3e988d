/**
 * The Azure CLI against Arclight over HTTPS in --auth strict, when `az` is installed (skipped
 * otherwise): `az cloud register` from the metadata endpoint (an AD FS-style authority, which the
 * CLI logs in to offline), `az login --service-principal`, a write, the token's audience, and
 * `az login --identity` through MSI_ENDPOINT.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import jwt from 'jsonwebtoken';
import { CLIENT_ID, SUB, TENANT, testServer, TestServer } from '../support/arclight';
import { SECRET } from '../support/identity';
import { DEFAULT_MANAGED_IDENTITY_CLIENT_ID } from '../../server/identity/principals';
import { findAz, runAz } from '../support/azureCli';

describe('e2e: the Azure CLI (when installed)', function () {
  this.timeout(180_000);
  const az = findAz();
  let server: TestServer;
  let home: string;

  before(async function () {
    // CI installs the CLI and says so: there a missing `az` is a failure, not a skip.
    if (!az && process.env.ARCLIGHT_TEST_REQUIRE_AZ === '1') throw new Error('az is not installed, and ARCLIGHT_TEST_REQUIRE_AZ=1 requires it');
    if (!az) return this.skip();
    server = await testServer({ auth: 'strict' });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-az-'));
  });
  after(async () => {
    if (!az) return;
    await server.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const run = (configDir: string, args: string[], extraEnv: Record<string, string> = {}) =>
    runAz({ az: az!, home, configDir, caCertPath: server.caCertPath, timeoutMs: 60_000, extraEnv }, args);
  const registerCloud = async (configDir: string) => {
    await run(configDir, ['cloud', 'register', '-n', 'Arclight', '--endpoint-resource-manager', `${server.url}/`]);
    await run(configDir, ['cloud', 'set', '-n', 'Arclight']);
  };

  it('registers the cloud, logs in as a service principal and writes', async () => {
    await registerCloud('sp');
    const cloud = JSON.parse(await run('sp', ['cloud', 'show', '-n', 'Arclight', '-o', 'json']));
    assert.equal(cloud.endpoints.activeDirectory, `${server.url}/adfs/`);
    const accounts = JSON.parse(await run('sp', ['login', '--service-principal', '-u', CLIENT_ID, '-p', SECRET, '--tenant', TENANT, '-o', 'json']));
    assert.deepEqual(accounts.map((s: { id: string }) => s.id), [SUB]);
    const group = JSON.parse(await run('sp', ['group', 'create', '-n', 'az-rg', '-l', 'eastus', '-o', 'json']));
    assert.equal(group.id, `/subscriptions/${SUB}/resourceGroups/az-rg`);
    const token = JSON.parse(await run('sp', ['account', 'get-access-token', '-o', 'json']));
    const claims = jwt.decode(token.accessToken) as jwt.JwtPayload;
    assert.equal(claims.aud, 'https://management.core.windows.net/');
    assert.equal(claims.appid, CLIENT_ID);
  });

  it('logs in with the managed identity behind MSI_ENDPOINT', async () => {
    await registerCloud('mi');
    const msi = { MSI_ENDPOINT: `${server.url}/msi/token` };
    const accounts = JSON.parse(await run('mi', ['login', '--identity', '-o', 'json'], msi));
    assert.equal(accounts[0].id, SUB);
    const token = JSON.parse(await run('mi', ['account', 'get-access-token', '-o', 'json'], msi));
    assert.equal((jwt.decode(token.accessToken) as jwt.JwtPayload).appid, DEFAULT_MANAGED_IDENTITY_CLIENT_ID);
  });
});
