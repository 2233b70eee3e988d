/**
 * Writing responses: JSON bodies with the headers ARM always sends, and the error envelope.
 */
import type { Response } from 'express';
import type { Logger } from '../core/log';
import { ArmError, armErrors } from '../kit/armErrors';
import { RequestAborted } from './body';
import { noteOf } from './requestNote';

/** The code of an error body: ARM's `error.code`, or the token service's `error`. */
function errorCodeOf(body: unknown): string | undefined {
  const error = (body as { error?: unknown } | null)?.error;
  if (typeof error === 'string') return error;
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function sendJson(res: Response, status: number, body: unknown, headers?: Record<string, string>): void {
  if (headers) for (const [k, v] of Object.entries(headers)) res.setHeader(k, v);
  if (status >= 400 && typeof body === 'object') noteOf(res).errorCode = errorCodeOf(body);
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

/**
 * Any thrown value as an ArmError. Errors from the HTTP layer that carry a 4xx status (express's
 * router failing to decode a percent-encoded parameter, for one) are the client's: 400 in ARM's
 * envelope. Anything else is Arclight's fault: logged with its stack, answered 500 without detail.
 */
export function asArmError(err: unknown, logger: Logger): ArmError {
  if (err instanceof ArmError) return err;
  if (err instanceof URIError) return armErrors.invalidRequestUri();
  const status = (err as { status?: unknown })?.status;
  if (typeof status === 'number' && status >= 400 && status < 500) return new ArmError(status, 'BadRequest', 'The request is invalid.', { gateway: true });
  logger.error(`unexpected failure: ${(err as Error)?.stack ?? String(err)}`);
  return armErrors.internal();
}

/** Renders any thrown value as ARM's error envelope; unexpected ones are logged, not shown. */
export function sendArmError(res: Response, err: unknown, logger: Logger): void {
  if (err instanceof RequestAborted || res.destroyed) {
    logger.info(`${res.req?.method ?? ''} ${res.req?.path ?? ''}: ${err instanceof RequestAborted ? err.message : 'the client closed the connection'}`);
    res.destroy();
    return;
  }
  const armError = asArmError(err, logger);
  if (res.headersSent) {
    res.destroy();
    return;
  }
  if (armError.options.gateway) res.setHeader('x-ms-failure-cause', 'gateway');
  sendJson(res, armError.status, armError.toBody(), armError.options.headers);
}
