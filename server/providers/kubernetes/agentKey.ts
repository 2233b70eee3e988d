/**
 * The onboarding key of a connected cluster: `agentPublicKeyCertificate` is the base64 DER of
 * an RSA public key, PKCS#1 RSAPublicKey as `az connectedk8s connect` and Terraform send it,
 * or SubjectPublicKeyInfo. The agent later proves it holds the matching private key.
 */
import { createPublicKey, KeyObject } from 'crypto';
import { ArmError } from '../../kit/armErrors';

const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Kinds Azure creates with an empty key (the spec examples send ""): agentless clusters (AWS,
 * GCP), and ProvisionedCluster, whose agents AKS enabled by Arc installs itself.
 */
const KEYLESS_KINDS = new Set(['aws', 'gcp', 'provisionedcluster']);

export function mayOmitKey(kind: unknown, key: unknown): boolean {
  return key === '' && typeof kind === 'string' && KEYLESS_KINDS.has(kind.toLowerCase());
}

/** The RSA public key in `value`, or undefined when it is not one. */
export function parseAgentPublicKey(value: string): KeyObject | undefined {
  const text = value.trim();
  if (!BASE64.test(text) || text.length % 4 !== 0) return undefined;
  const der = Buffer.from(text, 'base64');
  for (const type of ['pkcs1', 'spki'] as const) {
    try {
      const key = createPublicKey({ key: der, format: 'der', type });
      if (key.asymmetricKeyType === 'rsa') return key;
    } catch {
      // not this encoding; try the next
    }
  }
  return undefined;
}

export function requireAgentPublicKey(value: unknown): KeyObject {
  const key = typeof value === 'string' ? parseAgentPublicKey(value) : undefined;
  if (!key) {
    throw new ArmError(400, 'InvalidParameter',
      "The value of 'properties.agentPublicKeyCertificate' is not a valid public key. Expected the base64-encoded DER of an RSA public key: " +
      "a PKCS#1 RSAPublicKey (what 'az connectedk8s connect' sends) or a SubjectPublicKeyInfo, without PEM armor.", { target: 'properties.agentPublicKeyCertificate' });
  }
  return key;
}

/** Two encodings of the same key are the same key. */
export function sameKey(a: string, b: string): boolean {
  const ka = parseAgentPublicKey(a);
  const kb = parseAgentPublicKey(b);
  if (!ka || !kb) return a.trim() === b.trim();
  return ka.export({ type: 'spki', format: 'der' }).equals(kb.export({ type: 'spki', format: 'der' }));
}
