/** Microsoft.Kubernetes: connected clusters, their operations, and the provider's operation list. */
import type { ProviderContext } from '../context';
import { providerOperations } from '../../kit/operationsList';
import { registerConnectedClusters } from './connectedClusters';
import { registerOperationStatuses } from './operationStatuses';

export function registerKubernetesProvider(s: ProviderContext): void {
  registerConnectedClusters(s);
  registerOperationStatuses(s);
  s.handlers.on('GET', '/providers/Microsoft.Kubernetes/operations', (req) => ({
    status: 200,
    body: { value: providerOperations([req.operation.definition], 'Microsoft.Kubernetes') },
  }));
}
