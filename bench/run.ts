/**
 * `npm run bench`: Arclight's cold start and its throughput over HTTPS beside two reference
 * servers, with the targets of issues 2 and 3 (extensions held to the connected clusters'
 * targets), and the wall time of a region move through the official SDKs. Ratios, not
 * absolute numbers, are the result.
 *
 * Flags (each with a BENCH_* environment twin): --duration <s> (3) and --warmup <s> (1) per
 * run, --group-conns 1,8,32, --cluster-conns 8, --cold-runs 7, --memory-creates 10000,
 * --list-items 1000, --agent-creates 5000, --template-runs 3, --snapshot-clusters 1000, --directory-runs 50,
 * --dashboard-clusters 1000, --dashboard-runs 3,
 * --quick (1 s runs, 3 cold starts, for a smoke check), --only cold,journal,subscribers (just those
 * rows, each on a fresh Arclight: for working on one of them).
 */
import * as fs from 'fs';
import * as os from 'os';
import { LoadGenerator, referenceTls, startArclight, startReference, ServerUnderTest } from './processes';
import type { BareFixtures } from './referenceServers';
import { BenchOptions, coldStart, compare, createBatchSeconds, Measurement, memoryAfterCreates, referenceColdStartMs, Workload } from './scenarios';
import { summary, Target, throughputTable } from './report';
import { regionMoveMs } from './regionMove';
import { templateDeploymentMs } from './templateDeployment';
import { createsWithSubscribers } from './eventSubscribers';
import { sdkCreateAndWaitMs, threePutsMs } from './sdkCreateAndWait';
import { snapshotRestoreMs, subscriptionCreateMs } from './testPlatform';
import { dashboardFirstPaintMs } from './dashboardPaint';
import { findChromium } from './browser';

const TARGETS = {
  coldStartMs: 400, get: 0.8, put: 0.5, walk: 0.5, rssMiB: 150, batchGrowth: 1.5, templateVsCalls: 0.5,
  journalOnVsOff: 0.95, subscribersSlowdown: 1.1, restoreVsCreate: 0.1, subscriptionVsFiveGets: 1, dashboardPaintMs: 1000,
};
/** Issue 15's goals, against the bare-node reference (a), the limit of one Node process. */
const BARE_TARGETS = { get: 0.4, listPage: 0.3, walk: 0.4, put: 0.35, coldStart: 1.5, rssVsExpress: 1.0 };
const PAGE_SIZE = 100; // Arclight's default --page-size; the references page the same way

/** The rows --only can pick. */
const ONLY = ['cold', 'journal', 'subscribers'] as const;
type Only = typeof ONLY[number];

function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions & { only: Only[] } {
  const flags = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const [name, inline] = argv[i].replace(/^--/, '').split('=', 2);
    if (name === 'quick') flags.set('quick', 'true');
    else flags.set(name, inline ?? argv[++i]);
  }
  const value = (name: string, fallback: string) => flags.get(name) ?? env[`BENCH_${name.toUpperCase().replace(/-/g, '_')}`] ?? fallback;
  const quick = value('quick', 'false') === 'true';
  const seconds = (name: string, fallback: number) => Number(value(name, String(fallback))) * 1000;
  const list = (name: string, fallback: string) => value(name, fallback).split(',').map(Number).filter((n) => n > 0);
  const only = value('only', '').split(',').map((o) => o.trim()).filter(Boolean);
  const unknown = only.find((o) => !(ONLY as readonly string[]).includes(o));
  if (unknown) throw new Error(`--only takes ${ONLY.join(', ')}; not '${unknown}'`);
  return {
    only: only as Only[],
    warmupMs: seconds('warmup', quick ? 0.5 : 1),
    durationMs: seconds('duration', quick ? 1 : 3),
    groupLevels: list('group-conns', '1,8,32'),
    clusterLevels: list('cluster-conns', '8'),
    coldStartRuns: Number(value('cold-runs', quick ? '3' : '7')),
    listItems: Number(value('list-items', '1000')),
    pageSize: PAGE_SIZE,
    memoryCreates: Number(value('memory-creates', '10000')),
    agentCreates: Number(value('agent-creates', quick ? '2000' : '5000')),
    templateRuns: Number(value('template-runs', quick ? '1' : '3')),
    snapshotClusters: Number(value('snapshot-clusters', '1000')),
    directoryRuns: Number(value('directory-runs', quick ? '10' : '50')),
    dashboardClusters: Number(value('dashboard-clusters', '1000')),
    dashboardRuns: Number(value('dashboard-runs', quick ? '1' : '3')),
  };
}

