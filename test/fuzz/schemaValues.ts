/**
 * Plausible JSON values from an OpenAPI 3 schema: the starting point the mutations then break.
 * Schemas come in two forms: the ARM definitions' (dereferenced by openapi-backend, so they
 * may be cyclic object graphs) and the agent protocol's (with `$ref`s into
 * `components.schemas`). Both are handled; a depth limit stops recursive schemas.
 */
import type { Rng } from './random';
import type { Json } from '../../protocol/json';

type Schema = Json;

/** Values a property of this name should have to get past validation to the handler's rules. */
export type Hints = Partial<Record<string, (rng: Rng) => unknown>>;

/** The hint for a property name (own entries only: a property may well be called `constructor`). */
export const hintFor = (hints: Hints, name: string) => (Object.hasOwn(hints, name) ? hints[name] : undefined);

const MAX_DEPTH = 7;

interface ObjectShape {
  properties: Record<string, Schema>;
  required: Set<string>;
  additional: Schema | boolean | undefined;
}

export class SchemaSampler {
  constructor(private readonly root: Schema, private readonly rng: Rng, private readonly hints: Hints = {}) {}

  sample(schema: Schema, depth = 0): unknown {
    const s = this.resolve(schema);
    if (!s || typeof s !== 'object') return this.anyScalar();
    if ('const' in s) return s.const;
    if (Array.isArray(s.enum) && s.enum.length) return this.rng.pick(s.enum);
    const alternatives = s.anyOf ?? s.oneOf;
    if (Array.isArray(alternatives) && alternatives.length && !s.properties) return this.sample(this.rng.pick(alternatives), depth + 1);
    switch (this.typeOf(s)) {
      case 'object': return depth > MAX_DEPTH ? {} : this.object(s, depth);
      case 'array': return depth > MAX_DEPTH ? [] : this.array(s, depth);
      case 'string': return this.string(s);
      case 'integer': return this.integer(s);
      case 'number': return this.integer(s) + (this.rng.chance(0.5) ? 0.5 : 0);
      case 'boolean': return this.rng.chance(0.5);
      case 'null': return null;
      default: return this.anyScalar();
    }
  }

  /** Follows `$ref` (local JSON pointers only, which is all the bundle and the agent spec use). */
  resolve(schema: Schema): Schema {
    let s = schema;
    for (let hops = 0; s && typeof s === 'object' && typeof s.$ref === 'string' && hops < 32; hops++) {
      s = pointer(this.root, s.$ref);
    }
    return s;
  }

  private typeOf(s: Schema): string | undefined {
    if (Array.isArray(s.type)) return this.rng.pick(s.type as string[]);
    if (s.type) return s.type;
    if (s.properties || s.additionalProperties || s.allOf) return 'object';
    if (s.items) return 'array';
    return undefined;
  }

  /** Properties, required names and additionalProperties of a schema and everything it allOf-includes. */
  private shape(s: Schema, into: ObjectShape = { properties: {}, required: new Set(), additional: undefined }, seen = new Set<Schema>()): ObjectShape {
    if (seen.has(s)) return into;
    seen.add(s);
    for (const part of s.allOf ?? []) this.shape(this.resolve(part), into, seen);
    Object.assign(into.properties, s.properties ?? {});
    for (const name of s.required ?? []) into.required.add(name);
    if (s.additionalProperties !== undefined) into.additional = s.additionalProperties;
    return into;
  }

  private object(s: Schema, depth: number): Record<string, unknown> {
    const { properties, required, additional } = this.shape(s);
    const out: Record<string, unknown> = {};
    const keep = depth < 3 ? 0.75 : 0.35;
    for (const [name, propSchema] of Object.entries(properties)) {
      const prop = this.resolve(propSchema);
      // readOnly properties are ignored by ARM on input; send them now and then.
      if (prop?.readOnly && this.rng.chance(0.9)) continue;
      if (!required.has(name) && !this.rng.chance(keep)) continue;
      const hint = hintFor(this.hints, name);
      out[name] = hint && this.rng.chance(0.9) ? hint(this.rng) : this.sample(prop, depth + 1);
    }
    if (additional && this.rng.chance(0.7)) {
      for (let i = this.rng.int(1, 2); i > 0; i--) {
        out[this.rng.pick(['key1', 'a.b', 'x-y', 'Setting_2', this.rng.word()])] =
          additional === true ? this.anyScalar() : this.sample(additional, depth + 1);
      }
    }
    return out;
  }

  private array(s: Schema, depth: number): unknown[] {
    const count = this.rng.int(s.minItems ?? 0, Math.max(s.minItems ?? 0, 2));
    return Array.from({ length: count }, () => this.sample(s.items ?? {}, depth + 1));
  }

  private string(s: Schema): string {
    let text: string;
    switch (s.format) {
      case 'date-time': text = new Date(Date.UTC(2024, this.rng.int(0, 11), this.rng.int(1, 28))).toISOString(); break;
      case 'date': text = '2024-05-01'; break;
      case 'uuid': text = this.rng.guid(); break;
      case 'uri': case 'url': text = 'https://github.com/Azure/arc-k8s-demo'; break;
      case 'duration': text = this.rng.pick(['PT10M', 'PT1H', 'P1D']); break;
      case 'byte': case 'base64url': text = Buffer.from(this.rng.word()).toString('base64'); break;
      case 'email': text = 'someone@example.com'; break;
      default: text = this.rng.word();
    }
    if (typeof s.minLength === 'number' && text.length < s.minLength) text = text.padEnd(s.minLength, 'a');
    if (typeof s.maxLength === 'number' && text.length > s.maxLength) text = text.slice(0, s.maxLength);
    return text;
  }

  private integer(s: Schema): number {
    const min = typeof s.minimum === 'number' ? s.minimum : 0;
    const max = typeof s.maximum === 'number' ? s.maximum : min + 100;
    return this.rng.int(Math.ceil(min), Math.floor(Math.max(min, Math.min(max, min + 1000))));
  }

  private anyScalar(): unknown {
    return this.rng.pick<unknown>(['text', 42, true, null, 0.5]);
  }
}

function pointer(root: Schema, ref: string): Schema {
  if (!ref.startsWith('#/')) return undefined;
  let node = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    node = node?.[key];
  }
  return node;
}
