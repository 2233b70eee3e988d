/**
 * What a deployment's template sees and asks of Arclight (README "Template deployments"): the
 * scope resourceGroup(), subscription() and deployment() read, and the requests reference() and
 * list*() send through the ARM pipeline as the deploying principal, as a client would send them.
 */
import type { Caller } from '../../kit/handlers';
import { resourceGroupId } from '../../kit/resourceIds';
import { loadResource } from '../../kit/resources';
import { TemplateError, type DeploymentScope, type TemplateServices } from '../../templates';
import type { Json, JsonObject } from '../../../protocol/json';
import type { Services } from '../services';
import type { DeploymentAt } from './deploymentScopes';
import { dispatchArm } from './pipeline';

const isObject = (v: unknown): v is JsonObject => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The URL an internal request sends for a resource id: each segment percent-encoded, as a client would send it. */
export function urlOf(id: string, apiVersion: string): string {
  return `${id.split('/').map((seg) => encodeURIComponent(seg)).join('/')}?api-version=${encodeURIComponent(apiVersion)}`;
}

/** What the template language sees of where a deployment runs. */
export function templateScope(s: Services, at: DeploymentAt, deploymentName: string, location: string | undefined): DeploymentScope {
  const sub = at.subscriptionId;
  const subscription = sub ? s.store.directory.subscription(sub) : undefined;
  const scope: DeploymentScope = { tenantId: subscription?.tenantId ?? s.defaults.tenantId, deploymentName };
  if (sub) {
    scope.subscriptionId = sub;
    scope.subscriptionDisplayName = subscription?.displayName;
  }
  if (sub && at.resourceGroupName) scope.resourceGroup = groupScope(s, sub, at.resourceGroupName);
  if (at.managementGroupId) scope.managementGroup = at.managementGroupId;
  if (location) scope.location = location;
  return scope;
}

/** resourceGroup() of a deployment in a group: the stored group's name, location and tags. */
export function groupScope(s: Services, sub: string, name: string): NonNullable<DeploymentScope['resourceGroup']> {
  const group = loadResource(s, resourceGroupId(sub, name));
  const body = (group?.body ?? {}) as JsonObject;
  return {
    name: typeof body.name === 'string' ? body.name : name,
    location: typeof body.location === 'string' ? body.location : '',
    id: group?.id ?? resourceGroupId(sub, name),
    ...(isObject(body.tags) ? { tags: body.tags as Record<string, string> } : {}),
  };
}

/** The services templates call (reference, list*), answered by the pipeline as the deploying principal. */
export function templateServices(s: Services, caller: Caller, baseUrl: string): TemplateServices {
  const version = (id: string, apiVersion: string | undefined) => apiVersion ?? newestVersion(s, id);
  return {
    reference(id, apiVersion, full) {
      const answer = dispatchArm(s, { method: 'GET', url: urlOf(id, version(id, apiVersion)), caller, baseUrl });
      if (answer.error) throw new TemplateError('ResourceNotFound', answer.error.message, '');
      const body = answer.body as JsonObject;
      return full ? body : ((body.properties ?? {}) as Json);
    },
    list(id, apiVersion, action, body) {
      const answer = dispatchArm(s, { method: 'POST', url: urlOf(`${id}/${action}`, apiVersion), body, caller, baseUrl });
      if (answer.error) throw new TemplateError(answer.error.code, answer.error.message, '');
      return (answer.body ?? null) as Json;
    },
  };
}

/** The newest api-version the catalog serves for the type of `id` (a reference() without one). */
export function newestVersion(s: Services, id: string): string {
  const segments = id.split('/').filter(Boolean);
  const at = segments.map((x) => x.toLowerCase()).lastIndexOf('providers');
  const namespace = segments[at + 1] ?? 'Microsoft.Resources';
  const types: string[] = [];
  for (let i = at + 2; i < segments.length; i += 2) types.push(segments[i]);
  const declared = s.catalog.resourceType(namespace, types.join('/'));
  return declared?.apiVersions[0] ?? '2022-09-01';
}
