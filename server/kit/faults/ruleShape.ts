/**
 * What a fault rule is, and how one sent to POST /_arclight/faults (or arclight.faults.add) is
 * checked. Every refusal is a 400 in ARM's envelope whose message and `target` name the field,
 * so a test author sees at once which part of the rule is wrong; nothing a client sends here
 * can reach the matching code unchecked.
 */
import { ArmError } from '../armErrors';
import { setOwn } from '../../core/plainData';

/** Which kind of request a rule looks at: a plain ARM request, the start of a long-running operation, or a poll of one. */
export type FaultOperation = 'request' | 'longRunningOperation' | 'statusPoll';

export interface FaultMatch {
  /** Upper-case HTTP methods; any when absent. */
  method?: string[];
  /** `Namespace/type[/child]`, compared case-insensitively. */
  resourceType?: string;
  /** A path glob (see pathGlob.ts): `*` within one segment, `**` segments for any number of them; case-insensitive, query ignored. */
  path?: string;
  operation?: FaultOperation;
  apiVersion?: string;
  region?: string;
  subscription?: string;
  /** An object id, application id or user name of the caller's token. */
  principal?: string;
}

export type FaultEffect =
  | { kind: 'error'; status: number; code: string; message: string; retryAfter?: number; headers?: Record<string, string> }
  /** The long-running operation the matched request starts ends so when it settles. */
  | { kind: 'operation'; operationStatus: 'Failed' | 'Canceled'; code: string; message: string }
  /** Real milliseconds held before the request goes on: what a client's timeouts see. */
  | { kind: 'latency'; latencyMs: number }
  /** The connection is destroyed without an answer. */
  | { kind: 'drop' };

export type FaultEffectKind = FaultEffect['kind'];

/** A rule as given, checked and normalised (ids and bookkeeping are FaultRules'). */
export interface FaultRuleSpec {
  match: FaultMatch;
  effect: FaultEffect;
  /** Fires this many times, then stops; unlimited when absent. */
  count?: number;
  /** Chance in (0, 1] that a match fires, drawn from a generator seeded by `seed`. */
  probability?: number;
  seed?: number;
  /** Emulator-clock instant (ms) from which the rule no longer matches. */
  untilMs?: number;
}

/** The longest latency a rule adds: longer than any client timeout worth testing, short of hanging a suite. */
export const MAX_LATENCY_MS = 120_000;
const METHODS = ['GET', 'HEAD', 'PUT', 'PATCH', 'POST', 'DELETE'];
const OPERATIONS: readonly FaultOperation[] = ['request', 'longRunningOperation', 'statusPoll'];

/** The code an error effect carries when the rule names none: the one Azure's front door uses for that status. */
const DEFAULT_CODES: Record<number, string> = {
  400: 'BadRequest', 404: 'NotFound', 409: 'Conflict', 412: 'PreconditionFailed', 429: 'TooManyRequests',
  500: 'InternalServerError', 502: 'BadGateway', 503: 'ServiceUnavailable', 504: 'GatewayTimeout',
};

const invalid = (field: string, why: string) =>
  new ArmError(400, 'InvalidFaultRule', `The fault rule's '${field}' ${why}.`, { target: field });

type Json = Record<string, unknown>;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

function onlyKeys(value: Json, prefix: string, allowed: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalid(prefix ? `${prefix}.${key}` : key, `is not a field of a fault rule (the fields are ${allowed.join(', ')})`);
  }
}

function text(value: unknown, field: string, max = 1024): string {
  if (typeof value !== 'string' || value.trim() === '') throw invalid(field, 'must be a non-empty string');
  if (value.length > max) throw invalid(field, `must be at most ${max} characters`);
  return value;
}

function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) throw invalid(field, `must be an integer from ${min} to ${max}`);
  return value;
}

