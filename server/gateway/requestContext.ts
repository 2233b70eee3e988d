/**
 * First in the chain: request ids and ARM's standard response headers, repeated slashes in
 * the path collapsed (ARM tolerates `//`), and one access-log line when the response ends.
 */
import { randomUUID } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../core/log';

const STANDARD_HEADERS: ReadonlyArray<[string, string]> = [
  ['Cache-Control', 'no-cache'],
  ['Pragma', 'no-cache'],
  ['Expires', '-1'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
];

export function requestContext(logger: Logger, region: string) {
  const routingPrefix = `${region.toUpperCase()}:`;
  const logAccess = logger.enabled('info');
  // The routing id carries the time to the second: its text changes once a second, not per request.
  let stampSecond = -1;
  let stamp = '';
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = logAccess ? process.hrtime.bigint() : 0n;
    const requestId = randomUUID();
    const correlation = req.headers['x-ms-correlation-request-id'];
    const clientRequestId = req.headers['x-ms-client-request-id'];
    res.setHeader('x-ms-request-id', requestId);
    res.setHeader('x-ms-correlation-request-id', typeof correlation === 'string' && correlation ? correlation : requestId);
    if (typeof clientRequestId === 'string') res.setHeader('x-ms-client-request-id', clientRequestId);
    const second = Math.floor(Date.now() / 1000);
    if (second !== stampSecond) {
      stampSecond = second;
      stamp = new Date(second * 1000).toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    }
    res.setHeader('x-ms-routing-request-id', `${routingPrefix}${stamp}:${requestId}`);
    for (const [k, v] of STANDARD_HEADERS) res.setHeader(k, v);

    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (path.includes('//')) req.url = path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : req.url.slice(q));

    if (logAccess) {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        logger.access(req.method, path, res.statusCode, ms, requestId);
      });
    }
    next();
  };
}
