/**
 * What the fuzzer does to a plausible request body: break its values (wrong types, nulls,
 * missing fields, huge strings, 10,000 levels of nesting, prototype keys, number and Unicode
 * edge cases) or its transport (malformed JSON, wrong content types, empty or non-UTF-8 bodies).
 * Each mutation has a name: failures are grouped by it.
 */
import type { Rng } from './random';

export interface BodyVariant {
  kind: string;
  body?: string | Buffer;
  /** undefined: application/json; null: no Content-Type header at all. */
  contentType?: string | null;
}

type Container = Record<string, unknown> | unknown[];

interface Slot {
  parent: Container | null;
  key: string | number;
  value: unknown;
}

export const HUGE_STRING = 'x'.repeat(100 * 1024);
const DEPTH = 10_000;
export const DEEP_ARRAY = '['.repeat(DEPTH) + ']'.repeat(DEPTH);
export const DEEP_OBJECT = '{"a":'.repeat(DEPTH) + '0' + '}'.repeat(DEPTH);

/** Keys that are special on a JavaScript object: code that indexes plain objects by user keys trips on them. */
export const PROTOTYPE_KEYS = ['__proto__', 'constructor', 'hasOwnProperty', 'prototype', 'toString', 'valueOf', '__defineGetter__', 'isPrototypeOf'];
const PROTOTYPE_VALUES = ['{}', '1', '"x"', 'null', '{"polluted":true}', '[]', '{"toString":1}'];

/** Where configuration code reads user-supplied maps: prototype keys go there first. */
const MAP_PROPERTIES = ['tags', 'configurationSettings', 'configurationProtectedSettings', 'properties', 'kustomizations', 'labels', 'metadata'];

const RAW = 'FUZZRAW_';

/** Every node of a JSON value (the value itself first), breadth first, at most `limit`. */
function slots(root: unknown, limit = 400): Slot[] {
  const out: Slot[] = [{ parent: null, key: '', value: root }];
  for (let i = 0; i < out.length && out.length < limit; i++) {
    const v = out[i].value;
    if (Array.isArray(v)) v.forEach((item, k) => out.push({ parent: v, key: k, value: item }));
    else if (v && typeof v === 'object') for (const [k, item] of Object.entries(v)) out.push({ parent: v as Container, key: k, value: item });
  }
  return out;
}

