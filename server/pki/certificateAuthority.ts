/**
 * Arclight's local certificate authority. It signs the HTTPS server certificate (so clients
 * trust the emulator through NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE) and, later, the managed
 * identity certificates of clusters. Kept in <data-dir>/certs and reused across restarts;
 * in-memory runs get a fresh one.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { createCertificate, DistinguishedName, EXTENDED_KEY_USAGE, KeyUsage } from './x509';

const DAY_MS = 24 * 3600 * 1000;
const CA_NAME: DistinguishedName = { commonName: 'Arclight Local Certificate Authority', organization: 'Arclight' };

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

function newKeyPair(): { privateKey: KeyObject; publicKey: KeyObject } {
  // P-256: generated in about a millisecond, so start-up never waits on key generation.
  return generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
}

function writeSecretFile(file: string, content: string): void {
  fs.writeFileSync(file, content, { mode: 0o600 });
}

export class CertificateAuthority {
  readonly publicKey: KeyObject;
  readonly certificate: X509Certificate;

  private constructor(readonly certPem: string, private readonly key: KeyObject) {
    this.publicKey = createPublicKey(key);
    this.certificate = new X509Certificate(certPem);
  }

  /** Loads the CA from `dir` or creates it there; without `dir`, a throwaway CA. */
  static loadOrCreate(dir: string | undefined): CertificateAuthority {
    const certFile = dir && path.join(dir, 'ca.pem');
    const keyFile = dir && path.join(dir, 'ca-key.pem');
    if (certFile && keyFile && fs.existsSync(certFile) && fs.existsSync(keyFile)) {
      const ca = new CertificateAuthority(fs.readFileSync(certFile, 'utf8'), createPrivateKey(fs.readFileSync(keyFile, 'utf8')));
      if (Date.parse(ca.certificate.validTo) > Date.now() + 30 * DAY_MS) return ca;
    }
    const { privateKey, publicKey } = newKeyPair();
    const now = Date.now();
    const certPem = createCertificate({
      subject: CA_NAME,
      subjectKey: publicKey,
      issuer: { name: CA_NAME, key: privateKey, publicKey },
      notBefore: new Date(now - DAY_MS),
      notAfter: new Date(now + 10 * 365 * DAY_MS),
      ca: true,
      keyUsage: [KeyUsage.digitalSignature, KeyUsage.keyCertSign, KeyUsage.cRLSign],
    });
    if (dir && certFile && keyFile) {
      fs.mkdirSync(dir, { recursive: true });
      writeSecretFile(keyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
      fs.writeFileSync(certFile, certPem);
    }
    return new CertificateAuthority(certPem, privateKey);
  }

  /**
   * The HTTPS certificate for the given host names and addresses, reused from `dir` while it
   * is valid for 30 more days, covers every name and was signed by this CA. TLS validity is
   * checked by clients against real time, so it never follows the emulator clock.
   */
  serverCertificate(dir: string | undefined, names: string[]): IssuedCertificate {
    const certFile = dir && path.join(dir, 'server.pem');
    const keyFile = dir && path.join(dir, 'server-key.pem');
    if (certFile && keyFile && fs.existsSync(certFile) && fs.existsSync(keyFile)) {
      const existing = { certPem: fs.readFileSync(certFile, 'utf8'), keyPem: fs.readFileSync(keyFile, 'utf8') };
      if (this.stillServes(existing.certPem, names)) return existing;
    }
    const { privateKey, publicKey } = newKeyPair();
    const now = Date.now();
    const issued = {
      certPem: this.issue({
        subject: { commonName: names[0] ?? 'localhost', organization: 'Arclight' },
        subjectKey: publicKey,
        notBefore: new Date(now - DAY_MS),
        notAfter: new Date(now + 365 * DAY_MS),
        keyUsage: [KeyUsage.digitalSignature, KeyUsage.keyEncipherment],
        extendedKeyUsage: [EXTENDED_KEY_USAGE.serverAuth],
        subjectAltNames: names,
      }),
      keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string,
    };
    if (dir && certFile && keyFile) {
      fs.mkdirSync(dir, { recursive: true });
      writeSecretFile(keyFile, issued.keyPem);
      fs.writeFileSync(certFile, issued.certPem);
    }
    return issued;
  }

  /** Signs a certificate for `subjectKey` (a public key) with this CA. */
  issue(spec: Omit<Parameters<typeof createCertificate>[0], 'issuer'>): string {
    return createCertificate({ ...spec, issuer: { name: CA_NAME, key: this.key, publicKey: this.publicKey } });
  }

  private stillServes(certPem: string, names: string[]): boolean {
    try {
      const cert = new X509Certificate(certPem);
      if (!cert.verify(this.publicKey)) return false;
      if (Date.parse(cert.validTo) < Date.now() + 30 * DAY_MS) return false;
      return names.every((n) => (/^[\d.]+$|:/.test(n) ? cert.checkIP(n) : cert.checkHost(n)) !== undefined);
    } catch {
      return false;
    }
  }
}
