/**
 * What a fresh Arclight holds: the default tenant, subscription and service principal, plus
 * whatever a --seed file adds. Applied at every start (idempotently) and after a reset.
 *
 * Seed file format (JSON; every section optional), checked whole by seedShape below before
 * anything is applied:
 * {
 *   "tenants":       [{ "tenantId", "displayName"?, "defaultDomain"?, "domains"?, "countryCode"? }],
 *   "subscriptions": [{ "subscriptionId", "tenantId", "displayName"?, "state"?, "tags"?,
 *                       "registeredProviders"?: ["Microsoft.Kubernetes", ...] }],
 *   "servicePrincipals": [{ "clientId", "tenantId"?, "displayName"?, "objectId"?,
 *                           "secret"?, "certificate"?: "<PEM>" }],
 *   "managedIdentities": [{ "clientId", "principalId"?, "tenantId"?, "resourceId"?, "displayName"?,
 *                           "certificate"?: "<PEM>", "default"?: true }],
 *   "resourceGroups":    [{ "subscriptionId", "name", "location", "tags"? }]
 * }
 */
import type { Store } from '.';
import { certificateRecords } from './credentials';
import { boolean, guid, listOf, mapOf, object, oneOf, optional, readJsonFile, required, text } from '../core/jsonShape';
import type { SubscriptionRecord, TenantRecord } from './directory';

export const DEFAULT_TENANT_ID = '00000000-0000-0000-0000-000000000001';
export const DEFAULT_SUBSCRIPTION_ID = '00000000-0000-0000-0000-000000000000';
export const DEFAULT_CLIENT_ID = '00000000-0000-0000-0000-000000000002';
export const DEFAULT_CLIENT_SECRET = 'arclight-secret';

/**
 * Namespaces registered in a subscription unless its seed entry says otherwise: the Arc
 * providers (custom locations' Microsoft.ExtendedLocation among them), and the stand-in parents
 * of configuration resources (see providers/parentClusters).
 */
export const DEFAULT_REGISTERED_PROVIDERS = [
  'Microsoft.Kubernetes', 'Microsoft.KubernetesConfiguration', 'Microsoft.ExtendedLocation',
  'Microsoft.ContainerService', 'Microsoft.HybridContainerService', 'Microsoft.ResourceConnector',
  // The neighbours Arc automation touches (providers/neighbours): Azure registers
  // Microsoft.Authorization by default, and the others on first use from the portal or a template.
  'Microsoft.Authorization', 'Microsoft.ManagedIdentity', 'Microsoft.OperationalInsights', 'Microsoft.OperationsManagement', 'Microsoft.Insights',
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

const TAG_NAME = /^[^<>%&\\?/\u0000-\u001f]{1,512}$/;
/** ARM's tag rules (see arm/tags.ts): at most 50, names without < > % & \\ ? / or control characters. */
const tags = mapOf(text('a string of at most 256 characters', { maxLength: 256, allowEmpty: true }), {
  maxEntries: 50, keyPattern: { pattern: TAG_NAME, expected: 'a tag name (1-512 characters, none of < > % & \\ ? /)' },
});
const DOMAIN = /^(?=.{1,253}$)[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)+$/i;
const domain = text('a domain name such as contoso.example', { pattern: DOMAIN });
const NAMESPACE = /^[A-Za-z][A-Za-z0-9]*(?:\.[A-Za-z][A-Za-z0-9]*)+$/;
/** ARM's resource group names: letters, digits, - _ . ( ), up to 90, not ending in a period. */
const RESOURCE_GROUP_NAME = /^[-\w.()\p{L}\p{N}]{0,89}[-\w()\p{L}\p{N}]$/u;
const ARM_ID = /^\/subscriptions\/[^/]+(?:\/[^/]+)+$/i;

/** A public certificate (PEM, a chain allowed) whose key signs a principal's client assertions. */
const certificate = text('a PEM certificate', {
  check: (pem) => {
    try {
      certificateRecords(pem);
      return undefined;
    } catch (err) {
      return (err as Error).message;
    }
  },
});

/** What a --seed file may say; `knownLocation` tells the region catalog's locations. */
function seedShape(knownLocation: (location: string) => boolean) {
  return object({
    tenants: optional(listOf(object({
      tenantId: required(guid),
      displayName: optional(text()),
      defaultDomain: optional(domain),
      domains: optional(listOf(domain)),
      countryCode: optional(text('a two-letter country code', { pattern: /^[A-Z]{2}$/ })),
    }))),
    subscriptions: optional(listOf(object({
      subscriptionId: required(guid),
      tenantId: required(guid),
      displayName: optional(text()),
      state: optional(oneOf('Enabled', 'Warned', 'PastDue', 'Disabled', 'Deleted')),
      tags: optional(tags),
      registeredProviders: optional(listOf(text('a provider namespace such as Microsoft.Kubernetes', { pattern: NAMESPACE }))),
    }))),
    servicePrincipals: optional(listOf(object({
      clientId: required(guid),
      tenantId: optional(guid),
      displayName: optional(text()),
      objectId: optional(guid),
      secret: optional(text()),
      certificate: optional(certificate),
    }))),
    managedIdentities: optional(listOf(object({
      clientId: required(guid),
      principalId: optional(guid),
      tenantId: optional(guid),
      resourceId: optional(text('an ARM resource id (/subscriptions/...)', { pattern: ARM_ID })),
      displayName: optional(text()),
      certificate: optional(certificate),
      default: optional(boolean),
    }))),
    resourceGroups: optional(listOf(object({
      subscriptionId: required(guid),
      name: required(text('a resource group name (1-90 letters, digits, - _ . ( ), not ending in a period)', { pattern: RESOURCE_GROUP_NAME })),
      location: required(text('a location of the region catalog', {
        check: (location) => (knownLocation(location) ? undefined : `unknown location '${location}' (see --regions)`),
      })),
      tags: optional(tags),
    }))),
  });
}

/** Reads and checks a --seed file; every mistake names the file and its JSON path. */
export function readSeedFile(file: string, knownLocation: (location: string) => boolean = () => true): SeedFile {
  return readJsonFile<SeedFile>('--seed', file, seedShape(knownLocation));
}

export function tenant(t: Partial<TenantRecord> & { tenantId: string }): TenantRecord {
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
