/**
 * Microsoft.KubernetesConfiguration/extensionTypes: the catalog, location- and cluster-scoped,
 * in every api-version that has it (the response schema check of every answer is the suite's).
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { clusterPath, createCluster, createGroup, groupPath } from '../support/clusters';
import type { JsonObject } from '../../protocol/json';

const KC = 'providers/Microsoft.KubernetesConfiguration';
const LEGACY = ['2021-05-01-preview', '2021-11-01-preview', '2022-01-01-preview', '2022-01-15-preview'];
const CURRENT = ['2023-05-01-preview', '2024-11-01-preview', '2024-11-02-preview', '2026-04-01-preview', '2026-04-01', '2026-05-01'];
const location = (region: string, rest = '') => `/subscriptions/${SUB}/${KC}/locations/${region}/extensionTypes${rest}`;
const aks = (name: string) => `${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters/${name}`;

describe('extension types', () => {
  const a = arclightPerSuite({ pageSize: 3 }, async (i) => {
    await createCluster(i.app, 'rg', 'c1');
    await request(i.app).put(`${aks('aks1')}?api-version=2024-05-01`).set('Authorization', bearer()).send({ location: 'westus2' }).expect(201);
  });
  const get = (path: string, v: string, query = '') => request(a.app).get(`${path}?api-version=${v}${query}`).set('Authorization', bearer());
  /** Every page of a list, following nextLink. */
  const all = async (path: string, v: string, query = '') => {
    const items: JsonObject[] = [];
    let res = await get(path, v, query).expect(200);
    items.push(...res.body.value);
    for (let pages = 0; res.body.nextLink && pages < 50; pages++) {
      const next = new URL(res.body.nextLink);
      res = await request(a.app).get(next.pathname + next.search).set('Authorization', bearer()).expect(200);
      items.push(...res.body.value);
    }
    assert.equal(res.body.nextLink, undefined);
    return items;
  };

  describe('by location (2023-05-01-preview on)', () => {
    for (const v of CURRENT) {
      it(`lists what a region offers, paged, with each type's scopes and cluster types (${v})`, async () => {
        const types = await all(location('eastus'), v);
        const names = types.map((t) => t.name);
        for (const known of ['microsoft.flux', 'microsoft.azuremonitor.containers', 'microsoft.azurekeyvaultsecretsprovider', 'microsoft.policyinsights', 'microsoft.dapr',
          'microsoft.openservicemesh', 'microsoft.azureml.kubernetes', 'microsoft.azuredefender.kubernetes', 'microsoft.web.appservice', 'microsoft.arcdataservices', 'microsoft.iotoperations']) {
          assert.ok(names.includes(known), known);
        }
        assert.deepEqual(names, [...names].sort(), 'in name order, across pages');
        const flux = types.find((t) => t.name === 'microsoft.flux')!;
        assert.equal(flux.id, `/subscriptions/${SUB}/${KC}/locations/eastus/extensionTypes/microsoft.flux`);
        assert.equal(flux.type, 'Microsoft.KubernetesConfiguration/extensionTypes');
        assert.deepEqual(flux.properties.supportedClusterTypes, ['connectedClusters', 'managedClusters', 'provisionedClusters']);
        assert.equal(flux.properties.supportedScopes.defaultScope, 'cluster');
        assert.deepEqual(flux.properties.supportedScopes.clusterScopeSettings.properties, { allowMultipleInstances: false, defaultReleaseNamespace: 'flux-system' });
        assert.equal(flux.properties.publisher, 'Microsoft');
        assert.equal(flux.properties.isSystemExtension, false);
      });
    }

    it('offers a type only in its regions', async () => {
      const west = (await all(location('westus2'), '2023-05-01-preview')).map((t) => t.name);
      assert.ok(!west.includes('microsoft.web.appservice'), 'App Service is registered in a few regions only');
      const res = await get(location('westus2', '/microsoft.web.appservice'), '2023-05-01-preview').expect(404);
      assert.equal(res.body.error.code, 'ResourceNotFound');
      assert.equal(res.body.error.message, 'Extension type microsoft.web.appservice is not registered in region westus2.');
      await get(location('West Europe', '/microsoft.web.appservice'), '2023-05-01-preview').expect(200);
    });

    it('filters by cluster type, release train and plan', async () => {
      const managed = (await all(location('eastus'), '2023-05-01-preview', '&clusterType=managedCluster')).map((t) => t.name);
      assert.ok(managed.includes('microsoft.flux'));
      assert.ok(!managed.includes('microsoft.azuremonitor.containers'), 'Container Insights (Arc) is for connected and provisioned clusters');
      const preview = (await all(location('eastus'), '2023-05-01-preview', '&releaseTrain=Preview')).map((t) => t.name);
      assert.ok(preview.includes('microsoft.flux') && !preview.includes('microsoft.policyinsights'));
      const byPublisher = (await all(location('eastus'), '2023-05-01-preview', '&publisherId=Microsoft.AzureDefender')).map((t) => t.name);
      assert.deepEqual(byPublisher, ['microsoft.azuredefender.kubernetes']);
    });

    it('reads one type by name, case-insensitively, and refuses an unknown one', async () => {
      const res = await get(location('eastus', '/Microsoft.Flux'), '2024-11-02-preview').expect(200);
      assert.equal(res.body.name, 'microsoft.flux');
      const missing = await get(location('eastus', '/contoso.nothing'), '2024-11-02-preview').expect(404);
      assert.equal(missing.body.error.code, 'ResourceNotFound');
    });

    it('lists versions newest first: a release train (stable by default), a major version, the latest', async () => {
      const stable = await all(location('eastus', '/microsoft.flux/versions'), '2023-05-01-preview');
      assert.deepEqual(stable.map((x) => x.name), ['1.17.3', '1.17.2', '1.16.12', '1.16.2', '1.15.1']);
      assert.equal(stable[0].id, `/subscriptions/${SUB}/${KC}/locations/eastus/extensionTypes/microsoft.flux/versions/1.17.3`);
      assert.equal(stable[0].type, 'Microsoft.KubernetesConfiguration/extensionTypes/versions');
      assert.equal(stable[0].properties.version, '1.17.3');
      const preview = await all(location('eastus', '/microsoft.flux/versions'), '2023-05-01-preview', '&releaseTrain=preview');
      assert.deepEqual(preview.map((x) => x.name), ['1.18.0']);
      const dapr = await all(location('eastus', '/microsoft.dapr/versions'), '2023-05-01-preview', '&majorVersion=1&showLatest=true');
      assert.deepEqual(dapr.map((x) => x.name), ['1.15.4']);
      const none = await all(location('eastus', '/microsoft.dapr/versions'), '2023-05-01-preview', '&majorVersion=2');
      assert.deepEqual(none, []);
    });

    it('reads one version, and refuses one the type does not have', async () => {
      const res = await get(location('eastus', '/microsoft.dapr/versions/1.6.0'), '2023-05-01-preview').expect(200);
      assert.equal(res.body.properties.version, '1.6.0');
      const missing = await get(location('eastus', '/microsoft.dapr/versions/9.9.9'), '2023-05-01-preview').expect(404);
      assert.equal(missing.body.error.code, 'ResourceNotFound');
    });

    it('refuses a location Microsoft.KubernetesConfiguration is not offered in: 400 NoRegisteredProviderFound', async () => {
      const res = await get(location('atlantis'), '2023-05-01-preview').expect(400);
      assert.equal(res.body.error.code, 'NoRegisteredProviderFound');
      assert.match(res.body.error.message, /for type 'Microsoft.KubernetesConfiguration\/locations\/extensionTypes'/);
    });
  });

  describe('by location (2021-05-01-preview to 2022-01-15-preview)', () => {
    for (const v of LEGACY) {
      it(`lists types with their release trains, and each train's versions (${v})`, async () => {
        const types = await all(location('eastus'), v);
        // Before 2022-01-15-preview a type has no id or name: flux is the one released into flux-system.
        const scopes = (t: JsonObject) => t.properties.supportedScopes;
        const flux = (v === '2022-01-15-preview' ? types.find((t) => t.name === 'microsoft.flux')
          : types.find((t) => (scopes(t).clusterScopeSettings?.properties ?? scopes(t).clusterScopeSettings)?.defaultReleaseNamespace === 'flux-system'))!;
        assert.deepEqual(flux.properties.releaseTrains, ['stable', 'preview']);
        if (v !== '2022-01-15-preview') {
          assert.equal(flux.properties.clusterTypes, 'connectedClusters', 'up to 2022-01-01-preview a type names one cluster type');
          assert.deepEqual(scopes(flux).clusterScopeSettings.properties, { allowMultipleInstances: false, defaultReleaseNamespace: 'flux-system' });
        } else {
          assert.deepEqual(flux.properties.clusterTypes, ['connectedClusters', 'managedClusters', 'provisionedClusters']);
          assert.deepEqual(scopes(flux), { defaultScope: 'cluster', clusterScopeSettings: { allowMultipleInstances: false, defaultReleaseNamespace: 'flux-system' } });
        }
        const versions = await get(location('eastus', '/microsoft.flux/versions'), v).expect(200);
        assert.deepEqual(versions.body[v === '2022-01-15-preview' ? 'value' : 'versions'], [
          { releaseTrain: 'stable', versions: ['1.17.3', '1.17.2', '1.16.12', '1.16.2', '1.15.1'] },
          { releaseTrain: 'preview', versions: ['1.18.0'] },
        ]);
      });
    }
  });

  describe('by cluster', () => {
    it('lists what installs on the cluster: its kind and its region', async () => {
      const connected = (await all(`${clusterPath('rg', 'c1')}/${KC}/extensionTypes`, '2023-05-01-preview')).map((t) => t.name);
      assert.ok(connected.includes('microsoft.azuremonitor.containers') && connected.includes('microsoft.web.appservice'));
      const managed = await all(`${aks('aks1')}/${KC}/extensionTypes`, '2023-05-01-preview');
      const names = managed.map((t) => t.name);
      assert.ok(names.includes('microsoft.flux') && names.includes('microsoft.dapr'));
      assert.ok(!names.includes('microsoft.azuremonitor.containers') && !names.includes('microsoft.web.appservice'));
      assert.equal(managed[0].id, `${aks('aks1')}/${KC}/extensionTypes/${managed[0].name}`);
    });

    it('reads a type, and refuses one the cluster kind does not take with Azure\'s words', async () => {
      const flux = await get(`${clusterPath('rg', 'c1')}/${KC}/extensionTypes/microsoft.flux`, '2024-11-02-preview').expect(200);
      assert.equal(flux.body.id, `${clusterPath('rg', 'c1')}/${KC}/extensionTypes/microsoft.flux`);
      const refused = await get(`${aks('aks1')}/${KC}/extensionTypes/microsoft.azuremonitor.containers`, '2024-11-02-preview').expect(404);
      assert.equal(refused.body.error.message,
        "Extension type 'microsoft.azuremonitor.containers' is not supported in region 'westus2' for cluster type: ManagedClusters. Please refer to https://aka.ms/k8s-extensions-list-cluster for a list of supported extension types for this cluster.");
    });

    it('lists and reads versions of a type for the cluster', async () => {
      const latest = await all(`${clusterPath('rg', 'c1')}/${KC}/extensionTypes/microsoft.flux/versions`, '2023-05-01-preview', '&showLatest=true');
      assert.deepEqual(latest.map((x) => x.name), ['1.17.3']);
      assert.equal(latest[0].id, `${clusterPath('rg', 'c1')}/${KC}/extensionTypes/microsoft.flux/versions/1.17.3`);
      const one = await get(`${clusterPath('rg', 'c1')}/${KC}/extensionTypes/microsoft.flux/versions/1.16.12`, '2023-05-01-preview').expect(200);
      assert.equal(one.body.name, '1.16.12');
    });

    for (const v of LEGACY) {
      it(`lists and reads types in the older shape (${v})`, async () => {
        const listed = await all(`${clusterPath('rg', 'c1')}/${KC}/extensionTypes`, v);
        assert.ok(listed.length > 5);
        const one = await get(`${clusterPath('rg', 'c1')}/${KC}/extensionTypes/microsoft.dapr`, v).expect(200);
        assert.ok(one.body.properties.releaseTrains.includes('stable'));
      });
    }

    it('needs the cluster: 404 ParentResourceNotFound', async () => {
      const res = await get(`${clusterPath('rg', 'ghost')}/${KC}/extensionTypes`, '2023-05-01-preview').expect(404);
      assert.equal(res.body.error.code, 'ParentResourceNotFound');
    });

    it('needs the resource group and the subscription', async () => {
      const res = await get(`${groupPath('nogroup')}/providers/Microsoft.Kubernetes/connectedClusters/c1/${KC}/extensionTypes`, '2023-05-01-preview').expect(404);
      assert.equal(res.body.error.code, 'ResourceGroupNotFound');
      await createGroup(a.app, 'rg');
    });
  });

  it('answers InvalidResourceType for an api-version without extension types, listing those that have them', async () => {
    const res = await get(location('eastus'), '2023-05-01').expect(404);
    assert.equal(res.body.error.code, 'InvalidResourceType');
    assert.match(res.body.error.message, /2026-05-01,2026-04-01-preview,2026-04-01,2024-11-02-preview,2024-11-01-preview,2023-05-01-preview,2022-01-15-preview,2022-01-01-preview,2021-11-01-preview,2021-05-01-preview/);
  });

  it('is advertised in the provider document', async () => {
    const res = await request(a.app).get(`/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration?api-version=2021-04-01`).set('Authorization', bearer()).expect(200);
    const types = new Map(res.body.resourceTypes.map((t: { resourceType: string; apiVersions: string[] }) => [t.resourceType, t.apiVersions]));
    for (const type of ['extensionTypes', 'locations/extensionTypes', 'locations/extensionTypes/versions']) {
      assert.deepEqual(types.get(type), [...CURRENT, ...LEGACY].sort().reverse(), type);
    }
  });
});
