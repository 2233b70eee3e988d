/**
 * Microsoft.KubernetesConfiguration/extensionTypes: the catalog of extension types, read-only,
 * in every api-version that has it. Two families of shape:
 *
 *  - 2021-05-01-preview to 2022-01-15-preview: a type lists its release trains, cluster types and
 *    scopes; `locations/{l}/extensionTypes/{t}/versions` lists each train with its versions.
 *  - 2023-05-01-preview on (2024-11-01-preview, 2024-11-02-preview, 2026-04-01-preview, 2026-04-01,
 *    2026-05-01): a type has its description, publisher, plan,
 *    supported cluster types and scopes; versions are resources of their own
 *    (`.../versions/{version}`), filtered by release train, cluster type and major version.
 *
 * The location-scoped endpoints list what a region offers; the cluster-scoped ones what can be
 * installed on that cluster (its kind and region), which must exist. Answers come from the
 * catalog (extensionTypeCatalog.ts); lists are paged like every other list.
 */
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ArmRequest, ArmResponse } from '../../kit/handlers';
import { listBody, nextLink, pageRequest } from '../../kit/paging';
import type { ProviderContext } from '../context';
import { CLUSTER_PATH, NAMESPACE } from './configurationResources';
import { resolveClusterParent } from './clusterParent';
import { compareVersions, ExtensionTypeDefinition, trainOf } from './extensionTypeCatalog';
import { ClusterPlace, CONFIGURATION_REGION_SET, notSupportedForKind, offeredIn, placeOf, supportsKind } from './extensionTypeOffers';
import type { JsonObject } from '../../../protocol/json';

type Props = JsonObject;

const TYPE = `${NAMESPACE}/extensionTypes`;
const VERSION_TYPE = `${NAMESPACE}/extensionTypes/versions`;
const LOCATION_PATH = `/subscriptions/{}/providers/${NAMESPACE}/locations/{}/extensionTypes`;
const CLUSTER_TYPES_PATH = `${CLUSTER_PATH}/providers/${NAMESPACE}/extensionTypes`;
/** 2021-05-01-preview spells the cluster list with a literal `connectedClusters` (and names the kind `clusterType` in its get). */
const CONNECTED_CLUSTER_TYPES_PATH = `/subscriptions/{}/resourceGroups/{}/providers/{}/connectedClusters/{}/providers/${NAMESPACE}/extensionTypes`;

/** The operations of 2021-05-01-preview to 2022-01-15-preview (the other shape's are ExtensionTypes_*). */
const LEGACY_OPERATIONS = new Set(['LocationExtensionTypes_List', 'ClusterExtensionTypes_List', 'ClusterExtensionType_Get', 'ExtensionTypeVersions_List']);
const isLegacy = (req: ArmRequest) => LEGACY_OPERATIONS.has(req.operation.operationId);
const flag = (value: string | undefined) => /^true$/i.test(value ?? '');

/** Where a request reads the catalog from: a region, or a cluster (which must exist) and its region. */
interface Scope {
  /** The id the types' ids start with. */
  base: string;
  region: string;
  cluster?: ClusterPlace;
}

function locationScope(s: ProviderContext, req: ArmRequest): Scope {
  const { subscriptionId, location } = req.params;
  const region = s.regions.resolve(location);
  const offered = s.regions.set(CONFIGURATION_REGION_SET);
  if (!region || !offered.includes(region)) {
    const declared = s.catalog.resourceType(NAMESPACE, 'locations/extensionTypes');
    throw armErrors.noRegisteredProvider(location, req.apiVersion, `${NAMESPACE}/locations/extensionTypes`, declared?.apiVersions ?? [], offered.map((r) => r.displayName));
  }
  return { base: `/subscriptions/${subscriptionId}/providers/${NAMESPACE}/locations/${region.name}`, region: region.name };
}

