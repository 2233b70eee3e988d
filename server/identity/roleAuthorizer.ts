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
 * The root `/` of the principal's tenant is above every subscription of that tenant: its
 * assignments are one more lookup. Requests at the root itself are checked where they address
 * what is kept there (its role assignments, tenant deployments).
 * Not checked: the rest of the tenant level (the subscription list, provider metadata,
 * operations lists, which Azure serves to every signed-in principal) and the polls of a
 * provider's operation statuses and results, which ARM lets the principal that started the
 * operation read whatever its roles (their ids are unguessable).
 */
import type { Store } from '../store';
import type { Caller } from '../kit/handlers';
import { armKey } from '../kit/resourceIds';
import { ROLE_ASSIGNMENT_TYPE, tenantRootKey } from '../providers/neighbours/roleAssignments';
import { builtInRole, type RoleDefinition } from '../providers/neighbours/roleDefinitions';
import { authorizationFailed, requestAuthorization } from './authorizationFailed';
import { roleGrants, type ActionKind } from './rolePermissions';

/** More assignments than this at one scope for one principal is no test's case; the bound keeps a lookup cheap. */
const MAX_AT_SCOPE = 2000;

const OPERATION_POLL = /\/providers\/[^/]+\/locations\/[^/]+\/operation[^/]*\/[^/]+$/i;

/**
 * Tenant-level paths that address what is kept at the tenant root: its role assignments and
 * tenant deployments (Azure asks a role at `/` for both). The rest of the tenant level is
 * metadata every signed-in principal reads.
 */
const AT_ROOT = /^providers\/(microsoft\.authorization\/roleassignments|microsoft\.resources\/deployments)(\/|$)/i;

export class RoleAuthorizer {
  constructor(private readonly store: Store, private readonly isVerified: (caller: Caller) => boolean) {}

  /** Throws 403 AuthorizationFailed when the caller holds no role that grants the request's action at its scope. */
  authorize(caller: Caller, method: string, segments: readonly string[], namespace: string): void {
    if (!caller.objectId || !this.isVerified(caller)) return;
    let tenantId: string | undefined;
    if (segments.length >= 2 && segments[0].toLowerCase() === 'subscriptions') {
      if (method.toUpperCase() === 'GET' && OPERATION_POLL.test(`/${segments.join('/')}`)) return;
      // A subscription that does not exist is the pipeline's 404 to answer, not a refusal.
      tenantId = this.store.directory.subscription(decodeURIComponent(segments[1]))?.tenantId;
      if (!tenantId) return;
    } else {
      if (!AT_ROOT.test(segments.join('/'))) return;
      tenantId = caller.tenantId ?? '';
    }
    const { action, scope } = requestAuthorization(method, segments, namespace);
    if (!this.allows(caller.objectId, tenantId, action, scope)) throw authorizationFailed(caller, action, scope);
  }

  /** Whether the principal holds, at `scope` or above it (up to its tenant's root), a role granting `action`. */
  allows(principalId: string, tenantId: string, action: string, scope: string, kind: ActionKind = 'control'): boolean {
    return this.rolesAt(principalId, tenantId, scope).some((role) => roleGrants(role, action, kind));
  }

  /** The built-in roles assigned to the principal at `scope`, every scope above it, and the root of `tenantId`. */
  rolesAt(principalId: string, tenantId: string, scope: string): RoleDefinition[] {
    const principal = principalId.toLowerCase();
    const roles: RoleDefinition[] = [];
    const collect = (parentKey: string) => {
      for (const r of this.store.resources.children(parentKey, ROLE_ASSIGNMENT_TYPE, '', MAX_AT_SCOPE).items) {
        const props = r.body.properties as { principalId?: unknown; roleDefinitionId?: unknown } | undefined;
        if (props?.principalId !== principal) continue;
        const role = builtInRole(String(props.roleDefinitionId ?? ''));
        if (role) roles.push(role);
      }
    };
    collect(tenantRootKey(tenantId));
    const segments = armKey(scope).split('/').filter(Boolean);
    // Below the root, only subscriptions and what is in them hold assignments, and every ARM id
    // there has an even number of segments: only those prefixes can.
    if (segments[0] === 'subscriptions') {
      for (let n = 2; n <= segments.length; n += 2) collect(`/${segments.slice(0, n).join('/')}`);
    }
    return roles;
  }
}
