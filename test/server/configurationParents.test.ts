/**
 * Microsoft.KubernetesConfiguration around its resources: the clusters they live on (connected
 * clusters and the stand-in parents), cascades when a cluster or its group goes, and the
 * provider's operation list.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer } from '../support/arclight';
import { clusterPath, createCluster, createGroup, groupPath } from '../support/clusters';
import { configPath, extensionBody, fluxBody, sourceControlBody } from '../support/configurations';

const KC = 'providers/Microsoft.KubernetesConfiguration';

describe('configuration parents and cascades', () => {
  const a = arclightPerSuite();

  const call = (method: 'get' | 'put' | 'delete', path: string) => request(a.app)[method](path).set('Authorization', bearer());

  it('needs the connected cluster: 404 ParentResourceNotFound with Azure\'s message', async () => {
    await createGroup(a.app, 'rg');
    for (const [method, path] of [['put', configPath('rg', 'ghost', 'extensions', 'e')], ['get', configPath('rg', 'ghost', 'extensions', 'e')], ['get', configPath('rg', 'ghost', 'fluxConfigurations')]] as const) {
      const res = await call(method, `${path}?api-version=2023-05-01`).send(method === 'put' ? extensionBody() : undefined).expect(404);
      assert.equal(res.body.error.code, 'ParentResourceNotFound');
      assert.equal(res.body.error.message, "Can not perform requested operation on nested resource. Parent resource 'ghost' not found.");
    }
  });

  it('refuses other clusterRp/clusterResourceName pairs with the list of valid ones', async () => {
    await createGroup(a.app, 'rg');
    const res = await call('put', `${groupPath('rg')}/providers/Microsoft.Compute/virtualMachines/vm1/${KC}/extensions/e?api-version=2023-05-01`).send(extensionBody()).expect(400);
    assert.equal(res.body.error.code, 'InvalidParameter');
    for (const pair of ['Microsoft.Kubernetes/connectedClusters', 'Microsoft.ContainerService/managedClusters', 'Microsoft.HybridContainerService/provisionedClusters', 'Microsoft.ResourceConnector/appliances']) {
      assert.ok(res.body.error.message.includes(`'${pair}'`), pair);
    }
  });

  it('matches the parent case-insensitively and returns canonical provider and type names', async () => {
    await createCluster(a.app, 'rg', 'c1');
    const path = `${groupPath('rg')}/providers/microsoft.kubernetes/CONNECTEDCLUSTERS/c1/${KC}/extensions/e?api-version=2023-05-01`;
    const res = await call('put', path).send(extensionBody()).expect(201);
    assert.equal(res.body.id, configPath('rg', 'c1', 'extensions', 'e'));
  });

  describe('stand-in parents', () => {
    const aks = (name = 'aks1', v = '2022-11-01') => `${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters/${name}?api-version=${v}`;

    it('creates, reads, lists and deletes managed clusters, provisioned clusters and appliances', async () => {
      await createGroup(a.app, 'rg');
      const created = await call('put', aks()).send({ location: 'West Europe', tags: { env: 'test' }, properties: { kubernetesVersion: '1.30' } }).expect(201);
      assert.equal(created.body.location, 'westeurope');
      assert.equal(created.body.properties.provisioningState, 'Succeeded');
      assert.equal(created.body.properties.kubernetesVersion, '1.30');
      await call('put', aks()).send({ location: 'westeurope' }).expect(200);
      const moved = await call('put', aks()).send({ location: 'eastus' }).expect(409);
      assert.equal(moved.body.error.code, 'InvalidResourceLocation');
      const list = await call('get', `${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters?api-version=2024-05-01`).expect(200);
      assert.deepEqual(list.body.value.map((c: { name: string }) => c.name), ['aks1']);
      await call('put', `${groupPath('rg')}/providers/Microsoft.HybridContainerService/provisionedClusters/p1?api-version=2022-05-01-preview`).send({ location: 'eastus' }).expect(201);
      await call('put', `${groupPath('rg')}/providers/Microsoft.ResourceConnector/appliances/a1?api-version=2021-10-31-preview`).send({ location: 'eastus' }).expect(201);
      const bad = await call('put', aks('aks2')).send({ location: 'atlantis' }).expect(400);
      assert.equal(bad.body.error.code, 'LocationNotAvailableForResourceType');
      await call('delete', aks()).expect(200);
      await call('delete', aks()).expect(204);
      const gone = await call('get', aks()).expect(404);
      assert.equal(gone.body.error.code, 'ResourceNotFound');
    });

    it('hosts extensions and flux configurations, which go with it', async () => {
      await createGroup(a.app, 'rg');
      await call('put', aks()).send({ location: 'eastus' }).expect(201);
      const ext = `${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters/aks1/${KC}/extensions/flux?api-version=2023-05-01`;
      const res = await call('put', ext).send(extensionBody({ extensionType: 'microsoft.flux' })).expect(201);
      assert.equal(res.body.id, `${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters/aks1/${KC}/extensions/flux`);
      await call('get', ext).expect(200);
      await call('delete', aks()).expect(200);
      const after = await call('get', ext).expect(404);
      assert.equal(after.body.error.code, 'ParentResourceNotFound');
    });
  });

  describe('cascades', () => {
    const configurations = [
      ['extensions', 'e1', extensionBody()],
      ['fluxConfigurations', 'f1', fluxBody()],
      ['sourceControlConfigurations', 's1', sourceControlBody()],
    ] as const;
    const createAll = async () => {
      await createCluster(a.app, 'rg', 'c1');
      for (const [collection, name, body] of configurations) {
        await call('put', `${configPath('rg', 'c1', collection, name)}?api-version=2023-05-01`).send(body).expect(201);
      }
      assert.equal(a.services.store.resources.descendants(clusterPath('rg', 'c1').toLowerCase()).length, 3);
    };
    const assertAllGone = () => {
      assert.equal(a.services.store.resources.descendants(clusterPath('rg', 'c1').toLowerCase()).length, 0);
      for (const [collection, name] of configurations) {
        assert.equal(a.services.store.secrets.get(configPath('rg', 'c1', collection, name).toLowerCase()), undefined, `${collection} secrets`);
      }
    };

    it('deleting the connected cluster deletes its configurations and their secrets', async () => {
      await createAll();
      await call('delete', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).expect(202);
      for (const [collection, name] of configurations) {
        await call('get', `${configPath('rg', 'c1', collection, name)}?api-version=2023-05-01`).expect(404);
      }
      assertAllGone();
    });

    it('deleting the resource group deletes them too', async () => {
      await createAll();
      await call('delete', `${groupPath('rg')}?api-version=2021-04-01`).expect(202);
      for (const [collection, name] of configurations) {
        const res = await call('get', `${configPath('rg', 'c1', collection, name)}?api-version=2023-05-01`).expect(404);
        assert.equal(res.body.error.code, 'ResourceGroupNotFound');
      }
      assertAllGone();
    });
  });

  for (const v of ['2022-03-01', '2022-07-01', '2022-11-01', '2023-05-01', '2024-11-01', '2025-03-01', '2025-04-01', '2026-06-15-preview']) {
    it(`lists the provider's operations and a cluster's running operations (${v})`, async () => {
      const res = await call('get', `/providers/Microsoft.KubernetesConfiguration/operations?api-version=${v}`).expect(200);
      assert.ok(res.body.value.length > 0);
      for (const op of res.body.value) assert.match(op.name, /^Microsoft\.KubernetesConfiguration\//);
      await createCluster(a.app, 'rg', 'c1');
      const running = await call('get', `${configPath('rg', 'c1', 'operations')}?api-version=${v}`).expect(200);
      assert.deepEqual(running.body.value, []);
    });
  }

  it('answers InvalidResourceType, with the supported versions, for a type an api-version does not serve', async () => {
    await createCluster(a.app, 'rg', 'c1');
    const res = await call('get', `${configPath('rg', 'c1', 'extensions')}?api-version=2025-04-01`).expect(404);
    assert.equal(res.body.error.code, 'InvalidResourceType');
    assert.match(res.body.error.message, /2025-03-01/);
  });
});
