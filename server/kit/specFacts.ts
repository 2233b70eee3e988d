/**
 * What the specs say about a resource type's bodies (DerivedFacts, from the bundle), gathered
 * once when the type is registered: the write-only (x-ms-secret) and create-only
 * (x-ms-mutability) paths under `properties` in any served api-version, and the schema
 * defaults, each from the newest api-version that states it. The service behaves the same
 * whatever api-version wrote a resource, so a mark in any version counts for all.
 */
import type { DerivedFacts } from '../spec/bundleTypes';
import { setOwn } from '../core/plainData';
import { visitPath } from './bodyPaths';

export interface PropertyDefault {
  /** Dotted under `properties`; `*` is every key of a map, `[]` every item of an array. */
  path: string;
  value: unknown;
}

export interface TypeSpecFacts {
  writeOnly: string[];
  createOnly: string[];
  defaults: PropertyDefault[];
}

const PROPERTIES = 'properties.';
const underProperties = (paths: readonly string[]) => paths.filter((p) => p.startsWith(PROPERTIES)).map((p) => p.slice(PROPERTIES.length));

/** The defaults of one operation's facts, under `properties`. */
export function propertyDefaults(facts: DerivedFacts | undefined): PropertyDefault[] {
  return (facts?.defaults ?? []).filter((d) => d.path.startsWith(PROPERTIES)).map((d) => ({ path: d.path.slice(PROPERTIES.length), value: d.value }));
}

/**
 * The facts of a type's writes (`writes`: each served version's PUT and PATCH facts, newest
 * first), with what Azure does beyond the spec's marks added.
 */
export function typeSpecFacts(writes: readonly DerivedFacts[], beyondSpec: { writeOnly?: readonly string[]; createOnly?: readonly string[] }): TypeSpecFacts {
  const unique = (paths: readonly string[]) => [...new Set(paths)];
  const defaults = new Map<string, unknown>();
  for (const facts of writes) {
    for (const d of propertyDefaults(facts)) if (!defaults.has(d.path)) defaults.set(d.path, d.value);
  }
  return {
    writeOnly: unique([...writes.flatMap((f) => underProperties(f.secret)), ...(beyondSpec.writeOnly ?? [])]),
    createOnly: unique([...writes.flatMap((f) => underProperties(f.createOnly)), ...(beyondSpec.createOnly ?? [])]),
    defaults: [...defaults].map(([path, value]) => ({ path, value })),
  };
}

/**
 * Fills in `properties` what the defaults name and the body leaves out (absent, not null),
 * wherever the object that holds it exists: a source's sync interval only when the source is
 * there, a default of `kustomizations.*` in each kustomization.
 */
export function applyDefaults(properties: Record<string, unknown>, defaults: readonly PropertyDefault[]): void {
  for (const d of defaults) {
    visitPath(properties, d.path, (holder, key) => {
      if (!Object.hasOwn(holder, key) || holder[key] === undefined) setOwn(holder, key, structuredClone(d.value));
    });
  }
}
