/**
 * End to end over HTTPS with the official @azure/arm-hybridkubernetes SDK (2.1.0, api-version
 * 2021-10-01): the whole life of a connected cluster, paging across pages, credentials, and the
 * errors a user meets, each as the SDK surfaces it (statusCode and code).
 *
 * LRO pacing: the SDK's poller (core-lro 2.x LroEngine) sends the first poll right after the
 * initial response, without waiting; it waits only after a poll that is not terminal, for that
 * poll's Retry-After, else updateIntervalInMs (default 2 s). With --lro-delay 0 the first poll
 * is terminal, so a create is PUT, one status poll, the final GET, and no wait at all; the
 * request logs below prove it, and that with --lro-delay the status poll's Retry-After paces it
 * (there the poller's waits advance the emulator clock instead of sleeping).
 */
import { strict as assert } from 'assert';
import { ConnectedKubernetesClient, ConnectedCluster } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { PipelinePolicy } from '@azure/core-rest-pipeline';
import { SUB, TENANT, staticCredential, testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';
import type { Clock } from '../../server/core/clock';

interface SdkError {
  statusCode?: number;
  code?: string;
  message: string;
}

/** Asserts the promise fails the way the SDK reports an ARM error. */
async function rejectsWith(promise: Promise<unknown>, statusCode: number, code: string): Promise<SdkError> {
  let caught: SdkError | undefined;
  await promise.catch((err: SdkError) => {
    caught = err;
  });
  assert.ok(caught, `expected ${statusCode} ${code}, but the call succeeded`);
  assert.deepEqual({ statusCode: caught.statusCode, code: caught.code }, { statusCode, code }, caught.message);
  return caught;
}

/**
 * Makes a poller wait on the emulator clock: each wait of its polling loop (core-lro's legacy
 * Poller.delay(), the method its subclasses override to wait for `config.intervalInMs`, which
 * the last poll's Retry-After sets) advances `clock` by that interval at once instead of
 * sleeping. Returns the intervals waited, in order. The loop waits once more after the poll
 * that finishes; nothing follows that wait, so it is neither counted nor moves the clock.
 */
function waitOnEmulatorClock(poller: object, clock: Clock): number[] {
  const engine = poller as { delay?: () => Promise<void>; config?: { intervalInMs: number }; isDone(): boolean };
  assert.equal(typeof engine.delay, 'function', 'the poller waits through delay()');
  assert.equal(typeof engine.config?.intervalInMs, 'number', 'the poller keeps its interval in config.intervalInMs');
  const config = engine.config!;
  const waits: number[] = [];
  engine.delay = async () => {
    if (engine.isDone()) return;
    waits.push(config.intervalInMs);
    clock.advance(config.intervalInMs);
  };
  return waits;
}

describe('e2e: @azure/arm-hybridkubernetes over HTTPS', () => {
  let server: TestServer;
  let client: ConnectedKubernetesClient;
  let resources: ResourceManagementClient;
  /** Every request the cluster client sends, as `METHOD /path`. */
  const sent: string[] = [];
  const recorder: PipelinePolicy = {
    name: 'recorder',
    sendRequest: (request, next) => {
      sent.push(`${request.method} ${new URL(request.url).pathname}`);
      return next(request);
    },
  };
  const lro = { updateIntervalInMs: 10 };
  const cluster = (extra: Partial<ConnectedCluster> = {}): ConnectedCluster => ({
    location: 'eastus',
    identity: { type: 'SystemAssigned' },
    agentPublicKeyCertificate: agentKeys().pkcs1,
    distribution: 'kind',
    infrastructure: 'generic',
    ...extra,
  });

  before(async () => {
    server = await testServer({ pageSize: 2 });
    const options = { endpoint: server.url, agent: server.agent };
    client = new ConnectedKubernetesClient(staticCredential(), SUB, { ...options, additionalPolicies: [{ policy: recorder, position: 'perCall' }] });
    resources = new ResourceManagementClient(staticCredential(), SUB, options);
    for (const group of ['e2e-a', 'e2e-b', 'e2e-pages']) await resources.resourceGroups.createOrUpdate(group, { location: 'eastus' });
  });
  after(() => server.stop());
  beforeEach(() => {
    sent.length = 0;
  });

  it('creates (LRO, one poll and no wait), gets, updates tags and deletes (LRO) a cluster', async () => {
    const created = await client.connectedClusterOperations.beginCreateAndWait('e2e-a', 'c1', cluster({ tags: { owner: 'e2e' } }), lro);
    const id = `/subscriptions/${SUB}/resourceGroups/e2e-a/providers/Microsoft.Kubernetes/connectedClusters/c1`;
    const sdkPath = `/subscriptions/${SUB}/resourcegroups/e2e-a/providers/Microsoft.Kubernetes/connectedClusters/c1`; // the SDK's casing
    assert.equal(created.id, id);
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.connectivityStatus, 'Connecting');
    assert.equal(created.identity.tenantId, TENANT);
    assert.match(created.identity.principalId!, /^[0-9a-f-]{36}$/);
    assert.equal(created.agentVersion, undefined, 'no agent has reported');
    const withoutIds = () => sent.map((s) => s.replace(/[0-9a-f-]{36}$/, '{id}'));
    assert.deepEqual(withoutIds(), [`PUT ${sdkPath}`, 'GET /providers/Microsoft.Kubernetes/locations/eastus/operationStatuses/{id}', `GET ${sdkPath}`]);

    const got = await client.connectedClusterOperations.get('E2E-A', 'c1');
    assert.equal(got.name, 'c1');
    assert.deepEqual(got.tags, { owner: 'e2e' });
    assert.equal(got.systemData?.createdByType, 'User');
    assert.ok(got.systemData?.createdAt instanceof Date, 'systemData timestamps deserialize as dates');

    const updated = await client.connectedClusterOperations.update('e2e-a', 'c1', { tags: { env: 'test' } });
    assert.deepEqual(updated.tags, { env: 'test' }, 'tags in a PATCH replace the whole set');

    sent.length = 0;
    await client.connectedClusterOperations.beginDeleteAndWait('e2e-a', 'c1', lro);
    assert.deepEqual(withoutIds(), [`DELETE ${sdkPath}`, 'GET /providers/Microsoft.Kubernetes/locations/eastus/operationStatuses/{id}']);
    await rejectsWith(client.connectedClusterOperations.get('e2e-a', 'c1'), 404, 'ResourceNotFound');
    // Deleting what is not there is not an error (204).
    await client.connectedClusterOperations.beginDeleteAndWait('e2e-a', 'c1', lro);
  });

  it('lists by resource group and by subscription across pages', async () => {
    for (const name of ['p1', 'p2', 'p3']) await client.connectedClusterOperations.beginCreateAndWait('e2e-pages', name, cluster(), lro);
    await client.connectedClusterOperations.beginCreateAndWait('e2e-b', 'p4', cluster({ location: 'West Europe' }), lro);
    const walk = async (pages: AsyncIterableIterator<ConnectedCluster[]>) => {
      const seen: string[][] = [];
      for await (const page of pages) seen.push(page.map((c) => c.name!));
      return seen;
    };
    assert.deepEqual(await walk(client.connectedClusterOperations.listByResourceGroup('e2e-pages').byPage()), [['p1', 'p2'], ['p3']]);
    // The subscription also holds other tests' clusters: what matters is more than one page, none over the page size.
    const bySubscription = await walk(client.connectedClusterOperations.listBySubscription().byPage());
    assert.ok(bySubscription.length >= 2 && bySubscription.every((page) => page.length <= 2), JSON.stringify(bySubscription));
    assert.deepEqual(bySubscription.flat().filter((n) => /^p\d$/.test(n)).sort(), ['p1', 'p2', 'p3', 'p4']);
    const all: ConnectedCluster[] = [];
    for await (const c of client.connectedClusterOperations.listBySubscription()) all.push(c);
    assert.equal(all.find((c) => c.name === 'p4')?.location, 'westeurope');
  });

  it('lists cluster user credentials: a kubeconfig the SDK hands back as bytes, and the hybrid connection with clientProxy', async () => {
    await client.connectedClusterOperations.beginCreateAndWait('e2e-a', 'creds', cluster(), lro);
    const direct = await client.connectedClusterOperations.listClusterUserCredential('e2e-a', 'creds', { authenticationMethod: 'Token', clientProxy: false });
    assert.equal(direct.hybridConnectionConfig, undefined);
    const value = direct.kubeconfigs![0].value!;
    assert.ok(value instanceof Uint8Array, 'format: byte values are decoded from base64 by the SDK');
    const kubeconfig = Buffer.from(value).toString('utf8');
    assert.match(kubeconfig, /^apiVersion: v1\nkind: Config\n/);
    assert.match(kubeconfig, /current-context: creds\n/);
    const ca = /certificate-authority-data: (\S+)/.exec(kubeconfig)![1];
    assert.equal(Buffer.from(ca, 'base64').toString(), server.caCertPem, 'the kubeconfig trusts Arclight\'s CA');

    const proxied = await client.connectedClusterOperations.listClusterUserCredential('e2e-a', 'creds', { authenticationMethod: 'AAD', clientProxy: true });
    assert.match(Buffer.from(proxied.kubeconfigs![0].value!).toString(), /server: https:\/\/127\.0\.0\.1:47011\/creds/);
    const hc = proxied.hybridConnectionConfig!;
    assert.equal(hc.relay, 'azgnrelay-eastus-l1');
    assert.ok(Number.isInteger(hc.expirationTime) && hc.expirationTime! > Date.now() / 1000);
    assert.match(hc.token!, /^SharedAccessSignature /);
  });

  it('with --lro-delay, waits as long as the status poll\'s Retry-After says, not its own interval', async () => {
    const slow = await testServer({ lroDelay: 1 });
    try {
      // The emulator clock moves only when the poller waits (see waitOnEmulatorClock): no real time counts.
      slow.services.clock.freeze();
      /** Every request the client sends, as `METHOD kind`, with the Retry-After of its answer. */
      const slowSent: Array<[string, string]> = [];
      const slowRecorder: PipelinePolicy = {
        name: 'recorder',
        sendRequest: async (r, next) => {
          const res = await next(r);
          slowSent.push([`${r.method} ${r.url.includes('operationStatuses') ? 'status' : 'cluster'}`, res.headers.get('retry-after') ?? 'no Retry-After']);
          return res;
        },
      };
      const slowClient = new ConnectedKubernetesClient(staticCredential(), SUB, { endpoint: slow.url, agent: slow.agent, additionalPolicies: [{ policy: slowRecorder, position: 'perCall' }] });
      await new ResourceManagementClient(staticCredential(), SUB, { endpoint: slow.url, agent: slow.agent }).resourceGroups.createOrUpdate('slow', { location: 'eastus' });

      const poller = await slowClient.connectedClusterOperations.beginCreate('slow', 'c1', cluster(), lro);
      const waits = waitOnEmulatorClock(poller, slow.services.clock);
      const created = await poller.pollUntilDone();
      assert.equal(created.provisioningState, 'Succeeded');
      // updateIntervalInMs 10 would make it a hundred waits of 10 ms; Retry-After: 1 makes it one of a second.
      assert.deepEqual(waits, [1000]);
      // beginCreate's poll, pollUntilDone's first poll (the legacy loop polls, then waits), and the one after the wait.
      assert.deepEqual(slowSent, [
        ['PUT cluster', '1'],
        ['GET status', '1'],
        ['GET status', '1'],
        ['GET status', 'no Retry-After'],
        ['GET cluster', 'no Retry-After'],
      ]);
    } finally {
      await slow.stop();
    }
  });

  describe('errors, as the SDK reports them', () => {
    it('a missing resource group: 404 ResourceGroupNotFound', async () => {
      await rejectsWith(client.connectedClusterOperations.beginCreateAndWait('no-such-group', 'c1', cluster(), lro), 404, 'ResourceGroupNotFound');
    });

    it('a location where Arc is not offered: 400 LocationNotAvailableForResourceType', async () => {
      const err = await rejectsWith(client.connectedClusterOperations.beginCreateAndWait('e2e-a', 'c1', cluster({ location: 'Brazil Southeast' }), lro), 400, 'LocationNotAvailableForResourceType');
      assert.match(err.message, /List of available regions for the resource type is '.*eastus/);
    });

    it('another location over an existing cluster: 409 InvalidResourceLocation', async () => {
      await client.connectedClusterOperations.beginCreateAndWait('e2e-b', 'moved', cluster(), lro);
      await rejectsWith(client.connectedClusterOperations.beginCreateAndWait('e2e-b', 'moved', cluster({ location: 'westeurope' }), lro), 409, 'InvalidResourceLocation');
    });

    it('a key that is not an RSA public key: 400 InvalidParameter', async () => {
      const err = await rejectsWith(client.connectedClusterOperations.beginCreateAndWait('e2e-a', 'badkey', cluster({ agentPublicKeyCertificate: Buffer.from('not a key').toString('base64') }), lro), 400, 'InvalidParameter');
      assert.match(err.message, /RSA public key/);
    });

    it('Microsoft.Kubernetes not registered: 409 MissingSubscriptionRegistration', async () => {
      await resources.providers.unregister('Microsoft.Kubernetes');
      try {
        await rejectsWith(client.connectedClusterOperations.beginCreateAndWait('e2e-a', 'unregistered', cluster(), lro), 409, 'MissingSubscriptionRegistration');
      } finally {
        await resources.providers.register('Microsoft.Kubernetes');
      }
      await client.connectedClusterOperations.beginCreateAndWait('e2e-a', 'unregistered', cluster(), lro);
    });
  });
});
