/**
 * GET /_arclight/events?types=resource,connectivity: the live event stream (see
 * platform/eventStream.ts) as server-sent events, one per change: `event:` its type, `data:`
 * its JSON. `types` takes categories (resource, operation, connectivity, certificate, clock,
 * fault) or whole types (resource.deleted); none means all. A comment line every 15 s keeps
 * proxies from closing a quiet stream.
 */
import type { Request } from 'express';
import { ArmError } from '../../kit/armErrors';
import { ArclightEvent, EVENT_CATEGORIES, EventTypes } from '../../platform/eventStream';
import type { Services } from '../services';
import type { AdminRoute } from './adminRoute';

const KEEP_ALIVE_MS = 15_000;
const CATEGORIES = new Set<string>(EVENT_CATEGORIES);

/** Each event's frame, made once for every stream that sends it (the stream hands them all the same object). */
const frames = new WeakMap<ArclightEvent, string>();

function frameOf(event: ArclightEvent): string {
  let frame = frames.get(event);
  if (frame === undefined) {
    frame = `event: ${event.type}\ndata: ${JSON.stringify(event)}\n\n`;
    frames.set(event, frame);
  }
  return frame;
}

function typesOf(req: Request): EventTypes {
  const params = new URLSearchParams(req.url.split('?')[1] ?? '');
  for (const name of params.keys()) {
    if (name !== 'types') throw new ArmError(400, 'InvalidQueryParameter', `'${name}' is not a parameter of /_arclight/events; it takes 'types'.`);
  }
  const raw = params.get('types');
  if (raw === null || raw.trim() === '') return undefined;
  const types = raw.split(',').map((t) => t.trim()).filter(Boolean);
  const unknown = types.find((t) => !CATEGORIES.has(t.split('.')[0]));
  if (unknown) throw new ArmError(400, 'InvalidQueryParameterValue', `'${unknown}' is no event type; the categories are ${EVENT_CATEGORIES.join(', ')}.`);
  return types;
}

export function eventControlRoutes(s: Services): AdminRoute[] {
  return [{
    method: 'GET', path: '/events', independent: true, handle: (req, res) => {
      const types = typesOf(req);
      res.writeHead(200, { 'Content-Type': 'text/event-stream; charset=utf-8', Connection: 'keep-alive', 'X-Accel-Buffering': 'no' });
      res.write(': arclight events\n\n');
      // The events of one turn of the event loop (the commits of several requests) go out in one
      // write, at its end: a write, a TLS record and a system call per event and stream cost more
      // than making the events did, and the turn's end is no more than milliseconds away.
      let pending = '';
      const flush = () => {
        if (!res.destroyed) res.write(pending);
        pending = '';
      };
      const unsubscribe = s.eventStream.subscribe(types, (event) => {
        if (pending === '') setImmediate(flush);
        pending += frameOf(event);
      });
      const keepAlive = setInterval(() => res.write(': keep-alive\n\n'), KEEP_ALIVE_MS).unref();
      res.on('close', () => {
        clearInterval(keepAlive);
        unsubscribe();
      });
    },
  }];
}
