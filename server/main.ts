#!/usr/bin/env node
/**
 * The `arclight` executable. `npm run build` writes the command as one file (cli.bundle.js,
 * see scripts/bundleCommand.ts) with a V8 code cache beside it: starting from it resolves and
 * reads one file instead of some 450 and compiles almost nothing, which is most of start-up.
 * Without that file (a build that stopped after tsc) the modules run as they are.
 */
import * as fs from 'fs';
import * as path from 'path';
import { loadWithCodeCache } from './launch/codeCache';

export const COMMAND_BUNDLE = path.join(__dirname, 'cli.bundle.js');

type Command = typeof import('./cli');

function loadCommand(): Command {
  const file = fs.existsSync(COMMAND_BUNDLE) ? COMMAND_BUNDLE : path.join(__dirname, 'cli.js');
  return loadWithCodeCache(file).exports as Command;
}

if (require.main === module) {
  let command: Command;
  try {
    command = loadCommand();
  } catch (err) {
    process.stderr.write(`arclight: cannot load its code (${String((err as Error)?.message ?? err).split('\n')[0]}): run "npm run build", or install the package again\n`);
    process.exit(1);
  }
  command.runCommand(process.argv.slice(2)).then((code) => process.exit(code), command.exitOnFailure);
}
