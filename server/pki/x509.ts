/**
 * Builds real X.509 v3 certificates (DER/PEM) signed with Node's crypto: the local CA, the
 * HTTPS server certificate and the managed identity certificates issued to cluster agents.
 */
import { createHash, KeyObject, randomBytes, sign } from 'crypto';
import { isIP } from 'net';
import * as der from './der';

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  basicConstraints: '2.5.29.19',
  keyUsage: '2.5.29.15',
  extKeyUsage: '2.5.29.37',
  subjectAltName: '2.5.29.17',
  subjectKeyIdentifier: '2.5.29.14',
  authorityKeyIdentifier: '2.5.29.35',
  serverAuth: '1.3.6.1.5.5.7.3.1',
  clientAuth: '1.3.6.1.5.5.7.3.2',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
};

export const EXTENDED_KEY_USAGE = { serverAuth: OID.serverAuth, clientAuth: OID.clientAuth };

export enum KeyUsage { digitalSignature = 0, keyEncipherment = 2, keyCertSign = 5, cRLSign = 6 }

export interface DistinguishedName {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
}

export interface CertificateSpec {
  subject: DistinguishedName;
  subjectKey: KeyObject;
  issuer: { name: DistinguishedName; key: KeyObject; publicKey: KeyObject };
  notBefore: Date;
  notAfter: Date;
  ca?: boolean;
  keyUsage: KeyUsage[];
  extendedKeyUsage?: string[];
  /** DNS names, IP addresses and URIs (anything with "://"). */
  subjectAltNames?: string[];
}

function encodeName(name: DistinguishedName): Buffer {
  const rdn = (oid: string, value: string) => der.set(der.sequence(der.objectIdentifier(oid), der.utf8String(value)));
  const parts = [];
  if (name.organization) parts.push(rdn(OID.organization, name.organization));
  if (name.organizationalUnit) parts.push(rdn(OID.organizationalUnit, name.organizationalUnit));
  parts.push(rdn(OID.commonName, name.commonName));
  return der.sequence(...parts);
}

function keyIdentifier(publicKey: KeyObject): Buffer {
  return createHash('sha1').update(publicKey.export({ type: 'spki', format: 'der' })).digest();
}

function extension(oid: string, critical: boolean, value: Buffer): Buffer {
  return der.sequence(der.objectIdentifier(oid), ...(critical ? [der.boolean(true)] : []), der.octetString(value));
}

function altName(name: string): Buffer {
  if (name.includes('://')) return der.implicitPrimitive(6, Buffer.from(name, 'ascii'));
  const family = isIP(name);
  if (family === 4) return der.implicitPrimitive(7, Buffer.from(name.split('.').map(Number)));
  if (family === 6) return der.implicitPrimitive(7, ipv6Bytes(name));
  return der.implicitPrimitive(2, Buffer.from(name, 'ascii'));
}

function ipv6Bytes(address: string): Buffer {
  const [head, tail = ''] = address.split('::');
  const words = (s: string) => (s ? s.split(':').map((w) => parseInt(w, 16)) : []);
  const h = words(head);
  const t = words(tail);
  const all = address.includes('::') ? [...h, ...new Array(8 - h.length - t.length).fill(0), ...t] : h;
  const out = Buffer.alloc(16);
  all.forEach((w, i) => out.writeUInt16BE(w, i * 2));
  return out;
}

function signatureAlgorithm(key: KeyObject): { algorithm: Buffer; digest: string } {
  if (key.asymmetricKeyType === 'ec') return { algorithm: der.sequence(der.objectIdentifier(OID.ecdsaWithSha256)), digest: 'sha256' };
  if (key.asymmetricKeyType === 'rsa') return { algorithm: der.sequence(der.objectIdentifier(OID.sha256WithRsa), der.nullValue()), digest: 'sha256' };
  throw new Error(`unsupported issuer key type ${key.asymmetricKeyType}`);
}

/** Returns the certificate as PEM. */
export function createCertificate(spec: CertificateSpec): string {
  const { algorithm, digest } = signatureAlgorithm(spec.issuer.key);
  const extensions = [
    extension(OID.basicConstraints, true, der.sequence(...(spec.ca ? [der.boolean(true)] : []))),
    extension(OID.keyUsage, true, der.namedBits(spec.keyUsage)),
    extension(OID.subjectKeyIdentifier, false, der.octetString(keyIdentifier(spec.subjectKey))),
    extension(OID.authorityKeyIdentifier, false, der.sequence(der.implicitPrimitive(0, keyIdentifier(spec.issuer.publicKey)))),
  ];
  if (spec.extendedKeyUsage?.length) {
    extensions.push(extension(OID.extKeyUsage, false, der.sequence(...spec.extendedKeyUsage.map(der.objectIdentifier))));
  }
  if (spec.subjectAltNames?.length) {
    extensions.push(extension(OID.subjectAltName, false, der.sequence(...spec.subjectAltNames.map(altName))));
  }
  const serial = randomBytes(16);
  serial[0] &= 0x7f;
  const tbs = der.sequence(
    der.explicit(0, der.unsignedInteger(2)),
    der.unsignedInteger(serial),
    algorithm,
    encodeName(spec.issuer.name),
    der.sequence(der.time(spec.notBefore), der.time(spec.notAfter)),
    encodeName(spec.subject),
    spec.subjectKey.export({ type: 'spki', format: 'der' }),
    der.explicit(3, der.sequence(...extensions)),
  );
  const signature = sign(digest, tbs, spec.issuer.key);
  const certificate = der.sequence(tbs, algorithm, der.bitString(signature));
  return toPem('CERTIFICATE', certificate);
}

export function toPem(label: string, body: Buffer): string {
  const b64 = body.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
