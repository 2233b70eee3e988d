/**
 * Scopes: the ARM id a role assignment or a data collection rule association is attached to
 * (`/{scope}/providers/...`, the spec's x-ms-skip-url-encoding parameter). A scope is a
 * subscription, a resource group or a resource of a subscription, and must exist, as ARM
 * checks; the id comes back in canonical casing (the stored resource's, for a resource). Role
 * assignments and definitions also take the tenant root `/`.
 */
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import { loadResource } from '../../kit/resources';
import { resourceGroupId } from '../../kit/resourceIds';

/** The tenant root `/`, where only role assignments and role definitions are read and written. */
export const TENANT_ROOT = '/';

export function resolveScope(s: ProviderContext, scope: string, options: { root?: boolean } = {}): string {
  const segments = scope.split('/').filter(Boolean);
  if (segments.length === 0 && options.root) return TENANT_ROOT;
  // Arclight has no management groups: ARM answers an assignment there as for an unknown group
  // (the answer deployments at that scope give), never storing it.
  const mg = /^providers\/Microsoft\.Management\/managementGroups\/([^/]+)/i.exec(segments.join('/'));
  if (mg) throw new ArmError(404, 'ManagementGroupNotFound', `The management group '${mg[1]}' cannot be found.`);
  if (segments.length < 2 || segments[0].toLowerCase() !== 'subscriptions' || segments.length === 3) {
    throw new ArmError(400, 'InvalidScope', `The scope '/${segments.join('/')}' is not valid: Arclight serves scopes of a subscription, a resource group or a resource.`);
  }
  const subscription = s.store.directory.subscription(segments[1]);
  if (!subscription) throw armErrors.subscriptionNotFound(segments[1]);
  if (segments.length === 2) return `/subscriptions/${subscription.subscriptionId}`;
  if (segments[2].toLowerCase() !== 'resourcegroups') {
    throw new ArmError(400, 'InvalidScope', `The scope '/${segments.join('/')}' is not valid: Arclight serves scopes of a subscription, a resource group or a resource.`);
  }
  const groupId = resourceGroupId(subscription.subscriptionId, segments[3]);
  const group = loadResource(s, groupId);
  if (!group) throw armErrors.resourceGroupNotFound(segments[3]);
  if (segments.length === 4) return group.id;
  const id = `${group.id}/${segments.slice(4).join('/')}`;
  const found = loadResource(s, id);
  if (!found || segments[4].toLowerCase() !== 'providers' || segments.length % 2 !== 0) {
    throw armErrors.resourceNotFound(segments.slice(5).join('/'), segments[3]);
  }
  return found.id;
}
