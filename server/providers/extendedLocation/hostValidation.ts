/**
 * What a custom location must name, checked as Azure's Custom Locations resource provider
 * checks it before it binds a namespace of a cluster (see README "Custom locations"):
 *
 * - `hostResourceId`: a well-formed ARM id of a resource that exists; for host type
 *   `Kubernetes`, a connected cluster or one of the other cluster types cluster extensions live
 *   on (AKS managed clusters, as the spec examples use, AKS hybrid provisioned clusters, Arc
 *   resource bridge appliances);
 * - `clusterExtensionIds`: at least one for `Kubernetes`, each an extension on that host that
 *   exists and has not failed (Azure's FailedToLoadClusterExtensionConfig);
 * - `namespace`: required for `Kubernetes`, a Kubernetes namespace name (RFC 1123 label), bound
 *   to one custom location only (a custom location maps one-to-one to a namespace).
 *
 * `EdgeCluster` hosts (2024-09-15-preview) need only an existing host resource; a namespace and
 * extensions, when given, are checked the same way.
 */
import { ArmError } from '../../kit/armErrors';
import type { KitContext } from '../../kit/context';
import { loadResource } from '../../kit/resources';
import { armKey } from '../../kit/resourceIds';
import type { StoredResource } from '../../store/resources';
import type { Props } from '../../kit/resourceType';
import { PARENT_TYPES } from '../kubernetesConfiguration/clusterParent';

export const CUSTOM_LOCATION_TYPE = 'Microsoft.ExtendedLocation/customLocations';
export const HOST_TYPES = ['Kubernetes', 'EdgeCluster'] as const;
const KUBERNETES_HOSTS = new Set(PARENT_TYPES.map((t) => t.toLowerCase()));
const EXTENSIONS = 'microsoft.kubernetesconfiguration/extensions';
/** RFC 1123 label: what Kubernetes accepts as a namespace name. */
const NAMESPACE_RULE = /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/;

export const invalidParameter = (message: string, target: string) => new ArmError(400, 'InvalidParameter', message, { target });

/** ARM's answer to a property that should hold a resource id and does not. */
export const linkedInvalidPropertyId = (value: unknown, path: string) =>
  new ArmError(400, 'LinkedInvalidPropertyId',
    `Property id '${String(value)}' at path '${path}' is invalid. Expect fully qualified resource Id that start with '/subscriptions/{subscriptionId}' or '/providers/{resourceProviderNamespace}/'.`,
    { target: path });

/** ARM's "not found" for a resource a body names (not the one the request addresses). */
export const linkedNotFound = (typeAndName: string, group: string) =>
  new ArmError(404, 'ResourceNotFound',
    `The Resource '${typeAndName}' under resource group '${group}' was not found. For more details please go to https://aka.ms/ARMResourceNotFoundFix`);

export interface ParsedId {
  subscriptionId: string;
  resourceGroup: string;
  /** `Microsoft.Kubernetes/connectedClusters`, as the id spells it. */
  type: string;
  name: string;
}

/**
 * `/subscriptions/{s}/resourceGroups/{g}/providers/{namespace}/{type}/{name}` (one level; the
 * literals matched case-insensitively), or undefined.
 */
export function parseTopLevelId(value: unknown): ParsedId | undefined {
  if (typeof value !== 'string') return undefined;
  const s = value.split('/');
  if (s.length !== 9 || s[0] !== '' || s.some((x, i) => i > 0 && x === '')) return undefined;
  if (s[1].toLowerCase() !== 'subscriptions' || s[3].toLowerCase() !== 'resourcegroups' || s[5].toLowerCase() !== 'providers') return undefined;
  return { subscriptionId: s[2], resourceGroup: s[4], type: `${s[6]}/${s[7]}`, name: s[8] };
}

const canonicalHostType = (v: unknown): string | undefined =>
  HOST_TYPES.find((t) => typeof v === 'string' && t.toLowerCase() === v.toLowerCase());

function loadHost(ctx: KitContext, p: Props, hostType: string): StoredResource {
  const hostId = p.hostResourceId;
  if (hostId === undefined || hostId === null || hostId === '') {
    throw invalidParameter("The property 'properties.hostResourceId' is required: the Azure Resource Manager id of the cluster the custom location is on.", 'properties.hostResourceId');
  }
  const parsed = parseTopLevelId(hostId);
  if (!parsed) throw linkedInvalidPropertyId(hostId, 'properties.hostResourceId');
  if (hostType === 'Kubernetes' && !KUBERNETES_HOSTS.has(parsed.type.toLowerCase())) {
    throw invalidParameter(
      `The host resource '${hostId}' is of type '${parsed.type}', which cannot host a custom location of host type 'Kubernetes'. The supported host resource types are ${PARENT_TYPES.map((t) => `'${t}'`).join(', ')}.`,
      'properties.hostResourceId');
  }
  const host = loadResource(ctx, hostId);
  if (!host) throw linkedNotFound(`${parsed.type}/${parsed.name}`, parsed.resourceGroup);
  return host;
}

