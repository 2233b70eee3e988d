/**
 * The directory at run time, under /_arclight/directory (see identity/directoryAdmin.ts):
 *   POST   /directory/tenants                       201 {tenantId, displayName, defaultDomain, tokenEndpoint}
 *   DELETE /directory/tenants/{tenantId}            200 {tenantId}            (its subscriptions and principals go too)
 *   POST   /directory/subscriptions                 201 {subscriptionId, tenantId, clientId, clientSecret, tokenEndpoint, ...}
 *   DELETE /directory/subscriptions/{id}            200 {subscriptionId}      (everything in it goes too)
 *   POST   /directory/servicePrincipals             201 {clientId, objectId, tenantId, tokenEndpoint, clientSecret | certificatePem, ...}
 *   DELETE /directory/servicePrincipals/{clientId}  200 {clientId}
 *   POST   /directory/managedIdentities             201 {clientId, principalId, tenantId, resourceId, identityEndpoint, tokenEndpoint}
 *   DELETE /directory/managedIdentities/{clientId}  200 {clientId}
 * Secrets and private keys appear in the create answers only: never in a log, never in a list.
 */
import type { Request } from 'express';
import { ArmError } from '../../kit/armErrors';
import { baseUrlOf } from '../../gateway/baseUrl';
import { readJsonBody } from '../../gateway/body';
import { sendJson } from '../../gateway/responses';
import type { Services } from '../services';
import type { AdminRoute } from './adminRoute';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** The id segment of /directory/{collection}/{id}, which must be a GUID. */
function idOf(req: Request): string {
  const id = req.path.split('/').filter(Boolean)[2] ?? '';
  if (!GUID.test(id)) throw new ArmError(400, 'InvalidRequestContent', `'${id.slice(0, 100)}' is not a GUID.`);
  return id.toLowerCase();
}

export function directoryRoutes(s: Services): AdminRoute[] {
  const admin = s.directoryAdmin;
  const create = (collection: string, make: (body: unknown, baseUrl: string) => object): AdminRoute => ({
    method: 'POST', path: new RegExp(`^/directory/${collection}$`, 'i'), independent: true, handle: async (req, res) => {
      const body = await readJsonBody(req, s.config.bodyLimit);
      // No-store: the answer is the one place a secret is ever shown.
      sendJson(res, 201, make(body, baseUrlOf(req)), { 'Cache-Control': 'no-store' });
    },
  });
  const remove = (collection: string, key: string, drop: (id: string) => void): AdminRoute => ({
    method: 'DELETE', path: new RegExp(`^/directory/${collection}/[^/]+$`, 'i'), independent: true, handle: (req, res) => {
      const id = idOf(req);
      drop(id);
      sendJson(res, 200, { [key]: id });
    },
  });
  return [
    create('tenants', (b, u) => admin.createTenant(b, u)),
    remove('tenants', 'tenantId', (id) => admin.deleteTenant(id)),
    create('subscriptions', (b, u) => admin.createSubscription(b, u)),
    remove('subscriptions', 'subscriptionId', (id) => admin.deleteSubscription(id)),
    create('servicePrincipals', (b, u) => admin.createServicePrincipal(b, u)),
    remove('servicePrincipals', 'clientId', (id) => admin.deletePrincipal(id, 'ServicePrincipal')),
    create('managedIdentities', (b, u) => admin.createManagedIdentity(b, u)),
    remove('managedIdentities', 'clientId', (id) => admin.deletePrincipal(id, 'ManagedIdentity')),
  ];
}
