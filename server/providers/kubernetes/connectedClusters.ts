/**
 * Microsoft.Kubernetes/connectedClusters: the rules of one resource type, in every served
 * api-version (the pipeline renders each response for the requested version).
 *
 * - PUT: 201 (200 on re-PUT), provisioningState Accepted, identity filled, connectivity
 *   Connecting, an Azure-AsyncOperation to the ProviderHub operation status.
 * - PATCH: tags replace, properties merge; synchronous, or a Location LRO where the version's
 *   spec says so (2026-05-01).
 * - DELETE: 202 with Location and Azure-AsyncOperation; 204 when absent; the cluster and every
 *   Microsoft.KubernetesConfiguration resource under it go when the operation completes.
 * - Agent-reported fields stay empty until an agent reports; connectivity is derived at read time.
 */
import { randomUUID } from 'crypto';
import { isDeepStrictEqual } from 'util';
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { ArmRequest, ArmResponse } from '../../kit/handlers';
import type { StoredResource } from '../../store/resources';
import { carryOverUndeclared } from '../../kit/rendering';
import { systemDataFor } from '../../kit/systemData';
import { validateTags } from '../../kit/tags';
import { deletionCompleter, listOfType, loadResource, provisioningCompleter, saveResource } from '../../kit/resources';
import { filteredPage, listBody, nextLink, pageRequest } from '../../kit/paging';
import { resourceGroupId } from '../../kit/resourceIds';
import { retryHeaders } from '../../kit/asyncOperations';
import { mergePatch, refuseUnpatchable } from '../../kit/patch';
import { mayOmitKey, requireAgentPublicKey, sameKey } from './agentKey';
import { connectivityStatus } from './connectivity';
import { clusterUserCredentials } from './clusterCredentials';

export const CLUSTER_TYPE = 'microsoft.kubernetes/connectedclusters';
const TYPE_NAME = 'Microsoft.Kubernetes/connectedClusters';
const ITEM = '/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Kubernetes/connectedClusters/{}';

export const CLUSTER_OPERATIONS = { create: 'connectedClusters/create', update: 'connectedClusters/update', delete: 'connectedClusters/delete' };

/** Properties only the service (or the cluster's agents) sets; values clients send are ignored. */
const SERVICE_SET = [
  'provisioningState', 'connectivityStatus', 'kubernetesVersion', 'totalNodeCount', 'totalCoreCount', 'agentVersion', 'offering',
  'managedIdentityCertificateExpirationTime', 'lastConnectivityTime', 'miscellaneousProperties', 'inboundConnectivityState',
];
/** Values Azure fills in when the request leaves them out (rendered only where a version has them). */
const SERVICE_DEFAULTS = { privateLinkState: 'Disabled', azureHybridBenefit: 'NotApplicable', arcAgentProfile: { agentAutoUpgrade: 'Enabled' } };

/** 1-63 letters, digits, '-' and '_', starting and ending with a letter or digit (Azure's rule for Kubernetes cluster names). */
const NAME_RULE = /^[A-Za-z0-9](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9])?$/;

export function clusterId(subscriptionId: string, group: string, name: string): string {
  return `${resourceGroupId(subscriptionId, group)}/providers/${TYPE_NAME}/${name}`;
}

/**
 * The stored cluster as every read sees it: connectivity derived from the clock, with what
 * simulated agents of an online cluster have reported until now (heartbeats, renewals). Inbound
 * connectivity (Azure Relay and the Kubernetes API, 2026-02-01-preview) is Unknown, as the
 * examples show it for new clusters, until something reports it: Relay is not emulated.
 * Copies are made with Object.assign: on Node 20, adding a key to an object built by a spread
 * makes V8 create a new hidden class every time, and this runs for every cluster of every list page.
 */
export function clusterView(s: ProviderContext, stored: StoredResource): Record<string, any> { // eslint-disable-line @typescript-eslint/no-explicit-any
  const p = stored.body.properties ?? {};
  const live = s.liveAgents.current(stored.body);
  const facts = Object.assign({ kind: stored.body.kind, lastConnectivityTime: p.lastConnectivityTime, managedIdentityCertificateExpirationTime: p.managedIdentityCertificateExpirationTime }, live);
  const properties = Object.assign({}, p, live, {
    connectivityStatus: connectivityStatus(facts, s.clock.nowMs(), s.config.offlineAfter),
    inboundConnectivityState: p.inboundConnectivityState ?? 'Unknown',
  });
  return Object.assign({}, stored.body, { properties });
}

function validateName(name: string): void {
  if (!NAME_RULE.test(name)) {
    throw new ArmError(400, 'InvalidResourceName',
      `The resource name '${name}' is invalid. Connected cluster names must be 1-63 characters long, contain only letters, digits, '-' and '_', and start and end with a letter or digit.`);
  }
}

