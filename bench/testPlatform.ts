/**
 * The test platform's rows (issue 13): restoring a snapshot of N connected clusters with their
 * configurations (an extension and a flux configuration each) against creating them through ARM
 * over HTTPS, and creating a subscription with its principal (the directory API) against five
 * GETs, the cost a test worker pays to get a subscription of its own.
 */
import * as https from 'https';
import { runJob } from './loadGenerator';
import type { ServerUnderTest } from './processes';
import { benchToken, SUBSCRIPTION } from './scenarios';

const GROUP = `/subscriptions/${SUBSCRIPTION}/resourceGroups/bench-snapshot`;
const CLUSTERS = `${GROUP}/providers/Microsoft.Kubernetes/connectedClusters`;
const CONFIGURATIONS = `${CLUSTERS}/c-{n}/providers/Microsoft.KubernetesConfiguration`;
const headers = { Authorization: `Bearer ${benchToken()}`, 'Content-Type': 'application/json' };

const since = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** One request on a keep-alive agent; rejects on a status other than `expect`. */
function call(agent: https.Agent, server: ServerUnderTest, method: string, path: string, expect: number, body?: object): Promise<string> {
  return new Promise((resolve, reject) => {
    const url = new URL(path, server.origin);
    const req = https.request({ agent, host: url.hostname, port: url.port, method, path, headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        if (res.statusCode === expect) resolve(text);
        else reject(new Error(`${method} ${path}: ${res.statusCode} ${text.slice(0, 300)}`));
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

export interface SnapshotTimes {
  clusters: number;
  createMs: number;
  restoreMs: number;
  restores: number[];
}

/**
 * Creates `clusters` clusters with an extension and a flux configuration each (8 connections),
 * saves a snapshot, then restores it `runs` times (after a reset, so each restore rewrites it all).
 */
export async function snapshotRestoreMs(server: ServerUnderTest, clusterBody: string, clusters: number, runs: number): Promise<SnapshotTimes> {
  const agent = new https.Agent({ ca: server.ca, keepAlive: true });
  const job = (path: string, body: string) => ({
    origin: server.origin, ca: server.ca, method: 'PUT' as const, path, body, headers, concurrency: 8, warmupMs: 0, count: clusters, expectStatus: [200, 201],
  });
  const extension = JSON.stringify({ properties: { extensionType: 'microsoft.azuremonitor.containers', releaseTrain: 'Stable', configurationSettings: { 'logAnalyticsWorkspaceResourceID': 'ws' } } });
  const flux = JSON.stringify({ properties: { scope: 'cluster', namespace: 'flux-system', sourceKind: 'GitRepository', gitRepository: { url: 'https://github.com/Azure/arc-k8s-demo', repositoryRef: { branch: 'main' } }, kustomizations: { apps: { path: './apps' } } } });
  try {
    const started = process.hrtime.bigint();
    await call(agent, server, 'PUT', `${GROUP}?api-version=2021-04-01`, 201, { location: 'eastus' });
    for (const [path, body] of [[`${CLUSTERS}/c-{n}?api-version=2024-01-01`, clusterBody], [`${CONFIGURATIONS}/extensions/ext?api-version=2023-05-01`, extension],
      [`${CONFIGURATIONS}/fluxConfigurations/flux?api-version=2023-05-01`, flux]]) {
      const result = await runJob(job(path, body));
      if (result.errors) throw new Error(`creating for the snapshot bench: ${result.firstError}`);
    }
    const createMs = since(started);
    await call(agent, server, 'POST', '/_arclight/snapshots', 201, { name: 'bench' });
    const restores: number[] = [];
    for (let i = 0; i < runs; i++) {
      await call(agent, server, 'POST', '/_arclight/reset', 200);
      const at = process.hrtime.bigint();
      await call(agent, server, 'POST', '/_arclight/snapshots/bench/restore', 200);
      restores.push(since(at));
    }
    // The restored state is the whole of it: the last cluster and its flux configuration are back.
    await call(agent, server, 'GET', `${CONFIGURATIONS.replace('{n}', String(clusters - 1))}/fluxConfigurations/flux?api-version=2023-05-01`, 200);
    await call(agent, server, 'DELETE', '/_arclight/snapshots/bench', 200);
    return { clusters, createMs, restoreMs: median(restores), restores };
  } finally {
    agent.destroy();
  }
}

export interface DirectoryTimes {
  subscriptionMs: number;
  fiveGetsMs: number;
}

/** Medians over `runs`: one POST /_arclight/directory/subscriptions, and five sequential GETs of a resource group. */
export async function subscriptionCreateMs(server: ServerUnderTest, runs: number): Promise<DirectoryTimes> {
  const agent = new https.Agent({ ca: server.ca, keepAlive: true });
  try {
    const group = `/subscriptions/${SUBSCRIPTION}/resourceGroups/bench-directory?api-version=2021-04-01`;
    await call(agent, server, 'PUT', group, 201, { location: 'eastus' });
    // Warm both paths first (JIT, connection).
    await call(agent, server, 'GET', group, 200);
    await call(agent, server, 'POST', '/_arclight/directory/subscriptions', 201, {});
    const subscriptions: number[] = [];
    const gets: number[] = [];
    for (let i = 0; i < runs; i++) {
      let at = process.hrtime.bigint();
      await call(agent, server, 'POST', '/_arclight/directory/subscriptions', 201, {});
      subscriptions.push(since(at));
      at = process.hrtime.bigint();
      for (let g = 0; g < 5; g++) await call(agent, server, 'GET', group, 200);
      gets.push(since(at));
    }
    return { subscriptionMs: median(subscriptions), fiveGetsMs: median(gets) };
  } finally {
    agent.destroy();
  }
}
