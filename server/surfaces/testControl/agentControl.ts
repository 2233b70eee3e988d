/**
 * Test control of the cluster side, under /_arclight/clusters/{cluster ARM id}/...:
 *   POST .../connect      simulated agents start (or resume) for the cluster: Connected
 *   POST .../disconnect   they stop: the cluster goes Offline, then Expired, with the clock
 *   POST .../providers/Microsoft.KubernetesConfiguration/{collection}/{name}/fail   {"message"?}
 *   POST .../providers/Microsoft.KubernetesConfiguration/{collection}/{name}/recover
 *        the agents report that configuration failed (Failed / Non-Compliant) until recovered.
 * The ARM id may be given as it is (`/_arclight/clusters/subscriptions/...`) or URL-encoded.
 */
import type { Request } from 'express';
import { ArmError } from '../../kit/armErrors';
import { readJsonBody } from '../../gateway/body';
import { sendJson } from '../../gateway/responses';
import type { Services } from '../services';
import { loadResource } from '../../kit/resources';
import { CLUSTER_TYPE } from '../../providers/kubernetes/connectedClusters';
import { clusterState } from '../../clusterSide/dataPlane';
import type { AdminRoute } from './adminRoute';

const CONFIGURATION = /\/providers\/microsoft\.kubernetesconfiguration\/(extensions|fluxconfigurations|sourcecontrolconfigurations)\/[^/]+$/i;

/** The ARM id after /clusters in the request path (decoded, with its leading slash). */
function armIdOf(req: Request, action: string): string {
  const path = req.path.slice('/clusters'.length, -(action.length + 1));
  return `/${decodeURIComponent(path).replace(/^\/+/, '')}`;
}


export function agentControlRoutes(s: Services): AdminRoute[] {
  const clusterFor = (req: Request, action: string) => {
    const id = armIdOf(req, action);
    const cluster = loadResource(s, id);
    if (!cluster || cluster.type !== CLUSTER_TYPE) throw new ArmError(404, 'ResourceNotFound', `Connected cluster '${id}' was not found.`);
    return cluster;
  };
  const routes: AdminRoute[] = [
    {
      method: 'POST', path: /^\/clusters\/.+\/connect$/i,
      handle: (req, res) => sendJson(res, 200, clusterState(s, s.agentControl.connect(clusterFor(req, 'connect')))),
    },
    {
      method: 'POST', path: /^\/clusters\/.+\/disconnect$/i,
      handle: (req, res) => sendJson(res, 200, clusterState(s, s.agentControl.disconnect(clusterFor(req, 'disconnect')))),
    },
  ];
  for (const action of ['fail', 'recover'] as const) {
    routes.push({
      method: 'POST', path: new RegExp(`^/clusters/.+/${action}$`, 'i'),
      handle: async (req, res) => {
        // The body first: the configuration is read after it has arrived, so nothing written meanwhile is lost.
        const body = action === 'fail' ? ((await readJsonBody(req, s.config.bodyLimit)) ?? {}) as { message?: unknown } : {};
        const id = armIdOf(req, action);
        const config = CONFIGURATION.test(id) ? loadResource(s, id) : undefined;
        if (!config) throw new ArmError(404, 'ResourceNotFound', `Configuration '${id}' was not found (give the ARM id of an extension, flux configuration or source control configuration).`);
        const message = typeof body.message === 'string' && body.message ? body.message : 'Simulated failure (POST /_arclight/.../fail).';
        const updated = s.agentControl.setFailure(config, action === 'fail' ? message : undefined);
        sendJson(res, 200, { id: updated.id, properties: updated.body.properties });
      },
    });
  }
  return routes;
}
