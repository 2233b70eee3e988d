/**
 * Microsoft.Kubernetes/connectedClusters: the rules of one resource type, declared for the kit,
 * in every served api-version (the pipeline renders each response for the requested version).
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
import type { StoredResource } from '../../store/resources';
import type { ArmRequest, ArmResponse } from '../../kit/handlers';
import { loadResource } from '../../kit/resources';
import { resourceGroupId } from '../../kit/resourceIds';
import { registerResourceType } from '../../kit/lifecycle';
import type { ResourceType } from '../../kit/resourceType';
import { isCount, isString, ValueCheck } from '../../kit/valueChecks';
import { mayOmitKey, requireAgentPublicKey, sameKey } from './agentKey';
import { connectivityStatus } from './connectivity';
import { clusterUserCredentials } from './clusterCredentials';
import type { JsonObject } from '../../../protocol/json';

export const CLUSTER_TYPE = 'microsoft.kubernetes/connectedclusters';
const TYPE_NAME = 'Microsoft.Kubernetes/connectedClusters';
const ITEM = '/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Kubernetes/connectedClusters/{}';

/** Properties only the service (or the cluster's agents) sets; values clients send are ignored. */
const SERVICE_SET = [
  'provisioningState', 'connectivityStatus', 'kubernetesVersion', 'totalNodeCount', 'totalCoreCount', 'agentVersion', 'offering',
  'managedIdentityCertificateExpirationTime', 'lastConnectivityTime', 'miscellaneousProperties', 'inboundConnectivityState',
];
/** What the cluster's agents report in a heartbeat, and what each field must hold. */
export const AGENT_HEARTBEAT: ReadonlyMap<string, ValueCheck> = new Map([
  ['agentVersion', isString],
  ['kubernetesVersion', isString],
  ['totalNodeCount', isCount],
  ['totalCoreCount', isCount],
  ['distribution', isString],
  ['distributionVersion', isString],
  ['infrastructure', isString],
  ['offering', isString],
]);

/** Values Azure fills in when the request leaves them out (rendered only where a version has them). */
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
export function clusterView(s: ProviderContext, stored: StoredResource): JsonObject {
  const p = stored.body.properties ?? {};
  const live = s.liveAgents.current(stored.body);
  const facts = Object.assign({ kind: stored.body.kind, lastConnectivityTime: p.lastConnectivityTime, managedIdentityCertificateExpirationTime: p.managedIdentityCertificateExpirationTime }, live);
  const properties = Object.assign({}, p, live, {
    connectivityStatus: connectivityStatus(facts, s.clock.nowMs(), s.config.offlineAfter),
    inboundConnectivityState: p.inboundConnectivityState ?? 'Unknown',
  });
  return Object.assign({}, stored.body, { properties });
}

/**
 * What a version requires that a cluster written in another may lack. 2020-01-01-preview
 * requires an aadProfile of tenantId, clientAppId and serverAppId (later versions have another
 * profile): the tenant is the stored one or the identity's, app ids Arclight has none of read
 * as "" (Arclight's choice; Azure's answer for such a cluster is not known).
 */
function withVersionShapes(view: JsonObject, apiVersion: string): JsonObject {
  if (apiVersion.toLowerCase() !== '2020-01-01-preview') return view;
  const aad = view.properties.aadProfile ?? {};
  const aadProfile = {
    tenantId: aad.tenantId ?? aad.tenantID ?? view.identity?.tenantId ?? '',
    clientAppId: aad.clientAppId ?? '',
    serverAppId: aad.serverAppId ?? '',
  };
  return Object.assign({}, view, { properties: Object.assign({}, view.properties, { aadProfile }) });
}

function validateName(name: string): void {
  if (!NAME_RULE.test(name)) {
    throw new ArmError(400, 'InvalidResourceName',
      `The resource name '${name}' is invalid. Connected cluster names must be 1-63 characters long, contain only letters, digits, '-' and '_', and start and end with a letter or digit.`);
  }
}

