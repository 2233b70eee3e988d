/**
 * What the three Microsoft.KubernetesConfiguration resource types share, as a resource-type
 * declaration for the kit: they live on a cluster, keep write-only values apart (rendered as
 * `configurationProtectedSettings: {}`, as Azure answers), carry fields only the service and the
 * cluster's agents set, and run their long-running writes as `nested` operations
 * (`{resource}/operations/{id}`). Each type's own rules (validation, what Azure does beyond
 * the spec's marks) come in a ConfigurationType.
 */
import { ArmError } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { ResourceType } from '../../kit/resourceType';
import { resolveClusterParent } from './clusterParent';
import type { ValueCheck } from '../../kit/valueChecks';
import type { JsonObject } from '../../../protocol/json';

type Props = JsonObject;

export const NAMESPACE = 'Microsoft.KubernetesConfiguration';
/** Every cluster's path, as the specs spell it; the pipeline matches it case-insensitively. */
export const CLUSTER_PATH = '/subscriptions/{}/resourceGroups/{}/providers/{}/{}/{}';

export interface ConfigurationType {
  /** The path segment and type name: extensions, fluxConfigurations, sourceControlConfigurations. */
  collection: string;
  /** The spec's path parameter for the resource name. */
  nameParam: string;
  /** How messages name one resource: "Extension". */
  label: string;
  /** Writes that the spec marks long-running run as operations (extensions, flux); otherwise they answer at once. */
  longRunning: boolean;
  /** Dotted paths under `properties` of values Azure never returns that no served spec marks x-ms-secret. */
  writeOnlyBeyondSpec?: readonly string[];
  /** Properties only the service and the cluster's agents set: ignored in requests, kept across writes. */
  reported: readonly string[];
  /** Dotted paths under `properties` Azure fixes at creation that no served spec marks create-only. */
  createOnlyBeyondSpec?: readonly string[];
  validateName(name: string): void;
  /** Azure's rules on the complete user properties, the spec's defaults in (after a PATCH merge too). */
  complete(properties: Props, name: string): Props;
  /** The agent-reported state a new resource starts in. */
  initialState(): Props;
  /** What the cluster's agents may report about it, and what each field must hold. */
  agentReports: ReadonlyMap<string, ValueCheck>;
  /** Top-level fields besides properties (identity, plan, managedBy). */
  topLevel?(request: Props, previous: Props | undefined, tenantId: string): Props;
  /** The stored body as every read in `apiVersion` sees it (e.g. aliases and shapes older api-versions use). */
  view?(body: Props, apiVersion: string): Props;
}

/** The kit's declaration of one configuration type. */
export function configurationResourceType(t: ConfigurationType): ResourceType<ProviderContext> {
  return {
    typeName: `${NAMESPACE}/${t.collection}`,
    label: t.label,
    itemPath: `${CLUSTER_PATH}/providers/${NAMESPACE}/${t.collection}/{}`,
    nameParam: t.nameParam,
    lists: [{ path: `${CLUSTER_PATH}/providers/${NAMESPACE}/${t.collection}`, scope: 'parent' }],
    parent: { parentId: (ctx, req) => resolveClusterParent(ctx, req).id },
    validateName: t.validateName,
    asyncStyle: t.longRunning ? 'nested' : undefined,
    serviceSet: t.reported,
    writeOnlyBeyondSpec: t.writeOnlyBeyondSpec,
    writeOnlyPlaceholders: { configurationProtectedSettings: {} },
    createOnlyBeyondSpec: t.createOnlyBeyondSpec,
    complete: (properties, w) => t.complete(properties, w.name),
    initialState: () => t.initialState(),
    topLevel: t.topLevel && ((body, w) => t.topLevel!(body, w.previous?.body, w.ctx.store.directory.subscription(w.req.params.subscriptionId)!.tenantId)),
    view: t.view && ((stored, _ctx, apiVersion) => t.view!(stored.body, apiVersion)),
    notFound: (_req, name) => new ArmError(404, 'ResourceNotFound', `${t.label} with name '${name}' not found.`),
    beingDeleted: (name) => new ArmError(409, 'AnotherOperationInProgress', `The ${t.label} '${name}' is being deleted. Wait for the deletion to complete before changing it.`),
    immediateDelete: (req) => /^true$/i.test(req.query.forceDelete ?? ''),
  };
}
