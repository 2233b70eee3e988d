/**
 * The four places a Microsoft.Resources/deployments resource lives (README "Template deployments"):
 * a resource group, a subscription, a management group and the tenant. Each has its own routes
 * (the spec's paths) and its own rules on `location` and `mode`; everything else a deployment
 * does is the same at every scope. Pure: no store, no HTTP.
 */
import { ArmError } from '../../kit/armErrors';

export type ScopeKind = 'resourceGroup' | 'subscription' | 'managementGroup' | 'tenant';

/** Where one deployment lives. */
export interface DeploymentAt {
  kind: ScopeKind;
  /** The scope's ARM id ('' for the tenant). */
  id: string;
  subscriptionId?: string;
  resourceGroupName?: string;
  managementGroupId?: string;
}

export interface ScopeRoutes {
  kind: ScopeKind;
  /** The deployment item's route. */
  item: string;
  /** The deployments list. */
  list: string;
  /** The deployment operations list (its own route at resource group scope, as the spec has it). */
  operations: string;
}

const DEPLOYMENTS = 'providers/Microsoft.Resources/deployments';
const G = '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}';
const S = '/subscriptions/{subscriptionId}';
const M = '/providers/Microsoft.Management/managementGroups/{groupId}';

function routes(kind: ScopeKind, prefix: string): ScopeRoutes {
  const item = `${prefix}/${DEPLOYMENTS}/{deploymentName}`;
  return {
    kind,
    item,
    list: `${prefix}/${DEPLOYMENTS}`,
    operations: kind === 'resourceGroup' ? `${G}/deployments/{deploymentName}/operations` : `${item}/operations`,
  };
}

export const SCOPE_ROUTES: readonly ScopeRoutes[] = [
  routes('resourceGroup', G),
  routes('subscription', S),
  routes('managementGroup', M),
  routes('tenant', ''),
];

/** The scope a routed request names. */
export function scopeOfParams(kind: ScopeKind, params: Record<string, string>): DeploymentAt {
  switch (kind) {
    case 'resourceGroup':
      return { kind, id: `/subscriptions/${params.subscriptionId}/resourceGroups/${params.resourceGroupName}`, subscriptionId: params.subscriptionId, resourceGroupName: params.resourceGroupName };
    case 'subscription':
      return { kind, id: `/subscriptions/${params.subscriptionId}`, subscriptionId: params.subscriptionId };
    case 'managementGroup':
      return { kind, id: `/providers/Microsoft.Management/managementGroups/${params.groupId}`, managementGroupId: params.groupId };
    case 'tenant':
      return { kind, id: '' };
  }
}

/** The scope of a deployment's own id (a nested deployment's, as the template computed it). */
export function scopeOfDeploymentId(id: string): DeploymentAt {
  const at = id.toLowerCase().lastIndexOf(`/${DEPLOYMENTS.toLowerCase()}/`);
  const scopeId = at < 0 ? '' : id.slice(0, at);
  const rg = /^\/subscriptions\/([^/]+)\/resourcegroups\/([^/]+)$/i.exec(scopeId);
  if (rg) return scopeOfParams('resourceGroup', { subscriptionId: rg[1], resourceGroupName: rg[2] });
  const sub = /^\/subscriptions\/([^/]+)$/i.exec(scopeId);
  if (sub) return scopeOfParams('subscription', { subscriptionId: sub[1] });
  const mg = /^\/providers\/Microsoft\.Management\/managementGroups\/([^/]+)$/i.exec(scopeId);
  if (mg) return scopeOfParams('managementGroup', { groupId: mg[1] });
  return { kind: 'tenant', id: '' };
}

export function deploymentIdAt(at: DeploymentAt, name: string): string {
  return `${at.id}/${DEPLOYMENTS}/${name}`;
}

/**
 * Azure's rules on a deployment's `location` and `mode` by scope: a resource group deployment
 * takes the group's location and refuses one of its own; the others must name one; Complete
 * mode is for resource groups only. The messages are Azure's.
 */
export function checkScopeRules(at: DeploymentAt, name: string, location: unknown, mode: string): void {
  if (at.kind === 'resourceGroup') {
    if (location !== undefined && location !== null) {
      throw new ArmError(400, 'InvalidDeployment', `The 'location' property is not allowed for '${name}' at resource group scope. Please see https://aka.ms/arm-deployment-subscription for usage details.`);
    }
    return;
  }
  if (typeof location !== 'string' || !location) {
    throw new ArmError(400, 'InvalidDeployment', `The 'location' property must be specified for '${name}'. Please see https://aka.ms/arm-deployment-subscription for usage details.`);
  }
  if (mode.toLowerCase() === 'complete') {
    throw new ArmError(400, 'InvalidDeployment', `Specified deployment mode '${mode}' is not supported for deployment at the current scope. Please see https://aka.ms/deployment-modes for usage details.`);
  }
}

/**
 * Arclight has no management groups: every management group is unknown, and ARM answers a
 * deployment there as it answers for a management group that does not exist.
 */
export function managementGroupNotFound(groupId: string): ArmError {
  return new ArmError(404, 'ManagementGroupNotFound', `The management group '${groupId}' cannot be found.`);
}