/** Combined, in the form Azure reports extension problems of a custom location. */
function extensionConfigErrors(errors: Array<{ id: string; reason: string }>): ArmError {
  return new ArmError(400, 'FailedToLoadClusterExtensionConfig',
    `Combined Getting Extension Config Errors: ,\n${errors.map((e) => ` Error for extension ID ${e.id} : ${e.reason}`).join('\n')}`,
    { target: 'properties.clusterExtensionIds' });
}

function checkExtensions(ctx: KitContext, p: Props, host: StoredResource, required: boolean): void {
  const ids: unknown[] = Array.isArray(p.clusterExtensionIds) ? p.clusterExtensionIds : [];
  if (required && ids.length === 0) {
    throw invalidParameter("The property 'properties.clusterExtensionIds' needs at least one cluster extension id: the extensions installed on the host cluster whose resource types the custom location offers.", 'properties.clusterExtensionIds');
  }
  const errors: Array<{ id: string; reason: string }> = [];
  ids.forEach((id, index) => {
    if (typeof id !== 'string' || !/^\/subscriptions\//i.test(id)) throw linkedInvalidPropertyId(id, `properties.clusterExtensionIds[${index}]`);
    const key = armKey(id);
    const prefix = `${host.key}/providers/microsoft.kubernetesconfiguration/extensions/`;
    if (!key.startsWith(prefix) || key.slice(prefix.length).includes('/') || key.length === prefix.length) {
      errors.push({ id, reason: `The cluster extension is not an extension of the host resource '${host.id}'.` });
      return;
    }
    const extension = ctx.store.resources.get(key);
    if (!extension || extension.type !== EXTENSIONS) {
      errors.push({ id, reason: 'Cluster Extension not found.' });
      return;
    }
    const state = extension.body.properties?.provisioningState;
    if (state === 'Failed' || state === 'Deleting') errors.push({ id, reason: `Invalid InstallState of Cluster Extension. InstallState is : ${state}` });
  });
  if (errors.length) throw extensionConfigErrors(errors);
}

/** Another custom location of the same subscription bound to this host's namespace, if any. */
function namespaceHolder(ctx: KitContext, self: string, hostKey: string, namespace: string): StoredResource | undefined {
  const subscriptionId = self.split('/')[2].toLowerCase();
  const type = CUSTOM_LOCATION_TYPE.toLowerCase();
  let after = '';
  for (;;) {
    const page = ctx.store.resources.inSubscription(subscriptionId, type, after, 200);
    const found = page.items.find((r) => r.key !== armKey(self)
      && armKey(String(r.body.properties?.hostResourceId ?? '')) === hostKey
      && String(r.body.properties?.namespace ?? '').toLowerCase() === namespace.toLowerCase());
    if (found) return found;
    if (page.continueAfter === undefined) return undefined;
    after = page.continueAfter;
  }
}

function checkNamespace(ctx: KitContext, p: Props, id: string, host: StoredResource, required: boolean): void {
  const namespace = p.namespace;
  if (namespace === undefined || namespace === null || namespace === '') {
    if (!required) return;
    throw invalidParameter("The property 'properties.namespace' is required: the Kubernetes namespace of the host cluster the custom location maps to.", 'properties.namespace');
  }
  if (typeof namespace !== 'string' || !NAMESPACE_RULE.test(namespace)) {
    throw invalidParameter(
      `The namespace '${String(namespace)}' is not a valid Kubernetes namespace name: at most 63 characters, lower-case letters, digits and '-', starting and ending with a letter or digit.`,
      'properties.namespace');
  }
  const holder = namespaceHolder(ctx, id, host.key, namespace);
  if (holder) {
    throw new ArmError(409, 'Conflict',
      `The namespace '${namespace}' of the host resource '${host.id}' is already bound to the custom location '${holder.id}'. A namespace maps to one custom location only.`,
      { target: 'properties.namespace' });
  }
}

/** The host resource a custom location's properties name, checked; `hostType` filled with its canonical value. */
export function validateCustomLocation(ctx: KitContext, p: Props, id: string): Props {
  const hostType = canonicalHostType(p.hostType ?? 'Kubernetes');
  if (!hostType) {
    throw invalidParameter(`The host type '${String(p.hostType)}' is not supported. The supported host types are ${HOST_TYPES.map((t) => `'${t}'`).join(', ')}.`, 'properties.hostType');
  }
  const host = loadHost(ctx, p, hostType);
  checkExtensions(ctx, p, host, hostType === 'Kubernetes');
  checkNamespace(ctx, p, id, host, hostType === 'Kubernetes');
  return Object.assign({}, p, { hostType });
}

/** The stored host of a custom location, if it still exists. */
export function hostOf(ctx: KitContext, customLocation: StoredResource): StoredResource | undefined {
  const hostId = customLocation.body.properties?.hostResourceId;
  return typeof hostId === 'string' && parseTopLevelId(hostId) ? loadResource(ctx, hostId) : undefined;
}
