/**
 * One fuzz pass: a real Arclight over HTTPS, fixtures, the seeded cases sent 16 at a time on
 * a keep-alive agent, the sequential clock and registration cases, then the verdicts: every
 * answer judged (verdicts.ts), failures the server logged, ARM answers checked against their
 * spec, the server still alive, memory bounded, and enough of the cases reaching handlers that
 * the pass tests more than request validation.
 */
import * as https from 'https';
import * as v8 from 'v8';
import * as vm from 'vm';
import { startArclight, RunningArclight } from '../../server/arclight';
import type { ArclightOptions } from '../../server/arclight';
import { createFixtures, Fixtures } from './fixtures';
import { FuzzCase, Outcome, send, sendAll, Target } from './httpClient';
import { Rng } from './random';
import type { Hints } from './schemaValues';
import { bodyLimitCases, clockCases, registrationCases } from './sequentialCases';
import { CaseBudget, CaseContext, specCases } from './specCases';
import { agentOperations, armOperations, SpecOperation } from './specOperations';
import { SurfaceCounts, surfaceCases } from './surfaceCases';
import { loggedFailures, offences, report, shortFrame } from './verdicts';

export interface PassOptions {
  seed: number;
  label: string;
  server: Pick<ArclightOptions, 'auth' | 'agents'>;
  budget: CaseBudget;
  surfaces: SurfaceCounts;
  concurrency: number;
  timeoutMs: number;
}

export interface PassResult {
  requests: number;
  seconds: number;
  /** Every problem found, as report sections; empty when the pass is clean. */
  problems: string[];
  /** How each (surface, kind) was answered: status -> count. What FUZZ_VERBOSE prints. */
  statuses: Map<string, Map<number, number>>;
  /** Growth over the run, in MiB (heap after a forced GC; undefined when GC could not be forced). */
  memory: { rss: number; heap?: number };
}

const MiB = 1024 * 1024;
/**
 * The resident memory a pass may add. Its 15,000 requests send bodies up to the 4 MiB limit, and
 * the allocator keeps much of what they used: a pass adds about 260 MiB alone and 300-360 MiB
 * after the rest of the suite (measured with every api-version and surface served), and 486 MiB
 * once in a clean-clone CI run with the template spec documents added: RSS measures the
 * allocator more than Arclight. The heap's growth, below, is the tighter check of what Arclight
 * itself holds on to.
 */
const RSS_GROWTH_LIMIT = 600 * MiB;
const HEAP_GROWTH_LIMIT = 150 * MiB;
/** Share of the plausible ARM requests that must succeed: below it the generator mostly exercises validation. */
const MIN_PLAUSIBLE_SUCCESS = 0.3;

/** Values that get sampled bodies past validation to the handlers' own rules. */
function hints(fx: Fixtures): Hints {
  return {
    location: (r) => r.pick(['eastus', 'eastus', 'eastus', 'westeurope', 'EastUS']),
    agentPublicKeyCertificate: (r) => (r.chance(0.8) ? fx.onboardingKeyPkcs1 : r.word()),
    extensionType: (r) => r.pick(['microsoft.azuremonitor.containers', 'microsoft.flux', 'Microsoft.Dapr']),
    url: () => 'https://github.com/Azure/arc-k8s-demo',
    repositoryUrl: (r) => r.pick(['git@github.com:Azure/arc-k8s-demo.git', 'https://github.com/Azure/arc-k8s-demo']),
    clusterId: (r) => (r.chance(0.8) ? fx.agentClusterId : fx.clusterId),
    proof: (r) => (r.chance(0.5) ? fx.validProof : 'a.b.c'),
    kubernetesVersion: () => '1.29.4',
    agentVersion: () => '1.21.0',
    namespace: () => 'cluster-config',
    releaseTrain: () => 'stable',
    version: () => '1.0.0',
  };
}

function caseContext(fx: Fixtures): CaseContext {
  return {
    fixtures: fx,
    hints: hints(fx),
    authorization: (credential) => (credential === 'arm' ? fx.armAuthorization() : credential === 'cluster' ? fx.clusterAuthorization : undefined),
  };
}

/** Every operation's cases, each from its own stream of the seed: deterministic, and independent of the others. */
function generate(ops: SpecOperation[], fx: Fixtures, rng: Rng, o: PassOptions): FuzzCase[] {
  const ctx = caseContext(fx);
  const cases = ops.flatMap((op) => specCases(op, ctx, rng.fork(op.origin + op.template), o.budget));
  cases.push(...surfaceCases(fx, rng.fork('surfaces'), o.surfaces));
  // Interleaved, so concurrent requests hit different handlers and resources.
  return rng.fork('order').sample(cases, cases.length);
}

