/** Microsoft.Resources: the parts of ARM itself that clients call. */
import type { Services } from '../../services';
import { registerGenericResources } from './genericResources';
import { registerOperationResults } from './operationResults';
import { registerProviders } from './providers';
import { registerResourceGroups } from './resourceGroups';
import { registerSubscriptions } from './subscriptions';

export function registerResourcesProvider(s: Services): void {
  registerSubscriptions(s);
  registerResourceGroups(s);
  registerProviders(s);
  registerGenericResources(s);
  registerOperationResults(s);
}