/** The request journal's cost: the same GET against an Arclight that keeps none (--journal-size 0); the line to print. */
/**
 * GET throughput with the journal on (full, after 10,000 GETs) beside off, each on a fresh
 * Arclight seeded alike: the bench's main instance holds every create of the runs before, which
 * would count against the journal.
 */
async function journalCost(work: Workload, conns: number, started: ServerUnderTest[], targets: Target[]): Promise<string> {
  const journalOn = await startArclight();
  started.push(journalOn);
  await work.seed(journalOn, work.clientDocuments);
  await work.run(work.job(journalOn, { path: work.clusterGet, concurrency: conns, count: 10_000 }));
  const journalOff = await startArclight(['--journal-size', '0']);
  started.push(journalOff);
  await work.seed(journalOff, work.clientDocuments);
  const [off, on] = await compare(work, [journalOff, journalOn], 'connectedClusters GET, journal', conns, () => ({ path: work.clusterGet }));
  const ratio = on.result.perSecond / off.result.perSecond;
  targets.push({ label: 'connectedClusters GET, journal on / off', value: ratio, kind: 'ratio', bound: TARGETS.journalOnVsOff, unit: 'x' });
  return `connectedClusters GET at ${conns} conns with the request journal on (the default, full): ${on.result.perSecond.toFixed(0)} req/s; with --journal-size 0: ${off.result.perSecond.toFixed(0)} req/s (${ratio.toFixed(2)}x)`;
}

/** 100 clients of the live event stream while 1,000 clusters are created: no event lost, hardly slower. */
async function subscribersCost(work: Workload, started: ServerUnderTest[], targets: Target[]): Promise<void> {
  const eventsArclight = await startArclight();
  started.push(eventsArclight);
  const heard = await createsWithSubscribers(work, eventsArclight, 1000, 100);
  const slowdown = heard.withSeconds / heard.withoutSeconds;
  console.log(`1,000 connectedClusters creates: ${heard.withoutSeconds.toFixed(2)} s with nobody listening, ${heard.withSeconds.toFixed(2)} s with 100 clients of /_arclight/events (${slowdown.toFixed(2)}x); resource.created events lost: ${heard.lost}`);
  targets.push({ label: 'creates with 100 event subscribers / without', value: slowdown, kind: 'max', bound: TARGETS.subscribersSlowdown, unit: 'x' });
  targets.push({ label: 'events lost to 100 subscribers of 1,000 creates', value: heard.lost, kind: 'max', bound: 0, unit: 'events' });
}

/** Arclight's cold start: to ready, and to its first ARM answer (printed, and the ready row). */
async function arclightColdStart(options: BenchOptions, work: Workload, targets: Target[]): Promise<{ firstArmMs: number }> {
  const cold = await coldStart(options.coldStartRuns, work.headers);
  const runs = (pick: (run: [number, number]) => number) => cold.runs.map((r) => pick(r).toFixed(0)).join(', ');
  console.log('cold start (spawn of node dist/server/main.js --in-memory --port 0, requests over HTTPS)');
  console.log(`  to the first 200 from GET /_arclight/ready: median ${cold.readyMs.toFixed(0)} ms (runs: ${runs(([ready]) => ready)})`);
  console.log(`  to the first ARM answer (GET resourcegroups): median ${cold.firstArmMs.toFixed(0)} ms (runs: ${runs(([, arm]) => arm)})\n`);
  targets.push({ label: 'cold start to ready (median)', value: cold.readyMs, kind: 'max', bound: TARGETS.coldStartMs, unit: 'ms' });
  return cold;
}

/** The bare reference's cold start to its first answer, and Arclight's first ARM answer beside it. */
async function bareColdStart(options: BenchOptions, tls: ReturnType<typeof referenceTls>, fixtures: BareFixtures, firstArmMs: number, targets: Target[]): Promise<void> {
  const bareColdMs = await referenceColdStartMs(options.coldStartRuns, tls, PAGE_SIZE, fixtures);
  console.log(`cold start of the bare-node reference (a) to its first answer: median ${bareColdMs.toFixed(0)} ms; Arclight's first ARM answer: ${(firstArmMs / bareColdMs).toFixed(2)}x\n`);
  targets.push({ label: 'cold start to the first ARM answer vs bare (a)', value: firstArmMs / bareColdMs, kind: 'max', bound: BARE_TARGETS.coldStart, unit: 'x' });
}

