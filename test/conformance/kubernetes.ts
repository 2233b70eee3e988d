/**
 * Microsoft.Kubernetes (connectedClusters) in the conformance runner: what the vendored
 * examples need to run as written, and which of their keys the server may leave out, and why.
 */
import type { ConformanceProvider } from './scenario';
import type { ExampleCase } from './exampleCatalog';
import { agentKeys } from '../support/keys';
import { parseAgentPublicKey } from '../../server/providers/kubernetes/agentKey';

/** The example bodies' first 2xx body: what a read of the example expects to see. */
const expectedBody = (c: ExampleCase) => {
  for (const status of ['200', '201', '202']) if (c.responses?.[status]?.body) return c.responses[status].body;
  return undefined;
};

export const kubernetesConformance: ConformanceProvider = {
  namespace: 'Microsoft.Kubernetes',
  seed: 'test/conformance/seed.json',
  groupLocation: 'eastus',
  // A ProvisionedCluster read (GetProvisionedClusterExample) needs a ProvisionedCluster create (CreateCluster_KindExample).
  variant: (c, role) => (role === 'create' ? c.body?.kind : expectedBody(c)?.kind) ?? '',
  prepare(c) {
    // The examples' agentPublicKeyCertificate is a 1999 X.509 certificate (with a stray space), not
    // the base64 DER RSA public key Arclight requires: a real PKCS#1 key (the same one for every
    // example, so re-PUTs and PATCHes send the key the cluster has) takes its place. Empty keys stay.
    const key = c.body?.properties?.agentPublicKeyCertificate;
    if (typeof key !== 'string' || key === '' || parseAgentPublicKey(key)) return c;
    return { ...c, body: { ...c.body, properties: { ...c.body.properties, agentPublicKeyCertificate: agentKeys().pkcs1 } } };
  },
  tolerances: [
    ...['kubernetesVersion', 'totalNodeCount', 'totalCoreCount', 'agentVersion', 'lastConnectivityTime', 'managedIdentityCertificateExpirationTime', 'offering']
      .map((field) => ({ path: `properties.${field}`, reason: 'reported by the cluster\'s agents: absent until an agent reports (no agent runs here)' })),
    ...['agentState', 'agentErrors', 'systemComponents', 'systemComponents[].currentVersion'].map((field) => ({
      path: `properties.arcAgentProfile.${field}`,
      reason: 'agent status, reported by the agents (and, for ProvisionedCluster, by AKS enabled by Arc, which Arclight does not emulate)',
    })),
    { path: 'properties.oidcIssuerProfile.issuerUrl', reason: 'set once the agents have onboarded the OIDC issuer (arcAgentProfile.agentState Succeeded); no agent runs here' },
    ...['securityProfile', 'oidcIssuerProfile', 'arcAgentProfile.desiredAgentVersion'].map((field) => ({
      path: `properties.${field}`,
      reason: 'the example reads a cluster created with workload identity, an OIDC issuer and a desired agent version, which no create example of its variant makes',
      only: ['2024-02-01-preview', '2024-06-01-preview', '2024-07-01-preview', '2024-07-15-preview', '2024-12-01-preview', '2025-12-01-preview', '2026-02-01-preview', '2026-05-01'].map((v) => `${v} ConnectedCluster_Get GetClusterExample`),
    })),
    { path: 'properties.miscellaneousProperties', reason: 'service-internal details of provisioned clusters (createCorrelationId, infrastructureVersion) that Arclight has none of' },
    { path: 'properties.aadProfile', reason: 'the agentless examples show an empty aadProfile ({}); Arclight leaves out a profile none of whose properties is set' },
    { path: 'nextLink', reason: 'ARM leaves nextLink out on the last page; the examples show a made-up next page' },
  ],
};
