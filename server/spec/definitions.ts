/**
 * One openapi-backend instance per generated OpenAPI document (one per provider namespace and
 * api-version), built from the spec bundle on first use. openapi-backend owns the operation
 * catalogue, request validation and response validation. Matching a request to an operation
 * goes through our own path table, compiled once and bucketed by segment count:
 * openapi-backend's matcher builds a RegExp for every operation on every request, and ARM
 * needs the literal segments matched case-insensitively anyway.
 */
import type { OpenAPIBackend, Operation, Request as OpenApiRequest } from 'openapi-backend';
import type Ajv from 'ajv';
import type { ErrorObject, ValidateFunction } from 'ajv';

import { setOwn } from '../core/plainData';
import type { DerivedFacts } from './bundleTypes';
import type { Json } from '../../protocol/json';

type Schema = Json;

export interface ArmOperation {
  operationId: string;
  summary?: string;
  /** Lower-case HTTP method. */
  method: string;
  /** The spec's path template in its own casing, e.g. /subscriptions/{subscriptionId}/resourcegroups/... */
  template: string;
  /** `${METHOD} ${template with literals lower-cased and every {param} as {}}`: how handlers are bound. */
  routeKey: string;
  /** Parameter name by index among the path's non-empty segments. */
  pathParams: Array<[string, number]>;
  longRunning: boolean;
  finalStateVia?: string;
  requestSchema?: Schema;
  /** Dereferenced response schema by status code ("default" included). */
  responseSchemas: Record<string, Schema | undefined>;
  /** Lower-cased query parameter name -> the name the spec uses. */
  queryNames: Map<string, string>;
  /** Path parameters that hold a whole ARM id and so span segments (`scope`; see RouteTable). */
  spanningParams?: ReadonlySet<string>;
  /** Query parameters of type array (validated as [value]). */
  arrayQueryNames: Set<string>;
  /**
   * What the spec says about the paths of the JSON request body (PUT, PATCH, POST) or of the
   * 200/201 body (GET): secret, read-only and create-only paths, defaults, enums. Derived at
   * build time; absent for an operation without such a body.
   */
  derived?: DerivedFacts;
  definition: Definition;
  raw: Operation;
  /** openapi-backend's compiled request validators, once the operation has been used. */
  requestValidators?: ValidateFunction[];
}

interface CompiledRoute {
  regex: RegExp;
  specificity: number;
  operation: ArmOperation;
}

export type RouteMatch =
  | { kind: 'operation'; operation: ArmOperation; params: Record<string, string> }
  | { kind: 'method-not-allowed' }
  | { kind: 'none' };

const escapeRegex = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function routeKeyOf(method: string, template: string): string {
  const shape = template.split('/').map((s) => (s.startsWith('{') ? '{}' : s.toLowerCase())).join('/');
  return `${method.toUpperCase()} ${shape}`;
}

/** Formats openapi-backend ships do not know; ARM specs use them freely. */
function addArmFormats(ajv: Ajv): Ajv {
  ajv.addFormat('date-time', /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/i);
  ajv.addFormat('date', /^\d{4}-\d{2}-\d{2}$/);
  ajv.addFormat('uuid', /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
  for (const loose of ['password', 'uri', 'url', 'arm-id', 'duration', 'unixtime', 'base64url', 'email']) ajv.addFormat(loose, () => true);
  return ajv;
}

/**
 * openapi-backend, with Ajv and its schema and YAML tooling, is loaded with the first
 * definition rather than at start-up: /_arclight/ready does not need it.
 */
let backendModule: typeof import('openapi-backend') | undefined;
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a lazy load, which a static import cannot be
const openapiBackend = () => (backendModule ??= require('openapi-backend') as typeof import('openapi-backend'));

/**
 * The operations' path patterns by number of segments: a path is only tried against its own
 * length. A template whose parameter holds a whole ARM id (`{scope}`, `{resourceUri}`,
 * `{roleAssignmentId}`: the specs mark them x-ms-skip-url-encoding) spans one or more
 * segments (a leading one none, for the tenant root): those routes are tried against every
 * path, and the most literal match wins, so
 * `/subscriptions/{s}/providers/X/things` beats `/{scope}/providers/X/things`.
 */
class RouteTable {
  private readonly bySegmentCount = new Map<number, CompiledRoute[]>();
  private readonly spanning: CompiledRoute[] = [];

  add(template: string, operation: ArmOperation, spanningParams: ReadonlySet<string> = new Set()): void {
    const segments = template.split('/').filter(Boolean);
    const spanning = (s: string) => spanningParams.has(s.slice(1, -1));
    const spans = segments.some(spanning);
    const pattern = segments.map((s) => (s.startsWith('{') ? (spanning(s) ? '(.+)' : '([^/]+)') : escapeRegex(s))).join('/');
    // A leading whole-id parameter may also be empty: `/{scope}/providers/...` at the tenant root `/`.
    const regex = segments.length > 1 && spanning(segments[0]) ? `^/(?:(.+)/)?${pattern.slice('(.+)/'.length)}$` : `^/${pattern}$`;
    const route = { regex: new RegExp(regex), specificity: segments.filter((s) => !s.startsWith('{')).join('').length, operation };
    if (spans) {
      this.spanning.push(route);
      return;
    }
    const routes = this.bySegmentCount.get(segments.length) ?? [];
    routes.push(route);
    this.bySegmentCount.set(segments.length, routes);
  }

  /** `lowerPath` is the request path lower-cased, without query string or empty segments. */
  match(method: string, lowerPath: string, segmentCount: number): { kind: 'operation'; operation: ArmOperation; route: CompiledRoute } | { kind: 'method-not-allowed' } | { kind: 'none' } {
    let best: CompiledRoute | undefined;
    let pathMatched = false;
    for (const route of [...(this.bySegmentCount.get(segmentCount) ?? []), ...this.spanning]) {
      if (!route.regex.test(lowerPath)) continue;
      pathMatched = true;
      if (route.operation.method === method && (!best || route.specificity > best.specificity)) best = route;
    }
    if (best) return { kind: 'operation', operation: best.operation, route: best };
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'none' };
  }
}

