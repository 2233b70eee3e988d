/** Resource groups: create/update, get, HEAD, PATCH, delete (LRO, cascading), list paging and filters. */
import { strict as assert } from 'assert';
import request from 'supertest';
import { bearer, SUB, testArclight, TestArclight } from '../support/arclight';

const RG = `/subscriptions/${SUB}/resourcegroups`;
const V = 'api-version=2021-04-01';

describe('resource groups', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight({ pageSize: 3 });
  });
  after(() => a.close());
  beforeEach(() => a.reset());

  const call = (method: 'get' | 'put' | 'patch' | 'delete' | 'head', path: string) => request(a.app)[method](path).set('Authorization', bearer());

  it('creates with 201, updates with 200, and stores the canonical location', async () => {
    const created = await call('put', `${RG}/g1?${V}`).send({ location: 'West Europe', tags: { env: 'test' } }).expect(201);
    assert.deepEqual(created.body, {
      id: `/subscriptions/${SUB}/resourceGroups/g1`, name: 'g1', type: 'Microsoft.Resources/resourceGroups',
      location: 'westeurope', tags: { env: 'test' }, properties: { provisioningState: 'Succeeded' },
    });
    const updated = await call('put', `${RG}/g1?${V}`).send({ location: 'westeurope' }).expect(200);
    assert.equal(updated.body.tags, undefined, 'PUT replaces: no tags sent, none kept');
  });

  it('refuses another location for an existing group: 409 InvalidResourceGroupLocation', async () => {
    await call('put', `${RG}/g1?${V}`).send({ location: 'eastus' }).expect(201);
    const res = await call('put', `${RG}/g1?${V}`).send({ location: 'westus' }).expect(409);
    assert.deepEqual(res.body.error, { code: 'InvalidResourceGroupLocation', message: "Invalid resource group location 'westus'. The Resource group already exists in location 'eastus'." });
  });

  it('refuses unknown locations and invalid names', async () => {
    const loc = await call('put', `${RG}/g1?${V}`).send({ location: 'atlantis' }).expect(400);
    assert.equal(loc.body.error.code, 'LocationNotAvailableForResourceGroup');
    const name = await call('put', `${RG}/bad!name?${V}`).send({ location: 'eastus' }).expect(400);
    assert.equal(name.body.error.code, 'InvalidResourceGroup');
    assert.match(name.body.error.message, /invalid characters: '!'/);
    await call('put', `${RG}/${'a'.repeat(91)}?${V}`).send({ location: 'eastus' }).expect(400);
    await call('put', `${RG}/ends.?${V}`).send({ location: 'eastus' }).expect(400);
  });

  it('validates tags: at most 50, no reserved characters in names (400 InvalidTag)', async () => {
    const many = Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`t${i}`, 'v']));
    const res = await call('put', `${RG}/g1?${V}`).send({ location: 'eastus', tags: many }).expect(400);
    assert.equal(res.body.error.code, 'InvalidTag');
    const chars = await call('put', `${RG}/g1?${V}`).send({ location: 'eastus', tags: { 'a/b': 'v' } }).expect(400);
    assert.equal(chars.body.error.code, 'InvalidTag');
    await call('put', `${RG}/g1?${V}`).send({ location: 'eastus', tags: Object.fromEntries(Array.from({ length: 50 }, (_, i) => [`t${i}`, 'v'])) }).expect(201);
  });

  it('answers HEAD with 204 when the group exists and 404 without a body when not', async () => {
    await call('put', `${RG}/g1?${V}`).send({ location: 'eastus' }).expect(201);
    await call('head', `${RG}/g1?${V}`).expect(204);
    const missing = await call('head', `${RG}/nope?${V}`).expect(404);
    assert.equal(missing.text, undefined);
  });

  it('answers GET of a missing group with 404 ResourceGroupNotFound', async () => {
    const res = await call('get', `${RG}/nope?${V}`).expect(404);
    assert.deepEqual(res.body.error, { code: 'ResourceGroupNotFound', message: "Resource group 'nope' could not be found." });
  });

  it('PATCH replaces the whole tag set and keeps the rest', async () => {
    await call('put', `${RG}/g1?${V}`).send({ location: 'eastus', tags: { a: '1', b: '2' } }).expect(201);
    const res = await call('patch', `${RG}/g1?${V}`).send({ tags: { c: '3' } }).expect(200);
    assert.deepEqual(res.body.tags, { c: '3' });
    assert.equal(res.body.location, 'eastus');
  });

  it('deletes with 202 + Location, and the operation ends in 200 with the group gone', async () => {
    await call('put', `${RG}/g1?${V}`).send({ location: 'eastus' }).expect(201);
    const del = await call('delete', `${RG}/g1?${V}`).expect(202);
    const location = new URL(del.headers.location);
    assert.match(location.pathname, new RegExp(`^/subscriptions/${SUB}/operationresults/[0-9a-f-]{36}$`));
    assert.equal(location.searchParams.get('api-version'), '2021-04-01');
    assert.ok(Number(del.headers['retry-after']) >= 1);
    const poll = await call('get', location.pathname + location.search).expect(200);
    assert.equal(poll.text, '');
    await call('get', `${RG}/g1?${V}`).expect(404);
  });

  it('keeps the operation running for --lro-delay seconds of the emulator clock', async () => {
    const slow = await testArclight({ lroDelay: 30 });
    try {
      const c = (m: 'get' | 'put' | 'delete', p: string) => request(slow.app)[m](p).set('Authorization', bearer());
      await c('put', `${RG}/g1?${V}`).send({ location: 'eastus' }).expect(201);
      const del = await c('delete', `${RG}/g1?${V}`).expect(202);
      assert.equal(del.headers['retry-after'], '30');
      const url = new URL(del.headers.location);
      const running = await c('get', url.pathname + url.search).expect(202);
      assert.ok(running.headers.location);
      const group = await c('get', `${RG}/g1?${V}`).expect(200);
      assert.equal(group.body.properties.provisioningState, 'Deleting');
      slow.services.clock.advance(31_000);
      await c('get', url.pathname + url.search).expect(200);
      await c('get', `${RG}/g1?${V}`).expect(404);
    } finally {
      slow.close();
    }
  });

  it('deleting a group deletes every resource inside it', async () => {
    await call('put', `${RG}/g1?${V}`).send({ location: 'eastus' }).expect(201);
    const now = Date.now();
    const put = (key: string, type: string) => a.services.store.resources.put({
      key: key.toLowerCase(), id: key, type, subscriptionId: SUB, resourceGroup: 'g1', parentKey: `/subscriptions/${SUB}/resourcegroups/g1`,
      tracked: true, body: { id: key, name: 'x', type, location: 'eastus' }, etag: '1', createdAt: now, updatedAt: now,
    });
    put(`/subscriptions/${SUB}/resourceGroups/g1/providers/Microsoft.Kubernetes/connectedClusters/c1`, 'microsoft.kubernetes/connectedclusters');
    put(`/subscriptions/${SUB}/resourceGroups/g1-other/providers/Microsoft.Kubernetes/connectedClusters/c2`, 'microsoft.kubernetes/connectedclusters');
    await call('delete', `${RG}/g1?${V}`).expect(202);
    await call('get', `/subscriptions/${SUB}/resources?${V}`).expect(200); // settles the due operation
    assert.equal(a.services.store.resources.get(`/subscriptions/${SUB}/resourcegroups/g1/providers/microsoft.kubernetes/connectedclusters/c1`), undefined);
    assert.ok(a.services.store.resources.get(`/subscriptions/${SUB}/resourcegroups/g1-other/providers/microsoft.kubernetes/connectedclusters/c2`), 'a group whose name starts the same is untouched');
  });

  it('lists in pages with nextLink, and the last page has none', async () => {
    for (const n of ['a', 'b', 'c', 'd', 'e', 'f', 'g']) await call('put', `${RG}/${n}?${V}`).send({ location: 'eastus' }).expect(201);
    const names: string[] = [];
    let next: string | undefined = `${RG}?${V}`;
    let pages = 0;
    while (next) {
      const res: request.Response = await call('get', next).expect(200);
      names.push(...res.body.value.map((g: { name: string }) => g.name));
      next = res.body.nextLink && new URL(res.body.nextLink).pathname + new URL(res.body.nextLink).search;
      if (res.body.nextLink) assert.match(res.body.nextLink, /^http:\/\/127\.0\.0\.1:\d+\/subscriptions\/.*(\$|%24)skipToken=/);
      pages++;
    }
    assert.deepEqual(names, ['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    assert.equal(pages, 3);
  });

  it('honours $top as the page size', async () => {
    for (const n of ['a', 'b', 'c']) await call('put', `${RG}/${n}?${V}`).send({ location: 'eastus' }).expect(201);
    const res = await call('get', `${RG}?${V}&$top=2`).expect(200);
    assert.equal(res.body.value.length, 2);
    assert.match(res.body.nextLink, /%24top=2|\$top=2/);
  });

  it('filters by tagName and tagValue, and refuses other filters with 400 InvalidFilterInQueryString', async () => {
    await call('put', `${RG}/a?${V}`).send({ location: 'eastus', tags: { env: 'prod' } }).expect(201);
    await call('put', `${RG}/b?${V}`).send({ location: 'eastus', tags: { env: 'dev' } }).expect(201);
    await call('put', `${RG}/c?${V}`).send({ location: 'eastus' }).expect(201);
    const byName = await call('get', `${RG}?${V}&$filter=${encodeURIComponent("tagName eq 'env'")}`).expect(200);
    assert.deepEqual(byName.body.value.map((g: { name: string }) => g.name), ['a', 'b']);
    const byValue = await call('get', `${RG}?${V}&$filter=${encodeURIComponent("tagName eq 'env' and tagValue eq 'PROD'")}`).expect(200);
    assert.deepEqual(byValue.body.value.map((g: { name: string }) => g.name), ['a']);
    const bad = await call('get', `${RG}?${V}&$filter=${encodeURIComponent("location eq 'eastus'")}`).expect(400);
    assert.equal(bad.body.error.code, 'InvalidFilterInQueryString');
  });
});
