/**
 * Turns openapi-backend's (Ajv's) validation errors into ARM errors whose message names the
 * failing JSON path, in the style of the .NET serializer behind ARM
 * ("... Path 'properties.agentPublicKeyCertificate'."). Values the caller sent are never
 * quoted back: they may be secrets.
 */
import type { ErrorObject } from 'ajv';
import { ArmError, armErrors } from './armErrors';

/** `/requestBody/properties/statuses/0/code` -> `properties.statuses[0].code` */
function jsonPath(pointer: string): string {
  return pointer
    .split('/')
    .slice(2)
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((acc, part) => (/^\d+$/.test(part) ? `${acc}[${part}]` : acc ? `${acc}.${part}` : part), '');
}

const TYPE_NAMES: Record<string, string> = { string: 'String', integer: 'Int64', number: 'Double', boolean: 'Boolean', object: 'Object', array: 'Array' };

function describeBodyError(e: ErrorObject): string {
  const path = jsonPath(e.instancePath);
  const params = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'required':
      return `Required property '${params.missingProperty}' not found in JSON. Path '${path}'.`;
    case 'type': {
      const expected = String(params.type).split(',').map((t) => TYPE_NAMES[t] ?? t).join(' or ');
      return `Error converting value to type '${expected}'. Path '${path}'.`;
    }
    case 'enum':
      return `The value is not one of the allowed values ${(params.allowedValues as unknown[]).map((v) => `'${v}'`).join(', ')}. Path '${path}'.`;
    case 'additionalProperties':
      return `Could not find member '${params.additionalProperty}' on the object. Path '${path}'.`;
    default:
      return `The value ${e.message ?? 'is invalid'}. Path '${path}'.`;
  }
}

export function validationError(errors: ErrorObject[]): ArmError {
  // Prefer the innermost, most specific error (anyOf wrappers report after their branches).
  const error = errors.find((e) => e.keyword !== 'anyOf' && e.keyword !== 'oneOf') ?? errors[0];
  const [, location, name] = error.instancePath.split('/');
  if (location === 'requestBody' || (error.keyword === 'required' && (error.params as { missingProperty?: string }).missingProperty === 'requestBody')) {
    if (location !== 'requestBody') return armErrors.invalidRequestContent(`Unexpected end when deserializing object. Path '', line 1, position 1.`);
    return armErrors.invalidRequestContent(describeBodyError(error));
  }
  if (error.keyword === 'required' && location === 'query') {
    const missing = (error.params as { missingProperty?: string }).missingProperty;
    return new ArmError(400, 'MissingRequiredParameter', `The request is missing the required parameter '${missing}'.`);
  }
  const parameter = name ? decodeURIComponent(name) : location;
  return new ArmError(400, 'InvalidParameter', `The value of parameter '${parameter}' is invalid: it ${error.message ?? 'does not match the specification'}.`);
}
