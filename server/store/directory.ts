/**
 * Tenants, subscriptions and per-subscription provider registrations. Read on every ARM
 * request, so lookups are served from memory and the tables are only read again after a write.
 */
import type { Db } from './database';

export interface TenantRecord {
  tenantId: string;
  displayName: string;
  defaultDomain: string;
  domains: string[];
  countryCode?: string;
  /** Made for one subscription by the directory API (it goes when that subscription does). */
  createdFor?: string;
}

export interface SubscriptionRecord {
  subscriptionId: string;
  tenantId: string;
  displayName: string;
  state: 'Enabled' | 'Warned' | 'PastDue' | 'Disabled' | 'Deleted';
  tags?: Record<string, string>;
}

export type RegistrationState = 'Registered' | 'Registering' | 'Unregistered' | 'Unregistering';

export class DirectoryStore {
  private tenantCache?: Map<string, TenantRecord>;
  private subscriptionCache?: Map<string, SubscriptionRecord>;
  private registrationCache = new Map<string, Map<string, RegistrationState>>();

  private readonly stmts;

  constructor(private readonly db: Db) {
    this.stmts = {
      tenants: db.prepare<[], { body: string }>('SELECT body FROM tenants ORDER BY id'),
      subscriptions: db.prepare<[], { body: string }>('SELECT body FROM subscriptions ORDER BY id'),
      putTenant: db.prepare('INSERT INTO tenants (id, body) VALUES (?, ?) ON CONFLICT (id) DO UPDATE SET body = excluded.body'),
      putSubscription: db.prepare('INSERT INTO subscriptions (id, tenant_id, body) VALUES (?, ?, ?) ON CONFLICT (id) DO UPDATE SET tenant_id = excluded.tenant_id, body = excluded.body'),
      registrations: db.prepare<[string], { namespace: string; state: RegistrationState }>('SELECT namespace, state FROM provider_registrations WHERE subscription_id = ?'),
      deleteSubscription: db.prepare<[string]>('DELETE FROM subscriptions WHERE id = ?'),
      deleteRegistrations: db.prepare<[string]>('DELETE FROM provider_registrations WHERE subscription_id = ?'),
      deleteTenant: db.prepare<[string]>('DELETE FROM tenants WHERE id = ?'),
      putRegistration: db.prepare('INSERT INTO provider_registrations (subscription_id, namespace, state) VALUES (?, ?, ?) ON CONFLICT (subscription_id, namespace) DO UPDATE SET state = excluded.state'),
    };
  }

  tenants(): TenantRecord[] {
    return [...this.loadTenants().values()];
  }

  tenant(id: string): TenantRecord | undefined {
    return this.loadTenants().get(id.toLowerCase());
  }

  subscriptions(): SubscriptionRecord[] {
    return [...this.loadSubscriptions().values()];
  }

  subscription(id: string): SubscriptionRecord | undefined {
    return this.loadSubscriptions().get(id.toLowerCase());
  }

  putTenant(t: TenantRecord): void {
    this.stmts.putTenant.run(t.tenantId.toLowerCase(), JSON.stringify(t));
    this.tenantCache = undefined;
  }

  putSubscription(s: SubscriptionRecord): void {
    this.stmts.putSubscription.run(s.subscriptionId.toLowerCase(), s.tenantId.toLowerCase(), JSON.stringify(s));
    this.subscriptionCache = undefined;
  }

  /** Removes the subscription row and its registrations (its resources are the caller's: Store.deleteSubscription). */
  deleteSubscription(id: string): void {
    const sub = id.toLowerCase();
    this.stmts.deleteSubscription.run(sub);
    this.stmts.deleteRegistrations.run(sub);
    this.subscriptionCache = undefined;
    this.registrationCache.delete(sub);
  }

  deleteTenant(id: string): void {
    this.stmts.deleteTenant.run(id.toLowerCase());
    this.tenantCache = undefined;
  }

  registrationState(subscriptionId: string, namespace: string): RegistrationState {
    return this.registrations(subscriptionId).get(namespace.toLowerCase()) ?? 'Unregistered';
  }

  registrations(subscriptionId: string): Map<string, RegistrationState> {
    const sub = subscriptionId.toLowerCase();
    let map = this.registrationCache.get(sub);
    if (!map) {
      map = new Map(this.stmts.registrations.all(sub).map((r) => [r.namespace, r.state]));
      this.registrationCache.set(sub, map);
    }
    return map;
  }

  setRegistration(subscriptionId: string, namespace: string, state: RegistrationState): void {
    this.stmts.putRegistration.run(subscriptionId.toLowerCase(), namespace.toLowerCase(), state);
    this.registrationCache.delete(subscriptionId.toLowerCase());
  }

  /** Forgets every cached row (after a reset rewrites the tables). */
  invalidate(): void {
    this.tenantCache = undefined;
    this.subscriptionCache = undefined;
    this.registrationCache.clear();
  }

  private loadTenants(): Map<string, TenantRecord> {
    if (!this.tenantCache) {
      this.tenantCache = new Map(this.stmts.tenants.all().map((r) => {
        const t = JSON.parse(r.body) as TenantRecord;
        return [t.tenantId.toLowerCase(), t];
      }));
    }
    return this.tenantCache;
  }

  private loadSubscriptions(): Map<string, SubscriptionRecord> {
    if (!this.subscriptionCache) {
      this.subscriptionCache = new Map(this.stmts.subscriptions.all().map((r) => {
        const s = JSON.parse(r.body) as SubscriptionRecord;
        return [s.subscriptionId.toLowerCase(), s];
      }));
    }
    return this.subscriptionCache;
  }
}
