/**
 * End to end over HTTPS, `--auth strict`, with the official clients logging in offline:
 * @azure/identity's ClientSecretCredential, ClientCertificateCredential (certificate from a seed
 * file) and ManagedIdentityCredential (App Service variables, in a child process that trusts the
 * CA through NODE_EXTRA_CA_CERTS), driving @azure/arm-hybridkubernetes and @azure/arm-resources;
 * then the refusals a real client sees, each leaving nothing written.
 */
import { strict as assert } from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { TokenCredential } from '@azure/core-auth';
import { ClientCertificateCredential, ClientSecretCredential } from '@azure/identity';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import { CLIENT_ID, SUB, TENANT, staticCredential, testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';
import { SECRET, testCertificate } from '../support/identity';
import { IDENTITY_HEADER } from '../../server/identity/managedIdentity';
import { DEFAULT_MANAGED_IDENTITY_CLIENT_ID } from '../../server/identity/principals';

const CERT_CLIENT = '44444444-4444-4444-4444-444444444444';
const OTHER_TENANT = '22222222-2222-2222-2222-222222222222';
const OTHER_CLIENT = '33333333-3333-3333-3333-333333333333';
const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');

type RestFailure = { statusCode?: number; code?: string; message?: string };

describe('e2e: identity with the official clients (--auth strict)', () => {
  let server: TestServer;
  let seedDir: string;
  const cert = testCertificate(1);
  const cluster = () => ({ location: 'eastus', identity: { type: 'SystemAssigned' as const }, agentPublicKeyCertificate: agentKeys().pkcs1 });

  before(async () => {
    seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-seed-'));
    const seed = path.join(seedDir, 'seed.json');
    fs.writeFileSync(seed, JSON.stringify({
      tenants: [{ tenantId: OTHER_TENANT }],
      subscriptions: [{ subscriptionId: '22222222-0000-0000-0000-000000000000', tenantId: OTHER_TENANT }],
      servicePrincipals: [
        { clientId: CERT_CLIENT, certificate: cert.certPem, displayName: 'pipeline' },
        { clientId: OTHER_CLIENT, tenantId: OTHER_TENANT, secret: 'contoso-secret' },
      ],
    }));
    server = await testServer({ auth: 'strict', seed });
  });
  after(async () => {
    await server.stop();
    fs.rmSync(seedDir, { recursive: true, force: true });
  });

  const identityOptions = () => ({ authorityHost: server.url, disableInstanceDiscovery: true, agent: server.agent });
  const secretCredential = (tenant = TENANT, clientId = CLIENT_ID, secret = SECRET) => new ClientSecretCredential(tenant, clientId, secret, identityOptions());
  const clusters = (credential: TokenCredential, options: { credentialScopes?: string[] } = {}) =>
    new ConnectedKubernetesClient(credential, SUB, { endpoint: server.url, agent: server.agent, ...options });
  const create = (credential: TokenCredential, name: string) =>
    clusters(credential).connectedClusterOperations.beginCreateAndWait('e2e-identity', name, cluster(), { updateIntervalInMs: 10 });
  /** Read with a good credential: the refused write left nothing behind. */
  const assertAbsent = (name: string) =>
    assert.rejects(clusters(secretCredential()).connectedClusterOperations.get('e2e-identity', name), (e: RestFailure) => e.statusCode === 404);

  it('ClientSecretCredential (authorityHost = Arclight) drives the ARM SDKs; systemData names the application', async () => {
    const credential = secretCredential();
    const resources = new ResourceManagementClient(credential, SUB, { endpoint: server.url, agent: server.agent });
    await resources.resourceGroups.createOrUpdate('e2e-identity', { location: 'eastus' });
    const created = await create(credential, 'by-secret');
    assert.equal(created.provisioningState, 'Succeeded');
    const got = await clusters(credential).connectedClusterOperations.get('e2e-identity', 'by-secret');
    assert.equal(got.systemData?.createdBy, CLIENT_ID);
    assert.equal(got.systemData?.createdByType, 'Application');
  });

  it('ClientCertificateCredential with a certificate registered through the seed file', async () => {
    const credential = new ClientCertificateCredential(TENANT, CERT_CLIENT, { certificate: cert.certPem + cert.keyPem }, identityOptions());
    const created = await create(credential, 'by-certificate');
    assert.equal(created.systemData?.createdBy, CERT_CLIENT);
    assert.equal(created.systemData?.createdByType, 'Application');
  });

  it('ManagedIdentityCredential through IDENTITY_ENDPOINT and IDENTITY_HEADER (a child node process)', async () => {
    const script = `
      const { ManagedIdentityCredential } = require('@azure/identity');
      const { ConnectedKubernetesClient } = require('@azure/arm-hybridkubernetes');
      const client = new ConnectedKubernetesClient(new ManagedIdentityCredential(), process.env.SUB, { endpoint: process.env.ENDPOINT });
      client.connectedClusterOperations.beginCreateAndWait('e2e-identity', 'by-identity',
        { location: 'eastus', identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: process.env.AGENT_KEY }, { updateIntervalInMs: 10 })
        .then((c) => process.stdout.write(JSON.stringify(c.systemData)), (e) => { process.stderr.write(String(e && e.message)); process.exit(1); });`;
    const env = {
      PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: server.caCertPath,
      IDENTITY_ENDPOINT: `${server.url}/msi/token`, IDENTITY_HEADER: IDENTITY_HEADER,
      SUB, ENDPOINT: server.url, AGENT_KEY: agentKeys().pkcs1,
    };
    const stdout = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, env, timeout: 20_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    const systemData = JSON.parse(stdout);
    assert.equal(systemData.createdBy, DEFAULT_MANAGED_IDENTITY_CLIENT_ID);
    assert.equal(systemData.createdByType, 'ManagedIdentity');
  });

  describe('refusals', () => {
    it('a wrong secret fails at the token endpoint with AADSTS7000215', async () => {
      await assert.rejects(create(secretCredential(TENANT, CLIENT_ID, 'wrong-secret'), 'refused-secret'), (e: RestFailure) => /AADSTS7000215/.test(e.message ?? ''));
      await assertAbsent('refused-secret');
    });

    it('another tenant\'s subscription: 401 InvalidAuthenticationTokenTenant', async () => {
      await assert.rejects(create(secretCredential(OTHER_TENANT, OTHER_CLIENT, 'contoso-secret'), 'refused-tenant'),
        (e: RestFailure) => e.statusCode === 401 && e.code === 'InvalidAuthenticationTokenTenant');
      await assertAbsent('refused-tenant');
    });

    it('a token for the wrong audience: 401 InvalidAuthenticationTokenAudience', async () => {
      const client = clusters(secretCredential(), { credentialScopes: ['https://graph.microsoft.com/.default'] });
      await assert.rejects(client.connectedClusterOperations.beginCreateAndWait('e2e-identity', 'refused-audience', cluster(), { updateIntervalInMs: 10 }),
        (e: RestFailure) => e.statusCode === 401 && e.code === 'InvalidAuthenticationTokenAudience');
      await assertAbsent('refused-audience');
    });

    it('a tampered signature: 401 InvalidAuthenticationToken', async () => {
      const { token } = (await secretCredential().getToken(`${server.url}/.default`))!;
      const tampered = `${token.slice(0, -8)}${token.endsWith('AAAAAAAA') ? 'BBBBBBBB' : 'AAAAAAAA'}`;
      await assert.rejects(create(staticCredential(tampered), 'refused-signature'), (e: RestFailure) => e.statusCode === 401 && e.code === 'InvalidAuthenticationToken');
      await assertAbsent('refused-signature');
    });

    // Last: it moves the emulator clock two hours on.
    it('an expired token (emulator clock advanced past exp): 401 ExpiredAuthenticationToken', async () => {
      const credential = secretCredential();
      await clusters(credential).connectedClusterOperations.get('e2e-identity', 'by-secret');
      const advanced = await fetchJson(`${server.url}/_arclight/clock/advance`, { seconds: 7200 });
      assert.ok(advanced.now);
      // MSAL still holds the token (its cache runs on real time); ARM judges it by the emulator clock.
      await assert.rejects(create(credential, 'refused-expired'), (e: RestFailure) => e.statusCode === 401 && e.code === 'ExpiredAuthenticationToken');
      await assertAbsent('refused-expired');
    });
  });

  async function fetchJson(url: string, body: unknown): Promise<{ now?: string }> {
    const https = await import('https');
    return new Promise((resolve, reject) => {
      const req = https.request(url, { method: 'POST', agent: server.agent, headers: { 'Content-Type': 'application/json' } }, (res) => {
        let text = '';
        res.on('data', (c) => (text += c));
        res.on('end', () => resolve(JSON.parse(text)));
      });
      req.on('error', reject);
      req.end(JSON.stringify(body));
    });
  }
});