function clusterScope(s: ProviderContext, req: ArmRequest): Scope {
  // 2021-05-01-preview: `{clusterType}` in the get, a literal connectedClusters in the list.
  const clusterResourceName = req.params.clusterResourceName ?? req.params.clusterType ?? 'connectedClusters';
  const parent = resolveClusterParent(s, { ...req, params: { ...req.params, clusterResourceName } });
  const cluster = placeOf(s, parent);
  return { base: `${parent.id}/providers/${NAMESPACE}`, region: cluster.region ?? '', cluster };
}

/** Whether the scope offers the type: its region, and the cluster's kind. */
function offers(s: ProviderContext, scope: Scope, t: ExtensionTypeDefinition): boolean {
  if (scope.cluster && !supportsKind(t, scope.cluster.kind)) return false;
  return !scope.region || offeredIn(s, t, scope.region);
}

/** `connectedCluster`, `connectedClusters`, `ConnectedClusters`: the kinds clients name in filters. */
const sameKind = (filter: string, kind: string) => filter.toLowerCase().replace(/s$/, '') === kind.toLowerCase().replace(/s$/, '');

/** The list filters of 2023-05-01-preview on: marketplace plan, release train, cluster type. */
function matchesFilters(req: ArmRequest, t: ExtensionTypeDefinition): boolean {
  const { publisherId, offerId, planId, releaseTrain, clusterType } = req.query;
  const plan = t.planInfo ?? {};
  const eq = (want: string | undefined, have: string | undefined) => !want || want.toLowerCase() === (have ?? '').toLowerCase();
  if (!eq(publisherId, plan.publisherId ?? t.publisher) || !eq(offerId, plan.offerId) || !eq(planId, plan.planId)) return false;
  if (releaseTrain && !trainOf(t, releaseTrain)) return false;
  if (clusterType && !t.clusterTypes.some((k) => sameKind(clusterType, k))) return false;
  return true;
}

function typeNotFound(scope: Scope, name: string): ArmError {
  return new ArmError(404, 'ResourceNotFound', `Extension type ${name} is not registered in region ${scope.region}.`);
}

/** The type the path names, offered where the request reads. */
function typeIn(s: ProviderContext, scope: Scope, name: string): ExtensionTypeDefinition {
  const t = s.extensionTypes.get(name);
  if (!t || (scope.region && !offeredIn(s, t, scope.region))) throw typeNotFound(scope, name);
  if (scope.cluster && !supportsKind(t, scope.cluster.kind)) throw notSupportedForKind(404, 'ResourceNotFound', name, scope.region, scope.cluster.kind);
  return t;
}

/**
 * The supported scopes, in both spellings the api-versions use for the cluster scope settings:
 * flat (2021-11-01-preview to 2022-01-15-preview) and as a proxy resource with `properties`
 * (2021-05-01-preview, 2023-05-01-preview on). The rendering keeps the one the version defines.
 */
function supportedScopes(typeId: string, t: ExtensionTypeDefinition): Props {
  const out: Props = { defaultScope: t.defaultScope };
  if (t.scopes.includes('cluster')) {
    const settings: Props = { allowMultipleInstances: t.allowMultipleInstances };
    if (t.defaultReleaseNamespace) settings.defaultReleaseNamespace = t.defaultReleaseNamespace;
    out.clusterScopeSettings = { ...settings, id: `${typeId}/clusterScopeSettings/default`, name: 'default', type: `${TYPE}/clusterScopeSettings`, properties: settings };
  }
  return out;
}

/** Whether the operation's answer spells clusterTypes as one string (the schema says so). */
function clusterTypesIsOne(req: ArmRequest): boolean {
  const seen = new Set<unknown>();
  const find = (schema: Props | undefined, depth: number): Props | undefined => {
    if (!schema || typeof schema !== 'object' || depth > 8 || seen.has(schema)) return undefined;
    seen.add(schema);
    if (schema.properties?.clusterTypes) return schema.properties.clusterTypes;
    for (const next of [schema.items, ...Object.values(schema.properties ?? {}), ...(schema.allOf ?? [])]) {
      const found = find(next as Props, depth + 1);
      if (found) return found;
    }
    return undefined;
  };
  const clusterTypes = find(req.operation.responseSchemas['200'], 0);
  return clusterTypes?.type === 'string' || (Array.isArray(clusterTypes?.enum) && clusterTypes?.type !== 'array');
}

