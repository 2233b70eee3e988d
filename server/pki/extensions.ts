/**
 * The X.509 v3 extensions Arclight's certificates carry, built with @peculiar/asn1-x509.
 * Those that depend only on the kind of certificate (basic constraints, key usage, extended key
 * usage) are the same for every certificate of that kind, so each is encoded once and kept.
 */
import { AsnConvert, OctetString } from '@peculiar/asn1-schema';
import {
  AuthorityKeyIdentifier, BasicConstraints, ExtendedKeyUsage, Extension, id_ce_authorityKeyIdentifier, id_ce_basicConstraints,
  id_ce_extKeyUsage, id_ce_keyUsage, id_ce_subjectAltName, id_ce_subjectKeyIdentifier, KeyIdentifier, KeyUsage as KeyUsageBits,
  SubjectAlternativeName, SubjectKeyIdentifier,
} from '@peculiar/asn1-x509';
import { generalName } from './altNames';
import { encodedOnce } from './encoded';

/** Key usage bits by their number in RFC 5280's KeyUsage BIT STRING (bit 0 is the most significant). */
export enum KeyUsage { digitalSignature = 0, keyEncipherment = 2, keyCertSign = 5, cRLSign = 6 }

function extension(extnID: string, critical: boolean, value: unknown): Extension {
  return new Extension({ extnID, critical, extnValue: new OctetString(AsnConvert.serialize(value)) });
}

/** A builder whose results are encoded once and kept by key: its inputs are a handful of constants in Arclight's code. */
function kept<A>(build: (arg: A) => Extension, key: (arg: A) => string): (arg: A) => Extension {
  const cache = new Map<string, Extension>();
  return (arg) => {
    const k = key(arg);
    let ext = cache.get(k);
    if (!ext) cache.set(k, (ext = encodedOnce(build(arg))));
    return ext;
  };
}

/** Critical, as RFC 5280 wants it in CA certificates; a CA certificate has no path length limit. */
export const basicConstraints = kept((ca: boolean) => extension(id_ce_basicConstraints, true, new BasicConstraints({ cA: ca })), String);

/** Critical: a key used for anything else must be refused. The library drops trailing zero bits, as DER requires. */
export const keyUsage = kept(
  (bits: KeyUsage[]) => extension(id_ce_keyUsage, true, new KeyUsageBits(bits.reduce((flags, bit) => flags | (1 << bit), 0))),
  (bits) => [...bits].sort().join(','),
);

export const extendedKeyUsage = kept((oids: string[]) => extension(id_ce_extKeyUsage, false, new ExtendedKeyUsage(oids)), (oids) => oids.join(','));

export function subjectKeyIdentifier(keyId: Buffer): Extension {
  return extension(id_ce_subjectKeyIdentifier, false, new SubjectKeyIdentifier(keyId));
}

/** The issuer's key identifier alone (no issuer name and serial), so a renewed CA certificate over the same key still links. */
export function authorityKeyIdentifier(keyId: Buffer): Extension {
  return encodedOnce(extension(id_ce_authorityKeyIdentifier, false, new AuthorityKeyIdentifier({ keyIdentifier: new KeyIdentifier(keyId) })));
}

export function subjectAltName(names: string[]): Extension {
  return extension(id_ce_subjectAltName, false, new SubjectAlternativeName(names.map(generalName)));
}
