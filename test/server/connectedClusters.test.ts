/** Microsoft.Kubernetes/connectedClusters: every rule, in every served api-version where it differs. */
import { strict as assert } from 'assert';
import request from 'supertest';
import { bearer, fakeToken, SUB, TENANT, testArclight, TestArclight } from '../support/arclight';
import { agentKeys } from '../support/keys';
import { CLUSTER_VERSIONS, clusterBody, clusterBodyFor, clusterPath, createCluster, createGroup } from '../support/clusters';

const AGENT_FIELDS = ['kubernetesVersion', 'totalNodeCount', 'totalCoreCount', 'agentVersion', 'lastConnectivityTime', 'managedIdentityCertificateExpirationTime', 'offering'];

describe('connectedClusters', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight({ pageSize: 2 });
  });
  after(() => a.close());
  beforeEach(() => a.reset());

  const call = (method: 'get' | 'put' | 'patch' | 'delete' | 'post', path: string, token = bearer()) => request(a.app)[method](path).set('Authorization', token);
  const relative = (url: string) => new URL(url).pathname + new URL(url).search;

  describe('create', () => {
    for (const v of CLUSTER_VERSIONS) {
      it(`answers 201 Accepted, Connecting, with the identity filled and an Azure-AsyncOperation (${v})`, async () => {
        await createGroup(a.app, 'rg');
        const res = await call('put', `${clusterPath('rg', 'c1')}?api-version=${v}`).send(clusterBodyFor(v)).expect(201);
        assert.equal(res.body.id, `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1`);
        assert.equal(res.body.type, 'Microsoft.Kubernetes/connectedClusters');
        assert.equal(res.body.location, 'eastus');
        assert.equal(res.body.properties.provisioningState, 'Accepted');
        assert.equal(res.body.properties.connectivityStatus, 'Connecting');
        assert.match(res.body.identity.principalId, /^[0-9a-f-]{36}$/);
        assert.equal(res.body.identity.tenantId, TENANT);
        for (const f of AGENT_FIELDS) assert.equal(res.body.properties[f], undefined, `${f} stays empty until an agent reports`);
        const op = new URL(res.headers['azure-asyncoperation']);
        assert.match(op.pathname, /^\/providers\/Microsoft\.Kubernetes\/locations\/eastus\/operationStatuses\/[0-9a-f-]{36}$/);
        assert.equal(op.searchParams.get('api-version'), v);

        const status = await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
        assert.equal(status.body.status, 'Succeeded');
        assert.equal(status.body.resourceId, res.body.id);
        assert.equal(status.body.id, op.pathname);
        assert.ok(status.body.startTime && status.body.endTime);
        const got = await call('get', `${clusterPath('rg', 'c1')}?api-version=${v}`).expect(200);
        assert.equal(got.body.properties.provisioningState, 'Succeeded');
        assert.equal(got.body.properties.connectivityStatus, 'Connecting');
      });
    }

    it('reads a cluster written in a later version with the aadProfile 2020-01-01-preview requires', async () => {
      await createGroup(a.app, 'rg');
      await call('put', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`)
        .send(clusterBody({}, { aadProfile: { tenantID: TENANT, enableAzureRBAC: true } })).expect(201);
      const old = await call('get', `${clusterPath('rg', 'c1')}?api-version=2020-01-01-preview`).expect(200);
      assert.deepEqual(old.body.properties.aadProfile, { tenantId: TENANT, clientAppId: '', serverAppId: '' });
      const list = await call('get', `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters?api-version=2020-01-01-preview`).expect(200);
      assert.equal(list.body.value[0].properties.aadProfile.tenantId, TENANT);
      const current = await call('get', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).expect(200);
      assert.deepEqual(current.body.properties.aadProfile, { enableAzureRBAC: true, tenantID: TENANT });
    });

    it('answers 200 to a re-PUT and keeps the identity', async () => {
      const created = await createCluster(a.app, 'rg', 'c1');
      const again = await call('put', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).send(clusterBody({ tags: { t: '1' } })).expect(200);
      assert.equal(again.body.identity.principalId, created.body.identity.principalId);
      assert.deepEqual(again.body.tags, { t: '1' });
      assert.ok(again.headers['azure-asyncoperation']);
    });

    it('sets the defaults Azure applies where the version has them', async () => {
      await createCluster(a.app, 'rg', 'c1');
      const v2024 = await call('get', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).expect(200);
      assert.equal(v2024.body.properties.privateLinkState, 'Disabled');
      assert.equal(v2024.body.properties.azureHybridBenefit, 'NotApplicable');
      const v2021 = await call('get', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).expect(200);
      assert.equal(v2021.body.properties.privateLinkState, undefined, '2021-10-01 does not define privateLinkState');
    });

    it('records systemData from the caller\'s token', async () => {
      await createGroup(a.app, 'rg');
      const app = fakeToken({ idtyp: 'app', upn: undefined, appid: '44444444-4444-4444-4444-444444444444' });
      const res = await call('put', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`, `Bearer ${app}`).send(clusterBody()).expect(201);
      assert.equal(res.body.systemData.createdBy, '44444444-4444-4444-4444-444444444444');
      assert.equal(res.body.systemData.createdByType, 'Application');
      const patched = await call('patch', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).send({ tags: { a: 'b' } }).expect(200);
      assert.equal(patched.body.systemData.createdBy, '44444444-4444-4444-4444-444444444444');
      assert.equal(patched.body.systemData.lastModifiedBy, 'tester@arclight.local');
      assert.equal(patched.body.systemData.lastModifiedByType, 'User');
    });
  });

  describe('validation', () => {
    beforeEach(() => createGroup(a.app, 'rg'));
    const put = (body: unknown, name = 'c1', v = '2021-10-01') => call('put', `${clusterPath('rg', name)}?api-version=${v}`).send(body as object);

    it('accepts PKCS#1 and SubjectPublicKeyInfo keys and refuses anything else with a message that says what was expected', async () => {
      await put(clusterBody({}, { agentPublicKeyCertificate: agentKeys().spki }), 'spki').expect(201);
      for (const bad of ['not base64!', 'aGVsbG8=', '-----BEGIN PUBLIC KEY-----', '']) {
        const res = await put(clusterBody({}, { agentPublicKeyCertificate: bad })).expect(400);
        assert.equal(res.body.error.code, 'InvalidParameter');
        assert.match(res.body.error.message, /base64-encoded DER of an RSA public key.*PKCS#1 RSAPublicKey.*SubjectPublicKeyInfo/);
      }
      const missing = await put({ location: 'eastus', identity: { type: 'SystemAssigned' }, properties: {} }).expect(400);
      assert.match(missing.body.error.message, /Required property 'agentPublicKeyCertificate' not found in JSON\. Path 'properties'/);
    });

    it('accepts an empty key only for the kinds Azure creates without one (ProvisionedCluster, AWS, GCP)', async () => {
      const provisioned = await put(clusterBody({ kind: 'ProvisionedCluster' }, { agentPublicKeyCertificate: '' }), 'prov', '2024-01-01').expect(201);
      assert.equal(provisioned.body.properties.agentPublicKeyCertificate, '');
      assert.equal(provisioned.body.properties.connectivityStatus, 'Connecting', 'a provisioned cluster still has agents');
      await put(clusterBody({ kind: 'ProvisionedCluster' }, { agentPublicKeyCertificate: '' }), 'prov', '2024-01-01').expect(200);
      const plain = await put(clusterBody({}, { agentPublicKeyCertificate: '' }), 'plain', '2024-01-01').expect(400);
      assert.equal(plain.body.error.code, 'InvalidParameter');
      const keyed = await put(clusterBody({ kind: 'ProvisionedCluster' }, { agentPublicKeyCertificate: agentKeys().pkcs1 }), 'prov', '2024-01-01').expect(400);
      assert.equal(keyed.body.error.code, 'PropertyChangeNotAllowed', 'the empty key is the key it was created with');
    });

    it('refuses a changed key on re-PUT, but accepts the same key in another encoding', async () => {
      await put(clusterBody()).expect(201);
      await put(clusterBody({}, { agentPublicKeyCertificate: agentKeys().spki })).expect(200);
      const res = await put(clusterBody({}, { agentPublicKeyCertificate: agentKeys(1).pkcs1 })).expect(400);
      assert.equal(res.body.error.code, 'PropertyChangeNotAllowed');
    });

    it('accepts display names and case/space variants of a location and stores the short name', async () => {
      for (const [name, loc] of [['a1', 'West Europe'], ['a2', 'WESTEUROPE'], ['a3', 'west europe']]) {
        const res = await put(clusterBody({ location: loc }), name).expect(201);
        assert.equal(res.body.location, 'westeurope');
      }
    });

    it('refuses locations where Arc is not offered: 400 LocationNotAvailableForResourceType', async () => {
      const res = await put(clusterBody({ location: 'Brazil Southeast' })).expect(400);
      assert.equal(res.body.error.code, 'LocationNotAvailableForResourceType');
      assert.match(res.body.error.message, /^The provided location 'Brazil Southeast' is not available for resource type 'Microsoft.Kubernetes\/connectedClusters'\. List of available regions for the resource type is '.*eastus.*'\.$/);
    });

    it('refuses another location over an existing cluster: 409 InvalidResourceLocation', async () => {
      await put(clusterBody()).expect(201);
      const res = await put(clusterBody({ location: 'westeurope' })).expect(409);
      assert.deepEqual(res.body.error, {
        code: 'InvalidResourceLocation',
        message: "The resource 'c1' already exists in location 'eastus' in resource group 'rg'. A resource with the same name cannot be created in location 'westeurope'. Please select a new resource name.",
      });
    });

    it('needs the resource group: 404 ResourceGroupNotFound', async () => {
      const res = await call('put', `${clusterPath('nogroup', 'c1')}?api-version=2021-10-01`).send(clusterBody()).expect(404);
      assert.equal(res.body.error.code, 'ResourceGroupNotFound');
    });

    it('needs the provider registered: 409 MissingSubscriptionRegistration', async () => {
      await call('post', `/subscriptions/${SUB}/providers/Microsoft.Kubernetes/unregister?api-version=2021-04-01`).expect(200);
      const res = await put(clusterBody()).expect(409);
      assert.equal(res.body.error.code, 'MissingSubscriptionRegistration');
      assert.equal(res.body.error.message, "The subscription is not registered to use namespace 'Microsoft.Kubernetes'. See https://aka.ms/rps-not-found for how to register subscriptions.");
    });

    it('applies Azure\'s name rules', async () => {
      for (const bad of ['-lead', 'trail-', 'has space', 'dot.name', 'x'.repeat(64)]) {
        const res = await call('put', `${clusterPath('rg', encodeURIComponent(bad))}?api-version=2021-10-01`).send(clusterBody()).expect(400);
        assert.equal(res.body.error.code, 'InvalidResourceName', bad);
      }
      await put(clusterBody(), 'a_b-9').expect(201);
    });

    it('applies the tag limits: 400 InvalidTag', async () => {
      const res = await put(clusterBody({ tags: Object.fromEntries(Array.from({ length: 51 }, (_, i) => [`k${i}`, 'v'])) })).expect(400);
      assert.equal(res.body.error.code, 'InvalidTag');
      const long = await put(clusterBody({ tags: { k: 'v'.repeat(257) } })).expect(400);
      assert.equal(long.body.error.code, 'InvalidTag');
    });

    it('refuses unknown enum values of the version (identity type)', async () => {
      const res = await put(clusterBody({ identity: { type: 'UserAssigned' } })).expect(400);
      assert.equal(res.body.error.code, 'InvalidRequestContent');
      assert.match(res.body.error.message, /Path 'identity\.type'/);
    });
  });

  describe('rendering per api-version', () => {
    it('keeps later versions\' properties but shows each version only its own', async () => {
      await createCluster(a.app, 'rg', 'c1', '2024-07-01-preview', clusterBody({ kind: 'ProvisionedCluster' }, {
        privateLinkState: 'Enabled', privateLinkScopeResourceId: '/subscriptions/x/resourceGroups/y/providers/Microsoft.HybridCompute/privateLinkScopes/z',
        gateway: { enabled: true }, securityProfile: { workloadIdentity: { enabled: true } },
        arcAgentryConfigurations: [{ feature: 'proxy', settings: { a: 'b' }, protectedSettings: { password: 'p@ss' } }],
      }));
      const v2021 = await call('get', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).expect(200);
      for (const f of ['privateLinkState', 'gateway', 'securityProfile', 'arcAgentryConfigurations', 'azureHybridBenefit']) assert.equal(v2021.body.properties[f], undefined, f);
      assert.equal(v2021.body.kind, undefined);
      const v2024 = await call('get', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).expect(200);
      assert.equal(v2024.body.properties.privateLinkState, 'Enabled');
      assert.equal(v2024.body.kind, 'ProvisionedCluster');
      assert.equal(v2024.body.properties.gateway, undefined);
      const preview = await call('get', `${clusterPath('rg', 'c1')}?api-version=2024-07-01-preview`).expect(200);
      assert.deepEqual(preview.body.properties.gateway, { enabled: true });
      assert.deepEqual(preview.body.properties.arcAgentryConfigurations, [{ feature: 'proxy', settings: { a: 'b' } }]);
      assert.ok(!preview.text.includes('p@ss'), 'protected settings are never returned');

      // A re-PUT in an older version keeps what it does not know.
      await call('put', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).send(clusterBody()).expect(200);
      const after = await call('get', `${clusterPath('rg', 'c1')}?api-version=2024-07-01-preview`).expect(200);
      assert.deepEqual(after.body.properties.gateway, { enabled: true });
      assert.equal(after.body.properties.privateLinkState, 'Enabled');
    });

    it('shows AgentNotInstalled and agentless kinds only where the version has them', async () => {
      await createCluster(a.app, 'rg', 'aws1', '2025-08-01-preview', { location: 'eastus', kind: 'AWS', identity: { type: 'None' },
        properties: { agentPublicKeyCertificate: '', distribution: 'eks', infrastructure: 'aws' } } as never);
      const preview = await call('get', `${clusterPath('rg', 'aws1')}?api-version=2025-08-01-preview`).expect(200);
      assert.equal(preview.body.properties.connectivityStatus, 'AgentNotInstalled');
      assert.equal(preview.body.kind, 'AWS');
      assert.deepEqual(preview.body.identity, { type: 'None' });
      const stable = await call('get', `${clusterPath('rg', 'aws1')}?api-version=2024-01-01`).expect(200);
      assert.equal(stable.body.properties.connectivityStatus, undefined, '2024-01-01 has no AgentNotInstalled');
      assert.equal(stable.body.kind, undefined, '2024-01-01 knows only ProvisionedCluster');
      const ga = await call('get', `${clusterPath('rg', 'aws1')}?api-version=2026-05-01`).expect(200);
      assert.equal(ga.body.properties.connectivityStatus, 'AgentNotInstalled');
    });

    it('reads inboundConnectivityState Unknown where the version has it (2026-02-01-preview only)', async () => {
      await createCluster(a.app, 'rg', 'c1', '2026-02-01-preview');
      const preview = await call('get', `${clusterPath('rg', 'c1')}?api-version=2026-02-01-preview`).expect(200);
      assert.equal(preview.body.properties.inboundConnectivityState, 'Unknown');
      for (const v of ['2025-08-01-preview', '2026-05-01']) {
        const other = await call('get', `${clusterPath('rg', 'c1')}?api-version=${v}`).expect(200);
        assert.equal(other.body.properties.inboundConnectivityState, undefined, v);
      }
    });
  });

  describe('lists', () => {
    it('lists by group and by subscription, paged with nextLink', async () => {
      for (const n of ['c1', 'c2', 'c3']) await createCluster(a.app, 'rg1', n);
      await createCluster(a.app, 'rg2', 'c4');
      const walk = async (first: string) => {
        const names: string[] = [];
        let next: string | undefined = first;
        let pages = 0;
        while (next) {
          const res: request.Response = await call('get', next).expect(200);
          names.push(...res.body.value.map((c: { name: string }) => c.name));
          next = res.body.nextLink ? relative(res.body.nextLink) : undefined;
          pages++;
        }
        return { names, pages };
      };
      const byGroup = await walk(`/subscriptions/${SUB}/resourceGroups/rg1/providers/Microsoft.Kubernetes/connectedClusters?api-version=2021-10-01`);
      assert.deepEqual(byGroup, { names: ['c1', 'c2', 'c3'], pages: 2 });
      const bySub = await walk(`/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters?api-version=2024-07-01-preview`);
      assert.deepEqual(bySub.names.sort(), ['c1', 'c2', 'c3', 'c4']);
      const empty = await call('get', `/subscriptions/${SUB}/resourceGroups/rg2/providers/Microsoft.Kubernetes/connectedClusters?api-version=2021-03-01`).expect(200);
      assert.equal(empty.body.value.length, 1);
    });
  });

  describe('update', () => {
    beforeEach(() => createCluster(a.app, 'rg', 'c1', '2024-01-01', clusterBody({ tags: { a: '1', b: '2' } })));

    it('replaces the whole tag set and merges properties', async () => {
      const res = await call('patch', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).send({ tags: { c: '3' }, properties: { distribution: 'k3s', azureHybridBenefit: 'True' } }).expect(200);
      assert.deepEqual(res.body.tags, { c: '3' });
      assert.equal(res.body.properties.distribution, 'k3s');
      assert.equal(res.body.properties.azureHybridBenefit, 'True');
      assert.equal(res.body.properties.infrastructure, 'generic', 'untouched properties stay');
    });

    it('refuses read-only and create-only fields', async () => {
      for (const body of [{ properties: { agentPublicKeyCertificate: agentKeys(1).pkcs1 } }, { properties: { connectivityStatus: 'Connected' } }, { location: 'westus' }]) {
        const res = await call('patch', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).send(body).expect(400);
        assert.equal(res.body.error.code, 'PropertyChangeNotAllowed');
      }
      const v2021 = await call('patch', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).send({ properties: { distribution: 'x' } }).expect(400);
      assert.match(v2021.body.error.message, /can change tags only/);
    });

    it('accepts read-only and create-only fields sent with the values they already have', async () => {
      // What the 2021-03-01 example does: it PATCHes tags with the cluster's own key.
      const got = await call('get', `${clusterPath('rg', 'c1')}?api-version=2021-03-01`).expect(200);
      const res = await call('patch', `${clusterPath('rg', 'c1')}?api-version=2021-03-01`)
        .send({ tags: { t: '1' }, location: 'East US', properties: { agentPublicKeyCertificate: agentKeys().spki, connectivityStatus: got.body.properties.connectivityStatus } }).expect(200);
      assert.deepEqual(res.body.tags, { t: '1' });
      const changed = await call('patch', `${clusterPath('rg', 'c1')}?api-version=2021-03-01`).send({ properties: { agentPublicKeyCertificate: agentKeys(1).pkcs1 } }).expect(400);
      assert.equal(changed.body.error.target, 'properties.agentPublicKeyCertificate');
    });

    it('is a long-running operation (202 + Location) in 2026-05-01', async () => {
      const res = await call('patch', `${clusterPath('rg', 'c1')}?api-version=2026-05-01`).send({ tags: { z: '9' }, properties: { gateway: { enabled: true } } }).expect(202);
      assert.match(new URL(res.headers.location).pathname, /\/providers\/Microsoft\.Kubernetes\/locations\/eastus\/operationResults\/[0-9a-f-]{36}$/);
      const done = await call('get', relative(res.headers.location)).expect(200);
      assert.deepEqual(done.body.tags, { z: '9' });
      assert.deepEqual(done.body.properties.gateway, { enabled: true });
      assert.equal(done.body.properties.provisioningState, 'Succeeded');
    });

    it('answers 404 ResourceNotFound, with Azure\'s message, for a missing cluster', async () => {
      const res = await call('patch', `${clusterPath('rg', 'nope')}?api-version=2024-01-01`).send({ tags: {} }).expect(404);
      assert.deepEqual(res.body.error, {
        code: 'ResourceNotFound',
        message: "The Resource 'Microsoft.Kubernetes/connectedClusters/nope' under resource group 'rg' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix",
      });
      assert.equal(res.headers['x-ms-failure-cause'], 'gateway');
    });
  });

  describe('delete', () => {
    it('answers 202 with Location and Azure-AsyncOperation, ends in 204, and the cluster is gone', async () => {
      await createCluster(a.app, 'rg', 'c1');
      const res = await call('delete', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).expect(202);
      assert.match(new URL(res.headers.location).pathname, /operationResults\/[0-9a-f-]{36}$/);
      assert.match(new URL(res.headers['azure-asyncoperation']).pathname, /operationStatuses\/[0-9a-f-]{36}$/);
      await call('get', relative(res.headers.location)).expect(204);
      const status = await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
      assert.equal(status.body.status, 'Succeeded');
      await call('get', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).expect(404);
    });

    it('answers 204 when the cluster does not exist, and 404 only when the group does not', async () => {
      await createGroup(a.app, 'rg');
      await call('delete', `${clusterPath('rg', 'nope')}?api-version=2021-10-01`).expect(204);
      const res = await call('delete', `${clusterPath('nogroup', 'nope')}?api-version=2021-10-01`).expect(404);
      assert.equal(res.body.error.code, 'ResourceGroupNotFound');
    });

    it('deletes everything nested under the cluster, secrets included', async () => {
      await createCluster(a.app, 'rg', 'c1');
      const cluster = a.services.store.resources.get(clusterPath('rg', 'c1').toLowerCase())!;
      const childId = `${cluster.id}/providers/Microsoft.KubernetesConfiguration/extensions/e1`;
      a.services.store.resources.put({ ...cluster, key: childId.toLowerCase(), id: childId, type: 'microsoft.kubernetesconfiguration/extensions', parentKey: cluster.key, tracked: false });
      a.services.store.secrets.put(childId.toLowerCase(), { s: 'x' });
      await call('delete', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).expect(202);
      await call('get', `/subscriptions/${SUB}/resourcegroups?api-version=2021-04-01`).expect(200);
      assert.equal(a.services.store.resources.get(childId.toLowerCase()), undefined);
      assert.equal(a.services.store.secrets.get(childId.toLowerCase()), undefined);
    });
  });

  describe('long-running operations and --lro-delay', () => {
    it('keeps the create in progress on the emulator clock, with Retry-After', async () => {
      const slow = await testArclight({ lroDelay: 20 });
      slow.services.clock.freeze(); // frozen: exact Retry-After values
      try {
        await createGroup(slow.app, 'rg');
        const res = await request(slow.app).put(`${clusterPath('rg', 'c1')}?api-version=2021-10-01`).set('Authorization', bearer()).send(clusterBody()).expect(201);
        assert.equal(res.headers['retry-after'], '20');
        assert.equal(res.headers['retry-after-ms'], '20000');
        const op = relative(res.headers['azure-asyncoperation']);
        slow.services.clock.advance(5_000);
        const running = await request(slow.app).get(op).set('Authorization', bearer()).expect(200);
        assert.equal(running.body.status, 'InProgress');
        assert.equal(running.body.endTime, null);
        // The poll itself says when to poll next (the SDKs read Retry-After from the latest poll).
        assert.equal(running.headers['retry-after'], '15');
        assert.equal(running.headers['retry-after-ms'], '15000');
        const got = await request(slow.app).get(`${clusterPath('rg', 'c1')}?api-version=2021-10-01`).set('Authorization', bearer()).expect(200);
        assert.equal(got.body.properties.provisioningState, 'Accepted');
        slow.services.clock.advance(15_000);
        const done = await request(slow.app).get(op).set('Authorization', bearer()).expect(200);
        assert.equal(done.body.status, 'Succeeded');
        assert.equal(done.headers['retry-after'], undefined);
      } finally {
        slow.close();
      }
    });
  });

  describe('listClusterUserCredential', () => {
    beforeEach(() => createCluster(a.app, 'rg', 'c1'));
    const creds = (v: string, body: unknown) => call('post', `${clusterPath('rg', 'c1')}/listClusterUserCredential?api-version=${v}`).send(body as object);

    it('returns a parseable base64 kubeconfig and, with clientProxy, a hybrid connection', async () => {
      const res = await creds('2021-10-01', { authenticationMethod: 'AAD', clientProxy: true }).expect(200);
      const yaml = Buffer.from(res.body.kubeconfigs[0].value, 'base64').toString('utf8');
      assert.match(yaml, /^apiVersion: v1\nkind: Config\nclusters:\n- cluster:\n {4}certificate-authority-data: [A-Za-z0-9+/=]+\n {4}server: https:\/\/127\.0\.0\.1:47011\/c1\n/);
      assert.match(yaml, /current-context: c1/);
      assert.match(yaml, /command: kubelogin/);
      const hc = res.body.hybridConnectionConfig;
      assert.ok(Number.isInteger(hc.expirationTime) && hc.expirationTime > Date.now() / 1000);
      assert.match(hc.hybridConnectionName, /^microsoft\.kubernetes\/connectedclusters\/[0-9a-f]{64}\/\d+$/);
      assert.equal(hc.relay, 'azgnrelay-eastus-l1');
      assert.match(hc.token, /^SharedAccessSignature sr=.*&sig=.*&se=\d+&skn=listener$/);
      assert.equal(hc.relayType, undefined, '2021-10-01 has no relayType');
    });

    it('omits the hybrid connection without clientProxy and shapes results per version', async () => {
      const direct = await creds('2024-01-01', { authenticationMethod: 'Token', clientProxy: false }).expect(200);
      assert.equal(direct.body.hybridConnectionConfig, undefined);
      assert.doesNotMatch(Buffer.from(direct.body.kubeconfigs[0].value, 'base64').toString(), /kubelogin/);
      const ga = await creds('2026-05-01', { authenticationMethod: 'AAD', clientProxy: true }).expect(200);
      assert.equal(ga.body.hybridConnectionConfig.relayTid, TENANT);
      assert.equal(ga.body.hybridConnectionConfig.relayType, 'azure');
    });

    it('needs both body fields, and does not exist before 2021-10-01', async () => {
      const res = await creds('2021-10-01', { authenticationMethod: 'AAD' }).expect(400);
      assert.match(res.body.error.message, /Required property 'clientProxy'/);
      const old = await creds('2021-03-01', { authenticationMethod: 'AAD', clientProxy: true }).expect(404);
      assert.equal(old.body.error.code, 'ActionNotSupported');
      await call('post', `${clusterPath('rg', 'nope')}/listClusterUserCredential?api-version=2021-10-01`).send({ authenticationMethod: 'AAD', clientProxy: false }).expect(404);
    });
  });

  describe('operations list', () => {
    for (const v of CLUSTER_VERSIONS) {
      it(`lists the provider's operations from the spec (${v})`, async () => {
        const res = await call('get', `/providers/Microsoft.Kubernetes/operations?api-version=${v}`).expect(200);
        const names = res.body.value.map((o: { name: string }) => o.name);
        assert.ok(names.includes('Microsoft.Kubernetes/connectedClusters/read'));
        assert.ok(names.includes('Microsoft.Kubernetes/connectedClusters/write'));
        assert.ok(names.includes('Microsoft.Kubernetes/connectedClusters/delete'));
        // The action is listClusterUserCredentials in 2020-01-01-preview and 2021-04-01-preview, absent in 2021-03-01.
        const action = ['2020-01-01-preview', '2021-04-01-preview'].includes(v) ? 'listClusterUserCredentials' : 'listClusterUserCredential';
        assert.equal(names.includes(`Microsoft.Kubernetes/connectedClusters/${action}/action`), v !== '2021-03-01', names.join(', '));
      });
    }
  });
});
