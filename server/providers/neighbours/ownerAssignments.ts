/**
 * The Owner role assignment a subscription's own principal holds (the default service principal
 * on the default subscription; a directory-API principal on the subscription made with it), so
 * that with --rbac enforce the principals Arclight hands out can do everything in their
 * subscription, as a subscription's creator can in Azure. Written straight into the store (it
 * is no request of anyone's), under a name derived from principal and subscription, so seeding
 * twice (a reset) writes the same assignment again.
 */
import type { Store } from '../../store';
import { armKey } from '../../kit/resourceIds';
import { createHash } from 'crypto';
import { ROLE_ASSIGNMENT_TYPE } from './roleAssignments';
import { roleDefinitionId } from './roleDefinitions';

export const OWNER_ROLE = '8e3af657-a8ff-443c-a75c-2fe8c4bcb635';

/** A GUID from the inputs (version-5 shaped), stable across runs. */
function stableGuid(...parts: string[]): string {
  const h = createHash('sha256').update(`arclight:owner:${parts.join(':').toLowerCase()}`).digest();
  h[6] = (h[6] & 0x0f) | 0x50;
  h[8] = (h[8] & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString('hex');
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export function grantOwner(store: Store, nowMs: number, subscriptionId: string, principalId: string): void {
  const sub = subscriptionId.toLowerCase();
  const principal = principalId.toLowerCase();
  const scope = `/subscriptions/${sub}`;
  const name = stableGuid(sub, principal);
  const id = `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  if (store.resources.exists(armKey(id))) return;
  const at = new Date(nowMs).toISOString();
  store.resources.put({
    key: armKey(id), id, type: ROLE_ASSIGNMENT_TYPE, subscriptionId: sub, resourceGroup: null, parentKey: armKey(scope), tracked: false,
    body: {
      id, name, type: 'Microsoft.Authorization/roleAssignments',
      properties: {
        roleDefinitionId: roleDefinitionId(scope, OWNER_ROLE), principalId: principal, principalType: 'ServicePrincipal', scope,
        createdOn: at, updatedOn: at, createdBy: null, updatedBy: null, provisioningState: 'Succeeded',
      },
    },
    etag: `"${nowMs.toString(16)}-0"`, createdAt: nowMs, updatedAt: nowMs,
  });
}
