/**
 * "A body of the example's shape": every key the example shows is present at the same place in
 * the answer, with the same JSON type. Values are not compared (ids, names, timestamps and GUIDs
 * are the server's own). The answer may carry more keys than the example: the response schema
 * check that runs on every test response decides whether those are allowed.
 *
 * Rules, in order:
 *  - an example value of null says nothing about type: any value, or none, is accepted;
 *  - a key a tolerance rule names may be missing or null;
 *  - objects: each example key must be present, unless a tolerance rule of the provider names it
 *    (with its reason); then its value is compared recursively;
 *  - arrays: a non-empty example array needs a non-empty answer; every element of the answer must
 *    have the shape common to all the example's elements (keys every element has), so that two
 *    example clusters with different optional properties do not make both optional keys required;
 *  - anything else: the same JSON type (number, string, boolean).
 */
import type { Json } from '../../protocol/json';


/** A key the answer may leave out, and why. `path` is dotted, `[]` for array elements, e.g. `properties.agentVersion`. */
export interface Tolerance {
  path: string;
  reason: string;
  /** Only for these examples (by caseKey: `${apiVersion} ${operationId} ${title}`); every example when absent. */
  only?: readonly string[];
}

const typeOf = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v);

/** Whether `at` (a full path such as `value[].properties.agentVersion`) is one of the tolerated paths, or ends with one. */
export function tolerated(at: string, rules: readonly Tolerance[]): Tolerance | undefined {
  return rules.find((r) => at === r.path || at.endsWith(`.${r.path}`));
}

/** The shape all elements share: keys present in every object element, merged recursively. */
export function commonShape(elements: Json[]): Json {
  const objects = elements.filter((e) => typeOf(e) === 'object');
  if (objects.length === 0 || objects.length !== elements.length) return elements[0];
  const out: Record<string, Json> = {};
  for (const key of Object.keys(objects[0])) {
    if (!objects.every((o) => key in o)) continue;
    const values = objects.map((o) => o[key]);
    out[key] = values.every((v) => typeOf(v) === 'array')
      ? [commonShape(values.flat())].filter((v) => v !== undefined)
      : commonShape(values);
  }
  return out;
}

/** Differences between the example's shape and the answer, as readable lines (empty when it matches). */
export function shapeMismatches(expected: Json, actual: Json, rules: readonly Tolerance[], at = ''): string[] {
  const where = at || '(body)';
  if (expected === null || expected === undefined) return [];
  const want = typeOf(expected);
  const got = typeOf(actual);
  // A tolerated key may also be null: agent-reported values read null until an agent reports.
  if (got === 'null' && tolerated(at, rules)) return [];
  if (want !== got) return [`${where}: expected ${want}, got ${got}${got === 'undefined' ? '' : ` (${JSON.stringify(actual).slice(0, 80)})`}`];
  if (want === 'array') {
    if (expected.length === 0) return [];
    if (actual.length === 0) return tolerated(`${at}[]`, rules) ? [] : [`${where}: expected elements, got an empty array`];
    const shape = commonShape(expected);
    return actual.flatMap((item: Json) => shapeMismatches(shape, item, rules, `${at}[]`));
  }
  if (want === 'object') {
    const out: string[] = [];
    for (const [key, value] of Object.entries<Json>(expected)) {
      const path = at ? `${at}.${key}` : key;
      if (!(key in actual)) {
        if (value !== null && !tolerated(path, rules)) out.push(`${path}: missing`);
        continue;
      }
      out.push(...shapeMismatches(value, actual[key], rules, path));
    }
    return out;
  }
  return [];
}
