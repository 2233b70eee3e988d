/**
 * Linked deployment content under /_arclight/templates/{path} (README "Test control"): JSON files
 * a deployment's templateLink or parametersLink can name, since Arclight fetches nothing from
 * elsewhere (see surfaces/arm/deploymentContent.ts).
 *   PUT    .../{path}   stores the body (JSON; comments allowed, as in template files): 201, or 200 when replaced
 *   GET    .../{path}   the text as stored
 *   DELETE .../{path}   204
 *   GET    /_arclight/templates   { value: [{ path, uri }] }
 */
import type { Request } from 'express';
import { ArmError } from '../../kit/armErrors';
import { baseUrlOf } from '../../gateway/baseUrl';
import { readRawBody } from '../../gateway/body';
import { sendJson } from '../../gateway/responses';
import { parseTemplateText } from '../../templates';
import { LINKED_CONTENT_ROOT } from '../arm/deploymentContent';
import type { Services } from '../services';
import type { AdminRoute } from './adminRoute';

const ITEM = /^\/templates\/.+$/;

/** The file's path under the root, decoded; empty, `.` and `..` segments are refused (a path names one file). */
function pathOf(req: Request): string {
  const raw = req.path.slice('/templates/'.length).replace(/\/+$/, '');
  let path: string;
  try {
    path = decodeURIComponent(raw);
  } catch {
    throw new ArmError(400, 'InvalidRequestContent', `The path '${raw}' is not a valid URL path.`);
  }
  if (!path || path.split('/').some((seg) => seg === '' || seg === '.' || seg === '..')) {
    throw new ArmError(400, 'InvalidRequestContent', `The path '${path}' must be one or more non-empty segments, without '.' or '..'.`);
  }
  return path;
}

const uriOf = (req: Request, path: string) => `${baseUrlOf(req)}${LINKED_CONTENT_ROOT}${path.split('/').map(encodeURIComponent).join('/')}`;

export function linkedContentRoutes(s: Services): AdminRoute[] {
  return [
    {
      method: 'GET', path: '/templates',
      handle: (req, res) => sendJson(res, 200, { value: s.store.linkedContent.paths().map((path) => ({ path, uri: uriOf(req, path) })) }),
    },
    {
      method: 'PUT', path: ITEM,
      handle: async (req, res) => {
        const path = pathOf(req);
        let text = (await readRawBody(req, s.config.bodyLimit)).toString('utf8');
        if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
        try {
          parseTemplateText(text);
        } catch (err) {
          throw new ArmError(400, 'InvalidRequestContent', `The file is not JSON: ${(err as Error).message}`);
        }
        const existed = s.store.linkedContent.get(path) !== undefined;
        s.store.linkedContent.put(path, text, s.clock.nowMs());
        sendJson(res, existed ? 200 : 201, { path, uri: uriOf(req, path) });
      },
    },
    {
      method: 'GET', path: ITEM,
      handle: (req, res) => {
        const path = pathOf(req);
        const text = s.store.linkedContent.get(path);
        if (text === undefined) throw new ArmError(404, 'NotFound', `No linked file at '${LINKED_CONTENT_ROOT}${path}'.`);
        sendJson(res, 200, text);
      },
    },
    {
      method: 'DELETE', path: ITEM,
      handle: (req, res) => {
        s.store.linkedContent.delete(pathOf(req));
        sendJson(res, 204, undefined);
      },
    },
  ];
}
