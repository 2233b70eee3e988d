/**
 * What the fault and throttling stages know of an ARM request before the ARM pipeline runs:
 * its method, path, api-version, subscription, resource type, whether it polls an operation,
 * and who sends it. The caller is read from the bearer token's claims without verifying it:
 * these stages play Azure's front door, which counts and fails requests before any provider
 * (and before Arclight's authentication) sees them; a forged token only misattributes a count.
 */
import type { Request } from 'express';
import { decodeJwt } from '../identity/armAuthentication';
import { ARM_NAMESPACE, namespaceOf, pathSegments, resourceTypeOf } from '../kit/resourceIds';
import type { FaultOperation } from '../kit/faults/faultRules';

export interface TokenCaller {
  /** What throttling is keyed on and names as the actor: the object id, else the application id. */
  actor: string;
  tenantId?: string;
  /** Every identifier a fault rule's `principal` may name. */
  principals: readonly string[];
}

const ANONYMOUS: TokenCaller = { actor: 'anonymous', principals: [] };
/** Decoded tokens by Authorization header: a client sends the same token for an hour. */
const callers = new Map<string, TokenCaller>();
const CALLER_CACHE_SIZE = 1000;
/** Longer headers are decoded each time: the cache is bounded in bytes too. */
const CACHED_HEADER_LENGTH = 8192;

function claimsOf(header: string): Record<string, unknown> | undefined {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header)?.[1];
  try {
    return token ? decodeJwt(token)?.payload : undefined;
  } catch {
    // Not a token at all: the ARM pipeline's authentication answers it; here it is anonymous.
    return undefined;
  }
}

export function tokenCaller(req: Request): TokenCaller {
  const header = req.headers.authorization;
  if (!header) return ANONYMOUS;
  const known = callers.get(header);
  if (known) return known;
  const claims = claimsOf(header);
  const str = (k: string) => (typeof claims?.[k] === 'string' && claims[k] ? (claims[k] as string) : undefined);
  const ids = [str('oid'), str('appid') ?? str('azp'), str('upn') ?? str('unique_name') ?? str('preferred_username'), str('sub')];
  const principals = ids.filter((v): v is string => v !== undefined);
  const caller: TokenCaller = principals.length ? { actor: principals[0], tenantId: str('tid'), principals } : ANONYMOUS;
  if (header.length <= CACHED_HEADER_LENGTH) {
    if (callers.size >= CALLER_CACHE_SIZE) callers.clear();
    callers.set(header, caller);
  }
  return caller;
}

/** The path of a request without its query. */
export function pathOf(req: Request): string {
  const q = req.url.indexOf('?');
  return q < 0 ? req.url : req.url.slice(0, q);
}

const SUBSCRIPTION_PATH = /^\/+subscriptions\/+([^/]+)/i;

/** The subscription id a path names, lower-cased, or undefined for tenant-level requests. */
export function subscriptionOf(path: string): string | undefined {
  const raw = SUBSCRIPTION_PATH.exec(path)?.[1];
  if (raw === undefined) return undefined;
  try {
    return decodeURIComponent(raw).toLowerCase();
  } catch {
    return raw.toLowerCase();
  }
}

export function apiVersionOf(req: Request): string | undefined {
  const q = req.url.indexOf('?');
  if (q < 0) return undefined;
  for (const [k, v] of new URLSearchParams(req.url.slice(q + 1))) if (k.toLowerCase() === 'api-version') return v;
  return undefined;
}

/** Where each operation style is polled (see kit/operationStyles.ts). */
const POLL_COLLECTIONS = new Set(['operationstatuses', 'operationresults', 'operationsstatus']);

/** Whether the path is the status or result URL of a long-running operation. */
export function isStatusPoll(segments: readonly string[]): boolean {
  const n = segments.length;
  if (n < 2) return false;
  const collection = segments[n - 2].toLowerCase();
  if (POLL_COLLECTIONS.has(collection)) return true;
  // Nested operations live at {resource}/operations/{id}; the providers' operation lists are /providers/{ns}/operations.
  return collection === 'operations' && n >= 4 && segments[n - 4].toLowerCase() !== 'providers' && segments.some((s) => s.toLowerCase() === 'providers');
}

/** `Namespace/type[/child]` of what the path addresses, as ARM names resource types. */
export function resourceTypeOfPath(segments: readonly string[], method: string): string | undefined {
  const namespace = namespaceOf(segments);
  const type = resourceTypeOf(segments, namespace.toLowerCase(), method);
  if (type) return `${namespace}/${type}`;
  if (namespace === ARM_NAMESPACE && segments.length >= 3 && segments.length <= 4 && segments[2].toLowerCase() === 'resourcegroups') return `${ARM_NAMESPACE}/resourceGroups`;
  return undefined;
}

export function segmentsOf(path: string): string[] {
  return pathSegments(path);
}

export type { FaultOperation };
