/**
 * The cluster side's endpoints (specs/arclight/agent-protocol.json documents them):
 *   GET  /arc/his/discovery?location=|clusterId=                    the regional endpoints
 *   POST /arc/regions/{region}/his/certificates                     managed identity certificate
 *   POST /arc/regions/{region}/dataplane/heartbeat                  the agents' heartbeat
 *   GET  /arc/regions/{region}/dataplane/configurations             desired state
 *   POST /arc/regions/{region}/dataplane/configurations/{c}/{n}/status   status reports
 *   POST {/arc/dataplane | /arc/regions/{region}/dataplane}/azure-arc-k8sagents/{healthCheck,
 *        GetHelmSettings, GetLatestHelmPackagePath}                 what `az connectedk8s connect` calls
 */
import express, { Request, Response, Router } from 'express';
import { sendJson } from '../../gateway/responses';
import { readJsonObject } from '../../gateway/body';
import { baseUrlOf } from '../../gateway/baseUrl';
import type { Services } from '../services';
import { authenticateClusterAgent } from '../../clusterSide/agentAuthentication';
import { desiredState, heartbeat, reportStatus } from '../../clusterSide/dataPlane';
import { AGENTS_ROOT } from '../../clusterSide/endpoints';
import { arcRegion, discover, issueCertificate } from '../../clusterSide/identityService';
import { helmSettings, latestHelmPackagePath } from '../../clusterSide/onboardingCalls';

type Handler = (req: Request, res: Response) => Promise<unknown> | unknown;

export function agentRoutes(s: Services): Router {
  const router = express.Router();
  /** Answers the handler's result as JSON (200); errors go to the gateway's exception handler. */
  const json = (fn: Handler) => async (req: Request, res: Response) => sendJson(res, 200, await fn(req, res));
  const region = (req: Request) => String(req.params.region);
  /** Data-plane calls: the caller must be the cluster's own identity, in the cluster's region. */
  const asCluster = (req: Request) => {
    arcRegion(s, region(req));
    return authenticateClusterAgent(s, req.headers.authorization, region(req), baseUrlOf(req));
  };
  /** The Azure CLI's onboarding calls carry its ARM token; ARM's --auth rules judge it. */
  const asArmCaller = (req: Request) => {
    if (req.params.region !== undefined) arcRegion(s, region(req));
    s.auth.authenticate({ header: req.headers.authorization, baseUrl: baseUrlOf(req) });
  };

  router.get(`${AGENTS_ROOT}/his/discovery`, json((req) => discover(s, req.query, baseUrlOf(req))));
  const body = (req: Request) => readJsonObject(req, s.config.bodyLimit);
  router.post(`${AGENTS_ROOT}/regions/:region/his/certificates`, json(async (req) => issueCertificate(s, await body(req), region(req), baseUrlOf(req))));

  // Data-plane writes read their body first, then authenticate and load the cluster in the
  // transaction that writes: a PATCH or DELETE made while the body was arriving is not undone.
  const dataPlane = `${AGENTS_ROOT}/regions/:region/dataplane`;
  router.post(`${dataPlane}/heartbeat`, json(async (req) => {
    const report = await body(req);
    return s.store.transaction(() => heartbeat(s, asCluster(req), report));
  }));
  router.get(`${dataPlane}/configurations`, json((req) => s.store.transaction(() => desiredState(s, asCluster(req)))));
  router.post(`${dataPlane}/configurations/:collection/:name/status`, json(async (req) => {
    const report = await body(req);
    return s.store.transaction(() => reportStatus(s, asCluster(req), String(req.params.collection), String(req.params.name), report));
  }));

  for (const prefix of [`${AGENTS_ROOT}/dataplane`, dataPlane]) {
    router.post(`${prefix}/azure-arc-k8sagents/healthCheck`, json((req) => {
      asArmCaller(req);
      return {};
    }));
    router.post(`${prefix}/azure-arc-k8sagents/GetHelmSettings`, json(async (req) => {
      asArmCaller(req);
      return helmSettings(await body(req), req.query);
    }));
    router.post(`${prefix}/azure-arc-k8sagents/GetLatestHelmPackagePath`, json((req) => {
      if (req.params.region !== undefined) arcRegion(s, region(req));
      return latestHelmPackagePath(req.query);
    }));
  }
  return router;
}
