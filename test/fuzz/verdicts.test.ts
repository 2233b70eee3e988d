/**
 * The fuzzer's own rules, checked on made-up answers: each check fires when it should and
 * only then (the fuzz pass itself cannot show that for checks today's server never trips),
 * and the generator is deterministic for a seed.
 */
import { strict as assert } from 'assert';
import type { FuzzCase, Outcome } from './httpClient';
import { parseRawResponse } from './httpClient';
import { mutateBody, BODY_MUTATION_KINDS } from './mutations';
import { Rng } from './random';
import { SchemaSampler } from './schemaValues';
import { judge, loggedFailures } from './verdicts';

const request = (over: Partial<FuzzCase> = {}): FuzzCase => ({ surface: 'arm', kind: 'test', origin: 'test', method: 'GET', path: '/x', headers: {}, ...over });

function answer(status: number, body: unknown, headers: Record<string, string> = {}): Outcome {
  const text = body === undefined ? '' : typeof body === 'string' ? body : JSON.stringify(body);
  const type = typeof body === 'string' || body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' };
  return { status, headers: { 'x-ms-request-id': 'id', ...type, ...headers }, body: Buffer.from(text), ms: 1 };
}

const ARM_ERROR = { error: { code: 'BadRequest', message: 'no' } };
const ENTRA_ERROR = { error: 'invalid_request', error_description: 'AADSTS90002: no' };
const APP_SERVICE_ERROR = { statusCode: 400, message: 'no', correlationId: 'c' };

describe('fuzz: the verdict rules', () => {
  it('accepts answers that keep the rules', () => {
    assert.deepEqual(judge(request(), answer(200, { value: [] })), []);
    assert.deepEqual(judge(request(), answer(404, ARM_ERROR)), []);
    assert.deepEqual(judge(request({ method: 'HEAD' }), answer(204, undefined)), []);
    assert.deepEqual(judge(request(), answer(413, ARM_ERROR, { connection: 'close' })), [], 'a refused body may close the connection');
    assert.deepEqual(judge(request(), answer(-1, undefined)), [], 'an aborted body has no answer to judge');
  });

  it('fails a 5xx, a timeout, and a request Node refused to send', () => {
    assert.deepEqual(judge(request(), answer(500, ARM_ERROR)), ['5xx status']);
    assert.deepEqual(judge(request(), answer(503, ARM_ERROR)), ['5xx status']);
    // A documented refusal (HandlerRegistry.refuse) is a decision; any other 501 is not.
    assert.deepEqual(judge(request(), answer(501, { error: { code: 'NotImplemented', message: 'Arclight does not serve X_Get: why' } })), []);
    assert.deepEqual(judge(request(), answer(501, ARM_ERROR)), ['5xx status']);
    assert.match(judge(request(), { status: 0, headers: {}, body: Buffer.alloc(0), ms: 10_000, failure: 'no answer within 10000 ms' })[0], /^no answer/);
    assert.match(judge(request(), { status: 0, headers: {}, body: Buffer.alloc(0), ms: 0, failure: 'unsendable: bad path' })[0], /^generator/);
  });

  it('wants the envelope of the surface on errors', () => {
    assert.deepEqual(judge(request(), answer(400, ENTRA_ERROR)), ['error body is not the ARM envelope']);
    assert.deepEqual(judge(request(), answer(400, { error: { code: 1, message: 'x' } })), ['error body is not the ARM envelope']);
    assert.deepEqual(judge(request({ surface: 'entra' }), answer(400, ENTRA_ERROR)), []);
    assert.deepEqual(judge(request({ surface: 'entra' }), answer(413, ARM_ERROR)), []);
    assert.deepEqual(judge(request({ surface: 'entra' }), answer(400, APP_SERVICE_ERROR)), ['error body is not the entra or ARM envelope']);
    assert.deepEqual(judge(request({ surface: 'msi' }), answer(400, APP_SERVICE_ERROR)), []);
    assert.deepEqual(judge(request({ surface: 'agents' }), answer(400, APP_SERVICE_ERROR)), ['error body is not the ARM envelope']);
  });

  it('fails bodies that are not what they say, and HEAD answers with a body', () => {
    assert.deepEqual(judge(request(), answer(200, '{"a":', { 'content-type': 'application/json' })), ['body labelled JSON is not JSON']);
    assert.deepEqual(judge(request(), answer(400, '<html>oops</html>', { 'content-type': 'text/html' })), ['error body is not JSON (text/html)']);
    assert.deepEqual(judge(request({ method: 'HEAD' }), answer(200, '{}')), ['HEAD answer has a body']);
  });

  it('fails a dropped keep-alive connection, unless Node refused the request before the app saw it', () => {
    assert.deepEqual(judge(request(), answer(400, ARM_ERROR, { connection: 'close' })), ['keep-alive connection closed without cause (Connection: close)']);
    const fromNode: Outcome = { status: 400, headers: { connection: 'close' }, body: Buffer.alloc(0), ms: 1 };
    assert.deepEqual(judge(request(), fromNode), []);
  });

  it('groups logged failures by message and function, not by line or by the bad value', () => {
    const line = (message: string, frame: string) => `2024-01-01T00:00:00.000Z error unexpected failure: ${message}\n    at ${frame}`;
    const found = loggedFailures([
      line("URIError: Failed to decode param '%zz'", 'fn (/w/dist/server/http/app.js:63:9)'),
      line("URIError: Failed to decode param '%FF'", 'fn (/w/dist/server/http/app.js:70:1)'),
      '2024-01-01T00:00:00.000Z warn  something else',
    ]);
    assert.deepEqual([...found.values()], [2]);
    assert.match([...found.keys()][0], /Failed to decode param '…'\s+@ fn server\/http\/app\.js$/);
  });
});

