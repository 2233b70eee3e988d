/**
 * What a fresh Arclight holds: the default tenant, subscription and service principal, plus
 * whatever a --seed file adds. Applied at every start (idempotently) and after a reset.
 *
 * Seed file format (JSON; every section optional):
 * {
 *   "tenants":       [{ "tenantId", "displayName"?, "defaultDomain"?, "countryCode"? }],
 *   "subscriptions": [{ "subscriptionId", "tenantId", "displayName"?, "state"?, "tags"?,
 *                       "registeredProviders"?: ["Microsoft.Kubernetes", ...] }],
 *   "servicePrincipals": [{ "clientId", "tenantId"?, "displayName"?, "objectId"?,
 *                           "secret"?, "certificate"?: "<PEM>" }],
 *   "managedIdentities": [{ "clientId", "principalId"?, "tenantId"?, "resourceId"?, "displayName"?,
 *                           "certificate"?: "<PEM>", "default"?: true }],
 *   "resourceGroups":    [{ "subscriptionId", "name", "location", "tags"? }]
 * }
 */
import * as fs from 'fs';
import type { Store } from '.';
import type { SubscriptionRecord, TenantRecord } from './directory';

export const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-000000000001';
export const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_CLIENT_ID = '00000000-0000-0000-0000-000000000002';
export const DEFAULT_CLIENT_SECRET = 'arclight-secret';

/**
 * Namespaces registered in a subscription unless its seed entry says otherwise: the two Arc
 * providers, and the stand-in parents of configuration resources (see providers/parentClusters).
 */
export const DEFAULT_REGISTERED_PROVIDERS = [
  'Microsoft.Kubernetes', 'Microsoft.KubernetesConfiguration',
  'Microsoft.ContainerService', 'Microsoft.HybridContainerService', 'Microsoft.ResourceConnector',
];

export interface SeedServicePrincipal {
  clientId: string;
  tenantId?: string;
  displayName?: string;
  objectId?: string;
  secret?: string;
  certificate?: string;
}

export interface SeedManagedIdentity {
  clientId: string;
  principalId?: string;
  tenantId?: string;
  resourceId?: string;
  displayName?: string;
  /** Public certificate(s) whose keys may sign client assertions for this identity. */
  certificate?: string;
  /** The identity the managed identity endpoints use when a request names none. */
  default?: boolean;
}

export interface SeedResourceGroup {
  subscriptionId: string;
  name: string;
  location: string;
  tags?: Record<string, string>;
}

export interface SeedFile {
  tenants?: Array<Partial<TenantRecord> & { tenantId: string }>;
  subscriptions?: Array<Partial<SubscriptionRecord> & { subscriptionId: string; tenantId: string; registeredProviders?: string[] }>;
  servicePrincipals?: SeedServicePrincipal[];
  managedIdentities?: SeedManagedIdentity[];
  resourceGroups?: SeedResourceGroup[];
}

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function readSeedFile(file: string): SeedFile {
  let seed: SeedFile;
  try {
    seed = JSON.parse(fs.readFileSync(file, 'utf8')) as SeedFile;
  } catch (err) {
    throw new Error(`--seed ${file}: ${(err as Error).message}`);
  }
  const check = (ok: boolean, what: string) => {
    if (!ok) throw new Error(`--seed ${file}: ${what}`);
  };
  for (const t of seed.tenants ?? []) check(GUID.test(t.tenantId ?? ''), `tenant id '${t.tenantId}' is not a GUID`);
  for (const s of seed.subscriptions ?? []) {
    check(GUID.test(s.subscriptionId ?? ''), `subscription id '${s.subscriptionId}' is not a GUID`);
    check(GUID.test(s.tenantId ?? ''), `subscription ${s.subscriptionId} needs a tenantId GUID`);
  }
  for (const p of [...(seed.servicePrincipals ?? []), ...(seed.managedIdentities ?? [])]) {
    check(GUID.test(p.clientId ?? ''), `principal clientId '${p.clientId}' is not a GUID`);
    check(p.tenantId === undefined || GUID.test(p.tenantId), `principal ${p.clientId} has a tenantId that is not a GUID`);
  }
  return seed;
}

function tenant(t: Partial<TenantRecord> & { tenantId: string }): TenantRecord {
  const domain = t.defaultDomain ?? `tenant-${t.tenantId.slice(0, 8)}.arclight.local`;
  return { tenantId: t.tenantId, displayName: t.displayName ?? domain, defaultDomain: domain, domains: t.domains ?? [domain], countryCode: t.countryCode ?? 'US' };
}

/** Writes the default directory and the seed file's tenants and subscriptions. */
export function applyDirectorySeed(store: Store, seed: SeedFile | undefined): void {
  store.transaction(() => {
    store.directory.putTenant(tenant({ tenantId: DEFAULT_TENANT_ID, displayName: 'Arclight', defaultDomain: 'arclight.local' }));
    const subs = [
      { subscriptionId: DEFAULT_SUBSCRIPTION_ID, tenantId: DEFAULT_TENANT_ID, displayName: 'Arclight Subscription' },
      ...(seed?.subscriptions ?? []),
    ];
    for (const t of seed?.tenants ?? []) store.directory.putTenant(tenant(t));
    // A principal's home tenant exists even when no subscription names it.
    for (const p of [...(seed?.servicePrincipals ?? []), ...(seed?.managedIdentities ?? [])]) {
      if (p.tenantId && !store.directory.tenant(p.tenantId)) store.directory.putTenant(tenant({ tenantId: p.tenantId.toLowerCase() }));
    }
    for (const s of subs) {
      if (!store.directory.tenant(s.tenantId)) store.directory.putTenant(tenant({ tenantId: s.tenantId }));
      store.directory.putSubscription({
        subscriptionId: s.subscriptionId.toLowerCase(),
        tenantId: s.tenantId.toLowerCase(),
        displayName: s.displayName ?? `Subscription ${s.subscriptionId.slice(0, 8)}`,
        state: s.state ?? 'Enabled',
        ...(s.tags ? { tags: s.tags } : {}),
      });
      // Registrations are the user's to change afterwards: only a subscription without any gets the defaults.
      if (store.directory.registrations(s.subscriptionId).size === 0) {
        const registered = (s as { registeredProviders?: string[] }).registeredProviders ?? DEFAULT_REGISTERED_PROVIDERS;
        for (const ns of registered) store.directory.setRegistration(s.subscriptionId, ns, 'Registered');
      }
    }
  });
}
