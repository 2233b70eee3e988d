/**
 * User-assigned identities are real identities of the token service: creating one registers a
 * managed identity (its clientId, its principalId as object id, the subscription's tenant, its
 * ARM id as `xms_mirid`), so the managed identity endpoints give it tokens when a request
 * names it by client_id, object_id/principal_id or mi_res_id. Deleting it (or its group)
 * removes the identity with the resource (kit/resources.ts deleteResourceTree).
 */
import { randomUUID } from 'crypto';
import type { ProviderContext } from '../context';
import type { Props, Write } from '../../kit/resourceType';

export const UAI_TYPE = 'microsoft.managedidentity/userassignedidentities';

/** The ids a new identity gets (what the service sets). */
export function managedIdentityState(w: Write<ProviderContext>): Props {
  const tenantId = w.ctx.store.directory.subscription(w.req.params.subscriptionId)?.tenantId ?? w.ctx.defaults.tenantId;
  return { tenantId, principalId: randomUUID(), clientId: randomUUID() };
}

/** Keeps the token service's identity in step with every stored user-assigned identity (in the write's transaction). */
export function registerIdentityBacking(s: ProviderContext): void {
  s.events.on('resource.written', ({ resource }) => {
    if (resource.type !== UAI_TYPE) return;
    const p = resource.body.properties as { tenantId: string; principalId: string; clientId: string };
    s.store.principals.put({
      clientId: p.clientId, objectId: p.principalId, tenantId: p.tenantId, kind: 'ManagedIdentity',
      displayName: String(resource.body.name), resourceId: resource.id,
    }, [], []);
  });
}
