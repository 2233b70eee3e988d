/**
 * Concurrent writes over real HTTPS (an in-process Arclight from testServer(), keep-alive
 * connections trusting only its CA):
 *
 * - many writers of one resource: each answer shows its own writer's state, and what stays is
 *   exactly one writer's complete state, never a mix (each writer's values carry its name twice,
 *   so a mix shows as writer != check);
 * - creates racing the delete of their parent (cluster or resource group): no configuration
 *   outlives its cluster, in ARM, in the store, or in the desired state the cluster's agents
 *   read, not even once a cluster of the same name is connected again;
 * - the agents' data plane racing ARM PATCHes: a heartbeat (or status report) keeps what a PATCH
 *   made while its body was still on the way, and a heartbeat does not bring back a cluster
 *   deleted meanwhile. The slow bodies are sent in two parts (test/support/jsonHttps.ts): the
 *   headers and half the JSON, then, once the PATCH or DELETE has been answered, the rest.
 *
 * No timers: ordering comes from awaited answers, the request-start diagnostics channel, and a
 * frozen emulator clock that the test advances to complete long-running operations.
 */
import { strict as assert } from 'assert';
import { testServer, TestServer, SUB } from '../support/arclight';
import { clusterBody, clusterPath, groupPath } from '../support/clusters';
import { configPath, extensionBody, fluxBody, sourceControlBody } from '../support/configurations';
import { agentKeys } from '../support/keys';
import { AgentProtocol, expectStatus, IssuedCertificate } from '../support/agentProtocol';
import { controls } from '../support/clusterSide';
import { ArmHttps, JsonAnswer, slowJsonPost } from '../support/jsonHttps';
import type { Json } from '../../protocol/json';


const API = { group: '2021-04-01', cluster: '2021-10-01', configuration: '2023-05-01' };
const at = (path: string, apiVersion: string) => `${path}?api-version=${apiVersion}`;
const WRITERS = 100;

