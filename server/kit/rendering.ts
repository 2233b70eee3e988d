/**
 * Stored resources are canonical (the newest shape, every property any api-version wrote).
 * A response in api-version V is that resource projected onto V's response schema: exactly the
 * properties V defines, enum values V knows, null only where V allows it, secrets never.
 * Requests go the other way: read-only and unknown properties are dropped before validation.
 * Projections are compiled once per schema object and cached.
 */
import { copyOwn, isPlainObject, setOwn } from '../core/plainData';
import type { Json } from '../../protocol/json';

type Schema = Json;
type Projector = (value: unknown) => unknown; // undefined means "leave out"

interface FlatSchema {
  type?: string;
  nullable: boolean;
  secret: boolean;
  readOnly: boolean;
  enum?: unknown[];
  properties?: Map<string, Schema>;
  additional?: Schema | true;
  items?: Schema;
}

/** Merges allOf members and unwraps `anyOf: [X, {type: null}]` (how the bundle spells x-nullable refs). */
function flatten(schema: Schema, into?: FlatSchema): FlatSchema {
  const flat: FlatSchema = into ?? { nullable: false, secret: false, readOnly: false };
  if (!schema || typeof schema !== 'object') return flat;
  if (Array.isArray(schema.anyOf)) {
    for (const branch of schema.anyOf) {
      if (branch?.type === 'null') flat.nullable = true;
      else flatten(branch, flat);
    }
  }
  for (const member of schema.allOf ?? []) flatten(member, flat);
  if (schema.type && !flat.type) flat.type = schema.type;
  if (schema.nullable) flat.nullable = true;
  if (schema['x-ms-secret']) flat.secret = true;
  if (schema.readOnly) flat.readOnly = true;
  if (schema.enum) flat.enum = schema.enum;
  if (schema.items) flat.items = schema.items;
  if (schema.properties) {
    flat.properties ??= new Map();
    for (const [name, prop] of Object.entries(schema.properties)) flat.properties.set(name, prop);
  }
  if (schema.additionalProperties !== undefined && schema.additionalProperties !== false) {
    const ap = schema.additionalProperties;
    flat.additional = ap === true || (typeof ap === 'object' && Object.keys(ap).length === 0) ? true : ap;
  }
  return flat;
}


const outputCache = new WeakMap<object, Projector>();

/** The projection of stored data onto a response schema. */
export function responseProjector(schema: Schema): Projector {
  if (!schema || typeof schema !== 'object') return (v) => v;
  const cached = outputCache.get(schema);
  if (cached) return cached;
  let compiled: Projector = () => undefined;
  outputCache.set(schema, (v) => compiled(v)); // recursive schemas reach this placeholder
  compiled = compileOutput(flatten(schema));
  outputCache.set(schema, compiled);
  return compiled;
}

function compileOutput(s: FlatSchema): Projector {
  const withNull = (p: Projector): Projector => (v) => (v === null ? (s.nullable ? null : undefined) : p(v));
  if (s.secret) {
    // Write-only: a secret map reads back as {} (as Azure answers), a secret value not at all.
    return withNull((v) => (isPlainObject(v) && (s.type === 'object' || s.additional) ? {} : undefined));
  }
  if (s.properties || s.additional) {
    // Keys come out in the order the data has them (handlers build bodies in ARM's order).
    const props = new Map([...(s.properties ?? new Map()).entries()].map(([name, schema]) => [name, responseProjector(schema)]));
    const additional = s.additional === true ? (v: unknown) => v : s.additional ? responseProjector(s.additional) : undefined;
    return withNull((v) => {
      if (!isPlainObject(v)) return undefined;
      const out: Record<string, unknown> = {};
      for (const key in v) {
        const value = v[key];
        if (value === undefined) continue;
        const project = props.get(key) ?? additional;
        if (!project) continue;
        const projected = project(value);
        if (projected !== undefined) setOwn(out, key, projected);
      }
      return out;
    });
  }
  if (s.type === 'array' || s.items) {
    const item = responseProjector(s.items);
    return withNull((v) => (Array.isArray(v) ? v.map(item).filter((x) => x !== undefined) : undefined));
  }
  const allowed = s.enum && new Set(s.enum);
  switch (s.type) {
    case 'string': return withNull((v) => (typeof v === 'string' && (!allowed || allowed.has(v)) ? v : undefined));
    case 'integer':
    case 'number': return withNull((v) => (typeof v === 'number' && (!allowed || allowed.has(v)) ? v : undefined));
    case 'boolean': return withNull((v) => (typeof v === 'boolean' ? v : undefined));
    case 'object': return withNull((v) => (isPlainObject(v) ? v : undefined)); // free-form
    default: return withNull((v) => (allowed && !allowed.has(v) ? undefined : v));
  }
}

