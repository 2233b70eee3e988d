/**
 * The request pipeline, in order, in one place:
 *   request ids and access log -> /_arclight test control -> due operations settled -> cloud metadata ->
 *   identity (token service, managed identity) -> Arc agent endpoints -> ARM
 *   (auth, api-version, spec route, body and validation, the provider's handler in one transaction, rendering).
 */
import express, { Express, NextFunction, Request, Response, Router } from 'express';
import * as http from 'http';
import type { Socket } from 'net';
import type { Services } from '../services';
import { requestContext } from './requestContext';
import { sendArmError } from './responses';
import { adminRoutes, AdminHooks } from '../admin/routes';
import { cloudMetadataHandler } from '../providers/resources/cloudMetadata';
import { armPipeline } from '../arm/pipeline';
import { normalisePublicUrl, PUBLIC_URL_SETTING } from './baseUrl';

export interface AppRoutes {
  identity?: Router;
  agents?: Router;
}

export function createApp(s: Services, hooks: AdminHooks, routes: AppRoutes = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set(PUBLIC_URL_SETTING, normalisePublicUrl(s.config.publicUrl));
  app.use(requestContext(s.logger, s.regions.regions[0]?.name ?? 'local'));
  // Test control settles what it reads itself: health, ready, ca.pem and reset answer whatever happens to operations.
  app.use('/_arclight', adminRoutes(s, hooks));
  // Operations that are due take effect before anything is read, whoever reads: ARM, the
  // agents' endpoints. (Free while none can be due: see OperationStore.dueBy.)
  app.use((_req: Request, _res: Response, next: NextFunction) => {
    s.operations.settleDue();
    next();
  });
  app.get('/metadata/endpoints', cloudMetadataHandler(s));
  if (routes.identity) app.use(routes.identity);
  if (routes.agents) app.use(routes.agents);
  app.use(armPipeline(s));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendArmError(res, err, s.logger));
  return app;
}

type MessageConstructor = (this: unknown, ...args: unknown[]) => void;
const isClass = (fn: unknown) => /^class[\s{]/.test(Function.prototype.toString.call(fn));

/**
 * Request and response classes for the HTTP(S) server whose prototypes already are the app's
 * (app.request and app.response). express's app.handle re-parents every request and response
 * with Object.setPrototypeOf, which V8 makes expensive (more than the rest of a GET); when the
 * prototype is already in place, that call does nothing. Behaviour is the same either way.
 * Node's constructors are plain functions, extended the way Node extends them; should they
 * ever be classes, the server keeps its own (Reflect.construct would do, but V8 makes the
 * objects it builds slow).
 */
export function expressMessageClasses(app: Express): { IncomingMessage?: typeof http.IncomingMessage; ServerResponse?: typeof http.ServerResponse } {
  if (isClass(http.IncomingMessage) || isClass(http.ServerResponse)) return {};
  function ArclightRequest(this: unknown, socket: Socket): void {
    (http.IncomingMessage as unknown as MessageConstructor).call(this, socket);
  }
  ArclightRequest.prototype = app.request;
  function ArclightResponse(this: unknown, req: http.IncomingMessage, options?: unknown): void {
    (http.ServerResponse as unknown as MessageConstructor).call(this, req, options);
  }
  ArclightResponse.prototype = app.response;
  return {
    IncomingMessage: ArclightRequest as unknown as typeof http.IncomingMessage,
    ServerResponse: ArclightResponse as unknown as typeof http.ServerResponse,
  };
}
