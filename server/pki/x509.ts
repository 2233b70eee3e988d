/**
 * Builds real X.509 v3 certificates (DER/PEM): the local CA, the HTTPS server certificate and
 * the managed identity certificates issued to cluster agents. The structures are
 * @peculiar/asn1-x509's and its serializer writes the DER; Node's crypto `sign()` signs. Both
 * are synchronous, which matters: identity certificates are issued inside SQLite transactions.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import {
  AlgorithmIdentifier, AttributeTypeAndValue, AttributeValue, Certificate, Extension, Extensions, id_ce_subjectKeyIdentifier,
  id_kp_clientAuth, id_kp_serverAuth, Name, RelativeDistinguishedName, SubjectKeyIdentifier, TBSCertificate, Time, Validity, Version,
} from '@peculiar/asn1-x509';
import { KeyObject, randomBytes, sign } from 'crypto';
import { encodedOnce, encodeForSigning } from './encoded';
import * as ext from './extensions';
import { KeyUsage } from './extensions';
import { keyIdentifier, subjectKey } from './publicKeys';

export { KeyUsage };

const OID = {
  commonName: '2.5.4.3',
  organization: '2.5.4.10',
  organizationalUnit: '2.5.4.11',
  ecdsaWithSha256: '1.2.840.10045.4.3.2',
  sha256WithRsa: '1.2.840.113549.1.1.11',
};

export const EXTENDED_KEY_USAGE = { serverAuth: id_kp_serverAuth, clientAuth: id_kp_clientAuth };

export interface DistinguishedName {
  commonName: string;
  organization?: string;
  organizationalUnit?: string;
}

/** What a certificate says about its subject; the issuer is given apart. */
export interface SubjectSpec {
  subject: DistinguishedName;
  subjectKey: KeyObject;
  notBefore: Date;
  notAfter: Date;
  ca?: boolean;
  keyUsage: KeyUsage[];
  extendedKeyUsage?: string[];
  /** DNS names, IP addresses and URIs (anything with "://"). */
  subjectAltNames?: string[];
}

export interface IssuerSpec {
  name: DistinguishedName;
  key: KeyObject;
  publicKey: KeyObject;
}

export interface CertificateSpec extends SubjectSpec {
  issuer: IssuerSpec;
}

/** RDNs in the order O, OU, CN, each a UTF8String (RFC 5280 wants UTF8String for new names). */
function encodeName(name: DistinguishedName): Name {
  const rdn = (type: string, value: string) => new RelativeDistinguishedName([new AttributeTypeAndValue({ type, value: new AttributeValue({ utf8String: value }) })]);
  const parts = [];
  if (name.organization) parts.push(rdn(OID.organization, name.organization));
  if (name.organizationalUnit) parts.push(rdn(OID.organizationalUnit, name.organizationalUnit));
  parts.push(rdn(OID.commonName, name.commonName));
  return new Name(parts);
}

function signatureAlgorithm(key: KeyObject): AlgorithmIdentifier {
  // RFC 5758: no parameters for ECDSA; RFC 4055: NULL parameters for RSA.
  if (key.asymmetricKeyType === 'ec') return new AlgorithmIdentifier({ algorithm: OID.ecdsaWithSha256 });
  if (key.asymmetricKeyType === 'rsa') return new AlgorithmIdentifier({ algorithm: OID.sha256WithRsa, parameters: null });
  throw new Error(`unsupported issuer key type ${key.asymmetricKeyType}`);
}

/** UTCTime until 2049, GeneralizedTime otherwise (RFC 5280 4.1.2.5), whole seconds (fractions are not allowed). */
function time(date: Date): Time {
  const seconds = new Date(Math.floor(date.getTime() / 1000) * 1000);
  const year = seconds.getUTCFullYear();
  return new Time(year >= 1950 && year < 2050 ? { utcTime: seconds } : { generalTime: seconds });
}

