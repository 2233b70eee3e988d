/**
 * The dashboard, /_arclight/ui: the page and its two files, built by `npm run build` into
 * dist/dashboard (see dashboard/), and the two endpoints it reads beside ARM and the rest of
 * test control:
 *   GET /_arclight/info           what the page needs to know of this instance (auth mode, tenant)
 *   GET /_arclight/connectivity   each cluster's connectivity timeline (platform/connectivityTimeline.ts)
 * The files are open (a browser cannot send the admin key when it loads a page; they hold no
 * state), read once, and answered with a Content-Security-Policy that lets the page reach
 * nothing but this origin.
 */
import * as fs from 'fs';
import { ArmError } from '../../kit/armErrors';
import { sendJson } from '../../gateway/responses';
import { packagePath } from '../../core/packageRoot';
import type { Services } from '../services';
import type { AdminRoute } from './adminRoute';

export const DASHBOARD_PATH = '/_arclight/ui';

const CONTENT_SECURITY_POLICY = [
  "default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'", "img-src 'self' data:",
  "base-uri 'none'", "form-action 'none'", "frame-ancestors 'none'",
].join('; ');

const FILES: Record<string, { file: string; type: string }> = {
  '/ui': { file: 'index.html', type: 'text/html; charset=utf-8' },
  '/ui/app.js': { file: 'app.js', type: 'text/javascript; charset=utf-8' },
  '/ui/styles.css': { file: 'styles.css', type: 'text/css; charset=utf-8' },
};

/** The built files, read at their first request (a server that nobody looks at reads none). */
function builtFile(cache: Map<string, Buffer>, file: string): Buffer {
  let content = cache.get(file);
  if (!content) {
    try {
      content = fs.readFileSync(packagePath('dist', 'dashboard', file));
    } catch {
      throw new ArmError(404, 'NotFound', `The dashboard is not built: dist/dashboard/${file} is missing; run 'npm run build'.`);
    }
    cache.set(file, content);
  }
  return content;
}

export function dashboardRoutes(s: Services): AdminRoute[] {
  const cache = new Map<string, Buffer>();
  const files: AdminRoute[] = Object.entries(FILES).map(([path, { file, type }]) => ({
    method: 'GET', path, open: true, independent: true, handle: (_req, res) => {
      const content = builtFile(cache, file);
      res.setHeader('Content-Type', type);
      res.setHeader('Content-Security-Policy', CONTENT_SECURITY_POLICY);
      res.setHeader('X-Content-Type-Options', 'nosniff');
      res.setHeader('Referrer-Policy', 'no-referrer');
      res.setHeader('Cache-Control', 'no-cache');
      res.end(content);
    },
  }));
  return [
    ...files,
    {
      method: 'GET', path: '/info', independent: true, handle: (_req, res) => sendJson(res, 200, {
        auth: s.config.auth,
        rbac: s.config.rbac,
        agents: s.config.agents,
        offlineAfterSeconds: s.config.offlineAfter,
        tenantId: s.defaults.tenantId,
        subscriptionId: s.defaults.subscriptionId,
        clientId: s.defaults.clientId,
      }),
    },
    { method: 'GET', path: '/connectivity', handle: (_req, res) => sendJson(res, 200, { now: s.clock.iso(), value: s.connectivityTimeline.list() }) },
  ];
}
