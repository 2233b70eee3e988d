/**
 * What the bench measures. Every throughput scenario runs the same load-generator job against
 * the three servers one after another (so machine noise hits them alike), and the result is
 * Arclight's ratio to the express+sqlite reference.
 */
import { generateKeyPairSync } from 'crypto';
import type { LoadJob, LoadResult } from './loadGenerator';
import { get, LoadGenerator, referenceTls, rssMiB, ServerUnderTest, startArclight, startReference } from './processes';
import type { BareFixtures } from './referenceServers';

export interface BenchOptions {
  /** Creates (in batches of 1,000) against an Arclight with --agents simulated. */
  agentCreates: number;
  templateRuns: number;
  warmupMs: number;
  durationMs: number;
  /** Connections for the resource-group GET. */
  groupLevels: number[];
  /** Connections for the connected-cluster scenarios. */
  clusterLevels: number[];
  coldStartRuns: number;
  listItems: number;
  pageSize: number;
  memoryCreates: number;
  /** Clusters (each with an extension and a flux configuration) in the snapshot-restore row. */
  snapshotClusters: number;
  /** Subscriptions created (each against five GETs) in the directory row. */
  directoryRuns: number;
  dashboardClusters: number;
  dashboardRuns: number;
}

export const SUBSCRIPTION = '00000000-0000-0000-0000-000000000000';
const GROUP_API = 'api-version=2021-04-01';
const CLUSTER_API = 'api-version=2024-01-01';
const group = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${name}`;
const clusters = (groupName: string) => `${group(groupName)}/providers/Microsoft.Kubernetes/connectedClusters`;
const EXTENSION_API = 'api-version=2023-05-01';
const extensions = `${clusters('bench')}/bench-cluster/providers/Microsoft.KubernetesConfiguration/extensions`;

/** A well-formed JWT with no valid signature: what `--auth lenient` (the default) accepts. */
export function benchToken(): string {
  const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${enc({ alg: 'RS256', typ: 'JWT' })}.${enc({
    aud: 'https://management.azure.com/', iss: 'https://sts.windows.net/00000000-0000-0000-0000-000000000001/', iat: now, nbf: now, exp: now + 86400,
    tid: '00000000-0000-0000-0000-000000000001', oid: '11111111-1111-1111-1111-111111111111', upn: 'bench@arclight.local', idtyp: 'user',
  })}.c2lnbmF0dXJl`;
}

