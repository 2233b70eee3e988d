/**
 * The request pipeline, in order, in one place:
 *   request ids and access log -> /_arclight test control -> cloud metadata ->
 *   identity (token service, managed identity) -> Arc agent endpoints -> ARM
 *   (api-version, spec route and validation, auth, the provider's handler, rendering).
 */
import express, { Express, NextFunction, Request, Response, Router } from 'express';
import type { Services } from '../services';
import { requestContext } from './requestContext';
import { sendArmError } from './responses';
import { adminRoutes, AdminHooks } from '../admin/routes';
import { cloudMetadataHandler } from '../providers/resources/cloudMetadata';
import { armPipeline } from '../arm/pipeline';

export interface AppRoutes {
  identity?: Router;
  agents?: Router;
}

export function createApp(s: Services, hooks: AdminHooks, routes: AppRoutes = {}): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestContext(s.logger, s.regions.regions[0]?.name ?? 'local'));
  app.use('/_arclight', adminRoutes(s, hooks));
  app.get('/metadata/endpoints', cloudMetadataHandler(s));
  if (routes.identity) app.use(routes.identity);
  if (routes.agents) app.use(routes.agents);
  app.use(armPipeline(s));
  app.use((err: unknown, _req: Request, res: Response, _next: NextFunction) => sendArmError(res, err, s.logger));
  return app;
}
