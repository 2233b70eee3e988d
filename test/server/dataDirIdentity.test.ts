/**
 * The data dir's identity: the CA and the token-signing key are made once, recorded in the
 * database, and never replaced. After the first start a missing, unreadable or corrupt one,
 * a key that does not match, or another certificate stops the start with one line naming the
 * file and the way out (and the files are left as found); an older data dir without the
 * records adopts its files; tokens issued before a restart stay valid. The stored clock: never
 * backwards, and refused when it reads invalid.
 */
import { strict as assert } from 'assert';
import { createPrivateKey, createPublicKey, X509Certificate } from 'crypto';
import Database from 'better-sqlite3';
import * as fs from 'fs';
import * as path from 'path';
import request from 'supertest';
import { createArclight, startArclight } from '../../server/arclight';
import { Store } from '../../server/store';
import { CertificateAuthority } from '../../server/pki/certificateAuthority';
import { KeyUsage } from '../../server/pki/x509';
import { overHttps } from '../support/https';
import { tokenFor } from '../support/identity';
import { SUB } from '../support/arclight';
import { failedStart, removeScratch, scratchDir } from '../support/startup';

const quiet = { logSink: () => undefined };
const WAY_OUT = 'restore it, or start with a new --data-dir';

/**
 * Runs SQL on a data dir's database while no Arclight holds it: only to make a data dir no
 * Arclight would write (an older one, a damaged one), which the store's API cannot do.
 */
function sql(dataDir: string, statement: string, ...params: unknown[]): void {
  const db = new Database(path.join(dataDir, 'arclight.db'));
  try {
    db.prepare(statement).run(...params);
  } finally {
    db.close();
  }
}

/** The settings a data dir's store holds under `names` (read through the store, while no Arclight holds it). */
function storedSettings(dataDir: string, names: readonly string[]): Record<string, unknown> {
  const store = Store.open(dataDir);
  try {
    return Object.fromEntries(names.flatMap((name) => {
      const value = store.setting<unknown>(name);
      return value === undefined ? [] : [[name, value]];
    }));
  } finally {
    store.close();
  }
}

/** Which of the CA and signing-key records the database holds. */
function settingNames(dataDir: string): string[] {
  return Object.keys(storedSettings(dataDir, ['certificateAuthority', 'tokenSigningKey']));
}

