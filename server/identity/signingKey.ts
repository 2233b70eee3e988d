/**
 * The token service's RS256 signing key and its certificate (issued by Arclight's CA, so the
 * JWKS `x5c` chains to the CA clients already trust). Kept in <data-dir>/keys (key file mode
 * 0600) and reused across restarts; in memory it lives and dies with the instance.
 *
 * Created on first use, not at start-up: most test instances never issue a token, and RSA key
 * generation is the slowest thing Arclight does.
 */
import { createHash, createPrivateKey, generateKeyPairSync, KeyObject, X509Certificate } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { CertificateAuthority } from '../pki/certificateAuthority';
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
  private absentOnDisk = false;

  constructor(private readonly dir: string | undefined, private readonly ca: CertificateAuthority) {}

  /** The key if one exists already; never generates one (ARM checks call this on every new token). */
  peek(): LoadedKey | undefined {
    if (this.loaded || !this.dir || this.absentOnDisk) return this.loaded;
    const files = this.files();
    if (fs.existsSync(files.key) && fs.existsSync(files.cert)) {
      this.loaded = load(fs.readFileSync(files.key, 'utf8'), fs.readFileSync(files.cert, 'utf8'));
    } else {
      this.absentOnDisk = true;
    }
    return this.loaded;
  }

  /** The key, created (and saved) if there is none yet. */
  get(): LoadedKey {
    const existing = this.peek();
    if (existing) return existing;
    const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const now = Date.now();
    const certPem = this.ca.issue({
      subject: { commonName: 'Arclight token signing', organization: 'Arclight' },
      subjectKey: publicKey,
      notBefore: new Date(now - 24 * 3600 * 1000),
      notAfter: new Date(now + 10 * YEAR_MS),
      keyUsage: [KeyUsage.digitalSignature],
    });
    const keyPem = privateKey.export({ type: 'pkcs8', format: 'pem' }) as string;
    if (this.dir) {
      const files = this.files();
      fs.mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      fs.writeFileSync(files.key, keyPem, { mode: 0o600 });
      fs.writeFileSync(files.cert, certPem);
    }
    this.loaded = load(keyPem, certPem);
    return this.loaded;
  }

  private files() {
    return { key: path.join(this.dir!, 'token-signing-key.pem'), cert: path.join(this.dir!, 'token-signing.pem') };
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
