/**
 * The operation resources a `subscriptionLocations` type's long-running operations point at
 * (see operationStyles.ts), one pair per provider namespace, under the subscription:
 *   /subscriptions/{s}/providers/{namespace}/locations/{l}/operationsStatus/{id}
 *       (Azure-AsyncOperation): always 200 with {id, name, resourceId, status, startTime,
 *       endTime, error}, and Retry-After while it runs;
 *   /subscriptions/{s}/providers/{namespace}/locations/{l}/operationResults/{id}
 *       (Location): 202 while running, then 204 for a delete or 200 with the resource,
 *       rendered in the api-version of the poll.
 * An operation of another subscription is not found, whatever its id.
 */
import { ArmError } from './armErrors';
import type { KitContext } from './context';
import type { ArmRequest } from './handlers';
import { retryHeaders } from './asyncOperations';
import type { ResourceType } from './resourceType';
import { operationResult } from './providerHubOperations';
import { operationKind } from './lifecycle';

export function registerSubscriptionLocationOperations<C extends KitContext>(ctx: C, namespace: string, types: ReadonlyArray<ResourceType<C>>): void {
  const base = `/subscriptions/{}/providers/${namespace}/locations/{}/`;
  const typeOfKind = new Map(types.flatMap((t) => (['create', 'update', 'delete'] as const).map((verb) => [operationKind(t, verb), t] as const)));
  const find = (req: ArmRequest) => {
    const op = ctx.operations.get(req.params.operationId);
    const type = op && typeOfKind.get(op.kind);
    if (!op || !type || op.subscriptionId !== req.params.subscriptionId.toLowerCase()) {
      throw new ArmError(404, 'ResourceNotFound', `The operation '${req.params.operationId}' could not be found.`);
    }
    return { op, type };
  };

  ctx.handlers.on('GET', `${base}operationsStatus/{}`, (req) => {
    const { op } = find(req);
    return {
      status: 200,
      // The SDKs pace their next poll by this response's Retry-After (see asyncOperations.ts).
      headers: op.status === 'InProgress' ? retryHeaders(ctx.operations.retryAfter(op)) : undefined,
      body: {
        id: `/subscriptions/${req.params.subscriptionId}/providers/${namespace}/locations/${req.params.location}/operationsStatus/${op.id}`,
        name: op.id,
        resourceId: op.resourceId,
        status: op.status,
        startTime: new Date(op.startTime).toISOString(),
        endTime: op.endTime === null ? null : new Date(op.endTime).toISOString(),
        ...(op.data.error ? { error: op.data.error } : {}),
      },
    };
  });

  ctx.handlers.on('GET', `${base}operationResults/{}`, (req) => {
    const { op, type } = find(req);
    return operationResult(ctx, req, op, type);
  });
}
