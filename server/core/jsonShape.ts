/**
 * Checking the JSON files Arclight is given (--seed, --regions) against small declarative
 * shapes, so a mistake is reported as `<flag> <file>: <JSON path>: <what was expected>` before
 * anything is applied.
 *
 * A shape is plain data (built with the functions below) read by one checker. Objects list
 * their keys; any other key is refused, naming it and the allowed ones. Keys are looked up in
 * Maps, never as properties, so "__proto__", "constructor" or "hasOwnProperty" are just
 * unknown keys (and refused as map keys too). Nesting is bounded before JSON.parse runs.
 */
import * as fs from 'fs';
import { osReason, StartupError, USAGE_ERROR_CODE } from './startupError';

export type Shape =
  | { type: 'string'; expected: string; pattern?: RegExp; maxLength?: number; allowEmpty?: boolean; check?: (value: string) => string | undefined }
  | { type: 'boolean' }
  | { type: 'enum'; values: readonly string[] }
  | { type: 'array'; items: Shape; expected?: string; maxItems?: number }
  | { type: 'object'; fields: ReadonlyMap<string, Field> }
  | { type: 'map'; values: Shape; maxEntries?: number; keyPattern?: { pattern: RegExp; expected: string } }
  /** Arrays or objects, told apart by what the value is: each branch is the shape for one. */
  | { type: 'arrayOrObject'; expected: string; array: Shape; object: Shape };

interface Field {
  shape: Shape;
  required: boolean;
}

/** JSON files are hand-written: deeper than this is a mistake (or an attack on the recursive checker). */
export const MAX_JSON_DEPTH = 64;

/** A key any object may carry, for the file's author: ignored. */
const COMMENT_KEY = '$comment';

export const text = (expected = 'a non-empty string', options: { pattern?: RegExp; maxLength?: number; allowEmpty?: boolean; check?: (value: string) => string | undefined } = {}): Shape =>
  ({ type: 'string', expected, ...options });
export const boolean: Shape = { type: 'boolean' };
export const oneOf = (...values: string[]): Shape => ({ type: 'enum', values });
export const listOf = (items: Shape, options: { expected?: string; maxItems?: number } = {}): Shape => ({ type: 'array', items, ...options });
export const mapOf = (values: Shape, options: { maxEntries?: number; keyPattern?: { pattern: RegExp; expected: string } } = {}): Shape =>
  ({ type: 'map', values, ...options });
export const arrayOrObject = (expected: string, array: Shape, object: Shape): Shape => ({ type: 'arrayOrObject', expected, array, object });
export const required = (shape: Shape): Field => ({ shape, required: true });
export const optional = (shape: Shape): Field => ({ shape, required: false });
/** An object with exactly these keys (those marked required must be there). */
export const object = (fields: Record<string, Field>): Shape => ({ type: 'object', fields: new Map(Object.entries(fields)) });

export const GUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
export const guid = text('a GUID', { pattern: GUID_PATTERN });

class ShapeError extends Error {
  constructor(readonly path: string, message: string) {
    super(message);
  }
}

/** `$.a.b[2]`, or `$["odd key"]` for keys that are not identifiers. */
function childPath(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return /^[A-Za-z_$][\w$]*$/.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

/** A value as an error message shows it: short, on one line. */
function described(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') {
    const shown = JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
    return `'${shown.slice(1, -1)}'`;
  }
  return String(value);
}

function expectation(shape: Shape): string {
  switch (shape.type) {
    case 'string': return shape.expected;
    case 'boolean': return 'true or false';
    case 'enum': return `one of ${shape.values.map((v) => JSON.stringify(v)).join(', ')}`;
    case 'array': return shape.expected ?? 'an array';
    case 'object': return 'an object';
    case 'map': return 'an object';
    case 'arrayOrObject': return shape.expected;
  }
}

/** Names every object carries from its prototype: never keys of a map in these files. */
const isPrototypeName = (key: string) => key === '__proto__' || Object.prototype.hasOwnProperty.call(Object.prototype, key);