function expectOk(res: JsonAnswer, statuses: number[], what: string): Json {
  assert.ok(statuses.includes(res.status), `${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * A server whose clock stands still until the test advances it, so long-running operations stay
 * in progress until then. Frozen from the start, a minute ahead of real time: freezing a running
 * clock at its own now() can fail, as it never moves backwards and now() moves on in between.
 */
function frozenServer(options: { lroDelay?: number } = {}): Promise<TestServer> {
  return testServer({ ...options, clockStart: `frozen:${new Date(Date.now() + 60_000).toISOString()}` });
}

async function createGroupAndCluster(arm: ArmHttps, group: string, cluster: string, tags?: Record<string, string>): Promise<Json> {
  expectOk(await arm.call('PUT', at(groupPath(group), API.group), { location: 'eastus' }), [200, 201], `group ${group}`);
  return expectOk(await arm.call('PUT', at(clusterPath(group, cluster), API.cluster), clusterBody(tags ? { tags } : {})), [201], `cluster ${cluster}`);
}

/** The cluster's agents after sign-in (certificate for onboarding key 0, token of the cluster identity). */
async function signIn(server: TestServer, clusterId: string): Promise<{ agent: AgentProtocol; issued: IssuedCertificate; token: string }> {
  const agent = new AgentProtocol(server);
  const { issued, token } = await agent.signIn(clusterId, agentKeys(0).privateKey);
  return { agent, issued, token };
}

describe('concurrent writes over HTTPS', () => {
  describe(`${WRITERS} concurrent PUTs and PATCHes of one resource`, () => {
    let server: TestServer;
    let arm: ArmHttps;
    before(async () => {
      server = await testServer();
      arm = new ArmHttps(server.url, server.agent);
    });
    after(() => server?.stop());

    /** Writer i's name; even writers PUT, odd ones PATCH, interleaved in the order they are sent. */
    const writers = Array.from({ length: WRITERS }, (_, i) => ({ name: `w${i}`, verb: i % 2 ? 'PATCH' : 'PUT' }));
    /** A writer's complete tag set: a tag set replaces the previous one, so any foreign or missing key is a mix. */
    const tagsOf = (w: string) => ({ writer: w, check: w, [`only-${w}`]: w });
    const names = new Set(writers.map((w) => w.name));

    /** Sends every writer at once; each must succeed, and its answer must show its own state. */
    async function race(send: (w: { name: string; verb: string }) => Promise<JsonAnswer>, statuses: Record<string, number[]>, shown: (body: Json) => unknown, own: (w: string) => unknown) {
      const answers = await Promise.all(writers.map((w) => send(w)));
      answers.forEach((res, i) => {
        const body = expectOk(res, statuses[writers[i].verb], `${writers[i].verb} by ${writers[i].name}`);
        assert.deepEqual(shown(body), own(writers[i].name), `the answer to ${writers[i].name} shows its own write`);
      });
    }

    it('of a resource group\'s tags: every one succeeds, and the tags left are exactly one writer\'s', async () => {
      const path = groupPath('race-tags');
      expectOk(await arm.call('PUT', at(path, API.group), { location: 'eastus', tags: { initial: 'yes' } }), [201], 'group');
      await race(
        (w) => w.verb === 'PUT' ? arm.call('PUT', at(path, API.group), { location: 'eastus', tags: tagsOf(w.name) }) : arm.call('PATCH', at(path, API.group), { tags: tagsOf(w.name) }),
        { PUT: [200], PATCH: [200] }, (b) => b.tags, tagsOf);
      const final = expectOk(await arm.call('GET', at(path, API.group)), [200], 'GET').tags;
      assert.ok(names.has(final.writer), `tags of a writer: ${JSON.stringify(final)}`);
      assert.deepEqual(final, tagsOf(final.writer), 'exactly one writer\'s tags');
      const listed = (await arm.listAll(`/subscriptions/${SUB}/resourcegroups?api-version=${API.group}`)).find((g) => g.name === 'race-tags');
      assert.deepEqual(listed?.tags, final, 'the list shows what the GET shows');
    });

    it('of a connected cluster\'s tags: every one succeeds, and the tags left are exactly one writer\'s', async () => {
      const path = clusterPath('race-cluster', 'c1');
      await createGroupAndCluster(arm, 'race-cluster', 'c1', { initial: 'yes' });
      await race(
        (w) => w.verb === 'PUT' ? arm.call('PUT', at(path, API.cluster), clusterBody({ tags: tagsOf(w.name) })) : arm.call('PATCH', at(path, API.cluster), { tags: tagsOf(w.name) }),
        { PUT: [200], PATCH: [200] }, (b) => b.tags, tagsOf);
      const final = expectOk(await arm.call('GET', at(path, API.cluster)), [200], 'GET');
      assert.ok(names.has(final.tags.writer), `tags of a writer: ${JSON.stringify(final.tags)}`);
      assert.deepEqual(final.tags, tagsOf(final.tags.writer), 'exactly one writer\'s tags');
      assert.equal(final.properties.agentPublicKeyCertificate, agentKeys(0).pkcs1);
      const listed = await arm.listAll(at(`${groupPath('race-cluster')}/providers/Microsoft.Kubernetes/connectedClusters`, API.cluster));
      assert.deepEqual(listed.map((c) => c.tags), [final.tags], 'the list shows what the GET shows');
    });

    it('of an extension\'s settings: every one succeeds, and settings and protected settings left are exactly one writer\'s, for ARM and for the cluster\'s agents', async () => {
      const created = await createGroupAndCluster(arm, 'race-extension', 'c1');
      const path = configPath('race-extension', 'c1', 'extensions', 'monitor');
      expectOk(await arm.call('PUT', at(path, API.configuration), extensionBody()), [201], 'extension');
      // Settings are merged by a PATCH and replaced by a PUT: with the same two keys in every
      // writer's settings, either leaves exactly that writer's. The protected settings (stored
      // apart from the resource) name the writer too, and must be the same writer's.
      const settingsOf = (w: string) => ({ writer: w, check: w });
      const protectedOf = (w: string) => ({ writer: `secret-${w}` });
      await race(
        (w) => w.verb === 'PUT'
          ? arm.call('PUT', at(path, API.configuration), extensionBody({ configurationSettings: settingsOf(w.name), configurationProtectedSettings: protectedOf(w.name) }))
          : arm.call('PATCH', at(path, API.configuration), { properties: { configurationSettings: settingsOf(w.name), configurationProtectedSettings: protectedOf(w.name) } }),
        { PUT: [200], PATCH: [202] }, (b) => b.properties.configurationSettings, settingsOf);
      const final = expectOk(await arm.call('GET', at(path, API.configuration)), [200], 'GET').properties;
      const writer = final.configurationSettings.writer;
      assert.ok(names.has(writer), `settings of a writer: ${JSON.stringify(final.configurationSettings)}`);
      assert.deepEqual(final.configurationSettings, settingsOf(writer), 'exactly one writer\'s settings');
      assert.equal(final.provisioningState, 'Succeeded', 'every update operation completed');

      const { agent, issued, token } = await signIn(server, created.id);
      const desired = expectStatus(await agent.desiredState(issued.dataPlaneEndpoint, token), 200);
      assert.equal(desired.extensions.length, 1);
      assert.deepEqual(desired.extensions[0].properties.configurationSettings, settingsOf(writer), 'the agents read what ARM shows');
      assert.deepEqual(desired.extensions[0].properties.configurationProtectedSettings, protectedOf(writer), 'the protected settings are the same writer\'s');
    });
  });

  describe('creates racing the delete of their parent leave no orphans', () => {
    // Long-running operations take 5 s of an emulator clock that stands still: a delete stays
    // in progress (the parent reads Deleting) until the test moves the clock.
    let server: TestServer;
    let arm: ArmHttps;
    let clock: ReturnType<typeof controls>;
    before(async () => {
      server = await frozenServer({ lroDelay: 5 });
      arm = new ArmHttps(server.url, server.agent);
      clock = controls(server);
    });
    after(() => server?.stop());

    /** A configuration create: a path, and the body a PUT sends. */
    interface Create { path: string; body: unknown }
    const configurations = (group: string, cluster: string, wave: string): Create[] => [
      ...Array.from({ length: 8 }, (_, i) => ({ path: configPath(group, cluster, 'extensions', `ext-${wave}-${i}`), body: extensionBody() })),
      ...Array.from({ length: 4 }, (_, i) => ({ path: configPath(group, cluster, 'fluxConfigurations', `flux-${wave}-${i}`), body: fluxBody() })),
      ...Array.from({ length: 2 }, (_, i) => ({ path: configPath(group, cluster, 'sourceControlConfigurations', `scc-${wave}-${i}`), body: sourceControlBody() })),
    ];
    /** Each create answers a success, 404 (the parent is gone) or 409 (it is being deleted): never a server error. */
    const put = async (c: Create, statuses = [200, 201, 404, 409]) => expectOk(await arm.call('PUT', at(c.path, API.configuration), c.body), statuses, `PUT ${c.path}`);
    /** Sends `creates` with `del` in the middle of them, all at once. */
    async function racing(creates: Create[], del: () => Promise<JsonAnswer>): Promise<JsonAnswer> {
      const half = Math.floor(creates.length / 2);
      const first = creates.slice(0, half).map((c) => put(c));
      const deleted = del();
      const rest = creates.slice(half).map((c) => put(c));
      await Promise.all([...first, ...rest]);
      return deleted;
    }
    /** A GET of each must be 404, and nothing may be stored under `parentKey`: no row, no protected settings. */
    async function assertGone(paths: string[], parentKey: string) {
      for (const p of paths) {
        const res = await arm.call('GET', at(p, p.includes('KubernetesConfiguration') ? API.configuration : API.cluster));
        assert.equal(res.status, 404, `GET ${p}: ${res.status} ${JSON.stringify(res.body)}`);
      }
      const store = server.services.store;
      assert.deepEqual(store.resources.descendants(parentKey).map((r) => r.id), [], 'nothing is stored under the deleted parent');
      for (const p of paths) assert.equal(store.secrets.get(p.toLowerCase()), undefined, `protected settings of ${p} are gone`);
    }
    /** Connects a cluster of the same name again: ARM lists and the new agents' desired state show no configuration. */
    async function assertNothingComesBack(group: string, cluster: string, paths: string[]) {
      const again = expectOk(await arm.call('PUT', at(clusterPath(group, cluster), API.cluster), clusterBody()), [201], 'the cluster again');
      await clock.advance('PT10S');
      for (const collection of ['extensions', 'fluxConfigurations', 'sourceControlConfigurations']) {
        assert.deepEqual(await arm.listAll(at(configPath(group, cluster, collection), API.configuration)), [], `${collection} of the new cluster`);
      }
      for (const p of paths.filter((x) => x.includes('KubernetesConfiguration'))) {
        assert.equal((await arm.call('GET', at(p, API.configuration))).status, 404, `GET ${p} on the new cluster`);
      }
      const { agent, issued, token } = await signIn(server, again.id);
      const desired = expectStatus(await agent.desiredState(issued.dataPlaneEndpoint, token), 200);
      assert.deepEqual([desired.extensions, desired.fluxConfigurations, desired.sourceControlConfigurations], [[], [], []], 'the new cluster\'s agents are given nothing of the old one');
    }

    it('configurations created while their cluster is being deleted go with it, and do not come back with a cluster of the same name', async () => {
      const group = 'race-delete-cluster';
      const cluster = clusterPath(group, 'c1');
      await createGroupAndCluster(arm, group, 'c1');
      await clock.advance('PT10S');
      // Wave 1: creates with the cluster's DELETE in the middle of them.
      const wave1 = configurations(group, 'c1', 'a');
      expectOk(await racing(wave1, () => arm.call('DELETE', at(cluster, API.cluster))), [202], 'DELETE cluster');
      // Wave 2: the cluster reads Deleting (its delete is in progress) while these arrive.
      assert.equal(expectOk(await arm.call('GET', at(cluster, API.cluster)), [200], 'GET cluster').properties.provisioningState, 'Deleting');
      const wave2 = configurations(group, 'c1', 'b');
      await Promise.all(wave2.map((c) => put(c)));
      // The delete completes (with every configuration create still in progress).
      await clock.advance('PT10S');
      const paths = [cluster, ...[...wave1, ...wave2].map((c) => c.path)];
      await assertGone(paths, cluster.toLowerCase());
      for (const collection of ['extensions', 'fluxConfigurations', 'sourceControlConfigurations']) {
        const res = await arm.call('GET', at(configPath(group, 'c1', collection), API.configuration));
        assert.equal(res.status, 404, `the ${collection} list of a deleted cluster: ${res.status}`);
      }
      // Creates after the delete completed: the parent is gone.
      for (const c of configurations(group, 'c1', 'c').slice(0, 3)) await put(c, [404]);
      await assertNothingComesBack(group, 'c1', paths);
    });

    it('clusters and configurations created while their resource group is being deleted go with it, and do not come back with a group and cluster of the same names', async () => {
      const group = 'race-delete-group';
      const gp = groupPath(group);
      await createGroupAndCluster(arm, group, 'c1');
      expectOk(await arm.call('PUT', at(clusterPath(group, 'c2'), API.cluster), clusterBody()), [201], 'cluster c2');
      await clock.advance('PT10S');
      const newClusters = (wave: string) => Array.from({ length: 4 }, (_, i) => ({ path: clusterPath(group, `new-${wave}-${i}`), body: clusterBody() }));
      const putCluster = async (c: Create) => expectOk(await arm.call('PUT', at(c.path, API.cluster), c.body), [200, 201, 404, 409], `PUT ${c.path}`);
      // Wave 1: clusters and configurations with the group's DELETE in the middle of them.
      const wave1 = [...configurations(group, 'c1', 'a'), ...configurations(group, 'c2', 'a')];
      const clusters1 = newClusters('a');
      const [deleted] = await Promise.all([racing(wave1, () => arm.call('DELETE', at(gp, API.group))), ...clusters1.map(putCluster)]);
      expectOk(deleted, [202], 'DELETE group');
      // Wave 2: the group reads Deleting while these arrive.
      assert.equal(expectOk(await arm.call('GET', at(gp, API.group)), [200], 'GET group').properties.provisioningState, 'Deleting');
      const wave2 = [...configurations(group, 'c1', 'b'), ...configurations(group, 'new-a-0', 'b')];
      const clusters2 = newClusters('b');
      await Promise.all([...wave2.map((c) => put(c)), ...clusters2.map(putCluster)]);
      await clock.advance('PT10S');

      assert.equal((await arm.call('GET', at(gp, API.group))).status, 404, 'the group is gone');
      const paths = [clusterPath(group, 'c1'), clusterPath(group, 'c2'), ...[...clusters1, ...clusters2, ...wave1, ...wave2].map((c) => c.path)];
      await assertGone(paths, gp.toLowerCase());
      const everywhere = await arm.listAll(`/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters?api-version=${API.cluster}`);
      assert.deepEqual(everywhere.filter((c) => c.id.toLowerCase().startsWith(`${gp.toLowerCase()}/`)).map((c) => c.id), [], 'no cluster of the group is listed');

      expectOk(await arm.call('PUT', at(gp, API.group), { location: 'eastus' }), [201], 'the group again');
      await assertNothingComesBack(group, 'c1', paths);
      assert.deepEqual((await arm.listAll(at(`${gp}/providers/Microsoft.Kubernetes/connectedClusters`, API.cluster))).map((c) => c.name), ['c1'], 'only the cluster connected again');
    });
  });

  describe('the agents\' data plane racing ARM writes', () => {
    let server: TestServer;
    let arm: ArmHttps;
    before(async () => {
      server = await testServer();
      arm = new ArmHttps(server.url, server.agent);
    });
    after(() => server?.stop());

    const metadata = (i: number) => ({ agentVersion: `1.${i}.0`, kubernetesVersion: `v1.30.${i}`, totalNodeCount: i + 1, totalCoreCount: 4 * (i + 1) });
    /** What ARM shows of the metadata (without the v of the Kubernetes version). */
    const shown = (i: number) => ({ agentVersion: `1.${i}.0`, kubernetesVersion: `1.30.${i}`, totalNodeCount: i + 1, totalCoreCount: 4 * (i + 1) });
    const agentFields = (p: Json) => ({ agentVersion: p.agentVersion, kubernetesVersion: p.kubernetesVersion, totalNodeCount: p.totalNodeCount, totalCoreCount: p.totalCoreCount });

    /** A group with one connected cluster, and its signed-in agents. */
    async function connected(group: string, tags = { initial: 'yes' }) {
      const created = await createGroupAndCluster(arm, group, 'c1', tags);
      return { path: clusterPath(group, 'c1'), ...(await signIn(server, created.id)) };
    }
    const patchTags = async (path: string, tags: Record<string, string>) => expectOk(await arm.call('PATCH', at(path, API.cluster), { tags }), [200], 'PATCH tags');
    const slowHeartbeat = (issued: IssuedCertificate, token: string, body: unknown) =>
      slowJsonPost(server.agent, `${issued.dataPlaneEndpoint}/heartbeat`, body, { Authorization: `Bearer ${token}` });

    it('heartbeats and tag PATCHes sent concurrently: the last PATCH\'s tags and the last heartbeat\'s fields are both kept', async () => {
      const { path, agent, issued, token } = await connected('race-heartbeats');
      const rounds = 25;
      // Two sequences running side by side: each sequence's last write is known, and neither may undo the other's.
      const patches = async () => {
        for (let i = 0; i < rounds; i++) await patchTags(path, { writer: `p${i}`, check: `p${i}` });
      };
      const heartbeats = async () => {
        for (let i = 0; i < rounds; i++) expectStatus(await agent.heartbeat(issued.dataPlaneEndpoint, token, metadata(i)), 200);
      };
      await Promise.all([patches(), heartbeats()]);
      const final = expectOk(await arm.call('GET', at(path, API.cluster)), [200], 'GET');
      assert.deepEqual(final.tags, { writer: `p${rounds - 1}`, check: `p${rounds - 1}` }, 'the last PATCH\'s tags');
      assert.deepEqual(agentFields(final.properties), shown(rounds - 1), 'the last heartbeat\'s fields');
      assert.equal(final.properties.connectivityStatus, 'Connected');
    });

    it('a heartbeat whose body is still arriving while the cluster\'s tags are PATCHed keeps the PATCH\'s tags', async () => {
      const { path, issued, token } = await connected('slow-heartbeat-patch');
      const beat = slowHeartbeat(issued, token, metadata(7));
      await beat.received;
      const patched = { patched: 'while-the-heartbeat-body-was-in-flight' };
      assert.deepEqual((await patchTags(path, patched)).tags, patched);
      const answer = await beat.finish();
      assert.equal(answer.status, 200, `heartbeat: ${answer.status} ${JSON.stringify(answer.body)}`);
      const final = expectOk(await arm.call('GET', at(path, API.cluster)), [200], 'GET');
      assert.deepEqual(final.tags, patched, 'the PATCH made while the heartbeat was in flight is kept');
      assert.deepEqual(agentFields(final.properties), shown(7), 'and the heartbeat\'s fields are there');
      assert.equal(final.properties.connectivityStatus, 'Connected');
    });

    it('a heartbeat whose body is still arriving while the cluster is deleted is refused, and the cluster stays deleted', async () => {
      const { path, issued, token } = await connected('slow-heartbeat-delete');
      const beat = slowHeartbeat(issued, token, metadata(3));
      await beat.received;
      expectOk(await arm.call('DELETE', at(path, API.cluster)), [202], 'DELETE');
      // With --lro-delay 0 the delete is due at once: this GET settles it.
      assert.equal((await arm.call('GET', at(path, API.cluster))).status, 404, 'the cluster is deleted before the heartbeat body ends');
      const answer = await beat.finish();
      const after = await arm.call('GET', at(path, API.cluster));
      assert.equal(after.status, 404, `the heartbeat (answered ${answer.status}) brought the cluster back: ${JSON.stringify(after.body)}`);
      assert.ok([401, 403, 404].includes(answer.status), `the heartbeat of a deleted cluster is refused, not ${answer.status} ${JSON.stringify(answer.body)}`);
      assert.equal(typeof answer.body?.error?.code, 'string', 'in the ARM error envelope');
      assert.deepEqual(await arm.listAll(at(`${groupPath('slow-heartbeat-delete')}/providers/Microsoft.Kubernetes/connectedClusters`, API.cluster)), []);
      assert.deepEqual(server.services.store.resources.descendants(groupPath('slow-heartbeat-delete').toLowerCase()).map((r) => r.id), [], 'nothing stored');
    });

    it('a status report whose body is still arriving while the extension is PATCHed keeps the PATCH\'s settings', async () => {
      const { path: cluster, issued, token } = await connected('slow-status-patch');
      const ext = `${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/monitor`;
      expectOk(await arm.call('PUT', at(ext, API.configuration), extensionBody()), [201], 'extension');
      const report = slowJsonPost(server.agent, `${issued.dataPlaneEndpoint}/configurations/extensions/monitor/status`,
        { provisioningState: 'Succeeded', currentVersion: '3.1.16' }, { Authorization: `Bearer ${token}` });
      await report.received;
      expectOk(await arm.call('PATCH', at(ext, API.configuration), { properties: { configurationSettings: { patched: 'yes' } } }), [202], 'PATCH');
      const answer = await report.finish();
      assert.equal(answer.status, 200, `status report: ${answer.status} ${JSON.stringify(answer.body)}`);
      const final = expectOk(await arm.call('GET', at(ext, API.configuration)), [200], 'GET').properties;
      assert.deepEqual(final.configurationSettings, { 'logAnalytics.workspace': 'ws1', patched: 'yes' }, 'the PATCH made while the report was in flight is kept');
      assert.equal(final.currentVersion, '3.1.16', 'and the report\'s version is there');
    });
  });
});
