/**
 * No acknowledged write is lost and none is half-made: a completion that throws fails its own
 * operation only; writes into a group or cluster whose deletion is running are refused rather
 * than acknowledged and lost; finished operations are pruned; a rolled-back transaction leaves
 * no trace in the caches.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB, testArclight } from '../support/arclight';
import { clusterBody, clusterPath, createCluster, createGroup, groupPath } from '../support/clusters';
import { configPath, extensionBody } from '../support/configurations';
import { connectedClustersType } from '../../server/providers/kubernetes/connectedClusters';
import { operationKind } from '../../server/kit/lifecycle';
import { FINISHED_OPERATION_RETENTION_MS } from '../../server/kit/asyncOperations';

const CLUSTER_VERSION = 'api-version=2024-01-01';

describe('a completion that throws', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-completion-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('fails its operation and resource, is logged once, and stops nothing else, across a restart', async () => {
    const a = await testArclight({ inMemory: false, dataDir });
    const arm = (method: 'get' | 'put' | 'post', p: string) => request(a.app)[method](p).set('Authorization', bearer());
    a.services.operations.register(operationKind(connectedClustersType(a.services), 'create'), () => {
      throw new Error('completer bug');
    });
    await createGroup(a.app, 'rg');
    const created = await arm('put', `${clusterPath('rg', 'c1')}?${CLUSTER_VERSION}`).send(clusterBody()).expect(201);
    const status = new URL(created.headers['azure-asyncoperation']);

    const cluster = await arm('get', `${clusterPath('rg', 'c1')}?${CLUSTER_VERSION}`).expect(200);
    assert.equal(cluster.body.properties.provisioningState, 'Failed');
    const op = await arm('get', `${status.pathname}${status.search}`).expect(200);
    assert.equal(op.body.status, 'Failed');
    assert.equal(op.body.error.code, 'InternalServerError');
    for (let i = 0; i < 3; i++) await arm('get', `${groupPath('rg')}?api-version=2021-04-01`).expect(200);
    await request(a.app).get('/_arclight/health').expect(200);
    await request(a.app).get('/_arclight/ready').expect(200);
    const errors = a.logs.filter((l) => / error /.test(l));
    assert.equal(errors.length, 1, errors.join('\n'));
    assert.match(errors[0], /connectedClusters\/create/);
    a.close();

    const again = await testArclight({ inMemory: false, dataDir });
    try {
      const after = await request(again.app).get(`${status.pathname}${status.search}`).set('Authorization', bearer()).expect(200);
      assert.equal(after.body.status, 'Failed', 'the failure is kept, not retried');
      await request(again.app).post('/_arclight/reset').expect(200);
      assert.deepEqual(again.logs.filter((l) => / error /.test(l)), []);
    } finally {
      again.close();
    }
  });
});

describe('writes under a deletion that is running', () => {
  const a = arclightPerSuite({ lroDelay: 10 });
  const arm = (method: 'get' | 'put' | 'patch' | 'delete', p: string) => request(a.app)[method](p).set('Authorization', bearer());
  const advance = (seconds: number) => request(a.app).post('/_arclight/clock/advance').send({ seconds }).expect(200);

  it('are refused with 409 ResourceGroupBeingDeleted inside a group being deleted, and nothing is left once it is gone', async () => {
    await createCluster(a.app, 'rg', 'c1');
    await advance(10);
    await arm('delete', `${groupPath('rg')}?api-version=2021-04-01`).expect(202);
    const refused = await arm('put', `${clusterPath('rg', 'c2')}?${CLUSTER_VERSION}`).send(clusterBody());
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.error.code, 'ResourceGroupBeingDeleted');
    assert.equal(refused.body.error.message, "The resource group 'rg' is in deprovisioning state and cannot perform this operation.");
    const patch = await arm('patch', `${clusterPath('rg', 'c1')}?${CLUSTER_VERSION}`).send({ tags: { a: 'b' } });
    assert.equal(patch.status, 409);
    await arm('get', `${clusterPath('rg', 'c1')}?${CLUSTER_VERSION}`).expect(200); // reads still work
    await advance(10);
    await arm('get', `${groupPath('rg')}?api-version=2021-04-01`).expect(404);
    await arm('get', `${clusterPath('rg', 'c2')}?${CLUSTER_VERSION}`).expect(404);
  });

  it('are refused with 409 ParentResourceBeingDeleted under a cluster being deleted', async () => {
    await createCluster(a.app, 'rg', 'c1');
    await advance(10);
    await arm('delete', `${clusterPath('rg', 'c1')}?${CLUSTER_VERSION}`).expect(202);
    const refused = await arm('put', `${configPath('rg', 'c1', 'extensions', 'e')}?api-version=2023-05-01`).send(extensionBody());
    assert.equal(refused.status, 409, refused.text);
    assert.equal(refused.body.error.code, 'ParentResourceBeingDeleted');
    await advance(10);
    await arm('get', `${clusterPath('rg', 'c1')}?${CLUSTER_VERSION}`).expect(404);
    await arm('get', `${configPath('rg', 'c1', 'extensions', 'e')}?api-version=2023-05-01`).expect(404);
  });
});

describe('finished operations', () => {
  const a = arclightPerSuite();
  const count = () => a.services.store.db.prepare('SELECT COUNT(*) FROM operations').pluck().get() as number;

  it(`are kept for ${FINISHED_OPERATION_RETENTION_MS / 3600_000} hours of the emulator clock, then pruned`, async () => {
    await createGroup(a.app, 'rg');
    const deleted = await request(a.app).delete(`${groupPath('rg')}?api-version=2021-04-01`).set('Authorization', bearer()).expect(202);
    const location = new URL(deleted.headers.location);
    // A token that outlives the clock's jump (a foreign token's expiry is judged on the emulator clock).
    const token = bearer({ exp: Math.floor(Date.now() / 1000) + 3 * 24 * 3600 });
    const poll = () => request(a.app).get(`${location.pathname}${location.search}`).set('Authorization', token);
    assert.equal((await poll()).status, 200);
    assert.equal(count(), 1);
    a.services.clock.advance(FINISHED_OPERATION_RETENTION_MS - 60_000);
    assert.equal((await poll()).status, 200, 'still there within the retention');
    a.services.clock.advance(120_000);
    assert.equal((await poll()).status, 404, 'pruned after it');
    assert.equal(count(), 0);
  });
});

describe('the principal cache', () => {
  const a = arclightPerSuite();

  it('forgets what a rolled-back transaction wrote', () => {
    const principals = a.services.principals;
    assert.throws(() => a.services.store.transaction(() => {
      principals.putManagedIdentity({ clientId: '11111111-2222-3333-4444-555555555555', objectId: '11111111-2222-3333-4444-666666666666', tenantId: a.services.defaults.tenantId, resourceId: `/subscriptions/${SUB}/x`, certificates: [] });
      assert.ok(principals.get('11111111-2222-3333-4444-555555555555'), 'visible inside the transaction');
      throw new Error('rolled back');
    }), /rolled back/);
    assert.equal(principals.get('11111111-2222-3333-4444-555555555555'), undefined);
    assert.ok(principals.get(a.services.defaults.clientId), 'and reads the rest again');
  });
});
