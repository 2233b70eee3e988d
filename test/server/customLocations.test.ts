/**
 * Microsoft.ExtendedLocation through supertest: custom locations on a connected cluster and its
 * extensions (validation, long-running operations, PATCH, lists, enabledResourceTypes), what
 * happens when the cluster or an extension goes, resource sync rules and findTargetResourceGroup,
 * the provider's registration and document, and `extendedLocation` checks on other types.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { clusterBody, clusterPath, createCluster, createGroup, groupPath } from '../support/clusters';
import { configPath, extensionBody } from '../support/configurations';

const VERSIONS = ['2021-03-15-preview', '2021-08-15', '2021-08-31-preview', '2024-09-15-preview'];
const SYNC_RULE_VERSIONS = ['2021-08-31-preview', '2024-09-15-preview'];
const CL = (group: string, name: string) => `${groupPath(group)}/providers/Microsoft.ExtendedLocation/customLocations/${name}`;
const extensionId = (group: string, cluster: string, name: string) => configPath(group, cluster, 'extensions', name);

describe('Microsoft.ExtendedLocation custom locations', () => {
  const a = arclightPerSuite({}, async (x) => {
    await createCluster(x.app, 'rg', 'c1');
    await request(x.app).put(`${extensionId('rg', 'c1', 'appsvc')}?api-version=2023-05-01`).set('Authorization', bearer())
      .send(extensionBody({ extensionType: 'Microsoft.Web.Appservice' })).expect(201);
  });
  const call = (method: 'get' | 'put' | 'patch' | 'delete' | 'post', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const body = (properties: Record<string, unknown> = {}, extra: Record<string, unknown> = {}) => ({
    location: 'eastus',
    ...extra,
    properties: { hostResourceId: clusterPath('rg', 'c1'), namespace: 'apps', clusterExtensionIds: [extensionId('rg', 'c1', 'appsvc')], displayName: 'cl1', ...properties },
  });
  const relative = (url: string) => { const u = new URL(url); return u.pathname + u.search; };
  const create = async (name = 'cl1', v = '2021-08-15', b = body()) => {
    const res = await call('put', `${CL('rg', name)}?api-version=${v}`).send(b);
    assert.equal(res.status, 201, res.text);
    return res;
  };

  it('creates a custom location as a long-running operation polled at locations/{l}/operationsStatus', async () => {
    const res = await create('cl1', '2021-08-15', body({}, { identity: { type: 'SystemAssigned' }, tags: { env: 'dev' } }));
    assert.equal(res.body.id, CL('rg', 'cl1'));
    assert.equal(res.body.type, 'Microsoft.ExtendedLocation/customLocations');
    assert.equal(res.body.properties.provisioningState, 'Creating');
    assert.equal(res.body.properties.hostType, 'Kubernetes', 'the default host type');
    assert.equal(res.body.identity.type, 'SystemAssigned');
    assert.match(res.body.identity.principalId, /^[0-9a-f-]{36}$/);
    const status = res.headers['azure-asyncoperation'];
    assert.match(status, new RegExp(`/subscriptions/${SUB}/providers/Microsoft.ExtendedLocation/locations/eastus/operationsStatus/[0-9a-f-]{36}\\?api-version=2021-08-15$`));
    assert.equal(res.headers.location, undefined, 'a create answers with Azure-AsyncOperation only');
    assert.equal(res.headers['retry-after'], '1');
    const polled = await call('get', relative(status)).expect(200);
    assert.equal(polled.body.status, 'Succeeded');
    assert.equal(polled.body.resourceId, CL('rg', 'cl1'));
    const got = await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(200);
    assert.equal(got.body.properties.provisioningState, 'Succeeded');
    assert.deepEqual(got.body.tags, { env: 'dev' });
    assert.equal(got.body.identity.principalId, res.body.identity.principalId);
    const again = await call('put', `${CL('rg', 'cl1')}?api-version=2021-08-15`).send(body({}, { identity: { type: 'SystemAssigned' } })).expect(200);
    assert.equal(again.body.identity.principalId, res.body.identity.principalId, 'the identity is kept across writes');
  });

  it('serves every vendored api-version, and the 2024-09-15-preview EdgeCluster host type', async () => {
    for (const [i, v] of VERSIONS.entries()) {
      await create(`v${i}`, v, body({ namespace: `ns${i}` }));
      const got = await call('get', `${CL('rg', `v${i}`)}?api-version=${v}`).expect(200);
      assert.equal(got.body.properties.namespace, `ns${i}`);
    }
    const edge = await call('put', `${CL('rg', 'edge')}?api-version=2024-09-15-preview`)
      .send({ location: 'eastus', properties: { hostType: 'EdgeCluster', hostResourceId: clusterPath('rg', 'c1') } }).expect(201);
    assert.equal(edge.body.properties.hostType, 'EdgeCluster', 'an EdgeCluster host needs neither a namespace nor extensions');
    const old = await call('get', `${CL('rg', 'edge')}?api-version=2021-08-15`).expect(200);
    assert.equal(old.body.properties.hostType, undefined, 'a version whose enum lacks EdgeCluster does not show it');
    for (const v of ['2021-08-15', '2024-09-15-preview']) {
      await call('put', `${CL('rg', 'x')}?api-version=${v}`).send(body({ hostType: 'Mainframe' })).expect(400);
    }
  });

  it('refuses a host that is missing, malformed or not a cluster, with ARM\'s codes', async () => {
    const missing = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body({ hostResourceId: clusterPath('rg', 'nope'), clusterExtensionIds: [extensionId('rg', 'nope', 'e')] })).expect(404);
    assert.equal(missing.body.error.code, 'ResourceNotFound');
    assert.match(missing.body.error.message, /^The Resource 'Microsoft.Kubernetes\/connectedClusters\/nope' under resource group 'rg' was not found\./);
    const malformed = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body({ hostResourceId: 'c1' })).expect(400);
    assert.equal(malformed.body.error.code, 'LinkedInvalidPropertyId');
    assert.equal(malformed.body.error.message, "Property id 'c1' at path 'properties.hostResourceId' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.");
    const noHost = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body({ hostResourceId: undefined })).expect(400);
    assert.equal(noHost.body.error.code, 'InvalidParameter');
    const vm = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body({ hostResourceId: `${groupPath('rg')}/providers/Microsoft.Compute/virtualMachines/vm1` })).expect(400);
    assert.equal(vm.body.error.code, 'InvalidParameter');
    assert.ok(vm.body.error.message.includes("'Microsoft.Kubernetes/connectedClusters'"));
    await call('get', `${CL('rg', 'x')}?api-version=2021-08-15`).expect(404);
  });

  it('needs extensions of the host that exist and have not failed (FailedToLoadClusterExtensionConfig)', async () => {
    const none = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body({ clusterExtensionIds: [] })).expect(400);
    assert.equal(none.body.error.code, 'InvalidParameter');
    const ghost = extensionId('rg', 'c1', 'ghost');
    const missing = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body({ clusterExtensionIds: [ghost] })).expect(400);
    assert.equal(missing.body.error.code, 'FailedToLoadClusterExtensionConfig');
    assert.equal(missing.body.error.message, `Combined Getting Extension Config Errors: ,\n Error for extension ID ${ghost} : Cluster Extension not found.`);
    await createCluster(a.app, 'rg', 'c2');
    await call('put', `${extensionId('rg', 'c2', 'other')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
    const elsewhere = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body({ clusterExtensionIds: [extensionId('rg', 'c2', 'other')] })).expect(400);
    assert.equal(elsewhere.body.error.code, 'FailedToLoadClusterExtensionConfig');
    assert.match(elsewhere.body.error.message, /is not an extension of the host resource/);
    const malformed = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body({ clusterExtensionIds: ['appsvc'] })).expect(400);
    assert.equal(malformed.body.error.code, 'LinkedInvalidPropertyId');
    // An extension whose install failed (as its agents report it).
    const stored = a.services.store.resources.get(extensionId('rg', 'c1', 'appsvc').toLowerCase())!;
    a.services.store.resources.put({ ...stored, body: { ...stored.body, properties: { ...stored.body.properties, provisioningState: 'Failed' } } });
    const failed = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body()).expect(400);
    assert.equal(failed.body.error.message, `Combined Getting Extension Config Errors: ,\n Error for extension ID ${extensionId('rg', 'c1', 'appsvc')} : Invalid InstallState of Cluster Extension. InstallState is : Failed`);
  });

  it('needs a Kubernetes namespace name, bound to one custom location of the cluster', async () => {
    for (const namespace of [undefined, 'Apps', 'a_b', 'x'.repeat(64), '-a']) {
      const res = await call('put', `${CL('rg', 'x')}?api-version=2021-08-15`).send(body({ namespace })).expect(400);
      assert.equal(res.body.error.code, 'InvalidParameter', String(namespace));
      assert.equal(res.body.error.target, 'properties.namespace');
    }
    await create('cl1');
    const taken = await call('put', `${CL('rg', 'cl2')}?api-version=2021-08-15`).send(body()).expect(409);
    assert.equal(taken.body.error.code, 'Conflict');
    assert.ok(taken.body.error.message.includes(CL('rg', 'cl1')));
    await create('cl2', '2021-08-15', body({ namespace: 'apps2' }));
  });

  it('keeps hostResourceId, namespace and hostType as created; matches them case-insensitively', async () => {
    await create();
    await call('put', `${CL('rg', 'cl1')}?api-version=2021-08-15`).send(body({ hostResourceId: clusterPath('rg', 'c1').toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/') })).expect(200);
    await createCluster(a.app, 'rg', 'c2');
    await call('put', `${extensionId('rg', 'c2', 'e')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
    const moved = await call('put', `${CL('rg', 'cl1')}?api-version=2021-08-15`).send(body({ hostResourceId: clusterPath('rg', 'c2'), clusterExtensionIds: [extensionId('rg', 'c2', 'e')] })).expect(400);
    assert.equal(moved.body.error.code, 'PropertyChangeNotAllowed');
    const renamed = await call('patch', `${CL('rg', 'cl1')}?api-version=2021-08-15`).send({ properties: { namespace: 'other' } }).expect(400);
    assert.equal(renamed.body.error.code, 'PropertyChangeNotAllowed');
    assert.equal(renamed.body.error.target, 'properties.namespace');
  });

  it('patches synchronously: tags and identity replace, clusterExtensionIds is replaced whole and checked', async () => {
    await create('cl1', '2021-08-31-preview', body({}, { tags: { a: '1' } }));
    await call('put', `${extensionId('rg', 'c1', 'data')}?api-version=2023-05-01`).send(extensionBody({ extensionType: 'microsoft.arcdataservices' })).expect(201);
    const ids = [extensionId('rg', 'c1', 'appsvc'), extensionId('rg', 'c1', 'data')];
    const res = await call('patch', `${CL('rg', 'cl1')}?api-version=2021-08-31-preview`)
      .send({ tags: { b: '2' }, identity: { type: 'SystemAssigned' }, properties: { clusterExtensionIds: ids, displayName: 'renamed' } }).expect(200);
    assert.equal(res.headers['azure-asyncoperation'], undefined);
    assert.deepEqual(res.body.tags, { b: '2' });
    assert.deepEqual(res.body.properties.clusterExtensionIds, ids);
    assert.equal(res.body.properties.displayName, 'renamed');
    assert.equal(res.body.properties.namespace, 'apps');
    assert.equal(res.body.identity.type, 'SystemAssigned');
    const bad = await call('patch', `${CL('rg', 'cl1')}?api-version=2021-08-31-preview`).send({ properties: { clusterExtensionIds: [extensionId('rg', 'c1', 'ghost')] } }).expect(400);
    assert.equal(bad.body.error.code, 'FailedToLoadClusterExtensionConfig');
    const missing = await call('patch', `${CL('rg', 'nope')}?api-version=2021-08-31-preview`).send({ tags: {} }).expect(404);
    assert.equal(missing.body.error.code, 'ResourceNotFound');
  });

  it('never returns the kubeconfig of authentication', async () => {
    const kubeconfig = Buffer.from('apiVersion: v1\nkind: Config\n# planted-secret-kubeconfig\n').toString('base64');
    const res = await create('cl1', '2021-08-15', body({ authentication: { type: 'KubeConfig', value: kubeconfig } }));
    assert.deepEqual(res.body.properties.authentication, { type: 'KubeConfig' });
    const got = await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(200);
    assert.ok(!got.text.includes(kubeconfig));
    const stored = a.services.store.resources.get(CL('rg', 'cl1').toLowerCase())!;
    assert.ok(!JSON.stringify(stored.body).includes(kubeconfig), 'kept apart from the body');
  });

  it('lists by group and subscription, with paging', async () => {
    await create('cl1');
    await create('cl2', '2021-08-15', body({ namespace: 'apps2' }));
    await create('cl3', '2021-08-15', body({ namespace: 'apps3' }));
    const byGroup = await call('get', `${groupPath('rg')}/providers/Microsoft.ExtendedLocation/customLocations?api-version=2021-08-15`).expect(200);
    assert.deepEqual(byGroup.body.value.map((c: { name: string }) => c.name), ['cl1', 'cl2', 'cl3']);
    const bySub = await call('get', `/subscriptions/${SUB}/providers/Microsoft.ExtendedLocation/customLocations?api-version=2021-08-15`).expect(200);
    assert.equal(bySub.body.value.length, 3);
    assert.equal(bySub.body.nextLink, undefined);
    const generic = await call('get', `/subscriptions/${SUB}/resources?api-version=2021-04-01&$filter=resourceType eq 'Microsoft.ExtendedLocation/customLocations'`).expect(200);
    assert.equal(generic.body.value.length, 3);
  });

  it('deletes as a long-running operation (Azure-AsyncOperation and Location), then 204', async () => {
    await create();
    const res = await call('delete', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(202);
    assert.match(res.headers['azure-asyncoperation'], /\/locations\/eastus\/operationsStatus\//);
    assert.match(res.headers.location, /\/subscriptions\/[^/]+\/providers\/Microsoft.ExtendedLocation\/locations\/eastus\/operationResults\//);
    await call('get', relative(res.headers.location)).expect(204);
    await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(404);
    await call('delete', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(204);
    const elsewhere = relative(res.headers['azure-asyncoperation']).replace(SUB, '5ab51d01-0000-4000-8000-000000000001');
    assert.equal((await call('get', elsewhere)).status, 404, 'another subscription does not see the operation');
  });

  it('lists enabled resource types: one entry per extension that exists, with its type', async () => {
    await create();
    const res = await call('get', `${CL('rg', 'cl1')}/enabledResourceTypes?api-version=2021-08-15`).expect(200);
    assert.equal(res.body.value.length, 1);
    const [entry] = res.body.value;
    assert.equal(entry.type, 'Microsoft.ExtendedLocation/customLocations/enabledResourceTypes');
    assert.match(entry.name, /^[0-9a-f]{64}$/);
    assert.equal(entry.properties.clusterExtensionId, extensionId('rg', 'c1', 'appsvc'));
    assert.equal(entry.properties.extensionType, 'Microsoft.Web.Appservice');
    assert.deepEqual(entry.properties.typesMetadata, []);
    await call('get', `${CL('rg', 'nope')}/enabledResourceTypes?api-version=2021-08-15`).expect(404);
  });

  it('outlives its cluster and extensions, as Azure documents; it then takes no new resources', async () => {
    await create();
    await call('delete', `${extensionId('rg', 'c1', 'appsvc')}?api-version=2023-05-01`).expect(202);
    const afterExtension = await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(200);
    assert.equal(afterExtension.body.properties.provisioningState, 'Succeeded');
    const types = await call('get', `${CL('rg', 'cl1')}/enabledResourceTypes?api-version=2021-08-15`).expect(200);
    assert.deepEqual(types.body.value, [], 'a deleted extension enables nothing');
    await call('delete', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).expect(202);
    await call('get', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).expect(404);
    const afterCluster = await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(200);
    assert.equal(afterCluster.body.properties.hostResourceId, clusterPath('rg', 'c1'));
    const patched = await call('patch', `${CL('rg', 'cl1')}?api-version=2021-08-15`).send({ tags: { a: 'b' } }).expect(404);
    assert.equal(patched.body.error.code, 'ResourceNotFound', 'a write checks the host again');
    const placed = await call('put', `${groupPath('rg')}/providers/Microsoft.HybridContainerService/provisionedClusters/p1?api-version=2024-01-01`)
      .send({ location: 'eastus', extendedLocation: { type: 'CustomLocation', name: CL('rg', 'cl1') } }).expect(400);
    assert.equal(placed.body.error.code, 'InvalidExtendedLocation');
    await call('delete', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(202);
    await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(404);
  });

  it('goes with its resource group', async () => {
    await create();
    await call('delete', `${groupPath('rg')}?api-version=2021-04-01`).expect(202);
    await createGroup(a.app, 'rg');
    await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(404);
  });

  it('checks extendedLocation of type CustomLocation on the types whose spec has it', async () => {
    await create();
    const pc = (name: string) => `${groupPath('rg')}/providers/Microsoft.HybridContainerService/provisionedClusters/${name}?api-version=2024-01-01`;
    const ok = await call('put', pc('p1')).send({ location: 'eastus', extendedLocation: { type: 'CustomLocation', name: CL('rg', 'cl1').toLowerCase() } }).expect(201);
    assert.equal(ok.body.extendedLocation.name, CL('rg', 'cl1').toLowerCase());
    const missing = await call('put', pc('p2')).send({ location: 'eastus', extendedLocation: { type: 'customlocation', name: CL('rg', 'ghost') } }).expect(404);
    assert.equal(missing.body.error.code, 'ResourceNotFound');
    assert.match(missing.body.error.message, /Microsoft.ExtendedLocation\/customLocations\/ghost/);
    const malformed = await call('put', pc('p3')).send({ location: 'eastus', extendedLocation: { type: 'CustomLocation', name: 'cl1' } }).expect(400);
    assert.equal(malformed.body.error.code, 'InvalidExtendedLocation');
    await call('put', pc('p4')).send({ location: 'eastus', extendedLocation: { type: 'EdgeZone', name: 'losangeles' } }).expect(201);
    const changed = await call('put', pc('p1')).send({ location: 'eastus', extendedLocation: { type: 'EdgeZone', name: 'losangeles' } }).expect(400);
    assert.equal(changed.body.error.code, 'PropertyChangeNotAllowed');
    await call('put', pc('p1')).send({ location: 'eastus', extendedLocation: { type: 'CustomLocation', name: CL('rg', 'cl1') } }).expect(200);
    const connected = await call('put', `${clusterPath('rg', 'c9')}?api-version=2024-01-01`).send({ ...clusterBody(), extendedLocation: { type: 'CustomLocation', name: CL('rg', 'ghost') } });
    assert.equal(connected.status, 201, 'connectedClusters do not take an extendedLocation: the property is ignored');
  });

  describe('resource sync rules', () => {
    const rule = (name: string) => `${CL('rg', 'cl1')}/resourceSyncRules/${name}`;
    const ruleBody = (properties: Record<string, unknown> = {}) => ({
      location: 'eastus',
      properties: { targetResourceGroup: groupPath('rg'), priority: 100, selector: { matchLabels: { tier: 'web' } }, ...properties },
    });

    it('creates, reads, lists, patches and deletes rules; they go with their custom location', async () => {
      await create();
      for (const v of SYNC_RULE_VERSIONS) {
        const created = await call('put', `${rule('r1')}?api-version=${v}`).send(ruleBody());
        assert.ok([200, 201].includes(created.status), created.text);
        assert.match(created.headers['azure-asyncoperation'], /\/operationsStatus\//);
        await call('get', relative(created.headers['azure-asyncoperation'])).expect(200);
      }
      const got = await call('get', `${rule('r1')}?api-version=2021-08-31-preview`).expect(200);
      assert.equal(got.body.id, rule('r1'));
      assert.equal(got.body.type, 'Microsoft.ExtendedLocation/customLocations/resourceSyncRules');
      assert.equal(got.body.properties.provisioningState, 'Succeeded');
      const patched = await call('patch', `${rule('r1')}?api-version=2021-08-31-preview`).send({ tags: { t: '1' }, properties: { priority: 5 } }).expect(200);
      assert.ok(patched.headers['azure-asyncoperation'], 'a long-running PATCH whose spec answers 200');
      assert.equal(patched.body.properties.priority, 5);
      assert.deepEqual(patched.body.properties.selector, { matchLabels: { tier: 'web' } });
      const list = await call('get', `${CL('rg', 'cl1')}/resourceSyncRules?api-version=2021-08-31-preview`).expect(200);
      assert.deepEqual(list.body.value.map((r: { name: string }) => r.name), ['r1']);
      const generic = await call('get', `/subscriptions/${SUB}/resources?api-version=2021-04-01`).expect(200);
      assert.ok(!generic.body.value.some((r: { type: string }) => /resourceSyncRules/i.test(r.type)), 'child resources are not in /resources');
      await call('delete', `${rule('r1')}?api-version=2021-08-31-preview`).expect(200);
      await call('delete', `${rule('r1')}?api-version=2021-08-31-preview`).expect(204);
      await call('put', `${rule('r2')}?api-version=2021-08-31-preview`).send(ruleBody()).expect(201);
      await call('delete', `${CL('rg', 'cl1')}?api-version=2021-08-31-preview`).expect(202);
      const orphan = await call('get', `${rule('r2')}?api-version=2021-08-31-preview`).expect(404);
      assert.equal(orphan.body.error.code, 'ParentResourceNotFound');
    });

    it('are not served before 2021-08-31-preview', async () => {
      await create();
      const res = await call('put', `${rule('r1')}?api-version=2021-08-15`).send(ruleBody());
      assert.ok([400, 404].includes(res.status), res.text);
    });

    it('check the target group and the selector', async () => {
      await create();
      const missingGroup = await call('put', `${rule('r1')}?api-version=2021-08-31-preview`).send(ruleBody({ targetResourceGroup: groupPath('nope') })).expect(404);
      assert.equal(missingGroup.body.error.code, 'ResourceGroupNotFound');
      const malformed = await call('put', `${rule('r1')}?api-version=2021-08-31-preview`).send(ruleBody({ targetResourceGroup: 'rg' })).expect(400);
      assert.equal(malformed.body.error.code, 'LinkedInvalidPropertyId');
      for (const e of [{ key: 'k', operator: 'Like', values: ['v'] }, { key: 'k', operator: 'In', values: [] }, { key: 'k', operator: 'Exists', values: ['v'] }, { operator: 'Exists' }]) {
        const res = await call('put', `${rule('r1')}?api-version=2021-08-31-preview`).send(ruleBody({ selector: { matchExpressions: [e] } })).expect(400);
        assert.equal(res.body.error.code, 'InvalidParameter', JSON.stringify(e));
      }
      const canonical = await call('put', `${rule('r1')}?api-version=2021-08-31-preview`).send(ruleBody({ selector: { matchExpressions: [{ key: 'k', operator: 'notin', values: ['v'] }] } })).expect(201);
      assert.equal(canonical.body.properties.selector.matchExpressions[0].operator, 'NotIn');
      const noParent = await call('put', `${CL('rg', 'ghost')}/resourceSyncRules/r1?api-version=2021-08-31-preview`).send(ruleBody()).expect(404);
      assert.equal(noParent.body.error.code, 'ParentResourceNotFound');
    });

    it('findTargetResourceGroup picks the matching rule with the lowest priority value, or answers 204', async () => {
      await create();
      await createGroup(a.app, 'web');
      await createGroup(a.app, 'prod');
      await call('put', `${rule('web')}?api-version=2021-08-31-preview`).send(ruleBody({ targetResourceGroup: groupPath('web'), priority: 200 })).expect(201);
      await call('put', `${rule('prod')}?api-version=2021-08-31-preview`).send(ruleBody({
        targetResourceGroup: groupPath('prod'), priority: 100,
        selector: { matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }, { key: 'legacy', operator: 'DoesNotExist' }] },
      })).expect(201);
      const find = (labels: Record<string, string>) => call('post', `${CL('rg', 'cl1')}/findTargetResourceGroup?api-version=2021-08-31-preview`).send({ labels });
      const prod = await find({ tier: 'web', env: 'prod' }).expect(200);
      assert.deepEqual(prod.body, { targetResourceGroup: groupPath('prod'), matchedResourceSyncRule: rule('prod') });
      const web = await find({ tier: 'web', env: 'dev' }).expect(200);
      assert.equal(web.body.matchedResourceSyncRule, rule('web'));
      const legacy = await find({ tier: 'web', env: 'prod', legacy: 'yes' }).expect(200);
      assert.equal(legacy.body.matchedResourceSyncRule, rule('web'));
      await find({ tier: 'db' }).expect(204);
      await call('post', `${CL('rg', 'ghost')}/findTargetResourceGroup?api-version=2021-08-31-preview`).send({ labels: {} }).expect(404);
    });
  });

  describe('the provider', () => {
    it('is registered by default, with its resource types and api-versions in the provider document', async () => {
      const res = await call('get', `/subscriptions/${SUB}/providers/Microsoft.ExtendedLocation?api-version=2021-04-01`).expect(200);
      assert.equal(res.body.registrationState, 'Registered');
      const types = new Map(res.body.resourceTypes.map((t: { resourceType: string; apiVersions: string[] }) => [t.resourceType, t.apiVersions]));
      for (const t of ['customLocations', 'customLocations/enabledResourceTypes', 'customLocations/resourceSyncRules', 'locations', 'locations/operationsStatus', 'operations']) {
        assert.ok(types.has(t), t);
      }
      assert.deepEqual(types.get('customLocations'), [...VERSIONS].reverse());
      assert.deepEqual(types.get('customLocations/resourceSyncRules'), [...SYNC_RULE_VERSIONS].reverse());
    });

    it('refuses writes once unregistered', async () => {
      await call('post', `/subscriptions/${SUB}/providers/Microsoft.ExtendedLocation/unregister?api-version=2021-04-01`).expect(200);
      const res = await call('put', `${CL('rg', 'cl1')}?api-version=2021-08-15`).send(body()).expect(409);
      assert.equal(res.body.error.code, 'MissingSubscriptionRegistration');
    });

    it('lists its operations', async () => {
      const res = await call('get', '/providers/Microsoft.ExtendedLocation/operations?api-version=2021-08-15').expect(200);
      const names = res.body.value.map((o: { name: string }) => o.name);
      for (const n of ['Microsoft.ExtendedLocation/customLocations/write', 'Microsoft.ExtendedLocation/customLocations/resourceSyncRules/delete', 'Microsoft.ExtendedLocation/customLocations/findTargetResourceGroup/action']) {
        assert.ok(names.includes(n), n);
      }
    });

    it('answers an unknown api-version as ARM does', async () => {
      const res = await call('get', `${CL('rg', 'cl1')}?api-version=2020-01-01`).expect(400);
      assert.equal(res.body.error.code, 'NoRegisteredProviderFound');
    });
  });
});

describe('Microsoft.ExtendedLocation with --lro-delay', () => {
  const a = arclightPerSuite({ lroDelay: 30 }, (x) => createCluster(x.app, 'rg', 'c1'));
  const call = (method: 'get' | 'put' | 'delete', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const relative = (url: string) => { const u = new URL(url); return u.pathname + u.search; };

  it('keeps a custom location Creating, and its delete running, until the emulator clock passes the delay', async () => {
    await request(a.app).put(`${configPath('rg', 'c1', 'extensions', 'e')}?api-version=2023-05-01`).set('Authorization', bearer()).send(extensionBody());
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: 31 }).expect(200);
    const created = await call('put', `${CL('rg', 'cl1')}?api-version=2021-08-15`)
      .send({ location: 'eastus', properties: { hostResourceId: clusterPath('rg', 'c1'), namespace: 'ns', clusterExtensionIds: [extensionId('rg', 'c1', 'e')] } }).expect(201);
    const running = await call('get', relative(created.headers['azure-asyncoperation'])).expect(200);
    assert.equal(running.body.status, 'InProgress');
    assert.equal(running.headers['retry-after'], '30');
    assert.equal((await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`)).body.properties.provisioningState, 'Creating');
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: 31 }).expect(200);
    assert.equal((await call('get', relative(created.headers['azure-asyncoperation']))).body.status, 'Succeeded');
    const deleting = await call('delete', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(202);
    await call('get', relative(deleting.headers.location)).expect(202);
    assert.equal((await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`)).body.properties.provisioningState, 'Deleting');
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: 31 }).expect(200);
    await call('get', relative(deleting.headers.location)).expect(204);
    await call('get', `${CL('rg', 'cl1')}?api-version=2021-08-15`).expect(404);
  });
});
