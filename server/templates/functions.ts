/**
 * The ARM template function library (the functions that need no Azure service of their own;
 * reference, list*, providers and pickZones go to the caller's services).
 * https://learn.microsoft.com/azure/azure-resource-manager/templates/template-functions
 */
import type { Json, JsonObject } from '../../protocol/json';
import { ExpressionError } from './errors';
import type { EvalContext } from './context';
import { addDuration, compositeFormat, formatDate, parseDate } from './formatting';
import { templateGuid, uniqueString } from './hash';
import { deepEqual, findKey, isObject, toText, typeName } from './values';

export type TemplateFunction = (args: Json[], ctx: EvalContext, name: string) => Json;

export const FUNCTIONS = new Map<string, TemplateFunction>();

// The evaluator imports this table; it hands its lambda invoker back through a setter (no import circle).
type Invoke = (fn: Json, args: Json[], ctx: EvalContext, owner: string) => Json;
let invoke: Invoke = () => {
  throw new Error('lambda support not initialised');
};
export function setLambdaInvoker(fn: Invoke): void {
  invoke = fn;
}

const def = (names: string | string[], fn: TemplateFunction): void => {
  for (const n of Array.isArray(names) ? names : [names]) FUNCTIONS.set(n.toLowerCase(), fn);
};

const fail = (message: string): ExpressionError => new ExpressionError(message);

function arity(name: string, args: Json[], min: number, max = min): void {
  if (args.length < min || args.length > max) {
    const want = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
    throw fail(`The template language function '${name}' must have ${want} parameter(s), but ${args.length} were provided. Please see https://aka.ms/arm-template-functions for usage details.`);
  }
}

const ORDINAL = ['first', 'second', 'third', 'fourth', 'fifth', 'sixth'];
const ordinal = (i: number) => ORDINAL[i] ?? `${i + 1}th`;

function wrongType(name: string, i: number, expected: string, v: Json): ExpressionError {
  return fail(
    `The template language function '${name}' expects its ${ordinal(i)} parameter to be of type '${expected}'. The provided value is of type '${typeName(v)}'. Please see https://aka.ms/arm-template-functions for usage details.`,
  );
}

function str(name: string, args: Json[], i: number): string {
  const v = args[i];
  if (typeof v !== 'string') throw wrongType(name, i, 'String', v);
  return v;
}
function int(name: string, args: Json[], i: number): number {
  const v = args[i];
  if (typeof v !== 'number' || !Number.isInteger(v)) throw wrongType(name, i, 'Integer', v);
  return v;
}
function num(name: string, args: Json[], i: number): number {
  const v = args[i];
  if (typeof v !== 'number') throw wrongType(name, i, 'Integer', v);
  return v;
}
function arr(name: string, args: Json[], i: number): Json[] {
  const v = args[i];
  if (!Array.isArray(v)) throw wrongType(name, i, 'Array', v);
  return v;
}
function obj(name: string, args: Json[], i: number): JsonObject {
  const v = args[i];
  if (!isObject(v)) throw wrongType(name, i, 'Object', v);
  return v;
}
function bool(name: string, args: Json[], i: number): boolean {
  const v = args[i];
  if (typeof v !== 'boolean') throw wrongType(name, i, 'Boolean', v);
  return v;
}

// ---------------------------------------------------------------- array and object

def('array', (a, _c, n) => {
  arity(n, a, 1);
  return Array.isArray(a[0]) ? a[0] : [a[0]];
});

def('createArray', (a) => [...a]);

def('createObject', (a, _c, n) => {
  if (a.length % 2 !== 0) throw fail(`The template language function '${n}' must have an even number of parameters.`);
  const out: JsonObject = {};
  for (let i = 0; i < a.length; i += 2) out[str(n, a, i)] = a[i + 1];
  return out;
});

def('concat', (a, _c, n) => {
  if (a.length === 0) return '';
  if (Array.isArray(a[0])) {
    const out: Json[] = [];
    a.forEach((v, i) => {
      if (v === null) return;
      out.push(...(Array.isArray(v) ? v : (() => { throw wrongType(n, i, 'Array', v); })()));
    });
    return out;
  }
  return a
    .map((v, i) => {
      if (Array.isArray(v) || isObject(v)) throw wrongType(n, i, 'String', v);
      return toText(v);
    })
    .join('');
});

