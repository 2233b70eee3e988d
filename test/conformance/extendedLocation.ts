/**
 * Microsoft.ExtendedLocation (customLocations, resourceSyncRules, enabledResourceTypes,
 * findTargetResourceGroup, the operation list) in the conformance runner: what the vendored
 * examples need to run as written, and which of their keys the server may leave out, and why.
 */
import request from 'supertest';
import type { ConformanceProvider } from './scenario';
import { bearer } from '../support/arclight';

/** The examples' subscription (a GUID, made to exist by extendedLocation.seed.json). */
const SUBSCRIPTION = '11111111-2222-3333-4444-555555555555';
const GROUP = `/subscriptions/${SUBSCRIPTION}/resourceGroups/testresourcegroup`;
/** The examples' host: an AKS managed cluster (Arclight's stand-in, see README "Microsoft.KubernetesConfiguration"). */
const HOST = `${GROUP}/providers/Microsoft.ContainerService/managedClusters/cluster01`;
const extension = (name: string) => `${HOST}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`;

export const extendedLocationConformance: ConformanceProvider = {
  namespace: 'Microsoft.ExtendedLocation',
  seed: 'test/conformance/extendedLocation.seed.json',
  groupLocation: 'westus',
  prepare(c) {
    // The examples' clusterExtensionIds are not extension ids: '.../connectedCluster/someCluster/
    // Microsoft.KubernetesConfiguration/clusterExtensions/fooExtension' (placeholders, a singular
    // type, no '/providers/' before the extension's namespace). Arclight checks that each names
    // an extension of the host, as Azure does, so each becomes the id of the extension of the same
    // name on the examples' host, which setup() creates.
    const ids = c.body?.properties?.clusterExtensionIds;
    if (!Array.isArray(ids)) return c;
    const fixed = ids.map((id: string) => extension(id.split('/').pop()!));
    return { ...c, body: { ...c.body, properties: { ...c.body.properties, clusterExtensionIds: fixed } } };
  },
  // The host cluster and the extensions the examples name; testrg is a resource sync rule's target.
  async setup(a) {
    const send = (path: string, body: unknown) => request(a.app).put(path).set('Authorization', bearer()).send(body as object);
    for (const group of ['testresourcegroup', 'testrg']) await send(`/subscriptions/${SUBSCRIPTION}/resourceGroups/${group}?api-version=2021-04-01`, { location: 'westus' });
    await send(`${HOST}?api-version=2024-05-01`, { location: 'westus' }).expect(201);
    for (const name of ['fooExtension', 'barExtension']) {
      await send(`${extension(name)}?api-version=2023-05-01`, { properties: { extensionType: `contoso.${name.toLowerCase()}` } }).expect(201);
    }
  },
  tolerances: [
    {
      path: 'properties.authentication',
      reason: 'the 2024-09-15-preview spec has no authentication property (the stored example revisions still show it, see specs/SOURCES.md), so its responses cannot carry it',
      only: [
        'CustomLocations_CreateOrUpdate Create/Update Custom Location', 'CustomLocations_Get Get Custom Location', 'CustomLocations_Update Update Custom Location',
        'CustomLocations_ListByResourceGroup List Custom Locations by resource group', 'CustomLocations_ListBySubscription List Custom Locations by subscription',
      ].map((example) => `2024-09-15-preview ${example}`),
    },
    {
      path: 'properties.typesMetadata[]',
      reason: 'which resource types an extension type enables is registered by its publisher with the Custom Locations service and is not public: Arclight lists none (README "Custom locations")',
    },
  ],
};
