/**
 * Microsoft.Authorization/roleDefinitions: Azure's built-in roles that Arc automation assigns
 * (specs/arclight/builtInRoles.json, by their real ids), readable and listed at every scope, as
 * Azure serves them: the id names the scope's subscription (`/subscriptions/{s}/providers/
 * Microsoft.Authorization/roleDefinitions/{guid}`), or none at the root. Lists take az's
 * `$filter=roleName eq '...'` and `type eq 'BuiltInRole'`. Custom roles are not served:
 * PUT and DELETE are refused (501) with the reason.
 */
import { ArmError } from '../../kit/armErrors';
import type { ArmRequest, ArmResponse } from '../../kit/handlers';
import type { ProviderContext } from '../context';
import { listBody } from '../../kit/paging';
import builtIn from '../../../specs/arclight/builtInRoles.json';
import { resolveScope } from './scopes';

export interface RoleDefinition {
  name: string;
  roleName: string;
  description: string;
  permissions: Array<{ actions: string[]; notActions: string[]; dataActions: string[]; notDataActions: string[] }>;
}

export const BUILT_IN_ROLES: readonly RoleDefinition[] = builtIn.roles;
const BY_ID = new Map(BUILT_IN_ROLES.map((r) => [r.name.toLowerCase(), r]));

const ITEM = '/{scope}/providers/Microsoft.Authorization/roleDefinitions/{}';
const LIST = '/{scope}/providers/Microsoft.Authorization/roleDefinitions';

/** The built-in role a roleDefinitionId names (`.../roleDefinitions/{guid}` or the bare guid), if any. */
export function builtInRole(roleDefinitionId: string): RoleDefinition | undefined {
  return BY_ID.get(roleDefinitionId.split('/').pop()!.toLowerCase());
}

/** The id Azure shows for a role definition read under `scope`. */
export function roleDefinitionId(scope: string, guid: string): string {
  const subscription = /^\/subscriptions\/([^/]+)/i.exec(scope)?.[1];
  return `${subscription ? `/subscriptions/${subscription}` : ''}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;
}

function render(role: RoleDefinition, scope: string) {
  return {
    id: roleDefinitionId(scope, role.name),
    name: role.name,
    type: 'Microsoft.Authorization/roleDefinitions',
    properties: {
      roleName: role.roleName,
      type: 'BuiltInRole',
      description: role.description,
      assignableScopes: ['/'],
      permissions: role.permissions,
      createdOn: '2015-02-02T21:55:09.8806423Z',
      updatedOn: '2021-11-11T20:13:47.8628684Z',
      createdBy: null,
      updatedBy: null,
    },
  };
}

/** `roleName eq 'X'`, `type eq 'BuiltInRole'` (and `and` of both), as az and the SDKs send them. */
function filterOf(req: ArmRequest): (r: RoleDefinition) => boolean {
  const filter = req.query.$filter?.trim();
  if (!filter) return () => true;
  const tests: Array<(r: RoleDefinition) => boolean> = [];
  for (const clause of filter.split(/\s+and\s+/i)) {
    const m = /^(roleName|type)\s+eq\s+'((?:[^']|'')*)'$/i.exec(clause.trim());
    if (!m) throw new ArmError(400, 'InvalidFilter', `The filter '${filter}' is not supported. Supported filters are roleName eq '{value}' and type eq 'BuiltInRole|CustomRole'.`);
    const value = m[2].replace(/''/g, "'");
    tests.push(m[1].toLowerCase() === 'rolename' ? (r) => r.roleName === value : () => value.toLowerCase() === 'builtinrole');
  }
  return (r) => tests.every((t) => t(r));
}

const notFound = (guid: string) => new ArmError(404, 'RoleDefinitionDoesNotExist', `The specified role definition with ID '${guid}' does not exist.`);

/**
 * RoleDefinitions_GetById (`GET /{roleId}`), when the id names a role definition:
 * `/subscriptions/{s}/providers/Microsoft.Authorization/roleDefinitions/{guid}` or the tenant's
 * `/providers/...`. Its route is also RoleAssignments_GetById's (the same shape: a whole id);
 * roleAssignments.ts's handler of that route sends role definition ids here. Undefined for
 * another id.
 */
export function roleDefinitionById(s: ProviderContext, id: string): ArmResponse | undefined {
  const m = /^\/?((?:subscriptions\/[^/]+\/)?)providers\/Microsoft\.Authorization\/roleDefinitions\/([^/]+)$/i.exec(id);
  if (!m) return undefined;
  const scope = m[1] ? resolveScope(s, m[1].replace(/\/$/, '')) : '/';
  const role = BY_ID.get(m[2].toLowerCase());
  if (!role) throw notFound(m[2]);
  return { status: 200, body: render(role, scope), renderAs: 'RoleDefinitions_GetById' };
}

export function registerRoleDefinitions(s: ProviderContext): void {
  s.handlers.on('GET', ITEM, (req) => {
    const scope = resolveScope(s, req.params.scope, { root: true });
    const role = BY_ID.get(req.params.roleDefinitionId.toLowerCase());
    if (!role) throw notFound(req.params.roleDefinitionId);
    return { status: 200, body: render(role, scope) };
  });
  s.handlers.on('GET', LIST, (req) => {
    const scope = resolveScope(s, req.params.scope, { root: true });
    const accept = filterOf(req);
    return { status: 200, body: listBody(BUILT_IN_ROLES.filter(accept).map((r) => render(r, scope)), undefined) };
  });
  const custom = 'Arclight serves the built-in roles Arc automation assigns (specs/arclight/builtInRoles.json); custom role definitions are not emulated';
  s.handlers.refuse('PUT', ITEM, custom);
  s.handlers.refuse('DELETE', ITEM, custom);
}