function parseMethods(value: unknown): string[] {
  const list = Array.isArray(value) ? value : [value];
  if (!list.length) throw invalid('match.method', 'must name at least one method');
  return list.map((m, i) => {
    const field = Array.isArray(value) ? `match.method[${i}]` : 'match.method';
    const upper = text(m, field, 16).toUpperCase();
    if (!METHODS.includes(upper)) throw invalid(field, `must be one of ${METHODS.join(', ')}`);
    return upper;
  });
}

function parseMatch(value: unknown): FaultMatch {
  if (value === undefined) return {};
  if (!isObject(value)) throw invalid('match', 'must be an object');
  onlyKeys(value, 'match', ['method', 'resourceType', 'path', 'operation', 'apiVersion', 'region', 'subscription', 'principal']);
  const match: FaultMatch = {};
  if (value.method !== undefined) match.method = parseMethods(value.method);
  if (value.resourceType !== undefined) {
    const type = text(value.resourceType, 'match.resourceType', 256);
    if (!/^[^/\s]+(\/[^/\s]+)+$/.test(type)) throw invalid('match.resourceType', "must be 'Namespace/type' (e.g. Microsoft.Kubernetes/connectedClusters)");
    match.resourceType = type;
  }
  if (value.path !== undefined) {
    const path = text(value.path, 'match.path', 2048);
    if (!path.startsWith('/')) throw invalid('match.path', "must start with '/' (a glob: * within a segment, ** across segments)");
    match.path = path;
  }
  if (value.operation !== undefined) {
    if (!OPERATIONS.includes(value.operation as FaultOperation)) throw invalid('match.operation', `must be one of ${OPERATIONS.join(', ')}`);
    match.operation = value.operation as FaultOperation;
  }
  for (const key of ['apiVersion', 'region', 'subscription', 'principal'] as const) {
    if (value[key] !== undefined) match[key] = text(value[key], `match.${key}`, 256);
  }
  return match;
}

/** Headers that frame the message itself: a rule setting them would corrupt the response rather than fault it. */
const FRAMING_HEADERS = new Set(['content-length', 'transfer-encoding', 'connection', 'keep-alive', 'upgrade', 'trailer', 'content-type']);

function parseHeaders(value: unknown): Record<string, string> {
  if (!isObject(value)) throw invalid('effect.headers', 'must be an object of header names to string values');
  const out: Record<string, string> = {};
  for (const [name, v] of Object.entries(value)) {
    // Header names and values that Node would refuse to write would turn the fault into a 500.
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) throw invalid(`effect.headers.${name}`, 'is not a valid header name');
    if (FRAMING_HEADERS.has(name.toLowerCase())) throw invalid(`effect.headers.${name}`, 'frames the response and cannot be set by a fault');
    if (typeof v !== 'string' || /[^\t\x20-\x7e]/.test(v)) throw invalid(`effect.headers.${name}`, 'must be a string of printable ASCII');
    setOwn(out, name, v);
  }
  return out;
}

/** The effect's kind: named, or told by the fields it has. */
function kindOf(value: Json): FaultEffectKind {
  if (value.kind !== undefined) {
    if (!['error', 'operation', 'latency', 'drop'].includes(value.kind as string)) throw invalid('effect.kind', 'must be one of error, operation, latency, drop');
    return value.kind as FaultEffectKind;
  }
  if (value.status !== undefined) return 'error';
  if (value.operationStatus !== undefined) return 'operation';
  if (value.latencyMs !== undefined) return 'latency';
  if (value.drop !== undefined) return 'drop';
  throw invalid('effect', 'must have one of status (an HTTP error), operationStatus (a long-running operation that fails), latencyMs or drop');
}

