/**
 * Snapshots of the whole state, under /_arclight/snapshots (see store/snapshots.ts):
 *   POST   /snapshots                 {"name"}        201 {name, createdAt, bytes}  (replaces one of that name)
 *   GET    /snapshots                                 200 {"value": [{name, createdAt, bytes}]}
 *   GET    /snapshots/{name}                          200 {name, createdAt, bytes}
 *   POST   /snapshots/{name}/restore                  200 {name, restored: true, clock}
 *   DELETE /snapshots/{name}                          200 {name, createdAt, bytes}
 *   GET    /snapshots/{name}/export                   200 the SQLite file (application/vnd.sqlite3)
 *   PUT    /snapshots/{name}          the file        201 {name, createdAt, bytes}
 * None settles due operations first: a snapshot keeps operations exactly as they stand.
 */
import type { Request } from 'express';
import { ArmError } from '../../kit/armErrors';
import { readJsonBody, readRawBody } from '../../gateway/body';
import { sendJson } from '../../gateway/responses';
import { SnapshotError, SnapshotStore } from '../../store/snapshots';
import type { Services } from '../services';
import type { AdminRoute } from './adminRoute';

/** Uploads may be far larger than ARM bodies: a whole state. */
const MAX_SNAPSHOT_BYTES = 1024 * 1024 * 1024;
const STATUS = { badName: [400, 'InvalidSnapshotName'], notFound: [404, 'SnapshotNotFound'], badFile: [400, 'InvalidSnapshotFile'], full: [409, 'TooManySnapshots'] } as const;

/** The store's refusals in ARM's envelope; the programmatic client sees the same errors. */
export function snapshotCall<T>(call: () => T): T {
  try {
    return call();
  } catch (err) {
    if (!(err instanceof SnapshotError)) throw err;
    const [status, code] = STATUS[err.kind];
    throw new ArmError(status, code, err.message);
  }
}

/** The {name} segment of /snapshots/{name}[/action]. */
function nameOf(req: Request): string {
  const raw = req.path.split('/').filter(Boolean)[1] ?? '';
  try {
    return decodeURIComponent(raw);
  } catch {
    throw new ArmError(400, 'InvalidSnapshotName', 'The snapshot name is not valid URL encoding.');
  }
}

export function snapshotRoutes(s: Services): AdminRoute[] {
  const snapshots = s.snapshots;
  const one = /^\/snapshots\/[^/]+$/i;
  return [
    {
      method: 'POST', path: '/snapshots', independent: true, handle: async (req, res) => {
        const body = await readJsonBody(req, s.config.bodyLimit) as { name?: unknown } | undefined;
        if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof body.name !== 'string') {
          throw new ArmError(400, 'InvalidRequestContent', 'Give {"name": "<snapshot name>"}.');
        }
        const name = body.name;
        sendJson(res, 201, snapshotCall(() => snapshots.save(name)));
      },
    },
    { method: 'GET', path: '/snapshots', independent: true, handle: (_req, res) => sendJson(res, 200, { value: snapshots.list() }) },
    { method: 'GET', path: one, independent: true, handle: (req, res) => sendJson(res, 200, snapshotCall(() => snapshots.get(nameOf(req)))) },
    {
      method: 'DELETE', path: one, independent: true, handle: (req, res) => {
        const name = nameOf(req);
        const info = snapshotCall(() => snapshots.get(name));
        snapshotCall(() => snapshots.delete(name));
        sendJson(res, 200, info);
      },
    },
    {
      method: 'PUT', path: one, independent: true, handle: async (req, res) => {
        const name = nameOf(req);
        snapshotCall(() => SnapshotStore.checkName(name));
        const file = await readRawBody(req, MAX_SNAPSHOT_BYTES);
        sendJson(res, 201, snapshotCall(() => snapshots.import(name, file)));
      },
    },
    {
      method: 'POST', path: /^\/snapshots\/[^/]+\/restore$/i, independent: true, handle: (req, res) => {
        const name = nameOf(req);
        snapshotCall(() => snapshots.restore(name));
        sendJson(res, 200, { name, restored: true, clock: s.clock.iso() });
      },
    },
    {
      method: 'GET', path: /^\/snapshots\/[^/]+\/export$/i, independent: true, handle: (req, res) => {
        const name = nameOf(req);
        const file = snapshotCall(() => snapshots.export(name));
        res.status(200);
        res.setHeader('Content-Type', 'application/vnd.sqlite3');
        res.setHeader('Content-Disposition', `attachment; filename="${name}.db"`);
        res.setHeader('Content-Length', String(file.length));
        res.end(file);
      },
    },
  ];
}
