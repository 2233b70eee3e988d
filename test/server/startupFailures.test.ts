/**
 * Start-up failures that are not usage errors: the data dir (a file, unwritable, a read-only
 * or garbage database), the port (in use), --cert / --key (unreadable, not PEM, not a pair).
 * Each through the executable (exit code, one stderr line naming the path or value, no stack
 * trace) and through startArclight() (an Error whose code is the operating system's or
 * Arclight's own), and none leaves a temporary directory behind.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as net from 'net';
import * as path from 'path';
import { startArclight } from '../../server/arclight';
import { CertificateAuthority } from '../../server/pki/certificateAuthority';
import { failedStart, giveToUnprivileged, isRoot, removeScratch, scratchDir, startInChild, unprivileged } from '../support/startup';

const quiet = { logSink: () => undefined };

/** startArclight(options) must reject with `code` and a message matching `pattern`. */
async function refusedWith(options: Parameters<typeof startArclight>[0], code: string, pattern: RegExp): Promise<void> {
  await assert.rejects(startArclight({ port: 0, ...quiet, ...options }), (err: NodeJS.ErrnoException) => {
    assert.ok(err instanceof Error);
    assert.equal(err.code, code, err.message);
    assert.match(err.message, pattern);
    assert.doesNotMatch(err.message, /\n/, 'one line');
    return true;
  });
}

