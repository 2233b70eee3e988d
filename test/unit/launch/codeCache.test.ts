/**
 * The launcher's code cache: the build's cache of the command bundle is taken, a cache made
 * from another source is not (V8 alone would check only the length), and a file without a
 * cache runs from its source. In each case the module's exports are what it set.
 */
import { strict as assert } from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { codeCacheFile, loadWithCodeCache, writeCodeCache } from '../../../server/launch/codeCache';
import { COMMAND_BUNDLE } from '../../../server/main';

describe('launch: code cache', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-code-cache-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  const write = (name: string, body: string) => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, body);
    return file;
  };

  it('runs the build\'s command bundle from its cache, in a process like the command\'s', () => {
    assert.ok(fs.existsSync(codeCacheFile(COMMAND_BUNDLE)), 'npm run build writes the cache beside the bundle');
    // A process of its own: V8 takes a cache only under the flags it was made with, and a test
    // run may change them (the fuzz tests turn on --expose-gc).
    const probe = `const m = require(${JSON.stringify(require.resolve('../../../server/launch/codeCache'))}).loadWithCodeCache(${JSON.stringify(COMMAND_BUNDLE)});
      process.stdout.write(JSON.stringify({ fromCache: m.fromCache, runCommand: typeof m.exports.runCommand }));`;
    assert.deepEqual(JSON.parse(execFileSync(process.execPath, ['-e', probe], { encoding: 'utf8' })), { fromCache: true, runCommand: 'function' });
  });

  it('runs a file as CommonJS, with its own require, module and paths', () => {
    const file = write('plain.js', "module.exports = { dir: __dirname, file: __filename, sep: require('path').sep, self: exports === module.exports };");
    const loaded = loadWithCodeCache(file);
    assert.equal(loaded.fromCache, false, 'no cache file: compiled from source');
    assert.deepEqual(loaded.exports, { dir, file, sep: path.sep, self: true });
  });

  it('takes a cache made from the same source, and ignores one made from another of the same length', () => {
    const file = write('cached.js', 'exports.answer = function answer() { return 41 + 1; };');
    writeCodeCache(file, loadWithCodeCache(file).script);
    const cached = loadWithCodeCache(file);
    assert.equal(cached.fromCache, true);
    assert.equal((cached.exports as { answer(): number }).answer(), 42);

    fs.writeFileSync(file, 'exports.answer = function answer() { return 40 + 3; };');
    const changed = loadWithCodeCache(file);
    assert.equal(changed.fromCache, false, 'the cache names another source');
    assert.equal((changed.exports as { answer(): number }).answer(), 43);
  });

  it('ignores a cache file too short to name its source', () => {
    const file = write('short.js', 'exports.ok = true;');
    fs.writeFileSync(codeCacheFile(file), Buffer.alloc(8));
    const loaded = loadWithCodeCache(file);
    assert.equal(loaded.fromCache, false);
    assert.deepEqual(loaded.exports, { ok: true });
  });
});
