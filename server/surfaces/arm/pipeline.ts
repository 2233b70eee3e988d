/**
 * The ARM request pipeline, in the order Azure's front door applies it:
 *   authentication -> api-version -> provider and spec route -> role authorisation (--rbac
 *   enforce) -> body -> validation ->
 *   one store transaction: subscription, resource group, registration and parent checks, then
 *   the provider's handler -> rendering for the api-version.
 * Authentication comes first: a caller ARM refuses learns nothing about routes or bodies, and
 * nothing of its body is read. Due operations were settled before (see http/app.ts).
 */
import type { Request, Response } from 'express';
import { ArmError, armErrors } from '../../kit/armErrors';
import { baseUrlOf } from '../../gateway/baseUrl';
import { readJsonBody } from '../../gateway/body';
import { sendJson } from '../../gateway/responses';
import { validationError } from '../../kit/validationErrors';
import type { ArmOperation, Definition } from '../../spec/definitions';
import type { Services } from '../services';
import type { ArmRequest, ArmResponse, Caller } from '../../kit/handlers';
import { requestProjector, responseProjector } from '../../kit/rendering';
import { ancestorIds, ARM_NAMESPACE, armKey, namespaceOf, pathSegments, resourceGroupId, resourceTypeOf } from '../../kit/resourceIds';
import { refuseInvalidPathParameters } from './pathParameters';
import { canonicalizeEnums } from '../../kit/enumCasing';
import { setOwn } from '../../core/plainData';
import { noteOf, RequestNote } from '../../gateway/requestNote';

const WRITE_METHODS = new Set(['PUT', 'PATCH', 'POST']);

export function armPipeline(s: Services) {
  return async (req: Request, res: Response): Promise<void> => {
    const result = await handle(s, req, noteOf(res));
    sendJson(res, result.status, req.method === 'HEAD' ? undefined : result.body, result.headers);
  };
}

/** Query parameters of the raw URL, first value wins, keys as sent. */
function rawQuery(url: string): Map<string, string> {
  const q = url.indexOf('?');
  const out = new Map<string, string>();
  if (q < 0) return out;
  for (const [k, v] of new URLSearchParams(url.slice(q + 1))) if (!out.has(k)) out.set(k, v);
  return out;
}

function findApiVersion(query: Map<string, string>): string | undefined {
  for (const [k, v] of query) if (k.toLowerCase() === 'api-version') return v;
  return undefined;
}

/** The subscription a path names, before any route is known (what authentication checks the token against). */
function subscriptionIdOf(segments: string[]): string | undefined {
  return segments.length >= 2 && segments[0].toLowerCase() === 'subscriptions' ? decodeURIComponent(segments[1]) : undefined;
}

type Routed = { operation: ArmOperation; params: Record<string, string>; definition: Definition } | { error: (location: string) => ArmError };

async function handle(s: Services, req: Request, note: RequestNote): Promise<ArmResponse & { body?: unknown }> {
  const method = req.method.toUpperCase();
  const rawPath = req.url.split('?')[0];
  const segments = pathSegments(rawPath);
  const path = '/' + segments.join('/');
  const sent = rawQuery(req.url);
  const namespace = namespaceOf(segments);
  const baseUrl = baseUrlOf(req);

  const subscriptionId = subscriptionIdOf(segments);
  const subscription = subscriptionId !== undefined ? s.store.directory.subscription(subscriptionId) : undefined;
  const caller = s.auth.authenticate({ header: req.headers.authorization, subscription, subscriptionId, baseUrl, method, path, namespace });
  note.principal = caller.name ?? caller.appId ?? caller.objectId;

  const apiVersion = findApiVersion(sent);
  note.apiVersion = apiVersion;
  if (!apiVersion) throw armErrors.missingApiVersion();
  const provider = s.catalog.provider(namespace);
  if (!provider) throw armErrors.invalidResourceNamespace(namespace);
  const routed = route(s, provider.namespace, segments, method, apiVersion, path);
  authorizeRoles(s, caller, method, segments, provider.namespace);

  const rawBody = WRITE_METHODS.has(method) ? await readJsonBody(req, s.config.bodyLimit, s.journal.enabled ? note : undefined) : undefined;
  return dispatchRouted(s, { method, segments, path, sent, apiVersion, rawBody, caller, baseUrl, routed });
}

/** A request Arclight makes to itself (a template deployment's PUT, GET or POST of one resource). */
export interface InternalArmRequest {
  method: string;
  /** The path with `?api-version=` (and any other query parameters). */
  url: string;
  body?: unknown;
  caller: Caller;
  baseUrl: string;
}

/** What an internal request answers: the response exactly as a client would see it, or the error it would get. */
export type InternalArmResponse = { status: number; body?: unknown; headers?: Record<string, string>; error?: ArmError };

/**
 * Sends a request through the pipeline after authentication (the caller is given), as if a
 * client had sent it: route, validation, checks, the handler in one store transaction (a
 * savepoint when the caller is already in one), rendering. Errors are answered, not thrown.
 */
