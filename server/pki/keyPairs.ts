/**
 * Key pairs whose KeyObjects share nothing with the job that generated them. On Node 20 a
 * generateKeyPairSync job holds on to the new key's data, and its lock, until the garbage
 * collector finalizes the job. When that happens while the key's details are being read (which
 * jsonwebtoken does at every sign and verify), the finalizer waits for the lock the reader holds,
 * on the same thread, and the process hangs for good: a CI run stopped inside
 * GetRsaKeyDetail -> GC -> ~KeyGenJob -> mutex lock. Keys imported again from their DER have
 * data of their own.
 */
import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'crypto';

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
}

export function newKeyPair(kind: 'rsa' | 'ec'): KeyPair {
  const generated = kind === 'rsa' ? generateKeyPairSync('rsa', { modulusLength: 2048 }) : generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const privateKey = createPrivateKey({ key: generated.privateKey.export({ type: 'pkcs8', format: 'der' }), format: 'der', type: 'pkcs8' });
  return { privateKey, publicKey: createPublicKey(privateKey) };
}
