/**
 * Security properties that need a real HTTPS server or a data dir on disk (the others are in
 * test/server/security.test.ts):
 *
 * 1. a data dir from before the certificate-only flag: migration 003 sets it for the
 *    connected clusters' identities, so the managed identity endpoints stop issuing for them;
 * 2. a used onboarding proof stays refused after a restart on the same data dir;
 * 3. without --public-url, a valid Host header is used as sent, and a forged one never appears
 *    in any URL (the listening address is used instead), over real HTTPS;
 * 5. protected values never reach a file of the data dir, an ARM answer or the log, before or
 *    after their resources are deleted; the data plane still hands them to the cluster.
 */
import { strict as assert } from 'assert';
import { createPrivateKey } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { signClientAssertion } from '../../protocol/agentCredentials';
import { clusterIdentityClientId } from '../../server/clusterSide/identityCertificates';
import { armKey } from '../../server/kit/resourceIds';
import { IDENTITY_HEADER } from '../../server/identity/managedIdentity';
import { DEFAULT_MANAGED_IDENTITY_CLIENT_ID } from '../../server/identity/principals';
import { storeKeyFile } from '../../server/store/sealing';
import { bearer, SUB, TENANT, testArclight, TestArclight, testServer, TestServer } from '../support/arclight';
import { clusterBody, clusterPath, createCluster, createGroup, groupPath } from '../support/clusters';
import { configPath, extensionBody, fluxBody } from '../support/configurations';
import { ARM_SCOPE, JWT_BEARER } from '../support/identity';
import { dataPlane, HOST, onboard, proofFor, requestCertificate } from '../support/agents';
import type { IssuedCertificate } from '../support/agentProtocol';
import { assertAllUnder, filesUnder, handedOutUrls, httpsCaller, planted, plantedInFiles, plantedInTexts } from '../support/security';
import type { JsonObject } from '../../protocol/json';

const ARM = 'https://management.azure.com/';
const claimsOf = (token: string) => jwt.decode(token) as jwt.JwtPayload;
const tempDir = (prefix: string) => fs.mkdtempSync(path.join(os.tmpdir(), prefix));

/** The App Service managed identity endpoint, naming an identity by resource id. */
const msiFor = (a: TestArclight, resourceId?: string) =>
  request(a.app).get(`/msi/token?${new URLSearchParams({ 'api-version': '2019-08-01', resource: ARM, ...(resourceId ? { mi_res_id: resourceId } : {}) })}`)
    .set('Host', HOST).set('X-IDENTITY-HEADER', IDENTITY_HEADER);