export function dispatchArm(s: Services, req: InternalArmRequest): InternalArmResponse {
  try {
    const method = req.method.toUpperCase();
    const segments = pathSegments(req.url.split('?')[0]);
    const path = '/' + segments.join('/');
    const sent = rawQuery(req.url);
    const namespace = namespaceOf(segments);
    const apiVersion = findApiVersion(sent);
    if (!apiVersion) throw armErrors.missingApiVersion();
    const provider = s.catalog.provider(namespace);
    if (!provider) throw armErrors.invalidResourceNamespace(namespace);
    const routed = route(s, provider.namespace, segments, method, apiVersion, path);
    // A deployment's resources are written with its caller's rights, as ARM checks them.
    authorizeRoles(s, req.caller, method, segments, provider.namespace);
    const rawBody = WRITE_METHODS.has(method) ? JSON.parse(JSON.stringify(req.body ?? {})) as unknown : undefined;
    return dispatchRouted(s, { method, segments, path, sent, apiVersion, rawBody, caller: req.caller, baseUrl: req.baseUrl, routed });
  } catch (err) {
    if (err instanceof ArmError) return { status: err.status, body: err.toBody(), error: err };
    throw err;
  }
}

interface Dispatch {
  method: string;
  segments: string[];
  path: string;
  sent: Map<string, string>;
  apiVersion: string;
  rawBody: unknown;
  caller: Caller;
  baseUrl: string;
  routed: Routed;
}

function dispatchRouted(s: Services, d: Dispatch): ArmResponse & { body?: unknown } {
  const { method, segments, path, sent, apiVersion, rawBody, caller, baseUrl, routed } = d;
  const subscriptionId = subscriptionIdOf(segments);
  const subscription = subscriptionId !== undefined ? s.store.directory.subscription(subscriptionId) : undefined;
  const provider = s.catalog.provider(namespaceOf(segments))!;
  // Some refusals name the location the body asks for.
  if ('error' in routed) throw routed.error(typeof (rawBody as { location?: unknown })?.location === 'string' ? (rawBody as { location: string }).location : '');
  const { operation, params, definition } = routed;
  refuseInvalidPathParameters(params, operation.spanningParams);
  s.logger.debugBody(`${method} ${path} request`, rawBody);

  // Parameters the operation declares are matched case-insensitively and validated; ARM
  // ignores the others, but they stay visible to handlers ($skipToken on lists that omit it).
  const query: Record<string, string> = {};
  const declared: Record<string, string> = {};
  for (const [k, v] of sent) {
    const name = operation.queryNames.get(k.toLowerCase()) ?? k;
    if (Object.hasOwn(query, name)) continue;
    setOwn(query, name, v);
    if (operation.queryNames.has(k.toLowerCase())) declared[name] = v;
  }

  const body = operation.requestSchema && rawBody !== undefined ? requestProjector(operation.requestSchema, method === 'PATCH')(rawBody) : rawBody;
  canonicalizeEnums(operation.derived, body);
  const errors = definition.validateRequest(operation, params, declared, method === 'PATCH' ? withoutNulls(body) : body);
  if (errors) throw validationError(errors);

  const handler = s.handlers.get(operation.routeKey);
  if (!handler) throw new ArmError(501, 'NotImplemented', `Arclight does not implement ${operation.operationId} yet.`);
  const armReq: ArmRequest = {
    method, path, segments, params, query, apiVersion, namespace: provider.namespace, body, rawBody, operation, caller, baseUrl,
  };

  // One transaction for everything the request reads to decide and everything it writes.
  const result = s.store.transaction(() => {
    if (params.subscriptionId !== undefined && !subscription) throw armErrors.subscriptionNotFound(params.subscriptionId);
    if (subscription && params.resourceGroupName !== undefined && segments.length > 4) {
      requireGroup(s, subscription.subscriptionId, params.resourceGroupName, WRITE_METHODS.has(method));
    }
    if (subscription && WRITE_METHODS.has(method) && !provider.armOwned) {
      const state = s.store.directory.registrationState(subscription.subscriptionId, provider.namespace);
      if (state !== 'Registered' && state !== 'Registering') throw armErrors.missingSubscriptionRegistration(provider.namespace);
      refuseWritesUnderDeletion(s, segments);
    }
    return handler(armReq);
  });
  if (result.body === undefined || result.verbatim) return result;
  const renderedBy = result.renderAs ? definition.operationById(result.renderAs) : operation;
  if (!renderedBy) throw new Error(`${operation.operationId}: no operation ${result.renderAs} to render through`);
  const schema = renderedBy.responseSchemas[result.schemaStatus ?? String(result.status)] ?? renderedBy.responseSchemas['200'];
  const rendered = responseProjector(schema)(result.body);
  s.logger.debugBody(`${method} ${path} response ${result.status}`, rendered);
  s.onArmResponse?.({ definition, operation: renderedBy, status: result.status, body: rendered, schemaStatus: result.schemaStatus });
  return Object.assign({}, result, { body: rendered });
}

