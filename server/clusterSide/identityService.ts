/**
 * The Hybrid Identity Service, as Arclight serves it: a global discovery endpoint that names a
 * region's endpoints (for a location, or for a cluster), and per region the endpoint that issues
 * a cluster's managed identity certificate to whoever proves possession of its onboarding key.
 */
import { ArmError } from '../kit/armErrors';
import type { ClusterSideContext } from './context';
import { loadResource } from '../kit/resources';
import { parseAgentPublicKey } from '../providers/kubernetes/agentKey';
import { CLUSTER_TYPE } from '../providers/kubernetes/connectedClusters';
import { requireRegion } from './agentAuthentication';
import { regionalEndpoints } from './endpoints';
import { issueIdentityCertificate, parsePublicKeyPem } from './identityCertificates';
import { proofReused, verifyProof } from './proofOfPossession';

/** The region Arc serves under `name` (case and spaces ignored), or 404. */
export function arcRegion(s: ClusterSideContext, name: string): string {
  const region = s.regions.resolve(name);
  if (!region || !s.regions.set('arcKubernetes').includes(region)) {
    throw new ArmError(404, 'RegionNotFound', `Azure Arc-enabled Kubernetes is not offered in region '${name}'.`);
  }
  return region.name;
}

export function discover(s: ClusterSideContext, query: Record<string, unknown>, baseUrl: string) {
  if (typeof query.clusterId === 'string' && query.clusterId) {
    const cluster = loadResource(s, query.clusterId);
    if (!cluster || cluster.type !== CLUSTER_TYPE) throw new ArmError(404, 'ClusterNotFound', `Connected cluster '${query.clusterId}' was not found.`);
    return regionalEndpoints(baseUrl, cluster.body.location);
  }
  if (typeof query.location !== 'string' || !query.location) {
    throw new ArmError(400, 'MissingLocation', "Give the query parameter 'location' (a region) or 'clusterId' (a connected cluster's ARM id).");
  }
  return regionalEndpoints(baseUrl, arcRegion(s, query.location));
}

export function issueCertificate(s: ClusterSideContext, body: Record<string, unknown>, region: string, baseUrl: string) {
  arcRegion(s, region);
  if (typeof body.clusterId !== 'string' || typeof body.proof !== 'string') {
    throw new ArmError(400, 'InvalidRequestContent', "The request needs 'clusterId' (the connected cluster's ARM id) and 'proof' (a JWT signed with its onboarding private key).");
  }
  const { clusterId, proof } = body;
  const publicKey = body.publicKey === undefined ? undefined : parsePublicKeyPem(body.publicKey);
  // The cluster is read in the transaction that issues: nothing written while the body arrived is undone.
  return s.store.transaction(() => {
    const cluster = loadResource(s, clusterId);
    if (!cluster || cluster.type !== CLUSTER_TYPE) throw new ArmError(404, 'ClusterNotFound', `Connected cluster '${clusterId}' was not found.`);
    const onboardingKey = parseAgentPublicKey(String(cluster.body.properties?.agentPublicKeyCertificate ?? ''));
    if (!onboardingKey) throw new ArmError(400, 'AgentlessCluster', `Connected cluster '${cluster.id}' has no onboarding key: it is onboarded without agents.`);
    requireRegion(s, cluster, region, baseUrl, 'identityEndpoint');
    const endpoints = regionalEndpoints(baseUrl, cluster.body.location);
    const accepted = verifyProof(proof, onboardingKey, cluster.id, `${endpoints.identityEndpoint}/certificates`, s.clock.nowMs());
    const earliestNow = Math.min(s.clock.nowMs(), Date.now());
    if (!s.store.usedProofs.claim(`${cluster.key}|${accepted.id}`, accepted.expiresAtMs, earliestNow)) throw proofReused();
    const issued = issueIdentityCertificate(s, cluster, publicKey);
    return {
      clusterId: cluster.id,
      location: cluster.body.location,
      ...issued,
      tokenEndpoint: `${baseUrl}/${issued.tenantId}/oauth2/v2.0/token`,
      dataPlaneEndpoint: endpoints.dataPlaneEndpoint,
    };
  });
}
