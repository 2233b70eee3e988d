/**
 * The HTTPS server builds requests and responses that already carry express's prototypes, so
 * express's per-request re-parenting does nothing; express features (req.query, res.json, the
 * admin router) and the ARM pipeline behave exactly as through supertest.
 */
import { strict as assert } from 'assert';
import * as https from 'https';
import { Socket } from 'net';
import express from 'express';
import { expressMessageClasses } from '../../server/http/messageClasses';
import { bearer, SUB, testServer, TestServer } from '../support/arclight';
import type { Json } from '../../protocol/json';

function call(server: TestServer, method: string, path: string, body?: unknown): Promise<{ status: number; headers: Record<string, unknown>; body: Json }> {
  return new Promise((resolve, reject) => {
    const req = https.request(`${server.url}${path}`, { method, agent: server.agent, headers: { Authorization: bearer(), 'Content-Type': 'application/json' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        resolve({ status: res.statusCode!, headers: res.headers, body: text ? JSON.parse(text) : undefined });
      });
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('HTTPS server', () => {
  it('makes requests and responses whose prototypes are the app\'s own', () => {
    const app = express();
    const { IncomingMessage, ServerResponse } = expressMessageClasses(app);
    assert.ok(IncomingMessage && ServerResponse, 'this Node builds requests and responses with plain functions');
    const req = new IncomingMessage(new Socket());
    const res = new ServerResponse(req);
    assert.equal(Object.getPrototypeOf(req), app.request);
    assert.equal(Object.getPrototypeOf(res), app.response);
    assert.equal(typeof (req as unknown as express.Request).get, 'function');
    assert.equal(typeof (res as unknown as express.Response).json, 'function');
    assert.equal(req.readable, true);
    assert.equal(res.statusCode, 200);
  });

  describe('over HTTPS', () => {
    let server: TestServer;
    before(async () => {
      server = await testServer();
    });
    after(() => server.stop());

    it('serves express routes (query parsing) and ARM requests with the ARM headers', async () => {
      const missing = await call(server, 'POST', '/_arclight/reset?subscription=11111111-1111-1111-1111-111111111111');
      assert.equal(missing.status, 404);
      assert.equal(missing.body.error.code, 'SubscriptionNotFound');
      const created = await call(server, 'PUT', `/subscriptions/${SUB}/resourceGroups/https-rg?api-version=2021-04-01`, { location: 'eastus' });
      assert.equal(created.status, 201);
      assert.equal(created.body.name, 'https-rg');
      assert.match(String(created.headers['x-ms-request-id']), /^[0-9a-f-]{36}$/);
      assert.equal(created.headers['x-powered-by'], undefined);
      const got = await call(server, 'GET', `/subscriptions/${SUB}/resourcegroups/HTTPS-RG?api-version=2021-04-01`);
      assert.equal(got.status, 200);
      assert.equal(got.body.name, 'https-rg');
      const bad = await call(server, 'GET', `/subscriptions/${SUB}/resourcegroups/https-rg`);
      assert.equal(bad.status, 400);
      assert.equal(bad.body.error.code, 'MissingApiVersionParameter');
    });
  });
});
