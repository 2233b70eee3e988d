/**
 * Everything that runs for a request, in order. Each stage either answers or passes the request
 * on; whatever a stage throws goes to the one exception handler at the end.
 *
 *   1. request context        ids, ARM's standard headers, `//` collapsed, the access-log line
 *                             and the request journal's entry
 *   2. test control           /_arclight/*: health, ready, ca.pem and reset answer first, whatever
 *                             state operations are in; the rest settle due operations themselves
 *   3. due operations         long-running operations whose time has come take effect, before
 *                             anything below reads
 *   4. cloud metadata         /metadata/endpoints
 *   5. Entra                  token service, OIDC documents, managed identity endpoints
 *   6. cluster side           /arc/*: the agents' discovery, identity service and data plane
 *   7. throttling             ARM's token buckets: x-ms-ratelimit-remaining-* headers on every ARM
 *                             response; with --throttle arm, 429 when a bucket is empty
 *   8. faults                 the first fault rule that fires: an error, latency, a dropped
 *                             connection (one length check while there is no rule)
 *   9. ARM                    authentication, api-version, spec route, body, validation, then the
 *                             resource type's handler in one store transaction, and rendering
 *  10. exception handler      any error, in its surface's envelope
 */
import express, { Express, NextFunction, Request, RequestHandler, Response } from 'express';
import type { Logger } from '../core/log';
import type { RequestJournal } from '../platform/requestJournal';
import { requestContext } from './requestContext';
import { normalisePublicUrl, PUBLIC_URL_SETTING } from './baseUrl';
import { exceptionHandler } from './exceptionHandler';
import { faultStage, FaultStageOptions } from './faultStage';
import { throttleStage } from './throttleStage';
import type { ArmThrottle } from '../kit/throttling';

export interface Surfaces {
  testControl: RequestHandler;
  metadata: RequestHandler;
  entra: RequestHandler;
  clusterSide: RequestHandler;
  arm: RequestHandler;
}

export interface GatewayOptions {
  logger: Logger;
  /** The region named in x-ms-routing-request-id. */
  routingRegion: string;
  publicUrl?: string;
  settleDueOperations(): void;
  nowMs(): number;
  throttle: ArmThrottle;
  faults: FaultStageOptions;
  journal: RequestJournal;
}

export function gatewayChain(o: GatewayOptions, surfaces: Surfaces): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set(PUBLIC_URL_SETTING, normalisePublicUrl(o.publicUrl));
  app.use(requestContext({ logger: o.logger, region: o.routingRegion, journal: o.journal, nowMs: o.nowMs }));
  app.use('/_arclight', surfaces.testControl);
  // Free while no operation can be due (see OperationStore.dueBy).
  app.use((_req: Request, _res: Response, next: NextFunction) => {
    o.settleDueOperations();
    next();
  });
  app.get('/metadata/endpoints', surfaces.metadata);
  app.use(surfaces.entra);
  app.use(surfaces.clusterSide);
  app.use(throttleStage(o.throttle));
  app.use(faultStage(o.faults));
  app.use(surfaces.arm);
  app.use(exceptionHandler(o.logger, o.nowMs));
  return app;
}