/** The path parameters the spec marks x-ms-skip-url-encoding: they carry an ARM id, slashes and all. */
function spanningParameters(raw: Operation): Set<string> {
  const out = new Set<string>();
  for (const p of (raw as Schema).parameters ?? []) if (p.in === 'path' && p.schema?.['x-ms-skip-url-encoding'] === true) out.add(p.name);
  return out;
}

export class Definition {
  readonly operations: ArmOperation[] = [];
  private readonly api: OpenAPIBackend;
  private readonly routes = new RouteTable();

  constructor(readonly key: string, private readonly document: Schema) {
    this.api = new (openapiBackend().OpenAPIBackend)({
      definition: document,
      quick: true, // the bundle was checked at build time; validators compile on first use
      validate: true,
      // The schemas come from the generated bundle, checked against the JSON Schema
      // meta-schema by the test suite (schemaErrors()); checking them again here would make
      // every Ajv instance openapi-backend creates compile the meta-schema too.
      ajvOpts: { strict: false, allErrors: false, validateSchema: false },
      customizeAjv: (ajv) => addArmFormats(ajv as unknown as Ajv) as never,
    });
    // With quick: true and an in-memory document, init() completes synchronously.
    void this.api.init();
    for (const raw of this.api.router.getOperations()) {
      const operation = this.describe(raw);
      this.operations.push(operation);
      this.routes.add(raw.path, operation, spanningParameters(raw));
    }
  }

  match(method: string, lowerPath: string, originalSegments: string[]): RouteMatch {
    const m = this.routes.match(method, lowerPath, originalSegments.length);
    if (m.kind !== 'operation') return m;
    const params: Record<string, string> = {};
    // A malformed percent-encoding throws URIError: the client's fault, answered 400.
    if (m.operation.spanningParams) {
      // The segments each parameter took, by the capture groups of the route (in path order).
      const groups = m.route.regex.exec(lowerPath)!;
      let offset = 0;
      m.operation.pathParams.forEach(([name, index], i) => {
        const count = groups[i + 1] === undefined ? 0 : groups[i + 1].split('/').length;
        params[name] = originalSegments.slice(index + offset, index + offset + count).map((s) => decodeURIComponent(s)).join('/');
        offset += count - 1;
      });
      return { kind: 'operation', operation: m.operation, params };
    }
    for (const [name, index] of m.operation.pathParams) params[name] = decodeURIComponent(originalSegments[index] ?? '');
    return { kind: 'operation', operation: m.operation, params };
  }

  /** The operation of this definition with `operationId`, if any. */
  operationById(operationId: string): ArmOperation | undefined {
    return this.operations.find((o) => o.operationId === operationId);
  }

  /** The operation bound to `routeKey` (see routeKeyOf) in this definition. */
  operationFor(routeKey: string): ArmOperation | undefined {
    return this.operations.find((o) => o.routeKey === routeKey);
  }

  /**
   * Validates path, query and body with openapi-backend's compiled (Ajv) validators for the
   * operation; returns their errors, or null. The validators are called directly with the
   * object openapi-backend would build for them (path, query, header, cookie, requestBody):
   * the request is already routed and parsed, and parsing it again is most of what
   * openapi-backend's own validateRequest costs.
   */
  validateRequest(operation: ArmOperation, params: Record<string, string>, query: Record<string, string>, body: unknown): ErrorObject[] | null {
    // A body that is a bare JSON string, number or boolean: openapi-backend re-parses those
    // (and reports a string that is not itself JSON); keep its exact behaviour for them.
    if (body !== undefined && body !== null && typeof body !== 'object') return this.validateThroughBackend(operation, params, query, body);
    // Fresh objects: the parameter validators coerce types in place.
    const queryValues: Record<string, unknown> = {};
    for (const name in query) setOwn(queryValues, name, operation.arrayQueryNames.has(name) ? [query[name]] : query[name]);
    const parameters: Record<string, unknown> = {
      path: { ...params },
      query: queryValues,
      header: body === undefined ? {} : { 'content-type': 'application/json' },
      cookie: {},
    };
    if (body !== undefined) parameters.requestBody = body;
    let errors: ErrorObject[] | null = null;
    for (const validate of this.requestValidators(operation)) {
      validate(parameters);
      if (validate.errors) (errors ??= []).push(...validate.errors);
    }
    return errors;
  }

