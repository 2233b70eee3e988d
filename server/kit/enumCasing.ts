/**
 * Enum values in any casing, stored and rendered in the spec's. Azure's resource providers read
 * string enums case-insensitively (the legacy `az k8s-configuration create` sends
 * `"operatorType": "flux"` and Azure answers `"Flux"`), so a request body's enum values are put
 * in the spec's casing before the body is validated, closed enums and `x-ms-enum.modelAsString`
 * ones alike. A value that is no casing of a listed one is left as sent, for the schema to
 * refuse: the specs' lists are what the service knows (README, Choices).
 */
import type { DerivedFacts } from '../spec/bundleTypes';
import { visitPath } from './bodyPaths';

type Canonicalizer = (body: unknown) => void;

const byFacts = new WeakMap<DerivedFacts, Canonicalizer>();

/** Puts the enum values of a request body (of the operation the facts describe) in the spec's casing. */
export function canonicalizeEnums(facts: DerivedFacts | undefined, body: unknown): void {
  if (!facts || facts.of !== 'requestBody' || facts.enums.length === 0) return;
  let canonicalize = byFacts.get(facts);
  if (!canonicalize) {
    canonicalize = compile(facts);
    byFacts.set(facts, canonicalize);
  }
  canonicalize(body);
}

function compile(facts: DerivedFacts): Canonicalizer {
  const enums = facts.enums.filter((e) => e.path !== '').map((e) => ({
    path: e.path,
    canonical: new Map(e.values.filter((v): v is string => typeof v === 'string').map((v) => [v.toLowerCase(), v])),
  })).filter((e) => e.canonical.size > 0);
  const inCasing = (canonical: Map<string, string>, value: unknown) => (typeof value === 'string' ? canonical.get(value.toLowerCase()) ?? value : value);
  return (body) => {
    for (const e of enums) {
      // A list of enum values (`streams[]`) is reached as the array that holds them.
      const list = e.path.endsWith('[]');
      visitPath(body, list ? e.path.slice(0, -2) : e.path, (holder, key) => {
        const value = Object.hasOwn(holder, key) ? holder[key] : undefined;
        if (list) {
          if (Array.isArray(value)) value.forEach((item, i) => { value[i] = inCasing(e.canonical, item); });
        } else if (typeof value === 'string') {
          holder[key] = inCasing(e.canonical, value);
        }
      });
    }
  };
}
