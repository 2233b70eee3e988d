/**
 * Microsoft.KubernetesConfiguration: extensions, fluxConfigurations and
 * sourceControlConfigurations on a cluster, the operations running on a cluster, private link
 * scopes in resource groups, and the provider's operation list.
 */
import type { ProviderContext } from '../context';
import { providerOperations } from '../../kit/operationsList';
import { listBody } from '../../kit/paging';
import { armKey } from '../../kit/resourceIds';
import { CLUSTER_PATH, ConfigurationType, configurationResourceType, NAMESPACE } from './configurationResources';
import { nestedOperationStatus, registerResourceType } from '../../kit/lifecycle';
import { resolveClusterParent } from './clusterParent';
import { extensions } from './extensions';
import { fluxConfigurations } from './fluxConfigurations';
import { sourceControlConfigurations } from './sourceControlConfigurations';
import { registerPrivateLinkScopes } from './privateLinkScopes';

export const CONFIGURATION_TYPES = [extensions, fluxConfigurations, sourceControlConfigurations];
const BY_TYPE = new Map(CONFIGURATION_TYPES.map((t) => [`${NAMESPACE}/${t.collection}`.toLowerCase(), t]));

/** The configuration type of a stored type (`microsoft.kubernetesconfiguration/extensions`), if it is one. */
export function configurationTypeOf(storedType: string): ConfigurationType | undefined {
  return BY_TYPE.get(storedType);
}

export function registerKubernetesConfigurationProvider(s: ProviderContext): void {
  for (const t of CONFIGURATION_TYPES) registerResourceType(s, configurationResourceType(t));
  registerPrivateLinkScopes(s);

  // OperationStatus_List: the operations still running on the cluster's configuration resources.
  s.handlers.on('GET', `${CLUSTER_PATH}/providers/${NAMESPACE}/operations`, (req) => {
    const parent = resolveClusterParent(s, req);
    const running = s.store.operations.pendingUnder(armKey(parent.id));
    return { status: 200, body: listBody(running.map((op) => nestedOperationStatus(op, op.resourceId!)), undefined) };
  });

  // Azure lists every operation of the provider, whatever the api-version (2026-06-15-preview
  // defines only this list), so the list comes from all of the provider's definitions.
  s.handlers.on('GET', `/providers/${NAMESPACE}/operations`, () => {
    const definitions = Object.keys(s.catalog.provider(NAMESPACE)!.definitions).map((v) => s.catalog.definition(NAMESPACE, v)!);
    return { status: 200, body: { value: providerOperations(definitions, NAMESPACE) } };
  });
}
