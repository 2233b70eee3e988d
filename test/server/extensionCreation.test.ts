/**
 * What creating and updating an extension derives from its type (the extension type catalog):
 * release namespace and scope, the version a release train resolves to, Azure's refusals of an
 * unknown type, a type a region or a kind of cluster does not offer, a version the train does
 * not have, a scope the type does not allow; and protected settings across the Azure CLI's
 * updates, which always send `"configurationProtectedSettings": {}`.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer } from '../support/arclight';
import { clusterBody, clusterPath, createCluster, groupPath } from '../support/clusters';
import { configPath, extensionBody, fluxBody } from '../support/configurations';

const KC = 'providers/Microsoft.KubernetesConfiguration';

describe('extensions from their type', () => {
  const a = arclightPerSuite({}, async (i) => {
    await createCluster(i.app, 'rg', 'c1');
    await createCluster(i.app, 'rg', 'west', '2021-10-01', clusterBody({ location: 'westus2' }));
    await request(i.app).put(`${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters/aks1?api-version=2024-05-01`)
      .set('Authorization', bearer()).send({ location: 'eastus' }).expect(201);
  });
  const call = (method: 'get' | 'put' | 'patch', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const ext = (name: string, cluster = 'c1', v = '2023-05-01') => `${configPath('rg', cluster, 'extensions', name)}?api-version=${v}`;
  const put = (name: string, properties: Record<string, unknown>, cluster = 'c1') => call('put', ext(name, cluster)).send({ properties });
  const secretsOf = (name: string, cluster = 'c1') => a.services.store.secrets.get(configPath('rg', cluster, 'extensions', name).toLowerCase());

  describe('scope and release namespace', () => {
    for (const name of ['flux', 'gitops']) {
      it(`releases microsoft.flux into flux-system, cluster scope, whatever the extension is called (${name})`, async () => {
        const res = await put(name, { extensionType: 'microsoft.flux' }).expect(201);
        assert.deepEqual(res.body.properties.scope, { cluster: { releaseNamespace: 'flux-system' } });
      });
    }

    it("takes the type's release namespace for a cluster scope that names none, and the one a scope names", async () => {
      const named = await put('kv', { extensionType: 'Microsoft.AzureKeyVaultSecretsProvider', scope: { cluster: {} } }).expect(201);
      assert.deepEqual(named.body.properties.scope, { cluster: { releaseNamespace: 'kube-system' } });
      assert.equal(named.body.properties.extensionType, 'Microsoft.AzureKeyVaultSecretsProvider', 'the type as the client spelled it');
      const chosen = await put('dapr', { extensionType: 'microsoft.dapr', scope: { cluster: { releaseNamespace: 'my-dapr' } } }).expect(201);
      assert.deepEqual(chosen.body.properties.scope, { cluster: { releaseNamespace: 'my-dapr' } });
    });

    it("defaults to the type's scope: a namespace-scoped type is installed into a namespace after the extension", async () => {
      const res = await put('Cassandra1', { extensionType: 'cassandradatacentersoperator' }).expect(201);
      assert.deepEqual(res.body.properties.scope, { namespace: { targetNamespace: 'cassandra1' } });
    });

    it('refuses a scope the type does not allow: 400 ValidationFailed', async () => {
      const res = await put('flux', { extensionType: 'microsoft.flux', scope: { namespace: { targetNamespace: 'team-a' } } }).expect(400);
      assert.equal(res.body.error.code, 'ValidationFailed');
      assert.equal(res.body.error.message, "Extension type 'microsoft.flux' can only be installed at cluster scope; 'properties.scope.namespace' is not allowed for it.");
      const apim = await put('gw', { extensionType: 'microsoft.apimanagement.gateway', scope: { cluster: { releaseNamespace: 'apim' } } }).expect(400);
      assert.match(apim.body.error.message, /can only be installed at namespace scope/);
      await call('get', ext('flux')).expect(404);
    });
  });

  describe('versions', () => {
    it('resolves the release train (Stable by default) to its newest version while auto-upgrading', async () => {
      const res = await put('kv', { extensionType: 'microsoft.azurekeyvaultsecretsprovider' }).expect(201);
      assert.equal(res.body.properties.autoUpgradeMinorVersion, true);
      assert.equal(res.body.properties.releaseTrain, 'Stable');
      assert.equal(res.body.properties.version, '1.6.5');
      assert.equal(res.body.properties.currentVersion, null, 'what is installed is for the agents to report');
      const preview = await put('flux', { extensionType: 'microsoft.flux', releaseTrain: 'preview' }).expect(201);
      assert.equal(preview.body.properties.version, '1.18.0');
      assert.equal(preview.body.properties.releaseTrain, 'preview');
    });

    it('pins a version sent without autoUpgradeMinorVersion, as Azure answered the CLI for microsoft.dapr 1.6.0', async () => {
      // The body `az k8s-extension create --extension-type microsoft.dapr --release-train stable --version 1.6.0` sent (test_k8s_extension.yaml).
      const res = await call('put', ext('dapr')).send({ location: '', properties: { extensionType: 'microsoft.dapr', releaseTrain: 'stable', version: '1.6.0', configurationSettings: {}, configurationProtectedSettings: {} } }).expect(201);
      assert.equal(res.body.properties.autoUpgradeMinorVersion, false);
      assert.equal(res.body.properties.version, '1.6.0');
      assert.deepEqual(res.body.properties.scope, { cluster: { releaseNamespace: 'dapr-system' } });
    });

    it("refuses a version or release train the type does not have with Azure's ExtensionOperationFailed", async () => {
      for (const properties of [{ version: '9.9.9', autoUpgradeMinorVersion: false }, { version: '9.9.9', autoUpgradeMinorVersion: true }, { releaseTrain: 'nightly' },
        { autoUpgradeMinorVersion: false }, { version: '1.18.0', releaseTrain: 'stable' }]) {
        const res = await put('flux', { extensionType: 'microsoft.flux', ...properties }).expect(400);
        assert.equal(res.body.error.code, 'ExtensionOperationFailed', JSON.stringify(properties));
        assert.equal(res.body.error.message, 'The extension operation failed with the following error: Failed to resolve the extension version from the given values.');
      }
    });

    it('takes back the version it resolved (read, then written), and follows a new release train', async () => {
      await put('flux', { extensionType: 'microsoft.flux' }).expect(201);
      const read = (await call('get', ext('flux')).expect(200)).body;
      const again = await call('put', ext('flux')).send({ properties: { extensionType: read.properties.extensionType, autoUpgradeMinorVersion: true, version: read.properties.version } }).expect(200);
      assert.equal(again.body.properties.version, '1.17.3');
      const patched = await call('patch', ext('flux')).send({ properties: { releaseTrain: 'Preview' } }).expect(202);
      assert.equal(patched.body.properties.version, '1.18.0');
      const pinned = await call('patch', ext('flux')).send({ properties: { releaseTrain: 'Stable', autoUpgradeMinorVersion: false, version: '1.16.12' } }).expect(202);
      assert.equal(pinned.body.properties.version, '1.16.12');
      // Back to auto-upgrading from a version of the train: the train's newest.
      const upgrading = await call('patch', ext('flux')).send({ properties: { autoUpgradeMinorVersion: true, version: '1.15.1' } }).expect(202);
      assert.equal(upgrading.body.properties.version, '1.17.3');
    });

    it('marks extensions of a system type as system extensions', async () => {
      const res = await put('usage', { extensionType: 'microsoft.extensionsusage' }).expect(201);
      assert.equal(res.body.properties.isSystemExtension, true);
    });
  });

  describe('what the type is offered for', () => {
    it('refuses a type the catalog does not have: 400 ExtensionTypeRegistrationGetFailed', async () => {
      const res = await put('mystery', { extensionType: 'contoso.unheard-of' }).expect(400);
      assert.equal(res.body.error.code, 'ExtensionTypeRegistrationGetFailed');
      assert.equal(res.body.error.message, 'Extension type contoso.unheard-of is not registered in region eastus.');
    });

    it("refuses a type the cluster's region does not offer, naming the regions that do (Azure's words)", async () => {
      const res = await put('appsvc', { extensionType: 'microsoft.web.appservice' }, 'west').expect(400);
      assert.equal(res.body.error.code, 'ExtensionTypeRegistrationGetFailed');
      assert.equal(res.body.error.message,
        'Extension type microsoft.web.appservice is not registered in region westus2. Extension is available in eastus2euap,eastus,westeurope,westcentralus. Please try to install in these regions.');
      await put('appsvc', { extensionType: 'microsoft.web.appservice' }).expect(201);
    });

    it('refuses a type for a kind of cluster it does not install on', async () => {
      const path = `${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters/aks1/${KC}/extensions/monitor?api-version=2023-05-01`;
      const res = await call('put', path).send(extensionBody()).expect(400);
      assert.equal(res.body.error.code, 'ExtensionTypeNotSupported');
      assert.match(res.body.error.message, /^Extension type 'microsoft.azuremonitor.containers' is not supported in region 'eastus' for cluster type: ManagedClusters\./);
      const flux = `${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters/aks1/${KC}/extensions/flux?api-version=2023-05-01`;
      await call('put', flux).send({ properties: { extensionType: 'microsoft.flux' } }).expect(201);
    });
  });

  describe('protected settings across updates', () => {
    it('keeps them through the PATCH `az k8s-extension update` sends (empty maps of both settings)', async () => {
      await call('put', ext('monitor')).send(extensionBody()).expect(201);
      // DefaultExtension.Update: PatchExtension(autoUpgradeMinorVersion, releaseTrain, version, configurationSettings={}, configurationProtectedSettings={}).
      await call('patch', ext('monitor')).send({ properties: { autoUpgradeMinorVersion: false, version: '3.1.24', configurationSettings: {}, configurationProtectedSettings: {} } }).expect(202);
      assert.deepEqual(secretsOf('monitor'), { configurationProtectedSettings: { 'omsagent.secret.key': 'extension-secret-value' } });
      const got = (await call('get', ext('monitor')).expect(200)).body.properties;
      assert.deepEqual(got.configurationSettings, { 'logAnalytics.workspace': 'ws1' });
      assert.equal(got.version, '3.1.24');
      // Naming protected settings replaces the whole set (Azure's documented rule); null removes it.
      await call('patch', ext('monitor')).send({ properties: { configurationProtectedSettings: { 'amalogs.secret.key': 'k2' } } }).expect(202);
      assert.deepEqual(secretsOf('monitor'), { configurationProtectedSettings: { 'amalogs.secret.key': 'k2' } });
      await call('patch', ext('monitor')).send({ properties: { configurationProtectedSettings: null } }).expect(202);
      assert.equal(secretsOf('monitor'), undefined, 'no protected value is left stored');
    });

    it('keeps flux configurations\' protected settings through a PATCH with an empty map too', async () => {
      await call('put', ext('flux')).send({ properties: { extensionType: 'microsoft.flux' } }).expect(201);
      const flux = `${configPath('rg', 'c1', 'fluxConfigurations', 'gitops')}?api-version=2023-05-01`;
      await call('put', flux).send(fluxBody()).expect(201);
      await call('patch', flux).send({ properties: { suspend: true, configurationProtectedSettings: {} } }).expect(202);
      assert.deepEqual(a.services.store.secrets.get(configPath('rg', 'c1', 'fluxConfigurations', 'gitops').toLowerCase()),
        { configurationProtectedSettings: { httpsKey: 'Zmx1eC1zZWNyZXQtdmFsdWU=' } });
    });

    it('replaces them on a PUT, as a create over an existing extension does', async () => {
      await call('put', ext('monitor')).send(extensionBody()).expect(201);
      await call('put', ext('monitor')).send(extensionBody({ configurationProtectedSettings: {} })).expect(200);
      assert.deepEqual(secretsOf('monitor')?.configurationProtectedSettings, {});
    });
  });

  it('lists what can be installed on a cluster: what creating there accepts', async () => {
    const listed = await call('get', `${clusterPath('rg', 'west')}/${KC}/extensionTypes?api-version=2023-05-01-preview`).expect(200);
    const names: string[] = listed.body.value.map((t: { name: string }) => t.name);
    assert.ok(!names.includes('microsoft.web.appservice'));
    assert.ok(names.includes('microsoft.flux'));
  });
});
