/**
 * Every api-version the manifest lists is served, and the Microsoft.Resources versions real
 * clients send (Azure CLI profiles, the SDKs, k8s-extension) are among them.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { bearer, SUB, testArclight, TestArclight } from '../support/arclight';
import { CLUSTER_VERSIONS, createGroup } from '../support/clusters';

const CLIENT_RESOURCE_VERSIONS = ['2019-11-01', '2021-04-01', '2022-09-01', '2022-12-01', '2024-03-01', '2025-04-01'];

describe('api-versions served', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight();
    await createGroup(a.app, 'rg');
  });
  after(() => a.close());
  const versions = (namespace: string) => Object.keys(a.services.catalog.provider(namespace)!.definitions);
  const get = (path: string) => request(a.app).get(path).set('Authorization', bearer());

  it('serves resource groups in every Microsoft.Resources version, the ones clients use included', async () => {
    for (const v of CLIENT_RESOURCE_VERSIONS) assert.ok(versions('Microsoft.Resources').includes(v), v);
    for (const v of versions('Microsoft.Resources')) {
      const one = await get(`/subscriptions/${SUB}/resourcegroups/rg?api-version=${v}`);
      assert.equal(one.status, 200, `${v}: ${one.text}`);
      assert.equal(one.body.name, 'rg');
      const list = await get(`/subscriptions/${SUB}/resourcegroups?api-version=${v}`);
      assert.equal(list.status, 200, `${v}: ${list.text}`);
    }
  });

  it('serves connected clusters in every Microsoft.Kubernetes version, the ones the per-version tests walk', async () => {
    assert.deepEqual(versions('Microsoft.Kubernetes').sort(), [...CLUSTER_VERSIONS].sort(), 'a newly vendored version must join CLUSTER_VERSIONS');
    for (const v of versions('Microsoft.Kubernetes')) {
      const res = await get(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters?api-version=${v}`);
      assert.equal(res.status, 200, `${v}: ${res.text}`);
      assert.deepEqual(res.body, { value: [] });
    }
  });
});