/** A forced garbage collection: global.gc under --expose-gc, else the same function obtained at run time. */
function garbageCollector(): (() => void) | undefined {
  const exposed = (globalThis as { gc?: () => void }).gc;
  if (typeof exposed === 'function') return exposed;
  try {
    v8.setFlagsFromString('--expose-gc');
    return vm.runInNewContext('gc') as () => void;
  } catch {
    return undefined;
  }
}

function memory(gc: (() => void) | undefined): Memory {
  gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/** ARM answers that do not validate against their operation's response schema, grouped. */
function collectSpecViolations(server: RunningArclight): Map<string, number> {
  const found = new Map<string, number>();
  server.services.onArmResponse = (r) => {
    const status = Number(r.schemaStatus ?? r.status);
    const errors = r.definition.validateResponse(r.operation, status, r.body);
    if (!errors) return;
    const key = `${r.operation.operationId} (${r.definition.key}) ${status}: ${errors.slice(0, 2).map((e) => `${e.instancePath} ${e.message}`).join('; ')}`;
    found.set(key, (found.get(key) ?? 0) + 1);
  };
  return found;
}

/** The server answers its health check and ARM reads of what the fixtures created. */
async function livenessProblems(target: Target, fx: Fixtures): Promise<string[]> {
  const problems: string[] = [];
  const auth = { Authorization: fx.armAuthorization() };
  const checks: Array<[string, string, Record<string, string>]> = [
    ['health', '/_arclight/health', {}],
    ['resource group GET', `/subscriptions/${fx.subscriptionId}/resourcegroups/${fx.groups.keep[0]}?api-version=2022-09-01`, auth],
    ['cluster GET', `${fx.clusterId}?api-version=2024-01-01`, auth],
  ];
  for (const [what, path, headers] of checks) {
    const o = await send(target, { surface: 'arm', kind: 'liveness', origin: 'liveness', method: 'GET', path, headers });
    if (o.status !== 200) problems.push(`  ${what} after the run: ${o.failure ?? `${o.status} ${o.body.toString('utf8').slice(0, 300)}`}`);
  }
  return problems;
}

/**
 * Evidence that the pass tests more than the gateway's validation: each surface answered
 * some requests with success, and plausible ARM requests mostly got past validation.
 */
function reachProblems(cases: FuzzCase[], outcomes: Outcome[], ops: SpecOperation[]): string[] {
  const problems: string[] = [];
  const ok = (o: Outcome) => o.status >= 200 && o.status < 300;
  for (const surface of new Set(cases.map((c) => c.surface))) {
    if (!cases.some((c, i) => c.surface === surface && ok(outcomes[i]))) problems.push(`  no ${surface} request succeeded: the fixtures or credentials are broken`);
  }
  const sentOrigins = new Set(cases.map((c) => c.origin));
  const unsent = ops.filter((op) => !sentOrigins.has(op.origin));
  if (unsent.length) problems.push(`  operations never requested: ${unsent.map((op) => op.origin).join(', ')}`);
  // Arclight has no management groups: requests at their scope are refused by design (README).
  const plausible = cases.map((c, i) => [c, outcomes[i]] as const)
    .filter(([c]) => c.surface === 'arm' && c.kind === 'plausible' && !/\/providers\/Microsoft\.Management\/managementGroups\//i.test(c.path));
  const succeeded = plausible.filter(([, o]) => ok(o)).length;
  if (plausible.length && succeeded / plausible.length < MIN_PLAUSIBLE_SUCCESS) {
    problems.push(`  only ${succeeded} of ${plausible.length} plausible ARM requests succeeded (at least ${MIN_PLAUSIBLE_SUCCESS * 100}% expected): the generator mostly tests validation`);
  }
  return problems;
}


/** How each (surface, kind) was answered: status -> count. */
function statusTable(cases: FuzzCase[], outcomes: Outcome[]): Map<string, Map<number, number>> {
  const table = new Map<string, Map<number, number>>();
  cases.forEach((c, i) => {
    const key = `${c.surface} ${c.kind.startsWith('clock-probe:') ? 'clock-probe' : c.kind}`;
    const row = table.get(key) ?? new Map<number, number>();
    row.set(outcomes[i].status, (row.get(outcomes[i].status) ?? 0) + 1);
    table.set(key, row);
  });
  return table;
}

function section(title: string, lines: string[]): string[] {
  return lines.length ? [`${title}\n${lines.join('\n')}`] : [];
}

/**
 * Promise rejections nobody handles, while the pass runs. Under mocha they are only reported;
 * the arclight executable (plain Node) exits on the first one, so each is a way to stop the server.
 */
function collectUnhandledRejections(): { found: Map<string, number>; stop(): void } {
  const found = new Map<string, number>();
  const listener = (reason: unknown) => {
    const err = reason as Error;
    const frame = String(err?.stack ?? '').split('\n').find((l) => /\/server\//.test(l)) ?? '';
    const key = `${String(err?.message ?? reason).slice(0, 140)}${frame ? `  @ ${shortFrame(frame)}` : ''}`;
    found.set(key, (found.get(key) ?? 0) + 1);
  };
  process.on('unhandledRejection', listener);
  return { found, stop: () => process.off('unhandledRejection', listener) };
}

/**
 * Idle sockets are dropped after 3 s, before the server's 5 s keep-alive timeout closes them:
 * reusing a socket the server is closing at that moment would look like a reset by the server.
 */
const keepAliveAgent = (ca: string, sockets: number) => new https.Agent({ ca, keepAlive: true, maxSockets: sockets, timeout: 3000 });

interface Memory {
  rss: number;
  heapUsed: number;
}

function memoryProblems(before: Memory, after: Memory, gcForced: boolean): string[] {
  const problems: string[] = [];
  if (after.rss - before.rss > RSS_GROWTH_LIMIT) problems.push(`  rss grew by ${Math.round((after.rss - before.rss) / MiB)} MiB (limit ${RSS_GROWTH_LIMIT / MiB})`);
  if (gcForced && after.heapUsed - before.heapUsed > HEAP_GROWTH_LIMIT) problems.push(`  heap grew by ${Math.round((after.heapUsed - before.heapUsed) / MiB)} MiB after GC (limit ${HEAP_GROWTH_LIMIT / MiB})`);
  return problems;
}

/** "Nx what" lines, most frequent first. */
const counted = (found: Map<string, number>) => [...found].sort((a, b) => b[1] - a[1]).map(([what, n]) => `  ${n}x ${what}`);

/** The concurrent batch, then the cases that must go one at a time (sequentialCases.ts). */
async function sendEverything(server: RunningArclight, target: Target, fx: Fixtures, batch: FuzzCase[], concurrency: number) {
  const cases = [...batch];
  const outcomes = await sendAll(target, batch, concurrency);
  for (const sent of [await clockCases(server, target, fx), await registrationCases(target, fx), await bodyLimitCases(target, fx)]) {
    cases.push(...sent.cases);
    outcomes.push(...sent.outcomes);
  }
  return { cases, outcomes };
}

export async function runPass(o: PassOptions): Promise<PassResult> {
  const logs: string[] = [];
  const rejections = collectUnhandledRejections();
  const server = await startArclight({ inMemory: true, port: 0, logLevel: 'warn', logSink: (line) => logs.push(line), ...o.server });
  const setupAgent = keepAliveAgent(server.caCertPem, o.concurrency);
  let target: Target = { host: '127.0.0.1', port: server.port, ca: server.caCertPem, agent: setupAgent, timeoutMs: o.timeoutMs };
  const violations = collectSpecViolations(server);
  try {
    const fx = await createFixtures(server, target, o.server.auth === 'strict' ? 'strict' : 'lenient');
    const ops = [...armOperations(server.services.catalog, (key) => server.services.handlers.get(key) !== undefined), ...agentOperations()];
    const batch = generate(ops, fx, new Rng(o.seed), o);
    // A fresh agent: while the cases were generated (synchronously) the server may have closed
    // the setup's idle connections, and reusing one of those would look like a reset by the server.
    setupAgent.destroy();
    target = { ...target, agent: keepAliveAgent(server.caCertPem, o.concurrency) };
    const gc = garbageCollector();
    const before = memory(gc);
    const started = Date.now();
    const { cases, outcomes } = await sendEverything(server, target, fx, batch, o.concurrency);
    const seconds = (Date.now() - started) / 1000;
    const alive = await livenessProblems(target, fx);
    const after = memory(gc);

    const found = offences(cases, outcomes);
    const problems = [
      ...section(`Answers that fail a check (${found.length}):`, found.length ? [report(found)] : []),
      ...section('Failures the server logged (unexpected errors behind 500s, and those with no answer to show, e.g. aborted bodies):', counted(loggedFailures(logs))),
      ...section('Unhandled promise rejections (the arclight executable exits on the first one):', counted(rejections.found)),
      ...section('ARM answers that do not match their spec:', counted(violations)),
      ...section('The server after the run:', alive),
      ...section('Memory:', memoryProblems(before, after, !!gc)),
      ...section('Reach:', reachProblems(cases, outcomes, ops)),
    ];
    const growth = { rss: Math.round((after.rss - before.rss) / MiB), heap: gc ? Math.round((after.heapUsed - before.heapUsed) / MiB) : undefined };
    return { requests: cases.length, seconds, problems, statuses: statusTable(cases, outcomes), memory: growth };
  } finally {
    server.services.onArmResponse = undefined;
    setupAgent.destroy();
    target.agent.destroy();
    await server.stop();
    rejections.stop();
  }
}
