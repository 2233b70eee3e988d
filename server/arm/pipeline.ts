/**
 * The ARM request pipeline, in the order Azure's front door applies it:
 *   api-version -> provider and spec route -> body -> validation -> authentication ->
 *   subscription, resource group and registration checks (due operations were settled first, in app.ts) ->
 *   the provider's handler (one store transaction) -> rendering for the api-version.
 */
import type { Request, Response } from 'express';
import { ArmError, armErrors } from '../http/armErrors';
import { readJsonBody } from '../http/body';
import { sendArmError, sendJson } from '../http/responses';
import { validationError } from '../openapi/validationMessages';
import type { Services } from '../services';
import type { ArmRequest, ArmResponse } from './handlers';
import { requestProjector, responseProjector } from './rendering';
import { ARM_NAMESPACE, namespaceOf, pathSegments, resourceGroupId, resourceTypeOf } from './resourceIds';

const WRITE_METHODS = new Set(['PUT', 'PATCH', 'POST']);

export function armPipeline(s: Services) {
  return async (req: Request, res: Response): Promise<void> => {
    try {
      const result = await handle(s, req);
      if (req.method === 'HEAD') result.body = undefined;
      sendJson(res, result.status, result.body, result.headers);
    } catch (err) {
      sendArmError(res, err, s.logger);
    }
  };
}

/** Query parameters of the raw URL, first value wins, keys as sent. */
function rawQuery(url: string): Record<string, string> {
  const q = url.indexOf('?');
  const out: Record<string, string> = {};
  if (q < 0) return out;
  for (const [k, v] of new URLSearchParams(url.slice(q + 1))) if (!(k in out)) out[k] = v;
  return out;
}

function findApiVersion(query: Record<string, string>): string | undefined {
  for (const [k, v] of Object.entries(query)) if (k.toLowerCase() === 'api-version') return v;
  return undefined;
}

async function handle(s: Services, req: Request): Promise<ArmResponse & { body?: unknown }> {
  const method = req.method.toUpperCase();
  const rawPath = req.url.split('?')[0];
  const segments = pathSegments(rawPath);
  const path = '/' + segments.join('/');
  const sent = rawQuery(req.url);

  const apiVersion = findApiVersion(sent);
  if (!apiVersion) throw armErrors.missingApiVersion();

  const rawBody = WRITE_METHODS.has(method) ? await readJsonBody(req, s.config.bodyLimit) : undefined;
  s.logger.debugBody(`${method} ${path} request`, rawBody);
  const location = typeof (rawBody as { location?: unknown })?.location === 'string' ? (rawBody as { location: string }).location : '';

  const namespace = namespaceOf(segments);
  const provider = s.catalog.provider(namespace);
  if (!provider) throw armErrors.invalidResourceNamespace(namespace);
  const definition = s.catalog.definition(namespace, apiVersion);
  if (!definition) throw unsupportedVersion(s, provider.namespace, segments, method, apiVersion, location);

  const match = definition.match(method.toLowerCase(), path.toLowerCase(), segments);
  if (match.kind === 'method-not-allowed') throw armErrors.methodNotAllowed(method);
  if (match.kind === 'none') throw unknownRoute(s, provider.namespace, segments, method, apiVersion, path, location);
  const { operation, params } = match;

  // Parameters the operation declares are matched case-insensitively and validated; ARM
  // ignores the others, but they stay visible to handlers ($skipToken on lists that omit it).
  const query: Record<string, string> = {};
  const declared: Record<string, string> = {};
  for (const [k, v] of Object.entries(sent)) {
    const name = operation.queryNames.get(k.toLowerCase());
    query[name ?? k] = v;
    if (name) declared[name] = v;
  }

  const body = operation.requestSchema && rawBody !== undefined ? requestProjector(operation.requestSchema, method === 'PATCH')(rawBody) : rawBody;
  const errors = definition.validateRequest(operation, params, declared, method === 'PATCH' ? withoutNulls(body) : body);
  if (errors) throw validationError(errors);

  const subscription = params.subscriptionId !== undefined ? s.store.directory.subscription(params.subscriptionId) : undefined;
  const baseUrl = `${(req.socket as { encrypted?: boolean }).encrypted ? 'https' : 'http'}://${req.headers.host ?? 'localhost'}`;
  const caller = s.auth.authenticate({
    header: req.headers.authorization, subscription, subscriptionId: params.subscriptionId, baseUrl, method, path, namespace: provider.namespace,
  });
  if (params.subscriptionId !== undefined && !subscription) throw armErrors.subscriptionNotFound(params.subscriptionId);

  // A group must exist before anything inside it can be read or written.
  if (params.resourceGroupName !== undefined && segments.length > 4 && subscription) {
    if (!s.store.resources.exists(resourceGroupId(subscription.subscriptionId, params.resourceGroupName).toLowerCase())) {
      throw armErrors.resourceGroupNotFound(params.resourceGroupName);
    }
  }
  if (subscription && WRITE_METHODS.has(method) && !provider.armOwned) {
    const state = s.store.directory.registrationState(subscription.subscriptionId, provider.namespace);
    if (state !== 'Registered' && state !== 'Registering') throw armErrors.missingSubscriptionRegistration(provider.namespace);
  }

  const handler = s.handlers.get(operation.routeKey);
  if (!handler) throw new ArmError(501, 'NotImplemented', `Arclight does not implement ${operation.operationId} yet.`);

  const armReq: ArmRequest = {
    method, path, segments, params, query, apiVersion, namespace: provider.namespace, body, rawBody, operation, caller, baseUrl,
  };
  const result = handler(armReq);
  if (result.body === undefined || result.verbatim) return result;
  const schema = operation.responseSchemas[result.schemaStatus ?? String(result.status)] ?? operation.responseSchemas['200'];
  const rendered = responseProjector(schema)(result.body);
  s.logger.debugBody(`${method} ${path} response ${result.status}`, rendered);
  s.onArmResponse?.({ definition, operation, status: result.status, body: rendered, schemaStatus: result.schemaStatus });
  return { ...result, body: rendered };
}

