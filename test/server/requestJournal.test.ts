/**
 * The request journal: GET/DELETE /_arclight/requests and arclight.requests. Entries carry what
 * identifies a request (api-version, status, ARM error code, principal, client request id, the
 * emulator clock's time), newest first, filtered on each field; headers and bodies come redacted;
 * test control's own requests are not in it; --journal-size bounds it and 0 turns it off.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { bearer, SUB, testArclight, TestArclight } from '../support/arclight';
import { clusterBody, clusterPath, createGroup, groupPath } from '../support/clusters';
import { BODIES_KEPT, RequestJournal } from '../../server/platform/requestJournal';

const API = 'api-version=2024-01-01';
const SECRET = 'journal-never-shows-this';

describe('request journal', () => {
  let a: TestArclight;
  beforeEach(async () => {
    a = await testArclight({ clockStart: '2031-05-06T07:08:09Z' });
    await createGroup(a.app, 'rg');
  });
  afterEach(() => a.close());

  const journal = (query = '') => request(a.app).get(`/_arclight/requests${query}`).expect(200).then((r) => r.body.value);

  it('records ARM requests newest first, with what identifies each and redacted headers and bodies', async () => {
    await request(a.app).put(`${clusterPath('rg', 'c1')}?${API}`).set('Authorization', bearer()).set('x-ms-client-request-id', 'my-call-1')
      .send(clusterBody({ tags: { note: SECRET } }, { privateLinkState: 'Disabled' })).expect(201);
    await request(a.app).get(`${clusterPath('rg', 'nope')}?${API}`).set('Authorization', bearer()).expect(404);

    const [missing, created] = await journal('?limit=2');
    assert.equal(missing.method, 'GET');
    assert.equal(missing.status, 404);
    assert.equal(missing.errorCode, 'ResourceNotFound');
    assert.equal(created.method, 'PUT');
    assert.equal(created.path, clusterPath('rg', 'c1'));
    assert.equal(created.apiVersion, '2024-01-01');
    assert.equal(created.status, 201);
    assert.equal(created.errorCode, null);
    assert.equal(created.principal, 'tester@arclight.local');
    assert.equal(created.clientRequestId, 'my-call-1');
    assert.equal(created.time.slice(0, 16), '2031-05-06T07:08', 'on the emulator clock');
    assert.ok(created.durationMs >= 0);
    assert.match(created.id, /^[0-9a-f-]{36}$/);
    assert.equal(created.requestHeaders.authorization, '[redacted]');
    assert.equal(created.requestBody.location, 'eastus');
    assert.equal(created.requestBody.tags.note, SECRET, 'ordinary values are kept as sent');
  });

  it('redacts secrets in bodies as the log does, and keeps the body as the client sent it', async () => {
    await request(a.app).put(`${clusterPath('rg', 'c1')}?${API}`).set('Authorization', bearer()).send(clusterBody()).expect(201);
    const extension = `${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions/e1?api-version=2023-05-01`;
    await request(a.app).put(extension).set('Authorization', bearer())
      .send({ properties: { extensionType: 'microsoft.flux', configurationProtectedSettings: { key: SECRET } } }).expect(201);
    const [entry] = await journal('?method=put&path=/extensions/');
    assert.equal(entry.requestBody.properties.configurationProtectedSettings, '[redacted]');
    assert.ok(!JSON.stringify(await journal()).includes(SECRET));
  });

  it('filters on each field; a filter it does not know is 400', async () => {
    await request(a.app).put(`${clusterPath('rg', 'c1')}?${API}`).set('Authorization', bearer()).send(clusterBody()).expect(201);
    await request(a.app).get(`${clusterPath('rg', 'c1')}?${API}`).set('Authorization', bearer({ upn: 'other@arclight.local' })).expect(200);
    assert.deepEqual((await journal('?method=PUT&status=201')).map((e: { path: string }) => e.path), [clusterPath('rg', 'c1'), groupPath('rg')]);
    assert.deepEqual((await journal('?principal=OTHER@arclight.local')).map((e: { method: string }) => e.method), ['GET']);
    assert.equal((await journal('?apiVersion=2021-04-01')).length, 1, 'the group PUT of the set-up');
    assert.equal((await journal('?errorCode=ResourceNotFound')).length, 0);
    assert.equal((await journal('?path=CONNECTEDCLUSTERS')).length, 2);
    const bad = await request(a.app).get('/_arclight/requests?colour=red').expect(400);
    assert.equal(bad.body.error.code, 'InvalidQueryParameter');
    assert.equal((await request(a.app).get('/_arclight/requests?status=abc').expect(400)).body.error.code, 'InvalidQueryParameterValue');
    assert.equal((await request(a.app).get('/_arclight/requests?limit=0').expect(400)).body.error.code, 'InvalidQueryParameterValue');
  });

  it('records the token service\'s refusals with their error, and leaves test control out', async () => {
    await request(a.app).post(`/00000000-0000-0000-0000-000000000001/oauth2/v2.0/token`).type('form')
      .send({ grant_type: 'client_credentials', client_id: 'nobody', client_secret: SECRET, scope: 'https://management.azure.com/.default' });
    await request(a.app).get('/_arclight/clock').expect(200);
    const entries = await journal();
    assert.equal(entries[0].path, '/00000000-0000-0000-0000-000000000001/oauth2/v2.0/token');
    assert.ok(entries[0].status >= 400);
    assert.equal(typeof entries[0].errorCode, 'string');
    assert.ok(entries.every((e: { path: string }) => !e.path.startsWith('/_arclight')));
    assert.ok(!JSON.stringify(entries).includes(SECRET));
  });

  it('is emptied by DELETE and by a reset, and read by arclight.requests', async () => {
    await request(a.app).get(`${groupPath('rg')}?api-version=2021-04-01`).set('Authorization', bearer()).expect(200);
    assert.equal(a.requests.find({ method: 'GET', status: 200 })?.path, groupPath('rg'));
    assert.equal(a.requests.find({ method: 'DELETE' }), undefined);
    assert.equal(a.requests.list().length, 2);
    await request(a.app).delete('/_arclight/requests').expect(204);
    assert.deepEqual(a.requests.list(), []);
    await request(a.app).get(`/subscriptions/${SUB}?api-version=2022-12-01`).set('Authorization', bearer()).expect(200);
    a.reset();
    assert.deepEqual(a.requests.list(), []);
  });

  it('keeps --journal-size requests, and none with 0', async () => {
    const small = await testArclight({ journalSize: 2 });
    const off = await testArclight({ journalSize: 0 });
    try {
      for (const server of [small, off]) {
        for (let i = 0; i < 3; i++) await request(server.app).get(`/subscriptions/${SUB}?api-version=2022-12-01&n=${i}`).set('Authorization', bearer()).expect(200);
      }
      assert.equal(small.requests.list().length, 2);
      assert.deepEqual(off.requests.list(), []);
      assert.equal((await request(off.app).get('/_arclight/requests').expect(200)).body.value.length, 0);
    } finally {
      small.close();
      off.close();
    }
  });
});

describe('request journal ring', () => {
  const entry = (n: number) => ({
    id: String(n), timeMs: Date.UTC(2030, 0, 1) + n, method: 'PUT', path: `/p/${n}`, apiVersion: null, status: 200, errorCode: null, durationMs: 0, principal: null,
    clientRequestId: null, fault: null, rawHeaders: ['Content-Type', 'application/json', 'Authorization', 'Bearer secret-token'], bodyText: JSON.stringify({ n }),
  });

  it('keeps headers and bodies for the newest entries only, and the rest of every entry', () => {
    const ring = new RequestJournal(BODIES_KEPT + 5);
    for (let n = 0; n < BODIES_KEPT + 10; n++) ring.record(entry(n));
    const all = ring.list();
    assert.equal(all.length, BODIES_KEPT + 5);
    assert.equal(all[0].path, `/p/${BODIES_KEPT + 9}`);
    assert.equal(all[0].time, new Date(Date.UTC(2030, 0, 1) + BODIES_KEPT + 9).toISOString());
    assert.deepEqual(all[0].requestHeaders, { 'content-type': 'application/json', authorization: '[redacted]' });
    assert.deepEqual(all[BODIES_KEPT - 1].requestBody, { n: 10 });
    assert.equal(all[BODIES_KEPT].requestBody, undefined);
    assert.equal(all[BODIES_KEPT].requestHeaders, undefined);
    assert.equal(all[all.length - 1].path, '/p/5');
  });

  it('gives back every field as recorded, whatever text it holds', () => {
    const ring = new RequestJournal(10);
    const awkward = {
      ...entry(1), apiVersion: '', errorCode: 'Two\nlines', principal: '"quoted"', clientRequestId: '\\"', fault: 'rule-1', durationMs: 12.345, timeMs: 1.5,
      rawHeaders: ['X-Empty', '', 'X-Repeated', 'a', 'x-repeated', 'b', 'X-Ms-Token', 'not kept'], bodyText: '{\n  "text": "a\\nb"\n}\n',
    };
    ring.record(awkward);
    ring.record({ ...entry(2), rawHeaders: [], bodyText: '' });
    ring.record({ ...entry(3), rawHeaders: undefined });
    const [none, empty, first] = ring.list();
    const { id, method, path, apiVersion, status, errorCode, durationMs, principal, clientRequestId, fault } = awkward;
    assert.deepEqual(first, {
      id, time: new Date(1.5).toISOString(), method, path, apiVersion, status, errorCode, durationMs, principal, clientRequestId, fault,
      requestHeaders: { 'x-empty': '', 'x-repeated': 'a, b', 'x-ms-token': '[redacted]' }, requestBody: { text: 'a\nb' },
    });
    assert.deepEqual([empty.requestHeaders, empty.requestBody], [{}, '']);
    assert.deepEqual([none.requestHeaders, none.requestBody], [undefined, { n: 3 }]);
  });
});
