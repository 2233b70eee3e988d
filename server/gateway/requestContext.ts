/**
 * First in the chain: request ids and ARM's standard response headers, repeated slashes in
 * the path collapsed (ARM tolerates `//`), and when the response ends one access-log line and
 * the request's entry in the journal (test control's own requests are not journalled).
 */
import { randomUUID } from 'crypto';
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../core/log';
import type { RequestJournal } from '../platform/requestJournal';
import { noteOf } from './requestNote';

const STANDARD_HEADERS: ReadonlyArray<[string, string]> = [
  ['Cache-Control', 'no-cache'],
  ['Pragma', 'no-cache'],
  ['Expires', '-1'],
  ['Strict-Transport-Security', 'max-age=31536000; includeSubDomains'],
  ['X-Content-Type-Options', 'nosniff'],
];

export interface RequestContextOptions {
  logger: Logger;
  /** The region named in x-ms-routing-request-id. */
  region: string;
  journal: RequestJournal;
  /** The emulator clock, for the journal's times. */
  nowMs(): number;
}

function journalEntry(o: RequestContextOptions, req: Request, res: Response, path: string, requestId: string, timeMs: number, ms: number): void {
  const note = noteOf(res);
  const clientRequestId = req.headers['x-ms-client-request-id'] ?? req.headers['client-request-id'];
  const fault = (res.locals.arclightFault as { id?: unknown } | undefined)?.id;
  o.journal.record({
    id: requestId, timeMs, method: req.method, path,
    apiVersion: note.apiVersion ?? /[?&]api-version=([^&]*)/i.exec(req.url)?.[1] ?? null,
    status: res.statusCode, errorCode: note.errorCode ?? null, durationMs: Math.round(ms * 1000) / 1000,
    principal: note.principal ?? null, clientRequestId: typeof clientRequestId === 'string' ? clientRequestId : null,
    fault: typeof fault === 'string' ? fault : null,
    rawHeaders: req.rawHeaders, bodyText: note.bodyText,
  });
}

export function requestContext(o: RequestContextOptions) {
  const { logger, region, journal } = o;
  const routingPrefix = `${region.toUpperCase()}:`;
  const logAccess = logger.enabled('info');
  // The routing id carries the time to the second: its text changes once a second, not per request.
  let stampSecond = -1;
  let stamp = '';
  return (req: Request, res: Response, next: NextFunction): void => {
    const journalled = journal.enabled && !req.url.startsWith('/_arclight');
    const started = logAccess || journalled ? process.hrtime.bigint() : 0n;
    const time = journalled ? o.nowMs() : 0;
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

    if (logAccess || journalled) {
      res.on('finish', () => {
        const ms = Number(process.hrtime.bigint() - started) / 1e6;
        if (logAccess) logger.access(req.method, path, res.statusCode, ms, requestId);
        if (journalled) journalEntry(o, req, res, path, requestId, time, ms);
      });
    }
    next();
  };
}
