/**
 * /_arclight/requests: the request journal (see platform/requestJournal.ts).
 *   GET    ?method=&path=&apiVersion=&status=&errorCode=&principal=&clientRequestId=&fault=&limit=
 *          {"value": [entries, newest first]}; `path` matches a part of the path, the rest
 *          whole values (text ignoring case); `limit` defaults to 100.
 *   DELETE empties it (204).
 */
import type { Request } from 'express';
import { ArmError } from '../../kit/armErrors';
import { sendJson } from '../../gateway/responses';
import type { JournalFilter } from '../../platform/requestJournal';
import type { Services } from '../services';
import type { AdminRoute } from './adminRoute';

const DEFAULT_LIMIT = 100;
const TEXT_FILTERS = ['method', 'path', 'apiVersion', 'errorCode', 'principal', 'clientRequestId', 'fault'] as const;
const KNOWN = new Set<string>([...TEXT_FILTERS, 'status', 'limit']);

function wholeNumber(name: string, raw: string, min: number): number {
  if (!/^\d+$/.test(raw) || Number(raw) < min) throw new ArmError(400, 'InvalidQueryParameterValue', `The query parameter '${name}' must be a whole number of at least ${min}, not '${raw}'.`);
  return Number(raw);
}

function filterOf(req: Request): JournalFilter {
  const filter: JournalFilter = { limit: DEFAULT_LIMIT };
  for (const [name, value] of new URLSearchParams(req.url.split('?')[1] ?? '')) {
    if (!KNOWN.has(name)) throw new ArmError(400, 'InvalidQueryParameter', `'${name}' is not a filter of /_arclight/requests; the filters are ${[...KNOWN].join(', ')}.`);
    if (name === 'status') filter.status = wholeNumber(name, value, 100);
    else if (name === 'limit') filter.limit = wholeNumber(name, value, 1);
    else filter[name as (typeof TEXT_FILTERS)[number]] = value;
  }
  return filter;
}

export function journalControlRoutes(s: Services): AdminRoute[] {
  return [
    { method: 'GET', path: '/requests', independent: true, handle: (req, res) => sendJson(res, 200, { value: s.journal.list(filterOf(req)) }) },
    {
      method: 'DELETE', path: '/requests', independent: true, handle: (_req, res) => {
        s.journal.clear();
        sendJson(res, 204, undefined);
      },
    },
  ];
}
