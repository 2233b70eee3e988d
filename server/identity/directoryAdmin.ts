/**
 * The directory at run time (/_arclight/directory): tenants, subscriptions with a principal of
 * their own, service principals (secret or certificate) and managed identities, each made in
 * one call that answers whatever a client needs to sign in. Meant for parallel test workers:
 * a subscription made without a tenant gets a tenant of its own, and its principal may reach
 * that subscription only, so in strict mode no worker sees another's (see armAuthentication).
 *
 * Secrets are made here, answered once, and kept only as hashes; private keys are never kept.
 */
import { randomBytes, randomUUID } from 'crypto';
import { newKeyPair } from '../pki/keyPairs';
import type { Store } from '../store';
import type { PrincipalRecord } from '../store/principals';
import { DEFAULT_CLIENT_ID, DEFAULT_REGISTERED_PROVIDERS, DEFAULT_SUBSCRIPTION_ID, DEFAULT_TENANT_ID, tenant as tenantRecord } from '../store/seed';
import { certificateRecords, CertificateError, hashGeneratedSecret } from '../store/credentials';
import { ArmError } from '../kit/armErrors';
import type { CertificateAuthority } from '../pki/certificateAuthority';
import { EXTENDED_KEY_USAGE, KeyUsage } from '../pki/x509';
import { DEFAULT_MANAGED_IDENTITY_CLIENT_ID, derivedGuid } from './principals';
import { deleteRootAssignments, grantOwner, grantRootAccess } from '../providers/neighbours/ownerAssignments';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const DISPLAY_NAME = /^[^\u0000-\u001f]{1,256}$/;
const RESOURCE_NAME = /^[A-Za-z0-9][A-Za-z0-9_-]{2,127}$/;
const GROUP_NAME = /^[-\w.()]{0,89}[-\w()]$/;
const DAY_MS = 24 * 3600 * 1000;

export interface CreateTenant { tenantId?: string; displayName?: string }
export interface CreatedTenant { tenantId: string; displayName: string; defaultDomain: string; tokenEndpoint: string }

export interface CreateSubscription { displayName?: string; tenantId?: string; subscriptionId?: string }
/** The contract: everything a worker needs for ClientSecretCredential and its SDK clients. */
export interface CreatedSubscription {
  subscriptionId: string;
  tenantId: string;
  clientId: string;
  clientSecret: string;
  tokenEndpoint: string;
  displayName: string;
  objectId: string;
}

export interface CreateServicePrincipal {
  tenantId?: string;
  displayName?: string;
  /** The only subscriptions it may reach; absent: every subscription of its tenant. */
  subscriptions?: string[];
  /** 'secret' (default) or 'certificate' (Arclight makes the key pair and answers it once). */
  credential?: 'secret' | 'certificate';
  /** A public certificate (PEM) of the caller's own key, instead of a made one. */
  certificate?: string;
}
export interface CreatedServicePrincipal {
  clientId: string;
  objectId: string;
  tenantId: string;
  displayName: string;
  subscriptions?: string[];
  tokenEndpoint: string;
  clientSecret?: string;
  /** The made certificate and its private key in one PEM (what ClientCertificateCredential reads). */
  clientCertificate?: string;
  certificateThumbprint?: string;
}

export interface CreateManagedIdentity { subscriptionId?: string; resourceGroup?: string; name?: string; certificate?: string }
export interface CreatedManagedIdentity {
  clientId: string;
  principalId: string;
  tenantId: string;
  resourceId: string;
  /** IMDS-style endpoint; pass `client_id` to select this identity. */
  identityEndpoint: string;
  tokenEndpoint: string;
}

const badRequest = (message: string) => new ArmError(400, 'InvalidRequestContent', message);

