/**
 * The Hybrid Identity Service's job: the connected cluster's managed identity certificate. It is
 * a real X.509 certificate signed by Arclight's CA, naming the identity's principalId (CN) and
 * tenant (OU), valid for --certificate-lifetime-days from the emulator clock's now. Issuing it
 * registers it as the certificate credential of the cluster identity (so the agents can get
 * tokens with a client assertion: `oid` = principalId, `xms_mirid` = the cluster) and moves the
 * cluster's managedIdentityCertificateExpirationTime. Once that time has passed nothing renews it:
 * Azure's only way back is to delete the cluster and connect it again.
 */
import { createPublicKey, KeyObject } from 'crypto';
import { newKeyPair } from '../pki/keyPairs';
import { ArmError } from '../kit/armErrors';
import type { ClusterSideContext } from './context';
import type { StoredResource } from '../store/resources';
import { derivedGuid } from '../identity/principals';
import { EXTENDED_KEY_USAGE, KeyUsage } from '../pki/x509';
import { updateClusterAsAgent } from './agentWrites';

const DAY_MS = 24 * 3600 * 1000;

export interface IssuedIdentityCertificate {
  tenantId: string;
  principalId: string;
  clientId: string;
  notBefore: string;
  notAfter: string;
  certificate: string;
  chain: string;
  privateKey?: string;
}

/** The cluster identity's client id (the token's appid): derived, so it is stable for the identity's life. */
export function clusterIdentityClientId(principalId: string): string {
  return derivedGuid('cluster-identity', principalId);
}

/** A PEM public key (SPKI, or PKCS#1 RSA) to certify, or a 400 saying what was expected. */
export function parsePublicKeyPem(pem: unknown): KeyObject {
  try {
    if (typeof pem !== 'string') throw new Error();
    const key = createPublicKey(pem);
    if (key.asymmetricKeyType !== 'rsa' && key.asymmetricKeyType !== 'ec') throw new Error();
    return key;
  } catch {
    throw new ArmError(400, 'InvalidPublicKey', "The 'publicKey' must be an RSA or EC public key in PEM (SubjectPublicKeyInfo or PKCS#1), or be left out to have Arclight generate the key pair.");
  }
}

/** Throws unless the cluster can (still) be given a certificate. */
export function requireRenewable(s: ClusterSideContext, cluster: StoredResource): void {
  const expiry = cluster.body.properties?.managedIdentityCertificateExpirationTime;
  if (expiry && Date.parse(expiry) <= s.clock.nowMs()) {
    throw new ArmError(403, 'CertificateExpired',
      `The managed identity certificate of connected cluster '${cluster.id}' expired at ${expiry}; an expired certificate cannot be renewed. Delete the connected cluster and connect it again.`);
  }
  if (cluster.body.identity?.type !== 'SystemAssigned' || !cluster.body.identity?.principalId) {
    throw new ArmError(400, 'NoManagedIdentity', `Connected cluster '${cluster.id}' has no system-assigned identity to issue a certificate for.`);
  }
}

/**
 * Issues (or renews) the certificate; with no `publicKey` Arclight generates the key pair
 * (P-256: instant, and any key type signs client assertions) and returns its private key.
 */
export function issueIdentityCertificate(s: ClusterSideContext, cluster: StoredResource, publicKey?: KeyObject): IssuedIdentityCertificate {
  requireRenewable(s, cluster);
  const { principalId, tenantId } = cluster.body.identity as { principalId: string; tenantId: string };
  const pair = publicKey ? undefined : newKeyPair('ec');
  const now = s.clock.nowMs();
  const notBefore = new Date(now);
  const notAfter = new Date(now + s.config.certificateLifetimeDays * DAY_MS);
  const certificate = s.ca.issue({
    subject: { commonName: principalId, organizationalUnit: tenantId, organization: 'Arclight managed identity' },
    subjectKey: publicKey ?? pair!.publicKey,
    notBefore,
    notAfter,
    keyUsage: [KeyUsage.digitalSignature],
    extendedKeyUsage: [EXTENDED_KEY_USAGE.clientAuth],
  });
  const clientId = clusterIdentityClientId(principalId);
  s.store.transaction(() => {
    s.principals.putManagedIdentity({
      clientId, objectId: principalId, tenantId, resourceId: cluster.id, displayName: cluster.body.name, certificates: [certificate], certificateOnly: true,
    });
    const renewed = updateClusterAsAgent(s, cluster, { managedIdentityCertificateExpirationTime: notAfter.toISOString() });
    s.events.emit({ type: 'certificate.issued', cluster: renewed, notAfter: notAfter.toISOString() });
  });
  return {
    tenantId,
    principalId,
    clientId,
    notBefore: notBefore.toISOString(),
    notAfter: notAfter.toISOString(),
    certificate,
    chain: certificate + s.ca.certPem,
    ...(pair ? { privateKey: pair.privateKey.export({ type: 'pkcs8', format: 'pem' }) as string } : {}),
  };
}