/** --only cold: both cold starts, the reference's answering what a seeded Arclight answers. */
async function coldStartRows(options: BenchOptions, work: Workload, started: ServerUnderTest[]): Promise<Target[]> {
  const targets: Target[] = [];
  const cold = await arclightColdStart(options, work, targets);
  const arclight = await startArclight();
  started.push(arclight);
  await work.seed(arclight, work.clientDocuments);
  const answers = await work.answers(arclight);
  const fixtures = { groupBody: answers.group, clusterBody: answers.cluster, extensionBody: answers.extension, listItems: options.listItems, pageSize: PAGE_SIZE };
  await bareColdStart(options, referenceTls(), fixtures, cold.firstArmMs, targets);
  return targets;
}

/** --only: the rows asked for, each against a fresh Arclight. */
async function runOnly(options: BenchOptions & { only: Only[] }, work: Workload): Promise<Target[]> {
  const targets: Target[] = [];
  const started: ServerUnderTest[] = [];
  try {
    if (options.only.includes('cold')) targets.push(...await coldStartRows(options, work, started));
    if (options.only.includes('journal')) console.log(await journalCost(work, options.clusterLevels[0], started, targets));
    if (options.only.includes('subscribers')) await subscribersCost(work, started, targets);
  } finally {
    for (const s of started) await s.stop();
  }
  return targets;
}

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  if (options.only.length) {
    const load = new LoadGenerator();
    try {
      console.log(summary(await runOnly(options, new Workload(load, options))));
    } finally {
      await load.stop();
    }
    return;
  }
  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(`Arclight bench: node ${process.version}, ${os.cpus().length} x ${cpu}, ${os.platform()}`);
  console.log(`each run: ${options.warmupMs / 1000} s warm-up, ${options.durationMs / 1000} s measured; load generator in its own process (https.Agent keep-alive)\n`);

  const targets: Target[] = [];
  const tls = referenceTls();
  const load = new LoadGenerator();
  const work = new Workload(load, options);
  const started: ServerUnderTest[] = [];
  try {
    const cold = await arclightColdStart(options, work, targets);

    const arclight = await startArclight();
    started.push(arclight);
    const bare = await startReference('bare', tls, PAGE_SIZE);
    started.push(bare);
    const express = await startReference('express', tls, PAGE_SIZE);
    started.push(express);
    const servers = [bare, express, arclight];
    // The references serve what Arclight serves: the express one stores Arclight's documents,
    // the bare one answers them from memory.
    await work.seed(arclight, work.clientDocuments);
    const answers = await work.answers(arclight);
    await work.seed(express, answers);
    const fixtures = { groupBody: answers.group, clusterBody: answers.cluster, extensionBody: answers.extension, listItems: options.listItems, pageSize: PAGE_SIZE };
    await bare.setFixtures(fixtures);
    await bareColdStart(options, tls, fixtures, cold.firstArmMs, targets);

    const measurements: Measurement[] = [];
    const scenario = async (name: string, levels: number[], target: number | undefined, fields: Parameters<typeof compare>[4], bareTarget?: number) => {
      for (const conns of levels) {
        const rows = await compare(work, servers, name, conns, fields);
        measurements.push(...rows);
        const [limit, reference, ours] = rows;
        const ratio = ours.result.perSecond / reference.result.perSecond;
        const failed = !!(ours.result.errors || reference.result.errors);
        if (target !== undefined) targets.push({ label: `${name} (${conns} conns)`, value: ratio, kind: 'ratio', bound: target, unit: 'x', failed });
        if (bareTarget !== undefined) {
          const toBare = ours.result.perSecond / limit.result.perSecond;
          targets.push({ label: `${name} (${conns} conns) vs bare (a)`, value: toBare, kind: 'ratio', bound: bareTarget, unit: 'x', failed: failed || !!limit.result.errors });
        }
        process.stderr.write(`  measured ${name} at ${conns} conns: ${ratio.toFixed(2)}x\n`);
      }
    };
    await scenario('resource group GET', options.groupLevels, TARGETS.get, () => ({ path: work.groupGet }));
    await scenario('connectedClusters GET', options.clusterLevels, TARGETS.get, () => ({ path: work.clusterGet }), BARE_TARGETS.get);
    await scenario('connectedClusters PUT (create)', options.clusterLevels, TARGETS.put,
      () => ({ method: 'PUT', path: work.createPath(), body: work.clusterBody, expectStatus: [201] }), BARE_TARGETS.put);
    await scenario(`first page of ${options.listItems} clusters`, options.clusterLevels, undefined, () => ({ path: work.listWalk }), BARE_TARGETS.listPage);
    await scenario(`walk ${options.listItems} clusters by nextLink`, options.clusterLevels, TARGETS.walk,
      () => ({ path: work.listWalk, walkItems: options.listItems }), BARE_TARGETS.walk);
    await scenario('extensions GET', options.clusterLevels, TARGETS.get, () => ({ path: work.extensionGet }));
    await scenario('extensions PUT (create)', options.clusterLevels, TARGETS.put,
      () => ({ method: 'PUT', path: work.extensionCreatePath(), body: work.extensionBody, expectStatus: [201] }));

    const journalLine = await journalCost(work, options.clusterLevels[0], started, targets);

    const move = await regionMoveMs(arclight, options.coldStartRuns);
    const sdkWaitMs = await sdkCreateAndWaitMs(arclight, options.coldStartRuns);
    const barePutsMs = await threePutsMs(bare, work, options.coldStartRuns);
    const hundred = await templateDeploymentMs(arclight, options.templateRuns);
    for (const s of started.splice(0)) await s.stop();

    console.log('throughput over HTTPS (ratio = Arclight / express+sqlite reference (b))');
    console.log(throughputTable(measurements, (name) => (name.includes('first page') || name.includes('journal') ? undefined : name.includes('PUT') ? TARGETS.put : name.includes('walk') ? TARGETS.walk : TARGETS.get)));

    // Memory: fresh processes, so nothing from the runs above is counted.
    const memoryArclight = await startArclight();
    started.push(memoryArclight);
    const memoryExpress = await startReference('express', tls, PAGE_SIZE);
    started.push(memoryExpress);
    const arclightRss = await memoryAfterCreates(work, memoryArclight, options.memoryCreates);
    const expressRss = await memoryAfterCreates(work, memoryExpress, options.memoryCreates);
    console.log(`\nresident memory after ${options.memoryCreates.toLocaleString('en-US')} connectedClusters creates: Arclight ${arclightRss.toFixed(0)} MiB (express+sqlite reference: ${expressRss.toFixed(0)} MiB)\n`);
    targets.push({ label: `RSS after ${options.memoryCreates.toLocaleString('en-US')} creates`, value: arclightRss, kind: 'max', bound: TARGETS.rssMiB, unit: 'MiB' });
    // Issue 15 counts 15,000 creates, against the express+sqlite reference: half as many again.
    const more = Math.round(options.memoryCreates / 2);
    const total = (options.memoryCreates + more).toLocaleString('en-US');
    const arclightRssMore = await memoryAfterCreates(work, memoryArclight, more);
    const expressRssMore = await memoryAfterCreates(work, memoryExpress, more);
    console.log(`resident memory after ${total} creates: Arclight ${arclightRssMore.toFixed(0)} MiB (express+sqlite reference: ${expressRssMore.toFixed(0)} MiB)\n`);
    targets.push({ label: `RSS after ${total} creates vs express+sqlite (b)`, value: arclightRssMore / expressRssMore, kind: 'max', bound: BARE_TARGETS.rssVsExpress, unit: 'x' });

    // With simulated agents every create registers an identity: that must not get slower as they pile up.
    const agentsArclight = await startArclight(['--agents', 'simulated']);
    started.push(agentsArclight);
    const batches = await createBatchSeconds(work, agentsArclight, options.agentCreates, 1000);
    const growth = batches[batches.length - 1] / batches[0];
    console.log(`${options.agentCreates.toLocaleString('en-US')} connectedClusters creates with --agents simulated, seconds per 1,000: ${batches.map((b) => b.toFixed(2)).join(', ')} (last / first: ${growth.toFixed(2)})`);
    targets.push({ label: 'creates with simulated agents: last 1,000 / first 1,000', value: growth, kind: 'max', bound: TARGETS.batchGrowth, unit: 'x' });

    await subscribersCost(work, started, targets);

    console.log(`region move of a cluster with 2 extensions, 1 flux and 1 source control configuration through the official SDKs (list, delete, reconnect in another region, recreate, list): median ${move.medianMs.toFixed(0)} ms (runs: ${move.runs.map((r) => r.toFixed(0)).join(', ')}; in Azure: many minutes)\n`);
    console.log(`${journalLine}\n`);
    console.log(`a connected cluster, an extension and a flux configuration created and waited for with the official JS SDK (default polling): median ${sdkWaitMs.toFixed(0)} ms; the same three PUTs against the bare-node reference: ${barePutsMs.toFixed(1)} ms (${(sdkWaitMs / barePutsMs).toFixed(1)}x)\n`);
    const templateRatio = hundred.deploymentMs / hundred.sdkCallsMs;
    console.log(`a template of 100 resources (a cluster, 33 extensions, 33 flux and 33 source control configurations) deployed through the SDK: median ${hundred.deploymentMs.toFixed(0)} ms; the same 100 resources by 100 sequential SDK calls: median ${hundred.sdkCallsMs.toFixed(0)} ms (${templateRatio.toFixed(2)}x; runs: ${hundred.runs.map((r) => `${r.deploymentMs.toFixed(0)}/${r.sdkCallsMs.toFixed(0)}`).join(', ')})\n`);
    targets.push({ label: '100-resource template deployment / 100 SDK calls', value: templateRatio, kind: 'max', bound: TARGETS.templateVsCalls, unit: 'x' });

    // The test platform (issue 13), on a fresh process so nothing above is in its state.
    const platformArclight = await startArclight();
    started.push(platformArclight);
    const snap = await snapshotRestoreMs(platformArclight, work.clusterBody, options.snapshotClusters, 3);
    const restoreRatio = snap.restoreMs / snap.createMs;
    console.log(`${snap.clusters.toLocaleString('en-US')} connected clusters with an extension and a flux configuration each: created through ARM in ${snap.createMs.toFixed(0)} ms (8 connections); snapshot restored in median ${snap.restoreMs.toFixed(1)} ms (runs: ${snap.restores.map((r) => r.toFixed(1)).join(', ')}; ${restoreRatio.toFixed(3)}x)`);
    targets.push({ label: `snapshot restore / ARM creation of ${snap.clusters.toLocaleString('en-US')} clusters with configurations`, value: restoreRatio, kind: 'max', bound: TARGETS.restoreVsCreate, unit: 'x' });
    const directory = await subscriptionCreateMs(platformArclight, options.directoryRuns);
    const directoryRatio = directory.subscriptionMs / directory.fiveGetsMs;
    console.log(`a subscription with its principal (POST /_arclight/directory/subscriptions): median ${directory.subscriptionMs.toFixed(2)} ms; five sequential GETs: median ${directory.fiveGetsMs.toFixed(2)} ms (${directoryRatio.toFixed(2)}x)\n`);
    targets.push({ label: 'subscription with a principal / 5 GETs', value: directoryRatio, kind: 'max', bound: TARGETS.subscriptionVsFiveGets, unit: 'x' });

    // The dashboard (issue 14), on a fresh process: the page draws exactly these clusters.
    if (findChromium()) {
      const dashboardArclight = await startArclight();
      started.push(dashboardArclight);
      const paint = await dashboardFirstPaintMs(dashboardArclight, work.clusterBody, options.dashboardClusters, options.dashboardRuns);
      console.log(`the dashboard in chromium with ${paint.clusters.toLocaleString('en-US')} connected clusters: painted in median ${paint.paintMs.toFixed(0)} ms from navigation (runs: ${paint.runs.map((r) => r.toFixed(0)).join(', ')})\n`);
      targets.push({ label: `dashboard first paint with ${paint.clusters.toLocaleString('en-US')} clusters`, value: paint.paintMs, kind: 'max', bound: TARGETS.dashboardPaintMs, unit: 'ms' });
    } else {
      console.log('the dashboard row is skipped: chromium is not installed (apt-get install chromium)\n');
    }
    console.log(summary(targets));
  } finally {
    for (const s of started) await s.stop();
    await load.stop();
    fs.rmSync(tls.dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
