/** Plain-data helpers of the template language: type names, checks, equality, property access. */
import type { Json, JsonObject } from '../../protocol/json';
import { ExpressionError } from './errors';
import type { Node } from './parser';

/** A lambda value: only lambda functions accept it. */
export class Lambda {
  constructor(
    readonly params: string[],
    readonly body: Node,
    readonly closure: ReadonlyMap<string, Json>,
  ) {}
}

export const isObject = (v: Json): v is JsonObject =>
  typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Lambda);

/** Azure's name for a value's type, as its errors print it. */
export function typeName(v: Json): string {
  if (v === null || v === undefined) return 'Null';
  if (Array.isArray(v)) return 'Array';
  if (v instanceof Lambda) return 'Lambda';
  switch (typeof v) {
    case 'string':
      return 'String';
    case 'boolean':
      return 'Boolean';
    case 'number':
      return Number.isInteger(v) ? 'Integer' : 'Float';
    default:
      return 'Object';
  }
}

export function deepEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isObject(a)) {
    if (!isObject(b)) return false;
    const ka = Object.keys(a);
    const kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual(a[k], b[k]));
  }
  return false;
}

/** The key of `obj` matching `name`: exactly, else ignoring case (ARM's lookups ignore case). */
export function findKey(obj: JsonObject, name: string): string | undefined {
  if (Object.prototype.hasOwnProperty.call(obj, name)) return name;
  const lower = name.toLowerCase();
  return Object.keys(obj).find((k) => k.toLowerCase() === lower);
}

export function getProperty(target: Json, name: string): Json {
  if (!isObject(target)) {
    throw new ExpressionError(
      `The language expression property '${name}' can't be evaluated on a value of type '${typeName(target)}'.`,
    );
  }
  const key = findKey(target, name);
  if (key === undefined) {
    throw new ExpressionError(
      `The language expression property '${name}' doesn't exist, available properties are '${Object.keys(target).join(', ')}'.`,
    );
  }
  return target[key];
}

export function getIndex(target: Json, index: Json): Json {
  if (Array.isArray(target)) {
    if (typeof index !== 'number' || !Number.isInteger(index)) {
      throw new ExpressionError(
        `The language expression property array index '${String(index)}' is not valid: the index must be an integer.`,
      );
    }
    if (index < 0 || index >= target.length) {
      throw new ExpressionError(
        `The language expression property array index '${index}' is out of bounds.`,
      );
    }
    return target[index];
  }
  if (typeof index === 'string') return getProperty(target, index);
  throw new ExpressionError(
    `The language expression property '${String(index)}' can't be evaluated on a value of type '${typeName(target)}'.`,
  );
}

/** Deep copy of plain JSON. */
export const clone = <T extends Json>(v: T): T => (v === undefined ? v : JSON.parse(JSON.stringify(v)));

/** How string() and format() print a value: .NET's spellings for booleans, compact JSON for containers. */
export function toText(v: Json): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'boolean') return v ? 'True' : 'False';
  if (typeof v === 'number') return String(v);
  return JSON.stringify(v);
}
