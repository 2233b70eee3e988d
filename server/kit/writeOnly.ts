/**
 * Write-only values (protected settings, storage keys, client secrets, TLS private keys): taken
 * out of a resource's properties before anything is stored or rendered, kept sealed in the
 * secrets table by their concrete path under `properties`, and put back only for the cluster's
 * own agents.
 *
 * Paths are dotted; `[]` stands for every item of an array (`arcAgentryConfigurations[].protectedSettings`),
 * `*` for every key of a map, and a concrete path names the item by index (`arcAgentryConfigurations[0].protectedSettings`).
 */
import { isPlainObject, setOwn } from '../core/plainData';

export type WriteOnlyValues = Record<string, unknown>;
type Props = Record<string, unknown>;
type Segment = string | number;

function parse(path: string): Segment[] {
  const out: Segment[] = [];
  for (const part of path.split('.')) {
    const m = /^([^[]+)((?:\[\d*\])*)$/.exec(part);
    if (!m) throw new Error(`not a write-only path: ${path}`);
    out.push(m[1]);
    for (const index of m[2].match(/\[\d*\]/g) ?? []) out.push(index === '[]' ? -1 : Number(index.slice(1, -1)));
  }
  return out;
}

function format(segments: readonly Segment[]): string {
  return segments.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

const child = (node: unknown, segment: Segment): unknown =>
  typeof segment === 'number'
    ? (Array.isArray(node) ? node[segment] : undefined)
    : (isPlainObject(node) && Object.hasOwn(node, segment) ? node[segment] : undefined);

/** The concrete paths `pattern` names in `target` whose holder exists (`[]` and `*` expanded to each index and key). */
function concretePaths(target: unknown, pattern: readonly Segment[], at: Segment[] = []): Segment[][] {
  const [head, ...rest] = pattern;
  const keys = head === -1 ? (Array.isArray(target) ? target.map((_, i) => i) : [])
    : head === '*' ? (isPlainObject(target) ? Object.keys(target) : [])
      : [head];
  if (rest.length === 0) return keys.map((k) => [...at, k]);
  return keys.flatMap((k) => {
    const next = child(target, k);
    return next === undefined || next === null || typeof next !== 'object' ? [] : concretePaths(next, rest, [...at, k]);
  });
}

function holderOf(target: unknown, segments: readonly Segment[], create: boolean): Props | unknown[] | undefined {
  let node = target;
  for (const segment of segments.slice(0, -1)) {
    let next = child(node, segment);
    if (next === undefined && create && isPlainObject(node) && typeof segment === 'string') {
      next = {};
      setOwn(node, segment, next);
    }
    if (next === null || typeof next !== 'object') return undefined;
    node = next;
  }
  return node as Props | unknown[];
}

function remove(holder: Props | unknown[], key: Segment): void {
  if (Array.isArray(holder)) holder[key as number] = undefined;
  else delete holder[key as string];
}

/** Removes the values at `paths` from a copy of `properties`; returns both. */
export function takeWriteOnly(properties: Props, paths: readonly string[]): { properties: Props; values: WriteOnlyValues } {
  const copy = structuredClone(properties);
  const values: WriteOnlyValues = {};
  for (const pattern of paths) {
    for (const segments of concretePaths(copy, parse(pattern))) {
      const holder = holderOf(copy, segments, false);
      const key = segments[segments.length - 1];
      const value = holder && child(holder, key);
      if (holder && value !== undefined) {
        setOwn(values, format(segments), value);
        remove(holder, key);
      }
    }
  }
  return { properties: copy, values };
}

/**
 * The values after a PATCH: what the patch names replaces (a map such as
 * configurationProtectedSettings as a whole, as Azure does), null removes it, and the rest is
 * kept while the object that holds it still exists in the patched properties.
 */
export function patchWriteOnly(previous: WriteOnlyValues, patch: WriteOnlyValues, patched: Props): WriteOnlyValues {
  const out: WriteOnlyValues = {};
  for (const [path, value] of Object.entries({ ...previous, ...patch })) {
    if (value === null) continue;
    const segments = parse(path);
    if (segments.length > 1 && holderOf(patched, segments, false) === undefined) continue;
    setOwn(out, path, value);
  }
  return out;
}

/** The properties with the write-only values put back (for the cluster's agents only). */
export function withWriteOnly(properties: Props, values: WriteOnlyValues | undefined): Props {
  const copy = structuredClone(properties);
  for (const [path, value] of Object.entries(values ?? {})) {
    const segments = parse(path);
    const holder = holderOf(copy, segments, true);
    const key = segments[segments.length - 1];
    if (Array.isArray(holder) && typeof key === 'number') holder[key] = value;
    else if (holder && !Array.isArray(holder) && typeof key === 'string') setOwn(holder, key, value);
  }
  return copy;
}
