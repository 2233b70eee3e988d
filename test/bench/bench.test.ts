/**
 * The benchmark's own parts, so `npm run bench` cannot rot unnoticed: the load generator
 * (counted and timed runs, list walks through nextLink, errors reported) against Arclight over
 * HTTPS, and both reference servers answering the same workload.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import * as fs from 'fs';
import type { AddressInfo } from 'net';
import type { Server } from 'https';
import { LoadJob, percentile, runJob } from '../../bench/loadGenerator';
import { referenceTls } from '../../bench/processes';
import { bareServer, expressServer } from '../../bench/referenceServers';
import { bearer, SUB, testServer, TestServer } from '../support/arclight';
import { clusterBody } from '../support/clusters';
import { templateDeploymentMs } from '../../bench/templateDeployment';
import { createsWithSubscribers } from '../../bench/eventSubscribers';
import { sdkCreateAndWaitMs, threePutsMs } from '../../bench/sdkCreateAndWait';
import { Workload, type BenchOptions } from '../../bench/scenarios';
import type { LoadGenerator } from '../../bench/processes';

const GROUP = `/subscriptions/${SUB}/resourceGroups/bench-test`;
const CLUSTERS = `${GROUP}/providers/Microsoft.Kubernetes/connectedClusters`;
const API = 'api-version=2024-01-01';

/** The items of a list, every nextLink followed. */
async function countAll(server: TestServer, path: string): Promise<number> {
  let count = 0;
  for (let next: string | undefined = path; next;) {
    const res: request.Response = await request(server.app).get(next).set('Authorization', bearer()).expect(200);
    count += res.body.value.length;
    next = res.body.nextLink ? new URL(res.body.nextLink).pathname + new URL(res.body.nextLink).search : undefined;
  }
  return count;
}

