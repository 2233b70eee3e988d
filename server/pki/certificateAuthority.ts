/**
 * Arclight's local certificate authority. It signs the HTTPS server certificate (so clients
 * trust the emulator through NODE_EXTRA_CA_CERTS / REQUESTS_CA_BUNDLE) and, later, the managed
 * identity certificates of clusters. Kept in <data-dir>/certs, made once and never replaced
 * (see identityFiles.ts); in-memory runs get a fresh one. The server certificate is not
 * identity: it is issued again whenever the stored one no longer serves.
 */
import { createPrivateKey, createPublicKey, KeyObject, X509Certificate } from 'crypto';
import { newKeyPair } from './keyPairs';
import * as fs from 'fs';
import * as path from 'path';
import { createCertificate, DistinguishedName, EXTENDED_KEY_USAGE, KeyUsage, Signer, SubjectSpec } from './x509';
import { anyExists, KeyPairFiles, KeyRecordSlot, loadIdentity, recordOf, writeIdentity } from './identityFiles';
import { CORRUPT_CODE, RESTORE_OR_NEW_DATA_DIR, StartupError } from '../core/startupError';

const DAY_MS = 24 * 3600 * 1000;
const CA_NAME: DistinguishedName = { commonName: 'Arclight Local Certificate Authority', organization: 'Arclight' };

export interface IssuedCertificate {
  certPem: string;
  keyPem: string;
}

/** A stored pair, or undefined when either file is missing or unreadable (then a new one is issued). */
function readPair(files: KeyPairFiles): IssuedCertificate | undefined {
  try {
    return { certPem: fs.readFileSync(files.certFile, 'utf8'), keyPem: fs.readFileSync(files.keyFile, 'utf8') };
  } catch {
    return undefined;
  }
}

export class CertificateAuthority {
  readonly publicKey: KeyObject;
  readonly certificate: X509Certificate;
  /** The CA's name and key identifier, encoded once for all it issues. */
  private readonly signer: Signer;

  private constructor(readonly certPem: string, private readonly key: KeyObject) {
    this.publicKey = createPublicKey(key);
    this.certificate = new X509Certificate(certPem);
    this.signer = Signer.fromCertificate(this.certificate.raw, key);
  }

  /**
   * The data dir's CA, from `dir`; without `dir`, a throwaway one. It is created only when
   * the data dir has none (no record, no files) and is never replaced: see identityFiles.ts.
   */
  static loadOrCreate(dir: string | undefined, record?: KeyRecordSlot): CertificateAuthority {
    if (!dir) return CertificateAuthority.generate();
    const files: KeyPairFiles = { what: 'CA', certFile: path.join(dir, 'ca.pem'), keyFile: path.join(dir, 'ca-key.pem') };
    const recorded = record?.read();
    if (!recorded && !anyExists(files)) {
      const ca = CertificateAuthority.generate();
      writeIdentity(files, ca.certPem, ca.key.export({ type: 'pkcs8', format: 'pem' }) as string);
      record?.write(recordOf(ca.certificate));
      return ca;
    }
    const loaded = loadIdentity(files, recorded);
    const ca = CertificateAuthority.fromFiles(files, loaded.certPem, loaded.privateKey);
    if (!ca.certificate.ca) throw new StartupError(CORRUPT_CODE, `the CA certificate ${files.certFile} is not a CA certificate; ${RESTORE_OR_NEW_DATA_DIR}`);
    // TLS clients check the chain against real time: an expired CA cannot serve, and replacing it would break their trust.
    if (Date.parse(ca.certificate.validTo) <= Date.now()) {
      throw new StartupError('CERT_HAS_EXPIRED', `the CA certificate ${files.certFile} expired on ${new Date(ca.certificate.validTo).toISOString()}; start with a new --data-dir`);
    }
    if (!recorded) record?.write(recordOf(ca.certificate)); // an older data dir: adopt what it has
    return ca;
  }

  /** Node's parser has read the certificate; one that the ASN.1 library cannot read as X.509 is as corrupt. */
  private static fromFiles(files: KeyPairFiles, certPem: string, key: KeyObject): CertificateAuthority {
    try {
      return new CertificateAuthority(certPem, key);
    } catch (err) {
      throw new StartupError(CORRUPT_CODE, `the CA certificate ${files.certFile} is not an X.509 certificate (${(err as Error).message}); ${RESTORE_OR_NEW_DATA_DIR}`);
    }
  }

  private static generate(): CertificateAuthority {
    const { privateKey, publicKey } = newKeyPair('ec');
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
    return new CertificateAuthority(certPem, privateKey);
  }

  /**
   * The HTTPS certificate for the given host names and addresses, reused from `dir` while it
   * is valid for 30 more days, covers every name and was signed by this CA. TLS validity is
   * checked by clients against real time, so it never follows the emulator clock.
   */
  serverCertificate(dir: string | undefined, names: string[]): IssuedCertificate {
    const files: KeyPairFiles | undefined = dir ? { what: 'server certificate', certFile: path.join(dir, 'server.pem'), keyFile: path.join(dir, 'server-key.pem') } : undefined;
    const existing = files && readPair(files);
    if (existing && this.stillServes(existing, names)) return existing;
    const { privateKey, publicKey } = newKeyPair('ec');
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
    if (files) writeIdentity(files, issued.certPem, issued.keyPem);
    return issued;
  }

  /** Signs a certificate for `subjectKey` (a public key) with this CA. */
  issue(spec: SubjectSpec): string {
    return this.signer.sign(spec);
  }

  /** Whether a stored server certificate (and its key) can go on serving `names`; anything unreadable cannot. */
  private stillServes({ certPem, keyPem }: IssuedCertificate, names: string[]): boolean {
    try {
      const cert = new X509Certificate(certPem);
      if (!cert.verify(this.publicKey) || !cert.checkPrivateKey(createPrivateKey(keyPem))) return false;
      if (Date.parse(cert.validTo) < Date.now() + 30 * DAY_MS) return false;
      return names.every((n) => (/^[\d.]+$|:/.test(n) ? cert.checkIP(n) : cert.checkHost(n)) !== undefined);
    } catch {
      return false;
    }
  }
}