const inputCache = new WeakMap<object, Projector>();
const inputCacheKeepingNulls = new WeakMap<object, Projector>();

/**
 * The projection of a request body onto a request schema: read-only and undeclared properties
 * are dropped (ARM ignores them); values are otherwise left as sent so validation sees them.
 * `keepNulls` keeps explicit nulls (JSON merge-patch deletes with them); otherwise a null
 * counts as absent, as Azure's resource providers treat it.
 */
export function requestProjector(schema: Schema, keepNulls: boolean): Projector {
  if (!schema || typeof schema !== 'object') return (v) => v;
  const cache = keepNulls ? inputCacheKeepingNulls : inputCache;
  const cached = cache.get(schema);
  if (cached) return cached;
  let compiled: Projector = () => undefined;
  cache.set(schema, (v) => compiled(v));
  compiled = compileInput(flatten(schema), keepNulls);
  cache.set(schema, compiled);
  return compiled;
}

function compileInput(s: FlatSchema, keepNulls: boolean): Projector {
  if (s.properties) {
    const props = [...s.properties.entries()]
      .map(([name, schema]) => [name, flatten(schema).readOnly, requestProjector(schema, keepNulls)] as const)
      .filter(([, readOnly]) => !readOnly);
    const additional = s.additional === true ? (v: unknown) => v : s.additional ? requestProjector(s.additional, keepNulls) : undefined;
    const known = new Set([...s.properties.keys()]);
    return (v) => {
      if (!isPlainObject(v)) return v;
      const out: Record<string, unknown> = {};
      for (const [name, , project] of props) {
        const value = v[name];
        if (value === undefined || (value === null && !keepNulls)) continue;
        out[name] = value === null ? null : project(value);
      }
      if (additional) for (const key of Object.keys(v)) if (!known.has(key) && (v[key] !== null || keepNulls)) setOwn(out, key, additional(v[key]));
      return out;
    };
  }
  if (s.additional && s.additional !== true) {
    const project = requestProjector(s.additional, keepNulls);
    return (v) => (isPlainObject(v) ? Object.fromEntries(Object.entries(v).filter(([, x]) => x !== null || keepNulls).map(([k, x]) => [k, x === null ? null : project(x)])) : v);
  }
  if (s.items) {
    const item = requestProjector(s.items, keepNulls);
    return (v) => (Array.isArray(v) ? v.map(item) : v);
  }
  return (v) => v;
}

/**
 * A PUT in an older api-version must not erase what newer versions stored: properties the
 * schema does not declare are carried over from the previous body, at every declared level.
 */
export function carryOverUndeclared(schema: Schema, previous: unknown, next: unknown): unknown {
  if (!isPlainObject(previous) || !isPlainObject(next)) return next;
  const s = flatten(schema);
  if (!s.properties || s.additional) return next;
  const out = copyOwn(next);
  for (const [key, value] of Object.entries(previous)) {
    const declared = s.properties.get(key);
    if (!declared) {
      if (!Object.hasOwn(out, key)) setOwn(out, key, value);
    } else if (Object.hasOwn(out, key)) {
      out[key] = carryOverUndeclared(declared, value, out[key]);
    }
  }
  return out;
}