/** The kit's declaration of connected clusters; `s` answers what their rules read (regions). */
export function connectedClustersType(s: ProviderContext): ResourceType<ProviderContext> {
  return {
    typeName: TYPE_NAME,
    label: 'connected cluster',
    itemPath: ITEM,
    nameParam: 'clusterName',
    lists: [
      { path: '/subscriptions/{}/resourcegroups/{}/providers/Microsoft.Kubernetes/connectedClusters', scope: 'parent' },
      { path: '/subscriptions/{}/providers/Microsoft.Kubernetes/connectedClusters', scope: 'subscription' },
    ],
    parent: { parentId: (_ctx, req) => resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName) },
    validateName,
    location: {
      regionSet: 'arcKubernetes',
      unavailable: (location, offered) => armErrors.locationNotAvailable(location, TYPE_NAME, offered.map((r) => r.name)),
      moved: armErrors.invalidResourceLocation,
    },
    asyncStyle: 'providerHub',
    serviceSet: SERVICE_SET,
    // Every cluster has an agent profile, so the spec's agentAutoUpgrade default is in every one.
    defaultObjects: ['arcAgentProfile'],
    checkPut(body, w) {
      const key = body.properties?.agentPublicKeyCertificate;
      if (!mayOmitKey(body.kind, key)) requireAgentPublicKey(key);
      const previous = w.previous?.body.properties?.agentPublicKeyCertificate;
      if (w.previous && !sameKey(previous ?? '', String(key))) {
        throw new ArmError(400, 'PropertyChangeNotAllowed',
          "Changing property 'properties.agentPublicKeyCertificate' is not allowed. A connected cluster keeps the key it was onboarded with: delete the cluster and connect it again to use a new key.",
          { target: 'properties.agentPublicKeyCertificate' });
      }
    },
    topLevel(body, w) {
      const identityType = body.identity?.type ?? 'SystemAssigned';
      const tenantId = w.ctx.store.directory.subscription(w.req.params.subscriptionId)!.tenantId;
      const out: Record<string, unknown> = {
        identity: identityType === 'SystemAssigned'
          ? { principalId: w.previous?.body.identity?.principalId ?? randomUUID(), tenantId, type: 'SystemAssigned' }
          : { type: identityType },
      };
      if (body.kind) out.kind = body.kind;
      return out;
    },
    view: (stored, ctx, apiVersion) => withVersionShapes(clusterView(ctx, stored), apiVersion),
    sameValue: (field, sent, current) => unchanged(s, field, sent, current),
    notFound: (req, name) => armErrors.resourceNotFound(`${TYPE_NAME}/${name}`, req.params.resourceGroupName),
    beingDeleted: (name) => new ArmError(409, 'AnotherOperationInProgress', `The connected cluster '${name}' is being deleted. Wait for the deletion to complete before creating it again.`),
  };
}

export function registerConnectedClusters(s: ProviderContext): ResourceType<ProviderContext> {
  const type = connectedClustersType(s);
  registerResourceType(s, type);
  const credentials = (req: ArmRequest): ArmResponse => {
    const cluster = loadResource(s, clusterId(req.params.subscriptionId, req.params.resourceGroupName, req.params.clusterName));
    if (!cluster) throw type.notFound(req, req.params.clusterName);
    return {
      status: 200,
      body: clusterUserCredentials({
        clusterId: cluster.id,
        clusterName: cluster.body.name,
        resourceGroup: req.params.resourceGroupName,
        location: cluster.body.location,
        principalId: cluster.body.identity?.principalId,
        tenantId: cluster.body.identity?.tenantId ?? s.defaults.tenantId,
        // 2020-01-01-preview: an optional body (Token only; AAD without one), and clientProxy in the query.
        authenticationMethod: req.body?.authenticationMethod ?? 'AAD',
        clientProxy: req.body?.clientProxy === true || /^true$/i.test(req.query.ClientProxy ?? ''),
        caCertPem: s.ca.certPem,
        nowMs: s.clock.nowMs(),
      }),
    };
  };
  s.handlers.on('POST', `${ITEM}/listClusterUserCredential`, credentials);
  // The action's name before 2022-05-01-preview (2020-01-01-preview, 2021-04-01-preview).
  s.handlers.on('POST', `${ITEM}/listClusterUserCredentials`, credentials);
  return type;
}

function unchanged(s: ProviderContext, field: string, sent: unknown, current: unknown): boolean {
  if (field === 'location') return typeof sent === 'string' && s.regions.resolve(sent)?.name === current;
  if (field === 'properties.agentPublicKeyCertificate') return typeof sent === 'string' && typeof current === 'string' && sameKey(current, sent);
  return isDeepStrictEqual(sent, current);
}
