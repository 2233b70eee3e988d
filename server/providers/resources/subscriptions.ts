/**
 * Subscriptions, tenants and the region catalog (`/subscriptions/{id}/locations`), in the
 * shapes ARM returns (see README). A caller whose token names a known tenant sees that
 * tenant's subscriptions; any other caller sees them all.
 */
import { armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { SubscriptionRecord, TenantRecord } from '../../store/directory';
import type { Region } from '../../spec/bundleTypes';

export function subscriptionBody(s: SubscriptionRecord) {
  return {
    id: `/subscriptions/${s.subscriptionId}`,
    authorizationSource: 'RoleBased',
    managedByTenants: [],
    ...(s.tags ? { tags: s.tags } : {}),
    subscriptionId: s.subscriptionId,
    tenantId: s.tenantId,
    displayName: s.displayName,
    state: s.state,
    subscriptionPolicies: { locationPlacementId: 'Public_2014-09-01', quotaId: 'PayAsYouGo_2014-09-01', spendingLimit: 'Off' },
  };
}

export function tenantBody(t: TenantRecord) {
  return {
    id: `/tenants/${t.tenantId}`,
    tenantId: t.tenantId,
    countryCode: t.countryCode ?? 'US',
    displayName: t.displayName,
    domains: t.domains,
    tenantCategory: 'Home',
    defaultDomain: t.defaultDomain,
    tenantType: 'AAD',
  };
}

export function locationBody(subscriptionId: string, r: Region) {
  const metadata = (r.metadata ?? {}) as { pairedRegion?: Array<{ name: string }> };
  return {
    id: `/subscriptions/${subscriptionId}/locations/${r.name}`,
    name: r.name,
    type: 'Region',
    displayName: r.displayName,
    regionalDisplayName: r.regionalDisplayName,
    metadata: {
      ...metadata,
      pairedRegion: (metadata.pairedRegion ?? []).map((p) => ({ name: p.name, id: `/subscriptions/${subscriptionId}/locations/${p.name}` })),
    },
  };
}

export function registerSubscriptions(s: ProviderContext): void {
  const { directory } = s.store;

  s.handlers.on('GET', '/subscriptions', (req) => {
    const tenant = req.caller.tenantId && directory.tenant(req.caller.tenantId) ? req.caller.tenantId.toLowerCase() : undefined;
    // A principal limited to some subscriptions (a test worker's) lists those alone.
    const only = req.caller.appId ? s.store.principals.get(req.caller.appId)?.principal.subscriptions : undefined;
    const value = directory.subscriptions().filter((sub) => (!tenant || sub.tenantId === tenant) && (!only || only.includes(sub.subscriptionId)))
      .map(subscriptionBody);
    return { status: 200, body: { value } };
  });

  s.handlers.on('GET', '/subscriptions/{subscriptionId}', (req) => {
    const sub = directory.subscription(req.params.subscriptionId);
    if (!sub) throw armErrors.subscriptionNotFound(req.params.subscriptionId);
    return { status: 200, body: subscriptionBody(sub) };
  });

  s.handlers.on('GET', '/tenants', (req) => {
    // A limited principal (a test worker's) sees its own tenant only.
    const limited = req.caller.appId ? s.store.principals.get(req.caller.appId)?.principal : undefined;
    const tenants = directory.tenants().filter((t) => !limited?.subscriptions || t.tenantId === limited.tenantId);
    return { status: 200, body: { value: tenants.map(tenantBody) } };
  });

  s.handlers.on('GET', '/subscriptions/{subscriptionId}/locations', (req) => ({
    status: 200,
    body: { value: s.regions.regions.map((r) => locationBody(req.params.subscriptionId, r)) },
  }));
}
