/**
 * ARM ids and request paths: case-insensitive keys, which provider a path belongs to, which
 * resource type it addresses, and canonical ids built from a spec template.
 */

/** The store key of an ARM id: lower-cased, no trailing slash. */
export function armKey(id: string): string {
  return id.toLowerCase().replace(/\/+$/, '');
}

/**
 * Splits a request path into segments, dropping empty ones: ARM tolerates `//` (the Azure CLI
 * sends it for `az resource show -g G -n N` with an empty parent path) and trailing slashes.
 */
export function pathSegments(path: string): string[] {
  return path.split('/').filter((s) => s.length > 0);
}

export const ARM_NAMESPACE = 'Microsoft.Resources';

/**
 * The provider namespace a request is for: the last `providers/{namespace}` pair with
 * something after it. Paths without one, and the provider registration paths themselves
 * (`/subscriptions/{id}/providers/{ns}[/register|/unregister]`, `/providers/{ns}`), are ARM's own.
 */
export function namespaceOf(segments: readonly string[]): string {
  for (let i = segments.length - 2; i >= 0; i--) {
    if (segments[i].toLowerCase() !== 'providers') continue;
    const rest = segments.length - (i + 2);
    if (rest === 0) return ARM_NAMESPACE;
    if (rest === 1 && /^(un)?register$/i.test(segments[i + 2]) && i <= 2) return ARM_NAMESPACE;
    return segments[i + 1];
  }
  return ARM_NAMESPACE;
}

/**
 * The resource type a path addresses, as provider documents name it: the segments after the
 * last `/providers/{namespace}/` pair up as type/name, so `.../extensions/{e}/operations/{id}`
 * is `extensions/operations`. A trailing unpaired segment is a collection (GET) or, for POST,
 * an action on the item before it, which is not a type of its own.
 */
export function resourceTypeOf(segments: readonly string[], namespaceLower: string, method: string): string | undefined {
  let at = -1;
  for (let i = 0; i < segments.length - 1; i++) {
    if (segments[i].toLowerCase() === 'providers' && segments[i + 1].toLowerCase() === namespaceLower) at = i + 2;
  }
  if (at < 0 || at >= segments.length) return undefined;
  const parts: string[] = [];
  for (let i = at; i < segments.length; i += 2) {
    if (segments[i].startsWith('{')) return undefined;
    const isTrailingAction = i === segments.length - 1 && i > at && method.toLowerCase() === 'post';
    if (!isTrailingAction) parts.push(segments[i]);
  }
  return parts.join('/');
}

/** Literal segments ARM spells in one canonical way in ids, whatever the spec or client wrote. */
const CANONICAL_LITERALS: Record<string, string> = { resourcegroups: 'resourceGroups', subscriptions: 'subscriptions', providers: 'providers' };

/**
 * The id of the resource a spec template addresses, with the caller's values: e.g.
 * `/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/providers/Microsoft.Kubernetes/connectedClusters/{clusterName}`.
 */
export function idFromTemplate(template: string, params: Record<string, string>): string {
  return template
    .split('/')
    .map((seg) => (seg.startsWith('{') ? params[seg.slice(1, -1)] ?? '' : CANONICAL_LITERALS[seg.toLowerCase()] ?? seg))
    .join('/');
}

/** `/subscriptions/{s}/resourceGroups/{g}` in canonical casing. */
export function resourceGroupId(subscriptionId: string, group: string): string {
  return `/subscriptions/${subscriptionId}/resourceGroups/${group}`;
}

export function subscriptionKey(subscriptionId: string): string {
  return `/subscriptions/${subscriptionId.toLowerCase()}`;
}

/**
 * The ids of the resources a request path lies inside, below its resource group: for
 * `.../providers/Microsoft.Kubernetes/connectedClusters/c/providers/Microsoft.KubernetesConfiguration/extensions/e`
 * that is the cluster. The addressed resource itself (also when an action follows it) is not one.
 */
export function ancestorIds(segments: readonly string[]): string[] {
  if (segments.length < 6 || segments[0].toLowerCase() !== 'subscriptions' || segments[2].toLowerCase() !== 'resourcegroups') return [];
  const decoded = segments.map((s) => decodeURIComponent(s));
  const ends: number[] = [];
  for (let i = 4; i + 1 < decoded.length;) {
    if (decoded[i].toLowerCase() === 'providers') {
      i += 2;
    } else {
      ends.push(i + 2);
      i += 2;
    }
  }
  ends.pop();
  return ends.map((end) => `/${decoded.slice(0, end).join('/')}`);
}
