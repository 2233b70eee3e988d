/**
 * Parts of a certificate encoded once and then written as those bytes. asn1js (under
 * @peculiar/asn1-schema) builds a fresh tree of objects for every element it writes and copies
 * each byte once per level of nesting, so encoding is most of what issuing a certificate costs.
 * What is the same in every certificate one CA issues (its name, its key identifier, the
 * signature algorithm, the extensions of one kind of certificate) is worth encoding only once;
 * and the signed TBSCertificate must go into the certificate as the very bytes that were signed.
 */
import { AsnSerializer, IAsnConvertible } from '@peculiar/asn1-schema';
import * as asn1js from 'asn1js';

/**
 * An element already encoded. asn1-schema writes any IAsnConvertible in place of the declared
 * type, and asn1js writes a Primitive's value bytes as given: with the identifier (class,
 * number, constructed bit) of the element, that is the element's DER, byte for byte.
 */
class Encoded implements IAsnConvertible {
  private readonly block: asn1js.Primitive;

  constructor(element: asn1js.AsnType) {
    const { idBlock, valueBlock } = element as asn1js.BaseBlock;
    this.block = new asn1js.Primitive({ idBlock: { tagClass: idBlock.tagClass, tagNumber: idBlock.tagNumber }, valueHex: valueBlock.toBER(false) });
    this.block.idBlock.isConstructed = idBlock.isConstructed; // Primitive's constructor clears it
  }

  toASN(): asn1js.Primitive {
    return this.block;
  }

  fromASN(): this {
    throw new Error('an encoded certificate part is written, never read');
  }

  toSchema(): asn1js.BaseBlock {
    throw new Error('an encoded certificate part is written, never read');
  }

  der(): Buffer {
    return Buffer.from(this.block.toBER(false));
  }
}

/**
 * `value` encoded now, standing in for it in the library's structures (typed as it is, so it
 * fits where the value would: it is only ever serialized, never read).
 */
export function encodedOnce<T extends object>(value: T): T {
  return new Encoded(AsnSerializer.toASN(value)) as unknown as T;
}

/** `value` encoded, with its DER: the bytes to sign, and the stand-in that puts those same bytes in the certificate. */
export function encodeForSigning<T extends object>(value: T): { der: Buffer; encoded: T } {
  const encoded = new Encoded(AsnSerializer.toASN(value));
  return { der: encoded.der(), encoded: encoded as unknown as T };
}