export class Workload {
  readonly headers = { Authorization: `Bearer ${benchToken()}`, 'Content-Type': 'application/json' };
  /** What `az connectedk8s connect` sends, with a real RSA 2048 public key (PKCS#1 DER). */
  readonly clusterBody = JSON.stringify({
    location: 'eastus',
    identity: { type: 'SystemAssigned' },
    tags: { env: 'bench' },
    properties: {
      agentPublicKeyCertificate: (generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'pkcs1', format: 'der' }) as Buffer).toString('base64'),
      distribution: 'kind',
      infrastructure: 'generic',
    },
  });

  /** What `az k8s-extension create` sends (protected settings included). */
  readonly extensionBody = JSON.stringify({
    identity: { type: 'SystemAssigned' },
    properties: {
      extensionType: 'microsoft.azuremonitor.containers', releaseTrain: 'Stable', scope: { cluster: { releaseNamespace: 'azuremonitor' } },
      configurationSettings: { 'logAnalyticsWorkspaceResourceID': 'ws' }, configurationProtectedSettings: { 'omsagent.secret.key': 'bench-secret' },
    },
  });

  readonly groupGet = `${group('bench')}?${GROUP_API}`;
  readonly extensionGet = `${extensions}/bench-extension?${EXTENSION_API}`;
  readonly clusterGet = `${clusters('bench')}/bench-cluster?${CLUSTER_API}`;
  readonly listWalk = `${clusters('bench-list')}?${CLUSTER_API}`;
  private creates = 0;

  constructor(private readonly load: LoadGenerator, private readonly options: BenchOptions) {}

  job(server: ServerUnderTest, fields: Partial<LoadJob> & Pick<LoadJob, 'path'>): LoadJob {
    return {
      origin: server.origin, ca: server.ca, method: 'GET', headers: this.headers, concurrency: 1,
      warmupMs: this.options.warmupMs, durationMs: this.options.durationMs, expectStatus: [200], ...fields,
    };
  }

  /** Path template for extension creates on the seeded cluster: a name prefix of their own, so every PUT creates. */
  extensionCreatePath(): string {
    return `${extensions}/e${this.creates++}-{n}?${EXTENSION_API}`;
  }

  /** Path template for creates: a group and name prefix of their own, so every PUT creates. */
  createPath(groupName = 'bench-put'): string {
    return `${clusters(groupName)}/c${this.creates++}-{n}?${CLUSTER_API}`;
  }

  /**
   * The state every scenario reads: groups, one cluster to GET, `listItems` clusters to walk.
   * `documents` are the bodies PUT: what a client sends for Arclight; for the express
   * reference, the documents Arclight answered with, so both serve the same bytes.
   */
  async seed(server: ServerUnderTest, documents: { group: string; cluster: string; extension: string }): Promise<void> {
    const put = (path: string, body: string, count = 1) =>
      this.run(this.job(server, { method: 'PUT', path, body, count, concurrency: 4, expectStatus: [200, 201] }));
    for (const name of ['bench', 'bench-put', 'bench-list']) await put(`${group(name)}?${GROUP_API}`, documents.group);
    await put(this.clusterGet, documents.cluster);
    await put(`${clusters('bench-list')}/item-{n}?${CLUSTER_API}`, documents.cluster, this.options.listItems);
    await put(this.extensionGet, documents.extension);
  }

  /** What a client sends to create a group and a cluster. */
  get clientDocuments(): { group: string; cluster: string; extension: string } {
    return { group: '{"location":"eastus"}', cluster: this.clusterBody, extension: this.extensionBody };
  }

  /** The group and cluster as Arclight answers a GET of them. */
  async answers(arclight: ServerUnderTest): Promise<{ group: string; cluster: string; extension: string }> {
    const body = async (path: string) => {
      const res = await get(arclight.origin, arclight.ca, path, this.headers);
      if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${res.text}`);
      return res.text;
    };
    return { group: await body(this.groupGet), cluster: await body(this.clusterGet), extension: await body(this.extensionGet) };
  }

  async run(job: LoadJob): Promise<LoadResult> {
    const result = await this.load.run(job);
    if (job.count !== undefined && result.errors) throw new Error(`${job.method} ${job.path} against ${job.origin}: ${result.firstError}`);
    return result;
  }
}

export interface Measurement {
  scenario: string;
  concurrency: number;
  server: string;
  result: LoadResult;
}

/** One job against each server, in turn. */
export async function compare(
  work: Workload, servers: ServerUnderTest[], scenario: string, concurrency: number, fields: (s: ServerUnderTest) => Partial<LoadJob> & Pick<LoadJob, 'path'>,
): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (const server of servers) {
    const result = await work.run(work.job(server, { concurrency, ...fields(server) }));
    out.push({ scenario, concurrency, server: server.name, result });
  }
  return out;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/**
 * Milliseconds from spawning Arclight to its first 200 on /_arclight/ready, and to its first
 * ARM answer (a resource-group list, which loads openapi-backend and builds a definition):
 * medians, and every run.
 */
export async function coldStart(runs: number, headers: Record<string, string>): Promise<{ readyMs: number; firstArmMs: number; runs: Array<[number, number]> }> {
  const all: Array<[number, number]> = [];
  const since = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
  for (let i = 0; i < runs; i++) {
    const server = await startArclight();
    while ((await get(server.origin, server.ca, '/_arclight/ready')).status !== 200) { /* poll until ready */ }
    const ready = since(server.startedAt);
    const arm = await get(server.origin, server.ca, `/subscriptions/${SUBSCRIPTION}/resourcegroups?${GROUP_API}`, headers);
    if (arm.status !== 200) throw new Error(`first ARM request: ${arm.status} ${arm.text}`);
    all.push([ready, since(server.startedAt)]);
    await server.stop();
  }
  return { readyMs: median(all.map(([r]) => r)), firstArmMs: median(all.map(([, f]) => f)), runs: all };
}

/**
 * The bare-node reference's cold start, measured as Arclight's is: from spawning it to its
 * first answer of a resource-group GET (with the fixtures it answers from), median of `runs`.
 */
export async function referenceColdStartMs(runs: number, tls: ReturnType<typeof referenceTls>, pageSize: number, fixtures: BareFixtures): Promise<number> {
  const all: number[] = [];
  for (let i = 0; i < runs; i++) {
    const started = process.hrtime.bigint();
    const bare = await startReference('bare', tls, pageSize);
    await bare.setFixtures(fixtures);
    const res = await get(bare.origin, bare.ca, `${group('bench')}?${GROUP_API}`);
    if (res.status !== 200) throw new Error(`bare reference: ${res.status}`);
    all.push(Number(process.hrtime.bigint() - started) / 1e6);
    await bare.stop();
  }
  return median(all);
}

/** RSS of a fresh server after `creates` connected-cluster creates (8 connections). */
export async function memoryAfterCreates(work: Workload, server: ServerUnderTest, creates: number): Promise<number> {
  await work.run(work.job(server, { method: 'PUT', path: `${group('bench-memory')}?${GROUP_API}`, body: '{"location":"eastus"}', count: 1, expectStatus: [200, 201] }));
  await work.run(work.job(server, { method: 'PUT', path: work.createPath('bench-memory'), body: work.clusterBody, count: creates, concurrency: 8, expectStatus: [201] }));
  return rssMiB(server.pid);
}


/**
 * Creates in batches of `batch` against a server whose agents are simulated (each create's
 * completion fetches a certificate and registers the cluster identity): the seconds of each
 * batch, so that a cost growing with what is stored shows as later batches getting slower.
 */
export async function createBatchSeconds(work: Workload, server: ServerUnderTest, total: number, batch: number): Promise<number[]> {
  await work.run(work.job(server, { method: 'PUT', path: `${group('bench-agents')}?${GROUP_API}`, body: '{"location":"eastus"}', count: 1, expectStatus: [200, 201] }));
  const seconds: number[] = [];
  for (let done = 0; done < total; done += batch) {
    const started = process.hrtime.bigint();
    await work.run(work.job(server, { method: 'PUT', path: work.createPath('bench-agents'), body: work.clusterBody, count: batch, concurrency: 8, expectStatus: [201] }));
    seconds.push(Number(process.hrtime.bigint() - started) / 1e9);
  }
  return seconds;
}