function parseEffect(value: unknown): FaultEffect {
  if (!isObject(value)) throw invalid('effect', 'must be an object');
  const kind = kindOf(value);
  if (kind === 'error') {
    onlyKeys(value, 'effect', ['kind', 'status', 'code', 'message', 'retryAfter', 'headers']);
    const status = integer(value.status, 'effect.status', 400, 599);
    const code = value.code === undefined ? DEFAULT_CODES[status] ?? 'InjectedFault' : text(value.code, 'effect.code', 256);
    const message = value.message === undefined ? `The request failed: a fault injected by Arclight (status ${status}).` : text(value.message, 'effect.message', 4096);
    // Throttling and unavailability come with Retry-After in Azure: the SDKs' retry policies wait for it.
    const retryAfter = value.retryAfter === undefined ? (status === 429 || status === 503 ? 1 : undefined) : integer(value.retryAfter, 'effect.retryAfter', 0, 3600);
    const headers = value.headers === undefined ? undefined : parseHeaders(value.headers);
    return { kind, status, code, message, ...(retryAfter !== undefined ? { retryAfter } : {}), ...(headers ? { headers } : {}) };
  }
  if (kind === 'operation') {
    onlyKeys(value, 'effect', ['kind', 'operationStatus', 'code', 'message']);
    if (value.operationStatus !== 'Failed' && value.operationStatus !== 'Canceled') throw invalid('effect.operationStatus', 'must be Failed or Canceled');
    const code = value.code === undefined ? (value.operationStatus === 'Failed' ? 'InjectedFailure' : 'OperationCanceled') : text(value.code, 'effect.code', 256);
    const message = value.message === undefined ? `The operation ended ${value.operationStatus}: a fault injected by Arclight.` : text(value.message, 'effect.message', 4096);
    return { kind, operationStatus: value.operationStatus, code, message };
  }
  if (kind === 'latency') {
    onlyKeys(value, 'effect', ['kind', 'latencyMs']);
    return { kind, latencyMs: integer(value.latencyMs, 'effect.latencyMs', 1, MAX_LATENCY_MS) };
  }
  onlyKeys(value, 'effect', ['kind', 'drop']);
  if (value.drop !== undefined && value.drop !== true) throw invalid('effect.drop', 'must be true');
  return { kind };
}

/** Checks a rule as sent; throws a 400 ArmError naming the first bad field. */
export function parseFaultRule(value: unknown): FaultRuleSpec {
  if (!isObject(value)) throw invalid('rule', 'must be a JSON object with match and effect');
  onlyKeys(value, '', ['match', 'effect', 'count', 'probability', 'seed', 'until']);
  if (value.effect === undefined) throw invalid('effect', 'is required');
  const match = parseMatch(value.match);
  const effect = parseEffect(value.effect);
  // An operation's outcome is decided when it starts; only the requests that start one can carry it.
  if (effect.kind === 'operation') {
    if (match.operation !== undefined && match.operation !== 'longRunningOperation') throw invalid('match.operation', "must be 'longRunningOperation' (or absent) for an operationStatus effect");
    match.operation = 'longRunningOperation';
  } else if (match.operation === 'longRunningOperation') {
    throw invalid('match.operation', "'longRunningOperation' goes with an operationStatus effect; to fail the request that starts one, match its method and resource type");
  }
  const spec: FaultRuleSpec = { match, effect };
  if (value.count !== undefined) spec.count = integer(value.count, 'count', 1, 1_000_000_000);
  if (value.probability !== undefined) {
    const p = value.probability;
    if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0 || p > 1) throw invalid('probability', 'must be a number greater than 0 and at most 1');
    spec.probability = p;
  }
  if (value.seed !== undefined) {
    if (spec.probability === undefined) throw invalid('seed', 'goes with probability');
    spec.seed = integer(value.seed, 'seed', 0, 2 ** 32 - 1);
  }
  if (value.until !== undefined) {
    const at = typeof value.until === 'string' ? Date.parse(value.until) : NaN;
    if (Number.isNaN(at)) throw invalid('until', 'must be an ISO 8601 instant (on the emulator clock)');
    spec.untilMs = at;
  }
  return spec;
}
