/**
 * Snapshots (/_arclight/snapshots): save, list, restore, delete, export, import and --snapshot,
 * in memory and in a data dir; the clock and operations in progress are part of the state,
 * caches follow a restore, tokens issued before it still work, and every refusal is ARM's
 * envelope (never a 500), with nothing changed by a failed restore.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import request from 'supertest';
import Database from 'better-sqlite3';
import { bearer, testArclight, TestArclight } from '../../support/arclight';
import { clusterBody, clusterPath, createGroup } from '../../support/clusters';
import { tokenFor } from '../../support/identity';
import { ArmError } from '../../../server/kit/armErrors';
import { MEMORY_SLOTS } from '../../../server/store/snapshots';

const CC = '?api-version=2024-01-01';
const C1 = clusterPath('rg', 'c1');
const C2 = clusterPath('rg', 'c2');

async function putCluster(a: TestArclight, id: string): Promise<void> {
  await request(a.app).put(`${id}${CC}`).set('Authorization', bearer()).send(clusterBody()).expect(201);
}
const status = async (a: TestArclight, id: string) => (await request(a.app).get(`${id}${CC}`).set('Authorization', bearer())).status;
/** A response body read whole as bytes (supertest leaves unknown types unparsed). */
const binary = (res: request.Response, done: (err: Error | null, body: Buffer) => void) => {
  const chunks: Buffer[] = [];
  res.on('data', (c: Buffer) => chunks.push(c));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

function suite(label: string, options: () => { dataDir?: string; inMemory?: boolean }) {
  describe(`test platform: snapshots (${label})`, () => {
    let a: TestArclight;
    beforeEach(async () => {
      a = await testArclight({ ...options(), lroDelay: 0 });
    });
    afterEach(() => a.close());

    it('saves, lists, restores and deletes the whole state', async () => {
      await createGroup(a.app, 'rg');
      await putCluster(a, C1);
      const saved = await request(a.app).post('/_arclight/snapshots').send({ name: 's1' }).expect(201);
      assert.equal(saved.body.name, 's1');
      assert.ok(saved.body.bytes > 0);
      assert.ok(!Number.isNaN(Date.parse(saved.body.createdAt)));
      await request(a.app).delete(`${C1}${CC}`).set('Authorization', bearer()).expect((r) => assert.ok([200, 202].includes(r.status)));
      await putCluster(a, C2);
      const list = await request(a.app).get('/_arclight/snapshots').expect(200);
      assert.deepEqual(list.body.value.map((s: { name: string }) => s.name), ['s1']);
      assert.deepEqual(Object.keys(list.body.value[0]), ['name', 'createdAt', 'bytes']);
      await request(a.app).post('/_arclight/snapshots/s1/restore').expect(200);
      assert.equal(await status(a, C1), 200);
      assert.equal(await status(a, C2), 404);
      await request(a.app).delete('/_arclight/snapshots/s1').expect(200);
      const asJson = await request(a.app).put('/_arclight/snapshots/j').set('Content-Type', 'application/json').send('{"name": "j"}').expect(400);
      assert.equal(asJson.body.error.code, 'InvalidSnapshotFile');
      await request(a.app).put('/_arclight/snapshots/empty').expect(400);
      await request(a.app).post('/_arclight/snapshots').set('Content-Type', 'text/plain').send('s1').expect(415);
      await request(a.app).delete('/_arclight/snapshots').expect(405);
      assert.deepEqual((await request(a.app).get('/_arclight/snapshots').expect(200)).body.value, []);
    });

    it('keeps the clock, subscriptions and principals in the snapshot, and tokens issued before a restore valid', async () => {
      const strict = await testArclight({ ...options(), auth: 'strict' });
      try {
        const token = await tokenFor(strict.app);
        const before = strict.services.clock.nowMs();
        await strict.snapshots.save('base');
        const worker = await strict.directory.createSubscription();
        await request(strict.app).post('/_arclight/clock/advance').send({ duration: 'P91D' }).expect(200);
        await strict.snapshots.restore('base');
        assert.ok(Math.abs(strict.services.clock.nowMs() - before) < 60_000, 'the clock is back');
        assert.equal(strict.services.store.directory.subscription(worker.subscriptionId), undefined);
        assert.equal(strict.services.principals.get(worker.clientId), undefined);
        await request(strict.app).get('/subscriptions?api-version=2022-12-01').set('Authorization', `Bearer ${token}`).expect(200);
        // The CA and signing key are the instance's: the token's signature and new ones still verify.
        await request(strict.app).get('/subscriptions?api-version=2022-12-01').set('Authorization', `Bearer ${await tokenFor(strict.app)}`).expect(200);
      } finally {
        strict.close();
      }
    });

    it('restores operations in progress, and they settle on the clock afterwards', async () => {
      const slow = await testArclight({ ...options(), lroDelay: 20 });
      try {
        slow.services.clock.freeze();
        await createGroup(slow.app, 'rg');
        await request(slow.app).put(`${C1}${CC}`).set('Authorization', bearer()).send(clusterBody()).expect(201);
        await slow.snapshots.save('running');
        slow.services.clock.advance(30_000);
        const state = async () => (await request(slow.app).get(`${C1}${CC}`).set('Authorization', bearer()).expect(200)).body.properties.provisioningState;
        assert.equal(await state(), 'Succeeded');
        await slow.snapshots.restore('running');
        assert.equal(await state(), 'Accepted');
        slow.services.clock.advance(30_000);
        assert.equal(await state(), 'Succeeded');
      } finally {
        slow.close();
      }
    });

    it('exports a file, imports it under another name, and starts from it with --snapshot', async () => {
      await createGroup(a.app, 'rg');
      await putCluster(a, C1);
      await request(a.app).post('/_arclight/snapshots').send({ name: 'one' }).expect(201);
      const file = (await request(a.app).get('/_arclight/snapshots/one/export').buffer(true).parse(binary).expect(200)
        .expect('Content-Type', 'application/vnd.sqlite3')).body as Buffer;
      assert.equal(file.subarray(0, 15).toString('latin1'), 'SQLite format 3');
      const imported = await request(a.app).put('/_arclight/snapshots/two').set('Content-Type', 'application/octet-stream').send(file).expect(201);
      assert.equal(imported.body.name, 'two');
      await request(a.app).post('/_arclight/reset').expect(200);
      assert.equal(await status(a, C1), 404);
      await request(a.app).post('/_arclight/snapshots/two/restore').expect(200);
      assert.equal(await status(a, C1), 200);

      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-snap-'));
      try {
        fs.writeFileSync(path.join(dir, 'one.db'), file);
        const started = await testArclight({ inMemory: true, snapshot: path.join(dir, 'one.db') });
        try {
          assert.equal(await status(started, C1), 200);
          assert.deepEqual((await started.snapshots.list()).map((s) => s.name), ['startup']);
          // The initial state is the snapshot's: a full reset goes back to it.
          await request(started.app).delete(`${C1}${CC}`).set('Authorization', bearer());
          started.reset();
          assert.equal(await status(started, C1), 200);
        } finally {
          started.close();
        }
        await assert.rejects(testArclight({ inMemory: true, snapshot: path.join(dir, 'missing.db') }), (e: NodeJS.ErrnoException) => e.code === 'ENOENT');
        fs.writeFileSync(path.join(dir, 'garbage.db'), Buffer.alloc(4096, 3));
        await assert.rejects(testArclight({ inMemory: true, snapshot: path.join(dir, 'garbage.db') }),
          (e: NodeJS.ErrnoException) => e.code === 'EINVAL' && /--snapshot .*garbage\.db: The snapshot file is not an SQLite database/.test(e.message));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it('answers bad names 400, unknown snapshots 404 and bad files 400, in the error envelope', async () => {
      const cases: Array<[string, string, unknown, number, string]> = [
        ['post', '/_arclight/snapshots', { name: '../etc' }, 400, 'InvalidSnapshotName'],
        ['post', '/_arclight/snapshots', { name: '' }, 400, 'InvalidSnapshotName'],
        ['post', '/_arclight/snapshots', { name: 'x'.repeat(64) }, 400, 'InvalidSnapshotName'],
        ['post', '/_arclight/snapshots', {}, 400, 'InvalidRequestContent'],
        ['post', '/_arclight/snapshots', [1], 400, 'InvalidRequestContent'],
        ['post', '/_arclight/snapshots/nope/restore', undefined, 404, 'SnapshotNotFound'],
        ['delete', '/_arclight/snapshots/nope', undefined, 404, 'SnapshotNotFound'],
        ['get', '/_arclight/snapshots/nope', undefined, 404, 'SnapshotNotFound'],
        ['get', '/_arclight/snapshots/nope/export', undefined, 404, 'SnapshotNotFound'],
        ['get', '/_arclight/snapshots/%E0%A4%A/export', undefined, 400, 'InvalidSnapshotName'],
        ['post', '/_arclight/snapshots/bad%20name/restore', undefined, 400, 'InvalidSnapshotName'],
      ];
      for (const [method, url, body, code, error] of cases) {
        const req = request(a.app)[method as 'post'](url);
        const res = body === undefined ? await req : await req.send(body as object);
        assert.equal(res.status, code, `${method} ${url}: ${res.text}`);
        assert.equal(res.body.error.code, error, `${method} ${url}: ${res.text}`);
        assert.equal(typeof res.body.error.message, 'string');
      }
      const garbage = await request(a.app).put('/_arclight/snapshots/g').set('Content-Type', 'application/octet-stream').send(Buffer.alloc(4096, 7)).expect(400);
      assert.equal(garbage.body.error.code, 'InvalidSnapshotFile');
      // An SQLite database, but not an Arclight snapshot.
      const foreign = new Database(':memory:');
      foreign.exec('CREATE TABLE t (x)');
      const other = await request(a.app).put('/_arclight/snapshots/f').set('Content-Type', 'application/octet-stream').send(foreign.serialize()).expect(400);
      foreign.close();
      assert.equal(other.body.error.code, 'InvalidSnapshotFile');
      assert.deepEqual((await request(a.app).get('/_arclight/snapshots').expect(200)).body.value, []);
    });

    it('is the same through the programmatic client', async () => {
      await createGroup(a.app, 'rg');
      const info = await a.snapshots.save('p1');
      assert.equal(info.name, 'p1');
      await putCluster(a, C1);
      await a.snapshots.restore('p1');
      assert.equal(await status(a, C1), 404);
      const file = await a.snapshots.export('p1');
      await a.snapshots.import('p2', file);
      assert.deepEqual((await a.snapshots.list()).map((s) => s.name), ['p1', 'p2']);
      await a.snapshots.delete('p1');
      await assert.rejects(a.snapshots.restore('p1'), (e: ArmError) => e.status === 404 && e.code === 'SnapshotNotFound');
      await assert.rejects(a.snapshots.save('no/slash'), (e: ArmError) => e.status === 400);
    });
  });
}

suite('in memory', () => ({ inMemory: true }));

describe('test platform: snapshots in memory and on disk', () => {
  it(`keeps at most ${MEMORY_SLOTS} in memory (409 beyond), replacing one of the same name`, async () => {
    const a = await testArclight();
    try {
      for (let i = 0; i < MEMORY_SLOTS; i++) await a.snapshots.save(`m${i}`);
      await a.snapshots.save('m0');
      const res = await request(a.app).post('/_arclight/snapshots').send({ name: 'extra' }).expect(409);
      assert.equal(res.body.error.code, 'TooManySnapshots');
    } finally {
      a.close();
    }
  });

  describe('with a data dir', () => {
    let dir: string;
    beforeEach(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-snapdir-'));
    });
    afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('keeps snapshots as files under it, across restarts; a damaged file is refused and nothing changes', async () => {
      let a = await testArclight({ inMemory: false, dataDir: dir });
      await createGroup(a.app, 'rg');
      await putCluster(a, C1);
      await a.snapshots.save('disk');
      assert.ok(fs.existsSync(path.join(dir, 'snapshots', 'disk.db')));
      a.close();
      a = await testArclight({ inMemory: false, dataDir: dir });
      try {
        await putCluster(a, C2);
        assert.deepEqual((await a.snapshots.list()).map((s) => s.name), ['disk']);
        await a.snapshots.restore('disk');
        assert.equal(await status(a, C2), 404);
        await putCluster(a, C2);
        fs.writeFileSync(path.join(dir, 'snapshots', 'disk.db'), Buffer.alloc(8192, 1));
        const res = await request(a.app).post('/_arclight/snapshots/disk/restore').expect(400);
        assert.equal(res.body.error.code, 'InvalidSnapshotFile');
        assert.equal(await status(a, C2), 200);
      } finally {
        a.close();
      }
    });
  });
});

describe('test platform: snapshots between Arclights', () => {
  const EXT = `${C1}/providers/Microsoft.KubernetesConfiguration/extensions/mon`;
  const extension = {
    properties: {
      extensionType: 'microsoft.azuremonitor.containers', releaseTrain: 'Stable', configurationSettings: { a: 'b' },
      configurationProtectedSettings: { 'omsagent.secret.key': 'very-protected-value' },
    },
  };
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-snapx-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  it('carries write-only values in an export, sealed again by the Arclight that imports it', async () => {
    const source = await testArclight({ inMemory: false, dataDir: path.join(dir, 'a') });
    let exported: Buffer;
    try {
      await createGroup(source.app, 'rg');
      await putCluster(source, C1);
      await request(source.app).put(`${EXT}?api-version=2023-05-01`).set('Authorization', bearer()).send(extension).expect(201);
      await source.snapshots.save('with-secrets');
      const atRest = fs.readFileSync(path.join(dir, 'a', 'snapshots', 'with-secrets.db'));
      assert.ok(!atRest.includes('very-protected-value'), 'sealed at rest under the data dir');
      exported = await source.snapshots.export('with-secrets');
    } finally {
      source.close();
    }
    for (const options of [{ inMemory: true }, { inMemory: false, dataDir: path.join(dir, 'b') }]) {
      const target = await testArclight(options);
      try {
        await target.snapshots.import('moved', exported);
        if (!options.inMemory) assert.ok(!fs.readFileSync(path.join(dir, 'b', 'snapshots', 'moved.db')).includes('very-protected-value'));
        await target.snapshots.restore('moved');
        assert.deepEqual(target.services.store.secrets.get(EXT.toLowerCase()), { configurationProtectedSettings: extension.properties.configurationProtectedSettings });
        const stored = target.services.store.db.prepare<[], string>('SELECT body FROM main.secrets').pluck().all();
        assert.ok(stored.every((b) => b.startsWith('v1.')), 'sealed in the store');
      } finally {
        target.close();
      }
    }
    // A file sealed under another store's key (a data dir's own snapshot file) is refused whole.
    const other = await testArclight();
    try {
      const sealedFile = fs.readFileSync(path.join(dir, 'a', 'snapshots', 'with-secrets.db'));
      const res = await request(other.app).put('/_arclight/snapshots/foreign').set('Content-Type', 'application/octet-stream').send(sealedFile).expect(400);
      assert.equal(res.body.error.code, 'InvalidSnapshotFile');
    } finally {
      other.close();
    }
  });
});

for (const [label, make] of [['data dir', () => fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-snapsuite-'))]] as const) {
  const dirs: string[] = [];
  suite(label, () => {
    const d = make();
    dirs.push(d);
    return { inMemory: false, dataDir: d };
  });
  after(() => {
    for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
  });
}
