/**
 * First in the chain: request ids and ARM's standard response headers, repeated slashes in
 * the path collapsed (ARM tolerates `//`), and one access-log line when the response ends.
 */
import { randomUUID } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../log';

const STANDARD_HEADERS: Record<string, string> = {
  'Cache-Control': 'no-cache',
  Pragma: 'no-cache',
  Expires: '-1',
  'Strict-Transport-Security': 'max-age=31536000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
};

export function requestContext(logger: Logger, region: string) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    const requestId = randomUUID();
    const correlation = req.headers['x-ms-correlation-request-id'];
    const clientRequestId = req.headers['x-ms-client-request-id'];
    res.setHeader('x-ms-request-id', requestId);
    res.setHeader('x-ms-correlation-request-id', typeof correlation === 'string' && correlation ? correlation : requestId);
    if (typeof clientRequestId === 'string') res.setHeader('x-ms-client-request-id', clientRequestId);
    const now = new Date();
    const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, 'Z');
    res.setHeader('x-ms-routing-request-id', `${region.toUpperCase()}:${stamp}:${requestId}`);
    for (const [k, v] of Object.entries(STANDARD_HEADERS)) res.setHeader(k, v);

    const q = req.url.indexOf('?');
    const path = q < 0 ? req.url : req.url.slice(0, q);
    if (path.includes('//')) req.url = path.replace(/\/{2,}/g, '/') + (q < 0 ? '' : req.url.slice(q));

    res.on('finish', () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      logger.access(req.method, path, res.statusCode, ms, requestId);
    });
    next();
  };
}