def('contains', (a, _c, n) => {
  arity(n, a, 2);
  const [container, item] = a;
  if (typeof container === 'string') return container.includes(toText(item));
  if (Array.isArray(container)) return container.some((x) => deepEqual(x, item));
  if (isObject(container)) return findKey(container, toText(item)) !== undefined;
  throw fail(`The template language function '${n}' expects its first parameter to be an array, an object, or a string. The provided value is of type '${typeName(container)}'.`);
});

def('empty', (a, _c, n) => {
  arity(n, a, 1);
  const v = a[0];
  if (v === null || v === undefined) return true;
  if (typeof v === 'string' || Array.isArray(v)) return v.length === 0;
  if (isObject(v)) return Object.keys(v).length === 0;
  throw fail(`The template language function '${n}' expects its parameter to be an array, an object, a string, or null. The provided value is of type '${typeName(v)}'.`);
});

def('length', (a, _c, n) => {
  arity(n, a, 1);
  const v = a[0];
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isObject(v)) return Object.keys(v).length;
  throw fail(`The template language function '${n}' expects its parameter to be an array, an object, or a string. The provided value is of type '${typeName(v)}'.`);
});

def('first', (a, _c, n) => {
  arity(n, a, 1);
  const v = a[0];
  if (typeof v === 'string') return v.length ? v[0] : '';
  if (Array.isArray(v)) return v.length ? v[0] : null;
  throw wrongType(n, 0, 'Array', v);
});

def('last', (a, _c, n) => {
  arity(n, a, 1);
  const v = a[0];
  if (typeof v === 'string') return v.length ? v[v.length - 1] : '';
  if (Array.isArray(v)) return v.length ? v[v.length - 1] : null;
  throw wrongType(n, 0, 'Array', v);
});

function indexOf(n: string, a: Json[], last: boolean): number {
  arity(n, a, 2);
  const [c, item] = a;
  if (typeof c === 'string') {
    const hay = c.toLowerCase();
    const needle = str(n, a, 1).toLowerCase();
    if (needle === '') return last ? c.length - 1 : 0;
    return last ? hay.lastIndexOf(needle) : hay.indexOf(needle);
  }
  if (Array.isArray(c)) {
    if (last) {
      for (let i = c.length - 1; i >= 0; i--) if (deepEqual(c[i], item)) return i;
      return -1;
    }
    return c.findIndex((x) => deepEqual(x, item));
  }
  throw wrongType(n, 0, 'Array', c);
}
def('indexOf', (a, _c, n) => indexOf(n, a, false));
def('lastIndexOf', (a, _c, n) => indexOf(n, a, true));

function unionObjects(a: JsonObject, b: JsonObject): JsonObject {
  const out: JsonObject = { ...a };
  for (const [k, v] of Object.entries(b)) {
    const key = findKey(out, k) ?? k;
    out[key] = isObject(out[key]) && isObject(v) ? unionObjects(out[key], v) : v;
  }
  return out;
}

def('union', (a, _c, n) => {
  if (a.length < 2) arity(n, a, 2, Infinity);
  if (Array.isArray(a[0])) {
    const out: Json[] = [];
    a.forEach((_v, i) => {
      for (const x of arr(n, a, i)) if (!out.some((y) => deepEqual(x, y))) out.push(x);
    });
    return out;
  }
  return a.reduce((acc: JsonObject, _v, i) => unionObjects(acc, obj(n, a, i)), {});
});

def('intersection', (a, _c, n) => {
  if (a.length < 2) arity(n, a, 2, Infinity);
  if (Array.isArray(a[0])) {
    const rest = a.slice(1).map((_v, i) => arr(n, a, i + 1));
    const out: Json[] = [];
    for (const x of a[0]) {
      if (rest.every((r) => r.some((y) => deepEqual(x, y))) && !out.some((y) => deepEqual(x, y))) out.push(x);
    }
    return out;
  }
  const first = obj(n, a, 0);
  const rest = a.slice(1).map((_v, i) => obj(n, a, i + 1));
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(first)) {
    if (rest.every((r) => Object.prototype.hasOwnProperty.call(r, k) && deepEqual(r[k], v))) out[k] = v;
  }
  return out;
});

