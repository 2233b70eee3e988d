/**
 * /_arclight/*: test control, outside ARM authentication. Health and readiness for CI and
 * Docker, reset, the CA certificate, the emulator clock, the clusters' agents, the files
 * deployments link to, the request journal, the live event stream, the directory, snapshots
 * and the dashboard.
 *
 * The routes are a table, so that an unknown path is 404 and a known path asked with another
 * method is 405 (with Allow), both in ARM's envelope. With --admin-key every route but health,
 * ready and ca.pem needs `Authorization: Bearer <key>`. Routes that read or change resources
 * settle the operations that are due first; health, ready, ca.pem and reset never depend on
 * them, so they answer whatever state the operations are in.
 */
import { createHash, timingSafeEqual } from 'crypto';
import type { Request, Response } from 'express';
import { Clock, ClockError, parseIsoDuration } from '../../core/clock';
import { ArmError } from '../../kit/armErrors';
import { readJsonBody } from '../../gateway/body';
import { sendJson } from '../../gateway/responses';
import type { Services } from '../services';
import { agentControlRoutes } from './agentControl';
import { faultControlRoutes } from './faultControl';
import { journalControlRoutes } from './journalControl';
import { eventControlRoutes } from './eventControl';
import { linkedContentRoutes } from './linkedContentControl';
import { directoryRoutes } from './directoryControl';
import { snapshotRoutes } from './snapshotControl';
import { dashboardRoutes } from './dashboardControl';
import type { AdminRoute } from './adminRoute';

export interface AdminHooks {
  isReady(): { ready: boolean; checks: Record<string, boolean> };
  reset(subscriptionId?: string): void;
}


function clockView(clock: Clock) {
  return { now: clock.iso(), frozen: clock.frozen, offsetSeconds: Math.round((clock.nowMs() - Date.now()) / 1000) };
}

const badRequest = (message: string) => new ArmError(400, 'InvalidRequestContent', message);

/** A move the clock refuses (backwards, beyond what it can show) is the client's: 400. */
function moveClock(move: () => void): void {
  try {
    move();
  } catch (err) {
    throw err instanceof ClockError ? badRequest(err.message) : err;
  }
}

function baseRoutes(s: Services, hooks: AdminHooks): AdminRoute[] {
  return [
    { method: 'GET', path: '/health', open: true, independent: true, handle: (_req, res) => sendJson(res, 200, { status: 'healthy' }) },
    {
      method: 'GET', path: '/ready', open: true, independent: true, handle: (_req, res) => {
        const state = hooks.isReady();
        sendJson(res, state.ready ? 200 : 503, { status: state.ready ? 'ready' : 'starting', checks: state.checks });
      },
    },
    {
      method: 'GET', path: '/ca.pem', open: true, independent: true, handle: (_req, res) => {
        res.setHeader('Content-Type', 'application/x-pem-file');
        res.end(s.ca.certPem);
      },
    },
    {
      method: 'POST', path: '/reset', independent: true, handle: (req, res) => {
        const subscription = typeof req.query.subscription === 'string' ? req.query.subscription : undefined;
        if (subscription && !s.store.directory.subscription(subscription)) {
          throw new ArmError(404, 'SubscriptionNotFound', `The subscription '${subscription}' could not be found.`);
        }
        hooks.reset(subscription);
        sendJson(res, 200, { reset: subscription ?? 'all' });
      },
    },
    { method: 'GET', path: '/clock', handle: (_req, res) => sendJson(res, 200, clockView(s.clock)) },
    {
      method: 'POST', path: '/clock/advance', handle: async (req, res) => {
        const body = (await readJsonBody(req, s.config.bodyLimit)) as { seconds?: unknown; duration?: unknown } | string | undefined;
        moveClock(() => {
          if (typeof body === 'string') s.clock.advance(parseIsoDuration(body));
          else if (typeof body?.seconds === 'number') s.clock.advance(body.seconds * 1000);
          else if (typeof body?.duration === 'string') s.clock.advance(parseIsoDuration(body.duration));
          else throw badRequest('Give {"seconds": N} or {"duration": "PT16M"} (an ISO 8601 duration).');
        });
        sendJson(res, 200, clockView(s.clock));
      },
    },
    {
      method: 'PUT', path: '/clock', handle: async (req, res) => {
        const body = (await readJsonBody(req, s.config.bodyLimit)) as { now?: unknown; frozen?: unknown } | undefined;
        // {"frozen": true|false} alone stops or restarts the clock where it stands.
        const at = typeof body?.now === 'string' ? Date.parse(body.now) : body?.now === undefined && typeof body?.frozen === 'boolean' ? s.clock.nowMs() : NaN;
        if (Number.isNaN(at)) throw badRequest('Give {"now": "<ISO 8601 instant>"} and optionally "frozen": true|false, or {"frozen": true|false} alone.');
        moveClock(() => s.clock.setMs(at, typeof body?.frozen === 'boolean' ? body.frozen : s.clock.frozen));
        sendJson(res, 200, clockView(s.clock));
      },
    },
  ];
}

/** Whether the Authorization header carries the admin key (compared in constant time). */
function hasAdminKey(header: string | undefined, key: string): boolean {
  const sent = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '')?.[1] ?? '';
  const digest = (v: string) => createHash('sha256').update(v).digest();
  return timingSafeEqual(digest(sent), digest(key));
}

const matches = (route: AdminRoute, path: string) => (typeof route.path === 'string' ? route.path === path : route.path.test(path));

export function adminRoutes(s: Services, hooks: AdminHooks) {
  const routes = [
    ...baseRoutes(s, hooks), ...agentControlRoutes(s), ...linkedContentRoutes(s), ...journalControlRoutes(s), ...eventControlRoutes(s),
    ...faultControlRoutes(s), ...directoryRoutes(s), ...snapshotRoutes(s), ...dashboardRoutes(s),
  ];
  return async (req: Request, res: Response): Promise<void> => {
    const path = req.path.replace(/\/+$/, '') || '/';
    const method = req.method === 'HEAD' ? 'GET' : req.method;
    const candidates = routes.filter((r) => matches(r, path));
    const route = candidates.find((r) => r.method === method);
    if (!route) {
      if (!candidates.length) throw new ArmError(404, 'NotFound', `No test-control endpoint at '/_arclight${path}'.`);
      const allowed = [...new Set(candidates.map((r) => r.method))].join(', ');
      throw new ArmError(405, 'MethodNotAllowed', `The requested resource does not support http method '${req.method}'.`, { headers: { Allow: allowed } });
    }
    if (!route.open && s.config.adminKey !== undefined && !hasAdminKey(req.headers.authorization, s.config.adminKey)) {
      throw new ArmError(401, 'AuthenticationFailed', "Authentication failed. /_arclight needs 'Authorization: Bearer <admin key>' (--admin-key).",
        { headers: { 'WWW-Authenticate': 'Bearer realm="arclight-admin"' } });
    }
    if (!route.independent) s.operations.settleDue();
    await route.handle(req, res);
  };
}
