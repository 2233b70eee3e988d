/**
 * The one place a thrown error becomes an answer, in the envelope of the surface it came from:
 * the token service's refusals (EntraError) in Entra's shape, everything else in ARM's
 * `{"error": {"code", "message"}}`. Unexpected errors are logged with their stack and answered
 * 500 without detail; a client that went away mid-request costs one info line.
 */
import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../core/log';
import { EntraError, entraErrorBody } from '../identity/entraErrors';
import { baseUrlOf } from './baseUrl';
import { sendArmError, sendJson } from './responses';

export function exceptionHandler(logger: Logger, nowMs: () => number) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    if (!(err instanceof EntraError) || res.headersSent) {
      sendArmError(res, err, logger);
      return;
    }
    const traceId = String(res.getHeader('x-ms-request-id') ?? '');
    const clientRequestId = req.headers['client-request-id'];
    const correlationId = typeof clientRequestId === 'string' && clientRequestId ? clientRequestId : traceId;
    sendJson(res, err.status, entraErrorBody(err, { baseUrl: baseUrlOf(req), traceId, correlationId, nowMs: nowMs() }));
  };
}