function minMax(n: string, a: Json[], pick: (x: number, y: number) => number): number {
  const values = a.length === 1 && Array.isArray(a[0]) ? a[0] : a;
  if (values.length === 0) throw fail(`The template language function '${n}' expects at least one value.`);
  return values.map((_v, i) => num(n, values, i)).reduce((x, y) => pick(x, y));
}
def('min', (a, _c, n) => minMax(n, a, Math.min));
def('max', (a, _c, n) => minMax(n, a, Math.max));

def('range', (a, _c, n) => {
  arity(n, a, 2);
  const start = int(n, a, 0);
  const count = int(n, a, 1);
  if (count < 0) throw fail(`The template language function '${n}' expects its second parameter to be a non-negative integer.`);
  if (count > 10000 || start + count > 2147483647) {
    throw fail(`The template language function '${n}' expects the sum of its parameters to be less than 2147483647 and the count to be at most 10000.`);
  }
  return Array.from({ length: count }, (_v, i) => start + i);
});

function skipTake(n: string, a: Json[], skip: boolean): Json {
  arity(n, a, 2);
  const v = a[0];
  const count = Math.max(0, int(n, a, 1));
  if (typeof v === 'string' || Array.isArray(v)) return skip ? v.slice(count) : v.slice(0, count);
  throw wrongType(n, 0, 'Array', v);
}
def('skip', (a, _c, n) => skipTake(n, a, true));
def('take', (a, _c, n) => skipTake(n, a, false));

def('flatten', (a, _c, n) => {
  arity(n, a, 1);
  const out: Json[] = [];
  arr(n, a, 0).forEach((v) => {
    if (!Array.isArray(v)) throw fail(`The template language function '${n}' expects an array of arrays.`);
    out.push(...v);
  });
  return out;
});

def('tryGet', (a, _c, n) => {
  arity(n, a, 2, Infinity);
  let v = a[0];
  for (const key of a.slice(1)) {
    if (Array.isArray(v) && typeof key === 'number') v = Number.isInteger(key) && key >= 0 && key < v.length ? v[key] : null;
    else if (isObject(v) && typeof key === 'string') {
      const k = findKey(v, key);
      v = k === undefined ? null : v[k];
    } else return null;
    if (v === null || v === undefined) return null;
  }
  return v ?? null;
});

def('indexFromEnd', (a, _c, n) => {
  arity(n, a, 2);
  const list = arr(n, a, 0);
  const i = int(n, a, 1);
  if (i < 1 || i > list.length) throw fail(`The index '${i}' is out of bounds of the array of length '${list.length}'.`);
  return list[list.length - i];
});
def('tryIndexFromEnd', (a, _c, n) => {
  arity(n, a, 2);
  const list = arr(n, a, 0);
  const i = int(n, a, 1);
  return i < 1 || i > list.length ? null : list[list.length - i];
});

def('objectKeys', (a, _c, n) => {
  arity(n, a, 1);
  return Object.keys(obj(n, a, 0));
});

def('shallowMerge', (a, _c, n) => {
  arity(n, a, 1);
  return arr(n, a, 0).reduce((acc: JsonObject, v, i, list) => ({ ...acc, ...obj(n, list, i) }), {});
});

def('items', (a, _c, n) => {
  arity(n, a, 1);
  const o = obj(n, a, 0);
  return Object.keys(o)
    .sort((x, y) => (x.toLowerCase() < y.toLowerCase() ? -1 : x.toLowerCase() > y.toLowerCase() ? 1 : 0))
    .map((key) => ({ key, value: o[key] }));
});

def('json', (a, _c, n) => {
  arity(n, a, 1);
  const text = str(n, a, 0);
  try {
    return JSON.parse(text);
  } catch {
    throw fail(`The template language function '${n}' expects its parameter to be a valid JSON string. The provided value '${text}' is not valid JSON.`);
  }
});

def('null', (a, _c, n) => {
  arity(n, a, 0);
  return null;
});

