/**
 * Microsoft.ExtendedLocation/customLocations: a namespace of an Arc-enabled cluster, offered to
 * other resource providers as a location (see README "Custom locations").
 *
 * - PUT: 201 (200 on re-PUT), provisioningState Creating, an Azure-AsyncOperation at
 *   `/subscriptions/{s}/providers/Microsoft.ExtendedLocation/locations/{l}/operationsStatus/{id}`;
 *   the host cluster, its extensions and the namespace are checked first (hostValidation.ts).
 * - PATCH: synchronous (200), as the spec has it: tags and identity replace, properties merge
 *   (JSON merge-patch: `clusterExtensionIds` is replaced whole), and the result is checked again.
 * - DELETE: 202 with Azure-AsyncOperation and Location; 204 when absent; its resource sync rules
 *   go with it. Deleting the host cluster or an extension leaves the custom location in place.
 * - hostResourceId, namespace and hostType are fixed at creation; authentication.value (a
 *   kubeconfig) is write-only.
 */
import { randomUUID } from 'crypto';
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import type { StoredResource } from '../../store/resources';
import { resourceGroupId } from '../../kit/resourceIds';
import type { ArmRequest } from '../../kit/handlers';
import type { Props, ResourceType, Write } from '../../kit/resourceType';
import { mergePatch, refuseUnpatchable } from '../../kit/patch';
import { validateTags } from '../../kit/tags';
import { systemDataFor } from '../../kit/systemData';
import { patchWriteOnly, takeWriteOnly } from '../../kit/writeOnly';
import { CUSTOM_LOCATION_TYPE, validateCustomLocation } from './hostValidation';

export const NAMESPACE = 'Microsoft.ExtendedLocation';
export const CUSTOM_LOCATION_ITEM = '/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ExtendedLocation/customLocations/{}';
/** The spec's x-ms-secret under properties (the kit derives it for PUT; this type's own PATCH takes it out too). */
const WRITE_ONLY = ['authentication.value'];
const CREATE_ONLY = ['hostResourceId', 'namespace', 'hostType'];

export function customLocationId(subscriptionId: string, group: string, name: string): string {
  return `${resourceGroupId(subscriptionId, group)}/providers/${CUSTOM_LOCATION_TYPE}/${name}`;
}

/** `identity` as Azure fills it: SystemAssigned gets a principal (kept across writes) in the subscription's tenant. */
function identityOf(requested: Props | undefined, previous: Props | undefined, tenantId: string): Props | undefined {
  if (!requested?.type) return undefined;
  if (String(requested.type).toLowerCase() === 'systemassigned') {
    return { principalId: previous?.type === 'SystemAssigned' ? previous.principalId : randomUUID(), tenantId, type: 'SystemAssigned' };
  }
  return { type: String(requested.type).toLowerCase() === 'none' ? 'None' : requested.type };
}

const tenantOf = (w: { ctx: ProviderContext; req: ArmRequest }) => w.ctx.store.directory.subscription(w.req.params.subscriptionId)!.tenantId;

/** Ids and names compare case-insensitively; so do the host type and the namespace (a Kubernetes name is lower case). */
const sameValue = (_field: string, a: unknown, b: unknown) => String(JSON.stringify(a)).toLowerCase() === String(JSON.stringify(b)).toLowerCase();

function refuseCreateOnlyChanges(previous: Props, next: Props): void {
  for (const field of CREATE_ONLY) {
    if (previous[field] !== undefined && !sameValue(field, previous[field], next[field])) {
      throw new ArmError(400, 'PropertyChangeNotAllowed',
        `Changing property 'properties.${field}' is not allowed: it is set when the custom location is created. Delete and recreate the custom location to change it.`,
        { target: `properties.${field}` });
    }
  }
}

/** A PATCH: tags and identity replace, properties merge; the merged properties are checked as a PUT's are. */
function patchCustomLocation(found: StoredResource, req: ArmRequest, ctx: ProviderContext): Props {
  refuseUnpatchable(req, 'a custom location', found.body, sameValue);
  const patch = req.body as { tags?: Record<string, string> | null; identity?: Props | null; properties?: Props };
  const body: Props = Object.assign({}, found.body);
  if (patch.tags !== undefined) {
    const tags = validateTags(patch.tags);
    if (tags) body.tags = tags;
    else delete body.tags;
  }
  if (patch.identity !== undefined) {
    const identity = identityOf(patch.identity ?? undefined, found.body.identity, tenantOf({ ctx, req }));
    if (identity) body.identity = identity;
    else delete body.identity;
  }
  const { provisioningState, ...current } = found.body.properties ?? {};
  const { properties: userPatch, values: patchedSecrets } = takeWriteOnly(patch.properties ?? {}, WRITE_ONLY);
  const merged = mergePatch(current, userPatch) as Props;
  refuseCreateOnlyChanges(current, merged);
  const completed = validateCustomLocation(ctx, merged, found.id);
  body.properties = Object.assign(completed, { provisioningState: provisioningState ?? 'Succeeded' });
  body.systemData = systemDataFor(req.caller, ctx.clock.iso(), found.body.systemData);
  const previousSecrets = ctx.store.secrets.get(found.key) as Props | undefined;
  if (previousSecrets || Object.keys(patchedSecrets).length) ctx.store.secrets.put(found.key, patchWriteOnly(previousSecrets ?? {}, patchedSecrets, completed));
  return body;
}

export function customLocationsType(): ResourceType<ProviderContext> {
  return {
    typeName: CUSTOM_LOCATION_TYPE,
    label: 'custom location',
    itemPath: CUSTOM_LOCATION_ITEM,
    nameParam: 'resourceName',
    lists: [
      { path: '/subscriptions/{}/resourceGroups/{}/providers/Microsoft.ExtendedLocation/customLocations', scope: 'parent' },
      { path: '/subscriptions/{}/providers/Microsoft.ExtendedLocation/customLocations', scope: 'subscription' },
    ],
    parent: { parentId: (_ctx, req) => resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName) },
    validateName: () => undefined, // the spec's pattern: 1-63 letters, digits, '-' and '_'
    location: {
      regionSet: 'arcKubernetes',
      unavailable: (location, offered) => armErrors.locationNotAvailable(location, CUSTOM_LOCATION_TYPE, offered.map((r) => r.name)),
      moved: armErrors.invalidResourceLocation,
    },
    asyncStyle: 'subscriptionLocations',
    serviceSet: [],
    // authentication.value is the spec's x-ms-secret (write-only from the spec's marks); nothing marks what Azure fixes at creation.
    createOnlyBeyondSpec: CREATE_ONLY,
    sameValue,
    complete: (properties, w: Write<ProviderContext>) => validateCustomLocation(w.ctx, properties, w.id),
    topLevel(body, w) {
      const identity = identityOf(body.identity, w.previous?.body.identity, tenantOf(w));
      return identity ? { identity } : {};
    },
    patch: patchCustomLocation,
    notFound: (req, name) => armErrors.resourceNotFound(`${CUSTOM_LOCATION_TYPE}/${name}`, req.params.resourceGroupName),
    beingDeleted: (name) => new ArmError(409, 'AnotherOperationInProgress', `The custom location '${name}' is being deleted. Wait for the deletion to complete before changing it.`),
  };
}
