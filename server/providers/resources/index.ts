/** Microsoft.Resources: the parts of ARM itself that clients call. */
import type { ProviderContext } from '../context';
import { registerGenericResources } from './genericResources';
import { registerOperationResults } from './operationResults';
import { registerProviders } from './providers';
import { registerResourceGroups } from './resourceGroups';
import { registerSubscriptions } from './subscriptions';
import { registerTemplateSpecs } from './templateSpecs';

export function registerResourcesProvider(s: ProviderContext): void {
  registerSubscriptions(s);
  registerResourceGroups(s);
  registerProviders(s);
  registerGenericResources(s);
  registerOperationResults(s);
  registerTemplateSpecs(s);
}
