/**
 * One openapi-backend instance per generated OpenAPI document (one per provider namespace and
 * api-version), built from the spec bundle at start-up. openapi-backend owns the operation
 * catalogue, request validation and response validation. Matching a request to an operation
 * goes through a router subclass whose path table is compiled once: openapi-backend's own
 * matcher builds a RegExp for every operation on every request, and ARM needs the literal
 * segments matched case-insensitively anyway.
 */
import { OpenAPIBackend, OpenAPIRouter, Operation, Request as OpenApiRequest } from 'openapi-backend';
import type Ajv from 'ajv';
import type { ErrorObject } from 'ajv';

type Schema = any; // eslint-disable-line @typescript-eslint/no-explicit-any

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
  definition: Definition;
  raw: Operation;
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

class CompiledRouter extends OpenAPIRouter {
  routes: CompiledRoute[] = [];

  override matchOperation(req: OpenApiRequest): Operation | undefined;
  override matchOperation(req: OpenApiRequest, strict: boolean): Operation;
  override matchOperation(req: OpenApiRequest): Operation | undefined {
    const match = this.match(req.method.toLowerCase(), req.path.toLowerCase());
    return match.kind === 'operation' ? match.operation.raw : undefined;
  }

  /** `lowerPath` is the request path lower-cased, without query string or repeated slashes. */
  match(method: string, lowerPath: string): { kind: 'operation'; operation: ArmOperation } | { kind: 'method-not-allowed' } | { kind: 'none' } {
    let best: CompiledRoute | undefined;
    let pathMatched = false;
    for (const route of this.routes) {
      if (!route.regex.test(lowerPath)) continue;
      pathMatched = true;
      if (route.operation.method === method && (!best || route.specificity > best.specificity)) best = route;
    }
    if (best) return { kind: 'operation', operation: best.operation };
    return pathMatched ? { kind: 'method-not-allowed' } : { kind: 'none' };
  }
}

export class Definition {
  readonly operations: ArmOperation[] = [];
  private readonly api: OpenAPIBackend;
  private readonly router: CompiledRouter;

  constructor(readonly key: string, document: Schema) {
    this.api = new OpenAPIBackend({
      definition: document,
      quick: true, // the bundle was checked at build time; validators compile on first use
      validate: true,
      ajvOpts: { strict: false, allErrors: false },
      customizeAjv: (ajv) => addArmFormats(ajv as unknown as Ajv) as never,
    });
    // With quick: true and an in-memory document, init() completes synchronously.
    void this.api.init();
    this.router = new CompiledRouter({ definition: this.api.definition, apiRoot: '/' });
    for (const raw of this.api.router.getOperations()) {
      const operation = this.describe(raw);
      this.operations.push(operation);
      const segments = raw.path.split('/');
      const pattern = segments.map((s) => (s.startsWith('{') ? '[^/]+' : escapeRegex(s))).join('/');
      this.router.routes.push({
        regex: new RegExp(`^${pattern}$`),
        specificity: segments.filter((s) => !s.startsWith('{')).join('').length,
        operation,
      });
    }
    this.api.router = this.router;
  }

  match(method: string, lowerPath: string, originalSegments: string[]): RouteMatch {
    const m = this.router.match(method, lowerPath);
    if (m.kind !== 'operation') return m;
    const params: Record<string, string> = {};
    for (const [name, index] of m.operation.pathParams) params[name] = safeDecode(originalSegments[index]);
    return { kind: 'operation', operation: m.operation, params };
  }

  /** The operation bound to `routeKey` (see routeKeyOf) in this definition. */
  operationFor(routeKey: string): ArmOperation | undefined {
    return this.operations.find((o) => o.routeKey === routeKey);
  }

  /** Validates path, query and body; returns openapi-backend's (Ajv's) errors, or null. */
  validateRequest(operation: ArmOperation, params: Record<string, string>, query: Record<string, string>, body: unknown): ErrorObject[] | null {
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
    for (const p of op.parameters ?? []) if (p.in === 'query') queryNames.set(p.name.toLowerCase(), p.name);
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
      definition: this,
      raw,
    };
  }
}

function safeDecode(segment: string | undefined): string {
  if (segment === undefined) return '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