/** ARM's answer to an api-version the provider does not serve at all. */
function unsupportedVersion(s: Services, namespace: string, segments: string[], method: string, apiVersion: string, location: string): ArmError {
  const provider = s.catalog.provider(namespace)!;
  if (provider.armOwned || namespace === ARM_NAMESPACE) return armErrors.invalidApiVersion(apiVersion, Object.keys(provider.definitions).sort().reverse());
  const type = resourceTypeOf(segments, namespace.toLowerCase(), method) ?? '';
  const declared = s.catalog.resourceType(namespace, type);
  if (!declared) return armErrors.invalidResourceType(type, namespace, apiVersion);
  return noProvider(s, namespace, type, apiVersion, location);
}

/** A path no operation of this api-version matches. */
function unknownRoute(s: Services, namespace: string, segments: string[], method: string, apiVersion: string, path: string, location: string): ArmError {
  if (namespace === ARM_NAMESPACE) return armErrors.routeNotFound(path);
  const type = resourceTypeOf(segments, namespace.toLowerCase(), method) ?? '';
  const declared = s.catalog.resourceType(namespace, type);
  // The type exists, only not in this api-version (e.g. extensions at a flux-only version).
  if (declared && !declared.apiVersions.includes(apiVersion.toLowerCase())) return noProvider(s, namespace, type, apiVersion, location);
  // The type is served here but the action is not (e.g. listClusterUserCredential before 2021-10-01).
  if (declared && method === 'POST') {
    const action = segments[segments.length - 1];
    return new ArmError(404, 'ActionNotSupported', `The action '${action}' is not supported by resource type '${namespace}/${declared.resourceType}' in api-version '${apiVersion}'.`);
  }
  return armErrors.invalidResourceType(type, namespace, apiVersion);
}

/**
 * A known type asked for at an api-version it lacks: NoRegisteredProviderFound for types ARM
 * routes by location, InvalidResourceType (with the supported versions) for types nested
 * under another resource, such as the KubernetesConfiguration ones.
 */
function noProvider(s: Services, namespace: string, type: string, apiVersion: string, location: string): ArmError {
  const declared = s.catalog.resourceType(namespace, type)!;
  if (declared.regions === 'global' || declared.regions === 'kubernetesConfiguration') {
    return armErrors.invalidResourceType(declared.resourceType, namespace, apiVersion, declared.apiVersions);
  }
  const locations = s.regions.set(declared.regions).map((r) => r.displayName);
  return armErrors.noRegisteredProvider(location, apiVersion, `${namespace}/${declared.resourceType}`, declared.apiVersions, locations);
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) out[k] = withoutNulls(v);
  return out;
}