function legacyType(req: ArmRequest, scope: Scope, t: ExtensionTypeDefinition): Props {
  const id = `${scope.base}/extensionTypes/${t.name}`;
  // Up to 2022-01-01-preview clusterTypes is one of connectedClusters and managedClusters, not a list.
  const single = clusterTypesIsOne(req);
  const kinds = scope.cluster ? [scope.cluster.kind] : t.clusterTypes;
  const clusterTypes = single ? kinds.find((k) => k === 'connectedClusters' || k === 'managedClusters') : t.clusterTypes;
  const properties: Props = { releaseTrains: t.releaseTrains.map((r) => r.name), supportedScopes: supportedScopes(id, t) };
  if (clusterTypes) properties.clusterTypes = clusterTypes;
  return { id, name: t.name, type: TYPE, properties };
}

function currentType(scope: Scope, t: ExtensionTypeDefinition): Props {
  const id = `${scope.base}/extensionTypes/${t.name}`;
  const plan = t.planInfo ?? {};
  return {
    id, name: t.name, type: TYPE,
    properties: {
      extensionType: t.name,
      description: t.description,
      isSystemExtension: t.isSystemExtension,
      publisher: t.publisher,
      isManagedIdentityRequired: t.isManagedIdentityRequired,
      supportedClusterTypes: t.clusterTypes,
      supportedScopes: supportedScopes(id, t),
      planInfo: { publisherId: plan.publisherId ?? t.publisher, ...(plan.offerId ? { offerId: plan.offerId } : {}), ...(plan.planId ? { planId: plan.planId } : {}) },
    },
  };
}

/**
 * One version of a type. Azure answers unsupportedKubernetesVersions with null for every kind of
 * cluster (test_k8s_extension_types.yaml), which the spec does not allow: the catalog records none,
 * so it is left out.
 */
function versionResource(scope: Scope, t: ExtensionTypeDefinition, version: string): Props {
  return {
    id: `${scope.base}/extensionTypes/${t.name}/versions/${version}`, name: version, type: VERSION_TYPE,
    properties: { version, supportedClusterTypes: t.clusterTypes },
  };
}

/** One page of `items` (in name order, continued by name), with its nextLink. */
function paged<T>(s: ProviderContext, req: ArmRequest, items: T[], keyOf: (item: T) => string): ArmResponse {
  const page = pageRequest(req, s.config.pageSize);
  const after = page.after.toLowerCase();
  const rest = items.filter((i) => keyOf(i).toLowerCase() > after);
  const value = rest.slice(0, page.limit);
  const more = rest.length > value.length;
  return { status: 200, body: listBody(value, nextLink(req, { continueAfter: more ? keyOf(value[value.length - 1]) : undefined })) };
}

function listTypes(s: ProviderContext, req: ArmRequest, scope: Scope): ArmResponse {
  const legacy = isLegacy(req);
  const types = s.extensionTypes.all().filter((t) => offers(s, scope, t) && (legacy || matchesFilters(req, t)));
  const { body } = paged(s, req, types, (t) => t.name) as { body: { value: ExtensionTypeDefinition[]; nextLink?: string } };
  return { status: 200, body: listBody(body.value.map((t) => (legacy ? legacyType(req, scope, t) : currentType(scope, t))), body.nextLink) };
}

/**
 * The versions of a type a 2023-05-01-preview list shows: those of one release train (stable
 * unless named), of one major version if asked, only the newest with showLatest.
 */