describe('e2e security: a data dir from before the certificate-only flag (migration 003)', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDir('arclight-data-');
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('flags the connected clusters\' identities it finds, and only those: the managed identity endpoints stop issuing for them, certificates still work', async () => {
    const id = clusterPath('rg', 'c1');
    const otherCluster = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/RG/providers/Microsoft.Kubernetes/ConnectedClusters/C2';
    const userAssigned = '/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg/providers/Microsoft.ManagedIdentity/userAssignedIdentities/deployer';
    let issued: IssuedCertificate;
    let principalId: string;

    const first = await testArclight({ inMemory: false, dataDir });
    try {
      await createCluster(first.app, 'rg', 'c1');
      issued = (await onboard(first.app, id)).issued;
      principalId = issued.principalId;
      assert.equal(first.services.principals.get(issued.clientId)?.principal.certificateOnly, true, 'flagged when the certificate is issued');
      // Identities registered through the store API without the flag, as an older Arclight registered them.
      first.services.principals.putManagedIdentity({ clientId: '55555555-0000-0000-0000-000000000002', objectId: '55555555-0000-0000-0000-000000000003', tenantId: TENANT, resourceId: otherCluster, certificates: [] });
      first.services.principals.putManagedIdentity({ clientId: '55555555-0000-0000-0000-000000000004', objectId: '55555555-0000-0000-0000-000000000005', tenantId: TENANT, resourceId: userAssigned, certificates: [] });

      // Back to the schema before 003: no flag in any principal, none of the tables or indexes of 003 and after.
      // Raw SQL on purpose: no store API downgrades the schema, and migration 003's re-run is what is tested.
      const db = first.services.store.db;
      db.exec(`UPDATE principals SET body = json_remove(body, '$.certificateOnly'); DROP TABLE used_proofs; DROP INDEX operations_finished; DROP TABLE linked_content;
        DROP INDEX operations_running_by_resource; DROP INDEX operations_running_by_due; DROP INDEX resources_tracked;
        CREATE INDEX operations_by_resource ON operations (resource_key); CREATE INDEX operations_pending ON operations (status, due_at);
        CREATE INDEX resources_tracked ON resources (subscription_id, tracked, key);`);
      db.pragma('user_version = 2');
      first.services.store.principals.invalidate();
      // What such a data dir allowed: anyone reaching the endpoint got the cluster's token.
      const leaked = await msiFor(first, id).expect(200);
      assert.equal(claimsOf(leaked.body.access_token).xms_mirid, id, 'the downgraded data dir is the unsafe one');
      await msiFor(first, otherCluster).expect(200);
    } finally {
      first.close();
    }

    const second = await testArclight({ inMemory: false, dataDir });
    try {
      assert.equal(second.services.store.db.pragma('user_version', { simple: true }), 5, 'migrations 003 to 005 ran again');
      const flag = (clientId: string) => second.services.principals.get(clientId)?.principal.certificateOnly;
      assert.equal(flag(issued.clientId), true);
      assert.equal(flag('55555555-0000-0000-0000-000000000002'), true, 'a cluster id in other casing');
      assert.equal(flag('55555555-0000-0000-0000-000000000004'), undefined, 'a user-assigned identity is not a cluster\'s');
      assert.equal(flag(DEFAULT_MANAGED_IDENTITY_CLIENT_ID), undefined);

      const refusal = (res: request.Response) => ({ statusCode: 400, message: 'Unable to load the proper Managed Identity.', correlationId: res.headers['x-ms-request-id'] });
      for (const resourceId of [id, otherCluster]) {
        const res = await msiFor(second, resourceId).expect(400);
        assert.deepEqual(res.body, refusal(res), resourceId);
      }
      const byClientId = await request(second.app).get(`/msi/token?api-version=2019-08-01&resource=${ARM}&client_id=${clusterIdentityClientId(principalId)}`)
        .set('Host', HOST).set('X-IDENTITY-HEADER', IDENTITY_HEADER).expect(400);
      assert.deepEqual(byClientId.body, refusal(byClientId));
      assert.equal(claimsOf((await msiFor(second, userAssigned).expect(200)).body.access_token).xms_mirid, userAssigned);
      assert.equal(claimsOf((await msiFor(second).expect(200)).body.access_token).appid, DEFAULT_MANAGED_IDENTITY_CLIENT_ID, 'the default identity still answers');

      // The certificate issued before the restart still gets the cluster its token and its data plane.
      const assertion = signClientAssertion(issued.certificate, createPrivateKey(issued.privateKey!), issued.clientId, issued.tokenEndpoint);
      const token = (await request(second.app).post(new URL(issued.tokenEndpoint).pathname).set('Host', HOST).type('form').send({
        grant_type: 'client_credentials', client_id: issued.clientId, scope: ARM_SCOPE, client_assertion_type: JWT_BEARER, client_assertion: assertion,
      }).expect(200)).body.access_token;
      const desired = await request(second.app).get(`${dataPlane()}/configurations`).set('Host', HOST).set('Authorization', `Bearer ${token}`).expect(200);
      assert.equal(desired.body.clusterId, id);
      // And proofs are single-use again (the table is back).
      const proof = proofFor(id);
      await requestCertificate(second.app, id, { proof }).expect(200);
      await requestCertificate(second.app, id, { proof }).expect(401);
    } finally {
      second.close();
    }
  });
});

describe('e2e security: a used onboarding proof stays used across a restart', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = tempDir('arclight-data-');
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('refuses the proof after a restart on the same data dir; a fresh proof works', async () => {
    const id = clusterPath('rg', 'c1');
    const proof = proofFor(id);
    const first = await testArclight({ inMemory: false, dataDir });
    try {
      await createCluster(first.app, 'rg', 'c1');
      await requestCertificate(first.app, id, { proof }).expect(200);
    } finally {
      first.close();
    }
    const second = await testArclight({ inMemory: false, dataDir });
    try {
      const res = await requestCertificate(second.app, id, { proof }).expect(401);
      assert.deepEqual(res.body, {
        error: {
          code: 'InvalidProofOfPossession',
          message: "The proof of possession of the cluster's onboarding key was refused: it has been used already; sign a new proof (with a new jti) for each certificate request.",
        },
      });
      await requestCertificate(second.app, id, { proof: proofFor(id) }).expect(200);
    } finally {
      second.close();
    }
  });
});

