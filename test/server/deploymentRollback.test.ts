/** onErrorDeployment: a failed deployment redeploys an earlier successful one (README "Template deployments"). */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { clusterPath, createCluster, createGroup, groupPath } from '../support/clusters';
import { copyLoopTemplate } from '../support/templates';

const SECRET = 'rollback-secret-value';

describe('deployments with onErrorDeployment', () => {
  const a = arclightPerSuite({}, async (i) => {
    await createCluster(i.app, 'rg', 'c1');
    await createGroup(i.app, 'empty');
  });
  const dep = (name: string, group = 'rg', action = '') => `${groupPath(group)}/providers/Microsoft.Resources/deployments/${name}${action}?api-version=2022-09-01`;
  const call = (method: 'get' | 'put' | 'delete', p: string) => request(a.app)[method](p).set('Authorization', bearer());
  const ext = (name: string) => `${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions/${name}?api-version=2023-05-01`;
  const clock = (seconds: number) => request(a.app).post('/_arclight/clock/advance').send({ seconds }).expect(200);
  const good = { mode: 'Incremental', template: copyLoopTemplate(1), parameters: { clusterName: { value: 'c1' }, secret: { value: SECRET } } };
  const failing = () => {
    const template = copyLoopTemplate(1);
    (template.resources[0] as Record<string, unknown>).scope = 'Microsoft.Kubernetes/connectedClusters/missing';
    return { mode: 'Incremental', template, parameters: { clusterName: { value: 'c1' } } };
  };

  async function deploy(name: string, properties: Record<string, unknown>) {
    await call('put', dep(name)).send({ properties }).expect((r) => assert.ok(r.status === 201 || r.status === 200, r.text));
    return (await call('get', dep(name)).expect(200)).body;
  }

  it('SpecificDeployment: the failure redeploys the named deployment with its template and secure parameters', async () => {
    const first = await deploy('good', good);
    assert.equal(first.properties.provisioningState, 'Succeeded');
    await call('delete', ext('ext0')).expect((r) => assert.ok(r.status < 300, r.text));
    await call('get', ext('ext0')).expect(404);
    await clock(5);
    const bad = await deploy('bad', { ...failing(), onErrorDeployment: { type: 'SpecificDeployment', deploymentName: 'good' } });
    assert.equal(bad.properties.provisioningState, 'Failed');
    assert.equal(bad.properties.error.code, 'DeploymentFailed');
    assert.deepEqual(bad.properties.onErrorDeployment, { type: 'SpecificDeployment', deploymentName: 'good', provisioningState: 'Succeeded' });
    // The redeploy put the extension back, and 'good' ran again, later.
    await call('get', ext('ext0')).expect(200);
    const again = (await call('get', dep('good')).expect(200));
    assert.equal(again.body.properties.provisioningState, 'Succeeded');
    assert.ok(again.body.properties.timestamp > first.properties.timestamp, `${again.body.properties.timestamp} after ${first.properties.timestamp}`);
    assert.deepEqual(again.body.properties.parameters.secret, { type: 'SecureString' });
    const ops = await call('get', `${groupPath('rg')}/deployments/good/operations?api-version=2022-09-01`).expect(200);
    assert.equal(ops.body.value.length, 1);
    assert.ok(!again.text.includes(SECRET) && !ops.text.includes(SECRET), 'a secure value came back');
  });

  it('LastSuccessful: the newest successful deployment of the group is the one redeployed', async () => {
    await deploy('older', good);
    await clock(5);
    await deploy('newer', { ...good, template: copyLoopTemplate(2) });
    await clock(5);
    await call('delete', ext('ext1')).expect((r) => assert.ok(r.status < 300, r.text));
    const bad = await deploy('bad2', { ...failing(), onErrorDeployment: { type: 'LastSuccessful' } });
    assert.deepEqual(bad.properties.onErrorDeployment, { type: 'LastSuccessful', deploymentName: 'newer', provisioningState: 'Succeeded' });
    await call('get', ext('ext1')).expect(200);
  });

  it('refuses at the PUT, with 400 InvalidOnErrorDeployment, a target that does not exist, did not succeed or is not named, and a group with nothing to roll back to', async () => {
    await deploy('failed-one', failing());
    const cases: Array<[string, string, Record<string, unknown>]> = [
      ['r1', 'rg', { type: 'SpecificDeployment', deploymentName: 'nope' }],
      ['r2', 'rg', { type: 'SpecificDeployment', deploymentName: 'failed-one' }],
      ['r3', 'rg', { type: 'SpecificDeployment' }],
      ['r4', 'empty', { type: 'LastSuccessful' }],
    ];
    for (const [name, group, onErrorDeployment] of cases) {
      const res = await call('put', dep(name, group)).send({ properties: { ...good, onErrorDeployment } }).expect(400);
      assert.equal(res.body.error.code, 'InvalidOnErrorDeployment', `${name}: ${res.text}`);
      await call('get', dep(name, group)).expect(404);
    }
    const atSub = await call('put', `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/s1?api-version=2022-09-01`)
      .send({ location: 'eastus', properties: { mode: 'Incremental', template: { $schema: 'x', contentVersion: '1.0.0.0', resources: [] }, onErrorDeployment: { type: 'LastSuccessful' } } }).expect(400);
    assert.equal(atSub.body.error.code, 'InvalidOnErrorDeployment');
  });
});
