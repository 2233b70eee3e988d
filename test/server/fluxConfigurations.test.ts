/** Microsoft.KubernetesConfiguration/fluxConfigurations: every rule, in every served api-version where it differs. */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer } from '../support/arclight';
import { createCluster } from '../support/clusters';
import { configPath, FLUX_VERSIONS, fluxBody, SECRET_VALUES } from '../support/configurations';

describe('fluxConfigurations', () => {
  const a = arclightPerSuite({}, (i) => createCluster(i.app, 'rg', 'c1'));

  const call = (method: 'get' | 'put' | 'patch' | 'delete', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const relative = (url: string) => new URL(url).pathname + new URL(url).search;
  const flux = (name = 'gitops', v = '2023-05-01') => `${configPath('rg', 'c1', 'fluxConfigurations', name)}?api-version=${v}`;
  const secretsOf = (name = 'gitops') => a.services.store.secrets.get(configPath('rg', 'c1', 'fluxConfigurations', name).toLowerCase());
  const noSecrets = (text: string) => {
    for (const secret of [...SECRET_VALUES, 'blob-account-key', 'tls-private-key']) assert.ok(!text.includes(secret), 'a write-only value came back');
  };

  describe('create', () => {
    for (const v of FLUX_VERSIONS) {
      it(`answers 201 Creating, completes the LRO, and applies Azure's defaults (${v})`, async () => {
        const res = await call('put', flux('gitops', v)).send(fluxBody()).expect(201);
        noSecrets(res.text);
        const p = res.body.properties;
        assert.equal(p.provisioningState, 'Creating');
        assert.equal(p.scope, 'cluster');
        assert.equal(p.namespace, 'default');
        assert.equal(p.sourceKind, 'GitRepository');
        assert.equal(p.suspend, false);
        assert.equal(p.complianceState, 'Pending');
        assert.deepEqual(p.statuses, []);
        assert.deepEqual(p.configurationProtectedSettings, {});
        assert.deepEqual(p.gitRepository, {
          timeoutInSeconds: 600, syncIntervalInSeconds: 600, url: 'https://github.com/Azure/arc-k8s-demo',
          repositoryRef: { branch: 'main', tag: null, semver: null, commit: null },
        });
        const expected = { path: './apps', dependsOn: ['infra'], timeoutInSeconds: 600, syncIntervalInSeconds: 600, prune: false, force: false, wait: true };
        if (v < '2023-05-01') delete (expected as Partial<typeof expected>).wait; // 'wait' arrived in 2023-05-01
        for (const [k, value] of Object.entries(expected)) assert.deepEqual(p.kustomizations.apps[k], value, k);
        assert.equal(p.kustomizations.apps.name, 'apps');
        assert.ok(res.headers['azure-asyncoperation'].includes('/fluxConfigurations/gitops/operations/'));
        const status = await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
        assert.equal(status.body.status, 'Succeeded');
        const got = await call('get', flux('gitops', v)).expect(200);
        assert.equal(got.body.properties.provisioningState, 'Succeeded');
        assert.equal(got.body.properties.complianceState, 'Pending', 'compliance is the agents\' to report');
      });
    }

    it('keeps write-only source values apart: protected settings, storage keys, TLS keys', async () => {
      const blob = { url: 'https://account.blob.core.windows.net', containerName: 'gitops', accountKey: 'blob-account-key' };
      await call('put', flux('blob', '2024-11-01')).send(fluxBody({ sourceKind: 'AzureBlob', gitRepository: undefined, azureBlob: blob })).expect(201);
      const got = await call('get', flux('blob', '2024-11-01')).expect(200);
      noSecrets(got.text);
      assert.deepEqual(got.body.properties.azureBlob, { timeoutInSeconds: 600, syncIntervalInSeconds: 600, url: blob.url, containerName: 'gitops' });
      assert.deepEqual(secretsOf('blob'), { configurationProtectedSettings: { httpsKey: 'Zmx1eC1zZWNyZXQtdmFsdWU=' }, 'azureBlob.accountKey': 'blob-account-key' });

      const oci = { url: 'oci://ghcr.io/org/manifests', repositoryRef: { tag: 'v1' }, tlsConfig: { privateKey: 'tls-private-key' } };
      const created = await call('put', flux('oci', '2024-11-01')).send(fluxBody({ sourceKind: 'OCIRepository', gitRepository: undefined, ociRepository: oci })).expect(201);
      noSecrets(created.text);
      assert.deepEqual(created.body.properties.ociRepository.repositoryRef, { tag: 'v1', semver: null, digest: null });
      assert.equal(created.body.properties.ociRepository.insecure, false);
      assert.equal(secretsOf('oci')!['ociRepository.tlsConfig.privateKey'], 'tls-private-key');
    });

    it('renders each version\'s source kinds only', async () => {
      const oci = { url: 'oci://ghcr.io/org/manifests', repositoryRef: { tag: 'v1' } };
      await call('put', flux('oci', '2024-11-01')).send(fluxBody({ sourceKind: 'OCIRepository', gitRepository: undefined, ociRepository: oci })).expect(201);
      const old = await call('get', flux('oci', '2022-03-01')).expect(200);
      assert.equal(old.body.properties.ociRepository, undefined);
      assert.equal(old.body.properties.sourceKind, undefined, "2022-03-01 does not know 'OCIRepository'");
      const refused = await call('put', flux('oci2', '2022-03-01')).send(fluxBody({ sourceKind: 'OCIRepository' })).expect(400);
      assert.equal(refused.body.error.code, 'InvalidRequestContent');
    });
  });

  describe('validation', () => {
    const refused = async (body: object, pattern: RegExp, name = 'gitops', code = 'ValidationFailed') => {
      const res = await call('put', flux(name)).send(body).expect(400);
      assert.equal(res.body.error.code, code);
      assert.match(res.body.error.message, pattern);
      noSecrets(res.text);
      await call('get', flux(name)).expect(404);
    };

    it('needs the source of the declared kind, with Azure\'s message', async () => {
      await refused(fluxBody({ sourceKind: 'Bucket' }),
        /^Invalid source kind match\. Config with specified source kind 'Bucket' must contain corresponding body specified in the properties\.$/);
      await refused(fluxBody({ bucket: { url: 'https://minio', bucketName: 'b' } }), /must not contain a 'bucket' body/);
    });

    it('checks the git URL scheme and needs exactly one reference', async () => {
      await refused(fluxBody({ gitRepository: { url: 'ftp://example.com/repo', repositoryRef: { branch: 'main' } } }), /must start with 'http:\/\/', 'https:\/\/', 'ssh:\/\/' or 'git@'/);
      await refused(fluxBody({ gitRepository: { url: 'https://example.com/repo', repositoryRef: { branch: 'main', tag: 'v1' } } }), /Exactly one of 'branch', 'tag', 'semver', 'commit'.*found 'branch', 'tag'/);
      await refused(fluxBody({ gitRepository: { url: 'https://example.com/repo' } }), /Exactly one of/);
      for (const url of ['ssh://git@github.com/org/repo', 'git@github.com:org/repo.git', 'http://gitea.local/repo']) {
        await call('put', flux()).send(fluxBody({ gitRepository: { url, repositoryRef: { commit: 'abc123' } } })).expect((r) => assert.ok(r.status === 201 || r.status === 200, `${url}: ${r.text}`));
      }
    });

    it('applies the name rules: Kubernetes names, configuration and kustomization within 62 characters', async () => {
      await refused(fluxBody(), /flux configuration name 'Upper_Case' is invalid/, 'Upper_Case');
      const longName = 'k'.repeat(62 - 'gitops'.length + 1);
      await refused(fluxBody({ kustomizations: { [longName]: { path: './' } } }), /within 62 characters/);
      await refused(fluxBody({ kustomizations: { apps: { dependsOn: ['missing'] } } }), /depends on 'missing'/);
      await refused(fluxBody({ namespace: 'Not A Namespace' }), /'properties.namespace' is not a valid Kubernetes namespace/);
    });

    it('refuses a change of scope or namespace on re-PUT', async () => {
      await call('put', flux()).send(fluxBody({ namespace: 'team-a' })).expect(201);
      const res = await call('put', flux()).send(fluxBody({ namespace: 'team-b' })).expect(400);
      assert.equal(res.body.error.code, 'PropertyChangeNotAllowed');
      assert.match(res.body.error.message, /properties\.namespace/);
      const scope = await call('put', flux()).send(fluxBody({ namespace: 'team-a', scope: 'namespace' })).expect(400);
      assert.equal(scope.body.error.code, 'PropertyChangeNotAllowed');
      await call('put', flux()).send(fluxBody({ namespace: 'team-a', suspend: true })).expect(200);
    });
  });

  it('keeps what only 2026-07-01-preview defines (sparse checkout, workload identity); 2025-04-01 does not render it', async () => {
    const git = { url: 'https://github.com/Azure/arc-k8s-demo', repositoryRef: { branch: 'main' }, sparseCheckout: ['apps'], objectLevelIdentity: { clientId: '00000000-0000-0000-0000-0000000000aa' } };
    const res = await call('put', flux('sparse', '2026-07-01-preview')).send(fluxBody({ gitRepository: git })).expect(201);
    assert.deepEqual(res.body.properties.gitRepository.sparseCheckout, ['apps']);
    assert.equal(res.body.properties.gitRepository.objectLevelIdentity.clientId, '00000000-0000-0000-0000-0000000000aa');
    // The identity needs its clientId (required in the spec).
    const noClient = await call('put', flux('sparse2', '2026-07-01-preview')).send(fluxBody({ gitRepository: { ...git, objectLevelIdentity: {} } })).expect(400);
    assert.ok(noClient.body.error.code, noClient.text);
    // An older version's schema does not know them: its answer leaves them out, as for any property it does not define.
    const older = await call('get', flux('sparse', '2025-04-01')).expect(200);
    assert.equal(older.body.properties.gitRepository.sparseCheckout, undefined);
    assert.equal(older.body.properties.gitRepository.objectLevelIdentity, undefined);
  });

  describe('update', () => {
    beforeEach(() => call('put', flux()).send(fluxBody()).expect(201));

    it('merges kustomizations (null removes one), and replaces protected settings when named', async () => {
      const res = await call('patch', flux()).send({ properties: { kustomizations: { apps: null, extra: { path: './extra' } }, configurationProtectedSettings: { sshPrivateKey: 'bmV3' } } }).expect(202);
      assert.equal(res.body.properties.provisioningState, 'Updating');
      assert.deepEqual(Object.keys(res.body.properties.kustomizations).sort(), ['extra', 'infra']);
      assert.equal(res.body.properties.kustomizations.extra.wait, true);
      assert.deepEqual(secretsOf(), { configurationProtectedSettings: { sshPrivateKey: 'bmV3' } });
      await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
      assert.equal((await call('get', flux()).expect(200)).body.properties.provisioningState, 'Succeeded');
    });

    it('switches the source kind when the old source is removed, and drops its write-only values', async () => {
      await call('patch', flux('gitops', '2024-11-01')).send({ properties: { sourceKind: 'AzureBlob', gitRepository: null, azureBlob: { url: 'https://a.blob.core.windows.net', accountKey: 'blob-account-key' } } }).expect(202);
      assert.equal(secretsOf()!['azureBlob.accountKey'], 'blob-account-key');
      await call('patch', flux('gitops', '2024-11-01')).send({ properties: { sourceKind: 'GitRepository', azureBlob: null, gitRepository: { url: 'https://x/y', repositoryRef: { branch: 'b' } } } }).expect(202);
      assert.equal(secretsOf()!['azureBlob.accountKey'], undefined);
      const mismatch = await call('patch', flux()).send({ properties: { sourceKind: 'Bucket' } }).expect(400);
      assert.match(mismatch.body.error.message, /Invalid source kind match/);
    });

    it('refuses scope and namespace in a PATCH', async () => {
      const res = await call('patch', flux()).send({ properties: { namespace: 'other' } }).expect(400);
      assert.equal(res.body.error.code, 'PropertyChangeNotAllowed');
    });
  });

  describe('delete', () => {
    it('answers 202, then the configuration is gone; forceDelete answers 200; a missing one 204', async () => {
      await call('put', flux()).send(fluxBody()).expect(201);
      const res = await call('delete', flux()).expect(202);
      assert.equal((await call('get', relative(res.headers['azure-asyncoperation'])).expect(200)).body.status, 'Succeeded');
      await call('get', flux()).expect(404);
      await call('put', flux()).send(fluxBody()).expect(201);
      await call('delete', `${flux()}&forceDelete=true`).expect(200);
      await call('delete', flux()).expect(204);
      assert.equal(secretsOf(), undefined);
    });
  });
});