// ---------------------------------------------------------------- comparison and logical

def('coalesce', (a) => a.find((v) => v !== null && v !== undefined) ?? null);
def('equals', (a, _c, n) => {
  arity(n, a, 2);
  return deepEqual(a[0], a[1]);
});

function compare(n: string, a: Json[]): number {
  arity(n, a, 2);
  const [x, y] = a;
  if (typeof x === 'number' && typeof y === 'number') return x - y;
  if (typeof x === 'string' && typeof y === 'string') return x < y ? -1 : x > y ? 1 : 0;
  throw fail(`The template language function '${n}' expects two parameters of the same type, integers or strings. The provided values are of types '${typeName(x)}' and '${typeName(y)}'.`);
}
def('greater', (a, _c, n) => compare(n, a) > 0);
def('greaterOrEquals', (a, _c, n) => compare(n, a) >= 0);
def('less', (a, _c, n) => compare(n, a) < 0);
def('lessOrEquals', (a, _c, n) => compare(n, a) <= 0);

def('not', (a, _c, n) => {
  arity(n, a, 1);
  return !bool(n, a, 0);
});
def('bool', (a, _c, n) => {
  arity(n, a, 1);
  const v = a[0];
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'string') {
    if (v.toLowerCase() === 'true') return true;
    if (v.toLowerCase() === 'false') return false;
  }
  throw fail(`The template language function '${n}' expects its parameter to be a boolean, an integer, or the string 'true' or 'false'. The provided value is '${toText(v)}'.`);
});
def('true', (a, _c, n) => {
  arity(n, a, 0);
  return true;
});
def('false', (a, _c, n) => {
  arity(n, a, 0);
  return false;
});

// ---------------------------------------------------------------- numeric

def('add', (a, _c, n) => {
  arity(n, a, 2);
  return num(n, a, 0) + num(n, a, 1);
});
def('sub', (a, _c, n) => {
  arity(n, a, 2);
  return num(n, a, 0) - num(n, a, 1);
});
def('mul', (a, _c, n) => {
  arity(n, a, 2);
  return num(n, a, 0) * num(n, a, 1);
});
def('div', (a, _c, n) => {
  arity(n, a, 2);
  const d = int(n, a, 1);
  if (d === 0) throw fail(`The template language function '${n}' expects its second parameter to be non-zero.`);
  return Math.trunc(int(n, a, 0) / d);
});
def('mod', (a, _c, n) => {
  arity(n, a, 2);
  const d = int(n, a, 1);
  if (d === 0) throw fail(`The template language function '${n}' expects its second parameter to be non-zero.`);
  return int(n, a, 0) % d;
});
def('int', (a, _c, n) => {
  arity(n, a, 1);
  const v = a[0];
  if (typeof v === 'number') return Math.trunc(v);
  if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) return Number(v);
  throw fail(`The template language function '${n}' expects its parameter to be an integer or a string representing an integer. The provided value is '${toText(v)}'.`);
});
def('float', (a, _c, n) => {
  arity(n, a, 1);
  const v = a[0];
  if (typeof v === 'number') return v;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  throw fail(`The template language function '${n}' expects its parameter to be a number or a string representing a number. The provided value is '${toText(v)}'.`);
});

// ---------------------------------------------------------------- string

