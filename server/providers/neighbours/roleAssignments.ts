/**
 * Microsoft.Authorization/roleAssignments, stored at any scope (`/{scope}/providers/
 * Microsoft.Authorization/roleAssignments/{guid}`: a subscription, a group or a resource,
 * which must exist) and deleted with it, or at the tenant root `/` (the caller's tenant; kept
 * under the tenant's own id, `/tenants/{id}`, since the assignment's id names no tenant, and
 * deleted with the tenant). Checked as Azure checks them:
 * - the name is a GUID (400 InvalidRoleAssignmentId);
 * - the role definition is one Arclight knows (400 RoleDefinitionDoesNotExist);
 * - the principal: when the request says no principalType, it must be a principal of
 *   Arclight's token service (a service principal or a managed identity, a cluster's
 *   included), else 400 PrincipalNotFound with Azure's message. Azure checks the directory
 *   later when principalType is given (the replication delay its message speaks of), so a
 *   request that names principalType is accepted for any principal;
 * - the same principal, role and scope under another name is 409 RoleAssignmentExists;
 * - a PUT that changes the principal, role or scope of an existing one is 400
 *   RoleAssignmentUpdateNotPermitted.
 * Lists at every scope answer what applies there: the assignments at the scope, above it
 * and (without `atScope()`) below it, filtered by `principalId eq '...'` or `assignedTo('...')`.
 */
import { ArmError } from '../../kit/armErrors';
import type { ArmRequest, ArmResponse, Caller } from '../../kit/handlers';
import type { ProviderContext } from '../context';
import { armKey } from '../../kit/resourceIds';
import { listBody } from '../../kit/paging';
import type { StoredResource } from '../../store/resources';
import type { StandIn } from './standIn';
import { resolveScope, TENANT_ROOT } from './scopes';
import { builtInRole, roleDefinitionById, roleDefinitionId } from './roleDefinitions';

export const ROLE_ASSIGNMENT_TYPE = 'microsoft.authorization/roleassignments';
export const ROLE_ASSIGNMENT_ITEM = '/{scope}/providers/Microsoft.Authorization/roleAssignments/{}';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const AT_SCOPE = /\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i;

/** The store key the tenant root assignments of a tenant are kept under: the tenant's id, as GET /tenants names it. */
export const tenantRootKey = (tenantId: string) => `/tenants/${tenantId.toLowerCase()}`;

/** The tenant a request at the root `/` addresses: the caller's, or the default one for a caller from no tenant Arclight has. */
function rootTenantOf(s: ProviderContext, caller: Caller): string {
  const tenantId = caller.tenantId?.toLowerCase();
  return tenantId && s.store.directory.tenant(tenantId) ? tenantId : s.defaults.tenantId;
}

/** The tenant whose directory a scope's principals are in. */
function tenantOfScope(s: ProviderContext, req: ArmRequest, scope: string): string {
  if (scope === TENANT_ROOT) return rootTenantOf(s, req.caller);
  return s.store.directory.subscription(scope.split('/')[2] ?? '')?.tenantId ?? s.defaults.tenantId;
}

/** The scope an assignment's id names (`/` at the root). */
const scopeOfId = (id: string) => id.replace(AT_SCOPE, '') || TENANT_ROOT;

/** Where an assignment is kept: its scope, or its tenant for the root. */
function assignmentParent(s: ProviderContext, req: ArmRequest): string {
  const scope = resolveScope(s, req.params.scope, { root: true });
  return scope === TENANT_ROOT ? tenantRootKey(rootTenantOf(s, req.caller)) : scope;
}

/** Every row of a paged store query. */
function everyRow(page: (after: string) => { items: StoredResource[]; continueAfter?: string }): StoredResource[] {
  const rows: StoredResource[] = [];
  for (let after = ''; ;) {
    const next = page(after);
    rows.push(...next.items);
    if (!next.continueAfter) return rows;
    after = next.continueAfter;
  }
}

