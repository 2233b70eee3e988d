/** Microsoft.KubernetesConfiguration/extensions: every rule, in every served api-version where it differs. */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, TENANT, testArclight } from '../support/arclight';
import { createCluster } from '../support/clusters';
import { configPath, EXTENSION_VERSIONS, extensionBody, SECRET_VALUES } from '../support/configurations';

describe('extensions', () => {
  const a = arclightPerSuite({ pageSize: 2 }, (i) => createCluster(i.app, 'rg', 'c1'));

  const call = (method: 'get' | 'put' | 'patch' | 'delete', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const relative = (url: string) => new URL(url).pathname + new URL(url).search;
  const ext = (name = 'monitor', v = '2023-05-01') => `${configPath('rg', 'c1', 'extensions', name)}?api-version=${v}`;
  const noSecrets = (text: string) => {
    for (const secret of SECRET_VALUES) assert.ok(!text.includes(secret), 'a protected setting came back');
  };

  describe('create', () => {
    for (const v of EXTENSION_VERSIONS) {
      it(`answers 201 Creating with an Azure-AsyncOperation, then Succeeded, with Azure's defaults (${v})`, async () => {
        const res = await call('put', ext('monitor', v)).send(extensionBody()).expect(201);
        noSecrets(res.text);
        assert.equal(res.body.id, `${configPath('rg', 'c1', 'extensions', 'monitor')}`);
        assert.equal(res.body.type, 'Microsoft.KubernetesConfiguration/extensions');
        const p = res.body.properties;
        assert.equal(p.provisioningState, 'Creating');
        assert.equal(p.autoUpgradeMinorVersion, true);
        assert.equal(p.releaseTrain, 'Stable');
        // The type's release namespace and the newest version of its Stable train (specs/arclight/extensionTypes.json).
        assert.deepEqual(p.scope, { cluster: { releaseNamespace: 'kube-system' } });
        assert.equal(p.version, '3.1.26');
        assert.deepEqual(p.statuses, []);
        assert.deepEqual(p.configurationProtectedSettings, {});
        assert.deepEqual(p.configurationSettings, { 'logAnalytics.workspace': 'ws1' });
        const versionField = v < '2022-11-01' ? 'installedVersion' : 'currentVersion';
        assert.ok(versionField in p && p[versionField] === null, `${versionField} is null until an agent reports`);
        assert.equal(p[v < '2022-11-01' ? 'currentVersion' : 'installedVersion'], undefined);
        assert.equal(p.isSystemExtension, v < '2022-11-01' ? undefined : false);
        assert.equal(res.headers['x-ms-async-operation-timeout'], 'PT48H');
        assert.equal(res.headers['retry-after'], '1');

        const op = new URL(res.headers['azure-asyncoperation']);
        assert.match(op.pathname, new RegExp(`^${configPath('rg', 'c1', 'extensions', 'monitor')}/operations/[0-9a-f-]{36}$`));
        assert.equal(op.searchParams.get('api-Version'), v);
        const status = await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
        assert.deepEqual(status.body, { id: op.pathname, name: op.pathname.split('/').pop(), status: 'Succeeded', properties: {}, error: null });
        const got = await call('get', ext('monitor', v)).expect(200);
        assert.equal(got.body.properties.provisioningState, 'Succeeded');
        noSecrets(got.text);
      });
    }

    it('answers 200 to a re-PUT, keeps the identity and replaces the protected settings', async () => {
      const body = extensionBody({}, { identity: { type: 'SystemAssigned' } });
      const created = await call('put', ext()).send(body).expect(201);
      assert.match(created.body.identity.principalId, /^[0-9a-f-]{36}$/);
      assert.equal(created.body.identity.tenantId, TENANT);
      const again = await call('put', ext()).send(extensionBody({ configurationProtectedSettings: { other: 'x' } }, { identity: { type: 'SystemAssigned' } })).expect(200);
      assert.equal(again.body.identity.principalId, created.body.identity.principalId);
      assert.equal(again.body.properties.provisioningState, 'Updating');
      const key = again.body.id.toLowerCase();
      assert.deepEqual(a.services.store.secrets.get(key), { configurationProtectedSettings: { other: 'x' } });
    });

    it('keeps protected settings apart from what is stored and rendered', async () => {
      await call('put', ext()).send(extensionBody()).expect(201);
      const stored = a.services.store.resources.get(configPath('rg', 'c1', 'extensions', 'monitor').toLowerCase())!;
      noSecrets(JSON.stringify(stored.body));
      assert.deepEqual(a.services.store.secrets.get(stored.key), { configurationProtectedSettings: { 'omsagent.secret.key': 'extension-secret-value' } });
      const list = await call('get', `${configPath('rg', 'c1', 'extensions')}?api-version=2023-05-01`).expect(200);
      noSecrets(list.text);
      for (const line of a.logs) noSecrets(line);
    });

    it('records systemData from the caller', async () => {
      const res = await call('put', ext()).send(extensionBody()).expect(201);
      assert.equal(res.body.systemData.createdBy, 'tester@arclight.local');
      assert.equal(res.body.systemData.createdByType, 'User');
    });

    it('keeps plan and managedBy where the version has them', async () => {
      const plan = { name: 'azure-vote-standard', publisher: 'Microsoft', product: 'azure-vote-standard-offer-id' };
      await call('put', ext('vote', '2025-03-01')).send(extensionBody({}, { plan, managedBy: 'Microsoft.ContainerService' })).expect(201);
      const v2025 = await call('get', ext('vote', '2025-03-01')).expect(200);
      assert.deepEqual(v2025.body.plan, plan);
      assert.equal(v2025.body.managedBy, 'Microsoft.ContainerService');
      const v2022 = await call('get', ext('vote', '2022-03-01')).expect(200);
      assert.equal(v2022.body.plan, undefined, '2022-03-01 has no plan');
      assert.equal(v2022.body.managedBy, undefined);
    });
  });

  describe('validation', () => {
    const refused = async (body: object, code: string, pattern: RegExp, status = 400, name = 'monitor') => {
      const res = await call('put', ext(name)).send(body).expect(status);
      assert.equal(res.body.error.code, code);
      assert.match(res.body.error.message, pattern);
      noSecrets(res.text);
      await call('get', ext(name)).expect(404);
    };

    it('pins a version with autoUpgradeMinorVersion false (or a version alone), and takes only versions of the train', async () => {
      await refused(extensionBody({ version: '1.2.3', autoUpgradeMinorVersion: true }), 'ExtensionOperationFailed', /Failed to resolve the extension version from the given values/);
      await refused(extensionBody({ version: '1.2.3', autoUpgradeMinorVersion: false }), 'ExtensionOperationFailed', /Failed to resolve the extension version from the given values/);
      // A version of the train while auto-upgrading is where upgrades start: the newest, at once.
      const upgrading = await call('put', ext('upgrading')).send(extensionBody({ version: '3.1.16', autoUpgradeMinorVersion: true })).expect(201);
      assert.equal(upgrading.body.properties.version, '3.1.26');
      const res = await call('put', ext()).send(extensionBody({ version: '3.1.24' })).expect(201);
      assert.equal(res.body.properties.version, '3.1.24');
      assert.equal(res.body.properties.autoUpgradeMinorVersion, false);
    });

    it('needs exactly one scope, and a target namespace for a namespace scope', async () => {
      await refused(extensionBody({ scope: { cluster: { releaseNamespace: 'a' }, namespace: { targetNamespace: 'b' } } }), 'ValidationFailed', /Only one of/);
      // cassandradatacentersoperator allows both scopes.
      const cassandra = { extensionType: 'cassandradatacentersoperator' };
      await refused(extensionBody({ ...cassandra, scope: { namespace: {} } }), 'ValidationFailed', /targetNamespace/);
      await refused(extensionBody({ scope: { cluster: { releaseNamespace: 'Not_A_Namespace' } } }), 'ValidationFailed', /not a valid Kubernetes namespace/);
      const res = await call('put', ext()).send(extensionBody({ ...cassandra, scope: { namespace: { targetNamespace: 'team-a' } } })).expect(201);
      assert.deepEqual(res.body.properties.scope, { namespace: { targetNamespace: 'team-a' } });
    });

    it('needs an extensionType', async () => {
      await refused({ properties: { releaseTrain: 'Stable' } }, 'ValidationFailed', /'properties.extensionType' is required/);
    });

    it('refuses invalid names', async () => {
      await refused(extensionBody(), 'ValidationFailed', /extension name 'bad!name' is invalid/, 400, 'bad!name');
    });

    it('refuses a change of extensionType or scope on re-PUT: 400 PropertyChangeNotAllowed', async () => {
      await call('put', ext()).send(extensionBody()).expect(201);
      const type = await call('put', ext()).send(extensionBody({ extensionType: 'microsoft.flux' })).expect(400);
      assert.equal(type.body.error.code, 'PropertyChangeNotAllowed');
      assert.match(type.body.error.message, /properties.extensionType/);
      const scope = await call('put', ext()).send(extensionBody({ scope: { cluster: { releaseNamespace: 'elsewhere' } } })).expect(400);
      assert.equal(scope.body.error.code, 'PropertyChangeNotAllowed');
      // The same type in another casing is the same type.
      await call('put', ext()).send(extensionBody({ extensionType: 'Microsoft.AzureMonitor.Containers' })).expect(200);
    });

    it('ignores read-only fields clients send', async () => {
      const res = await call('put', ext()).send(extensionBody({ currentVersion: '9.9.9', provisioningState: 'Succeeded', statuses: [{ code: 'x' }] })).expect(201);
      assert.equal(res.body.properties.currentVersion, null);
      assert.equal(res.body.properties.provisioningState, 'Creating');
      assert.deepEqual(res.body.properties.statuses, []);
    });
  });

  describe('update', () => {
    beforeEach(() => call('put', ext()).send(extensionBody({ configurationSettings: { a: '1', b: '2' } })).expect(201));

    it('answers 202 with the resource and an Azure-AsyncOperation; merges settings and replaces protected settings', async () => {
      const res = await call('patch', ext()).send({ properties: { releaseTrain: 'Preview', configurationSettings: { b: null, c: '3' }, configurationProtectedSettings: { fresh: 'v' } } }).expect(202);
      assert.equal(res.body.properties.provisioningState, 'Updating');
      assert.deepEqual(res.body.properties.configurationSettings, { a: '1', c: '3' });
      assert.deepEqual(res.body.properties.configurationProtectedSettings, {});
      const status = await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
      assert.equal(status.body.status, 'Succeeded');
      const got = await call('get', ext()).expect(200);
      assert.equal(got.body.properties.releaseTrain, 'Preview');
      assert.equal(got.body.properties.provisioningState, 'Succeeded');
      assert.deepEqual(a.services.store.secrets.get(got.body.id.toLowerCase()), { configurationProtectedSettings: { fresh: 'v' } });
    });

    it('keeps protected settings a PATCH does not name, and drops them on null', async () => {
      await call('patch', ext()).send({ properties: { releaseTrain: 'Preview' } }).expect(202);
      const key = configPath('rg', 'c1', 'extensions', 'monitor').toLowerCase();
      assert.deepEqual(a.services.store.secrets.get(key), { configurationProtectedSettings: { 'omsagent.secret.key': 'extension-secret-value' } });
      await call('patch', ext()).send({ properties: { configurationProtectedSettings: null } }).expect(202);
      assert.equal(a.services.store.secrets.get(key), undefined, 'no protected value is left stored');
    });

    it('refuses fields the patch schema does not declare, and checks the merged result', async () => {
      const type = await call('patch', ext()).send({ properties: { extensionType: 'other' } }).expect(400);
      assert.equal(type.body.error.code, 'PropertyChangeNotAllowed');
      const version = await call('patch', ext()).send({ properties: { version: '2.0.0' } }).expect(400);
      assert.equal(version.body.error.code, 'ExtensionOperationFailed');
      await call('patch', ext()).send({ properties: { version: '3.1.16', autoUpgradeMinorVersion: false } }).expect(202);
    });

    it('answers 404 ResourceNotFound for a missing extension', async () => {
      const res = await call('patch', ext('nope')).send({ properties: { releaseTrain: 'Preview' } }).expect(404);
      assert.equal(res.body.error.code, 'ResourceNotFound');
      assert.equal(res.body.error.message, "Extension with name 'nope' not found.");
    });
  });

  describe('delete', () => {
    beforeEach(() => call('put', ext()).send(extensionBody()).expect(201));

    it('answers 202 with an Azure-AsyncOperation; the extension and its secrets go', async () => {
      const res = await call('delete', ext()).expect(202);
      assert.equal(res.headers['x-ms-async-operation-timeout'], 'PT1H');
      const status = await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
      assert.equal(status.body.status, 'Succeeded');
      await call('get', ext()).expect(404);
      assert.equal(a.services.store.secrets.get(configPath('rg', 'c1', 'extensions', 'monitor').toLowerCase()), undefined);
    });

    it('deletes at once with forceDelete=true (200), and answers 204 when nothing is there', async () => {
      await call('delete', `${ext()}&forceDelete=true`).expect(200);
      await call('get', ext()).expect(404);
      await call('delete', ext()).expect(204);
    });

    it('reads Deleting while --lro-delay keeps the operation running, and refuses writes meanwhile', async () => {
      const slow = await testArclight({ lroDelay: 30 });
      try {
        const s = (m: 'get' | 'put' | 'delete' | 'patch', p: string) => request(slow.app)[m](p).set('Authorization', bearer());
        await createCluster(slow.app, 'rg', 'c1');
        const created = await s('put', ext()).send(extensionBody()).expect(201);
        const running = await s('get', `${configPath('rg', 'c1', 'operations')}?api-version=2023-05-01`).expect(200);
        assert.deepEqual(running.body.value.map((o: { status: string }) => o.status), ['Creating']);
        assert.equal((await s('get', relative(created.headers['azure-asyncoperation'])).expect(200)).body.status, 'Creating');
        slow.services.clock.advance(30_000);
        await s('delete', ext()).expect(202);
        const deleting = await s('get', ext()).expect(200);
        assert.equal(deleting.body.properties.provisioningState, 'Deleting');
        const conflict = await s('patch', ext()).send({ properties: { releaseTrain: 'Preview' } }).expect(409);
        assert.equal(conflict.body.error.code, 'AnotherOperationInProgress');
        slow.services.clock.advance(30_000);
        await s('get', ext()).expect(404);
      } finally {
        slow.close();
      }
    });
  });

  describe('lists and operation statuses', () => {
    it('lists in pages with nextLink', async () => {
      for (const n of ['e1', 'e2', 'e3']) await call('put', ext(n)).send(extensionBody()).expect(201);
      const first = await call('get', `${configPath('rg', 'c1', 'extensions')}?api-version=2023-05-01`).expect(200);
      assert.equal(first.body.value.length, 2);
      const second = await call('get', relative(first.body.nextLink)).expect(200);
      assert.deepEqual([...first.body.value, ...second.body.value].map((e: { name: string }) => e.name), ['e1', 'e2', 'e3']);
      assert.equal(second.body.nextLink, undefined);
    });

    it('answers 404 for an operation of another extension', async () => {
      const res = await call('put', ext('e1')).send(extensionBody()).expect(201);
      await call('put', ext('e2')).send(extensionBody()).expect(201);
      const opId = new URL(res.headers['azure-asyncoperation']).pathname.split('/').pop();
      const wrong = await call('get', `${configPath('rg', 'c1', 'extensions', 'e2')}/operations/${opId}?api-version=2023-05-01`).expect(404);
      assert.equal(wrong.body.error.code, 'ResourceNotFound');
    });
  });
});
