/**
 * One Arclight per data dir: a second one, in the same process or another, is refused with
 * ELOCKED, naming the data dir and the PID that holds it, and leaves the first one alone; the
 * lock goes with its holder, even one killed with SIGKILL.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { createArclight, startArclight } from '../../server/arclight';
import { overHttps } from '../support/https';
import { groupPath } from '../support/clusters';
import { exited, failedStart, removeScratch, scratchDir, startExecutable, startInChild } from '../support/startup';

const quiet = { logSink: () => undefined };

describe('the data dir lock', () => {
  let dir: string;
  let dataDir: string;
  beforeEach(() => {
    dir = scratchDir('arclight-lock-');
    dataDir = path.join(dir, 'data');
  });
  afterEach(() => removeScratch(dir));

  it('refuses a second instance in the same process, which leaves the first one working', async () => {
    const first = await createArclight({ dataDir, ...quiet });
    try {
      assert.equal(fs.readFileSync(path.join(dataDir, 'arclight.lock'), 'utf8'), `${process.pid}\n`, 'the lock file names the holder');
      await assert.rejects(createArclight({ dataDir, ...quiet }), (err: NodeJS.ErrnoException) => {
        assert.equal(err.code, 'ELOCKED');
        assert.equal(err.message, `--data-dir ${dataDir} is in use by another Arclight in this process (PID ${process.pid}); stop that one, or start with another --data-dir`);
        return true;
      });
      // The refused one touched nothing: the first still reads and writes, its lock file is still there.
      first.services.store.setSetting('still-mine', true);
      assert.equal(first.services.store.setting('still-mine'), true);
      assert.ok(fs.existsSync(path.join(dataDir, 'arclight.lock')));
    } finally {
      first.close();
    }
    assert.equal(fs.existsSync(path.join(dataDir, 'arclight.lock')), false, 'a clean close removes the lock file');
    const next = await createArclight({ dataDir, ...quiet });
    assert.equal(next.services.store.setting('still-mine'), true);
    next.close();
  });

  it('refuses a second process, naming the PID that holds the data dir', async () => {
    const holder = await startExecutable(['--port', '0', '--data-dir', dataDir]);
    try {
      const pid = holder.child.pid!;
      const failure = failedStart(['--port', '0', '--data-dir', dataDir]);
      assert.equal(failure.status, 1);
      assert.equal(failure.message, `--data-dir ${dataDir} is in use by another Arclight (PID ${pid}); stop that one, or start with another --data-dir`);
      assert.deepEqual(startInChild({ dataDir, port: 0 }), {
        started: false, code: 'ELOCKED', message: `--data-dir ${dataDir} is in use by another Arclight (PID ${pid}); stop that one, or start with another --data-dir`,
      });
      await assert.rejects(startArclight({ dataDir, port: 0, ...quiet }), { code: 'ELOCKED' });
      // The holder did not notice.
      const ca = fs.readFileSync(path.join(dataDir, 'certs', 'ca.pem'), 'utf8');
      await overHttps(holder.ready.url, ca)('put', `${groupPath('kept')}?api-version=2021-04-01`).send({ location: 'eastus' }).expect(201);
    } finally {
      holder.child.kill('SIGTERM');
      await exited(holder.child);
    }
    assert.equal(fs.existsSync(path.join(dataDir, 'arclight.lock')), false, 'SIGTERM is a clean stop');
  });

  it('does not survive its holder: after kill -9 the next start takes the data dir, data intact', async () => {
    const holder = await startExecutable(['--port', '0', '--data-dir', dataDir]);
    const ca = fs.readFileSync(path.join(dataDir, 'certs', 'ca.pem'), 'utf8');
    await overHttps(holder.ready.url, ca)('put', `${groupPath('survivor')}?api-version=2021-04-01`).send({ location: 'eastus' }).expect(201);
    holder.child.kill('SIGKILL');
    await exited(holder.child);
    assert.equal(fs.readFileSync(path.join(dataDir, 'arclight.lock'), 'utf8'), `${holder.child.pid}\n`, 'a crash leaves the lock file behind');

    const next = await startExecutable(['--port', '0', '--data-dir', dataDir]);
    try {
      assert.equal(fs.readFileSync(path.join(dataDir, 'arclight.lock'), 'utf8'), `${next.child.pid}\n`, 'and the next holder writes its own');
      await overHttps(next.ready.url, ca)('get', `${groupPath('survivor')}?api-version=2021-04-01`).expect(200);
    } finally {
      next.child.kill('SIGTERM');
      await exited(next.child);
    }
  });

  it('a refused start says "another process" when the lock file is gone or names a dead PID', async () => {
    const first = await createArclight({ dataDir, ...quiet });
    try {
      fs.rmSync(path.join(dataDir, 'arclight.lock'));
      await assert.rejects(createArclight({ dataDir, ...quiet }), { code: 'ELOCKED', message: `--data-dir ${dataDir} is in use by another process; stop that one, or start with another --data-dir` });
      fs.writeFileSync(path.join(dataDir, 'arclight.lock'), '999999999\n');
      await assert.rejects(createArclight({ dataDir, ...quiet }), { code: 'ELOCKED', message: new RegExp(`is in use by another process \\(arclight\\.lock names PID 999999999, which is not running\\)`) });
    } finally {
      first.close();
    }
  });
});