function principalKind(s: ProviderContext, principalId: string): string | undefined {
  const entry = s.store.principals.all().find((e) => e.principal.objectId === principalId.toLowerCase());
  // Azure reports managed identities (and applications) as service principals.
  return entry ? 'ServicePrincipal' : undefined;
}

export const roleAssignments: StandIn = {
  typeName: 'Microsoft.Authorization/roleAssignments',
  label: 'role assignment',
  nameParam: 'roleAssignmentName',
  itemPath: ROLE_ASSIGNMENT_ITEM,
  // The lists are the scope-aware ones below.
  lists: [],
  parentId: assignmentParent,
  idOf: (parentId, name) => `${parentId.startsWith('/tenants/') ? '' : parentId}/providers/Microsoft.Authorization/roleAssignments/${name}`,
  located: false,
  systemData: false,
  notFound: (_req, name) => new ArmError(404, 'RoleAssignmentNotFound', `The role assignment '${name}' is not found.`),
  serviceSet: ['scope', 'createdOn', 'updatedOn', 'createdBy', 'updatedBy'],
  validateName: (name) => {
    if (!GUID.test(name)) throw new ArmError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${name}' is not valid. The role assignment ID must be a GUID.`);
  },
  initialState: (w) => {
    const now = w.ctx.clock.iso();
    const who = w.req.caller.objectId ?? null;
    return { scope: scopeOfId(w.id), createdOn: now, updatedOn: now, createdBy: who, updatedBy: who };
  },
  complete: (p, w) => {
    const scope = scopeOfId(w.id);
    const parentKey = armKey(assignmentParent(w.ctx, w.req));
    const role = builtInRole(String(p.roleDefinitionId));
    if (!role || !/(^|\/providers\/Microsoft\.Authorization\/roleDefinitions\/)[^/]+$/i.test(String(p.roleDefinitionId))) {
      throw new ArmError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${String(p.roleDefinitionId).split('/').pop()}' does not exist.`);
    }
    const principalId = String(p.principalId).toLowerCase();
    const known = principalKind(w.ctx, principalId);
    // The spec's default (User) is in `p` already: what matters is whether the client sent one.
    const sent = ((w.req.rawBody as { properties?: { principalType?: unknown } } | undefined)?.properties?.principalType);
    if (!known && sent === undefined) {
      const tenant = tenantOfScope(w.ctx, w.req, scope);
      throw new ArmError(400, 'PrincipalNotFound',
        `Principal ${String(p.principalId).replace(/-/g, '')} does not exist in the directory ${tenant}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`);
    }
    const completed = { ...p, principalId, roleDefinitionId: roleDefinitionId(scope, role.name), principalType: sent === undefined ? known : p.principalType };
    const previous = w.previous?.body.properties;
    // The same name at another tenant's root is another assignment, which this one cannot become.
    if (w.previous && w.previous.parentKey !== parentKey) throw new ArmError(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    if (previous && (previous.principalId !== completed.principalId || String(previous.roleDefinitionId).toLowerCase() !== completed.roleDefinitionId.toLowerCase())) {
      throw new ArmError(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    }
    if (!previous) {
      const twin = w.ctx.store.resources.children(parentKey, ROLE_ASSIGNMENT_TYPE, '', 10_000).items.find((r) =>
        r.body.properties?.principalId === principalId && String(r.body.properties?.roleDefinitionId).split('/').pop()!.toLowerCase() === role.name);
      if (twin) throw new ArmError(409, 'RoleAssignmentExists', 'The role assignment already exists.');
    }
    return completed;
  },
};

/** Whether `inner` is `outer` or lies inside it (ids compared as store keys). */
const within = (inner: string, outer: string) => inner === outer || inner.startsWith(`${outer}/`);

/** `atScope()`, `principalId eq '{id}'`, `assignedTo('{id}')`, joined by `and`. */
function listFilter(req: ArmRequest): { atScope: boolean; principalId?: string } {
  const filter = req.query.$filter?.trim();
  const out: { atScope: boolean; principalId?: string } = { atScope: false };
  if (!filter) return out;
  for (const clause of filter.split(/\s+and\s+/i).map((c) => c.trim())) {
    let m: RegExpExecArray | null;
    if (/^atScope\(\)$/i.test(clause)) out.atScope = true;
    else if ((m = /^principalId\s+eq\s+'([^']*)'$/i.exec(clause)) || (m = /^assignedTo\('([^']*)'\)$/i.exec(clause))) out.principalId = m[1].toLowerCase();
    else throw new ArmError(400, 'InvalidFilter', `The filter '${filter}' is not supported. Supported filters are atScope(), principalId eq '{value}' and assignedTo('{value}').`);
  }
  return out;
}

/**
 * The role assignments that apply at the scope of `scopeId`: those of its tenant's root, and in
 * its subscription those at, above and (without atScope()) below it. At the root, below is
 * every subscription of the tenant.
 */
function listAt(s: ProviderContext, req: ArmRequest, scopeId: string): ArmResponse {
  const f = listFilter(req);
  const key = armKey(scopeId);
  const tenantId = tenantOfScope(s, req, scopeId);
  const rows = everyRow((after) => s.store.resources.children(tenantRootKey(tenantId), ROLE_ASSIGNMENT_TYPE, after, 1000));
  const subscriptions = scopeId !== TENANT_ROOT ? [key.split('/')[2]]
    : f.atScope ? [] : s.store.directory.subscriptions().filter((sub) => sub.tenantId === tenantId).map((sub) => sub.subscriptionId);
  for (const subscriptionId of subscriptions) {
    rows.push(...everyRow((after) => s.store.resources.inSubscription(subscriptionId, ROLE_ASSIGNMENT_TYPE, after, 1000))
      .filter((r) => scopeId === TENANT_ROOT || within(key, r.parentKey) || (!f.atScope && within(r.parentKey, key))));
  }
  const applies = f.principalId ? rows.filter((r) => r.body.properties?.principalId === f.principalId) : rows;
  return { status: 200, body: listBody(applies.map((r) => r.body), undefined) };
}

const LISTS = [
  '/subscriptions/{subscriptionId}/providers/Microsoft.Authorization/roleAssignments',
  '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Authorization/roleAssignments',
  '/subscriptions/{}/resourceGroups/{}/providers/{}/{}/{}/providers/Microsoft.Authorization/roleAssignments',
];

/** The scope-aware lists, and the by-id forms of get, create and delete (`/{roleAssignmentId}`). */
export function registerRoleAssignmentRoutes(s: ProviderContext): void {
  for (const path of LISTS) s.handlers.on('GET', path, (req) => listAt(s, req, resolveScope(s, req.path.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments$/i, ''))));
  s.handlers.on('GET', '/{scope}/providers/Microsoft.Authorization/roleAssignments', (req) => listAt(s, req, resolveScope(s, req.params.scope, { root: true })));

  // `/{roleAssignmentId}`: the same operations, addressed by the assignment's id.
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const byScope = s.handlers.get(`${method} /{}/providers/microsoft.authorization/roleassignments/{}`)!;
    s.handlers.on(method, '/{roleAssignmentId}', (req) => {
      // The same route is RoleDefinitions_GetById's: a role definition id is read as one.
      const definition = method === 'GET' ? roleDefinitionById(s, req.params.roleAssignmentId) : undefined;
      if (definition) return definition;
      const m = /^\/?(.*?)\/?providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i.exec(req.params.roleAssignmentId);
      if (!m) throw new ArmError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${req.params.roleAssignmentId}' is not valid: it must be '{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}'.`);
      return byScope({ ...req, params: { ...req.params, scope: m[1], roleAssignmentName: m[2] } });
    });
  }
}