def('string', (a, _c, n) => {
  arity(n, a, 1);
  return toText(a[0]);
});
def('format', (a, _c, n) => {
  arity(n, a, 1, Infinity);
  return compositeFormat(str(n, a, 0), a.slice(1));
});
def('toLower', (a, _c, n) => {
  arity(n, a, 1);
  return str(n, a, 0).toLowerCase();
});
def('toUpper', (a, _c, n) => {
  arity(n, a, 1);
  return str(n, a, 0).toUpperCase();
});
def('trim', (a, _c, n) => {
  arity(n, a, 1);
  return str(n, a, 0).trim();
});
def('substring', (a, _c, n) => {
  arity(n, a, 2, 3);
  const s = str(n, a, 0);
  const start = int(n, a, 1);
  const length = a.length === 3 ? int(n, a, 2) : s.length - start;
  if (start < 0 || length < 0 || start + length > s.length) {
    throw fail(
      `The index and length parameters must refer to a location within the string. The index parameter: '${start}', the length parameter: '${length}', the length of the string parameter: '${s.length}'. Please see https://aka.ms/arm-template-functions#substring for usage details.`,
    );
  }
  return s.substr(start, length);
});
def('replace', (a, _c, n) => {
  arity(n, a, 3);
  const from = str(n, a, 1);
  if (from === '') throw fail(`The template language function '${n}' expects its second parameter to be a non-empty string.`);
  return str(n, a, 0).split(from).join(str(n, a, 2));
});
def('split', (a, _c, n) => {
  arity(n, a, 2);
  const s = str(n, a, 0);
  const delimiters = Array.isArray(a[1]) ? a[1].map((_d, i, l) => str(n, l, i)) : [str(n, a, 1)];
  let parts = [s];
  for (const d of delimiters) parts = parts.flatMap((p) => p.split(d));
  return parts;
});
def('join', (a, _c, n) => {
  arity(n, a, 2);
  return arr(n, a, 0)
    .map((v) => {
      if (Array.isArray(v) || isObject(v)) throw fail(`The template language function '${n}' expects an array of strings, integers or booleans.`);
      return toText(v);
    })
    .join(str(n, a, 1));
});
def('startsWith', (a, _c, n) => {
  arity(n, a, 2);
  return str(n, a, 0).toLowerCase().startsWith(str(n, a, 1).toLowerCase());
});
def('endsWith', (a, _c, n) => {
  arity(n, a, 2);
  return str(n, a, 0).toLowerCase().endsWith(str(n, a, 1).toLowerCase());
});
def('padLeft', (a, _c, n) => {
  arity(n, a, 2, 3);
  const v = a[0];
  if (typeof v !== 'string' && typeof v !== 'number') throw wrongType(n, 0, 'String', v);
  const total = int(n, a, 1);
  const pad = a.length === 3 ? str(n, a, 2) : ' ';
  if (pad.length !== 1) throw fail(`The template language function '${n}' expects its third parameter to be a single character.`);
  return toText(v).padStart(total, pad);
});
def('uniqueString', (a, _c, n) => {
  arity(n, a, 1, Infinity);
  return uniqueString(...a.map((_v, i) => str(n, a, i)));
});
def('guid', (a, _c, n) => {
  arity(n, a, 1, Infinity);
  return templateGuid(...a.map((_v, i) => str(n, a, i)));
});
def('newGuid', (a, c, n) => {
  arity(n, a, 0);
  if (!c.allowsNondeterministic) throw notHere(n);
  return c.newGuid();
});
def('base64', (a, _c, n) => {
  arity(n, a, 1);
  return Buffer.from(str(n, a, 0), 'utf8').toString('base64');
});
def('base64ToString', (a, _c, n) => {
  arity(n, a, 1);
  return Buffer.from(str(n, a, 0), 'base64').toString('utf8');
});
def('base64ToJson', (a, c, n) => {
  arity(n, a, 1);
  return FUNCTIONS.get('json')!([Buffer.from(str(n, a, 0), 'base64').toString('utf8')], c, 'json');
});
def('uri', (a, _c, n) => {
  arity(n, a, 2);
  try {
    return new URL(str(n, a, 1), str(n, a, 0)).toString();
  } catch {
    throw fail(`The template language function '${n}' expects its first parameter to be an absolute URI. The provided value is '${toText(a[0])}'.`);
  }
});
const escapeData = (s: string) => encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
def('uriComponent', (a, _c, n) => {
  arity(n, a, 1);
  return escapeData(str(n, a, 0));
});
def('uriComponentToString', (a, _c, n) => {
  arity(n, a, 1);
  return decodeURIComponent(str(n, a, 0));
});
def('dataUri', (a, _c, n) => {
  arity(n, a, 1);
  return `data:text/plain;charset=utf8;base64,${Buffer.from(toText(a[0]), 'utf8').toString('base64')}`;
});
def('dataUriToString', (a, _c, n) => {
  arity(n, a, 1);
  const s = str(n, a, 0);
  const m = /^data:([^,]*?),(.*)$/s.exec(s);
  if (!m) throw fail(`The template language function '${n}' expects its parameter to be a data URI. The provided value is '${s}'.`);
  return m[1].endsWith(';base64') ? Buffer.from(m[2], 'base64').toString('utf8') : decodeURIComponent(m[2]);
});

