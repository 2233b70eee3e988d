/** Microsoft.Resources/deployments at subscription, tenant and management group scope (README "Template deployments"). */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { clusterPath, groupPath } from '../support/clusters';
import { groupAndClusterTemplate, RG_SCHEMA, SUB_SCHEMA } from '../support/templates';

const TENANT_SCHEMA = 'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#';

/** A tenant-scope template whose nested deployment creates resource group `group` in the default subscription. */
function intoSubscription(group: string) {
  return {
    $schema: TENANT_SCHEMA, contentVersion: '1.0.0.0',
    resources: [{
      type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'into-sub', location: 'eastus', subscriptionId: SUB,
      properties: {
        mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' },
        template: { $schema: SUB_SCHEMA, contentVersion: '1.0.0.0', resources: [{ type: 'Microsoft.Resources/resourceGroups', apiVersion: '2022-09-01', name: group, location: 'northeurope' }] },
      },
    }],
  };
}

describe('deployments at subscription, tenant and management group scope', () => {
  const a = arclightPerSuite();
  const subDep = (name: string, v = '2022-09-01', action = '') => `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/${name}${action}?api-version=${v}`;
  const tenantDep = (name: string, v = '2022-09-01', action = '') => `/providers/Microsoft.Resources/deployments/${name}${action}?api-version=${v}`;
  const call = (method: 'get' | 'put' | 'post' | 'delete' | 'head', p: string) => request(a.app)[method](p).set('Authorization', bearer({ upn: 'deployer@contoso.com' }));
  const relative = (url: string) => new URL(url).pathname + new URL(url).search;

  async function deployAt(url: string, body: Record<string, unknown>) {
    const res = await call('put', url).send(body);
    assert.ok(res.status === 201 || res.status === 200, `${res.status} ${res.text}`);
    const status = await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
    const got = await call('get', url).expect(200);
    return { res, status, got };
  }

  for (const v of ['2021-04-01', '2022-09-01', '2024-03-01']) {
    it(`subscription scope: creates a resource group and deploys into it through a nested deployment (${v})`, async () => {
      const { res, status, got } = await deployAt(subDep('arc', v), {
        location: 'westeurope',
        properties: { mode: 'Incremental', template: groupAndClusterTemplate(), parameters: { groupName: { value: 'arc-rg' }, clusterName: { value: 'c1' } } },
      });
      assert.equal(res.status, 201);
      assert.match(new URL(res.headers['azure-asyncoperation']).pathname, new RegExp(`^/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/arc/operationStatuses/[0-9a-f-]{36}$`));
      assert.equal(status.body.status, 'Succeeded', JSON.stringify(status.body));
      assert.equal(got.body.id, `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/arc`);
      assert.equal(got.body.location, 'westeurope');
      const p = got.body.properties;
      assert.equal(p.provisioningState, 'Succeeded', JSON.stringify(p.error));
      assert.equal(p.outputs.clusterId.value, `/subscriptions/${SUB}/resourceGroups/arc-rg/providers/Microsoft.Kubernetes/connectedClusters/c1`);
      assert.equal(p.outputs.groupLocation.value, 'westeurope', 'resourceGroup() in the module is the group the parent created');
      assert.equal(p.outputs.subscription.value, SUB);
      assert.deepEqual(p.outputResources.map((r: { id: string }) => r.id), [`/subscriptions/${SUB}/resourceGroups/arc-rg`]);
      const group = await call('get', `${groupPath('arc-rg')}?api-version=2022-09-01`).expect(200);
      assert.equal(group.body.location, 'westeurope');
      assert.deepEqual(group.body.tags, { purpose: 'arc' });
      const cluster = await call('get', `${clusterPath('arc-rg', 'c1')}?api-version=2021-10-01`).expect(200);
      assert.equal(cluster.body.systemData.createdBy, 'deployer@contoso.com');
      // The module's record is a deployment of the group; the subscription's list holds only its own.
      const inGroup = await call('get', `${groupPath('arc-rg')}/providers/Microsoft.Resources/deployments?api-version=${v}`).expect(200);
      assert.deepEqual(inGroup.body.value.map((d: { name: string }) => d.name), ['cluster']);
      const atSub = await call('get', `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/?api-version=${v}`).expect(200);
      assert.deepEqual(atSub.body.value.map((d: { name: string }) => d.name), ['arc']);
      const ops = await call('get', subDep('arc', v, '/operations')).expect(200);
      assert.deepEqual(ops.body.value.map((o: { properties: { targetResource: { resourceType: string } } }) => o.properties.targetResource.resourceType), ['Microsoft.Resources/resourceGroups', 'Microsoft.Resources/deployments']);
      await call('get', subDep('arc', v, `/operations/${ops.body.value[0].operationId}`)).expect(200);
      await call('head', subDep('arc', v)).expect(204);
      const exported = await call('post', subDep('arc', v, '/exportTemplate')).expect(200);
      assert.equal(exported.body.template.$schema, SUB_SCHEMA);
      await call('delete', subDep('arc', v)).expect(204);
      await call('get', subDep('arc', v)).expect(404);
      await call('get', `${groupPath('arc-rg')}?api-version=2022-09-01`).expect(200);
    });
  }

  it("subscription scope: Azure's InvalidDeployment without a location or in Complete mode, InvalidDeploymentLocation on another location", async () => {
    const body = (extra: Record<string, unknown> = {}, mode = 'Incremental') => ({ ...extra, properties: { mode, template: { $schema: SUB_SCHEMA, contentVersion: '1.0.0.0', resources: [] } } });
    const missing = await call('put', subDep('noloc')).send(body()).expect(400);
    assert.deepEqual(missing.body.error, { code: 'InvalidDeployment', message: "The 'location' property must be specified for 'noloc'. Please see https://aka.ms/arm-deployment-subscription for usage details." });
    const validate = await call('post', subDep('noloc', '2022-09-01', '/validate')).send(body()).expect(400);
    assert.equal(validate.body.error.code, 'InvalidDeployment');
    const complete = await call('put', subDep('full')).send(body({ location: 'eastus' }, 'Complete')).expect(400);
    assert.deepEqual(complete.body.error, { code: 'InvalidDeployment', message: "Specified deployment mode 'Complete' is not supported for deployment at the current scope. Please see https://aka.ms/deployment-modes for usage details." });
    await deployAt(subDep('here'), body({ location: 'eastus' }));
    const moved = await call('put', subDep('here')).send(body({ location: 'westus' })).expect(400);
    assert.deepEqual(moved.body.error, { code: 'InvalidDeploymentLocation', message: "Invalid deployment location 'westus'. The deployment 'here' already exists in location 'eastus'." });
    await call('put', subDep('here')).send(body({ location: 'EastUS' })).expect(200);
    for (const name of ['noloc', 'full']) await call('get', subDep(name)).expect(404);
  });

  it("resource group scope refuses a deployment's own location, in Azure's words", async () => {
    await call('put', `${groupPath('loc-rg')}?api-version=2022-09-01`).send({ location: 'eastus' }).expect(201);
    const res = await call('put', `${groupPath('loc-rg')}/providers/Microsoft.Resources/deployments/d?api-version=2022-09-01`)
      .send({ location: 'eastus', properties: { mode: 'Incremental', template: { $schema: RG_SCHEMA, contentVersion: '1.0.0.0', resources: [] } } }).expect(400);
    assert.deepEqual(res.body.error, { code: 'InvalidDeployment', message: "The 'location' property is not allowed for 'd' at resource group scope. Please see https://aka.ms/arm-deployment-subscription for usage details." });
  });

  it('subscription scope: a nested subscription deployment without a location fails the deployment with InvalidDeployment', async () => {
    const template = {
      $schema: SUB_SCHEMA, contentVersion: '1.0.0.0',
      resources: [{ type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'pid-telemetry', properties: { mode: 'Incremental', template: { $schema: RG_SCHEMA, contentVersion: '1.0.0.0', resources: [] } } }],
    };
    const { got } = await deployAt(subDep('nested-noloc'), { location: 'eastus', properties: { mode: 'Incremental', template } });
    const e = got.body.properties.error;
    assert.equal(e.code, 'DeploymentFailed');
    assert.deepEqual(e.details, [{ code: 'InvalidDeployment', message: "The 'location' property must be specified for 'pid-telemetry'. Please see https://aka.ms/arm-deployment-subscription for usage details." }]);
  });

  it('subscription scope: validate and whatIf see the group and the module before anything exists', async () => {
    const body = { location: 'eastus', properties: { mode: 'Incremental', template: groupAndClusterTemplate(), parameters: { groupName: { value: 'wi-rg' }, clusterName: { value: 'c9' } } } };
    const validated = await call('post', subDep('wi', '2022-09-01', '/validate')).send(body).expect(200);
    assert.deepEqual(validated.body.properties.validatedResources.map((r: { id: string }) => r.id), [
      `/subscriptions/${SUB}/resourceGroups/wi-rg`, `/subscriptions/${SUB}/resourceGroups/wi-rg/providers/Microsoft.Resources/deployments/cluster`,
    ]);
    const started = await call('post', subDep('wi', '2022-09-01', '/whatIf')).send(body).expect(202);
    const whatIf = await call('get', relative(started.headers.location)).expect(200);
    // The module is expanded: the cluster it would create in the group the template creates.
    assert.deepEqual(whatIf.body.properties.changes.map((c: { changeType: string; resourceId: string }) => [c.changeType, c.resourceId]), [
      ['Create', `/subscriptions/${SUB}/resourceGroups/wi-rg`],
      ['Create', `/subscriptions/${SUB}/resourceGroups/wi-rg/providers/Microsoft.Kubernetes/connectedClusters/c9`],
    ]);
    await call('get', `${groupPath('wi-rg')}?api-version=2022-09-01`).expect(404);
  });

  it('tenant scope: whatIf is long-running, its Location at the tenant\'s operationresults', async () => {
    const template = intoSubscription('wi-tenant');
    const started = await call('post', tenantDep('twi', '2022-09-01', '/whatIf')).send({ location: 'eastus', properties: { mode: 'Incremental', template } }).expect(202);
    assert.match(new URL(started.headers.location).pathname, /^\/providers\/Microsoft\.Resources\/operationresults\/[0-9a-f-]{36}$/);
    assert.ok(started.headers['retry-after']);
    const whatIf = await call('get', relative(started.headers.location)).expect(200);
    assert.equal(whatIf.body.status, 'Succeeded', JSON.stringify(whatIf.body));
    assert.deepEqual(whatIf.body.properties.changes.map((c: { changeType: string; resourceId: string }) => [c.changeType, c.resourceId]), [
      ['Create', `/subscriptions/${SUB}/resourceGroups/wi-tenant`],
    ]);
    // An operation of the tenant is not any subscription's, nor is a subscription's the tenant's.
    const opId = new URL(started.headers.location).pathname.split('/').pop();
    await call('get', `/subscriptions/${SUB}/operationresults/${opId}?api-version=2022-09-01`).expect(404);
    const subStarted = await call('post', subDep('swi', '2022-09-01', '/whatIf')).send({ location: 'eastus', properties: { mode: 'Incremental', template: { $schema: SUB_SCHEMA, contentVersion: '1.0.0.0', resources: [] } } }).expect(202);
    await call('get', `/providers/Microsoft.Resources/operationresults/${new URL(subStarted.headers.location).pathname.split('/').pop()}?api-version=2022-09-01`).expect(404);
    await call('get', `${groupPath('wi-tenant')}?api-version=2022-09-01`).expect(404);
  });

  it('tenant scope: a deployment with a nested deployment into a subscription; list, operations, DELETE', async () => {
    const template = {
      ...intoSubscription('from-tenant'),
      outputs: { tenant: { type: 'string', value: '[tenant().tenantId]' } },
    };
    const { res, got } = await deployAt(tenantDep('t1'), { location: 'eastus', properties: { mode: 'Incremental', template } });
    assert.match(new URL(res.headers['azure-asyncoperation']).pathname, /^\/providers\/Microsoft.Resources\/deployments\/t1\/operationStatuses\/[0-9a-f-]{36}$/);
    assert.equal(got.body.id, '/providers/Microsoft.Resources/deployments/t1');
    assert.equal(got.body.properties.provisioningState, 'Succeeded', JSON.stringify(got.body.properties.error));
    assert.match(got.body.properties.outputs.tenant.value, /^[0-9a-f-]{36}$/);
    await call('get', `${groupPath('from-tenant')}?api-version=2022-09-01`).expect(200);
    const nested = await call('get', subDep('into-sub')).expect(200);
    assert.equal(nested.body.location, 'eastus');
    const list = await call('get', '/providers/Microsoft.Resources/deployments/?api-version=2022-09-01').expect(200);
    assert.deepEqual(list.body.value.map((d: { name: string }) => d.name), ['t1']);
    const ops = await call('get', tenantDep('t1', '2022-09-01', '/operations')).expect(200);
    assert.equal(ops.body.value.length, 1);
    // The tenant body (ScopedDeployment) requires a location in the spec itself.
    const missing = await call('put', tenantDep('t2')).send({ properties: { mode: 'Incremental', template } }).expect(400);
    assert.equal(missing.body.error.code, 'InvalidRequestContent');
    await call('delete', tenantDep('t1')).expect(204);
    await call('get', tenantDep('t1')).expect(404);
  });

  it('management group scope: Arclight has none, so every one is ManagementGroupNotFound (404), as ARM answers an unknown group', async () => {
    const mg = (name: string, action = '') => `/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Resources/deployments/${name}${action}?api-version=2022-09-01`;
    const body = { location: 'eastus', properties: { mode: 'Incremental', template: { $schema: 'https://schema.management.azure.com/schemas/2019-08-01/managementGroupDeploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [] } } };
    const expected = { code: 'ManagementGroupNotFound', message: "The management group 'mg1' cannot be found." };
    assert.deepEqual((await call('put', mg('d')).send(body).expect(404)).body.error, expected);
    assert.deepEqual((await call('get', mg('d')).expect(404)).body.error, expected);
    assert.deepEqual((await call('post', mg('d', '/validate')).send(body).expect(404)).body.error, expected);
    assert.deepEqual((await call('get', '/providers/Microsoft.Management/managementGroups/mg1/providers/Microsoft.Resources/deployments/?api-version=2022-09-01').expect(404)).body.error, expected);
  });
});

describe('subscription deployments with --lro-delay', () => {
  const a = arclightPerSuite({ lroDelay: 30 });
  const url = (action = '') => `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/slow${action}?api-version=2022-09-01`;
  const call = (method: 'get' | 'put' | 'post', p: string) => request(a.app)[method](p).set('Authorization', bearer());

  it('cancel ends a running subscription deployment on the emulator clock: Canceled, its group never created; 409 once it is not running', async () => {
    const res = await call('put', url()).send({ location: 'eastus', properties: { mode: 'Incremental', template: groupAndClusterTemplate(), parameters: { groupName: { value: 'never-rg' }, clusterName: { value: 'c1' } } } }).expect(201);
    assert.equal(res.headers['retry-after'], '30');
    assert.equal((await call('get', url()).expect(200)).body.properties.provisioningState, 'Running');
    await call('post', url('/cancel')).expect(204);
    const status = await call('get', new URL(res.headers['azure-asyncoperation']).pathname + '?api-version=2022-09-01').expect(200);
    assert.equal(status.body.status, 'Canceled');
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: 31 }).expect(200);
    assert.equal((await call('get', url()).expect(200)).body.properties.provisioningState, 'Canceled');
    await call('get', `${groupPath('never-rg')}?api-version=2022-09-01`).expect(404);
    const again = await call('post', url('/cancel')).expect(409);
    assert.equal(again.body.error.code, 'DeploymentCannotBeCancelled');
  });
});