describe('fuzz: the generator', () => {
  it('draws the same values from the same seed', () => {
    const draw = (seed: number) => {
      const rng = new Rng(seed);
      return [rng.next(), rng.int(1, 100), rng.fork('x').next(), rng.guid(), rng.oddCase('connectedClusters')];
    };
    assert.deepEqual(draw(42), draw(42));
    assert.notDeepEqual(draw(42), draw(43));
  });

  it('samples schemas through $ref, allOf, enums and recursion', () => {
    const root = {
      components: {
        schemas: {
          Node: { type: 'object', required: ['kind', 'child'], properties: { kind: { enum: ['A', 'B'] }, child: { $ref: '#/components/schemas/Node' } } },
          Tagged: { allOf: [{ $ref: '#/components/schemas/Node' }, { type: 'object', required: ['tags'], properties: { tags: { type: 'object', additionalProperties: { type: 'string' } } } }] },
        },
      },
    };
    const value = new SchemaSampler(root, new Rng(7)).sample({ $ref: '#/components/schemas/Tagged' }) as Record<string, unknown>;
    assert.ok(['A', 'B'].includes(value.kind as string), JSON.stringify(value));
    assert.equal(typeof value.tags, 'object');
    assert.equal(typeof value.child, 'object', 'recursion stops at the depth limit, not before the first level');
  });

  it('keeps every body mutation sendable, and prototype keys as own keys', () => {
    const rng = new Rng(1);
    for (const kind of BODY_MUTATION_KINDS) {
      const v = mutateBody(kind, { location: 'eastus', tags: { a: 'b' }, properties: { n: 1 } }, rng);
      assert.ok(v.body === undefined || typeof v.body === 'string' || Buffer.isBuffer(v.body), kind);
    }
    const polluted = mutateBody('prototype-keys', { tags: { a: 'b' } }, new Rng(3)).body as string;
    assert.match(polluted, /"(__proto__|constructor|hasOwnProperty|prototype|toString|valueOf|__defineGetter__|isPrototypeOf)"/);
  });

  it('reads a raw HEAD answer and sees any body after the headers', () => {
    const clean = parseRawResponse(Buffer.from('HTTP/1.1 204 No Content\r\nContent-Length: 0\r\n\r\n'), true);
    assert.equal(clean?.status, 204);
    assert.equal(clean?.body.length, 0);
    const leaky = parseRawResponse(Buffer.from('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}'), true);
    assert.equal(leaky?.body.toString(), '{}');
  });
});
