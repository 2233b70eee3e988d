/**
 * The two reference servers Arclight is measured against, on the same paths and over HTTPS:
 *   bare     a Node `https` server answering fixed JSON from memory: the limit of this machine
 *            and load generator;
 *   express  a minimal express 5 + better-sqlite3 server: one prepared statement per request
 *            (SELECT by key, INSERT of a create, a keyset page of a list), stored JSON sent as
 *            it is, express defaults otherwise: the floor of Arclight's own stack.
 * Run as a child process: `node referenceServers.js <bare|express> <cert.pem> <key.pem>`;
 * it reports its port over IPC once listening. The bare server's answers (the bodies Arclight
 * gave for the same requests) arrive in a second message.
 */
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import Database from 'better-sqlite3';
import express, { Request, Response } from 'express';

export type ReferenceKind = 'bare' | 'express';

/** The fixed answers of the bare server. */
export interface BareFixtures {
  groupBody: string;
  clusterBody: string;
  extensionBody: string;
  /** Items of the list the walk reads, and the page size. */
  listItems: number;
  pageSize: number;
}

export const LIST_SEGMENT = '/providers/microsoft.kubernetes/connectedclusters';
const EXTENSIONS_SEGMENT = '/providers/microsoft.kubernetesconfiguration/extensions/';

export function bareServer(cert: string, key: string, fixtures: () => BareFixtures | undefined): https.Server {
  let pages: string[] | undefined;
  const page = (f: BareFixtures, index: number, host: string, path: string): string => {
    pages ??= Array.from({ length: Math.ceil(f.listItems / f.pageSize) }, (_, i) => {
      const count = Math.min(f.pageSize, f.listItems - i * f.pageSize);
      return `{"value":[${Array(count).fill(f.clusterBody).join(',')}]`;
    });
    const more = index + 1 < pages.length;
    return more ? `${pages[index]},"nextLink":"https://${host}${path}?api-version=2024-01-01&$skipToken=${index + 1}"}` : `${pages[index]}}`;
  };
  return https.createServer({ cert, key }, (req, res) => {
    const f = fixtures()!;
    const send = (status: number, text: string) => {
      res.writeHead(status, { 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': Buffer.byteLength(text) });
      res.end(text);
    };
    const [path, query = ''] = (req.url ?? '').split('?');
    const lower = path.toLowerCase();
    const isExtension = lower.includes(EXTENSIONS_SEGMENT);
    if (req.method === 'PUT') {
      req.resume();
      req.on('end', () => send(201, isExtension ? f.extensionBody : f.clusterBody));
      return;
    }
    if (isExtension) {
      send(200, f.extensionBody);
    } else if (lower.endsWith(LIST_SEGMENT)) {
      const token = /\$skipToken=(\d+)/.exec(query)?.[1];
      send(200, page(f, Number(token ?? 0), req.headers.host ?? 'localhost', path));
    } else if (lower.includes(LIST_SEGMENT)) {
      send(200, f.clusterBody);
    } else {
      send(200, f.groupBody);
    }
  });
}

export function expressServer(cert: string, key: string, pageSize: number): https.Server {
  const db = new Database(':memory:');
  db.exec(`CREATE TABLE resources (key TEXT PRIMARY KEY, parent TEXT NOT NULL, body TEXT NOT NULL) WITHOUT ROWID;
           CREATE INDEX resources_by_parent ON resources (parent, key);`);
  const select = db.prepare<[string], { body: string }>('SELECT body FROM resources WHERE key = ?');
  const insert = db.prepare<[string, string, string]>('INSERT OR IGNORE INTO resources (key, parent, body) VALUES (?, ?, ?)');
  const update = db.prepare<[string, string]>('UPDATE resources SET body = ? WHERE key = ?');
  const pageOf = db.prepare<[string, string, number], { key: string; body: string }>(
    'SELECT key, body FROM resources WHERE parent = ? AND key > ? ORDER BY key LIMIT ?');

  // A resource's parent is the collection it is listed in: its key without the last segment.
  const parentOf = (key: string) => key.slice(0, key.lastIndexOf('/'));
  const get = (req: Request, res: Response) => {
    const row = select.get(req.path.toLowerCase());
    if (!row) res.status(404).json({ error: { code: 'ResourceNotFound', message: 'not found' } });
    else res.type('application/json').send(row.body);
  };
  const put = (type: string) => (req: Request, res: Response) => {
    const name = String(req.params.name ?? req.params.group);
    const key = req.path.toLowerCase();
    const body = JSON.stringify({ ...req.body, id: req.path, name, type });
    // A create is one INSERT; only a re-PUT pays a second statement.
    const created = insert.run(key, parentOf(key), body).changes === 1;
    if (!created) update.run(body, key);
    res.status(created ? 201 : 200).type('application/json').send(body);
  };
  const list = (req: Request, res: Response) => {
    const parent = req.path.toLowerCase();
    const token = typeof req.query.$skipToken === 'string' ? Buffer.from(req.query.$skipToken, 'base64url').toString('utf8') : '';
    const rows = pageOf.all(parent, token, pageSize + 1);
    const items = rows.slice(0, pageSize);
    let text = `{"value":[${items.map((r) => r.body).join(',')}]`;
    if (rows.length > pageSize) {
      const skip = Buffer.from(items[items.length - 1].key, 'utf8').toString('base64url');
      text += `,"nextLink":"https://${req.headers.host}${req.path}?api-version=${req.query['api-version']}&$skipToken=${skip}"`;
    }
    res.type('application/json').send(`${text}}`);
  };

  const app = express();
  app.use(express.json());
  const group = '/subscriptions/:subscription/resourceGroups/:group';
  const cluster = `${group}/providers/Microsoft.Kubernetes/connectedClusters/:name`;
  const extension = `${group}/providers/Microsoft.Kubernetes/connectedClusters/:cluster/providers/Microsoft.KubernetesConfiguration/extensions/:name`;
  app.get(group, get);
  app.put(group, put('Microsoft.Resources/resourceGroups'));
  app.get(cluster, get);
  app.put(cluster, put('Microsoft.Kubernetes/connectedClusters'));
  app.get(`${group}/providers/Microsoft.Kubernetes/connectedClusters`, list);
  app.get(extension, get);
  app.put(extension, put('Microsoft.KubernetesConfiguration/extensions'));
  return https.createServer({ cert, key }, app);
}

if (require.main === module) {
  const [kind, certFile, keyFile, pageSize] = process.argv.slice(2);
  const cert = fs.readFileSync(certFile, 'utf8');
  const key = fs.readFileSync(keyFile, 'utf8');
  let fixtures: BareFixtures | undefined;
  process.on('message', (m: { fixtures?: BareFixtures }) => {
    if (m.fixtures) {
      fixtures = m.fixtures;
      process.send!({ fixturesLoaded: true });
    }
  });
  const server = kind === 'bare' ? bareServer(cert, key, () => fixtures) : expressServer(cert, key, Number(pageSize));
  server.listen(0, '127.0.0.1', () => process.send!({ port: (server.address() as AddressInfo).port }));
  process.on('disconnect', () => process.exit(0));
}
