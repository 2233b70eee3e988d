/**
 * The throttling stage: every ARM request is counted against ARM's token buckets (see
 * kit/throttling.ts) and its response carries the x-ms-ratelimit-remaining-* headers Azure
 * sends. With --throttle arm an empty bucket answers 429 SubscriptionRequestsThrottled with
 * Retry-After, as Azure's front door does, before any fault or provider sees the request.
 */
import type { NextFunction, Request, Response } from 'express';
import type { ArmThrottle } from '../kit/throttling';
import { sendJson } from './responses';
import { pathOf, subscriptionOf, tokenCaller } from './armRequestFacts';

export function throttleStage(throttle: ArmThrottle) {
  return (req: Request, res: Response, next: NextFunction): void => {
    const caller = tokenCaller(req);
    const verdict = throttle.take({
      subscriptionId: subscriptionOf(pathOf(req)),
      tenantId: caller.tenantId,
      actor: caller.actor,
      method: req.method.toUpperCase(),
    });
    for (const [name, value] of verdict.headers) res.setHeader(name, value);
    if (!verdict.refusal) {
      next();
      return;
    }
    const refusal = verdict.refusal;
    sendJson(res, refusal.status, req.method === 'HEAD' ? undefined : refusal.toBody(), refusal.options.headers);
  };
}
