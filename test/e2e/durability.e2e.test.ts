/**
 * Durability across kill -9. The real `arclight` executable on a data directory takes a write
 * load over HTTPS (resource groups with tags, connected clusters, extensions on them, PATCHes,
 * cluster and group DELETEs), is killed with SIGKILL in the middle of it, and is started again
 * on the same directory. Whatever it acknowledged must be there, exactly; whatever it had not
 * answered yet must be either fully applied or not at all; nothing may be half-written.
 *
 * The load is a fixed schedule (seeded PRNG) of "chains": one resource group each, with its
 * clusters and extensions, written one request after the other. Chains run concurrently, a
 * chain never has more than one request in flight, so after the kill each chain has a known
 * acknowledged state and at most one write whose outcome is unknown (the answer was lost): its
 * resources must show exactly the acknowledged state, or exactly that state plus the lost write.
 * Resource group and cluster DELETEs answer 202 and complete when the next request settles due
 * operations (README, ARM behaviour; --lro-delay 0 makes them due at once, and the operation is
 * stored with the 202 in one transaction): after the restart the first request settles them, so
 * a GET never sees an acknowledged delete's resource, not even Deleting.
 */
import { strict as assert } from 'assert';
import Database from 'better-sqlite3';
import type { ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { isDeepStrictEqual } from 'util';
import { SUB } from '../support/arclight';
import { clusterPath, groupPath } from '../support/clusters';
import { configPath, extensionBody } from '../support/configurations';
import { agentKeys } from '../support/keys';
import { ArmHttps } from '../support/jsonHttps';
import { startExecutable } from '../support/executable';
import type { Json } from '../../protocol/json';


const SEED = 20240917;
const CHAINS = 200;
const WORKERS = 24;
/** The kill comes with the answer that acknowledges this many writes, while other writes are in flight. */
const KILL_AFTER = 300;
const PREFIX = 'dur-';

const API = { group: '2021-04-01', cluster: '2021-10-01', extension: '2023-05-01' };
/** Every cluster is onboarded with pooled key 0; states name it rather than repeat 400 characters of base64. */
const KEY_NAME = 'onboarding key 0';

// ---- the executable ------------------------------------------------------------------------

interface Executable {
  child: ChildProcess;
  url: string;
  caPem: string;
  exited: Promise<[number | null, NodeJS.Signals | null]>;
  output: () => string;
}

/** Starts `arclight` on `dataDir` and resolves once it has printed its ready line. */
async function startOn(dataDir: string): Promise<Executable> {
  const running = await startExecutable(['--port', '0', '--data-dir', dataDir, '--log-level', 'warn', '--lro-delay', '0']);
  return { child: running.child, url: running.ready.url, caPem: running.caPem, exited: running.exited, output: running.output };
}

// ---- the load and what each write must leave -----------------------------------------------

/** What the load set on a resource (compared with what a GET shows), or null: it must not exist. */
type Expected = Record<string, unknown> | null;
/** Resource path -> expected state. A path not in the model was never written: it must not exist. */
type Model = Map<string, Expected>;

interface Write {
  method: 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  apiVersion: string;
  body?: unknown;
  /** The statuses that acknowledge it. */
  accepted: number[];
  /** The state the write leaves, applied to a copy of the chain's model. */
  apply(model: Model): void;
}

type Kind = 'group' | 'cluster' | 'extension';

interface Chain {
  writes: Write[];
  /** Every resource path the chain may write, and its kind. */
  paths: Map<string, Kind>;
  /** The state of the acknowledged writes. */
  acked: Model;
  /** The acknowledged state plus the write whose answer was lost, if one was. */
  lost?: Model;
  started: boolean;
}

/** mulberry32: a small seeded PRNG, so the schedule is the same at every run. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Removes `root` and everything under it (a delete cascades). */
function removeTree(model: Model, root: string): void {
  model.set(root, null);
  for (const p of model.keys()) if (p.startsWith(`${root}/`)) model.set(p, null);
}

function buildChain(index: number, random: () => number): Chain {
  const pick = <T>(options: T[]) => options[Math.floor(random() * options.length)];
  const writes: Write[] = [];
  const paths = new Map<string, Kind>();
  let step = 0;
  // Every write carries values no other write has, so the state shows which write made it.
  const stamp = (what: string) => ({ chain: String(index), write: `${what}-${++step}` });
  const key = agentKeys(0).pkcs1;

  const group = `${PREFIX}${index}`;
  const gp = groupPath(group);
  paths.set(gp, 'group');
  const putGroup = () => {
    const tags = stamp('put-group');
    writes.push({ method: 'PUT', path: gp, apiVersion: API.group, body: { location: 'eastus', tags }, accepted: [201, 200], apply: (m) => m.set(gp, { tags }) });
  };
  const patchGroup = () => {
    const tags = stamp('patch-group');
    writes.push({ method: 'PATCH', path: gp, apiVersion: API.group, body: { tags }, accepted: [200], apply: (m) => m.set(gp, { tags }) });
  };

  putGroup();
  if (random() < 0.5) patchGroup();
  const clusters = Math.floor(random() * 3);
  for (let c = 0; c < clusters; c++) {
    const cp = clusterPath(group, `c${c}`);
    paths.set(cp, 'cluster');
    const tags = stamp('put-cluster');
    const properties = { agentPublicKeyCertificate: key, distribution: pick(['kind', 'k3s', 'microk8s', 'openshift']), infrastructure: pick(['generic', 'vsphere', 'azure_stack_hci']) };
    writes.push({
      method: 'PUT', path: cp, apiVersion: API.cluster, accepted: [201, 200],
      body: { location: 'eastus', identity: { type: 'SystemAssigned' }, tags, properties },
      apply: (m) => m.set(cp, { tags, key: KEY_NAME, distribution: properties.distribution, infrastructure: properties.infrastructure }),
    });
    if (random() < 0.5) {
      const patched = stamp('patch-cluster');
      writes.push({ method: 'PATCH', path: cp, apiVersion: API.cluster, body: { tags: patched }, accepted: [200], apply: (m) => m.set(cp, { ...m.get(cp), tags: patched }) });
    }
    const extensions = Math.floor(random() * 3);
    for (let e = 0; e < extensions; e++) {
      const ep = configPath(group, `c${c}`, 'extensions', `ext${e}`);
      paths.set(ep, 'extension');
      const extensionType = pick(['microsoft.azuremonitor.containers', 'microsoft.flux', 'microsoft.openservicemesh']);
      const settings = stamp('put-extension');
      writes.push({
        method: 'PUT', path: ep, apiVersion: API.extension, accepted: [201, 200],
        body: extensionBody({ extensionType, configurationSettings: settings }),
        apply: (m) => m.set(ep, { extensionType, configurationSettings: settings }),
      });
      if (random() < 0.4) {
        // A PATCH merges configurationSettings (JSON merge-patch): `write` changes, `chain` stays.
        const { write } = stamp('patch-extension');
        writes.push({
          method: 'PATCH', path: ep, apiVersion: API.extension, accepted: [202],
          body: { properties: { configurationSettings: { write } } },
          apply: (m) => {
            const before = m.get(ep) as Record<string, Json>;
            m.set(ep, { ...before, configurationSettings: { ...before.configurationSettings, write } });
          },
        });
      }
    }
    if (random() < 0.2) writes.push({ method: 'DELETE', path: cp, apiVersion: API.cluster, accepted: [202], apply: (m) => removeTree(m, cp) });
  }
  if (random() < 0.5) patchGroup();
  if (random() < 0.3) writes.push({ method: 'DELETE', path: gp, apiVersion: API.group, accepted: [202], apply: (m) => removeTree(m, gp) });
  return { writes, paths, acked: new Map(), started: false };
}

// ---- reading back --------------------------------------------------------------------------

/** The part of a resource the load sets, as a GET or list shows it. */
function projection(kind: Kind, body: Json): Record<string, unknown> {
  const p = body.properties ?? {};
  switch (kind) {
    case 'group': return { tags: body.tags };
    case 'cluster': {
      const key = p.agentPublicKeyCertificate === agentKeys(0).pkcs1 ? KEY_NAME : p.agentPublicKeyCertificate;
      return { tags: body.tags, key, distribution: p.distribution, infrastructure: p.infrastructure };
    }
    case 'extension': return { extensionType: p.extensionType, configurationSettings: p.configurationSettings };
  }
}

const apiVersionOf: Record<Kind, string> = { group: API.group, cluster: API.cluster, extension: API.extension };

interface Observed {
  state: Map<string, Expected>;
  /** Full bodies of the resources that exist, for the checks that need more than the projection. */
  bodies: Map<string, Json>;
}

async function observe(arm: ArmHttps, chains: Chain[]): Promise<Observed> {
  const state = new Map<string, Expected>();
  const bodies = new Map<string, Json>();
  const all = chains.flatMap((c) => [...c.paths]);
  // A few at a time: enough to be quick, few enough to keep the answers easy to read on failure.
  for (let i = 0; i < all.length; i += 32) {
    await Promise.all(all.slice(i, i + 32).map(async ([p, kind]) => {
      const res = await arm.call('GET', `${p}?api-version=${apiVersionOf[kind]}`);
      assert.ok(res.status === 200 || res.status === 404, `GET ${p}: ${res.status} ${JSON.stringify(res.body)}`);
      state.set(p, res.status === 200 ? projection(kind, res.body) : null);
      if (res.status === 200) bodies.set(p, res.body);
    }));
  }
  return { state, bodies };
}

/** The model's states for `paths` (a path never written must not exist). */
const statesOf = (model: Model, paths: Iterable<string>) => Object.fromEntries([...paths].map((p) => [p, model.get(p) ?? null]));

/** Names listed, with what the load set on them, in name order. */
const listed = (items: Json[], kind: Kind) => items.map((r) => [r.id.toLowerCase(), projection(kind, r)]).sort(([a], [b]) => String(a).localeCompare(String(b)));

describe('e2e: durability of acknowledged writes across kill -9', () => {
  let dataDir: string;
  const started: Executable[] = [];

  before(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-durability-'));
  });
  after(() => {
    for (const s of started) if (s.child.exitCode === null && s.child.signalCode === null) s.child.kill('SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('after a SIGKILL in the middle of a write load, every acknowledged write is there exactly, every lost one fully or not at all, and the store is whole', async () => {
    const random = prng(SEED);
    const chains = Array.from({ length: CHAINS }, (_, i) => buildChain(i, random));

    // ---- load, and the kill --------------------------------------------------------------
    const first = await startOn(dataDir);
    started.push(first);
    const agent = new https.Agent({ ca: first.caPem, keepAlive: true, maxSockets: WORKERS });
    const arm = new ArmHttps(first.url, agent);
    const queue = [...chains];
    const refused: string[] = [];
    let acknowledged = 0;
    let inFlight = 0;
    let lostBeforeKill = 0;
    let atKill: { inFlight: number; chainsNotStarted: number } | undefined;

    const kill = () => {
      atKill = { inFlight, chainsNotStarted: queue.length };
      first.child.kill('SIGKILL');
    };

    const worker = async () => {
      for (let chain = queue.shift(); chain && !atKill; chain = queue.shift()) {
        chain.started = true;
        for (const w of chain.writes) {
          if (atKill) return;
          const next = new Map(chain.acked);
          w.apply(next);
          chain.lost = next;
          inFlight++;
          let status: number;
          try {
            const res = await arm.call(w.method, `${w.path}?api-version=${w.apiVersion}`, w.body);
            status = res.status;
            if (!w.accepted.includes(status)) refused.push(`${w.method} ${w.path}: ${status} ${JSON.stringify(res.body)}`);
          } catch {
            // No complete answer: the server is gone. The write may or may not have been applied.
            if (!atKill) lostBeforeKill++;
            return;
          } finally {
            inFlight--;
          }
          if (!w.accepted.includes(status)) return;
          // An answer that got here was sent after the write committed, even if it arrived after the kill.
          chain.acked = next;
          chain.lost = undefined;
          if (++acknowledged === KILL_AFTER) kill();
        }
      }
    };
    await Promise.all(Array.from({ length: WORKERS }, worker));
    const [, signal] = await first.exited;
    agent.destroy();

    assert.deepEqual(refused.slice(0, 5), [], `every write of the load is one the server accepts (${refused.length} refused)`);
    assert.equal(lostBeforeKill, 0, 'no answer was lost before the kill');
    assert.ok(atKill, `the load reached ${KILL_AFTER} acknowledged writes`);
    assert.equal(signal, 'SIGKILL');
    assert.ok(atKill.inFlight > 0, 'writes were in flight at the kill');
    assert.ok(atKill.chainsNotStarted > 0, 'the load was not finished at the kill');
    assert.ok(chains.some((c) => c.lost), 'some answers were lost to the kill');

    // ---- restart on the same directory and read everything back ---------------------------
    const second = await startOn(dataDir);
    started.push(second);
    const agent2 = new https.Agent({ ca: second.caPem, keepAlive: true, maxSockets: 32 });
    const arm2 = new ArmHttps(second.url, agent2);
    const seen = await observe(arm2, chains);

    // Each chain: exactly its acknowledged state, or exactly that plus its lost write.
    for (const [i, chain] of chains.entries()) {
      const actual = statesOf(seen.state, chain.paths.keys());
      const acked = statesOf(chain.acked, chain.paths.keys());
      const withLost = chain.lost && statesOf(chain.lost, chain.paths.keys());
      if (isDeepStrictEqual(actual, acked) || (withLost && isDeepStrictEqual(actual, withLost))) continue;
      assert.fail(`chain ${i} (${chain.started ? 'started' : 'never started'}) after the restart:\n${JSON.stringify(actual, null, 1)}\n` +
        `acknowledged:\n${JSON.stringify(acked, null, 1)}\n${withLost ? `with the lost write:\n${JSON.stringify(withLost, null, 1)}` : 'no write was lost'}`);
    }

    // Nothing half-written: a resource's parents exist, and every operation the load started has completed.
    for (const [p, body] of seen.bodies) {
      const parent = p.replace(/\/providers\/Microsoft\.KubernetesConfiguration\/.*$|\/providers\/Microsoft\.Kubernetes\/.*$/, '');
      if (parent !== p) assert.ok(seen.bodies.has(parent), `${p} exists without ${parent}`);
      const cluster = p.replace(/\/providers\/Microsoft\.KubernetesConfiguration\/.*$/, '');
      if (cluster !== p) assert.ok(seen.bodies.has(cluster), `${p} exists without its cluster`);
      assert.equal(body.properties?.provisioningState, 'Succeeded', `${p}: every operation was due at the restart`);
    }

    // Lists agree with the GETs of each item.
    const groupsListed = (await arm2.listAll(`/subscriptions/${SUB}/resourcegroups?api-version=${API.group}`)).filter((g) => g.name.startsWith(PREFIX));
    const clustersListed = await arm2.listAll(`/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters?api-version=${API.cluster}`);
    const existing = (kind: Kind) => [...seen.state].filter(([p, s]) => s && chains.some((c) => c.paths.get(p) === kind))
      .map(([p, s]) => [p.toLowerCase(), s]).sort(([a], [b]) => String(a).localeCompare(String(b)));
    assert.deepEqual(listed(groupsListed, 'group'), existing('group'), 'the resource group list shows exactly the groups that exist');
    assert.deepEqual(listed(clustersListed, 'cluster'), existing('cluster'), 'the connected cluster list shows exactly the clusters that exist');
    const extensionsListed: Json[] = [];
    for (const c of clustersListed) {
      extensionsListed.push(...await arm2.listAll(`${c.id}/providers/Microsoft.KubernetesConfiguration/extensions?api-version=${API.extension}`));
    }
    assert.deepEqual(listed(extensionsListed, 'extension'), existing('extension'), 'the clusters\' extension lists show exactly the extensions that exist');
    assert.ok(existing('extension').length > 0 && existing('cluster').length > 0, 'the load left clusters and extensions to check');
    agent2.destroy();

    // A clean stop, then the database itself: intact, no row without its parent, no secret without its resource.
    second.child.kill('SIGTERM');
    assert.deepEqual(await second.exited, [0, null]);
    assert.doesNotMatch(first.output() + second.output(), /unexpected failure|error/i, 'no errors logged');
    // Read-only, below the store: integrity and orphaned rows are what no store API shows.
    const db = new Database(path.join(dataDir, 'arclight.db'), { readonly: true });
    try {
      assert.equal(db.pragma('integrity_check', { simple: true }), 'ok');
      const orphans = db.prepare(`SELECT key FROM resources r WHERE r.type <> 'microsoft.resources/resourcegroups'
        AND NOT EXISTS (SELECT 1 FROM resources p WHERE p.key = r.parent_key)`).pluck().all();
      assert.deepEqual(orphans, [], 'resources whose parent is gone');
      const secrets = db.prepare('SELECT resource_key FROM secrets s WHERE NOT EXISTS (SELECT 1 FROM resources r WHERE r.key = s.resource_key)').pluck().all();
      assert.deepEqual(secrets, [], 'protected settings whose resource is gone');
    } finally {
      db.close();
    }
  });
});
