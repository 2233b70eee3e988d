/**
 * Runs a CommonJS file with the V8 code cache the build wrote beside it, so its functions are
 * deserialised rather than parsed and compiled again at every start. The cache names the
 * SHA-256 of the source it was made from: a cache of another source is ignored (V8 itself
 * checks only the source's length), and so is one V8 refuses (another Node version): the file
 * is then compiled from its source, as `require` would.
 */
import { createHash } from 'crypto';
import * as fs from 'fs';
import { createRequire } from 'module';
import * as path from 'path';
import * as vm from 'vm';

const DIGEST_BYTES = 32;

export const codeCacheFile = (file: string): string => `${file}.cache`;

/** The code of `file` wrapped as CommonJS wraps a module: one function taking its five variables. */
function compile(file: string, source: Buffer, cachedData?: Buffer): vm.Script {
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source.toString('utf8')}\n})`;
  // import() inside the file (a dependency's rarely taken path) loads as it would in a module.
  return new vm.Script(wrapped, { filename: file, cachedData, importModuleDynamically: vm.constants.USE_MAIN_CONTEXT_DEFAULT_LOADER });
}

const digestOf = (source: Buffer) => createHash('sha256').update(source).digest();

function cachedDataFor(file: string, source: Buffer): Buffer | undefined {
  let cache: Buffer;
  try {
    cache = fs.readFileSync(codeCacheFile(file));
  } catch {
    return undefined;
  }
  return cache.length > DIGEST_BYTES && cache.subarray(0, DIGEST_BYTES).equals(digestOf(source)) ? cache.subarray(DIGEST_BYTES) : undefined;
}

export interface LoadedModule {
  exports: unknown;
  /** The compiled script, for the build to make a cache of once the module has run. */
  script: vm.Script;
  /** Whether the cache was used (false: compiled from source). */
  fromCache: boolean;
}

export function loadWithCodeCache(file: string): LoadedModule {
  const source = fs.readFileSync(file);
  const cachedData = cachedDataFor(file, source);
  const script = compile(file, source, cachedData);
  const module = { exports: {} as unknown };
  const run = script.runInThisContext() as (...args: unknown[]) => void;
  run.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  return { exports: module.exports, script, fromCache: cachedData !== undefined && !script.cachedDataRejected };
}

/** Writes the cache of a script that has run (functions compiled while running are in it). */
export function writeCodeCache(file: string, script: vm.Script): void {
  const source = fs.readFileSync(file);
  fs.writeFileSync(codeCacheFile(file), Buffer.concat([digestOf(source), script.createCachedData()]));
}
