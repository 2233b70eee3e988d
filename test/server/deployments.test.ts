/** Microsoft.Resources/deployments at resource group scope: every operation and failure (README "Template deployments"). */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { clusterPath, createCluster, groupPath } from '../support/clusters';
import { DEPLOYMENT_FAILED_MESSAGE } from '../../server/surfaces/arm/deployments';
import { avmTemplate, copyLoopTemplate } from '../support/templates';

const SECRET = 'deployment-secret-value';

describe('deployments (resource group scope)', () => {
  const a = arclightPerSuite({}, (i) => createCluster(i.app, 'rg', 'c1'));
  const dep = (name: string, v = '2022-09-01', action = '') => `${groupPath('rg')}/providers/Microsoft.Resources/deployments/${name}${action}?api-version=${v}`;
  const call = (method: 'get' | 'put' | 'post' | 'delete' | 'head', p: string) => request(a.app)[method](p).set('Authorization', bearer({ upn: 'deployer@contoso.com' }));
  const relative = (url: string) => new URL(url).pathname + new URL(url).search;

  async function deploy(name: string, properties: Record<string, unknown>, v = '2022-09-01') {
    const res = await call('put', dep(name, v)).send({ properties: { mode: 'Incremental', ...properties } });
    assert.ok(res.status === 201 || res.status === 200, `${res.status} ${res.text}`);
    const status = await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
    const got = await call('get', dep(name, v)).expect(200);
    return { res, status, got };
  }

  for (const v of ['2021-04-01', '2022-09-01', '2024-03-01']) {
    it(`runs a copy loop through the ARM pipeline as the deploying principal (${v})`, async () => {
      const { res, status, got } = await deploy('loop', {
        template: copyLoopTemplate(), parameters: { clusterName: { value: 'c1' }, secret: { value: SECRET } },
      }, v);
      assert.equal(res.status, 201);
      assert.equal(res.body.properties.provisioningState, 'Accepted');
      assert.match(new URL(res.headers['azure-asyncoperation']).pathname, new RegExp(`^/subscriptions/${SUB}/resourcegroups/rg/providers/Microsoft.Resources/deployments/loop/operationStatuses/[0-9a-f-]{36}$`));
      assert.equal(res.headers['retry-after'], '1');
      assert.deepEqual(status.body, { status: 'Succeeded' });
      const p = got.body.properties;
      assert.equal(p.provisioningState, 'Succeeded');
      assert.equal(p.mode, 'Incremental');
      assert.match(p.templateHash, /^\d+$/);
      assert.match(p.duration, /^PT[\d.]+S$/);
      assert.match(p.correlationId, /^[0-9a-f-]{36}$/);
      assert.deepEqual(p.parameters.secret, { type: 'SecureString' });
      assert.deepEqual(p.parameters.clusterName, { type: 'String', value: 'c1' });
      assert.deepEqual(p.outputs.names, { type: 'Array', value: ['ext0', 'ext1', 'ext2'] });
      assert.deepEqual(p.outputResources.map((r: { id: string }) => r.id.split('/').pop()), ['ext0', 'ext1', 'ext2']);
      const ext = await call('get', `${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions/ext1?api-version=2023-05-01`).expect(200);
      assert.equal(ext.body.properties.provisioningState, 'Succeeded');
      assert.deepEqual(ext.body.properties.configurationSettings, { index: '1' });
      assert.equal(ext.body.systemData.createdBy, 'deployer@contoso.com');
      const ops = await call('get', `${groupPath('rg')}/deployments/loop/operations?api-version=${v}`).expect(200);
      assert.equal(ops.body.value.length, 3);
      for (const op of ops.body.value) {
        assert.equal(op.properties.provisioningState, 'Succeeded');
        assert.equal(op.properties.statusCode, 'Created');
        assert.equal(op.properties.targetResource.resourceType, 'Microsoft.KubernetesConfiguration/extensions');
        assert.match(op.properties.timestamp, /^\d{4}-/);
        assert.match(op.properties.duration, /^PT/);
      }
      const one = await call('get', `${groupPath('rg')}/deployments/loop/operations/${ops.body.value[0].operationId}?api-version=${v}`).expect(200);
      assert.equal(one.body.operationId, ops.body.value[0].operationId);
      for (const text of [res.text, got.text, ops.text]) assert.ok(!text.includes(SECRET), 'a secure value came back');
    });
  }

  it('deploys the AVM extension module with its telemetry and flux nested deployments', async () => {
    const { got } = await deploy('avm-ext', {
      template: avmTemplate('extension'),
      parameters: {
        name: { value: 'flux' }, clusterName: { value: 'c1' }, clusterType: { value: 'connectedCluster' },
        extensionType: { value: 'microsoft.flux' }, releaseTrain: { value: 'Stable' }, releaseNamespace: { value: 'flux-system' },
        configurationProtectedSettings: { value: { secretKey: SECRET } },
        fluxConfigurations: {
          value: [{
            namespace: 'flux-system', scope: 'cluster',
            gitRepository: { repositoryRef: { branch: 'main' }, sshKnownHosts: '', syncIntervalInSeconds: 300, timeoutInSeconds: 180, url: 'https://github.com/mspnp/aks-baseline' },
            kustomizations: { unified: { dependsOn: [], force: false, path: './cluster-manifests', prune: true, syncIntervalInSeconds: 300, timeoutInSeconds: 300 } },
          }],
        },
      },
    });
    assert.equal(got.body.properties.provisioningState, 'Succeeded', JSON.stringify(got.body.properties.error));
    assert.ok(!got.text.includes(SECRET));
    await call('get', `${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions/flux?api-version=2024-11-01`).expect(200);
    const list = await call('get', `${groupPath('rg')}/providers/Microsoft.Resources/deployments/?api-version=2022-09-01`).expect(200);
    const names = list.body.value.map((d: { name: string }) => d.name);
    assert.ok(names.includes('avm-ext'));
    assert.ok(names.some((n: string) => n.startsWith('46d3xbcp.res.kubernetesconfiguration-extension')), names.join());
    assert.ok(names.some((n: string) => n.endsWith('-Cluster-FluxConfiguration0')), names.join());
    const flux = await call('get', `${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations?api-version=2025-04-01`).expect(200);
    assert.equal(flux.body.value.length, 1);
  });

  it("fails with Azure's DeploymentFailed envelope, one detail per failed resource, and Failed operations", async () => {
    const template = copyLoopTemplate(1);
    (template.resources[0] as Record<string, unknown>).scope = 'Microsoft.Kubernetes/connectedClusters/missing';
    const { status, got } = await deploy('bad', { template, parameters: { clusterName: { value: 'c1' } } });
    assert.equal(status.body.status, 'Failed');
    assert.equal(status.body.error.code, 'DeploymentFailed');
    const e = got.body.properties.error;
    assert.equal(got.body.properties.provisioningState, 'Failed');
    assert.equal(e.code, 'DeploymentFailed');
    assert.equal(e.message, DEPLOYMENT_FAILED_MESSAGE);
    assert.equal(e.details.length, 1);
    const ops = await call('get', `${groupPath('rg')}/deployments/bad/operations?api-version=2022-09-01`).expect(200);
    assert.equal(ops.body.value[0].properties.provisioningState, 'Failed');
    assert.equal(ops.body.value[0].properties.statusMessage.status, 'Failed');
    assert.notEqual(ops.body.value[0].properties.statusCode, 'Created');
  });

  it('debugSetting: the operations show each resource request and response content as detailLevel asks, secure values redacted', async () => {
    const { got } = await deploy('debug', {
      template: copyLoopTemplate(1), parameters: { clusterName: { value: 'c1' }, secret: { value: SECRET } }, debugSetting: { detailLevel: 'requestContent, responseContent' },
    });
    assert.deepEqual(got.body.properties.debugSetting, { detailLevel: 'requestContent, responseContent' });
    const ops = await call('get', `${groupPath('rg')}/deployments/debug/operations?api-version=2022-09-01`).expect(200);
    const op = ops.body.value[0].properties;
    assert.deepEqual(op.request.content.properties.configurationSettings, { index: '0' });
    assert.equal(op.response.content.name, 'ext0');
    assert.ok(!ops.text.includes(SECRET), 'a secure value came back');
    await deploy('quiet', { template: copyLoopTemplate(1), parameters: { clusterName: { value: 'c1' } }, debugSetting: { detailLevel: 'requestContent' } });
    const quiet = await call('get', `${groupPath('rg')}/deployments/quiet/operations?api-version=2022-09-01`).expect(200);
    assert.ok(quiet.body.value[0].properties.request);
    assert.equal(quiet.body.value[0].properties.response, undefined);
  });

  it('refuses an invalid template at PUT and at validate (400 InvalidTemplate); validate answers 200 with the validated resources', async () => {
    const bad = { $schema: 'x', contentVersion: '1.0.0.0', resources: [], parameters: { p: { type: 'string', allowedValues: ['a'] } } };
    const put = await call('put', dep('invalid')).send({ properties: { mode: 'Incremental', template: bad, parameters: { p: { value: 'b' } } } }).expect(400);
    assert.equal(put.body.error.code, 'InvalidTemplate');
    // An inline template's positions count in its minified text: line 1.
    const noName = { $schema: 'x', contentVersion: '1.0.0.0', resources: [{ type: 'x' }] };
    const positioned = await call('put', dep('invalid')).send({ properties: { mode: 'Incremental', template: noName } }).expect(400);
    assert.match(positioned.body.error.message, new RegExp(`at line '1' and column '${JSON.stringify(noName).indexOf('{"type"') + 1}'`));
    const val = await call('post', dep('invalid', '2022-09-01', '/validate')).send({ properties: { mode: 'Incremental', template: bad, parameters: { p: { value: 'b' } } } }).expect(400);
    assert.equal(val.body.error.code, 'InvalidTemplate');
    const ok = await call('post', dep('v', '2022-09-01', '/validate')).send({ properties: { mode: 'Incremental', template: copyLoopTemplate(2), parameters: { clusterName: { value: 'c1' } } } }).expect(200);
    assert.equal(ok.body.properties.provisioningState, 'Succeeded');
    assert.equal(ok.body.properties.validatedResources.length, 2);
    await call('get', dep('invalid')).expect(404);
  });

  it("answers a templateLink it cannot fetch with Azure's InvalidContentLink", async () => {
    const res = await call('put', dep('linked')).send({ properties: { mode: 'Incremental', templateLink: { uri: 'https://example.com/t.json' } } }).expect(400);
    assert.equal(res.body.error.code, 'InvalidContentLink');
    assert.match(res.body.error.message, /^Unable to download deployment content from 'https:\/\/example.com\/t.json'/);
  });

  /** whatIf as Azure runs it: 202 with Location and Retry-After, then the result at that Location. */
  async function whatIf(body: object) {
    const started = await call('post', dep('w', '2022-09-01', '/whatIf')).send(body).expect(202);
    assert.match(new URL(started.headers.location).pathname, new RegExp(`^/subscriptions/${SUB}/operationresults/[0-9a-f-]{36}$`));
    assert.equal(started.headers['retry-after'], '1');
    assert.equal(started.headers['azure-asyncoperation'], undefined);
    const done = await call('get', relative(started.headers.location)).expect(200);
    assert.equal(done.body.status, 'Succeeded', JSON.stringify(done.body.error));
    return done.body.properties.changes as Array<{ changeType: string; resourceId: string; delta?: unknown }>;
  }

  it('whatIf: Create before, NoChange after, Modify with property deltas, Ignore for what the group holds beside the template, Delete in Complete mode', async () => {
    const body = (count: number, mode = 'Incremental') => ({ properties: { mode, template: copyLoopTemplate(count), parameters: { clusterName: { value: 'c1' } } } });
    const cluster = (c: { resourceId: string }) => c.resourceId.endsWith('/connectedClusters/c1');
    const before = await whatIf(body(1));
    assert.deepEqual(before.filter((c) => !cluster(c)).map((c) => c.changeType), ['Create']);
    // The cluster is in the group, not in the template: Ignore in Incremental mode.
    assert.deepEqual(before.filter(cluster).map((c) => c.changeType), ['Ignore']);
    await deploy('w', body(1).properties);
    const after = await whatIf(body(1));
    assert.deepEqual(after.filter((c) => !cluster(c)).map((c) => c.changeType), ['NoChange']);
    const changed = body(1);
    (changed.properties.template.resources[0].properties.configurationSettings as Record<string, string>).index = 'x';
    const modify = await whatIf(changed);
    const c = modify.find((x) => !cluster(x))!;
    assert.equal(c.changeType, 'Modify');
    assert.deepEqual(c.delta, [{ path: 'properties.configurationSettings.index', propertyChangeType: 'Modify', before: '0', after: 'x' }]);
    const empty = { $schema: 'x', contentVersion: '1.0.0.0', resources: [] };
    const complete = await whatIf({ properties: { mode: 'Complete', template: empty } });
    assert.ok(complete.some((x) => x.changeType === 'Delete' && cluster(x)));
    const invalid = await call('post', dep('w', '2022-09-01', '/whatIf')).send({ properties: { mode: 'Incremental', template: { $schema: 'x', contentVersion: '1.0.0.0', resources: [{ type: 'x' }] } } }).expect(400);
    assert.equal(invalid.body.error.code, 'InvalidTemplate');
  });

  it('Complete mode deletes what the template no longer declares in the group', async () => {
    await createCluster(a.app, 'rg', 'c2');
    const template = {
      $schema: 'x', contentVersion: '1.0.0.0',
      resources: [{ type: 'Microsoft.Kubernetes/connectedClusters', apiVersion: '2021-10-01', name: 'c1', location: 'eastus', identity: { type: 'SystemAssigned' }, properties: (await call('get', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`)).body.properties }],
    };
    const props = template.resources[0].properties as Record<string, unknown>;
    for (const k of Object.keys(props)) if (!['agentPublicKeyCertificate', 'distribution', 'infrastructure'].includes(k)) delete props[k];
    const { got } = await deploy('complete', { mode: 'Complete', template });
    assert.equal(got.body.properties.provisioningState, 'Succeeded', JSON.stringify(got.body.properties.error));
    await call('get', `${clusterPath('rg', 'c2')}?api-version=2021-10-01`).expect(404);
    await call('get', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).expect(200);
  });

  it('HEAD, list with $filter, exportTemplate, calculateTemplateHash and DELETE', async () => {
    await deploy('d1', { template: copyLoopTemplate(1), parameters: { clusterName: { value: 'c1' } } });
    await call('head', dep('d1')).expect(204);
    await call('head', dep('nope')).expect(404);
    const missing = await call('get', dep('nope')).expect(404);
    assert.equal(missing.body.error.code, 'DeploymentNotFound');
    const list = await call('get', `${groupPath('rg')}/providers/Microsoft.Resources/deployments/?api-version=2022-09-01&$filter=provisioningState eq 'Succeeded'`).expect(200);
    assert.deepEqual(list.body.value.map((d: { name: string }) => d.name), ['d1']);
    const failed = await call('get', `${groupPath('rg')}/providers/Microsoft.Resources/deployments/?api-version=2022-09-01&$filter=provisioningState eq 'Failed'`).expect(200);
    assert.deepEqual(failed.body.value, []);
    const exported = await call('post', dep('d1', '2022-09-01', '/exportTemplate')).expect(200);
    assert.deepEqual(exported.body.template, copyLoopTemplate(1));
    const hash = await call('post', '/providers/Microsoft.Resources/calculateTemplateHash?api-version=2022-09-01').send(copyLoopTemplate(1)).expect(200);
    const got = await call('get', dep('d1')).expect(200);
    assert.equal(hash.body.templateHash, got.body.properties.templateHash);
    await call('delete', dep('d1')).expect(204);
    await call('get', dep('d1')).expect(404);
  });
});

describe('deployments and the debug log', () => {
  const lines: string[] = [];
  const a = arclightPerSuite({ logLevel: 'debug', logSink: (l) => lines.push(l) }, (i) => createCluster(i.app, 'rg', 'c1'));

  it('never logs a secure parameter, in the deployment request or in the writes it makes', async () => {
    const url = `${groupPath('rg')}/providers/Microsoft.Resources/deployments/logged?api-version=2022-09-01`;
    await request(a.app).put(url).set('Authorization', bearer())
      .send({ properties: { mode: 'Incremental', template: copyLoopTemplate(1), parameters: { clusterName: { value: 'c1' }, secret: { value: SECRET } } } }).expect(201);
    const got = await request(a.app).get(url).set('Authorization', bearer()).expect(200);
    assert.equal(got.body.properties.provisioningState, 'Succeeded');
    assert.ok(lines.some((l) => l.includes('/extensions/ext0')), 'the internal write is logged');
    assert.ok(!lines.some((l) => l.includes(SECRET)), 'a secure value was logged');
  });
});

describe('deployments with --lro-delay', () => {
  const a = arclightPerSuite({ lroDelay: 30 }, (i) => createCluster(i.app, 'rg', 'c1'));
  const dep = (name: string, action = '') => `${groupPath('rg')}/providers/Microsoft.Resources/deployments/${name}${action}?api-version=2022-09-01`;
  const call = (method: 'get' | 'put' | 'post', p: string) => request(a.app)[method](p).set('Authorization', bearer());

  it('reads Accepted, then Running, until the clock reaches it; cancel ends one that runs', async () => {
    const body = { properties: { mode: 'Incremental', template: copyLoopTemplate(1), parameters: { clusterName: { value: 'c1' } } } };
    const res = await call('put', dep('slow')).send(body).expect(201);
    assert.equal(res.body.properties.provisioningState, 'Accepted');
    assert.equal((await call('get', dep('slow')).expect(200)).body.properties.provisioningState, 'Running');
    const status = await call('get', new URL(res.headers['azure-asyncoperation']).pathname + '?api-version=2022-09-01').expect(200);
    assert.equal(status.body.status, 'Running');
    const again = await call('put', dep('slow')).send(body).expect(409);
    assert.equal(again.body.error.code, 'DeploymentActive');
    await call('post', dep('slow', '/cancel')).expect(204);
    assert.equal((await call('get', dep('slow')).expect(200)).body.properties.provisioningState, 'Canceled');
    const notRunning = await call('post', dep('slow', '/cancel')).expect(409);
    assert.equal(notRunning.body.error.code, 'DeploymentCannotBeCancelled');
    await request(a.app).get(`${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions/ext0?api-version=2023-05-01`).set('Authorization', bearer()).expect(404);
  });

  it('runs the template when the emulator clock reaches it: Succeeded, with a duration on that clock', async () => {
    const body = { properties: { mode: 'Incremental', template: copyLoopTemplate(2), parameters: { clusterName: { value: 'c1' } } } };
    const res = await call('put', dep('later')).send(body).expect(201);
    assert.equal(res.headers['retry-after'], '30');
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: 31 }).expect(200);
    const status = await call('get', new URL(res.headers['azure-asyncoperation']).pathname + '?api-version=2022-09-01').expect(200);
    assert.equal(status.body.status, 'Succeeded');
    const got = await call('get', dep('later')).expect(200);
    assert.equal(got.body.properties.provisioningState, 'Succeeded');
    assert.equal(got.body.properties.outputResources.length, 2);
    assert.match(got.body.properties.duration, /^PT3\d(\.\d+)?S$/);
    const ext = await request(a.app).get(`${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions/ext1?api-version=2023-05-01`).set('Authorization', bearer()).expect(200);
    assert.equal(ext.body.properties.provisioningState, 'Succeeded');
  });
});
