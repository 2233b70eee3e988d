/**
 * The fault stage: just before ARM, a request meets the first fault rule that fires for it (see
 * kit/faults): an HTTP error in ARM's envelope, added latency, or a dropped connection. Rules
 * that force a long-running operation's outcome fire later, when the request starts its
 * operation: for those, the request's facts travel with it (AsyncLocalStorage) down to
 * AsyncOperations.start, whose hook (operationFaults) asks the rules.
 *
 * With no rule the stage is one length check. Every fault fired marks the response
 * (`res.locals.arclightFault = { id, effect }`) and emits a `fault.fired` event, which the
 * request journal and the event stream read.
 */
import { AsyncLocalStorage } from 'async_hooks';
import type { NextFunction, Request, Response } from 'express';
import type { FaultFacts, FaultRules, FiredFault } from '../kit/faults/faultRules';
import type { ForcedOutcome } from '../kit/asyncOperations';
import type { OperationRecord } from '../store/operations';
import { sendJson } from './responses';
import { apiVersionOf, isStatusPoll, pathOf, resourceTypeOfPath, segmentsOf, subscriptionOf, tokenCaller } from './armRequestFacts';

/** What marks a response a fault hit, for whoever reads responses afterwards (the journal). */
export interface FaultMark {
  id: string;
  effect: FiredFault['effect']['kind'];
}

interface InFlight {
  facts: FaultFacts;
  res: Response;
}

/** The request being handled, while rules that decide operations' outcomes exist. */
const inFlight = new AsyncLocalStorage<InFlight>();

export interface FaultStageOptions {
  faults: FaultRules;
  /** The region a path is about (its `locations/{x}` segment, or the stored location of what it addresses). */
  regionOf(segments: readonly string[]): string | undefined;
}

function factsOf(req: Request, o: FaultStageOptions): FaultFacts {
  const method = req.method.toUpperCase();
  const path = pathOf(req);
  const segments = segmentsOf(path);
  let region: string | null | undefined = null;
  return {
    method,
    path,
    apiVersion: apiVersionOf(req),
    subscriptionId: subscriptionOf(path),
    resourceType: resourceTypeOfPath(segments, method),
    operation: isStatusPoll(segments) ? 'statusPoll' : 'request',
    principals: tokenCaller(req).principals,
    region: () => (region === null ? (region = o.regionOf(segments)) : region),
  };
}

function mark(res: Response, fired: FiredFault): void {
  const locals = res.locals as { arclightFault?: FaultMark };
  locals.arclightFault = { id: fired.ruleId, effect: fired.effect.kind };
}

export function faultStage(o: FaultStageOptions) {
  const { faults } = o;
  return (req: Request, res: Response, next: NextFunction): void => {
    if (!faults.hasRequestRules && !faults.hasOperationRules) {
      next();
      return;
    }
    const facts = factsOf(req, o);
    const proceed = faults.hasOperationRules ? () => inFlight.run({ facts, res }, next) : next;
    const fired = faults.hasRequestRules ? faults.forRequest(facts) : undefined;
    if (!fired) {
      proceed();
      return;
    }
    mark(res, fired);
    const effect = fired.effect;
    if (effect.kind === 'latency') {
      // Real time, not the emulator clock: latency is what a client's timeouts and timers see.
      setTimeout(proceed, effect.latencyMs);
      return;
    }
    if (effect.kind === 'drop') {
      req.socket.destroy();
      return;
    }
    if (effect.kind !== 'error') {
      proceed();
      return;
    }
    const headers: Record<string, string> = { ...effect.headers };
    if (effect.retryAfter !== undefined) headers['Retry-After'] = String(effect.retryAfter);
    sendJson(res, effect.status, req.method === 'HEAD' ? undefined : { error: { code: effect.code, message: effect.message } }, headers);
  };
}

/** The method that starts an operation of each verb, as Arclight's own requests (a deployment's) send it. */
const VERB_METHODS: Record<string, string> = { create: 'PUT', update: 'PUT', delete: 'DELETE' };

/**
 * The facts of an operation being started. When the request being handled addresses the
 * operation's resource (or an action on it), they are that request's. Otherwise the operation
 * is one Arclight starts for another (a template deployment's resources, deployed when the
 * deployment's own operation settles): its facts are its resource's, the method its verb's,
 * and the caller the request's in flight, if any.
 */
function operationFacts(op: OperationRecord, current: InFlight | undefined, regionOf: FaultStageOptions['regionOf']): FaultFacts {
  const resourceId = op.resourceId ?? '';
  if (current && resourceId && current.facts.path.toLowerCase().startsWith(resourceId.toLowerCase())) return { ...current.facts, operation: 'longRunningOperation' };
  const segments = segmentsOf(resourceId);
  let region: string | null | undefined = null;
  return {
    method: VERB_METHODS[String(op.data.verb)] ?? 'PUT',
    path: resourceId,
    apiVersion: op.apiVersion,
    subscriptionId: op.subscriptionId ?? undefined,
    resourceType: resourceTypeOfPath(segments, 'GET'),
    operation: 'longRunningOperation',
    principals: current?.facts.principals ?? [],
    region: () => (region === null ? (region = regionOf(segments)) : region),
  };
}

/** AsyncOperations' forcedOutcome hook: the outcome a rule forces on an operation being started, if any. */
export function operationFaults(faults: FaultRules, regionOf: FaultStageOptions['regionOf']): (op: OperationRecord) => ForcedOutcome | undefined {
  return (op) => {
    if (!faults.hasOperationRules) return undefined;
    const current = inFlight.getStore();
    const fired = faults.forOperation(operationFacts(op, current, regionOf), op.id);
    if (!fired || fired.effect.kind !== 'operation') return undefined;
    if (current) mark(current.res, fired);
    return { ruleId: fired.ruleId, status: fired.effect.operationStatus, error: { code: fired.effect.code, message: fired.effect.message } };
  };
}
