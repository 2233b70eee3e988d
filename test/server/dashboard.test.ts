/**
 * What the dashboard reads besides ARM: its files (with their security headers, open even with
 * --admin-key), /_arclight/info, the connectivity timelines of /_arclight/connectivity (exact
 * instants for what time alone decides, the unknown past of clusters that existed before anyone
 * watched, resets), and PUT /_arclight/clock with `frozen` alone.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { bearer, CLIENT_ID, SUB, TENANT, testArclight, TestArclight } from '../support/arclight';
import { clusterBody, clusterPath, createGroup } from '../support/clusters';

const START = '2030-01-01T00:00:00.000Z';
const token = bearer({ exp: Math.floor(Date.parse('2031-01-01') / 1000) });

describe('the dashboard\'s endpoints', () => {
  let a: TestArclight;
  beforeEach(async () => {
    a = await testArclight({ agents: 'simulated', clockStart: `frozen:${START}`, adminKey: 'k' });
    await createGroup(a.app, 'rg');
  });
  afterEach(() => a.close());

  const admin = (method: 'get' | 'post' | 'put', path: string) => request(a.app)[method](`/_arclight${path}`).set('Authorization', 'Bearer k');
  const create = async (name: string) => {
    const id = clusterPath('rg', name);
    await request(a.app).put(`${id}?api-version=2024-01-01`).set('Authorization', token).send(clusterBody()).expect(201);
    await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', token).expect(200);
    return id;
  };
  const timelineOf = async (id: string) => {
    const answer = (await admin('get', '/connectivity').expect(200)).body as { now: string; value: Array<{ id: string; entries: unknown[] }> };
    return answer.value.find((t) => t.id.toLowerCase() === id.toLowerCase())?.entries;
  };

  it('serves the page and its files without the admin key, with a policy that keeps it on this origin', async () => {
    const page = await request(a.app).get('/_arclight/ui').expect(200);
    assert.match(page.headers['content-type'], /^text\/html/);
    assert.match(page.text, /<script src="\/_arclight\/ui\/app\.js" defer><\/script>/);
    const csp = page.headers['content-security-policy'];
    for (const directive of ["default-src 'none'", "script-src 'self'", "connect-src 'self'", "frame-ancestors 'none'"]) assert.ok(csp.includes(directive), csp);
    assert.equal(page.headers['x-content-type-options'], 'nosniff');
    assert.match((await request(a.app).get('/_arclight/ui/app.js').expect(200)).headers['content-type'], /^text\/javascript/);
    assert.match((await request(a.app).get('/_arclight/ui/styles.css').expect(200)).headers['content-type'], /^text\/css/);
    await request(a.app).get('/_arclight/ui/other.js').expect(404);
    // What the page reads needs the key.
    await request(a.app).get('/_arclight/info').expect(401);
    await request(a.app).get('/_arclight/connectivity').expect(401);
  });

  it('tells the page the instance\'s auth mode, tenant and default principal, and no secret', async () => {
    const info = (await admin('get', '/info').expect(200)).body;
    assert.deepEqual(info, { auth: 'lenient', rbac: 'off', agents: 'simulated', offlineAfterSeconds: 900, tenantId: TENANT, subscriptionId: SUB, clientId: CLIENT_ID });
  });

  it('draws a cluster\'s connectivity from its creation, with Offline and Expired where they began', async () => {
    await admin('get', '/connectivity').expect(200); // watching begins
    const id = await create('c1');
    assert.deepEqual(await timelineOf(id), [{ status: 'Connecting', since: START }, { status: 'Connected', since: START }]);
    await admin('post', `/clusters${id}/disconnect`).expect(200);
    await admin('post', '/clock/advance').send({ duration: 'P1D' }).expect(200);
    const cluster = (await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', token).expect(200)).body;
    const offlineSince = new Date(Date.parse(cluster.properties.lastConnectivityTime) + 900_000).toISOString();
    assert.deepEqual((await timelineOf(id))?.slice(2), [{ status: 'Offline', since: offlineSince }], 'where the window ended, not when the clock jumped');
    await admin('post', '/clock/advance').send({ duration: 'P91D' }).expect(200);
    const expiredSince = new Date(cluster.properties.managedIdentityCertificateExpirationTime).toISOString();
    assert.deepEqual((await timelineOf(id))?.slice(3), [{ status: 'Expired', since: expiredSince }]);
    await request(a.app).delete(`${id}?api-version=2024-01-01`).set('Authorization', token);
    await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', token);
    assert.equal(await timelineOf(id), undefined, 'a deleted cluster has no timeline');
    assert.deepEqual(a.connectivityTimelines(), [], 'the programmatic call answers the same');
  });

  it('gives clusters that existed before anyone watched the past their facts tell, and starts again at a reset', async () => {
    const connected = await create('c2');
    const offline = await create('c3');
    await admin('post', `/clusters${offline}/disconnect`).expect(200);
    await admin('post', '/clock/advance').send({ duration: 'PT20M' }).expect(200);
    const now = new Date(Date.parse(START) + 20 * 60_000).toISOString();
    assert.deepEqual(await timelineOf(connected), [{ status: 'Unknown', since: START }, { status: 'Connected', since: now }]);
    assert.deepEqual(await timelineOf(offline), [{ status: 'Offline', since: new Date(Date.parse(START) + 900_000).toISOString() }]);
    assert.deepEqual(a.connectivityTimelines().find((t) => t.id === offline)?.entries, await timelineOf(offline));
    await admin('post', '/reset').expect(200);
    assert.deepEqual((await admin('get', '/connectivity').expect(200)).body.value, []);
  });

  it('freezes and restarts the clock where it stands with {"frozen": ...} alone', async () => {
    const running = (await admin('put', '/clock').send({ frozen: false }).expect(200)).body;
    assert.deepEqual([running.now.slice(0, 16), running.frozen], [START.slice(0, 16), false]);
    const frozen = (await admin('put', '/clock').send({ frozen: true }).expect(200)).body;
    assert.equal(frozen.frozen, true);
    assert.ok(Date.parse(frozen.now) >= Date.parse(running.now));
    await admin('put', '/clock').send({ frozen: 'yes' }).expect(400);
  });
});
