/**
 * The dashboard's row (issue 14): N connected clusters created through ARM, then the page loaded
 * in chromium until it has painted them all (its `arclight-clusters-painted` mark, after the
 * frame that drew the clusters), in milliseconds from the navigation's start: signing in, the
 * ARM lists, the timelines and the drawing included.
 */
import type { ServerUnderTest } from './processes';
import { runJob } from './loadGenerator';
import { benchToken, SUBSCRIPTION } from './scenarios';
import { browserFor } from './browser';

const GROUP = `/subscriptions/${SUBSCRIPTION}/resourceGroups/bench-dashboard`;
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

export interface PaintTimes {
  clusters: number;
  paintMs: number;
  runs: number[];
}

export async function dashboardFirstPaintMs(server: ServerUnderTest, clusterBody: string, clusters: number, runs: number): Promise<PaintTimes> {
  const headers = { Authorization: `Bearer ${benchToken()}`, 'Content-Type': 'application/json' };
  const job = (path: string, body: string, count: number) => ({
    origin: server.origin, ca: server.ca, method: 'PUT' as const, path, body, headers, concurrency: 8, warmupMs: 0, count, expectStatus: [200, 201],
  });
  for (const [path, body, count] of [[`${GROUP}?api-version=2021-04-01`, JSON.stringify({ location: 'eastus' }), 1],
    [`${GROUP}/providers/Microsoft.Kubernetes/connectedClusters/c-{n}?api-version=2024-01-01`, clusterBody, clusters]] as const) {
    const result = await runJob(job(path, body, count));
    if (result.errors) throw new Error(`creating clusters for the dashboard bench: ${result.firstError}`);
  }
  const browser = await browserFor(server.origin, server.ca);
  try {
    const times: number[] = [];
    for (let i = 0; i < runs; i++) {
      const page = await browser.newPage();
      await page.goto(`${server.origin}/_arclight/ui`);
      const handle = await page.waitForFunction(() => performance.getEntriesByName('arclight-clusters-painted')[0]?.startTime, undefined, { timeout: 30_000 });
      const drawn = await page.locator('tr[data-id]').count();
      if (drawn !== clusters) throw new Error(`the dashboard drew ${drawn} clusters, not ${clusters}`);
      times.push(Number(await handle.jsonValue()));
      await page.close();
    }
    return { clusters, paintMs: median(times), runs: times };
  } finally {
    await browser.close();
  }
}
