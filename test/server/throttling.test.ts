/**
 * ARM's throttling: the x-ms-ratelimit-remaining-* headers on every ARM response, counting down
 * from Azure's bucket sizes, and with --throttle arm the 429 SubscriptionRequestsThrottled of an
 * empty bucket, refilled as the emulator clock advances (frozen here, so nothing refills unasked).
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { groupPath } from '../support/clusters';
import { ConfigError, parseConfig } from '../../server/core/config';

const frozenNow = () => `frozen:${new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000', '')}`;
const GROUPS = `/subscriptions/${SUB}/resourcegroups?api-version=2021-04-01`;
const OID = '11111111-1111-1111-1111-111111111111';
const header = (res: request.Response, name: string) => res.headers[`x-ms-ratelimit-remaining-${name}`];

describe('throttling', () => {
  it('is off by default; --throttle arm or ARCLIGHT_THROTTLE=arm turns it on; other values are refused', () => {
    assert.equal(parseConfig([], {}).throttle, 'off');
    assert.equal(parseConfig(['--throttle', 'arm'], {}).throttle, 'arm');
    assert.equal(parseConfig([], { ARCLIGHT_THROTTLE: 'arm' }).throttle, 'arm');
    assert.throws(() => parseConfig(['--throttle', 'on'], {}), (e: unknown) => e instanceof ConfigError && /--throttle: expected one of off, arm/.test(e.message));
  });

  describe('headers (--throttle off, the default)', () => {
    const a = arclightPerSuite({ clockStart: frozenNow() });

    it('counts reads down from 250 per principal and 3750 per subscription', async () => {
      const first = await request(a.app).get(GROUPS).set('Authorization', bearer()).expect(200);
      assert.deepEqual([header(first, 'subscription-reads'), header(first, 'subscription-global-reads')], ['249', '3749']);
      const second = await request(a.app).get(GROUPS).set('Authorization', bearer()).expect(200);
      assert.deepEqual([header(second, 'subscription-reads'), header(second, 'subscription-global-reads')], ['248', '3748']);
      assert.equal(header(second, 'subscription-writes'), undefined, 'a read carries only the read counts');
      // Another principal has its own bucket; the subscription's is shared.
      const other = await request(a.app).get(GROUPS).set('Authorization', bearer({ oid: '33333333-3333-3333-3333-333333333333' })).expect(200);
      assert.deepEqual([header(other, 'subscription-reads'), header(other, 'subscription-global-reads')], ['249', '3747']);
    });

    it('counts writes and deletes from 200 (3000 per subscription), also on errors', async () => {
      const put = await request(a.app).put(`${groupPath('t1')}?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: 'eastus' }).expect(201);
      assert.deepEqual([header(put, 'subscription-writes'), header(put, 'subscription-global-writes')], ['199', '2999']);
      const bad = await request(a.app).put(`${groupPath('t2')}?api-version=2021-04-01`).set('Authorization', bearer()).send({}).expect(400);
      assert.equal(header(bad, 'subscription-writes'), '198');
      const del = await request(a.app).delete(`${groupPath('t1')}?api-version=2021-04-01`).set('Authorization', bearer()).expect(202);
      assert.deepEqual([header(del, 'subscription-deletes'), header(del, 'subscription-global-deletes')], ['199', '2999']);
    });

    it('counts tenant-level requests per principal', async () => {
      const res = await request(a.app).get('/subscriptions?api-version=2022-12-01').set('Authorization', bearer()).expect(200);
      assert.equal(header(res, 'tenant-reads'), '249');
      assert.equal(header(res, 'subscription-reads'), undefined);
    });

    it('never refuses without --throttle arm: an empty bucket reads 0', async () => {
      let last: request.Response | undefined;
      for (let i = 0; i < 252; i++) last = await request(a.app).get(GROUPS).set('Authorization', bearer()).expect(200);
      assert.equal(header(last!, 'subscription-reads'), '0');
    });

    it('refills on the emulator clock, and on reset', async () => {
      for (let i = 0; i < 10; i++) await request(a.app).get(GROUPS).set('Authorization', bearer()).expect(200);
      await request(a.app).post('/_arclight/clock/advance').send({ seconds: 0.2 }).expect(200);
      // 240 left, plus 0.2 s of 25 a second, less this read.
      assert.equal(header(await request(a.app).get(GROUPS).set('Authorization', bearer()).expect(200), 'subscription-reads'), '244');
      await request(a.app).post('/_arclight/reset').expect(200);
      assert.equal(header(await request(a.app).get(GROUPS).set('Authorization', bearer()).expect(200), 'subscription-reads'), '249');
    });

    it('counts callers without a readable token as one anonymous actor, and never fails on them', async () => {
      for (const auth of ['Bearer not-a-token', 'Basic abc', 'Bearer eyJhbGciOiJub25lIn0.eyJvaWQiOnt9fQ.x', `Bearer ${'x'.repeat(10_000)}`]) {
        const res = await request(a.app).get(GROUPS).set('Authorization', auth);
        assert.ok(res.status < 500, auth.slice(0, 40));
        assert.ok(header(res, 'subscription-reads'), 'counted');
      }
      const none = await request(a.app).get(GROUPS).expect(401);
      assert.equal(header(none, 'subscription-reads'), '245');
    });

    it('leaves test control, metadata and Entra alone', async () => {
      const res = await request(a.app).get('/_arclight/clock').expect(200);
      assert.equal(header(res, 'subscription-reads'), undefined);
      assert.equal(header(await request(a.app).get('/metadata/endpoints?api-version=2022-09-01').expect(200), 'tenant-reads'), undefined);
    });
  });

  describe('--throttle arm', () => {
    const a = arclightPerSuite({ clockStart: frozenNow(), throttle: 'arm' });
    const read = () => request(a.app).get(GROUPS).set('Authorization', bearer());

    it('refuses the read after 250 with Azure\'s 429, then lets 25 more through a second later', async () => {
      for (let i = 0; i < 250; i++) await read().expect(200);
      const refused = await read().expect(429);
      assert.deepEqual(refused.body, {
        error: {
          code: 'SubscriptionRequestsThrottled',
          message: `Number of 'read' requests for subscription '${SUB}' actor '${OID}' exceeded. Please try again after '1' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
        },
      });
      assert.equal(refused.headers['retry-after'], '1');
      assert.equal(header(refused, 'subscription-reads'), '0');
      // Writes have their own bucket.
      await request(a.app).put(`${groupPath('t1')}?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: 'eastus' }).expect(201);

      await request(a.app).post('/_arclight/clock/advance').send({ seconds: 1 }).expect(200);
      for (let i = 0; i < 25; i++) await read().expect(200);
      await read().expect(429);
      await request(a.app).post('/_arclight/clock/advance').send({ seconds: 10 }).expect(200);
      assert.equal(header(await read().expect(200), 'subscription-reads'), '249', 'full again after 10 s');
    });

    it('refuses writes after 200, with a Retry-After of the time one token takes', async () => {
      for (let i = 0; i < 200; i++) await request(a.app).put(`${groupPath('w')}?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: 'eastus' }).expect((r) => assert.ok(r.status < 300, String(r.status)));
      const refused = await request(a.app).put(`${groupPath('w')}?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: 'eastus' }).expect(429);
      assert.equal(refused.body.error.code, 'SubscriptionRequestsThrottled');
      assert.match(refused.body.error.message, /^Number of 'write' requests for subscription/);
      assert.equal(refused.headers['retry-after'], '1');
      // Another principal still writes: its own bucket, and the subscription's holds 3000.
      await request(a.app).put(`${groupPath('w')}?api-version=2021-04-01`).set('Authorization', bearer({ oid: '33333333-3333-3333-3333-333333333333' })).send({ location: 'eastus' }).expect(200);
    });
  });
});