describe('start-up failures', () => {
  let dir: string;
  beforeEach(() => {
    dir = scratchDir('arclight-startup-');
  });
  afterEach(() => removeScratch(dir));

  /** A data dir that has been started (and stopped) once. */
  async function usedDataDir(name: string): Promise<string> {
    const dataDir = path.join(dir, name);
    await (await startArclight({ dataDir, port: 0, ...quiet })).stop();
    return dataDir;
  }

  describe('the data dir', () => {
    it('a file, not a directory: ENOTDIR, exit 1', async () => {
      const file = path.join(dir, 'plain-file');
      fs.writeFileSync(file, 'not a directory');
      const failure = failedStart(['--port', '0', '--data-dir', file]);
      assert.equal(failure.status, 1);
      assert.equal(failure.message, `--data-dir ${file} is a file, not a directory; give a directory (it is created when missing)`);
      await refusedWith({ dataDir: file }, 'ENOTDIR', /is a file, not a directory/);
      await refusedWith({ dataDir: path.join(file, 'below') }, 'ENOTDIR', new RegExp(`--data-dir ${path.join(file, 'below')}: cannot reach it \\(ENOTDIR`));
      assert.equal(fs.readFileSync(file, 'utf8'), 'not a directory', 'left as it was');
    });

    it('not writable, or not creatable: EACCES, exit 1', () => {
      const readOnly = path.join(dir, 'read-only');
      fs.mkdirSync(readOnly, { mode: 0o555 });
      fs.chmodSync(readOnly, 0o555);
      const failure = failedStart(['--port', '0', '--data-dir', readOnly], { as: unprivileged });
      assert.equal(failure.status, 1);
      // As root the directory is root's and the start runs as nobody: the container's root-owned bind mount, whose fix names the owner.
      const fix = isRoot
        ? `it belongs to uid 0 and Arclight runs as uid 65534: give it to this user (chown 65534 ${readOnly}; for a bind mount, on the host), or choose another --data-dir`
        : 'make it writable by this user, or choose another --data-dir';
      assert.equal(failure.message, `--data-dir ${readOnly} is not writable (EACCES: permission denied); ${fix}`);
      const below = path.join(readOnly, 'data');
      assert.match(failedStart(['--port', '0', '--data-dir', below], { as: unprivileged }).message, new RegExp(`^--data-dir ${below} cannot be created \\(EACCES`));
      assert.deepEqual(startInChild({ dataDir: readOnly, port: 0 }, unprivileged), {
        started: false, code: 'EACCES', message: `--data-dir ${readOnly} is not writable (EACCES: permission denied); ${fix}`,
      });
      assert.equal(startInChild({ dataDir: below, port: 0 }, unprivileged).code, 'EACCES');
    });

    it('a read-only database file: EACCES, exit 1', async () => {
      const dataDir = await usedDataDir('read-only-db');
      giveToUnprivileged(dataDir);
      const database = path.join(dataDir, 'arclight.db');
      fs.chmodSync(database, 0o444);
      const failure = failedStart(['--port', '0', '--data-dir', dataDir], { as: unprivileged });
      assert.equal(failure.status, 1);
      assert.equal(failure.message, `the database file ${database} is read-only (EACCES: permission denied); make it writable by this user, or start with a new --data-dir`);
      assert.equal(startInChild({ dataDir, port: 0 }, unprivileged).code, 'EACCES');
      fs.chmodSync(database, 0o644);
      assert.deepEqual(startInChild({ dataDir, port: 0 }, unprivileged), { started: true }, 'and starts once it is writable again');
    });

    it('a database file that is garbage: ECORRUPT, exit 1, and the file is left alone', async () => {
      const dataDir = path.join(dir, 'garbage-db');
      fs.mkdirSync(dataDir);
      const database = path.join(dataDir, 'arclight.db');
      const garbage = 'this is not a database, but it is long enough to look like a header of one '.repeat(10);
      fs.writeFileSync(database, garbage);
      const failure = failedStart(['--port', '0', '--data-dir', dataDir]);
      assert.equal(failure.status, 1);
      assert.equal(failure.message, `the database ${database} is not an Arclight database (file is not a database); restore it, or start with a new --data-dir`);
      await refusedWith({ dataDir }, 'ECORRUPT', /is not an Arclight database/);
      assert.equal(fs.readFileSync(database, 'utf8'), garbage);
      assert.deepEqual(fs.readdirSync(dataDir), ['arclight.db'], 'no lock file, no certificates');
    });
  });

  describe('the port', () => {
    let blocker: net.Server;
    let busyPort: number;
    beforeEach(async () => {
      blocker = net.createServer();
      await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
      busyPort = (blocker.address() as net.AddressInfo).port;
    });
    afterEach(() => blocker.close());

    it('in use: EADDRINUSE, exit 1; the in-memory CA file and the data dir are released', async () => {
      const tmp = path.join(dir, 'tmp');
      fs.mkdirSync(tmp);
      const failure = failedStart(['--port', String(busyPort), '--in-memory'], { env: { TMPDIR: tmp } });
      assert.equal(failure.status, 1);
      assert.equal(failure.message, `port ${busyPort} on 127.0.0.1 is already in use; stop what listens there, or choose another --port (0 picks a free one)`);
      assert.deepEqual(fs.readdirSync(tmp), [], 'no temporary directory left behind');

      const savedTmp = process.env.TMPDIR;
      process.env.TMPDIR = tmp;
      try {
        await refusedWith({ inMemory: true, port: busyPort }, 'EADDRINUSE', new RegExp(`^port ${busyPort} on 127\\.0\\.0\\.1 is already in use`));
      } finally {
        if (savedTmp === undefined) delete process.env.TMPDIR;
        else process.env.TMPDIR = savedTmp;
      }
      assert.deepEqual(fs.readdirSync(tmp), [], 'none from startArclight either');

      const dataDir = path.join(dir, 'data');
      await refusedWith({ dataDir, port: busyPort }, 'EADDRINUSE', /already in use/);
      await (await startArclight({ dataDir, port: 0, ...quiet })).stop(); // the failed start let go of its data dir
    });
  });

  describe('--cert and --key', () => {
    let files: { cert: string; key: string; otherKey: string; garbage: string };
    beforeEach(() => {
      const ca = CertificateAuthority.loadOrCreate(undefined);
      const [one, two] = [ca.serverCertificate(undefined, ['localhost']), ca.serverCertificate(undefined, ['localhost'])];
      files = { cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem'), otherKey: path.join(dir, 'other-key.pem'), garbage: path.join(dir, 'garbage.pem') };
      fs.writeFileSync(files.cert, one.certPem);
      fs.writeFileSync(files.key, one.keyPem);
      fs.writeFileSync(files.otherKey, two.keyPem);
      fs.writeFileSync(files.garbage, '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n');
    });

    it('unreadable: the operating system\'s code, exit 1', async () => {
      const missing = path.join(dir, 'missing.pem');
      const failure = failedStart(['--port', '0', '--in-memory', '--cert', missing, '--key', files.key]);
      assert.equal(failure.status, 1);
      assert.equal(failure.message, `--cert ${missing}: cannot read it (ENOENT: no such file or directory); check the path and its permissions`);
      await refusedWith({ inMemory: true, cert: files.cert, key: missing }, 'ENOENT', new RegExp(`^--key ${missing}: cannot read it`));
      await refusedWith({ inMemory: true, cert: dir, key: files.key }, 'EISDIR', new RegExp(`^--cert ${dir}: cannot read it \\(EISDIR`));
    });

    it('not PEM, or not a pair: EINVAL, exit 2', async () => {
      const notPem = failedStart(['--port', '0', '--in-memory', '--cert', files.garbage, '--key', files.key]);
      assert.equal(notPem.status, 2);
      assert.match(notPem.message, new RegExp(`^--cert ${files.garbage} is not a PEM certificate \\(.+\\); give the certificate to serve, in PEM$`));
      const notKey = failedStart(['--port', '0', '--in-memory', '--cert', files.cert, '--key', files.garbage]);
      assert.equal(notKey.status, 2);
      assert.match(notKey.message, new RegExp(`^--key ${files.garbage} is not a PEM private key`));
      const mismatch = failedStart(['--port', '0', '--in-memory', '--cert', files.cert, '--key', files.otherKey]);
      assert.equal(mismatch.status, 2);
      assert.equal(mismatch.message, `--key ${files.otherKey} is not the key of --cert ${files.cert}; give the key the certificate was issued for`);
      await refusedWith({ inMemory: true, cert: files.cert, key: files.otherKey }, 'EINVAL', /is not the key of --cert/);
      await refusedWith({ inMemory: true, cert: files.garbage, key: files.key }, 'EINVAL', /is not a PEM certificate/);
    });
  });
});
