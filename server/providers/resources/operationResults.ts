/**
 * `GET /subscriptions/{s}/operationresults/{id}`: the Location URL of ARM's own long-running
 * operations (resource-group deletion, deployment whatIf), and its tenant twin
 * `/providers/Microsoft.Resources/operationresults/{id}` for operations no subscription holds (a
 * whatIf at tenant scope). 202 with the same Location while running, then 200 with the
 * operation's result (a whatIf's changes) or no body, or the operation's error.
 */
import { ArmError } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { ArmRequest, ArmResponse } from '../../kit/handlers';
import { retryHeaders } from '../../kit/asyncOperations';

export function registerOperationResults(s: ProviderContext): void {
  // Tenant operations are held under no subscription (''), as the tenant's deployments are.
  const answer = (req: ArmRequest, subscriptionId: string): ArmResponse => {
    const op = s.operations.get(req.params.operationId);
    if (!op || op.subscriptionId !== subscriptionId) {
      throw new ArmError(404, 'OperationNotFound', `The operation '${req.params.operationId}' could not be found.`);
    }
    if (op.status === 'InProgress') {
      return { status: 202, headers: { Location: `${req.baseUrl}${req.path}?api-version=${req.apiVersion}`, ...retryHeaders(s.operations.retryAfter(op)) } };
    }
    // Verbatim: a whatIf result's before/after hold any JSON value.
    if (op.status === 'Succeeded') return op.data.result ? { status: 200, body: op.data.result, verbatim: true } : { status: 200 };
    const error = op.data.error ?? { code: 'OperationFailed', message: `The operation ended in state '${op.status}'.` };
    throw new ArmError(409, error.code, error.message, { details: error.details });
  };
  s.handlers.on('GET', '/subscriptions/{subscriptionId}/operationresults/{operationId}', (req) => answer(req, req.params.subscriptionId.toLowerCase()));
  s.handlers.on('GET', '/providers/Microsoft.Resources/operationresults/{operationId}', (req) => answer(req, ''));
}