function versionsOf(req: ArmRequest, t: ExtensionTypeDefinition): string[] {
  const train = trainOf(t, req.query.releaseTrain || 'stable');
  let versions = train ? [...train.versions] : [];
  const major = req.query.majorVersion;
  if (major) versions = versions.filter((v) => v.replace(/^v/i, '').split('.')[0] === major.replace(/^v/i, ''));
  if (flag(req.query.showLatest)) versions = versions.slice(0, 1);
  return versions;
}

function listVersions(s: ProviderContext, req: ArmRequest, scope: Scope): ArmResponse {
  const t = typeIn(s, scope, req.params.extensionTypeName);
  if (isLegacy(req)) {
    // 2021-05-01-preview to 2022-01-01-preview call the list `versions`, 2022-01-15-preview `value`: the rendering keeps the version's.
    const trains = t.releaseTrains.map((r) => ({ releaseTrain: r.name, versions: r.versions }));
    return { status: 200, body: { value: trains, versions: trains } };
  }
  if (req.query.clusterType && !t.clusterTypes.some((k) => sameKind(req.query.clusterType, k))) return { status: 200, body: { value: [] } };
  // Newest first; pages continue after the last version they showed.
  const versions = versionsOf(req, t);
  const page = pageRequest(req, s.config.pageSize);
  const start = page.after ? versions.findIndex((v) => compareVersions(v, page.after) < 0) : 0;
  const rest = start < 0 ? [] : versions.slice(start);
  const value = rest.slice(0, page.limit);
  const more = rest.length > value.length;
  const link = nextLink(req, { continueAfter: more ? value[value.length - 1] : undefined });
  return { status: 200, body: listBody(value.map((v) => versionResource(scope, t, v)), link) };
}

function getVersion(s: ProviderContext, req: ArmRequest, scope: Scope): ArmResponse {
  const t = typeIn(s, scope, req.params.extensionTypeName);
  const wanted = req.params.versionNumber;
  for (const train of t.releaseTrains) {
    const version = train.versions.find((v) => v.toLowerCase() === wanted.toLowerCase());
    if (version) return { status: 200, body: versionResource(scope, t, version) };
  }
  throw new ArmError(404, 'ResourceNotFound', `Version ${wanted} of extension type ${t.name} is not registered in region ${scope.region}.`);
}

function getType(s: ProviderContext, req: ArmRequest, scope: Scope): ArmResponse {
  const t = typeIn(s, scope, req.params.extensionTypeName);
  return { status: 200, body: isLegacy(req) ? legacyType(req, scope, t) : currentType(scope, t) };
}

export function registerExtensionTypes(s: ProviderContext): void {
  const at = (scope: (s: ProviderContext, req: ArmRequest) => Scope, answer: (s: ProviderContext, req: ArmRequest, scope: Scope) => ArmResponse) =>
    (req: ArmRequest) => answer(s, req, scope(s, req));

  s.handlers.on('GET', LOCATION_PATH, at(locationScope, listTypes));
  s.handlers.on('GET', `${LOCATION_PATH}/{}`, at(locationScope, getType));
  s.handlers.on('GET', `${LOCATION_PATH}/{}/versions`, at(locationScope, listVersions));
  s.handlers.on('GET', `${LOCATION_PATH}/{}/versions/{}`, at(locationScope, getVersion));

  s.handlers.on('GET', CLUSTER_TYPES_PATH, at(clusterScope, listTypes));
  s.handlers.on('GET', CONNECTED_CLUSTER_TYPES_PATH, at(clusterScope, listTypes));
  s.handlers.on('GET', `${CLUSTER_TYPES_PATH}/{}`, at(clusterScope, getType));
  s.handlers.on('GET', `${CLUSTER_TYPES_PATH}/{}/versions`, at(clusterScope, listVersions));
  s.handlers.on('GET', `${CLUSTER_TYPES_PATH}/{}/versions/{}`, at(clusterScope, getVersion));
}
