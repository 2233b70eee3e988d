/**
 * The load generator: closed-loop HTTPS clients over keep-alive connections, one per unit of
 * concurrency. It runs in its own process (forked by the bench, jobs and results over IPC) so
 * it never shares an event loop with the server under test, and the same code drives all three
 * servers. runJob() is exported for the bench's own test.
 */
import * as https from 'https';

export interface LoadJob {
  /** https://host:port of the server under test. */
  origin: string;
  /** PEM of the CA that signed the server's certificate. */
  ca: string;
  method: 'GET' | 'PUT';
  /** Path and query; `{n}` becomes a number unique within the job (distinct names for creates). */
  path: string;
  body?: string;
  headers: Record<string, string>;
  /** Connections, each with one request in flight. */
  concurrency: number;
  /** Operations run and discarded first (JIT, connection set-up). */
  warmupMs: number;
  /** Measure for this long... */
  durationMs?: number;
  /** ...or run exactly this many operations (no warm-up). */
  count?: number;
  /** Statuses that count as success; anything else is an error. */
  expectStatus: number[];
  /** One operation is a walk of a list: GET `path`, then every nextLink, expecting this many items in all. */
  walkItems?: number;
}

export interface LoadResult {
  /** Completed operations in the measured phase (requests, or walks for list jobs). */
  operations: number;
  requests: number;
  errors: number;
  seconds: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** The first unexpected answer, to show why a run failed. */
  firstError?: string;
}

interface Answer {
  status: number;
  text?: string;
}

function send(agent: https.Agent, url: URL, job: LoadJob, path: string, readBody: boolean): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      { agent, host: url.hostname, port: url.port, method: job.method, path, headers: job.headers },
      (res) => {
        const status = res.statusCode ?? 0;
        if (!readBody && job.expectStatus.includes(status)) {
          res.resume();
          res.on('end', () => resolve({ status }));
          return;
        }
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status, text: Buffer.concat(chunks).toString('utf8') }));
      },
    );
    req.on('error', reject);
    req.end(job.body);
  });
}

/** Nearest-rank percentile of sorted values. */
export function percentile(sorted: Float64Array, p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

/** Latencies in milliseconds, in a growable typed array (no per-sample allocation). */
class Samples {
  private data = new Float64Array(1 << 16);
  length = 0;

  add(ms: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = ms;
  }

  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

export async function runJob(job: LoadJob): Promise<LoadResult> {
  const origin = new URL(job.origin);
  const agent = new https.Agent({ keepAlive: true, maxSockets: job.concurrency, ca: job.ca });
  let counter = 0;
  let requests = 0;
  let errors = 0;
  let firstError: string | undefined;
  const fail = (what: string) => {
    errors++;
    firstError ??= what;
  };

  /** One operation: a request, or a whole list walk. Resolves false on an unexpected answer. */
  const operation = async (): Promise<boolean> => {
    const path = job.path.replace('{n}', String(counter++));
    if (job.walkItems === undefined) {
      requests++;
      const answer = await send(agent, origin, job, path, false);
      if (!job.expectStatus.includes(answer.status)) {
        fail(`${job.method} ${path}: ${answer.status} ${answer.text?.slice(0, 300) ?? ''}`);
        return false;
      }
      return true;
    }
    let next: string | undefined = path;
    let items = 0;
    while (next) {
      requests++;
      const answer = await send(agent, origin, job, next, true);
      if (!job.expectStatus.includes(answer.status)) {
        fail(`GET ${next}: ${answer.status} ${answer.text?.slice(0, 300) ?? ''}`);
        return false;
      }
      const page = JSON.parse(answer.text!) as { value: unknown[]; nextLink?: string };
      items += page.value.length;
      next = page.nextLink ? nextPath(page.nextLink) : undefined;
    }
    if (items !== job.walkItems) {
      fail(`walk of ${path}: ${items} items, expected ${job.walkItems}`);
      return false;
    }
    return true;
  };

  const loop = async (until: () => boolean, samples?: Samples): Promise<void> => {
    while (!until()) {
      const started = process.hrtime.bigint();
      let ok = false;
      try {
        ok = await operation();
      } catch (err) {
        fail(`${job.method} ${job.path}: ${(err as Error).message}`);
      }
      if (ok && samples) samples.add(Number(process.hrtime.bigint() - started) / 1e6);
    }
  };
  const workers = (until: () => boolean, samples?: Samples) => Promise.all(Array.from({ length: job.concurrency }, () => loop(until, samples)));

  const samples = new Samples();
  let measuredFrom: bigint;
  if (job.count !== undefined) {
    let started = 0;
    measuredFrom = process.hrtime.bigint();
    await workers(() => started++ >= job.count!, samples);
  } else {
    const warmupEnd = Date.now() + job.warmupMs;
    await workers(() => Date.now() >= warmupEnd);
    requests = 0;
    errors = 0;
    firstError = undefined;
    const end = Date.now() + (job.durationMs ?? 3000);
    measuredFrom = process.hrtime.bigint();
    await workers(() => Date.now() >= end, samples);
  }
  const seconds = Number(process.hrtime.bigint() - measuredFrom) / 1e9;
  agent.destroy();
  const sorted = samples.sorted();
  return {
    operations: sorted.length,
    requests,
    errors,
    seconds,
    perSecond: sorted.length / seconds,
    p50Ms: percentile(sorted, 50),
    p99Ms: percentile(sorted, 99),
    firstError,
  };
}

/** The path and query of an absolute nextLink (servers build it from the Host header). */
function nextPath(link: string): string {
  const url = new URL(link);
  return url.pathname + url.search;
}

// As a child process: one job per message, one result back.
if (require.main === module && process.send) {
  process.on('message', (message: { id: number; job: LoadJob }) => {
    runJob(message.job).then(
      (result) => process.send!({ id: message.id, result }),
      (err) => process.send!({ id: message.id, error: (err as Error).stack ?? String(err) }),
    );
  });
}