function route(s: Services, namespace: string, segments: string[], method: string, apiVersion: string, path: string): Routed {
  const definition = s.catalog.definition(namespace, apiVersion);
  if (!definition) return { error: (location) => unsupportedVersion(s, namespace, segments, method, apiVersion, location) };
  const match = definition.match(method.toLowerCase(), path.toLowerCase(), segments);
  if (match.kind === 'method-not-allowed') return { error: () => armErrors.methodNotAllowed(method) };
  if (match.kind === 'none') return { error: (location) => unknownRoute(s, namespace, segments, method, apiVersion, path, location) };
  return { operation: match.operation, params: match.params, definition };
}

/**
 * The role-authorisation stage: before the body is read (a refused caller learns nothing of
 * validation), after routing (the namespace is the provider's canonical one). Off, it costs
 * one check.
 */
function authorizeRoles(s: Services, caller: Caller, method: string, segments: string[], namespace: string): void {
  if (s.rbac) s.rbac.authorize(caller, method, segments, namespace);
}

/** A group must exist before anything inside it is read or written; nothing new goes into one being deleted. */
function requireGroup(s: Services, subscriptionId: string, group: string, writing: boolean): void {
  const stored = s.store.resources.stateOf(armKey(resourceGroupId(subscriptionId, group)));
  if (!stored) throw armErrors.resourceGroupNotFound(group);
  if (writing && stored.provisioningState === 'Deleting') throw armErrors.resourceGroupBeingDeleted(group);
}

/** Nothing new is written under a resource whose deletion is under way: it would be acknowledged, then lost. */
function refuseWritesUnderDeletion(s: Services, segments: string[]): void {
  for (const id of ancestorIds(segments)) {
    const ancestor = s.store.resources.stateOf(armKey(id));
    if (ancestor?.provisioningState === 'Deleting') throw armErrors.parentResourceBeingDeleted(ancestor.id);
  }
}

/** ARM's answer to an api-version the provider does not serve at all. */
function unsupportedVersion(s: Services, namespace: string, segments: string[], method: string, apiVersion: string, location: string): ArmError {
  const provider = s.catalog.provider(namespace)!;
  if (provider.armOwned || namespace === ARM_NAMESPACE) return armErrors.invalidApiVersion(apiVersion, Object.keys(provider.definitions).sort().reverse());
  const type = resourceTypeOf(segments, namespace.toLowerCase(), method) ?? '';
  const declared = s.catalog.resourceType(namespace, type);
  if (!declared) return armErrors.invalidResourceType(type, namespace, apiVersion);
  return noProvider(s, namespace, segments, type, apiVersion, location);
}

/** A path no operation of this api-version matches. */
function unknownRoute(s: Services, namespace: string, segments: string[], method: string, apiVersion: string, path: string, location: string): ArmError {
  if (namespace === ARM_NAMESPACE) return armErrors.routeNotFound(path);
  const type = resourceTypeOf(segments, namespace.toLowerCase(), method) ?? '';
  const declared = s.catalog.resourceType(namespace, type);
  // The type exists, only not in this api-version (e.g. extensions at a flux-only version).
  if (declared && !declared.apiVersions.includes(apiVersion.toLowerCase())) return noProvider(s, namespace, segments, type, apiVersion, location);
  // The type is served here but the action is not (e.g. listClusterUserCredential before 2021-10-01).
  if (declared && method === 'POST') {
    const action = segments[segments.length - 1];
    return new ArmError(404, 'ActionNotSupported', `The action '${action}' is not supported by resource type '${namespace}/${declared.resourceType}' in api-version '${apiVersion}'.`);
  }
  return armErrors.invalidResourceType(type, namespace, apiVersion);
}

/**
 * A known type asked for at an api-version it lacks: NoRegisteredProviderFound for types ARM
 * routes by location, InvalidResourceType (with the supported versions) for global types and
 * for extension resources, which live under another provider's resource (the
 * KubernetesConfiguration ones, under a cluster) and are routed by it.
 */
function noProvider(s: Services, namespace: string, segments: string[], type: string, apiVersion: string, location: string): ArmError {
  const declared = s.catalog.resourceType(namespace, type)!;
  if (declared.regions === 'global' || isExtensionResource(segments, namespace)) {
    return armErrors.invalidResourceType(declared.resourceType, namespace, apiVersion, declared.apiVersions);
  }
  const locations = s.regions.set(declared.regions).map((r) => r.displayName);
  return armErrors.noRegisteredProvider(location, apiVersion, `${namespace}/${declared.resourceType}`, declared.apiVersions, locations);
}

/** Whether the path reaches `namespace` through another resource: `.../providers/A/x/y/providers/{namespace}/...`. */
function isExtensionResource(segments: string[], namespace: string): boolean {
  const lower = namespace.toLowerCase();
  const at = segments.findIndex((seg, i) => i > 0 && segments[i - 1].toLowerCase() === 'providers' && seg.toLowerCase() === lower);
  return segments.slice(0, Math.max(at - 1, 0)).some((seg) => seg.toLowerCase() === 'providers');
}

function withoutNulls(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutNulls);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== null) setOwn(out, k, withoutNulls(v));
  return out;
}
