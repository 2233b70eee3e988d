/** HTTPS: the generated server certificate and its names, and --cert/--key (bring your own certificate). */
import { strict as assert } from 'assert';
import { X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startArclight } from '../../server/arclight';
import { CertificateAuthority } from '../../server/pki/certificateAuthority';
import { testServer, TestServer } from '../support/arclight';
import { overHttps, peerCertificate } from '../support/https';

describe('HTTPS', () => {
  it('serves a certificate for localhost, 127.0.0.1 and ::1, signed by the CA it publishes', async () => {
    const s = await testServer();
    try {
      const cert = new X509Certificate((await peerCertificate(s.url, s.caCertPem)).raw);
      assert.ok(cert.verify(new X509Certificate(s.caCertPem).publicKey));
      assert.equal(cert.checkHost('localhost'), 'localhost');
      assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
      assert.equal(cert.checkIP('::1'), '::1');
      // Host-name verification by a client that trusts only the CA, by name and by address.
      await overHttps(`https://localhost:${s.port}`, s.caCertPem)('get', '/_arclight/ready').expect(200);
      await overHttps(s.url, s.caCertPem)('get', '/_arclight/ready').expect(200);
      assert.equal((await overHttps(s.url, s.caCertPem)('get', '/_arclight/ca.pem').expect(200)).text, s.caCertPem);
    } finally {
      await s.stop();
    }
  });

  describe('--cert and --key', () => {
    let dir: string;
    let own: { certPem: string; keyPem: string; caPem: string };
    before(() => {
      dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-tls-'));
      const ca = CertificateAuthority.loadOrCreate(undefined); // the user's own CA, not Arclight's
      own = { ...ca.serverCertificate(undefined, ['localhost', '127.0.0.1']), caPem: ca.certPem };
      fs.writeFileSync(path.join(dir, 'cert.pem'), own.certPem);
      fs.writeFileSync(path.join(dir, 'key.pem'), own.keyPem);
    });
    after(() => fs.rmSync(dir, { recursive: true, force: true }));

    it('serves the certificate given, which clients trust through its own CA', async () => {
      const s: TestServer = await testServer({ cert: path.join(dir, 'cert.pem'), key: path.join(dir, 'key.pem') });
      try {
        const served = await peerCertificate(s.url, own.caPem);
        assert.equal(served.fingerprint256, new X509Certificate(own.certPem).fingerprint256);
        await overHttps(s.url, own.caPem)('get', '/_arclight/ready').expect(200);
        await assert.rejects(peerCertificate(s.url, s.caCertPem), /self[- ]signed|unable to (verify|get)/i, 'not signed by Arclight\'s CA');
      } finally {
        await s.stop();
      }
    });

    it('refuses one without the other, and unreadable files', async () => {
      await assert.rejects(startArclight({ inMemory: true, port: 0, logSink: () => undefined, cert: path.join(dir, 'cert.pem') }), /--cert and --key go together/);
      await assert.rejects(startArclight({ inMemory: true, port: 0, logSink: () => undefined, cert: path.join(dir, 'nope.pem'), key: path.join(dir, 'key.pem') }), /ENOENT/);
    });
  });
});
