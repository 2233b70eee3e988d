/**
 * The token endpoint: client credentials with a secret (v2, v1, AD FS, HTTP Basic) and with a
 * client assertion (x5t/RS256 and x5t#S256/PS256), the claims of issued tokens, and every
 * refusal with Entra's AADSTS code and shape.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import jwt from 'jsonwebtoken';
import request from 'supertest';
import { CLIENT_ID, TENANT, testArclight, TestArclight } from '../../support/arclight';
import { ARM_SCOPE, clientAssertion, JWT_BEARER, SECRET, testCertificate, TestCertificate } from '../../support/identity';
import { derivedGuid } from '../../../server/identity/principals';

const HOST = 'arclight.test:8443';
const BASE = `http://${HOST}`;
const OTHER_TENANT = '22222222-2222-2222-2222-222222222222';
const OTHER_CLIENT = '33333333-3333-3333-3333-333333333333';
const CERT_CLIENT = '44444444-4444-4444-4444-444444444444';
const V2 = `/${TENANT}/oauth2/v2.0/token`;
const V2_AUDIENCE = `${BASE}${V2}`;

describe('identity: token endpoint', () => {
  let a: TestArclight;
  let cert: TestCertificate;
  let seedDir: string;
  before(async () => {
    cert = testCertificate(1);
    seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-seed-'));
    const seed = path.join(seedDir, 'seed.json');
    fs.writeFileSync(seed, JSON.stringify({
      tenants: [{ tenantId: OTHER_TENANT, displayName: 'Contoso', defaultDomain: 'contoso.test' }],
      servicePrincipals: [
        { clientId: OTHER_CLIENT, tenantId: OTHER_TENANT, secret: 'contoso-secret', displayName: 'contoso-app' },
        { clientId: CERT_CLIENT, certificate: cert.certPem, displayName: 'cert-app' },
      ],
    }));
    a = await testArclight({ seed });
  });
  after(() => {
    a.close();
    fs.rmSync(seedDir, { recursive: true, force: true });
  });

  const post = (p: string) => request(a.app).post(p).set('Host', HOST).type('form');
  const withSecret = (extra: Record<string, string> = {}) => ({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET, scope: ARM_SCOPE, ...extra });
  const claimsOf = (token: string) => jwt.decode(token) as jwt.JwtPayload;

  /** Entra's error shape, and nothing of what the client sent as a credential. */
  function assertEntraError(res: request.Response, status: number, error: string, code: number, description: RegExp, sent: string[] = [SECRET]) {
    assert.equal(res.status, status, res.text);
    assert.equal(res.body.error, error);
    assert.deepEqual(res.body.error_codes, [code]);
    assert.match(res.body.error_description, new RegExp(`^AADSTS${code}: `));
    assert.match(res.body.error_description, description);
    assert.equal(res.body.trace_id, res.headers['x-ms-request-id']);
    assert.ok(res.body.correlation_id);
    assert.match(res.body.timestamp, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ$/);
    assert.equal(res.body.error_uri, `${BASE}/error?code=${code}`);
    for (const s of sent) assert.ok(!res.text.includes(s), 'a credential was echoed');
  }

  describe('client secret', () => {
    it('issues a v2 token whose claims are those of an Entra ARM token for an application', async () => {
      const before = a.services.clock.nowMs() / 1000;
      const res = await post(V2).send(withSecret()).expect(200);
      assert.deepEqual(Object.keys(res.body).sort(), ['access_token', 'expires_in', 'ext_expires_in', 'token_type']);
      assert.equal(res.body.token_type, 'Bearer');
      assert.equal(res.body.expires_in, 3599);
      const c = claimsOf(res.body.access_token);
      assert.equal(c.aud, 'https://management.azure.com');
      assert.equal(c.iss, `${BASE}/${TENANT}/`);
      assert.equal(c.tid, TENANT);
      assert.equal(c.appid, CLIENT_ID);
      assert.equal(c.appidacr, '1');
      assert.equal(c.idtyp, 'app');
      assert.equal(c.oid, derivedGuid('object', CLIENT_ID));
      assert.equal(c.sub, c.oid);
      assert.equal(c.ver, '1.0');
      assert.equal(c.xms_mirid, undefined);
      assert.ok(Math.abs(c.exp! - (before + 3599)) <= 2, 'exp comes from the emulator clock');
      assert.equal(c.nbf, c.iat);
      assert.ok(c.iat! <= before - 299, 'iat is backdated five minutes, as Entra does');
    });

    it('maps scopes to audiences, keeping the Azure CLI double slash', async () => {
      const aud = async (scope: string) => claimsOf((await post(V2).send(withSecret({ scope })).expect(200)).body.access_token).aud;
      assert.equal(await aud('https://management.core.windows.net//.default'), 'https://management.core.windows.net/');
      assert.equal(await aud('https://management.azure.com//.default'), 'https://management.azure.com/');
      assert.equal(await aud(`${BASE}/.default`), BASE);
      assert.equal(await aud(`${ARM_SCOPE} openid profile offline_access`), 'https://management.azure.com');
    });

    it('accepts the tenant by domain and the secret by HTTP Basic', async () => {
      const basic = Buffer.from(`${encodeURIComponent(CLIENT_ID)}:${encodeURIComponent(SECRET)}`).toString('base64');
      const res = await post('/arclight.local/oauth2/v2.0/token').set('Authorization', `Basic ${basic}`)
        .send({ grant_type: 'client_credentials', scope: ARM_SCOPE }).expect(200);
      assert.equal(claimsOf(res.body.access_token).tid, TENANT);
    });

    it('answers v1 requests (resource=) with v1 fields as strings', async () => {
      const res = await post(`/${TENANT}/oauth2/token`).send({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: SECRET, resource: 'https://management.core.windows.net/' }).expect(200);
      assert.equal(res.body.resource, 'https://management.core.windows.net/');
      assert.equal(res.body.expires_in, '3599');
      assert.match(res.body.expires_on, /^\d+$/);
      assert.match(res.body.not_before, /^\d+$/);
      assert.equal(claimsOf(res.body.access_token).aud, 'https://management.core.windows.net/');
    });

    it('answers the AD FS authority in the client\'s own tenant', async () => {
      const res = await post('/adfs/oauth2/token').send({ grant_type: 'client_credentials', client_id: OTHER_CLIENT, client_secret: 'contoso-secret', scope: 'https://management.core.windows.net//.default' }).expect(200);
      const c = claimsOf(res.body.access_token);
      assert.equal(c.tid, OTHER_TENANT);
      assert.equal(c.iss, `${BASE}/adfs`);
      assert.equal(c.aud, 'https://management.core.windows.net/');
    });

    it('stores secrets only as salted hashes', () => {
      const rows = a.services.store.db.prepare('SELECT * FROM principal_secrets').all() as Array<Record<string, string>>;
      assert.ok(rows.length >= 2);
      const dump = JSON.stringify(rows) + JSON.stringify(a.services.store.db.prepare('SELECT * FROM principals').all());
      assert.ok(!dump.includes(SECRET) && !dump.includes('contoso-secret'));
    });
  });

  describe('refusals', () => {
    it('AADSTS7000215 for a wrong secret (401 invalid_client)', async () => {
      const res = await post(V2).send(withSecret({ client_secret: 'not-the-secret' }));
      assertEntraError(res, 401, 'invalid_client', 7000215, new RegExp(`Invalid client secret provided\\. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '${CLIENT_ID}'\\.`), ['not-the-secret']);
    });

    it('AADSTS700016 for an unknown client, and for a client of another tenant', async () => {
      const unknown = '55555555-5555-5555-5555-555555555555';
      assertEntraError(await post(V2).send(withSecret({ client_id: unknown })), 400, 'unauthorized_client', 700016,
        new RegExp(`Application with identifier '${unknown}' was not found in the directory '${TENANT}'\\. This can happen`));
      assertEntraError(await post(V2).send(withSecret({ client_id: OTHER_CLIENT, client_secret: 'contoso-secret' })), 400, 'unauthorized_client', 700016, /was not found in the directory/, ['contoso-secret']);
    });

    it('AADSTS90002 for an unknown tenant', async () => {
      assertEntraError(await post('/nowhere.example/oauth2/v2.0/token').send(withSecret()), 400, 'invalid_request', 90002, /Tenant 'nowhere\.example' not found\./);
    });

    it('AADSTS9001023 on /common and AADSTS50059 on /organizations', async () => {
      assertEntraError(await post('/common/oauth2/v2.0/token').send(withSecret()), 400, 'invalid_request', 9001023, /not supported over the \/common or \/consumers endpoints/);
      assertEntraError(await post('/organizations/oauth2/v2.0/token').send(withSecret()), 400, 'invalid_request', 50059, /No tenant-identifying information/);
    });

    it('AADSTS900144 for missing parameters, AADSTS70003 for other grants, AADSTS900561 for GET', async () => {
      assertEntraError(await post(V2).send({ client_id: CLIENT_ID }), 400, 'invalid_request', 900144, /'grant_type'/, []);
      assertEntraError(await post(V2).send({ grant_type: 'client_credentials' }), 400, 'invalid_request', 900144, /'client_id'/, []);
      assertEntraError(await post(V2).send(withSecret({ grant_type: 'password' })), 400, 'unsupported_grant_type', 70003, /unsupported grant type 'password'/);
      const res = await request(a.app).get(V2).set('Host', HOST);
      assertEntraError(res, 400, 'invalid_request', 900561, /only accepts POST requests\. Received a GET request\./, []);
      // A JSON body is not a form: Entra finds no grant_type in it.
      const json = await request(a.app).post(V2).set('Host', HOST).send(withSecret());
      assertEntraError(json, 400, 'invalid_request', 900144, /'grant_type'/);
    });

    it('AADSTS7000218 when no credential is sent', async () => {
      assertEntraError(await post(V2).send({ grant_type: 'client_credentials', client_id: CLIENT_ID, scope: ARM_SCOPE }), 401, 'invalid_client', 7000218, /'client_assertion' or 'client_secret'/, []);
    });

    it('AADSTS1002012, AADSTS28000 and AADSTS900144 for scopes client credentials cannot use', async () => {
      assertEntraError(await post(V2).send(withSecret({ scope: 'https://management.azure.com/user_impersonation' })), 400, 'invalid_scope', 1002012,
        /The provided value for scope https:\/\/management\.azure\.com\/user_impersonation is not valid\. Client credential flows must have a scope value with \/\.default suffixed/);
      assertEntraError(await post(V2).send(withSecret({ scope: `${ARM_SCOPE} https://graph.microsoft.com/.default` })), 400, 'invalid_scope', 28000, /contains more than one resource/);
      assertEntraError(await post(V2).send(withSecret({ scope: 'openid' })), 400, 'invalid_request', 900144, /'scope'/);
      assertEntraError(await post(`/${TENANT}/oauth2/token`).send(withSecret({ scope: '' })), 400, 'invalid_request', 900144, /'resource'/);
    });

    it('AADSTS500011 for a resource no principal in the tenant answers to', async () => {
      assertEntraError(await post(V2).send(withSecret({ scope: 'https://vault.example/.default' })), 400, 'invalid_resource', 500011,
        new RegExp(`The resource principal named https://vault\\.example was not found in the tenant named ${TENANT}\\.`));
      // A registered application is a resource too.
      await post(V2).send(withSecret({ scope: `api://${CERT_CLIENT}/.default` })).expect(200);
    });
  });

  describe('client assertion', () => {
    const assertionGrant = (assertion: string, extra: Record<string, string> = {}) =>
      ({ grant_type: 'client_credentials', client_id: CERT_CLIENT, client_assertion_type: JWT_BEARER, client_assertion: assertion, scope: ARM_SCOPE, ...extra });
    const now = () => Math.floor(a.services.clock.nowMs() / 1000);

    it('accepts RS256 with x5t and PS256 with x5t#S256 (what MSAL sends), aud = the token endpoint', async () => {
      for (const [alg, thumbprint] of [['RS256', 'x5t'], ['PS256', 'x5t#S256']] as const) {
        const assertion = clientAssertion(cert, { clientId: CERT_CLIENT, audience: V2_AUDIENCE, alg, thumbprint });
        const res = await post(V2).send(assertionGrant(assertion)).expect(200);
        const c = claimsOf(res.body.access_token);
        assert.equal(c.appid, CERT_CLIENT);
        assert.equal(c.appidacr, '2');
      }
    });

    it('accepts the v1 endpoint and the v2 issuer as audience, the tenant named by GUID or domain', async () => {
      await post(`/${TENANT}/oauth2/token`).send(assertionGrant(clientAssertion(cert, { clientId: CERT_CLIENT, audience: `${BASE}/${TENANT}/oauth2/token` }), { resource: 'https://management.azure.com/' })).expect(200);
      await post(V2).send(assertionGrant(clientAssertion(cert, { clientId: CERT_CLIENT, audience: `${BASE}/${TENANT}/v2.0` }))).expect(200);
      await post('/arclight.local/oauth2/v2.0/token').send(assertionGrant(clientAssertion(cert, { clientId: CERT_CLIENT, audience: `${BASE}/arclight.local/oauth2/v2.0/token` }))).expect(200);
    });

    it('AADSTS700027 for a certificate not registered for the client, naming its thumbprint', async () => {
      const stranger = testCertificate(2);
      const assertion = clientAssertion(stranger, { clientId: CERT_CLIENT, audience: V2_AUDIENCE });
      assertEntraError(await post(V2).send(assertionGrant(assertion)), 401, 'invalid_client', 700027,
        new RegExp(`Client assertion contains an invalid signature\\. \\[Reason - The key was not found\\., Thumbprint of key used by client: '${stranger.sha1}'.*app Id '${CERT_CLIENT}'`), [assertion]);
    });

    it('AADSTS700027 for a forged signature', async () => {
      const forged = clientAssertion(cert, { clientId: CERT_CLIENT, audience: V2_AUDIENCE, signWith: testCertificate(2).keyPem });
      assertEntraError(await post(V2).send(assertionGrant(forged)), 401, 'invalid_client', 700027,
        /\[Reason - The provided signature value did not match the expected signature value\., Thumbprint of key used by client: '[0-9A-F]{40}', Found key 'Start=\d\d\/\d\d\/\d{4} \d\d:\d\d:\d\d, End=/, [forged]);
    });

    it('AADSTS700023, AADSTS700021 and AADSTS50048 for the wrong audience, issuer and subject', async () => {
      const wrongAud = clientAssertion(cert, { clientId: CERT_CLIENT, audience: `${BASE}/${OTHER_TENANT}/oauth2/v2.0/token` });
      assertEntraError(await post(V2).send(assertionGrant(wrongAud)), 401, 'invalid_client', 700023, /Client assertion audience claim does not match Realm issuer\./, [wrongAud]);
      const wrongIss = clientAssertion(cert, { clientId: CLIENT_ID, audience: V2_AUDIENCE });
      assertEntraError(await post(V2).send(assertionGrant(wrongIss)), 401, 'invalid_client', 700021, /doesn't match 'client_id' parameter/, [wrongIss]);
      const wrongSub = clientAssertion(cert, { clientId: CERT_CLIENT, audience: V2_AUDIENCE, claims: { sub: 'someone-else' } });
      assertEntraError(await post(V2).send(assertionGrant(wrongSub)), 401, 'invalid_client', 50048, /Subject must match the issuer claim/, [wrongSub]);
    });

    it('AADSTS50027 for a malformed assertion and AADSTS900144 without the assertion type', async () => {
      assertEntraError(await post(V2).send(assertionGrant('not.a.jwt')), 400, 'invalid_request', 50027, /JWT token is invalid or malformed\./, ['not.a.jwt']);
      const assertion = clientAssertion(cert, { clientId: CERT_CLIENT, audience: V2_AUDIENCE });
      assertEntraError(await post(V2).send(assertionGrant(assertion, { client_assertion_type: 'urn:other' })), 400, 'invalid_request', 900144, /'client_assertion_type'/, [assertion]);
    });

    it('AADSTS700024 for an assertion outside its time range on both the emulator clock and real time', async () => {
      const issued = now() - 7200;
      a.services.clock.advance(3600 * 1000);
      const stale = clientAssertion(cert, { clientId: CERT_CLIENT, audience: V2_AUDIENCE, now: issued });
      assertEntraError(await post(V2).send(assertionGrant(stale)), 401, 'invalid_client', 700024,
        /Client assertion is not within its valid time range\. Current time: \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{7}Z, assertion valid from .*, expiry time of assertion /, [stale]);
      const future = clientAssertion(cert, { clientId: CERT_CLIENT, audience: V2_AUDIENCE, now: now() + 3600 });
      assertEntraError(await post(V2).send(assertionGrant(future)), 401, 'invalid_client', 700024, /not within its valid time range/, [future]);
    });

    it('accepts an assertion stamped with real time after the emulator clock moved ahead (clients cannot know it)', async () => {
      const realNow = Math.floor(Date.now() / 1000);
      a.services.clock.advance(16 * 60 * 1000);
      const assertion = clientAssertion(cert, { clientId: CERT_CLIENT, audience: V2_AUDIENCE, now: realNow });
      await post(V2).send(assertionGrant(assertion)).expect(200);
    });

    it('AADSTS700027 "The key used is expired" once the certificate expires on the emulator clock', async () => {
      const shortLived = testCertificate(3, { notAfter: new Date(a.services.clock.nowMs() + 3600 * 1000) });
      const clientId = '66666666-6666-6666-6666-666666666666';
      a.services.principals.putManagedIdentity({ clientId, objectId: derivedGuid('test', clientId), tenantId: TENANT, resourceId: `/subscriptions/x/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c`, certificates: [shortLived.certPem] });
      const grant = () => ({ grant_type: 'client_credentials', client_id: clientId, client_assertion_type: JWT_BEARER, scope: ARM_SCOPE,
        client_assertion: clientAssertion(shortLived, { clientId, audience: V2_AUDIENCE, now: now() }) });
      await post(V2).send(grant()).expect(200);
      a.services.clock.advance(2 * 3600 * 1000);
      assertEntraError(await post(V2).send(grant()), 401, 'invalid_client', 700027, /\[Reason - The key used is expired\., Thumbprint of key used by client: '[0-9A-F]{40}'/, []);
    });
  });
});
