/** Onboarding key pairs for connected clusters, generated once per test process (RSA is slow to generate). */
import type { KeyObject } from 'crypto';
import { newKeyPair } from '../../server/pki/keyPairs';

export interface AgentKeys {
  privateKey: KeyObject;
  privateKeyPem: string;
  /** base64 DER PKCS#1 RSAPublicKey, as `az connectedk8s connect` sends it. */
  pkcs1: string;
  /** base64 DER SubjectPublicKeyInfo. */
  spki: string;
}

const pool: AgentKeys[] = [];

export function agentKeys(index = 0): AgentKeys {
  while (pool.length <= index) {
    const { privateKey, publicKey } = newKeyPair('rsa');
    pool.push({
      privateKey,
      privateKeyPem: privateKey.export({ type: 'pkcs1', format: 'pem' }) as string,
      pkcs1: (publicKey.export({ type: 'pkcs1', format: 'der' }) as Buffer).toString('base64'),
      spki: (publicKey.export({ type: 'spki', format: 'der' }) as Buffer).toString('base64'),
    });
  }
  return pool[index];
}
