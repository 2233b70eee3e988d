/**
 * The operation resources a `providerHub` type's long-running operations point at, one pair
 * per provider namespace:
 *   operationStatuses/{id}  (Azure-AsyncOperation): always 200 with {id, name, resourceId, status,
 *                           startTime, endTime}, and Retry-After while it runs;
 *   operationResults/{id}   (Location): 202 while running, then 204 for a delete or 200 with the
 *                           resource, rendered in the api-version of the poll.
 */
import { ArmError } from './armErrors';
import type { KitContext } from './context';
import type { ArmRequest, ArmResponse } from './handlers';
import type { OperationRecord } from '../store/operations';
import { retryHeaders } from './asyncOperations';
import { routeKeyOf } from '../spec/definitions';
import { responseProjector } from './rendering';
import { loadResource } from './resources';
import { operationKind } from './lifecycle';
import type { ResourceType } from './resourceType';

export function registerProviderHubOperations<C extends KitContext>(ctx: C, namespace: string, types: ReadonlyArray<ResourceType<C>>): void {
  const base = `/providers/${namespace}/locations/{}/`;
  const typeOfKind = new Map(types.flatMap((t) => (['create', 'update', 'delete'] as const).map((verb) => [operationKind(t, verb), t] as const)));
  const find = (req: ArmRequest) => {
    const op = ctx.operations.get(req.params.operationId);
    const type = op && typeOfKind.get(op.kind);
    if (!op || !type) throw new ArmError(404, 'ResourceNotFound', `The operation '${req.params.operationId}' could not be found.`);
    return { op, type };
  };

  ctx.handlers.on('GET', `${base}operationStatuses/{}`, (req) => {
    const { op } = find(req);
    return {
      status: 200,
      // The SDKs pace their next poll by this response's Retry-After: without it Python's
      // azure-core waits 30 s and the JS poller its own interval.
      headers: op.status === 'InProgress' ? retryHeaders(ctx.operations.retryAfter(op)) : undefined,
      body: {
        id: `/providers/${namespace}/locations/${req.params.location}/operationStatuses/${op.id}`,
        name: op.id,
        resourceId: op.resourceId,
        status: op.status,
        startTime: new Date(op.startTime).toISOString(),
        endTime: op.endTime === null ? null : new Date(op.endTime).toISOString(),
        properties: null,
        ...(op.data.error ? { error: op.data.error } : {}),
      },
    };
  });

  ctx.handlers.on('GET', `${base}operationResults/{}`, (req) => {
    const { op, type } = find(req);
    return operationResult(ctx, req, op, type);
  });
}

/**
 * What an operation's `operationResults` URL answers: 202 while it runs, its error once it
 * failed, and then the resource (204 after a delete), rendered as the type's GET in the poll's
 * api-version, which may not be the write's.
 */
export function operationResult<C extends KitContext>(ctx: C, req: ArmRequest, op: OperationRecord, type: ResourceType<C>): ArmResponse {
  if (op.status === 'InProgress') {
    return { status: 202, headers: { Location: `${req.baseUrl}${req.path}?api-version=${req.apiVersion}`, ...retryHeaders(ctx.operations.retryAfter(op)) } };
  }
  if (op.status !== 'Succeeded') {
    const error = op.data.error ?? { code: 'OperationFailed', message: `The operation ended in state '${op.status}'.` };
    throw new ArmError(400, error.code, error.message);
  }
  const resource = op.kind === operationKind(type, 'delete') || !op.resourceId ? undefined : loadResource(ctx, op.resourceId);
  if (!resource) return { status: 204 };
  const schema = req.operation.definition.operationFor(routeKeyOf('GET', type.itemPath))?.responseSchemas['200'];
  const body = type.view ? type.view(resource, ctx, req.apiVersion) : resource.body;
  return { status: 200, body: responseProjector(schema)(body), verbatim: true };
}
