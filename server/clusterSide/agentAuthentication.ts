/**
 * Who may call a region's data plane: only a connected cluster's own identity, whatever --auth
 * says (it governs ARM; the data plane hands out protected settings). The bearer token must be
 * one Arclight issued, unexpired on the emulator clock, for an ARM audience, to a managed
 * identity that still exists, whose `xms_mirid` is a connected cluster and whose `oid` is that
 * cluster's identity (a cluster deleted and connected again has a new one). A cluster of
 * another region is sent to its own region (421 WrongRegion).
 */
import { ArmError } from '../kit/armErrors';
import type { ClusterSideContext } from './context';
import type { StoredResource } from '../store/resources';
import { isArmAudience } from '../identity/audiences';
import { loadResource } from '../kit/resources';
import { CLUSTER_TYPE } from '../providers/kubernetes/connectedClusters';
import { regionalEndpoints } from './endpoints';

const SKEW_SECONDS = 300;

const unauthenticated = (code: string, message: string) => new ArmError(401, code, message, { headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description="${message}"` } });

export function authenticateClusterAgent(s: ClusterSideContext, header: string | undefined, region: string, baseUrl: string): StoredResource {
  const token = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1];
  if (!token) throw unauthenticated('AuthenticationFailed', "Authentication failed. The 'Authorization' header is missing or is not a bearer token of the cluster's identity.");
  const claims = s.tokens.verify(token);
  if (!claims) throw unauthenticated('InvalidAuthenticationToken', 'The access token is invalid: the data plane accepts only tokens Arclight issued to a cluster identity.');
  const now = s.clock.nowMs() / 1000;
  if (typeof claims.exp !== 'number' || claims.exp + SKEW_SECONDS < now) throw unauthenticated('ExpiredAuthenticationToken', 'The access token has expired: get a new one with the cluster identity certificate.');
  if (!isArmAudience(claims.aud, baseUrl)) throw unauthenticated('InvalidAuthenticationTokenAudience', 'The access token has been obtained for the wrong audience: ask for an ARM audience.');

  const forbidden = (why: string) => new ArmError(403, 'AuthorizationFailed', `The caller is not the identity of a connected cluster this data plane serves: ${why}.`);
  const resourceId = typeof claims.xms_mirid === 'string' ? claims.xms_mirid : '';
  if (!resourceId.toLowerCase().includes(`/providers/${CLUSTER_TYPE}/`)) throw forbidden('the token is not a connected cluster identity\'s');
  if (!s.tokens.principalExists(claims)) throw forbidden('the identity no longer exists (was the cluster deleted?)');
  const cluster = loadResource(s, resourceId);
  if (!cluster || cluster.body.identity?.principalId !== claims.oid) throw forbidden(`connected cluster '${resourceId}' does not exist or has another identity now`);
  requireRegion(s, cluster, region, baseUrl, 'dataPlaneEndpoint');
  return cluster;
}

/** A cluster's agents use their own region's endpoints. */
export function requireRegion(s: ClusterSideContext, cluster: StoredResource, region: string, baseUrl: string, endpoint: 'identityEndpoint' | 'dataPlaneEndpoint'): void {
  const asked = s.regions.resolve(region)?.name ?? region.toLowerCase();
  const home: string = cluster.body.location;
  if (asked !== home) {
    throw new ArmError(421, 'WrongRegion',
      `Connected cluster '${cluster.id}' is in region '${home}', not '${asked}'. Use ${regionalEndpoints(baseUrl, home)[endpoint]}.`);
  }
}
