/**
 * The `arclight` command's log on stdout, written in batches: every access line arrives, in
 * order, after the ready line, and nothing pending is lost when the process stops.
 */
import { strict as assert } from 'assert';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as path from 'path';
import { bearer, SUB } from '../support/arclight';

const MAIN = path.resolve(__dirname, '..', '..', 'server', 'main.js');

function get(url: string, ca: string): Promise<number> {
  return new Promise((resolve, reject) => {
    https.get(url, { ca, headers: { Authorization: bearer() } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode!));
    }).on('error', reject);
  });
}

describe('e2e: the arclight command\'s stdout log', () => {
  it('writes every access line, in order, and the rest before it exits', async () => {
    const child = spawn(process.execPath, [MAIN, '--in-memory', '--port', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString('utf8')));
    const ready = await new Promise<RegExpExecArray>((resolve, reject) => {
      child.stdout.on('data', () => {
        const m = /ready at (\S+) \| CA certificate: (\S+) /.exec(out);
        if (m) resolve(m);
      });
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    const [, url, caFile] = ready;
    const ca = fs.readFileSync(caFile, 'utf8');
    const paths = ['a', 'b', 'c'].map((g) => `/subscriptions/${SUB}/resourcegroups/${g}`);
    for (const p of paths) assert.equal(await get(`${url}${p}?api-version=2021-04-01`, ca), 404);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);

    const lines = out.trim().split('\n');
    assert.match(lines[0], /^Arclight ready at /);
    const access = lines.filter((l) => / info {2}GET /.test(l));
    assert.deepEqual(access.map((l) => / GET (\S+) /.exec(l)![1]), paths);
    for (const l of access) assert.match(l, / 404 \d+\.\dms [0-9a-f-]{36}$/);
    assert.match(lines[lines.length - 1], / info {2}stopped$/);
  });
});
