/**
 * The directory's principals as the token service and ARM see them: service principals with
 * secrets and/or certificates, and managed identities (tokens carry their `xms_mirid`).
 *
 * Seeded at every start and after a reset: the default service principal, the default managed
 * identity, and the seed file's entries. Others register managed identities at run time
 * (`putManagedIdentity`), e.g. a connected cluster's system-assigned identity with the
 * certificate its agents sign client assertions with.
 */
import { createHash } from 'crypto';
import type { Store } from '../store';
import type { CertificateRecord, PrincipalEntry, PrincipalRecord, SecretRecord } from '../store/principals';
import { DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_SUBSCRIPTION_ID, DEFAULT_TENANT_ID, SeedFile } from '../store/seed';
import { certificateRecords, CertificateError, hashSecret, secretMatches, thumbprintHex } from '../store/credentials';

export const DEFAULT_MANAGED_IDENTITY_CLIENT_ID = '00000000-0000-0000-0000-000000000003';
export const DEFAULT_MANAGED_IDENTITY_RESOURCE_ID =
  `/subscriptions/${DEFAULT_SUBSCRIPTION_ID}/resourceGroups/arclight/providers/Microsoft.ManagedIdentity/userAssignedIdentities/arclight-identity`;

/** What a caller registers for a managed identity that authenticates with a certificate. */
export interface ManagedIdentityRegistration {
  clientId: string;
  /** The identity's principalId: the token's `oid`. */
  objectId: string;
  tenantId: string;
  /** The ARM id tokens carry as `xms_mirid` (e.g. the connected cluster's id). */
  resourceId: string;
  displayName?: string;
  /** Public certificates (PEM) whose keys may sign client assertions for this identity. */
  certificates: string[];
  /** Tokens only with a client assertion, never from the managed identity endpoints (see PrincipalRecord). */
  certificateOnly?: boolean;
}

