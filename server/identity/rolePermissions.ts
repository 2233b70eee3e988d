/**
 * Azure's permission matching: an action (or data action) is granted by a role when one of its
 * permission blocks lists a pattern that matches it and none of that block's notActions (or
 * notDataActions) does. Patterns compare case-insensitively and `*` stands for any run of
 * characters, `/` included (`*`, `Microsoft.Kubernetes/*`, `*\/read`,
 * `Microsoft.Authorization/*\/Write`). NotActions only subtract from their own block: they
 * deny nothing another role (or block) grants, as in Azure.
 */
import type { RoleDefinition } from '../providers/neighbours/roleDefinitions';

export type ActionKind = 'control' | 'data';

const compiled = new Map<string, RegExp>();

function patternOf(glob: string): RegExp {
  let re = compiled.get(glob);
  if (!re) {
    re = new RegExp(`^${glob.split('*').map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
    compiled.set(glob, re);
  }
  return re;
}

export function actionMatches(pattern: string, action: string): boolean {
  return patternOf(pattern).test(action);
}

/** Whether `role` grants `action` (control plane: actions/notActions; data plane: dataActions/notDataActions). */
export function roleGrants(role: RoleDefinition, action: string, kind: ActionKind = 'control'): boolean {
  return role.permissions.some((p) => {
    const allow = kind === 'data' ? p.dataActions : p.actions;
    const deny = kind === 'data' ? p.notDataActions : p.notActions;
    return allow.some((a) => actionMatches(a, action)) && !deny.some((a) => actionMatches(a, action));
  });
}
