/**
 * Microsoft.Authorization/roleAssignments, stored at any scope (`/{scope}/providers/
 * Microsoft.Authorization/roleAssignments/{guid}`: a subscription, a group or a resource,
 * which must exist) and deleted with it. Checked as Azure checks them:
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
import type { ArmRequest, ArmResponse } from '../../kit/handlers';
import type { ProviderContext } from '../context';
import { armKey } from '../../kit/resourceIds';
import { listBody } from '../../kit/paging';
import type { StoredResource } from '../../store/resources';
import type { StandIn } from './standIn';
import { resolveScope } from './scopes';
import { builtInRole, roleDefinitionById, roleDefinitionId } from './roleDefinitions';

export const ROLE_ASSIGNMENT_TYPE = 'microsoft.authorization/roleassignments';
export const ROLE_ASSIGNMENT_ITEM = '/{scope}/providers/Microsoft.Authorization/roleAssignments/{}';
const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

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
  parentId: (s, req) => resolveScope(s, req.params.scope),
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
    return { scope: w.id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, ''), createdOn: now, updatedOn: now, createdBy: who, updatedBy: who };
  },
  complete: (p, w) => {
    const scope = w.id.replace(/\/providers\/Microsoft\.Authorization\/roleAssignments\/[^/]+$/i, '');
    const role = builtInRole(String(p.roleDefinitionId));
    if (!role || !/(^|\/providers\/Microsoft\.Authorization\/roleDefinitions\/)[^/]+$/i.test(String(p.roleDefinitionId))) {
      throw new ArmError(400, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${String(p.roleDefinitionId).split('/').pop()}' does not exist.`);
    }
    const principalId = String(p.principalId).toLowerCase();
    const known = principalKind(w.ctx, principalId);
    // The spec's default (User) is in `p` already: what matters is whether the client sent one.
    const sent = ((w.req.rawBody as { properties?: { principalType?: unknown } } | undefined)?.properties?.principalType);
    if (!known && sent === undefined) {
      const tenant = w.ctx.store.directory.subscription(w.req.params.scope.split('/').filter(Boolean)[1] ?? '')?.tenantId ?? w.ctx.defaults.tenantId;
      throw new ArmError(400, 'PrincipalNotFound',
        `Principal ${String(p.principalId).replace(/-/g, '')} does not exist in the directory ${tenant}. Check that you have the correct principal ID. If you are creating this principal and then immediately assigning a role, this error might be related to a replication delay. In this case, set the role assignment principalType property to a value, such as ServicePrincipal, User, or Group.  See https://aka.ms/docs-principaltype`);
    }
    const completed = { ...p, principalId, roleDefinitionId: roleDefinitionId(scope, role.name), principalType: sent === undefined ? known : p.principalType };
    const previous = w.previous?.body.properties;
    if (previous && (previous.principalId !== completed.principalId || String(previous.roleDefinitionId).toLowerCase() !== completed.roleDefinitionId.toLowerCase())) {
      throw new ArmError(400, 'RoleAssignmentUpdateNotPermitted', 'Tenant ID, application ID, principal ID, and scope are not allowed to be updated.');
    }
    if (!previous) {
      const twin = w.ctx.store.resources.children(armKey(scope), ROLE_ASSIGNMENT_TYPE, '', 10_000).items.find((r) =>
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

/** The role assignments that apply at the scope of `scopeId`. */
function listAt(s: ProviderContext, req: ArmRequest, scopeId: string): ArmResponse {
  const f = listFilter(req);
  const key = armKey(scopeId);
  const subscriptionId = key.split('/')[2];
  const all: StoredResource[] = [];
  for (let after = ''; ;) {
    const page = s.store.resources.inSubscription(subscriptionId, ROLE_ASSIGNMENT_TYPE, after, 1000);
    all.push(...page.items);
    if (!page.continueAfter) break;
    after = page.continueAfter;
  }
  const applies = all.filter((r) => {
    const at = r.parentKey;
    if (!(within(key, at) || (!f.atScope && within(at, key)))) return false;
    return !f.principalId || r.body.properties?.principalId === f.principalId;
  });
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
  s.handlers.on('GET', '/{scope}/providers/Microsoft.Authorization/roleAssignments', (req) => listAt(s, req, resolveScope(s, req.params.scope)));

  // `/{roleAssignmentId}`: the same operations, addressed by the assignment's id.
  for (const method of ['GET', 'PUT', 'DELETE']) {
    const byScope = s.handlers.get(`${method} /{}/providers/microsoft.authorization/roleassignments/{}`)!;
    s.handlers.on(method, '/{roleAssignmentId}', (req) => {
      // The same route is RoleDefinitions_GetById's: a role definition id is read as one.
      const definition = method === 'GET' ? roleDefinitionById(s, req.params.roleAssignmentId) : undefined;
      if (definition) return definition;
      const m = /^\/?(.+)\/providers\/Microsoft\.Authorization\/roleAssignments\/([^/]+)$/i.exec(req.params.roleAssignmentId);
      if (!m) throw new ArmError(400, 'InvalidRoleAssignmentId', `The role assignment ID '${req.params.roleAssignmentId}' is not valid: it must be '{scope}/providers/Microsoft.Authorization/roleAssignments/{guid}'.`);
      return byScope({ ...req, params: { ...req.params, scope: m[1], roleAssignmentName: m[2] } });
    });
  }
}
