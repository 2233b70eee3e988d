/**
 * Build step: the `arclight` command as one file, dist/server/cli.bundle.js (esbuild, every
 * dependency but better-sqlite3's native module inside), and the V8 code cache of its modules
 * beside it (see server/launch/codeCache.ts), made after the modules have run once here, and
 * a start with a client's first requests rehearsed (server/launch/rehearsal.ts), so the
 * functions they compile are in it. dist/server/main.js runs that file.
 */
import { buildSync } from 'esbuild';
import * as path from 'path';
import { loadWithCodeCache, writeCodeCache } from '../server/launch/codeCache';
import { COMMAND_BUNDLE } from '../server/main';

const DIST_SERVER = path.dirname(COMMAND_BUNDLE);

buildSync({
  entryPoints: [path.join(DIST_SERVER, 'cli.js')],
  outfile: COMMAND_BUNDLE,
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  // A native addon: it loads its .node file from its own folder at run time.
  external: ['better-sqlite3'],
  logLevel: 'warning',
});

async function main(): Promise<void> {
  const loaded = loadWithCodeCache(COMMAND_BUNDLE);
  // A start and a client's first requests, rehearsed: what they compile is then in the cache.
  await (loaded.exports as typeof import('../server/cli')).rehearseStart();
  writeCodeCache(COMMAND_BUNDLE, loaded.script);
  console.log(`command bundle: ${path.relative(process.cwd(), COMMAND_BUNDLE)} with its code cache (after a rehearsed start)`);
}

main().catch((err: unknown) => {
  console.error(`command bundle: ${(err as Error)?.stack ?? String(err)}`);
  process.exit(1);
});
