/**
 * Parameter values against their declarations: types (string, securestring, int, bool, object,
 * secureObject, array; languageVersion 2.0 user-defined types from `definitions`, `nullable`),
 * allowedValues, minValue/maxValue, minLength/maxLength, in Azure's words.
 */
import type { Json, JsonObject } from '../../protocol/json';
import { at, validationFailed, type TextPosition } from './errors';
import { deepEqual, findKey, isObject, typeName } from './values';

const EXPECTED: Record<string, string> = {
  string: 'String, Uri',
  securestring: 'String, Uri',
  int: 'Integer',
  bool: 'Boolean',
  object: 'Object',
  secureobject: 'Object',
  array: 'Array',
};

export const isSecureType = (type: Json): boolean =>
  typeof type === 'string' && ['securestring', 'secureobject'].includes(type.toLowerCase());

function matchesType(type: string, v: Json): boolean {
  switch (type) {
    case 'string':
    case 'securestring':
      return typeof v === 'string';
    case 'int':
      return typeof v === 'number' && Number.isInteger(v);
    case 'bool':
      return typeof v === 'boolean';
    case 'object':
    case 'secureobject':
      return isObject(v);
    case 'array':
      return Array.isArray(v);
    case 'any':
      return true;
    default:
      return false;
  }
}

export interface TypeCheckSite {
  /** The parameter (or output) name, for messages. */
  name: string;
  position?: TextPosition;
  definitions: JsonObject;
  kind: 'parameter' | 'output';
}

/** Resolves `$ref: '#/definitions/x'` chains. */
function resolveRef(schema: JsonObject, site: TypeCheckSite): JsonObject {
  let s = schema;
  const seen = new Set<string>();
  while (typeof s.$ref === 'string') {
    const m = /^#\/definitions\/(.+)$/.exec(s.$ref);
    const target = m ? site.definitions[m[1]] : undefined;
    if (!isObject(target) || seen.has(s.$ref)) {
      throw validationFailed(`The template ${site.kind} '${site.name}' refers to the type '${s.$ref}', which is not defined in the template's definitions.`);
    }
    seen.add(s.$ref);
    const { $ref: _ref, ...rest } = s;
    s = { ...target, ...rest };
  }
  return s;
}

function invalid(site: TypeCheckSite, path: string, detail: string): Error {
  const where = path ? ` The value at '${path}' is not valid: ` : ' ';
  return validationFailed(
    `The provided value for the template ${site.kind} '${site.name}'${at(site.position)} is not valid.${where}${detail}`,
  );
}

/** Checks `value` against a parameter declaration (or one of its nested types). */
export function checkValue(value: Json, declaration: JsonObject, site: TypeCheckSite, path = ''): void {
  const schema = resolveRef(declaration, site);
  if (value === null || value === undefined) {
    if (schema.nullable === true) return;
    if (path) throw invalid(site, path, 'A value is required.');
  }
  const type = typeof schema.type === 'string' ? schema.type.toLowerCase() : 'any';
  if (!matchesType(type, value)) {
    if (!path) {
      throw validationFailed(
        `Template ${site.kind} JToken type is not valid. Expected '${EXPECTED[type] ?? type}'. Actual '${typeName(value)}'. Please see https://aka.ms/arm-create-parameter-file for usage details.`,
      );
    }
    throw invalid(site, path, `Expected a value of type '${EXPECTED[type] ?? type}' but received a value of type '${typeName(value)}'.`);
  }
  if (Array.isArray(schema.allowedValues)) {
    const allowed = schema.allowedValues;
    const values = Array.isArray(value) && type === 'array' ? value : [value];
    if (!values.every((v) => allowed.some((a: Json) => deepEqual(a, v)))) {
      throw validationFailed(
        `The provided value for the template ${site.kind} '${site.name}'${at(site.position)} is not valid. The parameter value is not part of the allowed value(s).`,
      );
    }
  }
  if (typeof value === 'number') {
    if (typeof schema.minValue === 'number' && value < schema.minValue) {
      throw invalid(site, path, `The provided value '${value}' is less than the minimum value '${schema.minValue}'.`);
    }
    if (typeof schema.maxValue === 'number' && value > schema.maxValue) {
      throw invalid(site, path, `The provided value '${value}' is greater than the maximum value '${schema.maxValue}'.`);
    }
  }
  if (typeof value === 'string' || Array.isArray(value)) {
    if (typeof schema.minLength === 'number' && value.length < schema.minLength) {
      throw invalid(site, path, `Length of the value should be greater than or equal to '${schema.minLength}'.`);
    }
    if (typeof schema.maxLength === 'number' && value.length > schema.maxLength) {
      throw invalid(site, path, `Length of the value should be less than or equal to '${schema.maxLength}'.`);
    }
  }
  if (Array.isArray(value)) {
    if (isObject(schema.items)) value.forEach((v, i) => checkValue(v, schema.items, site, `${path}/${i}`));
    if (Array.isArray(schema.prefixItems)) {
      schema.prefixItems.forEach((s: Json, i: number) => isObject(s) && checkValue(value[i], s, site, `${path}/${i}`));
    }
  }
  if (isObject(value) && (isObject(schema.properties) || schema.additionalProperties !== undefined)) {
    const props: JsonObject = isObject(schema.properties) ? schema.properties : {};
    for (const [k, s] of Object.entries(props)) {
      if (!isObject(s)) continue;
      const key = findKey(value, k);
      const v = key === undefined ? null : value[key];
      checkValue(v, s, site, `${path}/${k}`);
    }
    for (const [k, v] of Object.entries(value)) {
      if (findKey(props, k) !== undefined) continue;
      if (schema.additionalProperties === false) {
        throw invalid(site, `${path}/${k}`, `The property '${k}' is not allowed.`);
      }
      if (isObject(schema.additionalProperties)) checkValue(v, schema.additionalProperties, site, `${path}/${k}`);
    }
  }
}
