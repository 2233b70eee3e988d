/**
 * Faults end to end over HTTPS with the official @azure/arm-hybridkubernetes SDK: its retry
 * policy waits out a 429's Retry-After and succeeds on the retry; a fault that ends the create
 * operation Failed makes beginCreateAndWait reject with the rule's error. Rules are set through
 * the programmatic client (`server.faults`), the same rules as /_arclight/faults.
 */
import { strict as assert } from 'assert';
import { ConnectedKubernetesClient, ConnectedCluster } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { SUB, staticCredential, testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';

const CLUSTER_TYPE = 'Microsoft.Kubernetes/connectedClusters';

describe('e2e: faults with @azure/arm-hybridkubernetes over HTTPS', () => {
  let server: TestServer;
  let client: ConnectedKubernetesClient;
  /** Every response the cluster client receives, as `METHOD /path STATUS` (retries included). */
  const seen: string[] = [];
  const recorder: PipelinePolicy = {
    name: 'recorder',
    sendRequest: async (request, next) => {
      const response = await next(request);
      seen.push(`${request.method} ${new URL(request.url).pathname} ${response.status}`);
      return response;
    },
  };
  const lro = { updateIntervalInMs: 10 };
  const cluster = (): ConnectedCluster => ({
    location: 'eastus', identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: agentKeys().pkcs1, distribution: 'kind', infrastructure: 'generic',
  });

  before(async () => {
    server = await testServer();
    const options = { endpoint: server.url, agent: server.agent };
    // perRetry: the recorder sees every attempt the retry policy makes, not only the first.
    client = new ConnectedKubernetesClient(staticCredential(), SUB, { ...options, additionalPolicies: [{ policy: recorder, position: 'perRetry' }] });
    await new ResourceManagementClient(staticCredential(), SUB, options).resourceGroups.createOrUpdate('faults', { location: 'eastus' });
    await client.connectedClusterOperations.beginCreateAndWait('faults', 'c1', cluster(), lro);
  });
  after(() => server.stop());
  beforeEach(() => {
    seen.length = 0;
    server.faults.clear();
  });

  it('the SDK retries a 429 with Retry-After and succeeds', async () => {
    const rule = server.faults.add({ match: { method: 'GET', resourceType: CLUSTER_TYPE }, effect: { status: 429, code: 'TooManyRequests', retryAfter: 1 }, count: 1 });
    const got = await client.connectedClusterOperations.get('faults', 'c1');
    assert.equal(got.name, 'c1');
    const path = `/subscriptions/${SUB}/resourcegroups/faults/providers/Microsoft.Kubernetes/connectedClusters/c1`;
    assert.deepEqual(seen, [`GET ${path} 429`, `GET ${path} 200`]);
    assert.equal(server.faults.list().find((r) => r.id === rule.id)?.fired, 1);
  });

  it('a create whose operation a rule ends Failed makes beginCreateAndWait reject with the rule\'s error', async () => {
    server.faults.add({
      match: { method: 'PUT', resourceType: CLUSTER_TYPE }, effect: { operationStatus: 'Failed', code: 'QuotaExceeded', message: 'No room for another cluster.' }, count: 1,
    });
    const err = await client.connectedClusterOperations.beginCreateAndWait('faults', 'c2', cluster(), lro).then(() => undefined, (e: Error) => e);
    assert.ok(err, 'the create rejected');
    // core-lro reports a Failed operation as one message: its error's code, then its message.
    assert.equal(err.message, 'The long-running operation has failed. QuotaExceeded. No room for another cluster.');
    const stored = await client.connectedClusterOperations.get('faults', 'c2');
    assert.equal(stored.provisioningState, 'Failed');
  });
});

describe('e2e: --throttle arm with @azure/arm-hybridkubernetes over HTTPS', () => {
  let server: TestServer;
  after(() => server?.stop());

  it('an emptied read bucket answers 429 with Retry-After; the SDK waits it out and the bucket has refilled', async () => {
    server = await testServer({ throttle: 'arm', clockStart: `frozen:${new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000', '')}` });
    const statuses: number[] = [];
    const recorder: PipelinePolicy = {
      name: 'recorder',
      sendRequest: async (request, next) => {
        const response = await next(request);
        statuses.push(response.status);
        // The SDK sleeps Retry-After in real time; the frozen emulator clock takes the same step, so the bucket refills.
        if (response.status === 429) server.services.clock.advance(Number(response.headers.get('retry-after')) * 1000);
        return response;
      },
    };
    const options = { endpoint: server.url, agent: server.agent };
    const client = new ConnectedKubernetesClient(staticCredential(), SUB, { ...options, additionalPolicies: [{ policy: recorder, position: 'perRetry' }] });
    const list = () => client.connectedClusterOperations.listBySubscription().byPage().next();
    for (let i = 0; i < 250; i++) await list();
    assert.equal(statuses.length, 250);
    assert.ok(statuses.every((s) => s === 200), 'the first 250 reads pass');
    statuses.length = 0;
    await list();
    assert.deepEqual(statuses, [429, 200]);
  });
});