/** A stable GUID for ids the seed file leaves out, so they survive restarts. */
export function derivedGuid(...parts: string[]): string {
  const b = createHash('sha256').update(`arclight:${parts.join(':').toLowerCase()}`).digest();
  b[6] = (b[6] & 0x0f) | 0x50;
  b[8] = (b[8] & 0x3f) | 0x80;
  const h = b.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

export class Principals {
  constructor(private readonly store: Store) {}

  get(clientId: string): PrincipalEntry | undefined {
    return this.store.principals.get(clientId);
  }

  /** Whether the principal still exists in that tenant (tokens outlive deleted principals). */
  exists(clientId: string, tenantId: string): boolean {
    return this.get(clientId)?.principal.tenantId === tenantId.toLowerCase();
  }

  /** Adds or replaces a managed identity and its certificates, in one transaction. */
  putManagedIdentity(reg: ManagedIdentityRegistration): PrincipalRecord {
    const certificates = reg.certificates.flatMap((pem) => certificateRecords(pem));
    const principal: PrincipalRecord = {
      clientId: reg.clientId, objectId: reg.objectId, tenantId: reg.tenantId, kind: 'ManagedIdentity',
      displayName: reg.displayName ?? reg.resourceId.split('/').pop() ?? reg.clientId, resourceId: reg.resourceId,
    };
    if (reg.certificateOnly) principal.certificateOnly = true;
    this.store.transaction(() => this.store.principals.put(principal, [], certificates));
    return this.get(reg.clientId)!.principal;
  }

  remove(clientId: string): void {
    this.store.transaction(() => this.store.principals.delete(clientId));
  }

  /** Removes every managed identity of `resourceId` and of the resources inside it. */
  removeUnder(resourceId: string): void {
    this.store.transaction(() => this.store.principals.deleteUnder(resourceId));
  }

  /**
   * The managed identity an MSI request selects: by client id, object (principal) id or
   * resource id, or the default one when it names none. Identities that get tokens only by
   * proving their certificate are never selected: whoever can reach the endpoint would
   * otherwise act as the cluster (and read its protected settings).
   */
  managedIdentity(by: { clientId?: string; objectId?: string; resourceId?: string }): PrincipalRecord | undefined {
    const identities = this.store.principals.all().map((e) => e.principal).filter((p) => p.kind === 'ManagedIdentity' && !p.certificateOnly);
    if (by.clientId) return identities.find((p) => p.clientId === by.clientId!.toLowerCase());
    if (by.objectId) return identities.find((p) => p.objectId === by.objectId!.toLowerCase());
    if (by.resourceId) return identities.find((p) => p.resourceId?.toLowerCase() === by.resourceId!.toLowerCase());
    return identities.find((p) => p.isDefault);
  }

  secretMatches(entry: PrincipalEntry, secret: string): boolean {
    return secretMatches(secret, entry.secrets);
  }

  /** The registered certificate an assertion header names (`x5t#S256` preferred, else `x5t`). */
  certificate(entry: PrincipalEntry, header: { x5t?: unknown; 'x5t#S256'?: unknown }): CertificateRecord | undefined {
    const s256 = typeof header['x5t#S256'] === 'string' ? thumbprintHex(header['x5t#S256']) : undefined;
    const s1 = typeof header.x5t === 'string' ? thumbprintHex(header.x5t) : undefined;
    return entry.certificates.find((c) => (s256 && c.sha256 === s256) || (s1 && c.sha1 === s1));
  }
}

function seedError(what: string, err: unknown): Error {
  return new Error(`--seed: ${what}: ${err instanceof CertificateError ? err.message : (err as Error).message}`);
}

/** The default secret is published, so one hash of it serves every reset (scrypt costs milliseconds on purpose). */
let defaultSecretRecord: SecretRecord | undefined;

/** Writes the default principals and the seed file's, replacing their credentials. */
export function applyPrincipalSeed(store: Store, seed: SeedFile | undefined): void {
  const firstSubscription = (tenantId: string) =>
    tenantId.toLowerCase() === DEFAULT_TENANT_ID ? DEFAULT_SUBSCRIPTION_ID
      : seed?.subscriptions?.find((s) => s.tenantId.toLowerCase() === tenantId.toLowerCase())?.subscriptionId ?? DEFAULT_SUBSCRIPTION_ID;
  const certificates = (pem: string | undefined, who: string) => {
    try {
      return pem ? certificateRecords(pem) : [];
    } catch (err) {
      throw seedError(who, err);
    }
  };
  const seededDefault = seed?.managedIdentities?.some((m) => m.default) ?? false;

  store.transaction(() => {
    store.principals.put(
      { clientId: DEFAULT_CLIENT_ID, tenantId: DEFAULT_TENANT_ID, objectId: derivedGuid('object', DEFAULT_CLIENT_ID), kind: 'ServicePrincipal', displayName: 'Arclight' },
      [defaultSecretRecord ??= hashSecret(DEFAULT_CLIENT_SECRET)], []);
    store.principals.put({
      clientId: DEFAULT_MANAGED_IDENTITY_CLIENT_ID, tenantId: DEFAULT_TENANT_ID, objectId: derivedGuid('object', DEFAULT_MANAGED_IDENTITY_CLIENT_ID),
      kind: 'ManagedIdentity', displayName: 'arclight-identity', resourceId: DEFAULT_MANAGED_IDENTITY_RESOURCE_ID, isDefault: !seededDefault,
    }, [], []);

    for (const sp of seed?.servicePrincipals ?? []) {
      const who = `service principal ${sp.clientId}`;
      store.principals.put({
        clientId: sp.clientId, tenantId: sp.tenantId ?? DEFAULT_TENANT_ID, objectId: sp.objectId ?? derivedGuid('object', sp.clientId),
        kind: 'ServicePrincipal', displayName: sp.displayName ?? sp.clientId,
      }, sp.secret ? [hashSecret(sp.secret)] : [], certificates(sp.certificate, who));
    }
    for (const mi of seed?.managedIdentities ?? []) {
      const tenantId = mi.tenantId ?? DEFAULT_TENANT_ID;
      const name = mi.displayName ?? `identity-${mi.clientId.slice(0, 8)}`;
      store.principals.put({
        clientId: mi.clientId, tenantId, objectId: mi.principalId ?? derivedGuid('object', mi.clientId), kind: 'ManagedIdentity', displayName: name,
        resourceId: mi.resourceId ?? `/subscriptions/${firstSubscription(tenantId)}/resourceGroups/arclight/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`,
        isDefault: mi.default === true,
      }, [], certificates(mi.certificate, `managed identity ${mi.clientId}`));
    }
  });
}
