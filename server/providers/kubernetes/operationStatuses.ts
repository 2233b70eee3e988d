/**
 * The ProviderHub operation resources that connectedClusters' long-running operations point at:
 *   operationStatuses/{id}  (Azure-AsyncOperation): always 200 with {id, name, resourceId, status, startTime, endTime},
 *                           and Retry-After while it runs;
 *   operationResults/{id}   (Location): 202 while running, then 204 for a delete or 200 with the
 *                           resource, rendered in the api-version of the poll.
 */
import { ArmError } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { ArmRequest } from '../../kit/handlers';
import { retryHeaders } from '../../kit/asyncOperations';
import { routeKeyOf } from '../../spec/definitions';
import { responseProjector } from '../../kit/rendering';
import { loadResource } from '../../kit/resources';
import { CLUSTER_OPERATIONS, clusterView } from './connectedClusters';

const OPERATIONS = '/providers/Microsoft.Kubernetes/locations/{}/';
const CLUSTER_GET = routeKeyOf('GET', '/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Kubernetes/connectedClusters/{}');

export function registerOperationStatuses(s: ProviderContext): void {
  const find = (req: ArmRequest) => {
    const op = s.operations.get(req.params.operationId);
    if (!op || !Object.values(CLUSTER_OPERATIONS).includes(op.kind)) {
      throw new ArmError(404, 'ResourceNotFound', `The operation '${req.params.operationId}' could not be found.`);
    }
    return op;
  };

  s.handlers.on('GET', `${OPERATIONS}operationStatuses/{}`, (req) => {
    const op = find(req);
    return {
      status: 200,
      // The SDKs pace their next poll by this response's Retry-After: without it Python's
      // azure-core waits 30 s and the JS poller its own interval.
      headers: op.status === 'InProgress' ? retryHeaders(s.operations.retryAfter(op)) : undefined,
      body: {
        id: `/providers/Microsoft.Kubernetes/locations/${req.params.location}/operationStatuses/${op.id}`,
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

  s.handlers.on('GET', `${OPERATIONS}operationResults/{}`, (req) => {
    const op = find(req);
    if (op.status === 'InProgress') {
      return { status: 202, headers: { Location: `${req.baseUrl}${req.path}?api-version=${req.apiVersion}`, ...retryHeaders(s.operations.retryAfter(op)) } };
    }
    if (op.status !== 'Succeeded') {
      const error = op.data.error ?? { code: 'OperationFailed', message: `The operation ended in state '${op.status}'.` };
      throw new ArmError(400, error.code, error.message);
    }
    if (op.kind === CLUSTER_OPERATIONS.delete) return { status: 204 };
    const cluster = op.resourceId ? loadResource(s, op.resourceId) : undefined;
    if (!cluster) return { status: 204 };
    const schema = req.operation.definition.operationFor(CLUSTER_GET)?.responseSchemas['200'];
    return { status: 200, body: responseProjector(schema)(clusterView(s, cluster)), verbatim: true };
  });
}
