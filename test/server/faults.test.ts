/**
 * Fault rules (/_arclight/faults and arclight.faults): each way of matching, each effect, the
 * count / probability / until modifiers, list, delete, clear and reset, and the refusals of bad
 * rules. The emulator clock is frozen, so `until` and operations move only when a test says.
 */
import { strict as assert } from 'assert';
import express from 'express';
import request from 'supertest';
import { ArmError } from '../../server/kit/armErrors';
import type { DomainEvent } from '../../server/kit/events';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { clusterBody, clusterPath, createCluster, createGroup, groupPath } from '../support/clusters';

const CLUSTER_TYPE = 'Microsoft.Kubernetes/connectedClusters';
const V = 'api-version=2021-10-01';
const frozenNow = () => `frozen:${new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000', '')}`;

describe('faults', () => {
  const a = arclightPerSuite({ clockStart: frozenNow() }, async (a) => {
    await createCluster(a.app, 'g1', 'c1');
    await createCluster(a.app, 'g1', 'c2');
  });
  /** The app inside a wrapper that records what the fault stage marked on each response. */
  const marks: Array<{ path: string; mark: unknown }> = [];
  const fired: Array<Extract<DomainEvent, { type: 'fault.fired' }>> = [];
  let wrapped: express.Express;
  before(() => {
    wrapped = express();
    wrapped.use((req, res, next) => {
      res.on('finish', () => marks.push({ path: req.path, mark: res.locals.arclightFault }));
      next();
    });
    wrapped.use((req, res, next) => a.app(req, res, next));
    a.services.events.on('fault.fired', (e) => fired.push(e));
  });
  beforeEach(() => {
    marks.length = 0;
    fired.length = 0;
  });

  const addRule = async (rule: unknown) => (await request(a.app).post('/_arclight/faults').send(rule as object).expect(201)).body;
  const get = (path: string, claims?: Record<string, unknown>) => request(wrapped).get(path).set('Authorization', bearer(claims));
  const c1 = `${clusterPath('g1', 'c1')}?${V}`;

  it('answers the contract rule: 201 with an id; the next matching GET is 429 with Retry-After, then it stops', async () => {
    const rule = await addRule({ match: { method: 'GET', resourceType: CLUSTER_TYPE }, effect: { status: 429, code: 'TooManyRequests', retryAfter: 1 }, count: 1 });
    assert.match(rule.id, /^[0-9a-f-]{36}$/);
    assert.deepEqual({ count: rule.count, remaining: rule.remaining, fired: rule.fired, active: rule.active }, { count: 1, remaining: 1, fired: 0, active: true });
    const hit = await get(c1).expect(429);
    assert.equal(hit.headers['retry-after'], '1');
    assert.equal(hit.body.error.code, 'TooManyRequests');
    assert.equal(typeof hit.body.error.message, 'string');
    await get(c1).expect(200);
    const listed = (await request(a.app).get('/_arclight/faults').expect(200)).body.value;
    assert.deepEqual(listed.map((r: { id: string; fired: number; remaining: number; active: boolean }) => [r.id, r.fired, r.remaining, r.active]), [[rule.id, 1, 0, false]]);
    assert.deepEqual(marks.map((m) => m.mark), [{ id: rule.id, effect: 'error' }, undefined]);
    assert.equal(fired.length, 1);
    assert.deepEqual({ ...fired[0], atMs: 0 }, { type: 'fault.fired', ruleId: rule.id, effect: 'error', method: 'GET', path: clusterPath('g1', 'c1'), status: 429, atMs: 0 });
  });

  it('is in the request journal and the live event stream', async () => {
    const rule = a.faults.add({ match: { method: 'GET', resourceType: CLUSTER_TYPE }, effect: { status: 503 }, count: 1 });
    const told = a.events.waitFor({ type: 'fault.fired', id: rule.id }, { timeoutMs: 5000 });
    await get(c1).expect(503);
    const event = await told;
    assert.deepEqual([event.effect, event.method, event.path, event.status], ['error', 'GET', clusterPath('g1', 'c1'), 503]);
    const entry = a.requests.find({ fault: rule.id });
    assert.deepEqual([entry?.status, entry?.errorCode, entry?.path], [503, 'ServiceUnavailable', clusterPath('g1', 'c1')]);
  });

  it('answers each HTTP error in ARM\'s envelope with its headers', async () => {
    const cases: Array<[number, string, string | undefined]> = [[500, 'InternalServerError', undefined], [503, 'ServiceUnavailable', '1'], [409, 'Conflict', undefined], [412, 'PreconditionFailed', undefined]];
    for (const [status, code, retryAfter] of cases) {
      await request(a.app).delete('/_arclight/faults').expect(200);
      await addRule({ match: { path: '/subscriptions/*/resourceGroups/g1/**' }, effect: { status }, count: 1 });
      const res = await get(c1).expect(status);
      assert.equal(res.body.error.code, code);
      assert.equal(res.headers['retry-after'], retryAfter, `${status}`);
    }
    await addRule({ match: { method: 'GET' }, effect: { status: 503, code: 'Busy', message: 'try later', retryAfter: 7, headers: { 'retry-after-ms': '7000', 'x-ms-failure-cause': 'service' } }, count: 1 });
    const res = await get(c1).expect(503);
    assert.deepEqual(res.body, { error: { code: 'Busy', message: 'try later' } });
    await request(a.app).post('/_arclight/faults').set('Content-Type', 'application/json')
      .send('{"effect": {"status": 500, "headers": {"__proto__": "x"}}, "count": 1}').expect(201);
    const odd = await get(c1).expect(500);
    assert.ok((odd as unknown as { res: { rawHeaders: string[] } }).res.rawHeaders.includes('__proto__'), 'an odd but valid header name is sent as any other');
    assert.deepEqual([res.headers['retry-after'], res.headers['retry-after-ms'], res.headers['x-ms-failure-cause']], ['7', '7000', 'service']);
    assert.ok(res.headers['x-ms-request-id'], 'ARM\'s standard headers are there too');
  });

  it('takes a named kind, and answers HEAD with the status alone', async () => {
    const rule = await addRule({ match: { method: 'HEAD' }, effect: { kind: 'error', status: 409 }, count: 1 });
    assert.equal(rule.effect.kind, 'error');
    const res = await request(a.app).head(c1).set('Authorization', bearer()).expect(409);
    assert.equal(res.headers['content-length'], '0');
    await get(c1).expect(200);
  });

  describe('matching', () => {
    const error = { status: 500 };
    it('on method (one or several)', async () => {
      await addRule({ match: { method: ['PUT', 'delete'] }, effect: error });
      await get(c1).expect(200);
      await request(a.app).delete(c1).set('Authorization', bearer()).expect(500);
      await request(a.app).put(c1).set('Authorization', bearer()).send(clusterBody()).expect(500);
    });

    it('on resource type, case-insensitively, child types included by their full name', async () => {
      await addRule({ match: { resourceType: 'microsoft.kubernetes/CONNECTEDCLUSTERS' }, effect: error });
      await get(c1).expect(500);
      await get(`${clusterPath('g1', 'c1').replace(/\/c1$/, '')}?${V}`).expect(500);
      await get(`${groupPath('g1')}?api-version=2021-04-01`).expect(200);
      await request(a.app).delete('/_arclight/faults').expect(200);
      await addRule({ match: { resourceType: 'Microsoft.Resources/resourceGroups' }, effect: error });
      await get(`${groupPath('g1')}?api-version=2021-04-01`).expect(500);
      await get(c1).expect(200);
    });

    it('on a path glob: * within a segment, ** across them', async () => {
      await addRule({ match: { path: '/subscriptions/*/resourcegroups/g1/providers/Microsoft.Kubernetes/connectedClusters/c2' }, effect: error });
      await get(c1).expect(200);
      await get(`${clusterPath('g1', 'c2')}?${V}`).expect(500);
      await request(a.app).delete('/_arclight/faults').expect(200);
      await addRule({ match: { path: '/subscriptions/**/c1' }, effect: error });
      await get(c1).expect(500);
      await get(`${clusterPath('g1', 'c2')}?${V}`).expect(200);
    });

    it('on operation: status polls apart from other requests', async () => {
      const put = await request(a.app).put(`${clusterPath('g1', 'c3')}?${V}`).set('Authorization', bearer()).send(clusterBody()).expect(201);
      const poll = new URL(put.headers['azure-asyncoperation']);
      await addRule({ match: { operation: 'statusPoll' }, effect: { status: 503 } });
      await get(c1).expect(200);
      await get(poll.pathname + poll.search).expect(503);
      await request(a.app).delete('/_arclight/faults').expect(200);
      await addRule({ match: { operation: 'request' }, effect: error });
      await get(poll.pathname + poll.search).expect(200);
      await get(c1).expect(500);
    });

    it('on api-version, subscription and principal', async () => {
      await addRule({ match: { apiVersion: '2024-01-01' }, effect: error });
      await get(c1).expect(200);
      await get(`${clusterPath('g1', 'c1')}?api-version=2024-01-01`).expect(500);
      await request(a.app).delete('/_arclight/faults').expect(200);
      await addRule({ match: { subscription: '99999999-9999-9999-9999-999999999999' }, effect: error });
      await get(c1).expect(200);
      await addRule({ match: { subscription: SUB.toUpperCase() }, effect: { status: 409 } });
      await get(c1).expect(409);
      await request(a.app).delete('/_arclight/faults').expect(200);
      await addRule({ match: { principal: '22222222-2222-2222-2222-222222222222' }, effect: error });
      await get(c1).expect(200);
      await get(c1, { oid: '22222222-2222-2222-2222-222222222222' }).expect(500);
      await get(c1, { upn: 'someone@arclight.local' }).expect(200);
    });

    it('on region: the location of what the path addresses, or its locations/ segment', async () => {
      await createGroup(a.app, 'g2');
      await request(a.app).put(`${clusterPath('g2', 'w1')}?${V}`).set('Authorization', bearer()).send(clusterBody({ location: 'westeurope' })).expect(201);
      await addRule({ match: { region: 'West Europe' }, effect: error });
      await get(c1).expect(200);
      await get(`${clusterPath('g2', 'w1')}?${V}`).expect(500);
      await get(`/subscriptions/${SUB}/providers/Microsoft.Kubernetes/locations/westeurope/operationStatuses/x?${V}`).expect(500);
    });

    it('with several rules, the first that fires wins and a request meets one fault', async () => {
      const first = await addRule({ match: { method: 'GET' }, effect: { status: 409 }, count: 1 });
      const second = await addRule({ match: { resourceType: CLUSTER_TYPE }, effect: { status: 412 }, count: 1 });
      await get(c1).expect(409);
      await get(c1).expect(412);
      await get(c1).expect(200);
      assert.deepEqual(fired.map((e) => e.ruleId), [first.id, second.id]);
    });

    it('never on test control, Entra or the cluster side', async () => {
      await addRule({ effect: error });
      await request(a.app).get('/_arclight/clock').expect(200);
      await request(a.app).get('/metadata/endpoints?api-version=2022-09-01').expect(200);
      await get(c1).expect(500);
    });
  });

  describe('effects', () => {
    it('adds latency in real time before the request goes on (a later request overtakes it)', async () => {
      await addRule({ match: { path: '/subscriptions/*/resourceGroups/g1/providers/Microsoft.Kubernetes/connectedClusters/c1' }, effect: { latencyMs: 500 }, count: 1 });
      const done: string[] = [];
      const slow = get(c1).expect(200).then(() => done.push('slow'));
      // Sent after the slow one has reached the stage (its fault has fired).
      while (fired.length === 0) await new Promise((r) => setImmediate(r));
      const quick = get(`${clusterPath('g1', 'c2')}?${V}`).expect(200).then(() => done.push('quick'));
      await Promise.all([slow, quick]);
      assert.deepEqual(done, ['quick', 'slow']);
      assert.deepEqual(marks.find((m) => m.path.endsWith('/c1'))?.mark, { id: fired[0].ruleId, effect: 'latency' });
    });

    it('drops the connection without an answer', async () => {
      const rule = await addRule({ match: { method: 'GET', resourceType: CLUSTER_TYPE }, effect: { drop: true }, count: 1 });
      const err = await get(c1).then(() => undefined, (e: NodeJS.ErrnoException) => e);
      assert.ok(err, 'the request failed');
      assert.match(String(err.code ?? err.message), /ECONNRESET|socket hang up/i);
      assert.deepEqual(fired.map((e) => [e.ruleId, e.effect]), [[rule.id, 'drop']]);
      await get(c1).expect(200);
    });

    for (const operationStatus of ['Failed', 'Canceled'] as const) {
      it(`ends a long-running operation ${operationStatus} with the given error when it settles`, async () => {
        const rule = await addRule({
          match: { method: 'PUT', resourceType: CLUSTER_TYPE }, effect: { operationStatus, code: 'QuotaExceeded', message: 'No room for another cluster.' }, count: 1,
        });
        assert.equal(rule.match.operation, 'longRunningOperation');
        const put = await request(wrapped).put(`${clusterPath('g1', 'lro')}?${V}`).set('Authorization', bearer()).send(clusterBody()).expect(201);
        assert.deepEqual(marks.at(-1)?.mark, { id: rule.id, effect: 'operation' });
        assert.equal(fired[0].operationId, new URL(put.headers['azure-asyncoperation']).pathname.split('/').pop());
        const poll = new URL(put.headers['azure-asyncoperation']);
        const status = (await get(poll.pathname + poll.search).expect(200)).body;
        assert.equal(status.status, operationStatus);
        assert.deepEqual(status.error, { code: 'QuotaExceeded', message: 'No room for another cluster.' });
        const cluster = (await get(`${clusterPath('g1', 'lro')}?${V}`).expect(200)).body;
        assert.equal(cluster.properties.provisioningState, operationStatus);
        // count 1: the next create succeeds.
        const again = await request(a.app).put(`${clusterPath('g1', 'lro2')}?${V}`).set('Authorization', bearer()).send(clusterBody()).expect(201);
        const next = new URL(again.headers['azure-asyncoperation']);
        assert.equal((await get(next.pathname + next.search).expect(200)).body.status, 'Succeeded');
      });
    }

    it('fails one resource of a template deployment, and so the deployment', async () => {
      const rule = await addRule({ match: { method: 'PUT', resourceType: CLUSTER_TYPE, path: '/**/connectedClusters/deployed' }, effect: { operationStatus: 'Failed', code: 'QuotaExceeded', message: 'No room.' } });
      const { properties } = clusterBody();
      const template = {
        $schema: 'x', contentVersion: '1.0.0.0',
        resources: [{ type: CLUSTER_TYPE, apiVersion: '2021-10-01', name: 'deployed', location: 'eastus', identity: { type: 'SystemAssigned' }, properties }],
      };
      const dep = `${groupPath('g1')}/providers/Microsoft.Resources/deployments/d1?api-version=2022-09-01`;
      const put = await request(a.app).put(dep).set('Authorization', bearer()).send({ properties: { mode: 'Incremental', template } }).expect(201);
      assert.equal(fired.length, 0, 'the deployment\'s own operation is not the cluster\'s');
      const poll = new URL(put.headers['azure-asyncoperation']);
      const status = (await get(poll.pathname + poll.search).expect(200)).body;
      assert.equal(status.status, 'Failed');
      assert.deepEqual(fired.map((e) => [e.ruleId, e.method, e.path]), [[rule.id, 'PUT', clusterPath('g1', 'deployed')]]);
      const deployment = (await get(dep).expect(200)).body.properties;
      assert.equal(deployment.provisioningState, 'Failed');
      assert.ok(JSON.stringify(deployment.error).includes('QuotaExceeded'), JSON.stringify(deployment.error));
    });

    it('fails a delete operation: the resource stays, Failed', async () => {
      await addRule({ match: { method: 'DELETE' }, effect: { operationStatus: 'Failed' } });
      const del = await request(a.app).delete(c1).set('Authorization', bearer()).expect(202);
      const poll = new URL(del.headers['azure-asyncoperation']);
      const status = (await get(poll.pathname + poll.search).expect(200)).body;
      assert.equal(status.status, 'Failed');
      assert.equal(status.error.code, 'InjectedFailure');
      assert.equal((await get(c1).expect(200)).body.properties.provisioningState, 'Failed');
    });
  });

  describe('when rules fire', () => {
    it('for the next N matches', async () => {
      await addRule({ match: { method: 'GET' }, effect: { status: 500 }, count: 3 });
      const statuses: number[] = [];
      for (let i = 0; i < 5; i++) statuses.push((await get(c1)).status);
      assert.deepEqual(statuses, [500, 500, 500, 200, 200]);
    });

    it('with a seeded probability: the same seed fails the same requests on every run', async () => {
      const run = async () => {
        await request(a.app).delete('/_arclight/faults').expect(200);
        await addRule({ match: { method: 'GET' }, effect: { status: 500 }, probability: 0.5, seed: 42 });
        const statuses: number[] = [];
        for (let i = 0; i < 24; i++) statuses.push((await get(c1)).status);
        return statuses;
      };
      const first = await run();
      assert.deepEqual(await run(), first);
      assert.ok(first.includes(500) && first.includes(200), first.join(','));
      await request(a.app).delete('/_arclight/faults').expect(200);
      await addRule({ match: { method: 'GET' }, effect: { status: 500 }, probability: 0.5, seed: 7 });
      const other: number[] = [];
      for (let i = 0; i < 24; i++) other.push((await get(c1)).status);
      assert.notDeepEqual(other, first, 'another seed, another sequence');
    });

    it('until an instant of the emulator clock', async () => {
      const now = Date.parse((await request(a.app).get('/_arclight/clock').expect(200)).body.now);
      const rule = await addRule({ match: { method: 'GET' }, effect: { status: 503 }, until: new Date(now + 60_000).toISOString() });
      await get(c1).expect(503);
      await request(a.app).post('/_arclight/clock/advance').send({ seconds: 59 }).expect(200);
      await get(c1).expect(503);
      await request(a.app).post('/_arclight/clock/advance').send({ seconds: 1 }).expect(200);
      await get(c1).expect(200);
      const listed = (await request(a.app).get(`/_arclight/faults/${rule.id}`).expect(200)).body;
      assert.deepEqual([listed.active, listed.fired, listed.until], [false, 2, new Date(now + 60_000).toISOString()]);
    });
  });

  describe('list, delete, clear, reset', () => {
    it('lists in matching order, gets one, deletes one, clears all; reset clears them too', async () => {
      const r1 = await addRule({ match: { method: 'PUT' }, effect: { status: 409 } });
      const r2 = await addRule({ match: { method: 'PATCH' }, effect: { status: 412 } });
      assert.deepEqual((await request(a.app).get('/_arclight/faults').expect(200)).body.value.map((r: { id: string }) => r.id), [r1.id, r2.id]);
      assert.equal((await request(a.app).get(`/_arclight/faults/${r2.id}`).expect(200)).body.effect.status, 412);
      await request(a.app).delete(`/_arclight/faults/${r1.id}`).expect(200, { deleted: r1.id });
      const gone = await request(a.app).delete(`/_arclight/faults/${r1.id}`).expect(404);
      assert.equal(gone.body.error.code, 'FaultRuleNotFound');
      await request(a.app).get(`/_arclight/faults/${r1.id}`).expect(404);
      assert.deepEqual((await request(a.app).get('/_arclight/faults').expect(200)).body.value.map((r: { id: string }) => r.id), [r2.id]);
      await request(a.app).delete('/_arclight/faults').expect(200, { value: [] });
      assert.deepEqual((await request(a.app).get('/_arclight/faults').expect(200)).body, { value: [] });
      await addRule({ effect: { status: 500 } });
      await request(a.app).post('/_arclight/reset').expect(200);
      assert.deepEqual((await request(a.app).get('/_arclight/faults').expect(200)).body, { value: [] });
      await addRule({ effect: { status: 500 } });
      await request(a.app).post(`/_arclight/reset?subscription=${SUB}`).expect(200);
      assert.deepEqual((await request(a.app).get('/_arclight/faults').expect(200)).body, { value: [] });
      await request(a.app).put('/_arclight/faults').expect(405);
    });

    it('programmatically: add, list, remove, clear, typed, with the same checks', async () => {
      const rule = a.faults.add({ match: { method: 'GET', resourceType: CLUSTER_TYPE }, effect: { status: 429, code: 'TooManyRequests', retryAfter: 1 }, count: 1 });
      assert.deepEqual(a.faults.list().map((r) => r.id), [rule.id]);
      await get(c1).expect(429);
      assert.equal(a.faults.list()[0].fired, 1);
      assert.equal(a.faults.remove(rule.id), true);
      assert.equal(a.faults.remove(rule.id), false);
      a.faults.add({ effect: { latencyMs: 10 } });
      a.faults.clear();
      assert.deepEqual(a.faults.list(), []);
      assert.throws(() => a.faults.add({ effect: { status: 200 } }), (err: unknown) => err instanceof ArmError && err.status === 400 && err.options.target === 'effect.status');
      for (let i = 0; i < 1000; i++) a.faults.add({ match: { apiVersion: `v${i}` }, effect: { status: 500 } });
      const full = await request(a.app).post('/_arclight/faults').send({ effect: { status: 500 } }).expect(400);
      assert.equal(full.body.error.code, 'TooManyFaultRules');
      await get(c1).expect(200);
    });
  });

  describe('bad rules: 400 in ARM\'s envelope naming the field', () => {
    const cases: Array<[string, unknown, string]> = [
      ['not an object', [1, 2], 'rule'],
      ['no effect', { match: { method: 'GET' } }, 'effect'],
      ['an unknown top-level field', { effect: { status: 500 }, counts: 1 }, 'counts'],
      ['an unknown match field', { match: { verb: 'GET' }, effect: { status: 500 } }, 'match.verb'],
      ['match not an object', { match: 'GET', effect: { status: 500 } }, 'match'],
      ['an unknown method', { match: { method: 'FETCH' }, effect: { status: 500 } }, 'match.method'],
      ['a bad method in a list', { match: { method: ['GET', 7] }, effect: { status: 500 } }, 'match.method[1]'],
      ['an empty method list', { match: { method: [] }, effect: { status: 500 } }, 'match.method'],
      ['a resource type without a namespace', { match: { resourceType: 'connectedClusters' }, effect: { status: 500 } }, 'match.resourceType'],
      ['a relative path', { match: { path: 'subscriptions/*' }, effect: { status: 500 } }, 'match.path'],
      ['an unknown operation', { match: { operation: 'poll' }, effect: { status: 500 } }, 'match.operation'],
      ['longRunningOperation with an error effect', { match: { operation: 'longRunningOperation' }, effect: { status: 500 } }, 'match.operation'],
      ['an operation effect on status polls', { match: { operation: 'statusPoll' }, effect: { operationStatus: 'Failed' } }, 'match.operation'],
      ['an empty api-version', { match: { apiVersion: '' }, effect: { status: 500 } }, 'match.apiVersion'],
      ['a region Arclight does not know', { match: { region: 'atlantis' }, effect: { status: 500 } }, 'match.region'],
      ['a numeric principal', { match: { principal: 5 }, effect: { status: 500 } }, 'match.principal'],
      ['an effect of no kind', { effect: { code: 'X' } }, 'effect'],
      ['an unknown kind', { effect: { kind: 'explode' } }, 'effect.kind'],
      ['a success status', { effect: { status: 200 } }, 'effect.status'],
      ['a status that is not a number', { effect: { status: '500' } }, 'effect.status'],
      ['a negative Retry-After', { effect: { status: 429, retryAfter: -1 } }, 'effect.retryAfter'],
      ['a bad header name', { effect: { status: 500, headers: { 'bad header': 'x' } } }, 'effect.headers.bad header'],
      ['a framing header', { effect: { status: 500, headers: { 'Content-Length': '3' } } }, 'effect.headers.Content-Length'],
      ['a header value with a newline', { effect: { status: 500, headers: { 'x-a': 'a\nb' } } }, 'effect.headers.x-a'],
      ['an unknown error field', { effect: { status: 500, latencyMs: 5 } }, 'effect.latencyMs'],
      ['a named kind with another kind\'s fields', { effect: { kind: 'latency', status: 500 } }, 'effect.status'],
      ['an unknown operation status', { effect: { operationStatus: 'Succeeded' } }, 'effect.operationStatus'],
      ['zero latency', { effect: { latencyMs: 0 } }, 'effect.latencyMs'],
      ['latency beyond two minutes', { effect: { latencyMs: 10_000_000 } }, 'effect.latencyMs'],
      ['drop: false', { effect: { drop: false } }, 'effect.drop'],
      ['a zero count', { effect: { status: 500 }, count: 0 }, 'count'],
      ['a fractional count', { effect: { status: 500 }, count: 1.5 }, 'count'],
      ['a probability above 1', { effect: { status: 500 }, probability: 1.5 }, 'probability'],
      ['a zero probability', { effect: { status: 500 }, probability: 0 }, 'probability'],
      ['a seed without probability', { effect: { status: 500 }, seed: 3 }, 'seed'],
      ['a fractional seed', { effect: { status: 500 }, probability: 0.5, seed: 1.5 }, 'seed'],
      ['until that is no instant', { effect: { status: 500 }, until: 'tomorrow' }, 'until'],
    ];
    for (const [what, body, target] of cases) {
      it(what, async () => {
        const res = await request(a.app).post('/_arclight/faults').set('Content-Type', 'application/json').send(JSON.stringify(body)).expect(400);
        assert.equal(res.body.error.code, 'InvalidFaultRule');
        assert.equal(res.body.error.target, target);
        assert.ok(res.body.error.message.includes(`'${target}'`), res.body.error.message);
      });
    }

    it('an id that does not decode', async () => {
      await request(a.app).delete('/_arclight/faults/%E0%A4%A').expect(400);
      await request(a.app).get('/_arclight/faults/nope').expect(404);
    });

    it('a body that is no JSON, or none at all', async () => {
      const broken = await request(a.app).post('/_arclight/faults').set('Content-Type', 'application/json').send('{"effect":').expect(400);
      assert.ok(broken.body.error.code);
      await request(a.app).post('/_arclight/faults').expect(400);
      assert.deepEqual(a.faults.list(), []);
    });
  });
});
