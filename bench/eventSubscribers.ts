/**
 * The live event stream under load: `creates` connectedClusters creates (8 connections) with
 * nobody listening, then as many more while `subscribers` clients read GET /_arclight/events;
 * the second batch's time over the first's, and how many resource.created events of the second
 * batch did not reach every subscriber (none may be lost).
 */
import * as https from 'https';
import type { ServerUnderTest } from './processes';
import { SUBSCRIPTION, Workload } from './scenarios';

const GROUP_API = 'api-version=2021-04-01';
const CLUSTER_API = 'api-version=2024-01-01';
/** How long the subscribers may take to read what is already sent, once the creates are done. */
const DRAIN_MS = 30_000;

const groupPath = (name: string) => `/subscriptions/${SUBSCRIPTION}/resourceGroups/${name}`;

interface Subscriber {
  created: Set<string>;
  close(): void;
}

/** One client of the stream, counting the resource.created events of clusters in `group`. */
function subscribe(server: ServerUnderTest, group: string): Promise<Subscriber> {
  const marker = `/resourcegroups/${group}/`;
  return new Promise((resolve, reject) => {
    const created = new Set<string>();
    const req = https.get(`${server.origin}/_arclight/events?types=resource.created`, { ca: server.ca }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        let end: number;
        while ((end = text.indexOf('\n\n')) >= 0) {
          const data = /^data: (.*)$/m.exec(text.slice(0, end))?.[1];
          text = text.slice(end + 2);
          if (!data) continue;
          const id = String((JSON.parse(data) as { id: string }).id).toLowerCase();
          if (id.includes(marker)) created.add(id);
        }
      });
      resolve({ created, close: () => req.destroy() });
    });
    req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
  });
}

export interface SubscriberRun {
  withoutSeconds: number;
  withSeconds: number;
  lost: number;
}

export async function createsWithSubscribers(work: Workload, server: ServerUnderTest, creates: number, subscribers: number): Promise<SubscriberRun> {
  const batch = async (group: string) => {
    await work.run(work.job(server, { method: 'PUT', path: `${groupPath(group)}?${GROUP_API}`, body: '{"location":"eastus"}', count: 1, expectStatus: [200, 201] }));
    const started = process.hrtime.bigint();
    await work.run(work.job(server, {
      method: 'PUT', path: `${groupPath(group)}/providers/Microsoft.Kubernetes/connectedClusters/c-{n}?${CLUSTER_API}`, body: work.clusterBody, count: creates, concurrency: 8, expectStatus: [201],
    }));
    return Number(process.hrtime.bigint() - started) / 1e9;
  };
  const withoutSeconds = await batch('bench-events-quiet');
  const clients = await Promise.all(Array.from({ length: subscribers }, () => subscribe(server, 'bench-events-heard')));
  try {
    const withSeconds = await batch('bench-events-heard');
    const deadline = Date.now() + DRAIN_MS;
    while (clients.some((c) => c.created.size < creates) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    const lost = clients.reduce((n, c) => n + (creates - c.created.size), 0);
    return { withoutSeconds, withSeconds, lost };
  } finally {
    for (const c of clients) c.close();
  }
}
