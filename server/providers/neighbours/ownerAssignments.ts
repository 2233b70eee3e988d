/**
 * The role assignments Arclight's own principals start with under --rbac enforce, written
 * straight into the store (they are no request of anyone's), under names derived from
 * principal and scope, so seeding twice (a reset) writes the same assignment again:
 * - Owner of a subscription for its own principal (the default service principal on the
 *   default subscription; a directory-API principal on the subscription made with it), as a
 *   subscription's creator owns it in Azure;
 * - User Access Administrator at the tenant root `/` for the default service principal in the
 *   default tenant, and for a directory-API subscription's principal in the tenant made for it:
 *   what a Global Administrator's "elevate access" assigns, so that someone can assign roles at
 *   the root (a tenant deployment needs one there, as in Azure).
 */
import type { Store } from '../../store';
import { armKey } from '../../kit/resourceIds';
import { createHash } from 'crypto';
import { ROLE_ASSIGNMENT_TYPE, tenantRootKey } from './roleAssignments';
import { roleDefinitionId } from './roleDefinitions';

const OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';
const USER_ACCESS_ADMINISTRATOR_ROLE = '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9';

/** A GUID from the inputs (version-5 shaped), stable across runs. */
function stableGuid(...parts: string[]): string {
  const h = createHash('sha256').update(`arclight:owner:${parts.join(':').toLowerCase()}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

interface Seeded { scope: string; parentKey: string; subscriptionId: string; name: string; role: string; principalId: string }

function seed(store: Store, nowMs: number, a: Seeded): void {
  const id = `${a.scope === '/' ? '' : a.scope}/providers/Microsoft.Authorization/roleAssignments/${a.name}`;
  if (store.resources.exists(armKey(id))) return;
  const at = new Date(nowMs).toISOString();
  store.resources.put({
    key: armKey(id), id, type: ROLE_ASSIGNMENT_TYPE, subscriptionId: a.subscriptionId, resourceGroup: null, parentKey: a.parentKey, tracked: false,
    body: {
      id, name: a.name, type: 'Microsoft.Authorization/roleAssignments',
      properties: {
        roleDefinitionId: roleDefinitionId(a.scope, a.role), principalId: a.principalId, principalType: 'ServicePrincipal', scope: a.scope,
        createdOn: at, updatedOn: at, createdBy: null, updatedBy: null, provisioningState: 'Succeeded',
      },
    },
    etag: `"${nowMs.toString(16)}-0"`, createdAt: nowMs, updatedAt: nowMs,
  });
}

export function grantOwner(store: Store, nowMs: number, subscriptionId: string, principalId: string): void {
  const sub = subscriptionId.toLowerCase();
  const scope = `/subscriptions/${sub}`;
  seed(store, nowMs, { scope, parentKey: armKey(scope), subscriptionId: sub, name: stableGuid(sub, principalId), role: OWNER_ROLE, principalId: principalId.toLowerCase() });
}

export function grantRootAccess(store: Store, nowMs: number, tenantId: string, principalId: string): void {
  seed(store, nowMs, {
    scope: '/', parentKey: tenantRootKey(tenantId), subscriptionId: '', name: stableGuid('root', tenantId, principalId),
    role: USER_ACCESS_ADMINISTRATOR_ROLE, principalId: principalId.toLowerCase(),
  });
}

/** Removes the tenant root assignments of a tenant being deleted. */
export function deleteRootAssignments(store: Store, tenantId: string): void {
  for (const r of store.resources.children(tenantRootKey(tenantId), ROLE_ASSIGNMENT_TYPE, '', Number.MAX_SAFE_INTEGER).items) store.resources.deleteTree(r.key);
}
