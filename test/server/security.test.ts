/**
 * Security properties of the hardened server, each kept closed by the tests below (supertest
 * against createArclight; the HTTPS and on-disk ones are in test/e2e/security.e2e.test.ts):
 *
 * 1. the managed identity endpoints never issue a token for a connected cluster's identity
 *    (certificate-only), whatever the shape or selector; the data plane serves only the
 *    cluster's certificate-based token;
 * 2. onboarding proofs of possession are single-use;
 * 3. with --public-url, every URL Arclight hands out starts with it, whatever the Host header;
 * 4. --admin-key guards /_arclight (but health, ready, ca.pem); unknown paths 404, wrong methods 405;
 * 6. in --auth strict, authentication comes before the body is read, parsed or validated.
 */
import { strict as assert } from 'assert';
import { createPrivateKey, createPublicKey } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { signClientAssertion } from '../../protocol/agentCredentials';
import { clusterIdentityClientId } from '../../server/clusterSide/identityCertificates';
import { IDENTITY_HEADER } from '../../server/identity/managedIdentity';
import { DEFAULT_MANAGED_IDENTITY_CLIENT_ID, DEFAULT_MANAGED_IDENTITY_RESOURCE_ID } from '../../server/identity/principals';
import { arclightPerSuite, bearer, fakeToken, SUB, testArclight, TestArclight } from '../support/arclight';
import { clusterPath, createCluster, groupPath } from '../support/clusters';
import { configPath, extensionBody } from '../support/configurations';
import { JWT_BEARER, tokenFor } from '../support/identity';
import { agentKeys } from '../support/keys';
import { dataPlane, HOST, onboard, proofFor, requestCertificate } from '../support/agents';
import { assertAllUnder, freezeClock, handedOutUrls, planted, supertestCaller } from '../support/security';

const ARM = 'https://management.azure.com/';
const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const claimsOf = (token: string) => jwt.decode(token) as jwt.JwtPayload;

