/** Microsoft.Kubernetes: connected clusters, their operations, and the provider's operation list. */
import type { ProviderContext } from '../context';
import { providerOperations } from '../../kit/operationsList';
import { registerProviderHubOperations } from '../../kit/providerHubOperations';
import { registerConnectedClusters } from './connectedClusters';

export const NAMESPACE = 'Microsoft.Kubernetes';

export function registerKubernetesProvider(s: ProviderContext): void {
  registerProviderHubOperations(s, NAMESPACE, [registerConnectedClusters(s)]);
  s.handlers.on('GET', `/providers/${NAMESPACE}/operations`, (req) => ({
    status: 200,
    body: { value: providerOperations([req.operation.definition], NAMESPACE) },
  }));
}
