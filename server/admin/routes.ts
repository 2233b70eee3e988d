/**
 * /_arclight/*: test-control endpoints, outside ARM authentication. Health and readiness for
 * CI and Docker, reset, the CA certificate, the emulator clock, and the clusters' agents.
 */
import express, { Request, Response, Router } from 'express';
import { Clock, ClockError, parseIsoDuration } from '../clock';
import { ArmError } from '../http/armErrors';
import { readJsonBody } from '../http/body';
import { sendArmError, sendJson } from '../http/responses';
import type { Services } from '../services';
import { agentControlRoutes } from './agentControl';

export interface AdminHooks {
  isReady(): { ready: boolean; checks: Record<string, boolean> };
  reset(subscriptionId?: string): void;
}

function clockView(clock: Clock) {
  return { now: clock.iso(), frozen: clock.frozen, offsetSeconds: Math.round((clock.nowMs() - Date.now()) / 1000) };
}

const badRequest = (message: string) => new ArmError(400, 'InvalidRequestContent', message);

export function adminRoutes(s: Services, hooks: AdminHooks): Router {
  const router = express.Router();
  const route = (fn: (req: Request, res: Response) => Promise<void> | void) => async (req: Request, res: Response) => {
    try {
      await fn(req, res);
    } catch (err) {
      sendArmError(res, err instanceof ClockError ? badRequest(err.message) : err, s.logger);
    }
  };

  router.get('/health', route((_req, res) => sendJson(res, 200, { status: 'healthy' })));
  router.get('/ready', route((_req, res) => {
    const state = hooks.isReady();
    sendJson(res, state.ready ? 200 : 503, { status: state.ready ? 'ready' : 'starting', checks: state.checks });
  }));

  router.post('/reset', route((req, res) => {
    const subscription = typeof req.query.subscription === 'string' ? req.query.subscription : undefined;
    if (subscription && !s.store.directory.subscription(subscription)) {
      throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscription}' could not be found.`);
    }
    hooks.reset(subscription);
    sendJson(res, 200, { reset: subscription ?? 'all' });
  }));

  router.get('/ca.pem', route((_req, res) => {
    res.setHeader('Content-Type', 'application/x-pem-file');
    res.end(s.ca.certPem);
  }));

  router.get('/clock', route((_req, res) => sendJson(res, 200, clockView(s.clock))));
  router.post('/clock/advance', route(async (req, res) => {
    const body = (await readJsonBody(req, s.config.bodyLimit)) as { seconds?: unknown; duration?: unknown } | string | undefined;
    let ms: number;
    if (typeof body === 'string') ms = parseIsoDuration(body);
    else if (typeof body?.seconds === 'number') ms = body.seconds * 1000;
    else if (typeof body?.duration === 'string') ms = parseIsoDuration(body.duration);
    else throw badRequest('Give {"seconds": N} or {"duration": "PT16M"} (an ISO 8601 duration).');
    s.clock.advance(ms);
    sendJson(res, 200, clockView(s.clock));
  }));
  router.put('/clock', route(async (req, res) => {
    const body = (await readJsonBody(req, s.config.bodyLimit)) as { now?: unknown; frozen?: unknown } | undefined;
    const at = typeof body?.now === 'string' ? Date.parse(body.now) : NaN;
    if (Number.isNaN(at)) throw badRequest('Give {"now": "<ISO 8601 instant>"} and optionally "frozen": true|false.');
    s.clock.setMs(at, typeof body?.frozen === 'boolean' ? body.frozen : s.clock.frozen);
    sendJson(res, 200, clockView(s.clock));
  }));
  agentControlRoutes(s, router, route);
  return router;
}
