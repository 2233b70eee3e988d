/** whatIf as a long-running operation on the emulator clock, with nested deployments expanded (README "Template deployments"). */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer } from '../support/arclight';
import { createCluster, groupPath } from '../support/clusters';
import { avmTemplate, copyLoopTemplate } from '../support/templates';

describe('deployment whatIf', () => {
  const a = arclightPerSuite({ lroDelay: 30 }, (i) => createCluster(i.app, 'rg', 'c1'));
  const url = (name: string) => `${groupPath('rg')}/providers/Microsoft.Resources/deployments/${name}/whatIf?api-version=2022-09-01`;
  const call = (method: 'get' | 'post', p: string) => request(a.app)[method](p).set('Authorization', bearer());
  const relative = (u: string) => new URL(u).pathname + new URL(u).search;
  const advance = (seconds: number) => request(a.app).post('/_arclight/clock/advance').send({ seconds }).expect(200);

  it('answers 202 while the clock has not reached it (Location, Retry-After), then 200 with the changes; no deployment is written', async () => {
    const started = await call('post', url('slow')).send({ properties: { mode: 'Incremental', template: copyLoopTemplate(1), parameters: { clusterName: { value: 'c1' } } } }).expect(202);
    assert.equal(started.headers['retry-after'], '30');
    const location = relative(started.headers.location);
    const waiting = await call('get', location).expect(202);
    assert.equal(relative(waiting.headers.location), location);
    assert.equal(waiting.headers['retry-after'], '30');
    await advance(31);
    const done = await call('get', location).expect(200);
    assert.equal(done.body.status, 'Succeeded');
    assert.deepEqual(done.body.properties.changes.map((c: { changeType: string }) => c.changeType).sort(), ['Create', 'Ignore']);
    await call('get', `${groupPath('rg')}/providers/Microsoft.Resources/deployments/slow?api-version=2022-09-01`).expect(404);
  });

  it('expands nested deployments (the AVM extension module and its flux configurations) into their resources', async () => {
    const started = await call('post', url('avm')).send({
      properties: {
        mode: 'Incremental', template: avmTemplate('extension'),
        parameters: {
          name: { value: 'flux' }, clusterName: { value: 'c1' }, clusterType: { value: 'connectedCluster' }, extensionType: { value: 'microsoft.flux' },
          releaseTrain: { value: 'Stable' }, releaseNamespace: { value: 'flux-system' }, configurationProtectedSettings: { value: { secretKey: 'whatif-secret' } },
          fluxConfigurations: {
            value: [{
              namespace: 'flux-system', scope: 'cluster',
              gitRepository: { repositoryRef: { branch: 'main' }, sshKnownHosts: '', syncIntervalInSeconds: 300, timeoutInSeconds: 180, url: 'https://github.com/mspnp/aks-baseline' },
              kustomizations: { unified: { dependsOn: [], force: false, path: './cluster-manifests', prune: true, syncIntervalInSeconds: 300, timeoutInSeconds: 300 } },
            }],
          },
        },
      },
    }).expect(202);
    await advance(31);
    const done = await call('get', relative(started.headers.location)).expect(200);
    assert.ok(!done.text.includes('whatif-secret'), 'a secure value came back');
    const changes = done.body.properties.changes as Array<{ changeType: string; resourceId: string }>;
    const types = changes.map((c) => `${c.changeType} ${c.resourceId.split('/providers/').pop()}`);
    assert.ok(types.includes('Create Microsoft.KubernetesConfiguration/extensions/flux'), types.join('\n'));
    assert.ok(types.some((t) => /^Create Microsoft\.KubernetesConfiguration\/fluxConfigurations\//.test(t)), types.join('\n'));
    assert.ok(!types.some((t) => /Microsoft\.Resources\/deployments/.test(t)), `nested deployments are expanded, not listed:\n${types.join('\n')}`);
  });
});