describe('security: managed identity endpoints and a connected cluster\'s identity', () => {
  const secret = planted('extension');
  const a = arclightPerSuite({}, async (i) => {
    await createCluster(i.app, 'rg', 'c1');
    await request(i.app).put(`${configPath('rg', 'c1', 'extensions', 'monitor')}?api-version=2023-05-01`).set('Authorization', bearer())
      .send(extensionBody({ configurationProtectedSettings: { 'omsagent.secret.key': secret } })).expect(201);
  });
  const id = clusterPath('rg', 'c1');

  /** The cluster identity as the directory holds it, once its certificate is issued. */
  const clusterIdentity = async () => {
    const cluster = (await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', bearer()).expect(200)).body;
    const principalId: string = cluster.identity.principalId;
    const clientId = clusterIdentityClientId(principalId);
    const entry = a.services.principals.get(clientId);
    assert.ok(entry, 'the certificate registered the cluster identity');
    assert.deepEqual([entry.principal.kind, entry.principal.objectId, entry.principal.resourceId, entry.principal.certificateOnly], ['ManagedIdentity', principalId, id, true]);
    return { principalId, clientId };
  };

  /** Every way a request can name the cluster identity: by resource id, client id or principal id, in any case. */
  const selectorsFor = (c: { principalId: string; clientId: string }): Array<Record<string, string>> => [
    { mi_res_id: id }, { msi_res_id: id }, { mi_res_id: id.toUpperCase() }, { msi_res_id: id.toLowerCase() },
    { client_id: c.clientId }, { client_id: c.clientId.toUpperCase() }, { clientid: c.clientId },
    { principal_id: c.principalId }, { object_id: c.principalId }, { principal_id: c.principalId.toUpperCase() },
  ];

  const appService = (apiVersion: '2019-08-01' | '2017-09-01', params: Record<string, string>) =>
    request(a.app).get(`/msi/token?${q({ 'api-version': apiVersion, resource: ARM, ...params })}`).set('Host', HOST)
      .set(apiVersion === '2017-09-01' ? 'secret' : 'X-IDENTITY-HEADER', IDENTITY_HEADER);
  const cloudShell = (form: Record<string, string>, query: Record<string, string> = {}) =>
    request(a.app).post(`/msi/token${Object.keys(query).length ? `?${q(query)}` : ''}`).set('Host', HOST).set('Metadata', 'true').type('form').send({ resource: ARM, ...form });
  const imds = (params: Record<string, string>) =>
    request(a.app).get(`/metadata/identity/oauth2/token?${q({ 'api-version': '2018-02-01', resource: ARM, ...params })}`).set('Host', HOST).set('Metadata', 'true');

  /** Asserts that no shape of the managed identity endpoints issues a token for the cluster identity. */
  async function assertNoShapeIssues(c: { principalId: string; clientId: string }): Promise<void> {
    const imdsRefusal = { error: 'invalid_request', error_description: 'Identity not found' };
    for (const pick of selectorsFor(c)) {
      const label = JSON.stringify(pick);
      for (const v of ['2019-08-01', '2017-09-01'] as const) {
        const res = await appService(v, pick);
        assert.equal(res.status, 400, `App Service ${v} ${label}: ${res.text}`);
        assert.deepEqual(res.body, { statusCode: 400, message: 'Unable to load the proper Managed Identity.', correlationId: res.headers['x-ms-request-id'] }, `App Service ${v} ${label}`);
      }
      const form = await cloudShell(pick);
      assert.equal(form.status, 400, `Cloud Shell form ${label}: ${form.text}`);
      assert.deepEqual(form.body, imdsRefusal, `Cloud Shell form ${label}`);
      const inQuery = await cloudShell({}, pick);
      assert.equal(inQuery.status, 400, `Cloud Shell query ${label}: ${inQuery.text}`);
      assert.deepEqual(inQuery.body, imdsRefusal, `Cloud Shell query ${label}`);
      const viaImds = await imds(pick);
      assert.equal(viaImds.status, 400, `IMDS ${label}: ${viaImds.text}`);
      assert.deepEqual(viaImds.body, imdsRefusal, `IMDS ${label}`);
    }
  }

  it('refuses every shape and selector for the identity of a cluster whose certificate came from the identity service', async () => {
    const { issued, token } = await onboard(a.app, id);
    const c = await clusterIdentity();
    // The selectors are right: the certificate's token is that identity's.
    const claims = claimsOf(token);
    assert.deepEqual([claims.appid, claims.oid, claims.xms_mirid, issued.clientId], [c.clientId, c.principalId, id, c.clientId]);
    await assertNoShapeIssues(c);
  });

  it('refuses every shape and selector for the identity of a cluster connected through POST /_arclight/clusters/{id}/connect', async () => {
    const connected = await request(a.app).post(`/_arclight/clusters${id}/connect`).expect(200);
    assert.equal(connected.body.connectivityStatus, 'Connected');
    assert.ok(connected.body.managedIdentityCertificateExpirationTime, 'the simulated agents got a certificate');
    await assertNoShapeIssues(await clusterIdentity());
  });

  it('still issues for the default managed identity, named or not, in every shape', async () => {
    await onboard(a.app, id);
    const defaults: Array<Record<string, string>> = [{}, { client_id: DEFAULT_MANAGED_IDENTITY_CLIENT_ID }, { mi_res_id: DEFAULT_MANAGED_IDENTITY_RESOURCE_ID }];
    for (const pick of defaults) {
      const answers = [await appService('2019-08-01', pick), await appService('2017-09-01', pick), await cloudShell(pick), await imds(pick)];
      for (const res of answers) {
        assert.equal(res.status, 200, `${JSON.stringify(pick)}: ${res.text}`);
        const claims = claimsOf(res.body.access_token);
        assert.deepEqual([claims.appid, claims.xms_mirid], [DEFAULT_MANAGED_IDENTITY_CLIENT_ID, DEFAULT_MANAGED_IDENTITY_RESOURCE_ID], JSON.stringify(pick));
      }
    }
  });

  it('serves the data plane only to the cluster\'s certificate-based token: the protected settings go to it and to nothing else', async () => {
    const { issued, token } = await onboard(a.app, id);
    const c = await clusterIdentity();
    const configurations = (authorization?: string) => {
      const req = request(a.app).get(`${dataPlane()}/configurations`).set('Host', HOST);
      return authorization === undefined ? req : req.set('Authorization', authorization);
    };

    // The legitimate path: client assertion with the certificate, token, desired state with the protected settings.
    const ok = await configurations(`Bearer ${token}`).expect(200);
    assert.deepEqual(ok.body.extensions.map((e: { name: string; properties: { configurationProtectedSettings: unknown } }) => [e.name, e.properties.configurationProtectedSettings]),
      [['monitor', { 'omsagent.secret.key': secret }]]);

    const msiToken = (await appService('2019-08-01', {}).expect(200)).body.access_token;
    const spToken = await tokenFor(a.app, { host: HOST });
    const [head, payload] = token.split('.');
    const graphAssertion = signClientAssertion(issued.certificate, createPrivateKey(issued.privateKey!), issued.clientId, issued.tokenEndpoint);
    const graphToken = (await request(a.app).post(new URL(issued.tokenEndpoint).pathname).set('Host', HOST).type('form').send({
      grant_type: 'client_credentials', client_id: issued.clientId, scope: 'https://graph.microsoft.com/.default', client_assertion_type: JWT_BEARER, client_assertion: graphAssertion,
    }).expect(200)).body.access_token;

    const noBearer = "Authentication failed. The 'Authorization' header is missing or is not a bearer token of the cluster's identity.";
    const notArclights = 'The access token is invalid: the data plane accepts only tokens Arclight issued to a cluster identity.';
    const notACluster = "The caller is not the identity of a connected cluster this data plane serves: the token is not a connected cluster identity's.";
    const refusals: Array<{ what: string; authorization?: string; status: number; code: string; message: string }> = [
      { what: 'no Authorization header', status: 401, code: 'AuthenticationFailed', message: noBearer },
      { what: 'not a bearer token', authorization: `Basic ${Buffer.from(`${c.clientId}:x`).toString('base64')}`, status: 401, code: 'AuthenticationFailed', message: noBearer },
      { what: 'an unsigned token claiming the cluster identity', authorization: `Bearer ${fakeToken({ oid: c.principalId, appid: c.clientId, xms_mirid: id, idtyp: 'app' })}`, status: 401, code: 'InvalidAuthenticationToken', message: notArclights },
      { what: 'the cluster token with another signature', authorization: `Bearer ${head}.${payload}.${Buffer.from('forged').toString('base64url')}`, status: 401, code: 'InvalidAuthenticationToken', message: notArclights },
      { what: 'the cluster identity\'s token for Microsoft Graph', authorization: `Bearer ${graphToken}`, status: 401, code: 'InvalidAuthenticationTokenAudience', message: 'The access token has been obtained for the wrong audience: ask for an ARM audience.' },
      { what: 'the default managed identity\'s token', authorization: `Bearer ${msiToken}`, status: 403, code: 'AuthorizationFailed', message: notACluster },
      { what: 'the default service principal\'s token', authorization: `Bearer ${spToken}`, status: 403, code: 'AuthorizationFailed', message: notACluster },
    ];
    for (const r of refusals) {
      const res = await configurations(r.authorization);
      assert.equal(res.status, r.status, `${r.what}: ${res.text}`);
      assert.deepEqual(res.body, { error: { code: r.code, message: r.message } }, r.what);
      assert.ok(!res.text.includes(secret), `${r.what}: the answer has the protected value`);
    }
  });
});

describe('security: a managed identity that claims a cluster\'s resource id', () => {
  let a: TestArclight;
  let dir: string;
  const impostor = '77777777-0000-0000-0000-000000000001';
  before(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-seed-'));
    const seed = path.join(dir, 'seed.json');
    fs.writeFileSync(seed, JSON.stringify({ managedIdentities: [{ clientId: impostor, resourceId: clusterPath('rg', 'c1') }] }));
    a = await testArclight({ seed });
  });
  after(() => {
    a.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('gets a token from the managed identity endpoints, but the data plane refuses it: it is not the cluster\'s identity', async () => {
    await createCluster(a.app, 'rg', 'c1');
    await onboard(a.app, clusterPath('rg', 'c1'));
    const res = await request(a.app).get(`/msi/token?${q({ 'api-version': '2019-08-01', resource: ARM, mi_res_id: clusterPath('rg', 'c1') })}`)
      .set('Host', HOST).set('X-IDENTITY-HEADER', IDENTITY_HEADER).expect(200);
    const claims = claimsOf(res.body.access_token);
    assert.deepEqual([claims.appid, claims.xms_mirid], [impostor, clusterPath('rg', 'c1')], 'the seeded identity, not the cluster\'s');
    const refused = await request(a.app).get(`${dataPlane()}/configurations`).set('Host', HOST).set('Authorization', `Bearer ${res.body.access_token}`).expect(403);
    assert.deepEqual(refused.body.error, {
      code: 'AuthorizationFailed',
      message: `The caller is not the identity of a connected cluster this data plane serves: connected cluster '${clusterPath('rg', 'c1')}' does not exist or has another identity now.`,
    });
  });
});

describe('security: onboarding proofs of possession are single-use', () => {
  const a = arclightPerSuite({}, (i) => createCluster(i.app, 'rg', 'c1'));
  const id = clusterPath('rg', 'c1');
  const USED = "The proof of possession of the cluster's onboarding key was refused: it has been used already; sign a new proof (with a new jti) for each certificate request.";
  const expiry = async () => (await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', bearer()).expect(200)).body.properties.managedIdentityCertificateExpirationTime;
  const certificates = async () => {
    const { principalId } = (await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', bearer()).expect(200)).body.identity;
    return a.services.principals.get(clusterIdentityClientId(principalId))?.certificates ?? [];
  };
  const publicKeyPem = (index: number) => createPublicKey(agentKeys(index).privateKey).export({ type: 'spki', format: 'pem' }) as string;

  it('refuses a second certificate request with the same proof, even for another public key, and issues nothing', async () => {
    freezeClock(a.services.clock);
    const proof = proofFor(id);
    const first = await requestCertificate(a.app, id, { proof }).expect(200);
    const issuedExpiry = await expiry();
    assert.equal(issuedExpiry, first.body.notAfter);
    assert.equal((await certificates()).length, 1);

    a.services.clock.advance(60_000); // a second issue would move the expiry
    for (const publicKey of [undefined, publicKeyPem(1), publicKeyPem(2)]) {
      const res = await requestCertificate(a.app, id, { proof, publicKey }).expect(401);
      assert.deepEqual(res.body, { error: { code: 'InvalidProofOfPossession', message: USED } }, `publicKey ${publicKey ? 'given' : 'left out'}`);
    }
    assert.equal(await expiry(), issuedExpiry, 'the certificate expiry did not move');
    assert.deepEqual((await certificates()).map((c) => c.pem), [first.body.certificate], 'no other certificate was registered');

    const fresh = await requestCertificate(a.app, id, { proof: proofFor(id), publicKey: publicKeyPem(1) }).expect(200);
    assert.equal(fresh.body.privateKey, undefined);
    assert.ok(Date.parse(await expiry()) > Date.parse(issuedExpiry), 'a fresh proof renews');
  });

  it('refuses the replay of a proof without a jti (identified by its hash)', async () => {
    const proof = proofFor(id, { claims: { jti: undefined } });
    assert.equal(claimsOf(proof).jti, undefined);
    await requestCertificate(a.app, id, { proof }).expect(200);
    const res = await requestCertificate(a.app, id, { proof, publicKey: publicKeyPem(1) }).expect(401);
    assert.deepEqual(res.body, { error: { code: 'InvalidProofOfPossession', message: USED } });
  });

  it('keeps a used proof refused after the emulator clock has moved past its expiry (real time still accepts it)', async () => {
    const proof = proofFor(id);
    await requestCertificate(a.app, id, { proof }).expect(200);
    a.services.clock.advance(24 * 3600_000);
    const res = await requestCertificate(a.app, id, { proof }).expect(401);
    assert.deepEqual(res.body, { error: { code: 'InvalidProofOfPossession', message: USED } });
  });

  it('does not spend a proof on a refused request: a proof for another cluster stays usable for its own', async () => {
    await createCluster(a.app, 'rg', 'c2');
    const proof = proofFor(clusterPath('rg', 'c2'));
    const wrong = await requestCertificate(a.app, id, { proof }).expect(401);
    assert.equal(wrong.body.error.message, "The proof of possession of the cluster's onboarding key was refused: 'sub' must be the cluster's ARM id.");
    await requestCertificate(a.app, clusterPath('rg', 'c2'), { proof }).expect(200);
  });
});

describe('security: --public-url names every URL Arclight hands out', () => {
  const PUBLIC = 'https://arclight.example:9443';
  for (const publicUrl of [PUBLIC, `${PUBLIC}/`]) {
    describe(`publicUrl '${publicUrl}'`, () => {
      const a = arclightPerSuite({ publicUrl, pageSize: 1 });
      for (const host of [undefined, 'localhost:1234', 'evil.com', 'evil.com/x', 'a@b']) {
        it(`uses it with ${host === undefined ? 'supertest\'s own Host' : `Host '${host}'`}`, async () => {
          const found = await handedOutUrls(supertestCaller(a.app, host));
          assertAllUnder(found, PUBLIC);
          if (host) assert.ok(!found.texts.some((t) => t.includes(host)), `the Host header '${host}' appears in an answer`);
        });
      }
    });
  }
});

describe('security: --admin-key guards /_arclight', () => {
  const KEY = 'admin-key-0f3a9c';
  const a = arclightPerSuite({ adminKey: KEY }, (i) => createCluster(i.app, 'rg', 'c1'));
  const id = clusterPath('rg', 'c1');
  const extension = configPath('rg', 'c1', 'extensions', 'monitor');
  // ARM calls outlive the clock being set to 2099 (a fake token's exp is judged by the emulator clock).
  const armToken = bearer({ exp: Math.floor(Date.parse('2200-01-01T00:00:00Z') / 1000) });
  const REFUSED = { error: { code: 'AuthenticationFailed', message: "Authentication failed. /_arclight needs 'Authorization: Bearer <admin key>' (--admin-key)." } };

  type Endpoint = { method: 'get' | 'post' | 'put'; path: string; body?: object };
  /** Every guarded endpoint, with a body it accepts. */
  const endpoints: Record<string, Endpoint> = {
    reset: { method: 'post', path: '/_arclight/reset' },
    resetOne: { method: 'post', path: `/_arclight/reset?subscription=${SUB}` },
    clock: { method: 'get', path: '/_arclight/clock' },
    advance: { method: 'post', path: '/_arclight/clock/advance', body: { seconds: 60 } },
    setClock: { method: 'put', path: '/_arclight/clock', body: { now: '2099-01-01T00:00:00Z', frozen: true } },
    connect: { method: 'post', path: `/_arclight/clusters${id}/connect` },
    connectEncoded: { method: 'post', path: `/_arclight/clusters/${encodeURIComponent(id)}/connect` },
    disconnect: { method: 'post', path: `/_arclight/clusters${id}/disconnect` },
    fail: { method: 'post', path: `/_arclight/clusters${extension}/fail`, body: { message: 'x' } },
    recover: { method: 'post', path: `/_arclight/clusters${extension}/recover` },
  };
  const guarded = Object.values(endpoints);
  const wrongCredentials: Array<string | undefined> = [
    undefined, 'Bearer', 'Bearer wrong', `Bearer ${KEY}x`, `Bearer ${KEY.slice(0, -1)}`, `Bearer ${KEY.toUpperCase()}`, `Basic ${KEY}`, KEY, `Bearer ${KEY} ${KEY}`, bearer(),
  ];
  const call = (e: Endpoint, authorization?: string) => {
    let req = request(a.app)[e.method](e.path);
    if (authorization !== undefined) req = req.set('Authorization', authorization);
    return e.body ? req.send(e.body) : req;
  };

  it('answers 401 in ARM\'s envelope to every guarded endpoint without the key or with a wrong one, and changes nothing', async () => {
    freezeClock(a.services.clock);
    const clock = a.services.clock.iso();
    await request(a.app).put(`${extension}?api-version=2023-05-01`).set('Authorization', armToken).send(extensionBody()).expect(201);
    for (const e of guarded) {
      for (const authorization of wrongCredentials) {
        const res = await call(e, authorization);
        assert.equal(res.status, 401, `${e.method} ${e.path} with ${authorization ?? 'no Authorization'}: ${res.text}`);
        assert.deepEqual(res.body, REFUSED);
        assert.equal(res.headers['www-authenticate'], 'Bearer realm="arclight-admin"');
      }
    }
    assert.equal(a.services.clock.iso(), clock, 'the clock did not move');
    const cluster = await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', armToken).expect(200);
    assert.equal(cluster.body.properties.connectivityStatus, 'Connecting', 'not reset (it exists) and not connected');
  });

  it('does what each endpoint does with the key', async () => {
    const ok = (e: Endpoint) => call(e, `Bearer ${KEY}`);
    assert.equal((await ok(endpoints.clock).expect(200)).body.frozen, false);
    const before = a.services.clock.nowMs();
    await ok(endpoints.advance).expect(200);
    assert.ok(a.services.clock.nowMs() - before >= 60_000, 'advanced');
    const set = (await ok(endpoints.setClock).expect(200)).body;
    assert.deepEqual([set.now, set.frozen], ['2099-01-01T00:00:00.000Z', true]);
    // The certificate the simulated agents get expires 90 days after 2099-01-01: connecting works.
    assert.equal((await ok(endpoints.connect).expect(200)).body.connectivityStatus, 'Connected');
    await request(a.app).put(`${extension}?api-version=2023-05-01`).set('Authorization', armToken).send(extensionBody()).expect(201);
    assert.equal((await ok(endpoints.fail).expect(200)).body.properties.provisioningState, 'Failed');
    assert.equal((await ok(endpoints.recover).expect(200)).body.properties.provisioningState, 'Succeeded');
    assert.equal((await ok(endpoints.disconnect).expect(200)).body.id, id);
    assert.equal((await ok(endpoints.connectEncoded).expect(200)).body.connectivityStatus, 'Connected');
    assert.deepEqual((await ok(endpoints.resetOne).expect(200)).body, { reset: SUB });
    await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', armToken).expect(404);
    assert.deepEqual((await ok(endpoints.reset).expect(200)).body, { reset: 'all' });
  });

  it('keeps health, ready and ca.pem open, with or without any Authorization header', async () => {
    for (const authorization of [...wrongCredentials, `Bearer ${KEY}`]) {
      const set = (r: request.Test) => (authorization === undefined ? r : r.set('Authorization', authorization));
      assert.deepEqual((await set(request(a.app).get('/_arclight/health')).expect(200)).body, { status: 'healthy' });
      assert.equal((await set(request(a.app).get('/_arclight/ready')).expect(200)).body.status, 'ready');
      assert.equal((await set(request(a.app).get('/_arclight/ca.pem')).expect(200)).text, a.services.ca.certPem);
    }
  });
});

describe('security: /_arclight routing', () => {
  for (const adminKey of [undefined, 'admin-key-1b2c']) {
    describe(adminKey ? 'with --admin-key (routing answers before the key is asked for)' : 'without --admin-key', () => {
      const a = arclightPerSuite(adminKey ? { adminKey } : {}, (i) => createCluster(i.app, 'rg', 'c1'));
      const id = clusterPath('rg', 'c1');

      it('answers 404 NotFound in ARM\'s envelope to unknown paths', async () => {
        for (const p of ['/nope', '/clock/rewind', '/clusters', `/clusters${id}`, `/clusters${id}/explode`, '/health/x', '/ca.pem.bak']) {
          const res = await request(a.app).post(`/_arclight${p}`).expect(404);
          assert.deepEqual(res.body, { error: { code: 'NotFound', message: `No test-control endpoint at '/_arclight${p}'.` } }, p);
        }
      });

      it('answers 405 MethodNotAllowed with Allow to a known path asked with another method', async () => {
        const cases: Array<[string, string, string]> = [
          ['delete', '/clock', 'GET, PUT'], ['post', '/clock', 'GET, PUT'], ['get', '/reset', 'POST'], ['put', '/clock/advance', 'POST'],
          ['post', '/health', 'GET'], ['delete', '/ready', 'GET'], ['put', '/ca.pem', 'GET'], ['get', `/clusters${id}/connect`, 'POST'],
        ];
        for (const [method, p, allow] of cases) {
          const res = await request(a.app)[method as 'get'](`/_arclight${p}`).expect(405);
          assert.deepEqual(res.body, { error: { code: 'MethodNotAllowed', message: `The requested resource does not support http method '${method.toUpperCase()}'.` } }, `${method} ${p}`);
          assert.equal(res.headers.allow, allow, `${method} ${p}`);
        }
      });

      if (!adminKey) {
        it('keeps every endpoint open when no admin key is set, whatever Authorization says', async () => {
          for (const authorization of [undefined, 'Bearer anything']) {
            const set = (r: request.Test) => (authorization === undefined ? r : r.set('Authorization', authorization));
            await set(request(a.app).get('/_arclight/clock')).expect(200);
            await set(request(a.app).post('/_arclight/clock/advance')).send({ seconds: 1 }).expect(200);
            await set(request(a.app).put('/_arclight/clock')).send({ now: '2099-01-01T00:00:00Z' }).expect(200);
            assert.equal((await set(request(a.app).post(`/_arclight/clusters${id}/connect`)).expect(200)).body.connectivityStatus, 'Connected');
            await set(request(a.app).post(`/_arclight/clusters${id}/disconnect`)).expect(200);
            await set(request(a.app).post('/_arclight/reset')).expect(200);
            await createCluster(a.app, 'rg', 'c1');
          }
        });
      }
    });
  }
});

describe('security: --auth strict authenticates before the body is read', () => {
  const a = arclightPerSuite({ auth: 'strict', bodyLimit: 1024 });
  const target = `${groupPath('g')}?api-version=2021-04-01`;
  const put = (authorization: string | undefined, contentType: string, body: string) => {
    const req = request(a.app).put(target).set('Content-Type', contentType);
    return (authorization === undefined ? req : req.set('Authorization', authorization)).send(body);
  };
  const bodies: Array<{ what: string; contentType: string; body: string; status: number; code: string }> = [
    { what: 'malformed JSON', contentType: 'application/json', body: '{"location": "eastus",', status: 400, code: 'InvalidRequestContent' },
    { what: 'JSON the schema refuses', contentType: 'application/json', body: '{"location": 5}', status: 400, code: 'InvalidRequestContent' },
    { what: 'a body over --body-limit', contentType: 'application/json', body: JSON.stringify({ location: 'eastus', tags: { big: 'x'.repeat(2048) } }), status: 413, code: 'RequestContentTooLarge' },
    { what: 'a body that is not JSON', contentType: 'text/plain', body: 'location=eastus', status: 415, code: 'UnsupportedMediaType' },
  ];

  it('answers 401 to an unauthenticated or forged request, whatever its body, and the body\'s own error once authenticated', async () => {
    const token = await tokenFor(a.app);
    const unauthenticated: Array<{ authorization?: string; code: string }> = [
      { code: 'AuthenticationFailed' },
      { authorization: 'Basic dXNlcjpwYXNz', code: 'AuthenticationFailedInvalidHeader' },
      { authorization: bearer(), code: 'InvalidAuthenticationToken' },
    ];
    for (const b of bodies) {
      for (const u of unauthenticated) {
        const res = await put(u.authorization, b.contentType, b.body);
        assert.equal(res.status, 401, `${b.what} with ${u.authorization ?? 'no Authorization'}: ${res.text}`);
        assert.equal(res.body.error.code, u.code, `${b.what}: ${res.text}`);
        assert.match(String(res.headers['www-authenticate']), /^Bearer authorization_uri="/);
      }
      const authenticated = await put(`Bearer ${token}`, b.contentType, b.body);
      assert.equal(authenticated.status, b.status, `${b.what} authenticated: ${authenticated.text}`);
      assert.equal(authenticated.body.error.code, b.code, `${b.what} authenticated`);
    }
    await request(a.app).get(target).set('Authorization', `Bearer ${token}`).expect(404);
  });

  it('reads the malformed body as InvalidRequestContent with the position only once authenticated', async () => {
    const res = await put(`Bearer ${await tokenFor(a.app)}`, 'application/json', '{"location": "eastus",').expect(400);
    assert.match(res.body.error.message, /^The request content was invalid and could not be deserialized: '.*line 1, position \d+\.'\.$/);
  });
});
