/**
 * What every resource type shares once its own rules have run: saving a canonical body under
 * its ARM id (keys, group, parent and listing flags derived from the id), loading it, listing
 * a page of a type, and the lifecycle completers long-running operations use.
 */
import type { KitContext } from './context';
import type { StoredResource, Page } from '../store/resources';
import type { Completion } from './asyncOperations';
import type { OperationRecord } from '../store/operations';
import { armKey } from './resourceIds';
import type { JsonObject } from '../../protocol/json';

export interface ResourceToSave {
  /** The ARM id in the casing to return. */
  id: string;
  /** Lower-cased full type, e.g. microsoft.kubernetes/connectedclusters. */
  type: string;
  /** The id of the resource this one is nested in (the group for top-level resources). */
  parentId: string;
  /** Tracked resources (with a location) appear in the generic /resources lists. */
  tracked: boolean;
  body: JsonObject;
}

export function saveResource(s: KitContext, r: ResourceToSave, previous?: StoredResource): StoredResource {
  const now = s.clock.nowMs();
  const group = /\/resourcegroups\/([^/]+)/i.exec(r.id)?.[1];
  const stored: StoredResource = {
    key: armKey(r.id),
    id: r.id,
    type: r.type,
    // Tenant-level ids (a tenant deployment's) have no subscription.
    subscriptionId: (/^\/subscriptions\/([^/]+)/i.exec(r.id)?.[1] ?? '').toLowerCase(),
    resourceGroup: group ? group.toLowerCase() : null,
    parentKey: armKey(r.parentId),
    tracked: r.tracked,
    body: r.body,
    etag: `"${now.toString(16)}-${Math.random().toString(16).slice(2, 10)}"`,
    createdAt: previous?.createdAt ?? now,
    updatedAt: now,
  };
  s.store.resources.put(stored);
  return stored;
}

export function loadResource(s: KitContext, id: string): StoredResource | undefined {
  return s.store.resources.get(armKey(id));
}

/** A page of `type` nested directly under `parentId`, or anywhere in a subscription. */
export function listOfType(s: KitContext, type: string, scope: { parentId: string } | { subscriptionId: string }, after: string, limit: number): Page {
  return 'parentId' in scope
    ? s.store.resources.children(armKey(scope.parentId), type, after, limit)
    : s.store.resources.inSubscription(scope.subscriptionId.toLowerCase(), type, after, limit);
}

/**
 * Deletes a resource with everything nested under it, their secrets, and the managed
 * identities they own (a connected cluster's identity can get no token once it is gone).
 */
export function deleteResourceTree(s: KitContext, key: string): void {
  const resource = s.store.resources.get(key);
  s.store.resources.deleteTree(key);
  s.store.secrets.deleteTree(key);
  s.store.principals.deleteUnder(key);
  if (resource) s.events.emit({ type: 'resource.deleted', resource });
}

const IN_PROGRESS = new Set(['Accepted', 'Creating', 'Updating', 'Provisioning', 'Running']);

/**
 * Completes a create or update: a resource still in progress reaches Succeeded, and whoever
 * acts on provisioned resources (the cluster's agents) hears of it, in the same transaction.
 */
export function provisioningCompleter(s: KitContext) {
  return (op: OperationRecord): Completion => {
    const current = op.resourceKey ? s.store.resources.get(op.resourceKey) : undefined;
    if (current && IN_PROGRESS.has(current.body.properties?.provisioningState)) {
      const provisioned = { ...current, body: { ...current.body, properties: { ...current.body.properties, provisioningState: 'Succeeded' } } };
      s.store.resources.put(provisioned);
      s.events.emit({ type: 'resource.provisioned', resource: provisioned });
    }
    return { status: 'Succeeded' };
  };
}

/** Completes a delete: the resource and everything under it go. */
export function deletionCompleter(s: KitContext) {
  return (op: OperationRecord): Completion => {
    if (op.resourceKey) deleteResourceTree(s, op.resourceKey);
    return { status: 'Succeeded' };
  };
}