// ---------------------------------------------------------------- date

function notHere(n: string): ExpressionError {
  return fail(
    `The template function '${n}' is not expected at this location. The function can only be used with parameter default values. Please see https://aka.ms/arm-template-functions for usage details.`,
  );
}

def('utcNow', (a, c, n) => {
  arity(n, a, 0, 1);
  if (!c.allowsNondeterministic) throw notHere(n);
  return formatDate(c.clock(), a.length ? str(n, a, 0) : "yyyyMMdd'T'HHmmss'Z'");
});
def('dateTimeAdd', (a, _c, n) => {
  arity(n, a, 2, 3);
  const base = parseDate(str(n, a, 0));
  const out = addDuration(base, str(n, a, 1));
  return formatDate(out, a.length === 3 ? str(n, a, 2) : 'M/d/yyyy h:mm:ss tt');
});
def('dateTimeFromEpoch', (a, _c, n) => {
  arity(n, a, 1);
  return new Date(int(n, a, 0) * 1000).toISOString().replace(/\.000Z$/, 'Z');
});
def('dateTimeToEpoch', (a, _c, n) => {
  arity(n, a, 1);
  return Math.floor(parseDate(str(n, a, 0)).getTime() / 1000);
});

// ---------------------------------------------------------------- lambda

def('lambdaVariables', (a, c, n) => {
  arity(n, a, 1);
  const name = str(n, a, 0);
  if (!c.lambdaVariables.has(name)) throw fail(`The lambda variable '${name}' is not defined.`);
  return c.lambdaVariables.get(name);
});
def('filter', (a, c, n) => {
  arity(n, a, 2);
  return arr(n, a, 0).filter((v, i) => {
    const keep = invoke(a[1], [v, i], c, n);
    if (typeof keep !== 'boolean') throw fail(`The lambda function of '${n}' must return a boolean.`);
    return keep;
  });
});
def('map', (a, c, n) => {
  arity(n, a, 2);
  return arr(n, a, 0).map((v, i) => invoke(a[1], [v, i], c, n));
});
def('reduce', (a, c, n) => {
  arity(n, a, 3);
  return arr(n, a, 0).reduce((acc: Json, v, i) => invoke(a[2], [acc, v, i], c, n), a[1]);
});
def('sort', (a, c, n) => {
  arity(n, a, 2);
  // A stable insertion by the lambda's "a before b".
  const out: Json[] = [];
  for (const v of arr(n, a, 0)) {
    let i = out.length;
    while (i > 0 && invoke(a[1], [v, out[i - 1]], c, n) === true) i--;
    out.splice(i, 0, v);
  }
  return out;
});
def('toObject', (a, c, n) => {
  arity(n, a, 2, 3);
  const out: JsonObject = {};
  for (const v of arr(n, a, 0)) {
    const key = invoke(a[1], [v], c, n);
    if (typeof key !== 'string') throw fail(`The key lambda of '${n}' must return a string.`);
    out[key] = a.length === 3 ? invoke(a[2], [v], c, n) : v;
  }
  return out;
});
def('groupBy', (a, c, n) => {
  arity(n, a, 2);
  const out: JsonObject = {};
  for (const v of arr(n, a, 0)) {
    const key = invoke(a[1], [v], c, n);
    if (typeof key !== 'string') throw fail(`The key lambda of '${n}' must return a string.`);
    (out[key] ??= []).push(v);
  }
  return out;
});
def('mapValues', (a, c, n) => {
  arity(n, a, 2);
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(obj(n, a, 0))) out[k] = invoke(a[1], [v], c, n);
  return out;
});

// ---------------------------------------------------------------- deployment

