/** /_arclight test-control endpoints: health, ready, reset (all or one subscription), the CA, the clock. */
import { strict as assert } from 'assert';
import { X509Certificate } from 'crypto';
import request from 'supertest';
import { bearer, SUB, testArclight, TestArclight } from '../support/arclight';

describe('/_arclight', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight();
  });
  after(() => a.close());

  it('reports health and readiness without authentication', async () => {
    assert.deepEqual((await request(a.app).get('/_arclight/health').expect(200)).body, { status: 'healthy' });
    const ready = await request(a.app).get('/_arclight/ready').expect(200);
    assert.deepEqual(ready.body, { status: 'ready', checks: { specs: true, database: true, tls: true } });
  });

  it('serves the CA certificate', async () => {
    const res = await request(a.app).get('/_arclight/ca.pem').expect(200);
    const cert = new X509Certificate(res.text);
    assert.ok(cert.ca);
    assert.match(cert.subject, /Arclight/);
  });

  it('resets everything, or only one subscription', async () => {
    const put = (name: string) => request(a.app).put(`/subscriptions/${SUB}/resourcegroups/${name}?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: 'eastus' }).expect(201);
    await put('g1');
    await request(a.app).post(`/_arclight/reset?subscription=${SUB}`).expect(200, { reset: SUB });
    await request(a.app).get(`/subscriptions/${SUB}/resourcegroups/g1?api-version=2021-04-01`).set('Authorization', bearer()).expect(404);
    await put('g2');
    await request(a.app).post(`/subscriptions/${SUB}/providers/Microsoft.Kubernetes/unregister?api-version=2021-04-01`).set('Authorization', bearer()).expect(200);
    await request(a.app).post('/_arclight/reset').expect(200, { reset: 'all' });
    await request(a.app).get(`/subscriptions/${SUB}/resourcegroups/g2?api-version=2021-04-01`).set('Authorization', bearer()).expect(404);
    const p = await request(a.app).get(`/subscriptions/${SUB}/providers/Microsoft.Kubernetes?api-version=2021-04-01`).set('Authorization', bearer()).expect(200);
    assert.equal(p.body.registrationState, 'Registered', 'registrations are back to their defaults');
    await request(a.app).post('/_arclight/reset?subscription=99999999-9999-9999-9999-999999999999').expect(404);
  });

  it('reads, advances and sets the clock, never backwards', async () => {
    const start = (await request(a.app).get('/_arclight/clock').expect(200)).body;
    const advanced = (await request(a.app).post('/_arclight/clock/advance').send({ seconds: 960 }).expect(200)).body;
    assert.ok(Date.parse(advanced.now) - Date.parse(start.now) >= 960_000);
    const byDuration = (await request(a.app).post('/_arclight/clock/advance').send({ duration: 'P1D' }).expect(200)).body;
    assert.ok(Date.parse(byDuration.now) - Date.parse(advanced.now) >= 86_400_000);
    const target = new Date(Date.parse(byDuration.now) + 3600_000).toISOString();
    const set = (await request(a.app).put('/_arclight/clock').send({ now: target, frozen: true }).expect(200)).body;
    assert.deepEqual([set.now, set.frozen], [target, true]);
    const back = await request(a.app).put('/_arclight/clock').send({ now: '2020-01-01T00:00:00Z' }).expect(400);
    assert.match(back.body.error.message, /never moves backwards/);
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: -5 }).expect(400);
    await request(a.app).post('/_arclight/clock/advance').send({ duration: 'soon' }).expect(400);
  });
});