function checkShape(shape: Shape, value: unknown, path: string): void {
  const refuse = (what = `expected ${expectation(shape)}, got ${described(value)}`): never => {
    throw new ShapeError(path, what);
  };
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string' || (!shape.allowEmpty && value.trim() === '')) return refuse();
      if (shape.maxLength !== undefined && value.length > shape.maxLength) return refuse(`expected ${shape.expected} of at most ${shape.maxLength} characters, got ${value.length}`);
      if (shape.pattern && !shape.pattern.test(value)) return refuse();
      const problem = shape.check?.(value);
      if (problem) refuse(problem);
      return;
    }
    case 'boolean':
      if (typeof value !== 'boolean') refuse();
      return;
    case 'enum':
      if (typeof value !== 'string' || !shape.values.includes(value)) refuse();
      return;
    case 'array':
      if (!Array.isArray(value)) return refuse();
      if (shape.maxItems !== undefined && value.length > shape.maxItems) refuse(`expected at most ${shape.maxItems} items, got ${value.length}`);
      value.forEach((item, i) => checkShape(shape.items, item, childPath(path, i)));
      return;
    case 'object': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse();
      const allowed = [...shape.fields.keys()];
      for (const [key, child] of Object.entries(value)) {
        const field = shape.fields.get(key);
        if (field) checkShape(field.shape, child, childPath(path, key));
        else if (key === COMMENT_KEY) checkShape(text(), child, childPath(path, key));
        else refuse(`unknown key ${JSON.stringify(key)} (allowed: ${allowed.join(', ')})`);
      }
      for (const [key, field] of shape.fields) {
        if (field.required && !Object.hasOwn(value, key)) refuse(`missing ${JSON.stringify(key)}: expected ${expectation(field.shape)}`);
      }
      return;
    }
    case 'map': {
      if (typeof value !== 'object' || value === null || Array.isArray(value)) return refuse();
      const entries = Object.entries(value);
      if (shape.maxEntries !== undefined && entries.length > shape.maxEntries) refuse(`expected at most ${shape.maxEntries} entries, got ${entries.length}`);
      for (const [key, child] of entries) {
        if (isPrototypeName(key)) refuse(`the key ${JSON.stringify(key)} is reserved`);
        if (shape.keyPattern && !shape.keyPattern.pattern.test(key)) refuse(`the key ${JSON.stringify(key)} is not ${shape.keyPattern.expected}`);
        checkShape(shape.values, child, childPath(path, key));
      }
      return;
    }
    case 'arrayOrObject':
      if (Array.isArray(value)) return checkShape(shape.array, value, path);
      if (typeof value === 'object' && value !== null) return checkShape(shape.object, value, path);
      refuse();
  }
}

/**
 * Where a JSON text nests deeper than `maxDepth`, found by one pass over it (no recursion),
 * or undefined. Brackets inside strings do not count.
 */
export function tooDeepAt(json: string, maxDepth = MAX_JSON_DEPTH): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < json.length; i++) {
    const c = json[i];
    if (inString) {
      if (c === '\\') i++;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    else if (c === '[' || c === '{') {
      if (++depth > maxDepth) return i;
    } else if (c === ']' || c === '}') depth--;
  }
  return undefined;
}

/** Line and column (from 1) of a position in a text. */
function lineAndColumn(textValue: string, position: number): string {
  const before = textValue.slice(0, position).split('\n');
  return `line ${before.length}, column ${before[before.length - 1].length + 1}`;
}

/**
 * Reads a JSON file named by an option (`--seed`), checks it against `shape` and returns it.
 * Fails with one line naming the option, the file and, for a bad value, its JSON path: EINVAL
 * for what the file says, the operating system's code when it cannot be read.
 */
export function readJsonFile<T>(option: string, file: string, shape: Shape): T {
  const where = `${option} ${file}`;
  let content: string;
  try {
    content = fs.readFileSync(file, 'utf8').replace(/^\uFEFF/, '');
  } catch (err) {
    throw new StartupError((err as NodeJS.ErrnoException).code ?? 'EIO', `${where}: cannot read it (${osReason(err)}); check the path`);
  }
  const deep = tooDeepAt(content);
  if (deep !== undefined) throw new StartupError(USAGE_ERROR_CODE, `${where}: nested deeper than ${MAX_JSON_DEPTH} levels at ${lineAndColumn(content, deep)}`);
  let value: unknown;
  try {
    value = JSON.parse(content);
  } catch (err) {
    const message = (err as Error).message;
    const position = /position (\d+)/.exec(message)?.[1];
    const at = position !== undefined ? ` at ${lineAndColumn(content, Number(position))}` : '';
    // V8 may quote the file (secrets and newlines included): keep its words, not the quote.
    const reason = message.replace(/,? ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '').replace(/\s+/g, ' ');
    throw new StartupError(USAGE_ERROR_CODE, `${where}: not valid JSON${at} (${reason})`);
  }
  try {
    checkShape(shape, value, '$');
  } catch (err) {
    if (err instanceof ShapeError) throw new StartupError(USAGE_ERROR_CODE, `${where}: ${err.path}: ${err.message}`);
    throw err;
  }
  return value as T;
}
