/**
 * A subject's public key as a certificate carries it (SubjectPublicKeyInfo), and its key
 * identifier.
 */
import { AsnConvert } from '@peculiar/asn1-schema';
import { AlgorithmIdentifier, SubjectPublicKeyInfo } from '@peculiar/asn1-x509';
import * as asn1js from 'asn1js';
import { createHash, KeyObject } from 'crypto';
import { encodedOnce } from './encoded';

const EC_PUBLIC_KEY = '1.2.840.10045.2.1';
/** The named curves of RFC 5480, by Node's names for them. */
const CURVE_OIDS: Record<string, string> = { prime256v1: '1.2.840.10045.3.1.7', secp384r1: '1.3.132.0.34', secp521r1: '1.3.132.0.35' };
const curveAlgorithms = new Map<string, AlgorithmIdentifier>();

export interface SubjectKey {
  spki: SubjectPublicKeyInfo;
  /** RFC 5280 4.2.1.2 method 1: the SHA-1 of the subjectPublicKey BIT STRING's bits (no tag, length or unused-bits byte). */
  keyIdentifier: Buffer;
}

/** The id-ecPublicKey algorithm with the curve's OID as its parameters, the same for every key of that curve. */
function curveAlgorithm(curve: string, oid: string): AlgorithmIdentifier {
  let algorithm = curveAlgorithms.get(curve);
  if (!algorithm) {
    const parameters = AsnConvert.serialize(new asn1js.ObjectIdentifier({ value: oid }));
    curveAlgorithms.set(curve, (algorithm = encodedOnce(new AlgorithmIdentifier({ algorithm: EC_PUBLIC_KEY, parameters }))));
  }
  return algorithm;
}

/**
 * The key's SubjectPublicKeyInfo. Node's SPKI export goes through OpenSSL 3's encoder, which
 * takes longer than signing the certificate; an EC key on a named curve is built from its JWK
 * coordinates instead, as the uncompressed point (04 || x || y) that the export writes too.
 */
function subjectPublicKeyInfo(key: KeyObject): SubjectPublicKeyInfo {
  const curve = key.asymmetricKeyType === 'ec' ? key.asymmetricKeyDetails?.namedCurve : undefined;
  const oid = curve ? CURVE_OIDS[curve] : undefined;
  if (!oid) return AsnConvert.parse(key.export({ type: 'spki', format: 'der' }), SubjectPublicKeyInfo);
  const { x, y } = key.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([0x04]), Buffer.from(x!, 'base64url'), Buffer.from(y!, 'base64url')]);
  return new SubjectPublicKeyInfo({ algorithm: curveAlgorithm(curve!, oid), subjectPublicKey: new Uint8Array(point).buffer });
}

export function subjectKey(key: KeyObject): SubjectKey {
  const spki = subjectPublicKeyInfo(key);
  return { spki, keyIdentifier: keyIdentifier(spki) };
}

export function keyIdentifier(spki: SubjectPublicKeyInfo): Buffer {
  return createHash('sha1').update(Buffer.from(spki.subjectPublicKey)).digest();
}