describe('the data dir\'s identity', () => {
  let dir: string;
  let pristine: string;
  let caPem: string;
  let signingPem: string;
  before(async function () {
    this.timeout(60_000);
    // One data dir that has started once and issued a token (so it has a signing key), copied for each case.
    dir = scratchDir('arclight-identity-');
    pristine = path.join(dir, 'pristine');
    const a = await createArclight({ dataDir: pristine, ...quiet });
    try {
      await tokenFor(a.app);
    } finally {
      a.close();
    }
    caPem = fs.readFileSync(path.join(pristine, 'certs', 'ca.pem'), 'utf8');
    signingPem = fs.readFileSync(path.join(pristine, 'keys', 'token-signing.pem'), 'utf8');
  });
  after(() => removeScratch(dir));

  let copies = 0;
  const copy = () => {
    const target = path.join(dir, `copy-${++copies}`);
    fs.cpSync(pristine, target, { recursive: true });
    return target;
  };

  it('is recorded in the database the start that makes it, with the certificate\'s thumbprint', () => {
    assert.deepEqual(settingNames(pristine), ['certificateAuthority', 'tokenSigningKey']);
    const records = storedSettings(pristine, ['certificateAuthority', 'tokenSigningKey']) as Record<string, { sha256: string }>;
    assert.equal(records.certificateAuthority.sha256, new X509Certificate(caPem).fingerprint256);
    assert.equal(records.tokenSigningKey.sha256, new X509Certificate(signingPem).fingerprint256);
  });

  it('a data dir that never issued a token makes its signing key only on the first token', async () => {
    const dataDir = path.join(dir, 'lazy');
    (await createArclight({ dataDir, ...quiet })).close();
    assert.equal(fs.existsSync(path.join(dataDir, 'keys', 'token-signing-key.pem')), false);
    assert.deepEqual(settingNames(dataDir), ['certificateAuthority']);
    const a = await createArclight({ dataDir, ...quiet });
    try {
      await tokenFor(a.app);
      assert.ok(fs.existsSync(path.join(dataDir, 'keys', 'token-signing-key.pem')));
    } finally {
      a.close();
    }
    assert.deepEqual(settingNames(dataDir), ['certificateAuthority', 'tokenSigningKey'], 'recorded by the start that made it');
  });

  /** [what is done to a copy, the file the message names, its code, what the message says]. */
  const DAMAGE: Array<[string, (d: string) => void, string, string, RegExp]> = [
    ['the CA certificate is missing', (d) => fs.rmSync(path.join(d, 'certs', 'ca.pem')), 'certs/ca.pem', 'ENOENT', /^the CA certificate \S+ is missing; /],
    ['the CA key is missing', (d) => fs.rmSync(path.join(d, 'certs', 'ca-key.pem')), 'certs/ca-key.pem', 'ENOENT', /^the CA key \S+ is missing; /],
    ['both CA files are missing', (d) => fs.rmSync(path.join(d, 'certs'), { recursive: true }), 'certs/ca.pem', 'ENOENT', /^the CA certificate \S+ is missing; /],
    ['the CA certificate is garbage', (d) => fs.writeFileSync(path.join(d, 'certs', 'ca.pem'), 'garbage'), 'certs/ca.pem', 'ECORRUPT', /^the CA certificate \S+ is not a PEM certificate \(.+\); /],
    ['the CA key is garbage', (d) => fs.writeFileSync(path.join(d, 'certs', 'ca-key.pem'), '-----BEGIN PRIVATE KEY-----\nZ2FyYmFnZQ==\n-----END PRIVATE KEY-----\n'), 'certs/ca-key.pem', 'ECORRUPT', /^the CA key \S+ is not a PEM private key \(.+\); /],
    ['the CA key is another key', (d) => fs.copyFileSync(path.join(d, 'keys', 'token-signing-key.pem'), path.join(d, 'certs', 'ca-key.pem')), 'certs/ca-key.pem', 'ECORRUPT', /^the CA key \S+ does not match the CA certificate \S+; /],
    ['the CA is replaced by another, consistent one', (d) => replaceCa(d), 'certs/ca.pem', 'ECORRUPT', /^the CA certificate \S+ is not the one this data dir recorded on \S+ \(SHA-256 [0-9A-F:]+, found [0-9A-F:]+\); /],
    ['the signing key is missing', (d) => fs.rmSync(path.join(d, 'keys', 'token-signing-key.pem')), 'keys/token-signing-key.pem', 'ENOENT', /^the token-signing key \S+ is missing; /],
    ['the signing certificate is missing', (d) => fs.rmSync(path.join(d, 'keys', 'token-signing.pem')), 'keys/token-signing.pem', 'ENOENT', /^the token-signing certificate \S+ is missing; /],
    ['the signing certificate is garbage', (d) => fs.writeFileSync(path.join(d, 'keys', 'token-signing.pem'), '-----BEGIN CERTIFICATE-----\nZ2FyYmFnZQ==\n-----END CERTIFICATE-----\n'), 'keys/token-signing.pem', 'ECORRUPT', /^the token-signing certificate \S+ is not a PEM certificate/],
    ['the signing key is the CA\'s', (d) => fs.copyFileSync(path.join(d, 'certs', 'ca-key.pem'), path.join(d, 'keys', 'token-signing-key.pem')), 'keys/token-signing-key.pem', 'ECORRUPT', /^the token-signing key \S+ does not match the token-signing certificate/],
    ['the signing certificate is another one for the same key', (d) => reissueSigningCertificate(d), 'keys/token-signing.pem', 'ECORRUPT', /^the token-signing certificate \S+ is not the one this data dir recorded on /],
    ['the store key is missing', (d) => fs.rmSync(path.join(d, 'keys', 'store.key')), 'keys/store.key', 'ENOENT', /^the store key \S+ is missing, and the protected values of this data dir cannot be read without it; /],
    ['the store key is another key', (d) => fs.writeFileSync(path.join(d, 'keys', 'store.key'), Buffer.alloc(32, 7)), 'keys/store.key', 'ECORRUPT', /^the store key \S+ is not the one this data dir's database was sealed with; /],
    ['the store key is garbage', (d) => fs.writeFileSync(path.join(d, 'keys', 'store.key'), 'garbage'), 'keys/store.key', 'ECORRUPT', /^the store key \S+ is not 32 bytes long; /],
  ];

  /** A second certificate for the signing key, from the data dir's own CA: it matches the key, but it is not the recorded one. */
  function reissueSigningCertificate(dataDir: string): void {
    const ca = CertificateAuthority.loadOrCreate(path.join(dataDir, 'certs'));
    const key = createPrivateKey(fs.readFileSync(path.join(dataDir, 'keys', 'token-signing-key.pem')));
    const now = Date.now();
    fs.writeFileSync(path.join(dataDir, 'keys', 'token-signing.pem'), ca.issue({
      subject: { commonName: 'Arclight token signing' }, subjectKey: createPublicKey(key),
      notBefore: new Date(now - 3600_000), notAfter: new Date(now + 3600_000), keyUsage: [KeyUsage.digitalSignature],
    }));
  }

  /** Another CA, consistent in itself, in place of the data dir's. */
  function replaceCa(dataDir: string): void {
    const other = path.join(dir, `other-ca-${copies}`);
    CertificateAuthority.loadOrCreate(other);
    for (const f of ['ca.pem', 'ca-key.pem']) fs.copyFileSync(path.join(other, f), path.join(dataDir, 'certs', f));
  }

  for (const [damage, doIt, file, code, pattern] of DAMAGE) {
    it(`${damage}: the start stops, naming the file (${code}), and nothing is replaced`, async () => {
      const dataDir = copy();
      doIt(dataDir);
      const before = snapshot(dataDir);
      const failure = failedStart(['--port', '0', '--data-dir', dataDir]);
      assert.equal(failure.status, 1);
      assert.match(failure.message, pattern);
      assert.ok(failure.message.includes(` ${path.join(dataDir, file)} `), `names ${file}: ${failure.message}`);
      assert.ok(failure.message.endsWith(`; ${WAY_OUT}`), failure.message);
      await assert.rejects(startArclight({ dataDir, port: 0, ...quiet }), (err: NodeJS.ErrnoException) => {
        assert.equal(err.code, code);
        assert.equal(err.message, failure.message);
        return true;
      });
      assert.deepEqual(snapshot(dataDir), before, 'the certificates and keys are as they were');
      // And the data dir is not left locked by the refused start.
      assert.equal(fs.existsSync(path.join(dataDir, 'arclight.lock')), false);
    });
  }

  /** The PEM files of a data dir, by name. */
  function snapshot(dataDir: string): Record<string, string> {
    const out: Record<string, string> = {};
    for (const sub of ['certs', 'keys']) {
      const d = path.join(dataDir, sub);
      if (fs.existsSync(d)) for (const f of fs.readdirSync(d)) out[`${sub}/${f}`] = fs.readFileSync(path.join(d, f), 'utf8');
    }
    return out;
  }

  it('an unreadable CA key names the file and the operating system\'s code', async function () {
    const dataDir = copy();
    const keyFile = path.join(dataDir, 'certs', 'ca-key.pem');
    fs.rmSync(keyFile);
    fs.mkdirSync(keyFile); // a directory where the key was: unreadable for every user, root included
    await assert.rejects(startArclight({ dataDir, port: 0, ...quiet }), {
      code: 'EISDIR', message: `cannot read the CA key ${keyFile} (EISDIR: illegal operation on a directory); ${WAY_OUT}`,
    });
  });

  it('an older data dir, without the records, adopts the files it has', async () => {
    const dataDir = copy();
    // Raw SQL: a data dir from before these records is one no store API makes (the store never removes them).
    sql(dataDir, "DELETE FROM settings WHERE name IN ('certificateAuthority', 'tokenSigningKey')");
    const a = await createArclight({ dataDir, ...quiet });
    try {
      assert.equal(a.services.ca.certPem, caPem, 'the same CA');
      assert.equal(a.services.tokens.jwk()?.x5c[0], new X509Certificate(signingPem).raw.toString('base64'), 'the same signing key');
    } finally {
      a.close();
    }
    assert.deepEqual(settingNames(dataDir), ['certificateAuthority', 'tokenSigningKey'], 'and records them');
  });

  it('an older data dir with only one file of a pair is refused, not completed', () => {
    const dataDir = copy();
    // Raw SQL: an older data dir without the record, which no store API makes.
    sql(dataDir, "DELETE FROM settings WHERE name = 'tokenSigningKey'");
    fs.rmSync(path.join(dataDir, 'keys', 'token-signing.pem'));
    const failure = failedStart(['--port', '0', '--data-dir', dataDir]);
    assert.equal(failure.message, `the token-signing certificate ${path.join(dataDir, 'keys', 'token-signing.pem')} is missing; ${WAY_OUT}`);
  });

  it('a server certificate that reads wrong is issued again from the same CA (it is not identity)', async () => {
    const dataDir = copy();
    fs.writeFileSync(path.join(dataDir, 'certs', 'server-key.pem'), 'garbage');
    const s = await startArclight({ dataDir, port: 0, ...quiet });
    try {
      assert.equal(s.caCertPem, caPem);
      await overHttps(s.url, caPem)('get', '/_arclight/ready').expect(200);
      assert.match(fs.readFileSync(path.join(dataDir, 'certs', 'server-key.pem'), 'utf8'), /^-----BEGIN PRIVATE KEY-----/);
    } finally {
      await s.stop();
    }
  });

  it('tokens issued before a restart stay valid after it (auth strict)', async () => {
    const dataDir = copy();
    const first = await startArclight({ dataDir, port: 0, auth: 'strict', ...quiet });
    let token: string;
    try {
      token = await tokenFor(first.app);
      await request(first.app).get(`/subscriptions/${SUB}?api-version=2022-12-01`).set('Authorization', `Bearer ${token}`).expect(200);
    } finally {
      await first.stop();
    }
    const second = await startArclight({ dataDir, port: 0, auth: 'strict', ...quiet });
    try {
      await overHttps(second.url, caPem)('get', `/subscriptions/${SUB}?api-version=2022-12-01`).set('Authorization', `Bearer ${token}`).expect(200);
    } finally {
      await second.stop();
    }
  });

  describe('the stored clock', () => {
    const clockOf = async (dataDir: string, options: { clockStart?: string } = {}) => {
      const a = await createArclight({ dataDir, ...options, ...quiet });
      try {
        return { now: a.services.clock.iso(), frozen: a.services.clock.frozen };
      } finally {
        a.close();
      }
    };

    it('--clock-start later than the stored clock moves it forward, and that sticks', async () => {
      const dataDir = copy();
      assert.deepEqual(await clockOf(dataDir, { clockStart: 'frozen:2031-01-01T00:00:00Z' }), { now: '2031-01-01T00:00:00.000Z', frozen: true });
      assert.deepEqual(await clockOf(dataDir, { clockStart: '2032-06-01T00:00:00Z!' }), { now: '2032-06-01T00:00:00.000Z', frozen: true });
      assert.deepEqual(await clockOf(dataDir), { now: '2032-06-01T00:00:00.000Z', frozen: true }, 'a restart without --clock-start goes on from the stored clock');
      assert.deepEqual(await clockOf(dataDir, { clockStart: 'frozen:2032-06-01T00:00:00Z' }), { now: '2032-06-01T00:00:00.000Z', frozen: true }, 'the same instant is not earlier');
    });

    it('--clock-start earlier than the stored clock is refused (EINVAL, exit 2), saying where the clock stands', async () => {
      const dataDir = copy();
      await clockOf(dataDir, { clockStart: 'frozen:2031-01-01T00:00:00Z' });
      const expected = `--clock-start 2030-01-01T00:00:00Z is before the clock stored in --data-dir ${dataDir}, which stands at 2031-01-01T00:00:00.000Z: ` +
        'the clock never moves backwards; omit --clock-start, or start with a new --data-dir';
      const failure = failedStart(['--port', '0', '--data-dir', dataDir, '--clock-start', '2030-01-01T00:00:00Z']);
      assert.equal(failure.status, 2);
      assert.equal(failure.message, expected);
      await assert.rejects(createArclight({ dataDir, clockStart: '2030-01-01T00:00:00Z', ...quiet }), { code: 'EINVAL', message: expected });
      assert.deepEqual(await clockOf(dataDir), { now: '2031-01-01T00:00:00.000Z', frozen: true }, 'the refused start left the clock as it was');
    });

    it('a fresh data dir may start its clock in the past', async () => {
      assert.deepEqual(await clockOf(path.join(dir, 'fresh-clock'), { clockStart: 'frozen:2001-02-03T04:05:06Z' }), { now: '2001-02-03T04:05:06.000Z', frozen: true });
    });

    const INVALID: Array<[string, string, RegExp]> = [
      ['not JSON', '{offsetMs', /unreadable JSON/],
      ['not a number', '{"offsetMs":"soon"}', /offsetMs is "soon", not a number/],
      ['a frozen instant that is no number', '{"offsetMs":0,"frozenAtMs":null}', /frozenAtMs is null, not a number/],
      ['out of the Date range', '{"offsetMs":1e300}', /outside the instants the clock can stand at/],
      ['before 1970', '{"offsetMs":0,"frozenAtMs":-1}', /outside the instants the clock can stand at/],
      ['after 9999', `{"offsetMs":${Date.UTC(10000, 0, 1)}}`, /outside the instants the clock can stand at/],
    ];
    for (const [what, stored, why] of INVALID) {
      it(`a stored clock that is ${what} is refused (ECORRUPT), naming the data dir`, async () => {
        const dataDir = copy();
        // Raw SQL: the stored text is the damage (the store writes JSON only, and Arclight only clocks that read valid).
        sql(dataDir, "INSERT INTO settings (name, value) VALUES ('clock', ?) ON CONFLICT (name) DO UPDATE SET value = excluded.value", stored);
        const failure = failedStart(['--port', '0', '--data-dir', dataDir]);
        assert.equal(failure.status, 1);
        assert.match(failure.message, new RegExp(`^the clock stored in --data-dir ${dataDir} reads invalid \\(.+\\); start with a new --data-dir, or restore the data dir from a backup$`));
        assert.match(failure.message, why);
        await assert.rejects(createArclight({ dataDir, ...quiet }), { code: 'ECORRUPT', message: failure.message });
      });
    }
  });
});
