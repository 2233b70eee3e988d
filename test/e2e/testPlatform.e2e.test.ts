/**
 * End to end over HTTPS with the official SDKs, in strict mode: two test workers, each with a
 * subscription and a principal of its own from the directory API, run side by side and see only
 * their own subscription and resources; a snapshot saved and restored under a worker keeps its
 * credential (and the token it cached) working.
 */
import { strict as assert } from 'assert';
import { ClientSecretCredential } from '@azure/identity';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { testServer, TestServer } from '../support/arclight';
import { requestJson } from '../support/jsonHttps';
import { agentKeys } from '../support/keys';

interface Worker { subscriptionId: string; tenantId: string; clientId: string; clientSecret: string; tokenEndpoint: string }
interface RestFailure { statusCode?: number; code?: string }

describe('e2e: parallel workers and snapshots over HTTPS (strict)', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({ auth: 'strict' });
  });
  after(() => server.stop());

  const newWorker = async (): Promise<Worker> => {
    const res = await requestJson(server.agent, `${server.url}/_arclight/directory/subscriptions`, 'POST', { json: {} });
    assert.equal(res.status, 201);
    return res.body as unknown as Worker;
  };
  const clientsOf = (w: Worker) => {
    const credential = new ClientSecretCredential(w.tenantId, w.clientId, w.clientSecret, { authorityHost: server.url, disableInstanceDiscovery: true, agent: server.agent });
    const options = { endpoint: server.url, agent: server.agent };
    return {
      credential,
      resources: new ResourceManagementClient(credential, w.subscriptionId, options),
      clusters: new ConnectedKubernetesClient(credential, w.subscriptionId, options),
      subscriptions: new SubscriptionClient(credential, options),
    };
  };
  const cluster = { location: 'eastus', identity: { type: 'SystemAssigned' as const }, agentPublicKeyCertificate: agentKeys().pkcs1 };

  it('gives each worker its own subscription; neither sees the other', async () => {
    const [w1, w2] = await Promise.all([newWorker(), newWorker()]);
    const workers = [clientsOf(w1), clientsOf(w2)];
    await Promise.all(workers.map(async (c, i) => {
      await c.resources.resourceGroups.createOrUpdate('rg', { location: 'eastus' });
      await c.clusters.connectedClusterOperations.beginCreateAndWait('rg', `c${i + 1}`, cluster, { updateIntervalInMs: 10 });
    }));
    for (const [i, c] of workers.entries()) {
      const own = [w1, w2][i];
      const subs = [];
      for await (const s of c.subscriptions.subscriptions.list()) subs.push(s.subscriptionId);
      assert.deepEqual(subs, [own.subscriptionId]);
      const names = [];
      for await (const cc of c.clusters.connectedClusterOperations.listBySubscription()) names.push(cc.name);
      assert.deepEqual(names, [`c${i + 1}`]);
    }
    // Worker 2 aims its SDK at worker 1's subscription: refused, nothing read.
    const intruder = new ConnectedKubernetesClient(workers[1].credential, w1.subscriptionId, { endpoint: server.url, agent: server.agent });
    await assert.rejects(intruder.connectedClusterOperations.get('rg', 'c1'),
      (e: RestFailure) => e.statusCode === 401 && e.code === 'InvalidAuthenticationTokenTenant');
  });

  it('restores a snapshot under a worker whose cached token stays valid', async () => {
    const w = await newWorker();
    const c = clientsOf(w);
    await c.resources.resourceGroups.createOrUpdate('rg', { location: 'eastus' });
    const saved = await requestJson(server.agent, `${server.url}/_arclight/snapshots`, 'POST', { json: { name: 'e2e' } });
    assert.equal(saved.status, 201);
    await c.clusters.connectedClusterOperations.beginCreateAndWait('rg', 'after-save', cluster, { updateIntervalInMs: 10 });
    const restored = await requestJson(server.agent, `${server.url}/_arclight/snapshots/e2e/restore`, 'POST');
    assert.equal(restored.status, 200);
    const names = [];
    for await (const cc of c.clusters.connectedClusterOperations.listByResourceGroup('rg')) names.push(cc.name);
    assert.deepEqual(names, []);
    await c.clusters.connectedClusterOperations.beginCreateAndWait('rg', 'after-restore', cluster, { updateIntervalInMs: 10 });
    assert.equal((await c.clusters.connectedClusterOperations.get('rg', 'after-restore')).provisioningState, 'Succeeded');
    await server.snapshots.delete('e2e');
  });
});