describe('e2e security: the base URL over HTTPS without --public-url', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({ pageSize: 1 });
  });
  after(() => server.stop());
  beforeEach(() => server.reset());

  for (const host of ['localhost:1234', '[::1]:8443', 'arclight', 'arclight.test:8443', '127.0.0.1:65535']) {
    it(`uses the valid Host '${host}' as sent in every URL it hands out`, async () => {
      assertAllUnder(await handedOutUrls(httpsCaller(server.url, server.caCertPem, host)), `https://${host}`);
    });
  }

  for (const host of ['evil.com/x', 'a@b', 'h:1:2', 'x y', 'host:99999', '<script>', 'evil.com?x=1', 'evil.com#x', 'evil.com\\x', 'evil.com:80:80', '[::1']) {
    it(`never writes the forged Host '${host}' into a URL: the listening address instead`, async () => {
      assert.match(server.url, /^https:\/\/127\.0\.0\.1:\d+$/);
      const found = await handedOutUrls(httpsCaller(server.url, server.caCertPem, host));
      assertAllUnder(found, server.url);
      assert.deepEqual(found.texts.filter((t) => t.includes(host)), [], `answers that carry '${host}'`);
    });
  }
});

describe('e2e security: protected values at rest, in answers and in the log', () => {
  let dataDir: string;
  let seedDir: string;
  let a: TestArclight;
  const SP = '66666666-0000-0000-0000-000000000001';
  const values = {
    extension: planted('extension'),
    extensionPatched: planted('extension-patched'),
    flux: planted('flux'),
    blobKey: planted('blob-account-key'),
    agentry: planted('agentry'),
    agentryPatched: planted('agentry-patched'),
    servicePrincipal: planted('sp-secret'),
  };
  const all = Object.values(values);
  /** Every ARM answer (bodies and headers) the test received. */
  const answers: string[] = [];

  before(async () => {
    dataDir = tempDir('arclight-data-');
    seedDir = tempDir('arclight-seed-');
    const seed = path.join(seedDir, 'seed.json');
    fs.writeFileSync(seed, JSON.stringify({ servicePrincipals: [{ clientId: SP, displayName: 'ci', secret: values.servicePrincipal }] }));
    a = await testArclight({ inMemory: false, dataDir, seed, logLevel: 'debug' });
  });
  after(() => {
    a.close();
    fs.rmSync(dataDir, { recursive: true, force: true });
    fs.rmSync(seedDir, { recursive: true, force: true });
  });

  const id = clusterPath('rg', 'c1');
  const ext = `${configPath('rg', 'c1', 'extensions', 'monitor')}?api-version=2023-05-01`;
  const gitops = `${configPath('rg', 'c1', 'fluxConfigurations', 'gitops')}?api-version=2023-05-01`;
  const blob = `${configPath('rg', 'c1', 'fluxConfigurations', 'blob')}?api-version=2024-11-01`;
  const clusterUrl = `${id}?api-version=2024-07-01-preview`;
  const lists = [
    `/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters?api-version=2024-07-01-preview`,
    `${groupPath('rg')}/providers/Microsoft.Kubernetes/connectedClusters?api-version=2024-07-01-preview`,
    `${configPath('rg', 'c1', 'extensions')}?api-version=2023-05-01`,
    `${configPath('rg', 'c1', 'fluxConfigurations')}?api-version=2024-11-01`,
  ];

  /** An ARM call whose answer is kept for the search. */
  const arm = async (method: 'get' | 'put' | 'patch' | 'delete', url: string, body?: object) => {
    const req = request(a.app)[method](url).set('Authorization', bearer());
    const res = await (body ? req.send(body) : req);
    answers.push(res.text ?? '', JSON.stringify(res.headers));
    return res;
  };
  const expectArm = async (method: 'get' | 'put' | 'patch' | 'delete', url: string, status: number, body?: object) => {
    const res = await arm(method, url, body);
    assert.equal(res.status, status, `${method} ${url}: ${res.text}`);
    return res;
  };
  const checkpoint = () => a.services.store.db.pragma('wal_checkpoint(TRUNCATE)');

  it('keeps planted values out of every file of the data dir, every ARM answer and the log, and the data plane still hands them to the cluster', async () => {
    await createGroup(a.app, 'rg');
    await expectArm('put', clusterUrl, 201, clusterBody({}, {
      arcAgentryConfigurations: [{ feature: 'logging', settings: { level: 'info' }, protectedSettings: { token: values.agentry } }],
    }));
    await expectArm('put', ext, 201, extensionBody({ configurationProtectedSettings: { 'omsagent.secret.key': values.extension } }));
    await expectArm('put', gitops, 201, fluxBody({ configurationProtectedSettings: { httpsKey: values.flux } }));
    await expectArm('put', blob, 201, fluxBody({
      sourceKind: 'AzureBlob', gitRepository: undefined, configurationProtectedSettings: undefined,
      azureBlob: { url: 'https://account.blob.core.windows.net', containerName: 'gitops', accountKey: values.blobKey },
    }));
    // PATCH answers too. A cluster PATCH cannot carry protected settings: its schema has no arcAgentryConfigurations.
    await expectArm('patch', ext, 202, { properties: { configurationProtectedSettings: { 'omsagent.secret.key': values.extensionPatched } } });
    const refused = await expectArm('patch', clusterUrl, 400, { properties: { arcAgentryConfigurations: [{ feature: 'logging', protectedSettings: { token: values.agentryPatched } }] } });
    assert.equal(refused.body.error.code, 'PropertyChangeNotAllowed');
    const patched = await arm('patch', clusterUrl, { tags: { env: 'test' } });
    assert.ok([200, 202].includes(patched.status), `cluster PATCH: ${patched.text}`);

    // The SP's secret works: it is stored, as a hash.
    await request(a.app).post(`/${TENANT}/oauth2/v2.0/token`).type('form')
      .send({ grant_type: 'client_credentials', client_id: SP, client_secret: values.servicePrincipal, scope: ARM_SCOPE }).expect(200);

    // Every GET and list, once every operation is done.
    for (const url of [clusterUrl, ext, gitops, blob]) assert.equal((await expectArm('get', url, 200)).body.properties.provisioningState, 'Succeeded', url);
    for (const url of lists) assert.ok((await expectArm('get', url, 200)).body.value.length >= 1, url);

    // Stored, sealed: the data plane gives the cluster its values, the secrets table holds only sealed ones.
    const { token } = await onboard(a.app, id);
    const desired = (await request(a.app).get(`${dataPlane()}/configurations`).set('Host', HOST).set('Authorization', `Bearer ${token}`).expect(200)).body;
    const byName = (list: Array<{ name: string; properties: JsonObject }>, name: string) => list.find((c) => c.name === name)!.properties;
    assert.deepEqual(byName(desired.extensions, 'monitor').configurationProtectedSettings, { 'omsagent.secret.key': values.extensionPatched }, 'the PATCH replaced it');
    assert.deepEqual(byName(desired.fluxConfigurations, 'gitops').configurationProtectedSettings, { httpsKey: values.flux });
    assert.equal(byName(desired.fluxConfigurations, 'blob').azureBlob.accountKey, values.blobKey);
    // Kept by their place in the array, as the kit keeps write-only values (server/kit/writeOnly.ts).
    assert.deepEqual(a.services.store.secrets.get(armKey(id)), { 'arcAgentryConfigurations[0].protectedSettings': { token: values.agentry } }, 'the cluster\'s protected settings, as the PUT gave them');
    const rows = a.services.store.db.prepare('SELECT body FROM secrets').pluck().all() as string[];
    assert.equal(rows.length, 4, 'the cluster, the extension and both flux configurations');
    assert.ok(rows.every((r) => r.startsWith('v1.')), 'every row is sealed');

    // None of the planted values anywhere.
    assert.deepEqual(plantedInFiles(dataDir, all), [], 'files of the data dir');
    const files = filesUnder(dataDir).map((f) => path.relative(dataDir, f));
    // No -shm: the data dir's lock keeps SQLite's WAL index in the process's memory.
    for (const f of ['arclight.db', 'arclight.db-wal', path.join('keys', 'store.key'), path.join('certs', 'ca.pem')]) assert.ok(files.includes(f), `searched ${f}`);
    assert.deepEqual(plantedInTexts(answers, all), [], 'ARM answers');
    assert.ok(a.logs.some((l) => / debug .*request \{/.test(l)), 'bodies were logged');
    assert.deepEqual(plantedInTexts(a.logs, all), [], 'the log');
    assert.equal(fs.statSync(storeKeyFile(dataDir)).mode & 0o777, 0o600, 'keys/store.key is readable by its owner only');
    checkpoint();
    assert.deepEqual(plantedInFiles(dataDir, all), [], 'files of the data dir after a checkpoint');
  });

  it('leaves none of them behind once the resources are deleted and the WAL checkpointed', async () => {
    assert.equal(a.services.store.db.prepare('SELECT count(*) FROM secrets').pluck().get(), 4, 'the test before planted them');
    await expectArm('delete', gitops, 202);
    await expectArm('delete', blob, 202);
    await expectArm('delete', ext, 202);
    for (const url of [gitops, blob, ext]) await expectArm('get', url, 404);
    await expectArm('delete', clusterUrl, 202);
    await expectArm('get', clusterUrl, 404);
    assert.equal(a.services.store.db.prepare('SELECT count(*) FROM secrets').pluck().get(), 0, 'the secrets table is empty');
    checkpoint();
    assert.deepEqual(plantedInFiles(dataDir, all), [], 'files of the data dir');
    assert.deepEqual(plantedInTexts(answers, all), [], 'ARM answers');
    assert.deepEqual(plantedInTexts(a.logs, all), [], 'the log');
  });
});
