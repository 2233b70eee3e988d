/**
 * --rbac enforce: ARM's authorisation of a request against the role assignments that apply at
 * its scope. An assignment applies at its own scope and everything under it (a subscription's
 * reaches its groups, their resources and those resources' nested and extension resources), so
 * the assignments of a request are those stored directly under each ancestor of its scope: a
 * handful of lookups on the (parent, type) index, never a scan, and nothing to invalidate (a
 * write, a reset or a snapshot restore is seen by the next request).
 *
 * Who is checked: the principals of Arclight's own tokens. In lenient mode a foreign token's
 * caller names no principal Arclight knows, so it is let through as before (lenient stays the
 * mode for tests that bring fake tokens); with --auth off there is no caller to check.
 * Not checked: tenant-level requests (no subscription in the path: the subscription list,
 * provider metadata, operations lists, which Azure serves to every signed-in principal) and
 * the polls of a provider's operation statuses and results, which ARM lets the principal that
 * started the operation read whatever its roles (their ids are unguessable).
 */
import type { Store } from '../store';
import type { Caller } from '../kit/handlers';
import { armKey } from '../kit/resourceIds';
import { ROLE_ASSIGNMENT_TYPE } from '../providers/neighbours/roleAssignments';
import { builtInRole, type RoleDefinition } from '../providers/neighbours/roleDefinitions';
import { authorizationFailed, requestAuthorization } from './authorizationFailed';
import { roleGrants, type ActionKind } from './rolePermissions';

/** More assignments than this at one scope for one principal is no test's case; the bound keeps a lookup cheap. */
const MAX_AT_SCOPE = 2000;

const OPERATION_POLL = /\/providers\/[^/]+\/locations\/[^/]+\/operation[^/]*\/[^/]+$/i;

export class RoleAuthorizer {
  constructor(private readonly store: Store, private readonly isVerified: (caller: Caller) => boolean) {}

  /** Throws 403 AuthorizationFailed when the caller holds no role that grants the request's action at its scope. */
  authorize(caller: Caller, method: string, segments: readonly string[], namespace: string): void {
    if (segments.length < 2 || segments[0].toLowerCase() !== 'subscriptions') return;
    if (!caller.objectId || !this.isVerified(caller)) return;
    const path = `/${segments.join('/')}`;
    if (method.toUpperCase() === 'GET' && OPERATION_POLL.test(path)) return;
    // A subscription that does not exist is the pipeline's 404 to answer, not a refusal.
    if (!this.store.directory.subscription(decodeURIComponent(segments[1]))) return;
    const { action, scope } = requestAuthorization(method, segments, namespace);
    if (!this.allows(caller.objectId, action, scope)) throw authorizationFailed(caller, action, scope);
  }

  /** Whether the principal holds, at `scope` or above it, a role granting `action`. */
  allows(principalId: string, action: string, scope: string, kind: ActionKind = 'control'): boolean {
    return this.rolesAt(principalId, scope).some((role) => roleGrants(role, action, kind));
  }

  /** The built-in roles assigned to the principal at `scope` and every scope above it. */
  rolesAt(principalId: string, scope: string): RoleDefinition[] {
    const principal = principalId.toLowerCase();
    const segments = armKey(scope).split('/').filter(Boolean);
    const roles: RoleDefinition[] = [];
    // Every ARM id has an even number of segments: only those prefixes can hold assignments.
    for (let n = 2; n <= segments.length; n += 2) {
      const key = `/${segments.slice(0, n).join('/')}`;
      for (const r of this.store.resources.children(key, ROLE_ASSIGNMENT_TYPE, '', MAX_AT_SCOPE).items) {
        const props = r.body.properties as { principalId?: unknown; roleDefinitionId?: unknown } | undefined;
        if (props?.principalId !== principal) continue;
        const role = builtInRole(String(props.roleDefinitionId ?? ''));
        if (role) roles.push(role);
      }
    }
    return roles;
  }
}
