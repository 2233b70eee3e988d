/**
 * The two deterministic name generators of the template language.
 *
 * uniqueString: the arguments joined with '-', UTF-8 encoded, hashed with the 64-bit MurmurHash
 * variant Azure Resource Manager uses (two 32-bit lanes mixed as in MurmurHash3 x86, 8 bytes a
 * round, seed 0), then written as 13 base-32 characters (a-z, 2-7), five bits at a time from the
 * most significant end.
 *
 * guid: a name-based UUID, version 5 (RFC 4122 section 4.3, SHA-1), over the arguments joined
 * with '-' (UTF-8) in the namespace 11fb06fb-712d-4ddd-98c7-e71bbd588830.
 */
import { createHash } from 'crypto';

const C1 = 0x239b961b;
const C2 = 0xab0e9789;

const rotl = (x: number, r: number): number => ((x << r) | (x >>> (32 - r))) >>> 0;
const mul = (a: number, b: number): number => Math.imul(a, b) >>> 0;

function fmix(h: number): number {
  h = (h ^ (h >>> 16)) >>> 0;
  h = mul(h, 0x85ebca6b);
  h = (h ^ (h >>> 13)) >>> 0;
  h = mul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}

/** Little-endian word of up to four bytes from `at`. */
function word(data: Uint8Array, at: number, count: number): number {
  let w = 0;
  for (let i = count - 1; i >= 0; i--) w = ((w << 8) | data[at + i]) >>> 0;
  return w;
}

export function murmurHash64(data: Uint8Array): bigint {
  let h1 = 0;
  let h2 = 0;
  let at = 0;
  const length = data.length;
  for (; at + 8 <= length; at += 8) {
    let k1 = word(data, at, 4);
    let k2 = word(data, at + 4, 4);
    k1 = mul(rotl(mul(k1, C1), 15), C2);
    h1 = rotl((h1 ^ k1) >>> 0, 19);
    h1 = (h1 + h2) >>> 0;
    h1 = (mul(h1, 5) + 0x561ccd1b) >>> 0;
    k2 = mul(rotl(mul(k2, C2), 17), C1);
    h2 = rotl((h2 ^ k2) >>> 0, 13);
    h2 = (h2 + h1) >>> 0;
    h2 = (mul(h2, 5) + 0x0bcaa747) >>> 0;
  }
  const tail = length - at;
  if (tail > 0) {
    const k1 = mul(rotl(mul(word(data, at, Math.min(tail, 4)), C1), 15), C2);
    h1 = (h1 ^ k1) >>> 0;
    if (tail > 4) {
      const k2 = mul(rotl(mul(word(data, at + 4, tail - 4), C2), 17), C1);
      h2 = (h2 ^ k2) >>> 0;
    }
  }
  h1 = (h1 ^ length) >>> 0;
  h2 = (h2 ^ length) >>> 0;
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  h1 = fmix(h1);
  h2 = fmix(h2);
  h1 = (h1 + h2) >>> 0;
  h2 = (h2 + h1) >>> 0;
  return (BigInt(h2) << 32n) | BigInt(h1);
}

const BASE32 = 'abcdefghijklmnopqrstuvwxyz234567';

export function uniqueString(...values: string[]): string {
  let hash = murmurHash64(Buffer.from(values.join('-'), 'utf8'));
  let out = '';
  for (let i = 0; i < 13; i++) {
    out += BASE32[Number(hash >> 59n)];
    hash = (hash << 5n) & 0xffffffffffffffffn;
  }
  return out;
}

export const GUID_NAMESPACE = '11fb06fb-712d-4ddd-98c7-e71bbd588830';

/** RFC 4122 name-based UUID, version 5. */
export function uuidV5(namespace: string, name: string): string {
  const ns = Buffer.from(namespace.replace(/-/g, ''), 'hex');
  const digest = createHash('sha1').update(ns).update(Buffer.from(name, 'utf8')).digest();
  const b = digest.subarray(0, 16);
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const hex = b.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export function templateGuid(...values: string[]): string {
  return uuidV5(GUID_NAMESPACE, values.join('-'));
}
