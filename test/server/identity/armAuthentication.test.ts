/**
 * ARM's bearer-token check in each --auth mode, with real tokens from the token service: every
 * refusal code (and that nothing is written after it), tenants against subscriptions, and
 * systemData for users, applications and managed identities.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import request from 'supertest';
import { CLIENT_ID, fakeToken, SUB, TENANT, testArclight, TestArclight } from '../../support/arclight';
import { clusterBody, clusterPath, groupPath } from '../../support/clusters';
import { ARM_SCOPE, clientAssertion, JWT_BEARER, testCertificate, tokenFor } from '../../support/identity';
import { DEFAULT_MANAGED_IDENTITY_CLIENT_ID, DEFAULT_MANAGED_IDENTITY_RESOURCE_ID } from '../../../server/identity/principals';
import { IDENTITY_HEADER } from '../../../server/identity/managedIdentity';

const HOST = 'arclight.test:8443';
const BASE = `http://${HOST}`;
const OTHER_TENANT = '22222222-2222-2222-2222-222222222222';
const OTHER_SUB = '22222222-0000-0000-0000-000000000000';
const OTHER_CLIENT = '33333333-3333-3333-3333-333333333333';
const CLUSTER = clusterPath('rg', 'c1');
const V = '?api-version=2021-10-01';
const ALLOWED = `'https://management.core.windows.net/','https://management.core.windows.net','https://management.azure.com/','https://management.azure.com','${BASE}/','${BASE}'`;

describe('identity: ARM bearer-token checks', () => {
  let seedDir: string;
  let seed: string;
  before(() => {
    seedDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-seed-'));
    seed = path.join(seedDir, 'seed.json');
    fs.writeFileSync(seed, JSON.stringify({
      tenants: [{ tenantId: OTHER_TENANT, displayName: 'Contoso' }],
      subscriptions: [{ subscriptionId: OTHER_SUB, tenantId: OTHER_TENANT, displayName: 'Contoso Dev' }],
      servicePrincipals: [{ clientId: OTHER_CLIENT, tenantId: OTHER_TENANT, secret: 'contoso-secret' }],
    }));
  });
  after(() => fs.rmSync(seedDir, { recursive: true, force: true }));

  /** Requests as a client that reaches Arclight at BASE. */
  const as = (a: TestArclight, token: string | undefined) => {
    const call = (method: 'get' | 'put' | 'delete' | 'post', p: string) => {
      const r = request(a.app)[method](p).set('Host', HOST);
      return token === undefined ? r : r.set('Authorization', token.includes(' ') ? token : `Bearer ${token}`);
    };
    return {
      get: (p: string) => call('get', p),
      put: (p: string, body: object) => call('put', p).send(body),
      delete: (p: string) => call('delete', p),
    };
  };

  function assertRefused(res: request.Response, status: number, code: string, message?: string | RegExp) {
    assert.equal(res.status, status, res.text);
    assert.equal(res.body.error.code, code);
    if (typeof message === 'string') assert.equal(res.body.error.message, message);
    else if (message) assert.match(res.body.error.message, message);
    if (status === 401) assert.match(res.headers['www-authenticate'], /^Bearer authorization_uri="[^"]+", error="invalid_token", error_description="[^"]+"$/);
  }

  /** What a refused write would have created is absent. */
  async function assertNothingWritten(a: TestArclight, token: string) {
    await as(a, token).get(`${CLUSTER}${V}`).expect(404);
  }

  describe('strict', () => {
    let a: TestArclight;
    let token: string;
    before(async () => {
      a = await testArclight({ auth: 'strict', seed });
    });
    after(() => a.close());
    beforeEach(async () => {
      await a.reset();
      token = await tokenFor(a.app);
      await as(a, token).put(`${groupPath('rg')}?api-version=2021-04-01`, { location: 'eastus' }).expect(201);
    });

    it('accepts Arclight\'s tokens and records the application in systemData', async () => {
      const res = await as(a, token).put(`${CLUSTER}?api-version=2024-01-01`, clusterBody()).expect(201);
      assert.equal(res.body.systemData.createdBy, CLIENT_ID);
      assert.equal(res.body.systemData.createdByType, 'Application');
    });

    it('401 AuthenticationFailed without a header and AuthenticationFailedInvalidHeader for another scheme', async () => {
      assertRefused(await as(a, undefined).put(`${CLUSTER}${V}`, clusterBody()), 401, 'AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing.");
      assertRefused(await as(a, 'Basic abc').put(`${CLUSTER}${V}`, clusterBody()), 401, 'AuthenticationFailedInvalidHeader');
      await assertNothingWritten(a, token);
    });

    it('401 InvalidAuthenticationToken for a token Arclight did not issue', async () => {
      const res = await as(a, fakeToken()).put(`${CLUSTER}${V}`, clusterBody());
      assertRefused(res, 401, 'InvalidAuthenticationToken', 'The access token is invalid.');
      assert.match(res.headers['www-authenticate'], new RegExp(`authorization_uri="${BASE}/${TENANT}"`));
      await assertNothingWritten(a, token);
    });

    it('401 InvalidAuthenticationToken for a tampered signature or payload', async () => {
      const [h, p, sig] = token.split('.');
      const flipped = `${h}.${p}.${sig.slice(0, -4)}${sig.slice(-4) === 'AAAA' ? 'BBBB' : 'AAAA'}`;
      assertRefused(await as(a, flipped).put(`${CLUSTER}${V}`, clusterBody()), 401, 'InvalidAuthenticationToken');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, appid: 'someone-else' })).toString('base64url')}.${sig}`;
      assertRefused(await as(a, forged).put(`${CLUSTER}${V}`, clusterBody()), 401, 'InvalidAuthenticationToken');
      await assertNothingWritten(a, token);
    });

    it('401 ExpiredAuthenticationToken once the emulator clock passes exp (and its skew)', async () => {
      await as(a, token).get(`${groupPath('rg')}?api-version=2021-04-01`).expect(200);
      a.services.clock.advance(2 * 3600 * 1000);
      const res = await as(a, token).put(`${CLUSTER}${V}`, clusterBody());
      assertRefused(res, 401, 'ExpiredAuthenticationToken',
        /^The access token expiry UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d [AP]M' is earlier than current UTC time '\d{1,2}\/\d{1,2}\/\d{4} \d{1,2}:\d\d:\d\d [AP]M'\.$/);
      await assertNothingWritten(a, await tokenFor(a.app));
    });

    it('401 InvalidAuthenticationTokenAudience listing the allowed audiences', async () => {
      const graph = await tokenFor(a.app, { scope: 'https://graph.microsoft.com/.default' });
      const res = await as(a, graph).put(`${CLUSTER}${V}`, clusterBody());
      assertRefused(res, 401, 'InvalidAuthenticationTokenAudience',
        `The access token has been obtained for wrong audience or resource 'https://graph.microsoft.com'. It should exactly match with one of the allowed audiences ${ALLOWED}.`);
      await assertNothingWritten(a, token);
      // Arclight's own URL is an allowed audience (the JS SDKs ask for <endpoint>/.default).
      await as(a, await tokenFor(a.app, { scope: `${BASE}/.default`, host: HOST })).get(`${groupPath('rg')}?api-version=2021-04-01`).expect(200);
    });

    it('401 InvalidAuthenticationTokenTenant for another tenant\'s subscription, naming both authorities', async () => {
      const contoso = await tokenFor(a.app, { tenant: OTHER_TENANT, clientId: OTHER_CLIENT, secret: 'contoso-secret' });
      const res = await as(a, contoso).put(`${CLUSTER}${V}`, clusterBody());
      assertRefused(res, 401, 'InvalidAuthenticationTokenTenant',
        new RegExp(`^The access token is from the wrong issuer '${BASE}/${OTHER_TENANT}/'\\. It must match the tenant '${BASE}/${TENANT}/' associated with this subscription\\. Please use the authority \\(URL\\) '${BASE}/${TENANT}' to get the token\\.`));
      await assertNothingWritten(a, token);
      // The same token is fine in its own tenant's subscription.
      await as(a, contoso).get(`/subscriptions/${OTHER_SUB}/resourcegroups?api-version=2021-04-01`).expect(200);
    });

    it('403 AuthorizationFailed when the token\'s principal no longer exists in its tenant', async () => {
      const cert = testCertificate(1);
      const clientId = '77777777-7777-7777-7777-777777777777';
      const objectId = '88888888-8888-8888-8888-888888888888';
      a.services.principals.putManagedIdentity({ clientId, objectId, tenantId: TENANT, resourceId: `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/agent`, certificates: [cert.certPem] });
      const grant = await request(a.app).post(`/${TENANT}/oauth2/v2.0/token`).set('Host', HOST).type('form').send({
        grant_type: 'client_credentials', client_id: clientId, scope: ARM_SCOPE, client_assertion_type: JWT_BEARER,
        client_assertion: clientAssertion(cert, { clientId, audience: `${BASE}/${TENANT}/oauth2/v2.0/token`, now: Math.floor(a.services.clock.nowMs() / 1000) }),
      }).expect(200);
      const mi = grant.body.access_token;
      await as(a, mi).get(`${groupPath('rg')}?api-version=2021-04-01`).expect(200);

      a.services.principals.removeUnder(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/agent`);
      const res = await as(a, mi).put(`${CLUSTER}${V}`, clusterBody());
      assertRefused(res, 403, 'AuthorizationFailed',
        `The client '${clientId}' with object id '${objectId}' does not have authorization to perform action 'Microsoft.Kubernetes/connectedClusters/write' over scope '${CLUSTER}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
      assert.equal(res.headers['www-authenticate'], undefined);
      await assertNothingWritten(a, token);
      const action = await as(a, mi).get(`${groupPath('rg')}?api-version=2021-04-01`);
      assert.match(action.body.error.message, /perform action 'Microsoft\.Resources\/subscriptions\/resourceGroups\/read' over scope '\/subscriptions\/[^']+\/resourceGroups\/rg'/);
    });

    it('lists only the caller tenant\'s subscriptions', async () => {
      const mine = await as(a, token).get('/subscriptions?api-version=2022-12-01').expect(200);
      assert.deepEqual(mine.body.value.map((s: { subscriptionId: string }) => s.subscriptionId), [SUB]);
      const contoso = await tokenFor(a.app, { tenant: OTHER_TENANT, clientId: OTHER_CLIENT, secret: 'contoso-secret' });
      const theirs = await as(a, contoso).get('/subscriptions?api-version=2022-12-01').expect(200);
      assert.deepEqual(theirs.body.value.map((s: { subscriptionId: string }) => s.subscriptionId), [OTHER_SUB]);
    });

    it('records a managed identity\'s token as ManagedIdentity in systemData', async () => {
      const msi = await request(a.app).get(`/msi/token?api-version=2019-08-01&resource=${encodeURIComponent('https://management.azure.com/')}`)
        .set('Host', HOST).set('X-IDENTITY-HEADER', IDENTITY_HEADER).expect(200);
      const res = await as(a, msi.body.access_token).put(`${CLUSTER}?api-version=2024-01-01`, clusterBody()).expect(201);
      assert.equal(res.body.systemData.createdBy, DEFAULT_MANAGED_IDENTITY_CLIENT_ID);
      assert.equal(res.body.systemData.createdByType, 'ManagedIdentity');
      assert.ok(DEFAULT_MANAGED_IDENTITY_RESOURCE_ID.startsWith(`/subscriptions/${SUB}/`));
    });
  });

  describe('lenient (the default)', () => {
    let a: TestArclight;
    before(async () => {
      a = await testArclight({ seed });
    });
    after(() => a.close());
    beforeEach(async () => {
      await a.reset();
      await as(a, fakeToken()).put(`${groupPath('rg')}?api-version=2021-04-01`, { location: 'eastus' }).expect(201);
    });

    it('accepts a well-formed foreign token and records the user it names', async () => {
      const res = await as(a, fakeToken({ upn: 'alice@contoso.test' })).put(`${CLUSTER}?api-version=2024-01-01`, clusterBody()).expect(201);
      assert.equal(res.body.systemData.createdBy, 'alice@contoso.test');
      assert.equal(res.body.systemData.createdByType, 'User');
    });

    it('refuses a foreign token that has expired on the emulator clock', async () => {
      const stale = fakeToken({ exp: Math.floor(a.services.clock.nowMs() / 1000) - 3600 });
      assertRefused(await as(a, stale).put(`${CLUSTER}${V}`, clusterBody()), 401, 'ExpiredAuthenticationToken');
      await assertNothingWritten(a, fakeToken());
    });

    it('checks Arclight\'s own tokens as strictly as --auth strict', async () => {
      const token = await tokenFor(a.app);
      await as(a, token).get(`${groupPath('rg')}?api-version=2021-04-01`).expect(200);
      const [h, p, sig] = token.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...JSON.parse(Buffer.from(p, 'base64url').toString()), tid: OTHER_TENANT })).toString('base64url')}.${sig}`;
      assertRefused(await as(a, forged).put(`${CLUSTER}${V}`, clusterBody()), 401, 'InvalidAuthenticationToken');
      const graph = await tokenFor(a.app, { scope: 'https://graph.microsoft.com/.default' });
      assertRefused(await as(a, graph).put(`${CLUSTER}${V}`, clusterBody()), 401, 'InvalidAuthenticationTokenAudience');
      const contoso = await tokenFor(a.app, { tenant: OTHER_TENANT, clientId: OTHER_CLIENT, secret: 'contoso-secret' });
      assertRefused(await as(a, contoso).put(`${CLUSTER}${V}`, clusterBody()), 401, 'InvalidAuthenticationTokenTenant');
      await assertNothingWritten(a, fakeToken());
    });

    it('takes a token whose lifetime holds on either clock: a cached credential survives a clock advance', async () => {
      const token = await tokenFor(a.app);
      const foreign = fakeToken();
      await as(a, token).get(`${groupPath('rg')}?api-version=2021-04-01`).expect(200);
      a.services.clock.advance(91 * 24 * 3600 * 1000);
      await as(a, token).get(`${groupPath('rg')}?api-version=2021-04-01`).expect(200);
      await as(a, foreign).get(`${groupPath('rg')}?api-version=2021-04-01`).expect(200);
      // Expired on real time and on the emulator clock: refused.
      const stale = fakeToken({ exp: Math.floor(Date.now() / 1000) - 3600 });
      assertRefused(await as(a, stale).put(`${CLUSTER}${V}`, clusterBody()), 401, 'ExpiredAuthenticationToken');
    });

    it('refuses one of Arclight\'s tokens once it has expired on both clocks', async () => {
      const behind = await testArclight({ clockStart: new Date(Date.now() - 2 * 24 * 3600 * 1000).toISOString() });
      try {
        await as(behind, fakeToken()).put(`${groupPath('rg')}?api-version=2021-04-01`, { location: 'eastus' }).expect(201);
        const token = await tokenFor(behind.app);
        await as(behind, token).get(`${groupPath('rg')}?api-version=2021-04-01`).expect(200);
        behind.services.clock.advance(2 * 3600 * 1000);
        assertRefused(await as(behind, token).put(`${CLUSTER}${V}`, clusterBody()), 401, 'ExpiredAuthenticationToken');
      } finally {
        behind.close();
      }
    });
  });

  describe('off', () => {
    it('checks nothing, not even the header\'s format', async () => {
      const a = await testArclight({ auth: 'off' });
      try {
        await as(a, 'Bearer not-a-jwt').put(`${groupPath('rg')}?api-version=2021-04-01`, { location: 'eastus' }).expect(201);
        const res = await as(a, undefined).put(`${CLUSTER}?api-version=2024-01-01`, clusterBody()).expect(201);
        assert.equal(res.body.systemData.createdBy, undefined);
      } finally {
        a.close();
      }
    });
  });
});
