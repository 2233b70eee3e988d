/** Microsoft.KubernetesConfiguration/sourceControlConfigurations (Flux v1): synchronous writes, Azure's initial state. */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer } from '../support/arclight';
import { createCluster } from '../support/clusters';
import { configPath, SECRET_VALUES, SOURCE_CONTROL_VERSIONS, sourceControlBody } from '../support/configurations';

describe('sourceControlConfigurations', () => {
  const a = arclightPerSuite({}, (i) => createCluster(i.app, 'rg', 'c1'));

  const call = (method: 'get' | 'put' | 'delete' | 'patch', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const scc = (name = 'SRS_Config', v = '2022-03-01') => `${configPath('rg', 'c1', 'sourceControlConfigurations', name)}?api-version=${v}`;

  for (const v of SOURCE_CONTROL_VERSIONS) {
    it(`creates synchronously (201, Succeeded) in Azure's initial state, then answers 200 (${v})`, async () => {
      const res = await call('put', scc('SRS_Config', v)).send(sourceControlBody()).expect(201);
      assert.equal(res.headers['azure-asyncoperation'], undefined);
      for (const secret of SECRET_VALUES) assert.ok(!res.text.includes(secret));
      const p = res.body.properties;
      assert.equal(p.provisioningState, 'Succeeded');
      assert.equal(p.operatorNamespace, 'default');
      assert.equal(p.operatorInstanceName, 'SRS_Config');
      assert.equal(p.operatorType, 'Flux');
      assert.equal(p.operatorScope, 'cluster');
      assert.equal(p.repositoryPublicKey, '');
      assert.deepEqual(p.configurationProtectedSettings, {});
      assert.deepEqual(p.complianceStatus, {
        complianceState: 'Pending', lastConfigApplied: '0001-01-01T00:00:00+00:00',
        message: '{"OperatorMessage":null,"ClusterState":null}', messageLevel: 'Information',
      });
      await call('put', scc('SRS_Config', v)).send(sourceControlBody({ operatorParams: '--git-poll-interval=1m' })).expect(200);
      const got = await call('get', scc('SRS_Config', v)).expect(200);
      assert.equal(got.body.properties.operatorParams, '--git-poll-interval=1m');
    });
  }

  it('keeps protected settings apart, and deletes synchronously (200, then 204)', async () => {
    await call('put', scc()).send(sourceControlBody()).expect(201);
    const key = configPath('rg', 'c1', 'sourceControlConfigurations', 'SRS_Config').toLowerCase();
    assert.deepEqual(a.services.store.secrets.get(key), { configurationProtectedSettings: { sshPrivateKey: 'c2NjLXNlY3JldC12YWx1ZQ==' } });
    const list = await call('get', `${configPath('rg', 'c1', 'sourceControlConfigurations')}?api-version=2022-03-01`).expect(200);
    assert.equal(list.body.value.length, 1);
    for (const secret of SECRET_VALUES) assert.ok(!list.text.includes(secret));
    await call('delete', scc()).expect(200);
    await call('delete', scc()).expect(204);
    assert.equal(a.services.store.secrets.get(key), undefined);
    const missing = await call('get', scc()).expect(404);
    assert.equal(missing.body.error.code, 'ResourceNotFound');
    assert.equal(missing.body.error.message, "SourceControlConfiguration with name 'SRS_Config' not found.");
  });

  it('validates the repository URL and refuses changes to the operator\'s namespace, instance and scope', async () => {
    const bad = await call('put', scc()).send(sourceControlBody({ repositoryUrl: 'file:///tmp/repo' })).expect(400);
    assert.equal(bad.body.error.code, 'ValidationFailed');
    await call('put', scc()).send(sourceControlBody({ operatorNamespace: 'flux-a' })).expect(201);
    const moved = await call('put', scc()).send(sourceControlBody({ operatorNamespace: 'flux-b' })).expect(400);
    assert.equal(moved.body.error.code, 'PropertyChangeNotAllowed');
  });

  it('has no PATCH', async () => {
    await call('put', scc()).send(sourceControlBody()).expect(201);
    await call('patch', scc()).send({ properties: {} }).expect(405);
  });
});