/** Sets a key as an own, enumerable data property, even `__proto__` (so JSON.stringify writes it). */
function setOwn(target: Container, key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * A mutable copy of the value, a slot in it chosen by `which`, and a function that writes the
 * result with raw JSON text (e.g. 10,000 nested brackets) spliced in where asked.
 */
class Editor {
  root: unknown;
  private readonly raws: string[] = [];

  constructor(value: unknown, private readonly rng: Rng) {
    this.root = value === undefined ? {} : JSON.parse(JSON.stringify(value));
  }

  pick(which: (s: Slot) => boolean = () => true, includeRoot = false): Slot {
    const candidates = slots(this.root).filter((s) => (includeRoot || s.parent !== null) && which(s));
    if (candidates.length) return this.rng.pick(candidates);
    return slots(this.root)[0];
  }

  objects(): Slot[] {
    return slots(this.root).filter((s) => s.value !== null && typeof s.value === 'object' && !Array.isArray(s.value));
  }

  set(slot: Slot, value: unknown): void {
    if (slot.parent === null) this.root = value;
    else setOwn(slot.parent, slot.key, value);
  }

  /** Puts raw JSON text at the slot. */
  setRaw(slot: Slot, text: string): void {
    this.set(slot, `${RAW}${this.raws.length}_`);
    this.raws.push(text);
  }

  text(): string {
    let text = JSON.stringify(this.root);
    this.raws.forEach((raw, i) => {
      text = text.replace(`"${RAW}${i}_"`, () => raw);
    });
    return text;
  }
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

function otherType(value: unknown, rng: Rng): unknown {
  const options: unknown[] = [42, 'text', true, [], {}, [1, 'a'], { x: 1 }, -1, ''];
  const kind = (v: unknown) => (Array.isArray(v) ? 'array' : v === null ? 'null' : typeof v);
  return rng.pick(options.filter((o) => kind(o) !== kind(value)));
}

type ValueMutation = (e: Editor, rng: Rng) => void;

/** Mutations of the value: the body stays well-formed JSON. */
const VALUE_MUTATIONS: Record<string, ValueMutation> = {
  'wrong-type': (e, rng) => {
    const slot = e.pick();
    e.set(slot, otherType(slot.value, rng));
  },
  'missing-required': (e, rng) => {
    // The generator always includes required properties, so removing any key often removes one.
    const holders = e.objects().filter((s) => Object.keys(s.value as object).length > 0);
    if (!holders.length) return;
    const slot = rng.pick(holders);
    const obj = slot.value as Record<string, unknown>;
    delete obj[rng.pick(Object.keys(obj))];
  },
  nulls: (e, rng) => {
    if (rng.chance(0.3)) {
      const slot = rng.pick(e.objects());
      for (const k of Object.keys(slot.value as object)) (slot.value as Record<string, unknown>)[k] = null;
    } else {
      e.set(e.pick(), null);
    }
  },
  'huge-string': (e, rng) => {
    if (rng.chance(0.25)) setOwn(rng.pick(e.objects()).value as Container, HUGE_STRING, 'v');
    else e.set(e.pick((s) => typeof s.value === 'string' || s.value === undefined), HUGE_STRING);
  },
  'deep-array': (e) => e.setRaw(e.pick(), DEEP_ARRAY),
  'deep-object': (e) => e.setRaw(e.pick(), DEEP_OBJECT),
  'prototype-keys': (e, rng) => {
    const maps = e.objects().filter((s) => MAP_PROPERTIES.includes(String(s.key)));
    const slot = maps.length && rng.chance(0.7) ? rng.pick(maps) : rng.pick(e.objects());
    for (const key of rng.sample(PROTOTYPE_KEYS, rng.int(1, 3))) {
      setOwn(slot.value as Container, key, JSON.parse(rng.pick(PROTOTYPE_VALUES)));
    }
  },
  'number-edge': (e, rng) => e.setRaw(e.pick(), rng.pick(['1e309', '-1e309', '-0', '1e-400', '123456789012345678901234567890', '9007199254740993', '0.1e99999', '-9223372036854775809'])),
  unicode: (e, rng) => e.set(e.pick((s) => typeof s.value === 'string'), rng.pick(['\ud800', 'x\udfff', '\u0000', 'a\u0000b', '\u202eevil', '😀'.repeat(50), 'é', '\uffff', '\u2028', '../../etc/passwd', '%zz', '${x}', "'; DROP TABLE resources; --"])),
  'odd-case': (e, rng) => {
    const slot = e.pick((s) => typeof s.value === 'string');
    if (typeof slot.value === 'string') e.set(slot, rng.oddCase(slot.value));
  },
  'unknown-property': (e, rng) => setOwn(rng.pick(e.objects()).value as Container, rng.pick(['unknownProperty', '$schema', '@odata.type', '', ' ', 'properties.x']), { nested: [1] }),
  'many-keys': (e) => {
    const many: Record<string, number> = {};
    for (let i = 0; i < 5000; i++) many[`k${i}`] = i;
    e.set(e.pick(isObjectSlot, true), many);
  },
  'array-instead-of-object': (e) => {
    e.root = [e.root];
  },
};

const isObjectSlot = (s: Slot) => isObject(s.value);

const MALFORMED_JSON = [
  '{', '{"a":}', '[1,2', 'nul', '{"a":1}}', '{"a" 1}', "{'a':1}", '{"a":1,}', '\u0000', '{"a":"\\x"}', '{"a":"\\u12"}',
  '"unterminated', '{"a":NaN}', '{"a":Infinity}', '{"a":undefined}', '/* comment */{}', '{"a":1}garbage', 'x'.repeat(1000),
  '{"' + 'a'.repeat(1000), ']', '}{', '{"a":[}', '\n\n\n{\n"a"\n:\n', '{"location":"eastus"', '{"a":01}', '{"a":.5}', '{"a":+1}',
];

const CONTENT_TYPES = [
  'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/xml', 'application/json; charset=utf-16',
  'application/merge-patch+json', 'text/json', ';;;', 'application/', '*/*', 'APPLICATION/JSON', 'application/json; charset=iso-8859-1',
  'application/octet-stream', 'application/json;;;', 'x'.repeat(500), null,
];

type TextMutation = (text: string, rng: Rng) => Omit<BodyVariant, 'kind'>;

/** Mutations of the transport: the bytes, or what they are said to be. */
const TEXT_MUTATIONS: Record<string, TextMutation> = {
  'malformed-json': (_t, rng) => ({ body: rng.pick(MALFORMED_JSON) }),
  'wrong-content-type': (t, rng) => ({ body: t, contentType: rng.pick(CONTENT_TYPES) }),
  'empty-body': (_t, rng) => rng.pick<Omit<BodyVariant, 'kind'>>([{ body: '' }, { body: undefined }, { body: '   \n\t' }, { body: '\ufeff' }, { body: undefined, contentType: null }]),
  'invalid-utf8': (t) => ({ body: Buffer.concat([Buffer.from(t.startsWith('{"') ? '{"\xff\xfe":"' : '"', 'latin1'), Buffer.from([0xff, 0xfe, 0xc0, 0xaf, 0xed, 0xa0, 0x80]), Buffer.from(t.startsWith('{"') ? `",${t.slice(1)}` : '"')]) }),
  bom: (t) => ({ body: `\ufeff${t}` }),
  'duplicate-keys': (t, rng) => ({ body: t.startsWith('{"') ? `{"${rng.pick(['location', 'properties', 'tags', 'name', '__proto__'])}":${rng.pick(['1', 'null', '{}', '"x"'])},${t.slice(1)}` : `{"a":1,"a":2}` }),
  'scalar-body': (_t, rng) => ({ body: rng.pick(['"text"', '42', 'true', 'null', '[]', '""', '{}', '[null]', '-0', '1e309']) }),
};

export const BODY_MUTATION_KINDS = [...Object.keys(VALUE_MUTATIONS), ...Object.keys(TEXT_MUTATIONS)];

/** One named mutation of a plausible body (undefined: the operation has none, `{}` is used). */
export function mutateBody(kind: string, value: unknown, rng: Rng): BodyVariant {
  const valueMutation = VALUE_MUTATIONS[kind];
  if (valueMutation) {
    const editor = new Editor(value, rng);
    valueMutation(editor, rng);
    return { kind: `body:${kind}`, body: editor.text() };
  }
  const textMutation = TEXT_MUTATIONS[kind];
  if (!textMutation) throw new Error(`unknown body mutation ${kind}`);
  return { kind: `body:${kind}`, ...textMutation(JSON.stringify(value ?? {}), rng) };
}