/** arcAgentryConfigurations[].protectedSettings are write-only: kept apart, never rendered. */
function splitProtectedSettings(properties: Record<string, any>): { properties: Record<string, any>; secrets?: Record<string, unknown> } { // eslint-disable-line @typescript-eslint/no-explicit-any
  const configs = properties.arcAgentryConfigurations;
  if (!Array.isArray(configs) || !configs.some((c) => c?.protectedSettings)) return { properties };
  const secrets: Record<string, unknown> = {};
  const cleaned = configs.map((c) => {
    if (!c?.protectedSettings) return c;
    const { protectedSettings, ...rest } = c;
    secrets[String(c.feature ?? '')] = protectedSettings;
    return rest;
  });
  return { properties: { ...properties, arcAgentryConfigurations: cleaned }, secrets: { arcAgentryConfigurations: secrets } };
}

function asyncOperationUrl(req: ArmRequest, location: string, id: string, kind: 'operationStatuses' | 'operationResults'): string {
  return `${req.baseUrl}/providers/Microsoft.Kubernetes/locations/${location}/${kind}/${id}?api-version=${req.apiVersion}`;
}

export function registerConnectedClusters(s: ProviderContext): void {
  const { store } = s;
  const existing = (req: ArmRequest): StoredResource => {
    const cluster = loadResource(s, clusterId(req.params.subscriptionId, req.params.resourceGroupName, req.params.clusterName));
    if (!cluster) throw armErrors.resourceNotFound(`${TYPE_NAME}/${req.params.clusterName}`, req.params.resourceGroupName);
    return cluster;
  };

  s.handlers.on('PUT', ITEM, (req) => {
    const { subscriptionId, resourceGroupName: group, clusterName: name } = req.params;
    validateName(name);
    const body = req.body as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    const offered = s.regions.set('arcKubernetes');
    const region = s.regions.resolve(String(body.location ?? ''));
    if (!region || !offered.includes(region)) throw armErrors.locationNotAvailable(String(body.location), TYPE_NAME, offered.map((r) => r.name));

    const id = clusterId(subscriptionId, group, name);
    const previous = loadResource(s, id);
    const key = body.properties?.agentPublicKeyCertificate;
    if (!mayOmitKey(body.kind, key)) requireAgentPublicKey(key);
    if (previous) {
      if (previous.body.location !== region.name) throw armErrors.invalidResourceLocation(name, previous.body.location, group, region.name);
      if (previous.body.properties?.provisioningState === 'Deleting') {
        throw new ArmError(409, 'AnotherOperationInProgress', `The connected cluster '${name}' is being deleted. Wait for the deletion to complete before creating it again.`);
      }
      if (!sameKey(previous.body.properties.agentPublicKeyCertificate ?? '', String(key))) {
        throw new ArmError(400, 'PropertyChangeNotAllowed',
          "Changing property 'properties.agentPublicKeyCertificate' is not allowed. A connected cluster keeps the key it was onboarded with: delete the cluster and connect it again to use a new key.",
          { target: 'properties.agentPublicKeyCertificate' });
      }
    }
    const tags = validateTags(body.tags);
    const identityType = body.identity?.type ?? 'SystemAssigned';
    const tenantId = store.directory.subscription(subscriptionId)!.tenantId;
    const identity = identityType === 'SystemAssigned'
      ? { principalId: previous?.body.identity?.principalId ?? randomUUID(), tenantId, type: 'SystemAssigned' }
      : { type: identityType };

    // Object.assign and assignments, not spreads, wherever keys are added (see clusterView).
    const requested = Object.assign({}, body.properties ?? {});
    for (const f of SERVICE_SET) delete requested[f];
    const { properties: userProperties, secrets } = splitProtectedSettings(requested);
    const reported: Record<string, unknown> = {};
    for (const f of SERVICE_SET) if (previous?.body.properties?.[f] !== undefined) reported[f] = previous.body.properties[f];
    const properties: Record<string, unknown> = Object.assign({}, userProperties, reported, { provisioningState: previous ? 'Updating' : 'Accepted' });
    const canonical: Record<string, unknown> = { id, name, type: TYPE_NAME, location: region.name };
    if (tags) canonical.tags = tags;
    canonical.identity = identity;
    if (body.kind) canonical.kind = body.kind;
    canonical.systemData = systemDataFor(req.caller, s.clock.iso(), previous?.body.systemData);
    canonical.properties = properties;
    // Older versions must not erase what newer ones stored; defaults only fill what is still missing.
    const merged = previous ? carryOverUndeclared(req.operation.requestSchema, previous.body, canonical) as typeof canonical : canonical;
    const mergedProperties = merged.properties as Record<string, unknown>;
    for (const [k, v] of Object.entries(SERVICE_DEFAULTS)) mergedProperties[k] ??= v;

    const { stored, op } = store.transaction(() => {
      const stored = saveResource(s, { id, type: CLUSTER_TYPE, parentId: resourceGroupId(subscriptionId, group), tracked: true, body: merged }, previous);
      if (secrets) store.secrets.put(stored.key, secrets);
      const op = s.operations.start({ kind: CLUSTER_OPERATIONS.create, subscriptionId, resourceKey: stored.key, resourceId: id, apiVersion: req.apiVersion });
      return { stored, op };
    });
    return {
      status: previous ? 200 : 201,
      body: clusterView(s, stored),
      headers: { 'Azure-AsyncOperation': asyncOperationUrl(req, region.name, op.id, 'operationStatuses'), ...retryHeaders(s.operations.retryAfter(op)) },
    };
  });

  s.handlers.on('GET', ITEM, (req) => ({ status: 200, body: clusterView(s, existing(req)) }));

  s.handlers.on('PATCH', ITEM, (req) => {
    const cluster = existing(req);
    refuseUnpatchable(req, 'a connected cluster', clusterView(s, cluster), (field, sent, current) => unchanged(s, field, sent, current));
    const patch = req.body as { tags?: Record<string, string> | null; properties?: Record<string, unknown> };
    const body = Object.assign({}, cluster.body, { properties: Object.assign({}, cluster.body.properties) });
    if (patch.tags !== undefined) {
      const tags = validateTags(patch.tags);
      if (tags) body.tags = tags;
      else delete body.tags;
    }
    body.properties = mergePatch(body.properties, patch.properties ?? {}) as Record<string, unknown>;
    body.systemData = systemDataFor(req.caller, s.clock.iso(), cluster.body.systemData);
    if (req.operation.longRunning) body.properties.provisioningState = 'Updating';
    const { stored, op } = store.transaction(() => {
      const stored = saveResource(s, { id: cluster.id, type: CLUSTER_TYPE, parentId: resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName), tracked: true, body }, cluster);
      const op = req.operation.longRunning
        ? s.operations.start({ kind: CLUSTER_OPERATIONS.update, subscriptionId: req.params.subscriptionId, resourceKey: stored.key, resourceId: stored.id, apiVersion: req.apiVersion })
        : undefined;
      return { stored, op };
    });
    if (!op) return { status: 200, body: clusterView(s, stored) };
    return {
      status: 202,
      headers: {
        Location: asyncOperationUrl(req, stored.body.location, op.id, 'operationResults'),
        'Azure-AsyncOperation': asyncOperationUrl(req, stored.body.location, op.id, 'operationStatuses'),
        ...retryHeaders(s.operations.retryAfter(op)),
      },
    };
  });

  s.handlers.on('DELETE', ITEM, (req) => {
    const cluster = loadResource(s, clusterId(req.params.subscriptionId, req.params.resourceGroupName, req.params.clusterName));
    if (!cluster) return { status: 204 };
    const op = store.transaction(() => {
      saveResource(s, { id: cluster.id, type: CLUSTER_TYPE, parentId: resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName), tracked: true,
        body: { ...cluster.body, properties: { ...cluster.body.properties, provisioningState: 'Deleting' } } }, cluster);
      return s.operations.start({ kind: CLUSTER_OPERATIONS.delete, subscriptionId: req.params.subscriptionId, resourceKey: cluster.key, resourceId: cluster.id, apiVersion: req.apiVersion });
    });
    return {
      status: 202,
      headers: {
        Location: asyncOperationUrl(req, cluster.body.location, op.id, 'operationResults'),
        'Azure-AsyncOperation': asyncOperationUrl(req, cluster.body.location, op.id, 'operationStatuses'),
        ...retryHeaders(s.operations.retryAfter(op)),
      },
    };
  });

  const list = (scope: { parentId: string } | { subscriptionId: string }) => (req: ArmRequest): ArmResponse => {
    const page = filteredPage((after, limit) => listOfType(s, CLUSTER_TYPE, scope, after, limit), () => true, pageRequest(req, s.config.pageSize));
    return { status: 200, body: listBody(page.items.map((c) => clusterView(s, c)), nextLink(req, page)) };
  };
  s.handlers.on('GET', '/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Kubernetes/connectedClusters',
    (req) => list({ parentId: resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName) })(req));
  s.handlers.on('GET', '/subscriptions/{}/providers/Microsoft.Kubernetes/connectedClusters', (req) => list({ subscriptionId: req.params.subscriptionId })(req));

  s.handlers.on('POST', `${ITEM}/listClusterUserCredential`, (req) => {
    const cluster = existing(req);
    return {
      status: 200,
      body: clusterUserCredentials({
        clusterId: cluster.id,
        clusterName: cluster.body.name,
        resourceGroup: req.params.resourceGroupName,
        location: cluster.body.location,
        principalId: cluster.body.identity?.principalId,
        tenantId: cluster.body.identity?.tenantId ?? s.defaults.tenantId,
        authenticationMethod: req.body.authenticationMethod,
        clientProxy: req.body.clientProxy === true,
        caCertPem: s.ca.certPem,
        nowMs: s.clock.nowMs(),
      }),
    };
  });

  s.operations.register(CLUSTER_OPERATIONS.create, provisioningCompleter(s));
  s.operations.register(CLUSTER_OPERATIONS.update, provisioningCompleter(s));
  s.operations.register(CLUSTER_OPERATIONS.delete, deletionCompleter(s));
}
function unchanged(s: ProviderContext, field: string, sent: unknown, current: unknown): boolean {
  if (field === 'location') return typeof sent === 'string' && s.regions.resolve(sent)?.name === current;
  if (field === 'properties.agentPublicKeyCertificate') return typeof sent === 'string' && typeof current === 'string' && sameKey(current, sent);
  return isDeepStrictEqual(sent, current);
}
