/**
 * The directory API (/_arclight/directory): each create in one call with what a client needs,
 * the principal of a worker's subscription getting tokens in strict mode and reaching that
 * subscription only (lists included), deletes that take everything with them, and bad input.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { testArclight, TestArclight, SUB, TENANT } from '../../support/arclight';
import { clusterBody, clusterPath, groupPath } from '../../support/clusters';
import { ARM_SCOPE, clientAssertion, JWT_BEARER, tokenFor } from '../../support/identity';
import { ArmError } from '../../../server/kit/armErrors';

const HOST = 'arclight.test:8443';
const BASE = `http://${HOST}`;
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const RG = '?api-version=2021-04-01';
const CC = '?api-version=2024-01-01';

interface Worker { subscriptionId: string; tenantId: string; clientId: string; clientSecret: string; tokenEndpoint: string }

describe('test platform: the directory API', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight({ auth: 'strict' });
  });
  after(() => a.close());
  beforeEach(() => a.reset());

  const newWorker = async (body: object = {}): Promise<Worker> =>
    (await request(a.app).post('/_arclight/directory/subscriptions').set('Host', HOST).send(body).expect(201)).body as Worker;
  const tokenOf = (w: { tenantId: string; clientId: string; clientSecret: string }) =>
    tokenFor(a.app, { tenant: w.tenantId, clientId: w.clientId, secret: w.clientSecret, host: HOST });
  const arm = (token: string) => ({
    get: (path: string) => request(a.app).get(path).set('Host', HOST).set('Authorization', `Bearer ${token}`),
    put: (path: string, body: object) => request(a.app).put(path).set('Host', HOST).set('Authorization', `Bearer ${token}`).send(body),
  });

  it('creates a subscription with its own tenant and an owner principal that gets tokens in strict mode', async () => {
    const w = await newWorker();
    assert.deepEqual(Object.keys(w).slice(0, 5), ['subscriptionId', 'tenantId', 'clientId', 'clientSecret', 'tokenEndpoint']);
    for (const id of [w.subscriptionId, w.tenantId, w.clientId]) assert.match(id, GUID);
    assert.notEqual(w.tenantId, TENANT);
    assert.equal(w.tokenEndpoint, `${BASE}/${w.tenantId}/oauth2/v2.0/token`);
    const token = await tokenOf(w);
    const sub = await arm(token).get(`/subscriptions/${w.subscriptionId}?api-version=2022-12-01`).expect(200);
    assert.equal(sub.body.tenantId, w.tenantId);
    const providers = await arm(token).get(`/subscriptions/${w.subscriptionId}/providers/Microsoft.Kubernetes?api-version=2021-04-01`).expect(200);
    assert.equal(providers.body.registrationState, 'Registered');
    await arm(token).put(`${groupPath('rg', w.subscriptionId)}${RG}`, { location: 'eastus' }).expect(201);
    await arm(token).put(`${clusterPath('rg', 'c1', w.subscriptionId)}${CC}`, clusterBody()).expect(201);
  });

  it('keeps two workers apart: each lists and reaches only its own subscription', async () => {
    const [w1, w2] = [await newWorker(), await newWorker()];
    const [t1, t2] = [await tokenOf(w1), await tokenOf(w2)];
    await arm(t1).put(`${groupPath('rg', w1.subscriptionId)}${RG}`, { location: 'eastus' }).expect(201);
    const list = await arm(t1).get('/subscriptions?api-version=2022-12-01').expect(200);
    assert.deepEqual(list.body.value.map((s: { subscriptionId: string }) => s.subscriptionId), [w1.subscriptionId]);
    const tenants = await arm(t1).get('/tenants?api-version=2022-12-01').expect(200);
    assert.deepEqual(tenants.body.value.map((t: { tenantId: string }) => t.tenantId), [w1.tenantId]);
    // Another tenant's subscription: the tenant check answers first.
    const cross = await arm(t2).get(`${groupPath('rg', w1.subscriptionId)}${RG}`).expect(401);
    assert.equal(cross.body.error.code, 'InvalidAuthenticationTokenTenant');
    await arm(t2).get(`/subscriptions/${SUB}/resourceGroups?api-version=2021-04-01`).expect(401);
  });

  it('keeps workers of one tenant apart too (404 SubscriptionNotFound, 403 AuthorizationFailed)', async () => {
    const tenant = (await request(a.app).post('/_arclight/directory/tenants').set('Host', HOST).send({ displayName: 'Shared' }).expect(201)).body;
    assert.equal(tenant.tokenEndpoint, `${BASE}/${tenant.tenantId}/oauth2/v2.0/token`);
    const [w1, w2] = [await newWorker({ tenantId: tenant.tenantId }), await newWorker({ tenantId: tenant.tenantId, displayName: 'Two' })];
    assert.equal(w1.tenantId, tenant.tenantId);
    const t2 = await tokenOf(w2);
    const list = await arm(t2).get('/subscriptions?api-version=2022-12-01').expect(200);
    assert.deepEqual(list.body.value.map((s: { displayName: string }) => s.displayName), ['Two']);
    const one = await arm(t2).get(`/subscriptions/${w1.subscriptionId}?api-version=2022-12-01`).expect(404);
    assert.equal(one.body.error.code, 'SubscriptionNotFound');
    const inside = await arm(t2).put(`${groupPath('rg', w1.subscriptionId)}${RG}`, { location: 'eastus' }).expect(403);
    assert.equal(inside.body.error.code, 'AuthorizationFailed');
    assert.match(inside.body.error.message, new RegExp(`does not have authorization to perform action 'Microsoft.Resources/subscriptions/resourceGroups/write' over scope '/subscriptions/${w1.subscriptionId}/resourceGroups/rg'`));
  });

  it('deletes a subscription with everything in it, and its principal', async () => {
    const w = await newWorker();
    const token = await tokenOf(w);
    await arm(token).put(`${groupPath('rg', w.subscriptionId)}${RG}`, { location: 'eastus' }).expect(201);
    const res = await request(a.app).delete(`/_arclight/directory/subscriptions/${w.subscriptionId}`).expect(200);
    assert.deepEqual(res.body, { subscriptionId: w.subscriptionId });
    assert.equal(a.services.store.resources.get(`/subscriptions/${w.subscriptionId}/resourcegroups/rg`), undefined);
    assert.equal(a.services.store.directory.subscription(w.subscriptionId), undefined);
    assert.equal(a.services.principals.get(w.clientId), undefined);
    assert.equal(a.services.store.directory.tenant(w.tenantId), undefined, 'the tenant made for it goes too');
    const again = await request(a.app).delete(`/_arclight/directory/subscriptions/${w.subscriptionId}`).expect(404);
    assert.equal(again.body.error.code, 'SubscriptionNotFound');
  });

  it('resets one worker subscription only', async () => {
    const [w1, w2] = [await newWorker(), await newWorker()];
    for (const w of [w1, w2]) await arm(await tokenOf(w)).put(`${groupPath('rg', w.subscriptionId)}${RG}`, { location: 'eastus' }).expect(201);
    await request(a.app).post(`/_arclight/reset?subscription=${w1.subscriptionId}`).expect(200);
    assert.equal(a.services.store.resources.get(`/subscriptions/${w1.subscriptionId}/resourcegroups/rg`), undefined);
    assert.ok(a.services.store.resources.get(`/subscriptions/${w2.subscriptionId}/resourcegroups/rg`));
    // Its principal and registrations stay: the worker goes on.
    const t1 = await tokenOf(w1);
    await arm(t1).put(`${groupPath('rg', w1.subscriptionId)}${RG}`, { location: 'eastus' }).expect(201);
    await arm(t1).put(`${clusterPath('rg', 'c1', w1.subscriptionId)}${CC}`, clusterBody()).expect(201);
  });

  it('creates service principals with a secret or a made certificate, limited to subscriptions', async () => {
    const sp = (await request(a.app).post('/_arclight/directory/servicePrincipals').set('Host', HOST).send({ subscriptions: [SUB] }).expect(201)).body;
    assert.equal(sp.tenantId, TENANT);
    assert.deepEqual(sp.subscriptions, [SUB]);
    const token = await tokenOf(sp);
    await arm(token).get(`/subscriptions/${SUB}/resourceGroups?api-version=2021-04-01`).expect(200);

    const withCert = (await request(a.app).post('/_arclight/directory/servicePrincipals').set('Host', HOST).send({ credential: 'certificate' }).expect(201)).body;
    assert.equal(withCert.clientSecret, undefined);
    assert.match(withCert.clientCertificate, /BEGIN CERTIFICATE[\s\S]+BEGIN PRIVATE KEY/);
    const [certPem, keyPem] = [withCert.clientCertificate.replace(/-----BEGIN PRIVATE KEY[\s\S]+$/, ''), withCert.clientCertificate.replace(/^[\s\S]+-----END CERTIFICATE-----\n?/, '')];
    const { createHash, X509Certificate } = await import('crypto');
    const der = new X509Certificate(certPem).raw;
    const assertion = clientAssertion({
      certPem, keyPem, x5t: createHash('sha1').update(der).digest('base64url'), x5tS256: createHash('sha256').update(der).digest('base64url'),
    } as Parameters<typeof clientAssertion>[0], { clientId: withCert.clientId, audience: withCert.tokenEndpoint });
    await request(a.app).post(`/${TENANT}/oauth2/v2.0/token`).set('Host', HOST).type('form')
      .send({ grant_type: 'client_credentials', client_id: withCert.clientId, client_assertion_type: JWT_BEARER, client_assertion: assertion, scope: ARM_SCOPE })
      .expect(200);
    await request(a.app).delete(`/_arclight/directory/servicePrincipals/${sp.clientId}`).expect(200);
    await request(a.app).post(`/${TENANT}/oauth2/v2.0/token`).set('Host', HOST).type('form')
      .send({ grant_type: 'client_credentials', client_id: sp.clientId, client_secret: sp.clientSecret, scope: ARM_SCOPE }).expect(400);
  });

  it('creates managed identities the identity endpoint answers for', async () => {
    const w = await newWorker();
    const mi = (await request(a.app).post('/_arclight/directory/managedIdentities').set('Host', HOST).send({ subscriptionId: w.subscriptionId, name: 'worker-id' }).expect(201)).body;
    assert.equal(mi.tenantId, w.tenantId);
    assert.equal(mi.resourceId, `/subscriptions/${w.subscriptionId}/resourceGroups/arclight/providers/Microsoft.ManagedIdentity/userAssignedIdentities/worker-id`);
    assert.equal(mi.identityEndpoint, `${BASE}/metadata/identity/oauth2/token`);
    const res = await request(a.app).get(`/metadata/identity/oauth2/token?api-version=2018-02-01&resource=https://management.azure.com/&client_id=${mi.clientId}`)
      .set('Host', HOST).set('Metadata', 'true').expect(200);
    await arm(res.body.access_token).get(`/subscriptions/${w.subscriptionId}/resourceGroups?api-version=2021-04-01`).expect(200);
    await request(a.app).post('/_arclight/directory/managedIdentities').send({ subscriptionId: w.subscriptionId, name: 'worker-id' }).expect(409);
    await request(a.app).delete(`/_arclight/directory/managedIdentities/${mi.clientId}`).expect(200);
    await request(a.app).delete(`/_arclight/directory/managedIdentities/${mi.clientId}`).expect(404);
  });

  it('deletes a tenant with its subscriptions and principals; keeps the defaults', async () => {
    const tenant = (await request(a.app).post('/_arclight/directory/tenants').send({}).expect(201)).body;
    const w = await newWorker({ tenantId: tenant.tenantId });
    await request(a.app).delete(`/_arclight/directory/tenants/${tenant.tenantId}`).expect(200);
    assert.equal(a.services.store.directory.subscription(w.subscriptionId), undefined);
    assert.equal(a.services.principals.get(w.clientId), undefined);
    for (const path of [`tenants/${TENANT}`, `subscriptions/${SUB}`, 'servicePrincipals/00000000-0000-0000-0000-000000000002']) {
      assert.equal((await request(a.app).delete(`/_arclight/directory/${path}`).expect(409)).body.error.code.endsWith('CannotBeDeleted'), true);
    }
  });

  it('answers bad input 400 and unknown ids 404, in the error envelope, and never lists a secret', async () => {
    const cases: Array<[string, string, unknown, number]> = [
      ['post', 'subscriptions', { tenantId: 'nope' }, 400],
      ['post', 'subscriptions', { displayName: 42 }, 400],
      ['post', 'subscriptions', { colour: 'red' }, 400],
      ['post', 'subscriptions', [1], 400],
      ['post', 'subscriptions', { subscriptionId: SUB }, 409],
      ['post', 'tenants', { tenantId: TENANT }, 409],
      ['post', 'servicePrincipals', { credential: 'password' }, 400],
      ['post', 'servicePrincipals', { certificate: '-----BEGIN CERTIFICATE-----\nnope\n-----END CERTIFICATE-----' }, 400],
      ['post', 'servicePrincipals', { subscriptions: 'all' }, 400],
      ['post', 'servicePrincipals', { subscriptions: ['11111111-1111-1111-1111-111111111111'] }, 404],
      ['post', 'servicePrincipals', { tenantId: '11111111-1111-1111-1111-111111111111' }, 404],
      ['post', 'managedIdentities', { subscriptionId: '11111111-1111-1111-1111-111111111111' }, 404],
      ['post', 'managedIdentities', { name: '../x' }, 400],
      ['delete', 'subscriptions/not-a-guid', undefined, 400],
      ['delete', 'tenants/11111111-1111-1111-1111-111111111111', undefined, 404],
      ['delete', 'servicePrincipals/11111111-1111-1111-1111-111111111111', undefined, 404],
    ];
    for (const [method, path, body, status] of cases) {
      const req = request(a.app)[method as 'post'](`/_arclight/directory/${path}`);
      const res = body === undefined ? await req : await req.send(body as object);
      assert.equal(res.status, status, `${method} ${path} ${JSON.stringify(body)}: ${res.status} ${res.text}`);
      assert.equal(typeof res.body.error.code, 'string');
      assert.equal(typeof res.body.error.message, 'string');
    }
    const bad = await request(a.app).post('/_arclight/directory/subscriptions').set('Content-Type', 'application/json').send('{"x":');
    assert.equal(bad.status, 400);
    const w = await newWorker();
    assert.ok(!JSON.stringify(a.services.store.principals.all()).includes(w.clientSecret));
    assert.ok(!a.logs.join('\n').includes(w.clientSecret));
  });

  it('needs the admin key when there is one, for the directory and snapshots alike', async () => {
    const keyed = await testArclight({ adminKey: 'k3y' });
    try {
      for (const [method, path] of [['post', '/_arclight/directory/subscriptions'], ['post', '/_arclight/snapshots'], ['get', '/_arclight/snapshots']] as const) {
        const res = await request(keyed.app)[method](path).send({ name: 's' }).expect(401);
        assert.equal(res.body.error.code, 'AuthenticationFailed');
      }
      await request(keyed.app).post('/_arclight/directory/subscriptions').set('Authorization', 'Bearer k3y').send({}).expect(201);
    } finally {
      keyed.close();
    }
  });

  it('is the same through the programmatic client', async () => {
    const w = await a.directory.createSubscription({ displayName: 'Programmatic' });
    assert.equal(a.services.store.directory.subscription(w.subscriptionId)?.displayName, 'Programmatic');
    await a.directory.deleteSubscription(w.subscriptionId);
    await assert.rejects(a.directory.deleteSubscription(w.subscriptionId), (e: ArmError) => e.status === 404 && e.code === 'SubscriptionNotFound');
    const sp = await a.directory.createServicePrincipal({ displayName: 'tool' });
    await a.directory.deleteServicePrincipal(sp.clientId);
    const t = await a.directory.createTenant();
    const mi = await a.directory.createManagedIdentity();
    await a.directory.deleteManagedIdentity(mi.clientId);
    await a.directory.deleteTenant(t.tenantId);
  });
});
