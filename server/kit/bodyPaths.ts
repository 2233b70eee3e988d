/**
 * Paths into JSON bodies as the spec's derived facts write them: dotted, `*` for every key of a
 * map, `name[]` for every item of an array (`kustomizations.*.postBuild.substituteFrom[].optional`).
 */
import { isPlainObject } from '../core/plainData';

export type Holder = Record<string, unknown>;

/**
 * Calls `at(holder, key)` for every object the path's last key would sit in, wherever the
 * objects on the way exist; a path that ends in `*` or `[]` names no key and visits nothing.
 */
export function visitPath(node: unknown, path: string, at: (holder: Holder, key: string) => void): void {
  walk(node, path.split('.'), at);
}

function walk(node: unknown, segments: readonly string[], at: (holder: Holder, key: string) => void): void {
  if (segments.length === 0 || !isPlainObject(node)) return;
  const [head, ...rest] = segments;
  const array = head.endsWith('[]');
  const key = array ? head.slice(0, -2) : head;
  if (rest.length === 0 && !array && key !== '*') return at(node, key);
  const children = key === '*' ? Object.keys(node).map((k) => node[k]) : Object.hasOwn(node, key) ? [node[key]] : [];
  for (const child of children) {
    if (!array) walk(child, rest, at);
    else if (Array.isArray(child)) for (const item of child) walk(item, rest, at);
  }
}
