/**
 * The contract between the ARM pipeline and resource-provider handlers. A handler receives a
 * routed, validated, authenticated request and returns canonical data; the pipeline renders
 * it through the operation's response schema for the requested api-version.
 */
import type { ArmOperation } from '../spec/definitions';
import { routeKeyOf } from '../spec/definitions';
import { ArmError } from './armErrors';
import type { Json } from '../../protocol/json';

export type PrincipalType = 'User' | 'Application' | 'ManagedIdentity' | 'Key';

/** Who is calling, from the bearer token's claims (empty when --auth off or the token says little). */
export interface Caller {
  /** What systemData records as createdBy/lastModifiedBy: a UPN, or an application/object id. */
  name?: string;
  type?: PrincipalType;
  tenantId?: string;
  objectId?: string;
  appId?: string;
}

export interface ArmRequest {
  method: string;
  /** The request path with empty segments removed, in the caller's casing. */
  path: string;
  segments: string[];
  /** Path parameters by the spec's names, URL-decoded, in the caller's casing. */
  params: Record<string, string>;
  /** Query parameters by the spec's names (matched case-insensitively). */
  query: Record<string, string>;
  apiVersion: string;
  namespace: string;
  /** The request body projected onto the request schema (read-only and unknown fields dropped). */
  body: Json;
  /** The body as sent (to tell what was dropped by the projection, e.g. read-only fields in a PATCH). */
  rawBody: unknown;
  operation: ArmOperation;
  caller: Caller;
  /** https://host:port the client reached us on; Location headers are absolute URLs under it. */
  baseUrl: string;
}

export interface ArmResponse {
  status: number;
  /** Canonical data, rendered through the response schema of `status` (or `schemaStatus`). */
  body?: unknown;
  headers?: Record<string, string>;
  schemaStatus?: string;
  /** Send `body` as it is: it is already in the shape of the requested api-version. */
  verbatim?: boolean;
  /**
   * Render through this operation's response schema instead of the matched one's: for routes
   * two operations share (`GET /{id}` is both RoleAssignments_GetById and
   * RoleDefinitions_GetById), which only the handler can tell apart.
   */
  renderAs?: string;
}

export type ArmHandler = (req: ArmRequest) => ArmResponse;

export class HandlerRegistry {
  private readonly handlers = new Map<string, ArmHandler>();

  /** `template` is a spec path; parameter names and literal casing do not matter. */
  on(method: string, template: string, handler: ArmHandler): void {
    const key = routeKeyOf(method, template);
    if (this.handlers.has(key)) throw new Error(`two handlers for ${key}`);
    this.handlers.set(key, handler);
  }

  /**
   * Binds an operation a served spec has but Arclight does not serve to a refusal that says
   * why (501 NotImplemented), so that every operation is a decision (test/architecture/handlerCoverage).
   */
  refuse(method: string, template: string, why: string): void {
    this.on(method, template, (req) => {
      throw new ArmError(501, 'NotImplemented', `Arclight does not serve ${req.operation.operationId}: ${why}`);
    });
  }

  get(routeKey: string): ArmHandler | undefined {
    return this.handlers.get(routeKey);
  }

  keys(): string[] {
    return [...this.handlers.keys()];
  }
}
