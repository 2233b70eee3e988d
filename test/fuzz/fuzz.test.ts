/**
 * Seeded, spec-driven fuzzing of a real Arclight over HTTPS: thousands of requests derived
 * from every served operation (each api-version's ARM operations and the agent protocol) and
 * from the surfaces no spec describes (token service, managed identity, cloud metadata,
 * /_arclight), mutated in the ways broken clients and attackers mutate them. Bad input must
 * never get a 5xx, errors keep their documented envelopes, HEAD answers have no body, and the
 * server stays alive with bounded memory. See fuzzPass.ts for the checks, specCases.ts and
 * surfaceCases.ts for what is sent.
 *
 * Run just this file (after npm run build): npx mocha --no-config dist/test/fuzz/fuzz.test.js
 * (.mocharc.json's spec would add every other test). FUZZ_SEED=<seed> replays or varies a run;
 * FUZZ_VERBOSE=1 prints how each kind of request was answered.
 */
import { strict as assert } from 'assert';
import { PassOptions, PassResult, runPass } from './fuzzPass';

const DEFAULT_SEED = 0x5eed_a4c1;
const SEED = process.env.FUZZ_SEED ? Number(process.env.FUZZ_SEED) : DEFAULT_SEED;
const seedText = `0x${SEED.toString(16)}`;

/**
 * The main pass sends every case of every operation (one operation the same in several
 * api-versions counts once, its cases spread over those versions; see armOperations); the strict pass,
 * which mostly re-checks that refusals by the authenticator and simulated agents hold up, a
 * sample of 8 per operation. Together they take about 30 s on two cores.
 */
const LENIENT: PassOptions = {
  seed: SEED,
  label: 'lenient auth',
  server: {},
  budget: {},
  surfaces: { token: 350, discovery: 120, msi: 220, metadata: 60, admin: 160, agentPrototype: 40 },
  concurrency: 16,
  timeoutMs: 10_000,
};

const STRICT: PassOptions = {
  seed: SEED ^ 0x5771c7,
  label: 'strict auth, simulated agents',
  server: { auth: 'strict', agents: 'simulated' },
  budget: { perOperation: 8 },
  surfaces: { token: 100, discovery: 30, msi: 60, metadata: 20, admin: 50, agentPrototype: 20 },
  concurrency: 16,
  timeoutMs: 10_000,
};

const MIN_REQUESTS = 5000;

/** With FUZZ_VERBOSE set, how each kind of request was answered (to see what the fuzzer reaches). */
function printStatuses(o: PassOptions, result: PassResult): void {
  if (!process.env.FUZZ_VERBOSE) return;
  const rows = [...result.statuses].sort((a, b) => a[0].localeCompare(b[0]));
  console.log(`${o.label}: ${result.requests} requests in ${result.seconds.toFixed(1)} s; memory growth rss ${result.memory.rss} MiB, heap ${result.memory.heap ?? '?'} MiB\n${rows.map(([kind, row]) => `  ${kind.padEnd(48)} ${[...row].sort((a, b) => a[0] - b[0]).map(([s, n]) => `${s}:${n}`).join(' ')}`).join('\n')}`);
}

async function fuzz(o: PassOptions, minRequests: number): Promise<void> {
  const result = await runPass(o);
  printStatuses(o, result);
  assert.ok(result.requests >= minRequests, `${o.label}: only ${result.requests} requests were generated (at least ${minRequests} expected)`);
  if (result.problems.length) {
    assert.fail(`fuzz (${o.label}, seed ${seedText}${o.seed !== SEED ? ` (this pass derives 0x${(o.seed >>> 0).toString(16)} from it)` : ''}, ${result.requests} requests in ${result.seconds.toFixed(1)} s) found problems:\n\n${result.problems.join('\n\n')}\n`);
  }
}

describe('fuzz: seeded spec-driven requests never get a 5xx', function () {
  it(`lenient auth: at least ${MIN_REQUESTS} requests from every operation and surface (seed ${seedText})`, async function () {
    this.timeout(120_000);
    await fuzz(LENIENT, MIN_REQUESTS);
  });

  it(`strict auth with simulated agents: a sample of every operation's cases (seed ${seedText})`, async function () {
    this.timeout(60_000);
    await fuzz(STRICT, 1500);
  });
});