def('parameters', (a, c, n) => {
  arity(n, a, 1);
  return c.parameter(str(n, a, 0));
});
def('variables', (a, c, n) => {
  arity(n, a, 1);
  return c.variable(str(n, a, 0));
});
def('deployment', (a, c, n) => {
  arity(n, a, 0);
  return c.deployment();
});
def('environment', (a, c, n) => {
  arity(n, a, 0);
  return c.environment();
});
def('copyIndex', (a, c, n) => {
  arity(n, a, 0, 2);
  let loop: string | undefined;
  let offset = 0;
  if (typeof a[0] === 'string') {
    loop = a[0];
    if (a.length === 2) offset = int(n, a, 1);
  } else if (a.length >= 1) offset = int(n, a, 0);
  return c.copyIndex(loop) + offset;
});

// ---------------------------------------------------------------- resource

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `{ns}/{type}/{name}/{child}/{name}`, checking the names match the type's segments. */
function typedPath(n: string, type: string, names: string[], all: Json[]): string {
  const segments = type.split('/').filter((s) => s !== '');
  const flatNames = names.flatMap((x) => x.split('/'));
  if (segments.length < 2 || flatNames.length !== segments.length - 1) {
    throw fail(
      `Unable to evaluate template language function '${n}': the type '${type}' requires '${Math.max(segments.length - 1, 1)}' resource name argument(s). Current function arguments '${all.map(toText).join(',')}'. Please see https://aka.ms/arm-resource-functions/#resourceid for usage details.`,
    );
  }
  let out = `providers/${segments[0]}/${segments[1]}/${flatNames[0]}`;
  for (let i = 2; i < segments.length; i++) out += `/${segments[i]}/${flatNames[i - 1]}`;
  return out;
}

function splitAtType(n: string, a: Json[]): { before: string[]; type: string; names: string[] } {
  const strings = a.map((_v, i) => str(n, a, i));
  const at = strings.findIndex((s) => s.includes('/'));
  if (at < 0) {
    throw fail(`Unable to evaluate template language function '${n}': function requires exactly one multi-segmented argument which must be resource type including resource provider namespace. Current function arguments '${strings.join(',')}'. Please see https://aka.ms/arm-resource-functions/#resourceid for usage details.`);
  }
  return { before: strings.slice(0, at), type: strings[at], names: strings.slice(at + 1) };
}

def('resourceId', (a, c, n) => {
  const { before, type, names } = splitAtType(n, a);
  const path = typedPath(n, type, names, a);
  if (before.length > 2) throw fail(`Unable to evaluate template language function '${n}': too many arguments before the resource type.`);
  let sub = c.scope.subscriptionId;
  let rg = c.scope.resourceGroup?.name;
  if (before.length === 2) [sub, rg] = before;
  else if (before.length === 1) {
    if (GUID.test(before[0]) && !c.scope.resourceGroup) sub = before[0];
    else rg = before[0];
  }
  const special = containerId(type, names, sub);
  if (special) return special;
  if (!sub) return `/${path}`;
  return rg ? `/subscriptions/${sub}/resourceGroups/${rg}/${path}` : `/subscriptions/${sub}/${path}`;
});

/** Resource groups and subscriptions have ids of their own shape (no '/providers/'). */
function containerId(type: string, names: string[], sub: string | undefined): string | undefined {
  const t = type.toLowerCase();
  if (t === 'microsoft.resources/resourcegroups' && names.length === 1) return `/subscriptions/${sub}/resourceGroups/${names[0]}`;
  if (t === 'microsoft.resources/subscriptions' && names.length === 1) return `/subscriptions/${names[0]}`;
  return undefined;
}

def('subscriptionResourceId', (a, c, n) => {
  const { before, type, names } = splitAtType(n, a);
  const sub = before[0] ?? c.scope.subscriptionId;
  const special = containerId(type, names, sub);
  if (special) return special;
  return `/subscriptions/${sub}/${typedPath(n, type, names, a)}`;
});

def('tenantResourceId', (a, _c, n) => {
  const { type, names } = splitAtType(n, a);
  return `/${typedPath(n, type, names, a)}`;
});

def('managementGroupResourceId', (a, c, n) => {
  const { before, type, names } = splitAtType(n, a);
  const mg = before[0] ?? c.scope.managementGroup;
  return `/providers/Microsoft.Management/managementGroups/${mg}/${typedPath(n, type, names, a)}`;
});

