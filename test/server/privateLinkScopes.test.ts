/** Microsoft.KubernetesConfiguration/privateLinkScopes: a tracked resource in a resource group, in both its versions. */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { clusterPath, createGroup, groupPath } from '../support/clusters';

const VERSIONS = ['2022-04-02-preview', '2024-11-01-preview'];
const scopes = (group = 'rg') => `${groupPath(group)}/providers/Microsoft.KubernetesConfiguration/privateLinkScopes`;

describe('privateLinkScopes', () => {
  const a = arclightPerSuite({}, (i) => createGroup(i.app, 'rg'));
  const call = (method: 'get' | 'put' | 'delete' | 'patch', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const body = (extra: Record<string, unknown> = {}) => ({ location: 'westus', properties: { clusterResourceId: clusterPath('rg', 'c1') }, ...extra });

  for (const v of VERSIONS) {
    it(`creates (201, then 200), reads, lists, patches tags and deletes (200, then 204) (${v})`, async () => {
      const created = await call('put', `${scopes()}/pls1?api-version=${v}`).send(body()).expect(201);
      assert.equal(created.body.type, 'Microsoft.KubernetesConfiguration/privateLinkScopes');
      assert.equal(created.body.location, 'westus');
      assert.deepEqual(created.body.tags, {});
      const p = created.body.properties;
      assert.equal(p.provisioningState, 'Succeeded');
      assert.equal(p.publicNetworkAccess, 'Disabled');
      assert.match(p.privateLinkScopeId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(p.privateEndpointConnections, []);

      const again = await call('put', `${scopes()}/pls1?api-version=${v}`).send(body({ properties: { clusterResourceId: clusterPath('rg', 'c1'), publicNetworkAccess: 'Enabled' } })).expect(200);
      assert.equal(again.body.properties.privateLinkScopeId, p.privateLinkScopeId, 'the scope keeps its id');
      assert.equal(again.body.properties.publicNetworkAccess, 'Enabled');

      assert.equal((await call('get', `${scopes()}/pls1?api-version=${v}`).expect(200)).body.name, 'pls1');
      assert.deepEqual((await call('get', `${scopes()}?api-version=${v}`).expect(200)).body.value.map((s: { name: string }) => s.name), ['pls1']);
      const bySub = await call('get', `/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration/privateLinkScopes?api-version=${v}`).expect(200);
      assert.deepEqual(bySub.body.value.map((s: { name: string }) => s.name), ['pls1']);

      const patched = await call('patch', `${scopes()}/pls1?api-version=${v}`).send({ tags: { team: 'arc' } }).expect(200);
      assert.deepEqual(patched.body.tags, { team: 'arc' });
      assert.equal(patched.body.properties.publicNetworkAccess, 'Enabled');

      await call('delete', `${scopes()}/pls1?api-version=${v}`).expect(200);
      await call('delete', `${scopes()}/pls1?api-version=${v}`).expect(204);
      await call('get', `${scopes()}/pls1?api-version=${v}`).expect(404);
    });
  }

  it('requires clusterResourceId, also of a body without properties', async () => {
    const bare = await call('put', `${scopes()}/pls1?api-version=2022-04-02-preview`).send({ location: 'westus' }).expect(400);
    assert.equal(bare.body.error.code, 'InvalidRequestContent');
    assert.match(bare.body.error.message, /clusterResourceId/);
    await call('put', `${scopes()}/pls1?api-version=2024-11-01-preview`).send({ location: 'westus', properties: {} }).expect(400);
  });

  it('takes a location the configuration types are offered in', async () => {
    const res = await call('put', `${scopes()}/pls1?api-version=2024-11-01-preview`).send(body({ location: 'nowhere' })).expect(400);
    assert.equal(res.body.error.code, 'LocationNotAvailableForResourceType');
  });

  it('goes with its resource group', async () => {
    await call('put', `${scopes()}/pls1?api-version=2024-11-01-preview`).send(body()).expect(201);
    await call('delete', `${groupPath('rg')}?api-version=2021-04-01`).expect(202);
    await createGroup(a.app, 'rg');
    await call('get', `${scopes()}/pls1?api-version=2024-11-01-preview`).expect(404);
  });

  it('answers 501 NotImplemented for its endpoint connections and link resources, which need Microsoft.Network', async () => {
    await call('put', `${scopes()}/pls1?api-version=2024-11-01-preview`).send(body()).expect(201);
    const res = await call('get', `${scopes()}/pls1/privateEndpointConnections?api-version=2024-11-01-preview`).expect(501);
    assert.equal(res.body.error.code, 'NotImplemented');
    await call('get', `${scopes()}/pls1/privateLinkResources?api-version=2024-11-01-preview`).expect(501);
  });
});
