/**
 * Client JSON is plain data whatever its keys are called. `obj[key] = value` with the key
 * "__proto__" changes the object's prototype instead of adding a key, and `TABLE[key]` or
 * `key in obj` with "constructor" finds Object.prototype's members: so objects built from
 * client keys set them with setOwn, and tables keyed by client strings are Maps or read with
 * Object.hasOwn (ownValue).
 */
export type PlainObject = Record<string, unknown>;

/** `obj[key] = value` as an own, enumerable data property, "__proto__" included. */
export function setOwn(obj: PlainObject, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}

/** `obj[key]` only when `obj` has that key itself (never an inherited member). */
export function ownValue<T>(obj: Readonly<Record<string, T>> | undefined, key: string): T | undefined {
  return obj !== undefined && Object.hasOwn(obj, key) ? obj[key] : undefined;
}

export function isPlainObject(v: unknown): v is PlainObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * A shallow copy that keeps every own key as data, "__proto__" included: Object.assign sets
 * keys by assignment, so it would turn an own "__proto__" key into the copy's prototype.
 */
export function copyOwn(obj: Readonly<PlainObject>): PlainObject {
  const out: PlainObject = {};
  for (const key of Object.keys(obj)) setOwn(out, key, obj[key]);
  return out;
}
