/**
 * The token service's RS256 signing key and its certificate (issued by Arclight's CA, so the
 * JWKS `x5c` chains to the CA clients already trust). Kept in <data-dir>/keys (key file mode
 * 0600), recorded in the database and never replaced (see pki/identityFiles.ts): tokens
 * issued before a restart stay valid. In memory it lives and dies with the instance.
 *
 * Created on first use, not at start-up: most test instances never issue a token, and RSA key
 * generation is the slowest thing Arclight does.
 */
import { createHash, createPrivateKey, KeyObject, X509Certificate } from 'crypto';
import { newKeyPair } from '../pki/keyPairs';
import * as path from 'path';
import type { CertificateAuthority } from '../pki/certificateAuthority';
import { anyExists, KeyPairFiles, KeyRecordSlot, loadIdentity, recordOf, writeIdentity } from '../pki/identityFiles';
import { KeyUsage } from '../pki/x509';

const YEAR_MS = 365 * 24 * 3600 * 1000;

export interface Jwk {
  kty: 'RSA';
  use: 'sig';
  kid: string;
  x5t: string;
  n: string;
  e: string;
  x5c: string[];
}

export interface LoadedKey {
  /** Also the `x5t`: the base64url SHA-1 thumbprint of the certificate, as Entra names its keys. */
  kid: string;
  privateKey: KeyObject;
  publicKey: KeyObject;
  jwk: Jwk;
}

export class SigningKey {
  private loaded?: LoadedKey;
  private readonly files?: KeyPairFiles;

  /**
   * Loads and checks the data dir's key when it has one (recorded, or files from an older
   * data dir), so a missing or corrupt key stops the start rather than failing a token later.
   * A data dir without one gets it on first use.
   */
  constructor(dir: string | undefined, private readonly ca: CertificateAuthority, private readonly record?: KeyRecordSlot) {
    if (!dir) return;
    this.files = { what: 'token-signing', certFile: path.join(dir, 'token-signing.pem'), keyFile: path.join(dir, 'token-signing-key.pem') };
    const recorded = record?.read();
    if (!recorded && !anyExists(this.files)) return;
    const { keyPem, certPem, certificate } = loadIdentity(this.files, recorded);
    this.loaded = load(keyPem, certPem);
    if (!recorded) record?.write(recordOf(certificate)); // an older data dir: adopt what it has
  }

  /** The key if one exists already; never generates one (ARM checks call this on every new token). */
  peek(): LoadedKey | undefined {
    return this.loaded;
  }

  /** The key, created (and saved, and recorded) if there is none yet. */
  get(): LoadedKey {
    if (this.loaded) return this.loaded;
    const { privateKey, publicKey } = newKeyPair('rsa');
    const now = Date.now();
    const certPem = this.ca.issue({
      subject: { commonName: 'Arclight token signing', organization: 'Arclight' },
      subjectKey: publicKey,
      notBefore: new Date(now - 24 * 3600 * 1000),
      notAfter: new Date(now + 10 * YEAR_MS),
      keyUsage: [KeyUsage.digitalSignature],
    });
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    if (this.files) {
      writeIdentity(this.files, certPem, keyPem);
      this.record?.write(recordOf(new X509Certificate(certPem)));
    }
    this.loaded = load(keyPem, certPem);
    return this.loaded;
  }
}

function load(keyPem: string, certPem: string): LoadedKey {
  const privateKey = createPrivateKey(keyPem);
  const cert = new X509Certificate(certPem);
  const publicKey = cert.publicKey;
  const x5t = createHash('sha1').update(cert.raw).digest('base64url');
  const { n, e } = publicKey.export({ format: 'jwk' }) as { n: string; e: string };
  return { kid: x5t, privateKey, publicKey, jwk: { kty: 'RSA', use: 'sig', kid: x5t, x5t, n, e, x5c: [cert.raw.toString('base64')] } };
}
