/**
 * Test control of fault rules (see kit/faults and gateway/faultStage.ts):
 *   POST   /_arclight/faults        {"match", "effect", "count"?, "probability"?, "seed"?, "until"?}
 *                                   201 with the rule as listed (its id first); 400 naming a bad field
 *   GET    /_arclight/faults        {"value": [rules, in the order they are matched]}
 *   GET    /_arclight/faults/{id}   one rule (with how often it fired)
 *   DELETE /_arclight/faults/{id}   200, or 404 when there is none
 *   DELETE /_arclight/faults        200: every rule gone (reset does the same)
 * They never settle due operations first: adding a rule must not itself move operations on.
 */
import { ArmError } from '../../kit/armErrors';
import { readJsonBody } from '../../gateway/body';
import { sendJson } from '../../gateway/responses';
import type { Services } from '../services';
import type { AdminRoute } from './adminRoute';

const ONE = /^\/faults\/[^/]+$/;

function idOf(path: string): string {
  return decodeURIComponent(path.slice('/faults/'.length));
}

const notFound = (id: string) => new ArmError(404, 'FaultRuleNotFound', `No fault rule with id '${id}'.`);

export function faultControlRoutes(s: Services): AdminRoute[] {
  return [
    {
      method: 'POST', path: '/faults', independent: true, handle: async (req, res) => {
        const body = await readJsonBody(req, s.config.bodyLimit);
        sendJson(res, 201, s.faults.add(body));
      },
    },
    { method: 'GET', path: '/faults', independent: true, handle: (_req, res) => sendJson(res, 200, { value: s.faults.list() }) },
    {
      method: 'DELETE', path: '/faults', independent: true, handle: (_req, res) => {
        s.faults.clear();
        sendJson(res, 200, { value: [] });
      },
    },
    {
      method: 'GET', path: ONE, independent: true, handle: (req, res) => {
        const rule = s.faults.get(idOf(req.path));
        if (!rule) throw notFound(idOf(req.path));
        sendJson(res, 200, rule);
      },
    },
    {
      method: 'DELETE', path: ONE, independent: true, handle: (req, res) => {
        const id = idOf(req.path);
        if (!s.faults.remove(id)) throw notFound(id);
        sendJson(res, 200, { deleted: id });
      },
    },
  ];
}
