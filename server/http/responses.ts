/**
 * Writing responses: JSON bodies with the headers ARM always sends, and the error envelope.
 */
import type { Response } from 'express';
import type { Logger } from '../log';
import { ArmError, armErrors } from './armErrors';

export function sendJson(res: Response, status: number, body: unknown, headers?: Record<string, string>): void {
  if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (body === undefined || status === 204 || status === 304) {
    res.statusCode = status;
    if (status !== 204 && status !== 304) res.setHeader('Content-Length', '0');
    res.end();
    return;
  }
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text));
  res.end(text);
}

/** Renders any thrown value as ARM's error envelope; unexpected ones are logged, not shown. */
export function sendArmError(res: Response, err: unknown, logger: Logger): void {
  let armError: ArmError;
  if (err instanceof ArmError) {
    armError = err;
  } else {
    logger.error(`unexpected failure: ${(err as Error)?.stack ?? String(err)}`);
    armError = armErrors.internal();
  }
  if (armError.options.gateway) res.setHeader('x-ms-failure-cause', 'gateway');
  if (res.headersSent) {
    res.destroy();
    return;
  }
  sendJson(res, armError.status, armError.toBody(), armError.options.headers);
}
