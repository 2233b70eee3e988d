/**
 * The domain events resource types emit and the simulated agents (and, later, a live stream)
 * subscribe to: what a cluster's create, long-running completion and delete emit, in order,
 * and the clock's moves.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { bearer, testArclight, TestArclight } from '../support/arclight';
import { clusterBody, clusterPath, createGroup } from '../support/clusters';
import type { DomainEvent } from '../../server/kit/events';

describe('domain events', () => {
  let a: TestArclight;
  const seen: string[] = [];
  const record = (e: DomainEvent) => {
    if (e.type === 'clock.moved') seen.push(`${e.type} ${new Date(e.atMs).toISOString()} ${e.frozen ? 'frozen' : 'running'}`);
    else if (e.type === 'operation.settled') seen.push(`${e.type} ${e.operation.kind} ${e.operation.status}`);
    else if (e.type === 'resource.written') seen.push(`${e.type} ${e.resource.body.name} ${e.created ? 'created' : 'updated'} ${e.resource.body.properties.provisioningState}`);
    else if (e.type === 'certificate.issued') seen.push(`${e.type} ${e.cluster.body.name}`);
    else if ('resource' in e) seen.push(`${e.type} ${e.resource.body.name}`);
  };
  before(async () => {
    a = await testArclight({ lroDelay: 10 });
    for (const type of ['resource.written', 'resource.provisioned', 'resource.deleting', 'resource.deleted', 'operation.settled', 'clock.moved'] as const) {
      a.services.events.on(type, record);
    }
    await createGroup(a.app, 'rg');
  });
  after(() => a.close());
  beforeEach(() => {
    seen.length = 0;
  });
  const call = (method: 'put' | 'get' | 'delete', path: string) => request(a.app)[method](`${path}?api-version=2024-01-01`).set('Authorization', bearer());

  it('tells a cluster\'s creation, its completion on the clock, and its deletion, in order', async () => {
    a.services.clock.freeze();
    await call('put', clusterPath('rg', 'c1')).send(clusterBody()).expect(201);
    await call('put', clusterPath('rg', 'c1')).send(clusterBody()).expect(200);
    a.services.clock.advance(10_000);
    await call('get', clusterPath('rg', 'c1')).expect(200);
    await call('delete', clusterPath('rg', 'c1')).expect(202);
    a.services.clock.advance(10_000);
    await call('get', clusterPath('rg', 'c1')).expect(404);
    const start = Date.parse(seen[0].split(' ')[1]);
    const at = (seconds: number) => new Date(start + seconds * 1000).toISOString();
    // Operations due at the same instant settle in no particular order.
    const settledAt = seen.findIndex((e) => e.startsWith('operation.settled connectedClusters/'));
    const inOrder = [...seen.slice(0, settledAt), ...seen.slice(settledAt, settledAt + 2).sort(), ...seen.slice(settledAt + 2)];
    assert.deepEqual(inOrder, [
      `clock.moved ${at(0)} frozen`,
      'resource.written c1 created Accepted',
      'resource.written c1 updated Updating',
      `clock.moved ${at(10)} frozen`,
      // Both writes' operations end when the clock passes them; the resource is provisioned once.
      'resource.provisioned c1',
      'operation.settled connectedClusters/create Succeeded',
      'operation.settled connectedClusters/update Succeeded',
      'resource.deleting c1',
      `clock.moved ${at(20)} frozen`,
      'resource.deleted c1',
      'operation.settled connectedClusters/delete Succeeded',
    ]);
  });

  it('tells every move of the clock, through the test-control endpoint too', async () => {
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: 60 }).expect(200);
    assert.equal(seen.length, 1);
    assert.match(seen[0], /^clock\.moved \S+ (frozen|running)$/);
  });
});
