/**
 * What the conformance run covers, and what it cannot. The runner (scenario.ts) sends only the
 * examples specs/ holds; the example files the vendored specs name but nobody has (in neither
 * specs/ nor ../shared/specs, the official specs this repository vendors from) are left out.
 * Two tests account for them instead of one pending test each:
 *
 *  - the files left out are exactly those missingExamples.json records (and, where
 *    ../shared/specs is present, none of them is there to be vendored);
 *  - the newest GA api-version of every operation the specs give examples for runs at least one
 *    of them, except the gaps recorded below with their reason.
 *
 * Either test fails on any change, in both directions: a file vendored or a gap closed must be
 * taken off its list, a new reference without its file must be added to it.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { exampleReferences, ROOT, specNamespaces, specOperations, SpecOperation } from './exampleCatalog';
import { caseKey, ConformanceProvider, notImplementedReason } from './scenario';
import recorded from './missingExamples.json';
import { NEIGHBOUR_GAPS } from './neighbours';

/** The official Azure REST API specs beside this repository (absent on CI: then only the record is checked). */
const SHARED_SPECS = path.resolve(ROOT, '..', 'shared', 'specs');

const NOT_AVAILABLE = 'its example files are in neither specs/ nor ../shared/specs, and the upstream index holds none that could be vendored (missingExamples.json, specs/SOURCES.md)';

/**
 * Operations whose newest GA api-version runs none of its examples (`namespace apiVersion
 * operationId`), and why. Today every one is missing data, not a runner or server fault.
 */
const NEWEST_GA_GAPS: Readonly<Record<string, string>> = Object.fromEntries([
  ...['Update', 'ListByResourceGroup'].map((op) => `Microsoft.Kubernetes 2026-05-01 ConnectedCluster_${op}`),
].map((gap) => [gap, NOT_AVAILABLE]).concat(Object.entries(NEIGHBOUR_GAPS), ['TemplateSpecs_GetBuiltIn', 'TemplateSpecs_ListBuiltIns', 'TemplateSpecVersions_GetBuiltIn', 'TemplateSpecVersions_ListBuiltIns']
  .map((op) => [`Microsoft.Resources 2022-02-01 ${op}`, 'refused (501): Arclight has no catalog of Azure\'s built-in template specs (server/providers/resources/templateSpecs.ts)'])));

/** The example files specs/ lacks, by folder (relative to specs/), as missingExamples.json records them. */
function missingByFolder(): Record<string, string[]> {
  const files = specNamespaces().flatMap((ns) => exampleReferences(ns)).filter((r) => !r.vendored).map((r) => r.exampleFile);
  const byFolder: Record<string, string[]> = {};
  for (const file of [...new Set(files)].sort()) (byFolder[path.dirname(file)] ??= []).push(path.basename(file));
  return byFolder;
}

const isStable = (apiVersion: string) => /^\d{4}-\d{2}-\d{2}$/.test(apiVersion);

/**
 * One operation across api-versions: its method and path, parameter names aside. Not the
 * operationId, which may change (ConnectedCluster_Create became ConnectedCluster_CreateOrReplace).
 */
const operationKey = (o: SpecOperation) => `${o.method} ${o.template.toLowerCase().replace(/\{[^}]+\}/g, '{}')}`;

/** The operations whose newest GA api-version gives examples but runs none of them. */
function newestGaWithoutRunningExamples(providers: readonly ConformanceProvider[]): string[] {
  const gaps: string[] = [];
  for (const namespace of specNamespaces()) {
    const provider = providers.find((p) => p.namespace.toLowerCase() === namespace.toLowerCase());
    const stable = specOperations(namespace).filter((o) => isStable(o.apiVersion));
    const newest = new Map<string, string>();
    for (const o of stable) if (o.apiVersion > (newest.get(operationKey(o)) ?? '')) newest.set(operationKey(o), o.apiVersion);
    for (const o of stable.filter((x) => x.apiVersion === newest.get(operationKey(x)) && x.examples.length > 0)) {
      const running = o.examples.filter((e) => e.vendored && provider && !provider.exceptions?.[caseKey(e)] && !notImplementedReason(provider, e));
      if (running.length === 0) gaps.push(`${namespace} ${o.apiVersion} ${o.operationId}`);
    }
  }
  return gaps.sort();
}

export function describeExampleCoverage(providers: readonly ConformanceProvider[]): void {
  describe('conformance: example coverage', () => {
    const missing = missingByFolder();
    const count = Object.values(missing).flat().length;

    it(`leaves out the ${count} example files the specs name that neither specs/ nor ../shared/specs holds (missingExamples.json)`, () => {
      if (fs.existsSync(SHARED_SPECS)) {
        const vendorable = Object.entries(missing)
          .flatMap(([folder, files]) => files.map((file) => path.join(folder, file)))
          .filter((file) => fs.existsSync(path.join(SHARED_SPECS, file)));
        assert.deepEqual(vendorable, [], `${SHARED_SPECS} holds these: copy them into specs/ and record them in specs/SOURCES.md`);
      }
      assert.deepEqual(missing, recorded.missing, 'the example files specs/ lacks are no longer those missingExamples.json records');
    });

    it(`runs an example of every operation in its newest GA api-version, but for ${Object.keys(NEWEST_GA_GAPS).length} recorded gaps`, () => {
      assert.deepEqual(newestGaWithoutRunningExamples(providers), Object.keys(NEWEST_GA_GAPS).sort(),
        'the operations whose newest GA api-version runs no example are not the recorded gaps (NEWEST_GA_GAPS)');
    });
  });
}
