/**
 * Credentials as the directory keeps them: client secrets as salted scrypt hashes, certificates
 * as their public PEM with SHA-1 and SHA-256 thumbprints (what `x5t` and `x5t#S256` name).
 */
import { createHash, randomBytes, scryptSync, timingSafeEqual, X509Certificate } from 'crypto';
import type { CertificateRecord, SecretRecord } from './principals';

// A low scrypt cost on purpose: every token request with a secret verifies one, the seed file
// holds the secret in clear anyway, and the hash only has to keep it out of the database.
const SCRYPT = { N: 1024, r: 8, p: 1 };
const HASH_BYTES = 32;

export function hashSecret(secret: string): SecretRecord {
  const salt = randomBytes(16);
  return { salt: salt.toString('base64'), hash: scryptSync(secret, salt, HASH_BYTES, SCRYPT).toString('base64') };
}

/** Marks a salt whose hash is SHA-256 (see hashGeneratedSecret), not scrypt. */
const SHA256_SALT = 'sha256.';

/**
 * For secrets Arclight makes itself (the directory API's: 240 random bits), a salted SHA-256:
 * no guessing can find a value of that entropy, so the slow hash buys nothing, and a test
 * worker's subscription and each of its token requests save the 2 ms scrypt costs.
 */
export function hashGeneratedSecret(secret: string): SecretRecord {
  const salt = SHA256_SALT + randomBytes(16).toString('base64');
  return { salt, hash: createHash('sha256').update(salt).update(secret).digest('base64') };
}

export function secretMatches(secret: string, stored: readonly SecretRecord[]): boolean {
  return stored.some((s) => {
    const expected = Buffer.from(s.hash, 'base64');
    if (s.salt.startsWith(SHA256_SALT)) {
      const actual = createHash('sha256').update(s.salt).update(secret).digest();
      return actual.length === expected.length && timingSafeEqual(actual, expected);
    }
    const actual = scryptSync(secret, Buffer.from(s.salt, 'base64'), expected.length, SCRYPT);
    return timingSafeEqual(actual, expected);
  });
}

export class CertificateError extends Error {}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** Every certificate in a PEM text (a chain counts as several); private keys are refused. */
export function certificateRecords(pem: string): CertificateRecord[] {
  if (/PRIVATE KEY-----/.test(pem)) throw new CertificateError('give the public certificate only: the PEM contains a private key');
  const blocks = pem.match(PEM_CERTIFICATE) ?? [];
  if (!blocks.length) throw new CertificateError('no PEM certificate (-----BEGIN CERTIFICATE-----) found');
  return blocks.map((block) => {
    let cert: X509Certificate;
    try {
      cert = new X509Certificate(block);
    } catch (err) {
      throw new CertificateError(`not a valid X.509 certificate: ${(err as Error).message}`);
    }
    return {
      sha1: cert.fingerprint.replace(/:/g, ''),
      sha256: cert.fingerprint256.replace(/:/g, ''),
      notBefore: Date.parse(cert.validFrom),
      notAfter: Date.parse(cert.validTo),
      pem: `${block}\n`,
    };
  });
}

/** `x5t` / `x5t#S256` header values are base64url thumbprints; records keep upper-case hex. */
export function thumbprintHex(x5t: string): string {
  return Buffer.from(x5t, 'base64url').toString('hex').toUpperCase();
}
