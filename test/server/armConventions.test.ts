/**
 * ARM behaviour every provider shares: error envelope and codes, api-version handling,
 * request/correlation ids, case-insensitive paths, `//`, body limits, bearer header checks.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { bearer, SUB, testArclight, TestArclight } from '../support/arclight';

const RG = `/subscriptions/${SUB}/resourcegroups`;

describe('ARM conventions', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight({ bodyLimit: 64 * 1024 });
  });
  after(() => a.close());
  beforeEach(() => a.reset());

  const get = (path: string) => request(a.app).get(path).set('Authorization', bearer());
  const put = (path: string, body: unknown) => request(a.app).put(path).set('Authorization', bearer()).send(body as object);

  describe('api-version', () => {
    it('is required: 400 MissingApiVersionParameter', async () => {
      const res = await get(RG).expect(400);
      assert.deepEqual(res.body, { error: { code: 'MissingApiVersionParameter', message: 'The api-version query parameter (?api-version=) is required for all requests.' } });
    });

    it('matches its name case-insensitively (api-Version)', async () => {
      await get(`${RG}?api-Version=2021-04-01`).expect(200);
    });

    it('lists the supported versions for ARM-owned types: 400 InvalidApiVersionParameter', async () => {
      const res = await get(`${RG}?api-version=2099-01-01`).expect(400);
      assert.equal(res.body.error.code, 'InvalidApiVersionParameter');
      assert.match(res.body.error.message, /^The api-version '2099-01-01' is invalid\. The supported versions are '2025-04-01,.*2021-04-01.*'\.$/);
    });

    it('answers NoRegisteredProviderFound with versions and locations for a resource type', async () => {
      const res = await get(`/subscriptions/${SUB}/resourceGroups/g/providers/Microsoft.Kubernetes/connectedClusters/c?api-version=2019-01-01`).expect(400);
      assert.equal(res.body.error.code, 'NoRegisteredProviderFound');
      assert.match(res.body.error.message, /API version '2019-01-01' for type 'Microsoft.Kubernetes\/connectedClusters'\. The supported api-versions are '2026-05-01,.*2021-03-01,2020-01-01-preview'\. The supported locations are '.*East US.*'\./);
      assert.equal(res.headers['x-ms-failure-cause'], 'gateway');
    });

    it('answers InvalidResourceType for an unknown type of a known namespace', async () => {
      const res = await get(`/subscriptions/${SUB}/resourceGroups/g/providers/Microsoft.Kubernetes/widgets/w?api-version=2021-10-01`).expect(404);
      assert.equal(res.body.error.code, 'InvalidResourceType');
      assert.equal(res.body.error.message, "The resource type 'widgets' could not be found in the namespace 'Microsoft.Kubernetes' for api version '2021-10-01'.");
    });

    it('answers InvalidResourceNamespace for a namespace Arclight does not serve', async () => {
      const res = await get(`/subscriptions/${SUB}/resourceGroups/g/providers/Microsoft.Widgets/widgets/w?api-version=2021-10-01`).expect(400);
      assert.deepEqual(res.body.error, { code: 'InvalidResourceNamespace', message: "The resource namespace 'Microsoft.Widgets' is invalid." });
    });
  });

  describe('errors', () => {
    it('never answers 500 to a malformed JSON body: 400 InvalidRequestContent with the position', async () => {
      const res = await request(a.app).put(`${RG}/g?api-version=2021-04-01`).set('Authorization', bearer())
        .set('Content-Type', 'application/json').send('{"location": "eastus",').expect(400);
      assert.equal(res.body.error.code, 'InvalidRequestContent');
      assert.match(res.body.error.message, /^The request content was invalid and could not be deserialized: '.*line 1, position \d+\.'\.$/);
    });

    it('names the failing JSON path when the body does not match the schema', async () => {
      const res = await put(`${RG}/g?api-version=2021-04-01`, { location: 'eastus', tags: { a: 5 } }).expect(400);
      assert.equal(res.body.error.code, 'InvalidRequestContent');
      assert.match(res.body.error.message, /Path 'tags\.a'/);
    });

    it('reports a missing required property with its parent path', async () => {
      const res = await put(`${RG}/g?api-version=2021-04-01`, { tags: {} }).expect(400);
      assert.match(res.body.error.message, /Required property 'location' not found in JSON\. Path ''/);
    });

    it('answers 413 RequestContentTooLarge beyond the body limit', async () => {
      const res = await put(`${RG}/g?api-version=2021-04-01`, { location: 'eastus', tags: { big: 'x'.repeat(70 * 1024) } }).expect(413);
      assert.equal(res.body.error.code, 'RequestContentTooLarge');
    });

    it('answers 415 to a body that is not JSON', async () => {
      const res = await request(a.app).put(`${RG}/g?api-version=2021-04-01`).set('Authorization', bearer()).set('Content-Type', 'text/plain').send('location=eastus').expect(415);
      assert.equal(res.body.error.code, 'UnsupportedMediaType');
    });

    it('answers 404 SubscriptionNotFound for an unknown subscription', async () => {
      const res = await get('/subscriptions/99999999-9999-9999-9999-999999999999/resourcegroups?api-version=2021-04-01').expect(404);
      assert.deepEqual(res.body.error, { code: 'SubscriptionNotFound', message: "The subscription '99999999-9999-9999-9999-999999999999' could not be found." });
    });

    it('answers 405 for a method the resource does not support', async () => {
      const res = await request(a.app).post(`${RG}/g?api-version=2021-04-01`).set('Authorization', bearer()).send({}).expect(405);
      assert.equal(res.body.error.code, 'MethodNotAllowed');
    });
  });

  describe('headers', () => {
    it('sends x-ms-request-id, generates x-ms-correlation-request-id and echoes x-ms-client-request-id', async () => {
      const res = await get(`${RG}?api-version=2021-04-01`).set('x-ms-client-request-id', 'client-1').expect(200);
      assert.match(res.headers['x-ms-request-id'], /^[0-9a-f-]{36}$/);
      assert.match(res.headers['x-ms-correlation-request-id'], /^[0-9a-f-]{36}$/);
      assert.equal(res.headers['x-ms-client-request-id'], 'client-1');
      assert.equal(res.headers['cache-control'], 'no-cache');
    });

    it('echoes a correlation id the client sent', async () => {
      const res = await get(`${RG}?api-version=2021-04-01`).set('x-ms-correlation-request-id', 'corr-42').expect(200);
      assert.equal(res.headers['x-ms-correlation-request-id'], 'corr-42');
    });

    it('sends the ids on errors too', async () => {
      const res = await get(RG).expect(400);
      assert.ok(res.headers['x-ms-request-id']);
    });
  });

  describe('paths', () => {
    it('matches literals, groups and names case-insensitively and returns the casing the user supplied', async () => {
      await put(`/subscriptions/${SUB}/resourcegroups/MyGroup?api-version=2021-04-01`, { location: 'eastus' }).expect(201);
      const res = await get(`/SUBSCRIPTIONS/${SUB}/ResourceGroups/MYGROUP?api-version=2021-04-01`).expect(200);
      assert.equal(res.body.name, 'MyGroup');
      assert.equal(res.body.id, `/subscriptions/${SUB}/resourceGroups/MyGroup`);
    });

    it('tolerates empty path segments (//) as Azure does', async () => {
      await put(`${RG}/g?api-version=2021-04-01`, { location: 'eastus' }).expect(201);
      const res = await get(`//subscriptions/${SUB}//resourcegroups/g?api-version=2021-04-01`).expect(200);
      assert.equal(res.body.name, 'g');
    });
  });

  describe('bearer header', () => {
    it('answers 401 AuthenticationFailed with a WWW-Authenticate challenge when it is missing', async () => {
      const res = await request(a.app).get(`${RG}?api-version=2021-04-01`).expect(401);
      assert.deepEqual(res.body.error, { code: 'AuthenticationFailed', message: "Authentication failed. The 'Authorization' header is missing." });
      assert.match(res.headers['www-authenticate'], /^Bearer authorization_uri="http:\/\/127\.0\.0\.1:\d+\/00000000-0000-0000-0000-000000000001", error="invalid_token", error_description="The authentication failed because of missing 'Authorization' header\."$/);
    });

    it('answers 401 AuthenticationFailedInvalidHeader when it is not a bearer header', async () => {
      const res = await request(a.app).get(`${RG}?api-version=2021-04-01`).set('Authorization', 'Basic abc').expect(401);
      assert.equal(res.body.error.code, 'AuthenticationFailedInvalidHeader');
    });

    it('answers 401 InvalidAuthenticationToken when the token is not a JWT', async () => {
      const res = await request(a.app).get(`${RG}?api-version=2021-04-01`).set('Authorization', 'Bearer not-a-jwt').expect(401);
      assert.deepEqual(res.body.error, { code: 'InvalidAuthenticationToken', message: 'The access token is invalid.' });
    });

    it('accepts any well-formed JWT in the default (lenient) mode', async () => {
      await get(`${RG}?api-version=2021-04-01`).expect(200);
    });

    it('checks nothing with --auth off', async () => {
      const off = await testArclight({ auth: 'off' });
      try {
        await request(off.app).get(`${RG}?api-version=2021-04-01`).expect(200);
      } finally {
        off.close();
      }
    });
  });

  describe('access log', () => {
    it('writes one line per request with method, path, status, milliseconds and request id', async () => {
      const logged = await testArclight({ logLevel: 'info' });
      try {
        const res = await request(logged.app).get(`${RG}?api-version=2021-04-01`).set('Authorization', bearer()).expect(200);
        const lines = logged.logs.filter((l) => l.includes(' GET '));
        assert.equal(lines.length, 1);
        assert.match(lines[0], new RegExp(`info  GET /subscriptions/${SUB}/resourcegroups 200 \\d+\\.\\dms ${res.headers['x-ms-request-id']}$`));
      } finally {
        logged.close();
      }
    });

    it('logs bodies only at debug level, with secrets and tokens redacted', async () => {
      const logged = await testArclight({ logLevel: 'debug' });
      try {
        const token = bearer();
        await request(logged.app).put(`${RG}/g?api-version=2021-04-01`).set('Authorization', token)
          .send({ location: 'eastus', tags: { clientSecret: 'hunter2' } }).expect(201);
        const all = logged.logs.join('\n');
        assert.ok(!all.includes('hunter2'), 'a secret-named field reached the log');
        assert.ok(!all.includes(token.slice(7)), 'the bearer token reached the log');
      } finally {
        logged.close();
      }
    });
  });
});