function optionalText(body: Record<string, unknown>, key: string, pattern: RegExp, expected: string): string | undefined {
  const v = body[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string' || !pattern.test(v)) throw badRequest(`'${key}' must be ${expected}.`);
  return v;
}

/** Checks a request body is an object with only the given keys. */
function fields(body: unknown, allowed: string[]): Record<string, unknown> {
  if (body === undefined) return {};
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw badRequest('The request body must be a JSON object.');
  const extra = Object.keys(body).filter((k) => !allowed.includes(k));
  if (extra.length) throw badRequest(`Unknown field '${extra[0]}'; allowed: ${allowed.join(', ')}.`);
  return body as Record<string, unknown>;
}

const tokenEndpoint = (baseUrl: string, tenantId: string) => `${baseUrl}/${tenantId}/oauth2/v2.0/token`;
const newSecret = () => randomBytes(30).toString('base64url');

export class DirectoryAdmin {
  /**
   * `grantsOwners` (--rbac enforce): a subscription's own principal is given the Owner role
   * there, as Azure makes a subscription's creator its owner. Without enforcement nothing reads
   * role assignments, so none is written and lists stay as they were.
   */
  constructor(private readonly store: Store, private readonly ca: CertificateAuthority, private readonly nowMs: () => number,
    private readonly grantsOwners = false) {}

  /**
   * The Owner assignments of the subscription's own principals (the default one's, or those made
   * with it), and their access at the root of their tenant where it is theirs (the default
   * tenant's, or one made for the subscription): again after a reset.
   */
  grantOwners(subscriptionId: string): void {
    if (!this.grantsOwners) return;
    const id = subscriptionId.toLowerCase();
    const subscription = this.store.directory.subscription(id);
    if (!subscription) return;
    this.store.transaction(() => {
      if (id === DEFAULT_SUBSCRIPTION_ID) {
        const objectId = derivedGuid('object', DEFAULT_CLIENT_ID);
        grantOwner(this.store, this.nowMs(), id, objectId);
        grantRootAccess(this.store, this.nowMs(), DEFAULT_TENANT_ID, objectId);
      }
      const ownTenant = this.store.directory.tenant(subscription.tenantId)?.createdFor === id;
      for (const e of this.store.principals.all()) {
        if (e.principal.ownerOf !== id) continue;
        grantOwner(this.store, this.nowMs(), id, e.principal.objectId);
        if (ownTenant) grantRootAccess(this.store, this.nowMs(), subscription.tenantId, e.principal.objectId);
      }
    });
  }

  createTenant(input: unknown, baseUrl: string): CreatedTenant {
    const body = fields(input, ['tenantId', 'displayName']);
    const tenantId = (optionalText(body, 'tenantId', GUID, 'a GUID') ?? randomUUID()).toLowerCase();
    const displayName = optionalText(body, 'displayName', DISPLAY_NAME, 'a name of 1-256 characters');
    if (this.store.directory.tenant(tenantId)) throw new ArmError(409, 'TenantAlreadyExists', `The tenant '${tenantId}' already exists.`);
    const record = tenantRecord({ tenantId, ...(displayName ? { displayName } : {}) });
    this.store.transaction(() => this.store.directory.putTenant(record));
    return { tenantId, displayName: record.displayName, defaultDomain: record.defaultDomain, tokenEndpoint: tokenEndpoint(baseUrl, tenantId) };
  }

  /** Removes a tenant with its subscriptions (and everything in them) and its principals. */
  deleteTenant(tenantId: string): void {
    const id = tenantId.toLowerCase();
    if (id === DEFAULT_TENANT_ID) throw new ArmError(409, 'DefaultTenantCannotBeDeleted', 'The default tenant cannot be deleted (POST /_arclight/reset restores it).');
    if (!this.store.directory.tenant(id)) throw new ArmError(404, 'TenantNotFound', `The tenant '${tenantId}' was not found.`);
    this.store.transaction(() => {
      for (const sub of this.store.directory.subscriptions().filter((s) => s.tenantId === id)) this.store.deleteSubscription(sub.subscriptionId);
      for (const e of this.store.principals.all().filter((p) => p.principal.tenantId === id)) this.store.principals.delete(e.principal.clientId);
      deleteRootAssignments(this.store, id);
      this.store.directory.deleteTenant(id);
    });
  }

  createSubscription(input: unknown, baseUrl: string): CreatedSubscription {
    const body = fields(input, ['displayName', 'tenantId', 'subscriptionId']);
    const given = optionalText(body, 'tenantId', GUID, 'a GUID')?.toLowerCase();
    const displayName = optionalText(body, 'displayName', DISPLAY_NAME, 'a name of 1-256 characters');
    const subscriptionId = (optionalText(body, 'subscriptionId', GUID, 'a GUID') ?? randomUUID()).toLowerCase();
    if (this.store.directory.subscription(subscriptionId)) {
      throw new ArmError(409, 'SubscriptionAlreadyExists', `The subscription '${subscriptionId}' already exists.`);
    }
    // Without a tenant, a tenant of its own: the tenant check alone then keeps workers apart.
    const tenantId = given ?? randomUUID();
    const clientId = randomUUID();
    const objectId = derivedGuid('object', clientId);
    const secret = newSecret();
    const name = displayName ?? `Subscription ${subscriptionId.slice(0, 8)}`;
    this.store.transaction(() => {
      if (!this.store.directory.tenant(tenantId)) this.store.directory.putTenant({ ...tenantRecord({ tenantId }), ...(given ? {} : { createdFor: subscriptionId }) });
      this.store.directory.putSubscription({ subscriptionId, tenantId, displayName: name, state: 'Enabled' });
      for (const ns of DEFAULT_REGISTERED_PROVIDERS) this.store.directory.setRegistration(subscriptionId, ns, 'Registered');
      this.store.principals.put({
        clientId, tenantId, objectId, kind: 'ServicePrincipal', displayName: `Owner of ${name}`, subscriptions: [subscriptionId], ownerOf: subscriptionId,
      }, [hashGeneratedSecret(secret)], []);
      if (this.grantsOwners) {
        grantOwner(this.store, this.nowMs(), subscriptionId, objectId);
        if (!given) grantRootAccess(this.store, this.nowMs(), tenantId, objectId);
      }
    });
    return { subscriptionId, tenantId, clientId, clientSecret: secret, tokenEndpoint: tokenEndpoint(baseUrl, tenantId), displayName: name, objectId };
  }

  /** Removes the subscription, everything in it, and the principals that could reach it alone. */
  deleteSubscription(subscriptionId: string): void {
    const id = subscriptionId.toLowerCase();
    if (id === DEFAULT_SUBSCRIPTION_ID) throw new ArmError(409, 'DefaultSubscriptionCannotBeDeleted', 'The default subscription cannot be deleted (POST /_arclight/reset?subscription= empties it).');
    const sub = this.store.directory.subscription(id);
    if (!sub) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    this.store.transaction(() => {
      this.store.deleteSubscription(id);
      for (const e of this.store.principals.all()) {
        const only = e.principal.subscriptions;
        if (only && only.length === 1 && only[0] === id) this.store.principals.delete(e.principal.clientId);
      }
      // A tenant made for this subscription alone goes with it, unless something else lives there now.
      const tenant = this.store.directory.tenant(sub.tenantId);
      const inUse = this.store.directory.subscriptions().some((s) => s.tenantId === sub.tenantId)
        || this.store.principals.all().some((e) => e.principal.tenantId === sub.tenantId);
      if (tenant?.createdFor === id && !inUse) {
        deleteRootAssignments(this.store, sub.tenantId);
        this.store.directory.deleteTenant(sub.tenantId);
      }
    });
  }

  createServicePrincipal(input: unknown, baseUrl: string): CreatedServicePrincipal {
    const body = fields(input, ['tenantId', 'displayName', 'subscriptions', 'credential', 'certificate']);
    const tenantId = (optionalText(body, 'tenantId', GUID, 'a GUID') ?? DEFAULT_TENANT_ID).toLowerCase();
    if (!this.store.directory.tenant(tenantId)) throw new ArmError(404, 'TenantNotFound', `The tenant '${tenantId}' was not found.`);
    const subscriptions = this.subscriptionsOf(body.subscriptions, tenantId);
    const credential = body.credential ?? 'secret';
    if (credential !== 'secret' && credential !== 'certificate') throw badRequest("'credential' must be 'secret' or 'certificate'.");
    const ownCertificate = optionalText(body, 'certificate', /-----BEGIN CERTIFICATE-----/, 'a PEM certificate');
    const clientId = randomUUID();
    const displayName = optionalText(body, 'displayName', DISPLAY_NAME, 'a name of 1-256 characters') ?? `arclight-sp-${clientId.slice(0, 8)}`;
    const answer: CreatedServicePrincipal = {
      clientId, objectId: derivedGuid('object', clientId), tenantId, displayName, ...(subscriptions ? { subscriptions } : {}),
      tokenEndpoint: tokenEndpoint(baseUrl, tenantId),
    };
    let certificatePem: string | undefined;
    if (ownCertificate) {
      certificatePem = ownCertificate;
    } else if (credential === 'certificate') {
      const made = this.clientCertificate(displayName);
      certificatePem = made.certPem;
      answer.clientCertificate = `${made.certPem}${made.keyPem}`;
    } else {
      answer.clientSecret = newSecret();
    }
    let certificates: ReturnType<typeof certificateRecords> = [];
    try {
      certificates = certificatePem ? certificateRecords(certificatePem) : [];
    } catch (err) {
      throw badRequest(`'certificate': ${err instanceof CertificateError ? err.message : 'not a PEM certificate'}.`);
    }
    if (certificates.length) answer.certificateThumbprint = certificates[0].sha1;
    const principal: PrincipalRecord = { clientId, tenantId, objectId: answer.objectId, kind: 'ServicePrincipal', displayName, ...(subscriptions ? { subscriptions } : {}) };
    this.store.transaction(() => this.store.principals.put(principal, answer.clientSecret ? [hashGeneratedSecret(answer.clientSecret)] : [], certificates));
    return answer;
  }

  createManagedIdentity(input: unknown, baseUrl: string): CreatedManagedIdentity {
    const body = fields(input, ['subscriptionId', 'resourceGroup', 'name', 'certificate']);
    const subscriptionId = (optionalText(body, 'subscriptionId', GUID, 'a GUID') ?? DEFAULT_SUBSCRIPTION_ID).toLowerCase();
    const sub = this.store.directory.subscription(subscriptionId);
    if (!sub) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscriptionId}' could not be found.`);
    const group = optionalText(body, 'resourceGroup', GROUP_NAME, 'a resource group name') ?? 'arclight';
    const clientId = randomUUID();
    const name = optionalText(body, 'name', RESOURCE_NAME, '3-128 letters, digits, - or _, starting with a letter or digit') ?? `identity-${clientId.slice(0, 8)}`;
    const resourceId = `/subscriptions/${subscriptionId}/resourceGroups/${group}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
    if (this.store.principals.clientIdsUnder(resourceId).length) {
      throw new ArmError(409, 'ManagedIdentityAlreadyExists', `A managed identity '${resourceId}' already exists.`);
    }
    const pem = optionalText(body, 'certificate', /-----BEGIN CERTIFICATE-----/, 'a PEM certificate');
    let certificates: ReturnType<typeof certificateRecords> = [];
    try {
      certificates = pem ? certificateRecords(pem) : [];
    } catch (err) {
      throw badRequest(`'certificate': ${err instanceof CertificateError ? err.message : 'not a PEM certificate'}.`);
    }
    const principalId = derivedGuid('object', clientId);
    this.store.transaction(() => this.store.principals.put({
      clientId, tenantId: sub.tenantId, objectId: principalId, kind: 'ManagedIdentity', displayName: name, resourceId, subscriptions: [subscriptionId],
    }, [], certificates));
    return {
      clientId, principalId, tenantId: sub.tenantId, resourceId,
      identityEndpoint: `${baseUrl}/metadata/identity/oauth2/token`, tokenEndpoint: tokenEndpoint(baseUrl, sub.tenantId),
    };
  }

  /** Removes a service principal or managed identity made at run time (or seeded). */
  deletePrincipal(clientId: string, kind: PrincipalRecord['kind']): void {
    const id = clientId.toLowerCase();
    if (id === DEFAULT_CLIENT_ID || id === DEFAULT_MANAGED_IDENTITY_CLIENT_ID) {
      throw new ArmError(409, 'DefaultPrincipalCannotBeDeleted', 'The default principals cannot be deleted.');
    }
    const entry = this.store.principals.get(id);
    const what = kind === 'ServicePrincipal' ? 'service principal' : 'managed identity';
    if (!entry || entry.principal.kind !== kind) throw new ArmError(404, 'PrincipalNotFound', `The ${what} '${clientId}' was not found.`);
    this.store.transaction(() => this.store.principals.delete(id));
  }

  private subscriptionsOf(value: unknown, tenantId: string): string[] | undefined {
    if (value === undefined || value === null) return undefined;
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !GUID.test(v))) throw badRequest("'subscriptions' must be a list of subscription GUIDs.");
    const ids = [...new Set((value as string[]).map((v) => v.toLowerCase()))];
    for (const id of ids) {
      const sub = this.store.directory.subscription(id);
      if (!sub) throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${id}' could not be found.`);
      if (sub.tenantId !== tenantId) throw badRequest(`The subscription '${id}' is not in the tenant '${tenantId}'.`);
    }
    return ids;
  }

  /** An RSA key and a client certificate for it, signed by the CA: MSAL signs assertions with RS256. */
  private clientCertificate(name: string): { certPem: string; keyPem: string } {
    const { privateKey, publicKey } = newKeyPair('rsa');
    const now = this.nowMs();
    const certPem = this.ca.issue({
      subject: { commonName: name.slice(0, 64), organization: 'Arclight' },
      subjectKey: publicKey,
      notBefore: new Date(Math.min(now, Date.now()) - DAY_MS),
      notAfter: new Date(Math.max(now, Date.now()) + 365 * DAY_MS),
      keyUsage: [KeyUsage.digitalSignature],
      extendedKeyUsage: [EXTENDED_KEY_USAGE.clientAuth],
    });
    return { certPem, keyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }) as string };
  }
}
