/**
 * The house rules, checked on the sources: no import circle (type-only imports count: a circle
 * of types is still a circle of ideas), and imports point down the layers only:
 *
 *   root (arclight.ts, main.ts, index.ts) -> gateway, surfaces, http -> identity, clusterSide,
 *   simulator -> providers -> kit -> store, spec, pki -> core, protocol
 *
 * The standalone agent (agent/) imports nothing of the server: only the protocol it shares; the
 * dashboard's page (dashboard/) imports nothing outside itself.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import * as ts from 'typescript';

const ROOT = path.resolve(__dirname, '..', '..', '..');

/** Layers, lowest first; a module may import its own layer or lower ones. */
const LAYERS: ReadonlyArray<readonly string[]> = [
  ['server/core', 'protocol'],
  ['server/store', 'server/spec', 'server/pki', 'server/templates'],
  ['server/kit'],
  ['server/providers'],
  ['server/identity', 'server/clusterSide', 'server/simulator', 'server/platform'],
  ['server/gateway', 'server/surfaces', 'server/http'],
  ['server/arclight.ts', 'server/cli.ts', 'server/launch', 'server/main.ts', 'server/index.ts'],
];

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
    const rel = path.posix.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...sourceFiles(rel));
    else if (entry.name.endsWith('.ts')) out.push(rel);
  }
  return out;
}

/** The project files `file` imports (relative specifiers only; packages are outside the rules). */
function importsOf(file: string): string[] {
  const info = ts.preProcessFile(fs.readFileSync(path.join(ROOT, file), 'utf8'), true, true);
  const out: string[] = [];
  for (const { fileName } of info.importedFiles) {
    if (!fileName.startsWith('.')) continue;
    const base = path.posix.normalize(path.posix.join(path.posix.dirname(file), fileName));
    const target = [`${base}.ts`, `${base}/index.ts`].find((f) => fs.existsSync(path.join(ROOT, f)));
    if (target) out.push(target);
  }
  return out;
}

const layerOf = (file: string) => LAYERS.findIndex((names) => names.some((n) => file === n || file.startsWith(`${n}/`)));

const FILES = [...sourceFiles('server'), ...sourceFiles('agent'), ...sourceFiles('protocol')];
const GRAPH = new Map(FILES.map((f) => [f, importsOf(f)]));

describe('architecture', () => {
  it('has no import circle', () => {
    const circles: string[] = [];
    const state = new Map<string, 'visiting' | 'done'>();
    const stack: string[] = [];
    const visit = (file: string) => {
      state.set(file, 'visiting');
      stack.push(file);
      for (const next of GRAPH.get(file) ?? []) {
        if (state.get(next) === 'visiting') circles.push([...stack.slice(stack.indexOf(next)), next].join(' -> '));
        else if (!state.has(next)) visit(next);
      }
      stack.pop();
      state.set(file, 'done');
    };
    for (const file of FILES) if (!state.has(file)) visit(file);
    assert.deepEqual(circles, []);
  });

  it('imports only down the layers', () => {
    const upward: string[] = [];
    for (const [file, targets] of GRAPH) {
      if (file.startsWith('agent/')) continue;
      const own = layerOf(file);
      assert.ok(own >= 0, `${file} is in no layer: add its folder to LAYERS`);
      for (const target of targets) if (layerOf(target) > own) upward.push(`${file} -> ${target}`);
    }
    assert.deepEqual(upward, []);
  });

  it('keeps the standalone agent apart from the server: it shares only the protocol', () => {
    const reaching = [...GRAPH].filter(([file]) => file.startsWith('agent/'))
      .flatMap(([file, targets]) => targets.filter((t) => !t.startsWith('agent/') && !t.startsWith('protocol/')).map((t) => `${file} -> ${t}`));
    assert.deepEqual(reaching, []);
  });

  it('keeps the dashboard a client: its page imports nothing of the server', () => {
    const reaching = sourceFiles('dashboard').flatMap((file) => importsOf(file).filter((t) => !t.startsWith('dashboard/')).map((t) => `${file} -> ${t}`));
    assert.deepEqual(reaching, []);
  });

  it('leaves the simulator to the composition root: nothing else imports it', () => {
    const importers = [...GRAPH].filter(([file, targets]) => !file.startsWith('server/simulator/') && targets.some((t) => t.startsWith('server/simulator/')))
      .map(([file]) => file);
    assert.deepEqual(importers, ['server/arclight.ts']);
  });

  it('says why wherever it turns a lint rule off (`eslint-disable... -- reason`)', () => {
    const all = ['server', 'agent', 'protocol', 'dashboard', 'scripts', 'test', 'bench'].flatMap(sourceFiles);
    const unexplained = all.flatMap((file) => fs.readFileSync(path.join(ROOT, file), 'utf8').split('\n')
      .map((line, i) => ({ line, at: `${file}:${i + 1}` }))
      .filter(({ line }) => /(\/\/|\/\*)\s*eslint-disable/.test(line) && !/eslint-disable[\w-]*\s+[\w@/-]+(?:,\s*[\w@/-]+)*\s+--\s+\S/.test(line))
      .map(({ at }) => at));
    assert.deepEqual(unexplained, []);
  });
});