describe('bench', () => {
  it('takes nearest-rank percentiles', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    assert.equal(percentile(sorted, 50), 5);
    assert.equal(percentile(sorted, 99), 10);
    assert.equal(percentile(Float64Array.from([7]), 99), 7);
    assert.ok(Number.isNaN(percentile(new Float64Array(0), 50)));
  });

  /** Runs the same small workload the bench runs: a group, 5 clusters, a walk over 3 pages, a timed GET. */
  async function workload(origin: string, ca: string, groupBody: string, cluster: string) {
    const job = (fields: Partial<LoadJob> & Pick<LoadJob, 'path'>): LoadJob => ({
      origin, ca, method: 'GET', headers: { Authorization: bearer(), 'Content-Type': 'application/json' }, concurrency: 2,
      warmupMs: 0, expectStatus: [200], ...fields,
    });
    const group = await runJob(job({ method: 'PUT', path: `${GROUP}?api-version=2021-04-01`, body: groupBody, count: 1, expectStatus: [200, 201] }));
    assert.equal(group.errors, 0, group.firstError);
    const creates = await runJob(job({ method: 'PUT', path: `${CLUSTERS}/c-{n}?${API}`, body: cluster, count: 5, expectStatus: [201] }));
    assert.deepEqual([creates.operations, creates.requests, creates.errors], [5, 5, 0], creates.firstError);
    const walk = await runJob(job({ path: `${CLUSTERS}?${API}`, walkItems: 5, count: 2 }));
    assert.deepEqual([walk.operations, walk.requests, walk.errors], [2, 6, 0], walk.firstError);
    const timed = await runJob(job({ path: `${CLUSTERS}/c-3?${API}`, warmupMs: 20, durationMs: 150 }));
    assert.equal(timed.errors, 0, timed.firstError);
    assert.ok(timed.operations > 0 && timed.perSecond > 0);
    assert.ok(timed.p50Ms > 0 && timed.p50Ms <= timed.p99Ms);
    return job;
  }

  describe('against Arclight', () => {
    let server: TestServer;
    before(async () => {
      server = await testServer({ pageSize: 2 });
    });
    after(() => server.stop());

    it('creates, walks every page and measures timed runs', async () => {
      const job = await workload(server.url, server.caCertPem, '{"location":"eastus"}', JSON.stringify(clusterBody()));
      const wrong = await runJob(job({ path: `${CLUSTERS}?${API}`, walkItems: 6, count: 1 }));
      assert.equal(wrong.errors, 1);
      assert.match(wrong.firstError!, /5 items, expected 6/);
      const missing = await runJob(job({ path: `${CLUSTERS}/nope?${API}`, count: 1 }));
      assert.equal(missing.errors, 1);
      assert.match(missing.firstError!, /: 404 .*ResourceNotFound/);
    });

    it('creates clusters with and without subscribers of the event stream, counting what they miss', async () => {
      const options = { warmupMs: 0, durationMs: 0, listItems: 0 } as unknown as BenchOptions;
      const work = new Workload({ run: runJob } as unknown as LoadGenerator, options);
      const heard = await createsWithSubscribers(work, { name: 'Arclight', origin: server.url, ca: server.caCertPem, pid: process.pid, stop: async () => undefined }, 5, 3);
      assert.equal(heard.lost, 0);
      assert.ok(heard.withoutSeconds > 0 && heard.withSeconds > 0);
    });

    it('times a cluster, an extension and a flux configuration created with the SDK and waited for, and three bare PUTs', async () => {
      const target = { name: 'Arclight', origin: server.url, ca: server.caCertPem, pid: process.pid, stop: async () => undefined };
      assert.ok(await sdkCreateAndWaitMs(target, 1) > 0);
      const work = new Workload({ run: runJob } as unknown as LoadGenerator, { warmupMs: 0, durationMs: 0, listItems: 0 } as unknown as BenchOptions);
      await request(server.app).put(`/subscriptions/${SUB}/resourceGroups/bench?api-version=2021-04-01`).set('Authorization', bearer()).send({ location: 'eastus' }).expect(201);
      assert.ok(await threePutsMs(target, work, 1) > 0);
      const flux = `/subscriptions/${SUB}/resourceGroups/bench-sdk-wait-0/providers/Microsoft.Kubernetes/connectedClusters/arc/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/gitops?api-version=2023-05-01`;
      assert.equal((await request(server.app).get(flux).set('Authorization', bearer()).expect(200)).body.properties.provisioningState, 'Succeeded');
    });

    it('deploys the 100-resource template and creates the same resources by 100 SDK calls', async () => {
      const times = await templateDeploymentMs({ name: 'Arclight', origin: server.url, ca: server.caCertPem, pid: process.pid, stop: async () => undefined }, 1);
      assert.equal(times.runs.length, 1);
      assert.ok(times.deploymentMs > 0 && times.sdkCallsMs > 0);
      for (const group of ['bench-sdk-0', 'bench-template-0']) {
        const cluster = `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.Kubernetes/connectedClusters/arc`;
        for (const [type, api] of [['extensions', '2023-05-01'], ['fluxConfigurations', '2023-05-01'], ['sourceControlConfigurations', '2023-05-01']]) {
          assert.equal(await countAll(server, `${cluster}/providers/Microsoft.KubernetesConfiguration/${type}?api-version=${api}`), 33, `${group}: ${type}`);
        }
      }
    });
  });

  describe('reference servers', () => {
    let tls: ReturnType<typeof referenceTls>;
    let cert: string;
    let key: string;
    const servers: Server[] = [];
    before(() => {
      tls = referenceTls();
      cert = fs.readFileSync(tls.certFile, 'utf8');
      key = fs.readFileSync(tls.keyFile, 'utf8');
    });
    after(() => {
      for (const s of servers) s.close();
      fs.rmSync(tls.dir, { recursive: true, force: true });
    });
    const listen = async (server: Server) => {
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      return `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
    };

    it('express+sqlite stores what it is given and pages it by keyset', async () => {
      const server = expressServer(cert, key, 2);
      servers.push(server);
      const document = JSON.stringify({ location: 'eastus', properties: { provisioningState: 'Succeeded' } });
      await workload(await listen(server), tls.ca, '{"location":"eastus"}', document);
    });

    it('bare https answers fixed documents, with the same paging', async () => {
      const document = JSON.stringify({ id: 'x', properties: {} });
      const server = bareServer(cert, key, () => ({ groupBody: '{"name":"g"}', clusterBody: document, extensionBody: '{"name":"e"}', listItems: 5, pageSize: 2 }));
      servers.push(server);
      await workload(await listen(server), tls.ca, '{"location":"eastus"}', document);
    });
  });
});