  /** Compiled on first use of the operation, then kept (openapi-backend caches them too). */
  private requestValidators(operation: ArmOperation): ValidateFunction[] {
    return (operation.requestValidators ??= (this.api.validator.getRequestValidatorsForOperation(operation.operationId) ?? []) as ValidateFunction[]);
  }

  /**
   * Every schema of the document that is not valid JSON Schema, as Ajv's meta-schema check
   * reports it. Reads the document as the bundle has it ($refs unresolved: the resolved one
   * openapi-backend works on is cyclic).
   */
  schemaErrors(): string[] {
    const ajv = this.api.validator.getAjv(openapiBackend().ValidationContext.RequestBody, { validateSchema: true });
    const errors: string[] = [];
    const check = (where: string, schema: Schema) => {
      if (schema && !ajv.validateSchema(schema)) errors.push(`${this.key} ${where}: ${ajv.errorsText(ajv.errors)}`);
    };
    for (const [name, schema] of Object.entries<Schema>(this.document.components?.schemas ?? {})) check(`#/components/schemas/${name}`, schema);
    for (const [path, item] of Object.entries<Schema>(this.document.paths ?? {})) {
      for (const [method, op] of Object.entries<Schema>(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        for (const p of op.parameters ?? []) check(`${where} parameter ${p.name}`, p.schema);
        check(`${where} request`, op.requestBody?.content?.['application/json']?.schema);
        for (const [status, res] of Object.entries<Schema>(op.responses ?? {})) check(`${where} ${status}`, res?.content?.['application/json']?.schema);
      }
    }
    return errors;
  }

  /** openapi-backend's full validateRequest (it parses the request again): the reference for the direct path. */
  validateThroughBackend(operation: ArmOperation, params: Record<string, string>, query: Record<string, string>, body: unknown): ErrorObject[] | null {
    // openapi-backend re-reads path parameters from the path: give it the spec's literals
    // with the caller's values, so matching is case-insensitive and values keep their case.
    const path = operation.raw.path.split('/').map((s) => (s.startsWith('{') ? encodeURIComponent(params[s.slice(1, -1)] ?? '') : s)).join('/');
    const request: OpenApiRequest = { method: operation.method, path, query, headers: body === undefined ? {} : { 'content-type': 'application/json' }, body };
    const result = this.api.validateRequest(request, operation.raw);
    return result.valid ? null : (result.errors as ErrorObject[]);
  }

  validateResponse(operation: ArmOperation, status: number, body: unknown): ErrorObject[] | null {
    const result = this.api.validateResponse(body, operation.raw, status);
    return result.valid ? null : (result.errors as ErrorObject[]);
  }

  private describe(raw: Operation): ArmOperation {
    const op = raw as Schema;
    const template: string = op['x-arclight-path'] ?? raw.path;
    const pathParams: Array<[string, number]> = [];
    raw.path.split('/').filter(Boolean).forEach((seg, i) => {
      if (seg.startsWith('{')) pathParams.push([seg.slice(1, -1), i]);
    });
    const responseSchemas: Record<string, Schema | undefined> = {};
    for (const [status, res] of Object.entries<Schema>(op.responses ?? {})) responseSchemas[status] = res?.content?.['application/json']?.schema;
    const queryNames = new Map<string, string>();
    const arrayQueryNames = new Set<string>();
    for (const p of op.parameters ?? []) {
      if (p.in !== 'query') continue;
      queryNames.set(p.name.toLowerCase(), p.name);
      if (p.schema?.type === 'array') arrayQueryNames.add(p.name);
    }
    return {
      operationId: raw.operationId!,
      summary: op.summary,
      method: raw.method.toLowerCase(),
      template,
      routeKey: routeKeyOf(raw.method, template),
      pathParams,
      longRunning: !!op['x-ms-long-running-operation'],
      finalStateVia: op['x-ms-long-running-operation-options']?.['final-state-via'],
      requestSchema: op.requestBody?.content?.['application/json']?.schema,
      responseSchemas,
      queryNames,
      arrayQueryNames,
      spanningParams: spanningParameters(raw).size ? spanningParameters(raw) : undefined,
      derived: op['x-arclight-derived'],
      definition: this,
      raw,
    };
  }
}
