/**
 * ARM's 403 AuthorizationFailed and the RBAC action and scope it names. One builder for every
 * refusal (a deleted principal, a subscription out of reach, a missing role assignment), so the
 * message a client sees is Azure's, word for word, whichever check refused it.
 */
import { ArmError } from '../kit/armErrors';
import type { Caller } from '../kit/handlers';
import { ARM_NAMESPACE } from '../kit/resourceIds';

export interface RequestAuthorization {
  /** `{Namespace}/{type}[/{childType}...]/{read|write|delete}` or `.../{actionName}/action`. */
  action: string;
  /** The resource the request addresses, or the scope a list is taken at. */
  scope: string;
}

/** Users are named by UPN, applications by their app id (as ARM names them in this message). */
export function authorizationFailed(caller: Caller, action: string, scope: string): ArmError {
  const client = caller.type === 'User' ? caller.name ?? caller.objectId ?? '' : caller.appId ?? caller.name ?? '';
  return new ArmError(403, 'AuthorizationFailed',
    `The client '${client}' with object id '${caller.objectId ?? ''}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`,
    { gateway: true });
}

/**
 * The action and scope of a request from its path: the types after the namespace's
 * `providers/{namespace}` (or from the root for Microsoft.Resources' own paths), the verb
 * from the method. A path that ends in a type is a list, authorised at the scope it is
 * taken at (ARM asks read at the subscription for a subscription-wide list).
 */
export function requestAuthorization(method: string, segments: readonly string[], namespace: string = ARM_NAMESPACE): RequestAuthorization {
  const m = method.toUpperCase();
  const verb = m === 'GET' || m === 'HEAD' ? 'read' : m === 'DELETE' ? 'delete' : m === 'POST' ? 'action' : 'write';
  let path = [...segments];
  // A POST to a resource names the action as the last, unpaired segment.
  const actionName = m === 'POST' && path.length % 2 === 1 ? path[path.length - 1] : undefined;
  if (actionName) path = path.slice(0, -1);
  const lower = namespace.toLowerCase();
  // The last `providers/{namespace}`: an extension resource is its own provider's, not its parent's.
  let at = -1;
  for (let i = path.length - 2; i >= 0; i--) if (path[i].toLowerCase() === 'providers' && path[i + 1].toLowerCase() === lower) { at = i; break; }
  const start = at < 0 ? 0 : at + 2;
  const types = path.slice(start).filter((_, i) => i % 2 === 0);
  const action = [namespace, ...types, ...(actionName ? [actionName] : []), verb].join('/');
  const isList = !actionName && (path.length - start) % 2 === 1;
  const scopeSegments = isList ? path.slice(0, at < 0 || path.length - start > 1 ? -1 : at) : path;
  return { action, scope: `/${scopeSegments.join('/')}` };
}
