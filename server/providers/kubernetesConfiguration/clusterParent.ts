/**
 * The cluster a Microsoft.KubernetesConfiguration resource lives on:
 * `.../providers/{clusterRp}/{clusterResourceName}/{clusterName}`. The spec leaves the pair
 * free; Azure accepts four, and the parent must exist.
 */
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { ArmRequest } from '../../kit/handlers';
import type { StoredResource } from '../../store/resources';
import { loadResource } from '../../kit/resources';
import { resourceGroupId } from '../../kit/resourceIds';
import { STAND_IN_PARENT_TYPES } from '../parentClusters';

export const PARENT_TYPES = ['Microsoft.Kubernetes/connectedClusters', ...STAND_IN_PARENT_TYPES];
const BY_LOWER = new Map(PARENT_TYPES.map((t) => [t.toLowerCase(), t]));

export interface ClusterParent {
  /** The parent's ARM id, with canonical provider and type names and the caller's resource names. */
  id: string;
  stored: StoredResource;
}

export function resolveClusterParent(s: ProviderContext, req: ArmRequest): ClusterParent {
  const { subscriptionId, resourceGroupName, clusterRp, clusterResourceName, clusterName } = req.params;
  const type = BY_LOWER.get(`${clusterRp}/${clusterResourceName}`.toLowerCase());
  if (!type) {
    throw new ArmError(400, 'InvalidParameter',
      `The cluster type '${clusterRp}/${clusterResourceName}' is not supported. The supported clusterRp/clusterResourceName pairs are ${PARENT_TYPES.map((t) => `'${t}'`).join(', ')}.`,
      { target: 'clusterResourceName' });
  }
  const id = `${resourceGroupId(subscriptionId, resourceGroupName)}/providers/${type}/${clusterName}`;
  const stored = loadResource(s, id);
  if (!stored) throw armErrors.parentResourceNotFound(clusterName);
  return { id, stored };
}
