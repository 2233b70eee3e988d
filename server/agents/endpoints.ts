/**
 * Where the Arc agents' endpoints live, relative to Arclight's base URL. Regions are path
 * based: /arc/regions/{region}/... is that region's data plane and identity service. The
 * global entries are what the 2022-09-01 cloud metadata publishes for the Azure CLI.
 */
export function agentEndpoints(base: string) {
  return {
    /** `arcConfigEndpoint`: the Azure CLI calls {this}/azure-arc-k8sagents/healthCheck etc. */
    configDataPlane: `${base}/arc/dataplane`,
    /** `arcGlobalNotificationServiceEndpoint`. */
    notification: `${base}/arc/notification`,
    /** `arcHybridIdentityServiceEndpoint`: {this}/discovery?location=... answers a region's endpoint. */
    identityDiscovery: `${base}/arc/his`,
    /** Azure Relay is not emulated; this is the public suffix so values keep their usual shape. */
    relaySuffix: 'servicebus.windows.net',
  };
}

export function regionalEndpoints(base: string, region: string) {
  return {
    dataPlane: `${base}/arc/regions/${region}/dataplane`,
    identity: `${base}/arc/regions/${region}/his`,
  };
}
