/**
 * Microsoft.KubernetesConfiguration/privateLinkScopes (2022-04-02-preview, 2024-11-01-preview):
 * a tracked resource in a resource group that names the cluster whose configuration agents
 * reach Azure through private endpoints.
 *
 * - PUT: 201 (200 on re-PUT), provisioned at once; `clusterResourceId` required (as the spec
 *   says, also of a body without properties); `publicNetworkAccess` defaults to Disabled (the
 *   spec's default); `privateLinkScopeId` is a GUID the service gives the scope once; no tags
 *   read as `{}`.
 * - PATCH (UpdateTags): tags replace.
 * - DELETE: 200 at once (204 when absent), in both versions.
 * - `privateEndpointConnections` is the service's and stays empty: Arclight has no
 *   Microsoft.Network private endpoints that could connect to a scope.
 */
import { randomUUID } from 'crypto';
import { ArmError, armErrors } from '../../kit/armErrors';
import type { ProviderContext } from '../context';
import { resourceGroupId } from '../../kit/resourceIds';
import type { ResourceType } from '../../kit/resourceType';
import { registerResourceType } from '../../kit/lifecycle';
import { NAMESPACE } from './configurationResources';

const TYPE_NAME = `${NAMESPACE}/privateLinkScopes`;
const ITEM = `/subscriptions/{}/resourceGroups/{}/providers/${TYPE_NAME}/{}`;

export function privateLinkScopesType(): ResourceType<ProviderContext> {
  return {
    typeName: TYPE_NAME,
    label: 'private link scope',
    itemPath: ITEM,
    nameParam: 'scopeName',
    lists: [
      { path: `/subscriptions/{}/resourceGroups/{}/providers/${TYPE_NAME}`, scope: 'parent' },
      { path: `/subscriptions/{}/providers/${TYPE_NAME}`, scope: 'subscription' },
    ],
    parent: { parentId: (_ctx, req) => resourceGroupId(req.params.subscriptionId, req.params.resourceGroupName) },
    // The spec's pattern on scopeName is checked before the handler runs.
    validateName: () => undefined,
    location: {
      regionSet: 'kubernetesConfiguration',
      unavailable: (location, offered) => armErrors.locationNotAvailable(location, TYPE_NAME, offered.map((r) => r.name)),
      moved: armErrors.invalidResourceLocation,
    },
    serviceSet: ['privateLinkScopeId', 'privateEndpointConnections'],
    checkPut(body) {
      // The spec requires it in properties, which a body without properties escapes.
      if (typeof body.properties?.clusterResourceId !== 'string') {
        throw armErrors.invalidRequestContent("Required property 'clusterResourceId' not found in JSON. Path 'properties'.");
      }
    },
    complete: (properties) => ({ ...properties, publicNetworkAccess: properties.publicNetworkAccess ?? 'Disabled' }),
    // Azure answers an empty tag set when none is given (as the examples show).
    topLevel: (body) => (body.tags === undefined ? { tags: {} } : {}),
    initialState: () => ({ privateLinkScopeId: randomUUID(), privateEndpointConnections: [] }),
    notFound: (req, name) => armErrors.resourceNotFound(`${TYPE_NAME}/${name}`, req.params.resourceGroupName),
    beingDeleted: (name) => new ArmError(409, 'AnotherOperationInProgress', `The private link scope '${name}' is being deleted. Wait for the deletion to complete before changing it.`),
  };
}

/** What a scope's private endpoints would need: Microsoft.Network, which Arclight does not emulate. */
const NO_PRIVATE_ENDPOINTS = 'private endpoints are Microsoft.Network resources, which Arclight does not emulate';

/** The private link scope type, and its endpoint connections and link resources, refused. */
export function registerPrivateLinkScopes(s: ProviderContext): void {
  registerResourceType(s, privateLinkScopesType());
  for (const method of ['GET', 'PUT', 'DELETE']) s.handlers.refuse(method, `${ITEM}/privateEndpointConnections/{}`, NO_PRIVATE_ENDPOINTS);
  s.handlers.refuse('GET', `${ITEM}/privateEndpointConnections`, NO_PRIVATE_ENDPOINTS);
  s.handlers.refuse('GET', `${ITEM}/privateLinkResources`, NO_PRIVATE_ENDPOINTS);
  s.handlers.refuse('GET', `${ITEM}/privateLinkResources/{}`, NO_PRIVATE_ENDPOINTS);
}