def('extensionResourceId', (a, _c, n) => {
  arity(n, a, 3, Infinity);
  const base = str(n, a, 0).replace(/\/+$/, '');
  const { type, names } = splitAtType(n, a.slice(1));
  return `${base}/${typedPath(n, type, names, a)}`;
});

def('resourceGroup', (a, c, n) => {
  arity(n, a, 0);
  const rg = c.scope.resourceGroup;
  if (!rg) throw fail(`The template function '${n}' is not expected at this location. It can only be used in a deployment to a resource group.`);
  const out: JsonObject = {
    id: rg.id ?? `/subscriptions/${c.scope.subscriptionId}/resourceGroups/${rg.name}`,
    name: rg.name,
    type: 'Microsoft.Resources/resourceGroups',
    location: rg.location,
    properties: { provisioningState: 'Succeeded' },
  };
  if (rg.managedBy) out.managedBy = rg.managedBy;
  if (rg.tags) out.tags = rg.tags;
  return out;
});

def('subscription', (a, c, n) => {
  arity(n, a, 0);
  const id = c.scope.subscriptionId;
  if (!id) throw fail(`The template function '${n}' is not expected at this location. It can't be used in a deployment to a tenant or management group.`);
  return {
    id: `/subscriptions/${id}`,
    subscriptionId: id,
    tenantId: c.scope.tenantId,
    displayName: c.scope.subscriptionDisplayName ?? id,
  };
});

def('tenant', (a, c, n) => {
  arity(n, a, 0);
  return {
    countryCode: c.scope.tenantCountryCode ?? 'US',
    displayName: c.scope.tenantDisplayName ?? c.scope.tenantId,
    id: `/tenants/${c.scope.tenantId}`,
    tenantId: c.scope.tenantId,
  };
});

def('managementGroup', (a, c, n) => {
  arity(n, a, 0);
  const mg = c.scope.managementGroup;
  if (!mg) throw fail(`The template function '${n}' is not expected at this location. It can only be used in a deployment to a management group.`);
  return {
    id: `/providers/Microsoft.Management/managementGroups/${mg}`,
    name: mg,
    type: 'Microsoft.Management/managementGroups',
  };
});

def('reference', (a, c, n) => {
  arity(n, a, 1, 3);
  const target = str(n, a, 0);
  const apiVersion = a.length >= 2 && a[1] !== null ? str(n, a, 1) : undefined;
  const full = a.length === 3 && typeof a[2] === 'string' && a[2].toLowerCase() === 'full';
  const known = c.resolveResource(target);
  const id = known?.id ?? target;
  if (!known && !id.startsWith('/')) {
    throw fail(`The template resource '${target}' is not found. Please see https://aka.ms/arm-function-reference for usage details.`);
  }
  if (!c.services.reference) throw fail(`The template function '${n}' can't be evaluated: no resource state is available.`);
  c.onReference?.(id);
  return c.services.reference(id, apiVersion ?? known?.apiVersion, full);
});

def('list*', (a, c, n) => {
  arity(n, a, 2, 3);
  const target = str(n, a, 0);
  const id = c.resolveResource(target)?.id ?? target;
  if (!c.services.list) throw fail(`The template function '${n}' can't be evaluated: no resource actions are available.`);
  c.onReference?.(id);
  return c.services.list(id, str(n, a, 1), n, a.length === 3 ? a[2] : null);
});

def('providers', (a, c, n) => {
  arity(n, a, 1, 2);
  if (!c.services.providers) throw fail(`The template function '${n}' can't be evaluated: no provider registrations are available.`);
  return c.services.providers(str(n, a, 0), a.length === 2 ? str(n, a, 1) : undefined);
});

def('pickZones', (a, c, n) => {
  arity(n, a, 3, 5);
  const zones = c.services.zones?.(str(n, a, 0), str(n, a, 1), str(n, a, 2)) ?? [];
  const count = a.length >= 4 ? int(n, a, 3) : 1;
  const offset = a.length === 5 ? int(n, a, 4) : 0;
  if (zones.length === 0) return [];
  return Array.from({ length: Math.min(count, zones.length) }, (_v, i) => zones[(offset + i) % zones.length]);
});

