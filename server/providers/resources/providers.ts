/**
 * Provider documents and registration. Resource types, their api-versions and their
 * locations come from the spec bundle's manifest, so they always match what Arclight serves.
 * Registering answers Registering, as Azure does, and reads Registered from then on.
 */
import { ArmError } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { BundleProvider } from '../../spec/bundleTypes';
import type { RegistrationState } from '../../store/directory';

export function registerProviders(s: ProviderContext): void {
  const { catalog, store } = s;

  const document = (p: BundleProvider, subscriptionId?: string, state?: RegistrationState) => ({
    id: subscriptionId ? `/subscriptions/${subscriptionId}/providers/${p.namespace}` : `/providers/${p.namespace}`,
    namespace: p.namespace,
    ...(p.authorizations.length ? { authorizations: p.authorizations } : {}),
    resourceTypes: p.resourceTypes.map((t) => ({
      resourceType: t.resourceType,
      locations: s.regions.set(t.regions).map((r) => r.displayName),
      apiVersions: t.apiVersions,
      ...(t.defaultApiVersion ? { defaultApiVersion: t.defaultApiVersion } : {}),
      capabilities: t.capabilities ?? 'None',
    })),
    ...(subscriptionId ? { registrationState: state ?? store.directory.registrationState(subscriptionId, p.namespace) } : {}),
    registrationPolicy: p.armOwned ? 'RegistrationFree' : 'RegistrationRequired',
  });
  const stateOf = (subscriptionId: string, p: BundleProvider): RegistrationState =>
    p.armOwned ? 'Registered' : store.directory.registrationState(subscriptionId, p.namespace);
  const find = (namespace: string): BundleProvider => {
    const p = catalog.provider(namespace);
    if (!p) throw new ArmError(404, 'InvalidResourceNamespace', `The resource namespace '${namespace}' is invalid.`, { gateway: true });
    return p;
  };

  s.handlers.on('GET', '/subscriptions/{subscriptionId}/providers', (req) => ({
    status: 200,
    body: { value: catalog.providers().map((p) => document(p, req.params.subscriptionId, stateOf(req.params.subscriptionId, p))) },
  }));
  s.handlers.on('GET', '/subscriptions/{subscriptionId}/providers/{resourceProviderNamespace}', (req) => {
    const p = find(req.params.resourceProviderNamespace);
    return { status: 200, body: document(p, req.params.subscriptionId, stateOf(req.params.subscriptionId, p)) };
  });
  s.handlers.on('GET', '/providers', () => ({ status: 200, body: { value: catalog.providers().map((p) => document(p)) } }));
  s.handlers.on('GET', '/providers/{resourceProviderNamespace}', (req) => ({ status: 200, body: document(find(req.params.resourceProviderNamespace)) }));

  const change = (target: 'Registered' | 'Unregistered', transient: RegistrationState) => (req: { params: Record<string, string> }) => {
    const p = find(req.params.resourceProviderNamespace);
    const sub = req.params.subscriptionId;
    if (p.armOwned) return { status: 200, body: document(p, sub, 'Registered') };
    const before = store.directory.registrationState(sub, p.namespace);
    store.transaction(() => store.directory.setRegistration(sub, p.namespace, target));
    return { status: 200, body: document(p, sub, before === target ? target : transient) };
  };
  s.handlers.on('POST', '/subscriptions/{subscriptionId}/providers/{resourceProviderNamespace}/register', change('Registered', 'Registering'));
  s.handlers.on('POST', '/subscriptions/{subscriptionId}/providers/{resourceProviderNamespace}/unregister', change('Unregistered', 'Unregistering'));
}