/** A positive INTEGER of 16 random bytes, in the fewest octets DER allows. */
function serialNumber(): ArrayBuffer {
  for (;;) {
    const serial = randomBytes(16);
    serial[0] &= 0x7f; // the top bit would make the INTEGER negative
    const first = serial.findIndex((b) => b !== 0);
    if (first === -1) continue; // zero is not a positive serial
    const minimal = serial.subarray(first);
    // a leading 0x00 is needed (and allowed) only before a byte whose top bit is set
    return arrayBuffer(minimal[0] & 0x80 ? Buffer.concat([Buffer.from([0]), minimal]) : minimal);
  }
}

function arrayBuffer(bytes: Buffer): ArrayBuffer {
  return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.length) as ArrayBuffer;
}

/**
 * What stays the same for every certificate one issuer signs, encoded once: its name, its key
 * identifier (in the authorityKeyIdentifier extension) and the signature algorithm.
 */
export class Signer {
  private readonly algorithm: AlgorithmIdentifier;
  private readonly name: Name;
  private readonly authorityKeyIdentifier: Extension;

  private constructor(private readonly key: KeyObject, name: Name, keyId: Buffer) {
    this.algorithm = encodedOnce(signatureAlgorithm(key));
    this.name = encodedOnce(name);
    this.authorityKeyIdentifier = ext.authorityKeyIdentifier(keyId);
  }

  /** An issuer known by its name and public key (a self-signed certificate's). */
  static of(issuer: IssuerSpec): Signer {
    return new Signer(issuer.key, encodeName(issuer.name), subjectKey(issuer.publicKey).keyIdentifier);
  }

  /**
   * An issuer known by its certificate (DER): what it issues names it with its certificate's
   * subject and carries its certificate's subjectKeyIdentifier, however that was computed (an
   * older Arclight hashed the whole SubjectPublicKeyInfo), so chains link to the CA as it is.
   */
  static fromCertificate(der: Buffer, key: KeyObject): Signer {
    const { tbsCertificate: tbs } = AsnConvert.parse(der, Certificate);
    const ski = tbs.extensions?.find((e) => e.extnID === id_ce_subjectKeyIdentifier);
    const keyId = ski ? Buffer.from(AsnConvert.parse(ski.extnValue, SubjectKeyIdentifier).buffer) : keyIdentifier(tbs.subjectPublicKeyInfo);
    return new Signer(key, tbs.subject, keyId);
  }

  /** The certificate as PEM. */
  sign(spec: SubjectSpec): string {
    const { spki, keyIdentifier: keyId } = subjectKey(spec.subjectKey);
    const extensions = [
      ext.basicConstraints(spec.ca ?? false),
      ext.keyUsage(spec.keyUsage),
      ext.subjectKeyIdentifier(keyId),
      this.authorityKeyIdentifier,
    ];
    if (spec.extendedKeyUsage?.length) extensions.push(ext.extendedKeyUsage(spec.extendedKeyUsage));
    if (spec.subjectAltNames?.length) extensions.push(ext.subjectAltName(spec.subjectAltNames));
    const validity = new Validity();
    validity.notBefore = time(spec.notBefore);
    validity.notAfter = time(spec.notAfter);
    const tbs = encodeForSigning(new TBSCertificate({
      version: Version.v3,
      serialNumber: serialNumber(),
      signature: this.algorithm,
      issuer: this.name,
      validity,
      subject: encodeName(spec.subject),
      subjectPublicKeyInfo: spki,
      extensions: new Extensions(extensions),
    }));
    const signatureValue = arrayBuffer(sign('sha256', tbs.der, this.key));
    const certificate = new Certificate({ tbsCertificate: tbs.encoded, signatureAlgorithm: this.algorithm, signatureValue });
    return toPem('CERTIFICATE', Buffer.from(AsnConvert.serialize(certificate)));
  }
}

/** Returns the certificate as PEM. Signing many with one issuer: keep a Signer. */
export function createCertificate(spec: CertificateSpec): string {
  return Signer.of(spec.issuer).sign(spec);
}

export function toPem(label: string, body: Buffer): string {
  const b64 = body.toString('base64').replace(/(.{64})/g, '$1\n').replace(/\n$/, '');
  return `-----BEGIN ${label}-----\n${b64}\n-----END ${label}-----\n`;
}
