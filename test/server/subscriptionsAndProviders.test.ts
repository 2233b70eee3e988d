/** Subscriptions, tenants, locations, provider documents and registration, generic resource lists, cloud metadata. */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import request from 'supertest';
import { bearer, SUB, TENANT, testArclight, TestArclight } from '../support/arclight';

const OTHER_TENANT = '22222222-2222-2222-2222-222222222222';
const OTHER_SUB = '33333333-3333-3333-3333-333333333333';

describe('subscriptions, tenants, locations and providers', () => {
  let a: TestArclight;
  let seedFile: string;
  before(async () => {
    seedFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-seed-')), 'seed.json');
    fs.writeFileSync(seedFile, JSON.stringify({
      tenants: [{ tenantId: OTHER_TENANT, displayName: 'Contoso', defaultDomain: 'contoso.example' }],
      subscriptions: [{ subscriptionId: OTHER_SUB, tenantId: OTHER_TENANT, displayName: 'Contoso Dev', registeredProviders: [] }],
      resourceGroups: [{ subscriptionId: OTHER_SUB, name: 'seeded', location: 'East US' }],
    }));
    a = await testArclight({ seed: seedFile });
  });
  after(() => {
    a.close();
    fs.rmSync(path.dirname(seedFile), { recursive: true, force: true });
  });
  beforeEach(() => a.reset());

  const get = (p: string, claims?: Record<string, unknown>) => request(a.app).get(p).set('Authorization', bearer(claims));
  const post = (p: string) => request(a.app).post(p).set('Authorization', bearer());

  it('serves the default subscription and tenant', async () => {
    const sub = await get(`/subscriptions/${SUB}?api-version=2022-12-01`).expect(200);
    assert.equal(sub.body.displayName, 'Arclight Subscription');
    assert.equal(sub.body.tenantId, TENANT);
    assert.equal(sub.body.state, 'Enabled');
    const tenants = await get('/tenants?api-version=2022-12-01').expect(200);
    assert.deepEqual(tenants.body.value.map((t: { tenantId: string }) => t.tenantId).sort(), [TENANT, OTHER_TENANT].sort());
  });

  it('lists the subscriptions of the caller\'s tenant', async () => {
    const mine = await get('/subscriptions?api-version=2022-12-01').expect(200);
    assert.deepEqual(mine.body.value.map((s: { subscriptionId: string }) => s.subscriptionId), [SUB]);
    const theirs = await get('/subscriptions?api-version=2019-11-01', { tid: OTHER_TENANT }).expect(200);
    assert.deepEqual(theirs.body.value.map((s: { subscriptionId: string }) => s.subscriptionId), [OTHER_SUB]);
  });

  it('seeds resource groups from the seed file', async () => {
    const res = await get(`/subscriptions/${OTHER_SUB}/resourcegroups/seeded?api-version=2021-04-01`).expect(200);
    assert.equal(res.body.location, 'eastus');
  });

  it('serves the region catalog with paired regions', async () => {
    const res = await get(`/subscriptions/${SUB}/locations?api-version=2022-12-01`).expect(200);
    const eastus = res.body.value.find((l: { name: string }) => l.name === 'eastus');
    assert.equal(eastus.displayName, 'East US');
    assert.equal(eastus.regionalDisplayName, '(US) East US');
    assert.equal(eastus.metadata.geography, 'United States');
    assert.deepEqual(eastus.metadata.pairedRegion, [{ name: 'westus', id: `/subscriptions/${SUB}/locations/westus` }]);
    assert.ok(res.body.value.length > 50);
  });

  it('describes providers with their resource types, api-versions and locations', async () => {
    const res = await get(`/subscriptions/${SUB}/providers/microsoft.kubernetes?api-version=2021-04-01`).expect(200);
    assert.equal(res.body.namespace, 'Microsoft.Kubernetes');
    assert.equal(res.body.registrationState, 'Registered');
    assert.equal(res.body.registrationPolicy, 'RegistrationRequired');
    const cc = res.body.resourceTypes.find((t: { resourceType: string }) => t.resourceType === 'connectedClusters');
    assert.ok(cc.apiVersions.includes('2021-10-01') && cc.apiVersions.includes('2026-05-01'));
    assert.ok(cc.locations.includes('East US') && cc.locations.includes('West Europe'));
    assert.equal(cc.capabilities, 'SystemAssignedResourceIdentity, SupportsTags, SupportsLocation');
    const kc = await get(`/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration?api-version=2025-04-01`).expect(200);
    const flux = kc.body.resourceTypes.find((t: { resourceType: string }) => t.resourceType === 'fluxConfigurations');
    assert.ok(flux.apiVersions.includes('2025-04-01') && !flux.apiVersions.includes('2025-03-01'));
    const list = await get(`/subscriptions/${SUB}/providers?api-version=2021-04-01`).expect(200);
    assert.ok(list.body.value.some((p: { namespace: string }) => p.namespace === 'Microsoft.KubernetesConfiguration'));
  });

  it('registers and unregisters providers (Registering, then Registered)', async () => {
    const before = await get(`/subscriptions/${OTHER_SUB}/providers/Microsoft.Kubernetes?api-version=2021-04-01`).expect(200);
    assert.equal(before.body.registrationState, 'Unregistered');
    const reg = await post(`/subscriptions/${OTHER_SUB}/providers/Microsoft.Kubernetes/register?api-version=2021-04-01`).expect(200);
    assert.equal(reg.body.registrationState, 'Registering');
    const after = await get(`/subscriptions/${OTHER_SUB}/providers/Microsoft.Kubernetes?api-version=2021-04-01`).expect(200);
    assert.equal(after.body.registrationState, 'Registered');
    const unreg = await post(`/subscriptions/${OTHER_SUB}/providers/Microsoft.Kubernetes/unregister?api-version=2021-04-01`).expect(200);
    assert.equal(unreg.body.registrationState, 'Unregistering');
    const gone = await get(`/subscriptions/${OTHER_SUB}/providers/Microsoft.Kubernetes?api-version=2021-04-01`).expect(200);
    assert.equal(gone.body.registrationState, 'Unregistered');
  });

  it('refuses unknown namespaces', async () => {
    const res = await get(`/subscriptions/${SUB}/providers/Microsoft.Nope?api-version=2021-04-01`).expect(404);
    assert.equal(res.body.error.code, 'InvalidResourceNamespace');
  });

  it('lists generic resources with $filter, $expand and paging', async () => {
    await request(a.app).put(`/subscriptions/${SUB}/resourcegroups/g?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: 'eastus' }).expect(201);
    const now = Date.now();
    for (const name of ['c1', 'c2']) {
      const id = `/subscriptions/${SUB}/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/${name}`;
      a.services.store.resources.put({
        key: id.toLowerCase(), id, type: 'microsoft.kubernetes/connectedclusters', subscriptionId: SUB, resourceGroup: 'g',
        parentKey: `/subscriptions/${SUB}/resourcegroups/g`, tracked: true,
        body: { id, name, type: 'Microsoft.Kubernetes/connectedClusters', location: 'eastus', tags: { n: name }, properties: { provisioningState: 'Succeeded' } },
        etag: '1', createdAt: now, updatedAt: now,
      });
    }
    const all = await get(`/subscriptions/${SUB}/resources?api-version=2021-04-01&$expand=createdTime,provisioningState`).expect(200);
    assert.equal(all.body.value.length, 2);
    assert.equal(all.body.value[0].provisioningState, 'Succeeded');
    assert.ok(all.body.value[0].createdTime);
    const typed = await get(`/subscriptions/${SUB}/resourceGroups/g/resources?api-version=2021-04-01&$filter=${encodeURIComponent("resourceType eq 'microsoft.kubernetes/connectedClusters' and name eq 'c2'")}`).expect(200);
    assert.deepEqual(typed.body.value.map((r: { name: string }) => r.name), ['c2']);
    const tagged = await get(`/subscriptions/${SUB}/resources?api-version=2021-04-01&$filter=${encodeURIComponent("tagName eq 'n' and tagValue eq 'c1'")}`).expect(200);
    assert.deepEqual(tagged.body.value.map((r: { name: string }) => r.name), ['c1']);
    const paged = await get(`/subscriptions/${SUB}/resources?api-version=2021-04-01&$top=1`).expect(200);
    assert.equal(paged.body.value.length, 1);
    assert.ok(paged.body.nextLink);
  });

  describe('cloud metadata', () => {
    it('serves 2022-09-01 as one object pointing at the emulator, with dataplaneEndpoints', async () => {
      const res = await request(a.app).get('/metadata/endpoints?api-version=2022-09-01').expect(200);
      const base = `http://${new URL(res.body.resourceManager).host}`;
      assert.equal(res.body.name, 'Arclight');
      assert.equal(res.body.resourceManager, `${base}/`);
      assert.equal(res.body.authentication.loginEndpoint, base);
      assert.ok(res.body.authentication.audiences.includes(`${base}/`));
      assert.ok(res.body.microsoftGraphResourceId);
      assert.ok(res.body.dataplaneEndpoints.arcConfigEndpoint.startsWith(base));
      assert.ok(res.body.dataplaneEndpoints.arcHybridIdentityServiceEndpoint.startsWith(base));
      assert.ok(res.body.suffixes.relayEndpointSuffix);
    });

    it('serves 2019-05-01 as an array of clouds and 2015-01-01 with an ADFS login endpoint', async () => {
      const v2019 = await request(a.app).get('/metadata/endpoints?api-version=2019-05-01').expect(200);
      assert.ok(Array.isArray(v2019.body));
      assert.equal(v2019.body[0].name, 'Arclight');
      const v2015 = await request(a.app).get('//metadata/endpoints?api-version=2015-01-01').expect(200);
      assert.match(v2015.body.authentication.loginEndpoint, /\/adfs\/$/);
      assert.ok(v2015.body.galleryEndpoint);
      assert.equal(v2015.body.resourceManager, undefined);
    });

    it('needs no token and refuses unknown versions', async () => {
      const res = await request(a.app).get('/metadata/endpoints?api-version=2000-01-01').expect(400);
      assert.equal(res.body.error.code, 'InvalidApiVersionParameter');
    });
  });
});
