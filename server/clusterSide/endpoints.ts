/**
 * Where the cluster agents' endpoints live, relative to Arclight's base URL. Regions are path
 * based: /arc/regions/{region}/his is a region's identity service (managed identity
 * certificates), /arc/regions/{region}/dataplane its configuration data plane. The global entries
 * are what the 2022-09-01 cloud metadata publishes for the Azure CLI.
 */
export const AGENTS_ROOT = '/arc';

export function agentEndpoints(base: string) {
  return {
    /** `arcConfigEndpoint`: the Azure CLI calls {this}/azure-arc-k8sagents/healthCheck etc. */
    configDataPlane: `${base}${AGENTS_ROOT}/dataplane`,
    /** `arcGlobalNotificationServiceEndpoint`. */
    notification: `${base}${AGENTS_ROOT}/notification`,
    /** `arcHybridIdentityServiceEndpoint`: {this}/discovery?location=... names a region's endpoints. */
    identityDiscovery: `${base}${AGENTS_ROOT}/his`,
    /** Azure Relay is not emulated; this is the public suffix so values keep their usual shape. */
    relaySuffix: 'servicebus.windows.net',
  };
}

export function regionalEndpoints(base: string, region: string) {
  return {
    location: region,
    identityEndpoint: `${base}${AGENTS_ROOT}/regions/${region}/his`,
    dataPlaneEndpoint: `${base}${AGENTS_ROOT}/regions/${region}/dataplane`,
  };
}
