/**
 * Bad input is answered, never a 500, and never stored as something else: malformed
 * percent-encodings on every surface, bodies nested beyond the bound, client keys named like
 * Object.prototype's members, clock instants a Date cannot show, unknown test-control paths,
 * and a client that hangs up in the middle of its body.
 */
import { strict as assert } from 'assert';
import * as https from 'https';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB, testServer } from '../support/arclight';
import { clusterPath, createCluster, createGroup, groupPath } from '../support/clusters';
import { configPath, extensionBody } from '../support/configurations';
import { dataPlane, HOST, onboard } from '../support/agents';
import { MAX_JSON_DEPTH } from '../../server/gateway/body';

const RG_VERSION = 'api-version=2021-04-01';
/** Keys that name members of Object.prototype: plain data all the same. */
const PROTOTYPE_KEYS = '{"__proto__":"p","constructor":"c","hasOwnProperty":"h","toString":"t"}';

const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
const nestedObject = (depth: number) => '{"a":'.repeat(depth) + '1' + '}'.repeat(depth);

describe('bad input', () => {
  const a = arclightPerSuite();
  const arm = (method: 'get' | 'put' | 'patch' | 'post' | 'delete', path: string) => request(a.app)[method](path).set('Authorization', bearer());

  describe('percent-encodings that do not decode', () => {
    const malformed = ['%', '%zz', '%E0%A4%A', '%C0'];

    it('are 400 InvalidRequestUri on ARM paths, wherever the segment is', async () => {
      await createGroup(a.app, 'rg');
      for (const bad of malformed) {
        for (const path of [`/subscriptions/${bad}/resourcegroups?${RG_VERSION}`, `${groupPath(`rg${bad}`)}?${RG_VERSION}`,
          `${clusterPath('rg', `c${bad}`)}?api-version=2024-01-01`, `${configPath('rg', 'c1', 'extensions', `e${bad}`)}?api-version=2023-05-01`]) {
          const res = await arm('get', path);
          assert.equal(res.status, 400, `${path}: ${res.status} ${res.text}`);
          assert.equal(res.body.error.code, 'InvalidRequestUri', path);
        }
      }
    });

    it('are 400 in the error envelope on the token service, the agents and test control', async () => {
      for (const bad of malformed) {
        for (const [method, path] of [['get', `/${bad}/v2.0/.well-known/openid-configuration`], ['post', `/${bad}/oauth2/v2.0/token`],
          ['get', `/${bad}/discovery/keys`], ['post', `/arc/regions/${bad}/dataplane/heartbeat`], ['get', `/arc/regions/e${bad}/dataplane/configurations`],
          ['post', `/arc/regions/${bad}/his/certificates`], ['post', `/_arclight/clusters/${bad}/connect`]] as const) {
          const res = await request(a.app)[method](path);
          assert.equal(res.status, 400, `${method} ${path}: ${res.status} ${res.text}`);
          assert.equal(typeof res.body.error?.code, 'string', `${path}: ${res.text}`);
        }
      }
    });
  });

  describe(`bodies nested deeper than ${MAX_JSON_DEPTH} levels`, () => {
    it('are 400 InvalidRequestContent before anything reads them, on every surface that takes JSON', async () => {
      await createCluster(a.app, 'rg', 'c1');
      const { token } = await onboard(a.app, clusterPath('rg', 'c1'));
      for (const text of [nested(MAX_JSON_DEPTH + 1), nestedObject(MAX_JSON_DEPTH + 1), nested(200_000), `{"tags":${nestedObject(5000)}}`]) {
        const answers = [
          await arm('put', `${groupPath('rg2')}?${RG_VERSION}`).type('json').send(text),
          await arm('put', `${configPath('rg', 'c1', 'extensions', 'e')}?api-version=2023-05-01`).type('json').send(text),
          await request(a.app).post('/_arclight/clock/advance').type('json').send(text),
          await request(a.app).post(`${dataPlane()}/heartbeat`).set('Host', HOST).set('Authorization', `Bearer ${token}`).type('json').send(text),
        ];
        for (const res of answers) {
          assert.equal(res.status, 400, `${text.slice(0, 20)}: ${res.status} ${res.text}`);
          assert.equal(res.body.error.code, 'InvalidRequestContent');
          assert.match(res.body.error.message, /maximum depth of 64/);
        }
      }
    });

    it(`leaves bodies of exactly ${MAX_JSON_DEPTH} levels to the schema`, async () => {
      await createGroup(a.app, 'rg');
      // 63 levels inside "tags": the tags rule refuses it, not the depth bound.
      const res = await arm('put', `${groupPath('rg2')}?${RG_VERSION}`).type('json').send(`{"location":"eastus","tags":${nestedObject(MAX_JSON_DEPTH - 1)}}`);
      assert.equal(res.status, 400, res.text);
      assert.doesNotMatch(res.body.error.message, /maximum depth/);
    });
  });

  describe('keys named like members of Object.prototype', () => {
    it('are ordinary tag names: stored and returned exactly as sent, by PUT and PATCH', async () => {
      const put = await arm('put', `${groupPath('rg')}?${RG_VERSION}`).type('json').send(`{"location":"eastus","tags":${PROTOTYPE_KEYS}}`).expect(201);
      const expected = JSON.parse(PROTOTYPE_KEYS);
      assert.deepEqual(JSON.parse(put.text).tags, expected);
      const got = await arm('get', `${groupPath('rg')}?${RG_VERSION}`).expect(200);
      assert.deepEqual(JSON.parse(got.text).tags, expected);
      assert.ok(Object.hasOwn(JSON.parse(got.text).tags, '__proto__'), '"__proto__" is an own key, not a prototype');

      await createCluster(a.app, 'rg', 'c1');
      await arm('patch', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).type('json').send(`{"tags":${PROTOTYPE_KEYS}}`).expect(200);
      const cluster = await arm('get', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).expect(200);
      assert.deepEqual(JSON.parse(cluster.text).tags, expected);
    });

    it('are ordinary setting names in configurationSettings, through PUT, PATCH merge and the agents\' desired state', async () => {
      await createCluster(a.app, 'rg', 'c1');
      const path = `${configPath('rg', 'c1', 'extensions', 'e')}?api-version=2023-05-01`;
      const body = JSON.stringify(extensionBody()).replace('"configurationSettings":{', `"configurationSettings":{"__proto__":"p","constructor":"c",`);
      await arm('put', path).type('json').send(body).expect(201);
      await arm('patch', path).type('json').send('{"properties":{"configurationSettings":{"hasOwnProperty":"h","__proto__":"p2"}}}').expect(202);
      const got = JSON.parse((await arm('get', path).expect(200)).text);
      assert.deepEqual(got.properties.configurationSettings, JSON.parse('{"__proto__":"p2","constructor":"c","logAnalytics.workspace":"ws1","hasOwnProperty":"h"}'));
      const { token } = await onboard(a.app, clusterPath('rg', 'c1'));
      const desired = JSON.parse((await request(a.app).get(`${dataPlane()}/configurations`).set('Host', HOST).set('Authorization', `Bearer ${token}`).expect(200)).text);
      assert.equal(desired.extensions[0].properties.configurationSettings.__proto__, 'p2');
    });

    it('a "__proto__" setting survives a PATCH that changes another setting', async () => {
      await createCluster(a.app, 'rg', 'c1');
      const path = `${configPath('rg', 'c1', 'extensions', 'e')}?api-version=2023-05-01`;
      const body = JSON.stringify(extensionBody()).replace('"configurationSettings":{', '"configurationSettings":{"__proto__":"p",');
      await arm('put', path).type('json').send(body).expect(201);
      await arm('patch', path).send({ properties: { configurationSettings: { other: 'o' } } }).expect(202);
      const got = JSON.parse((await arm('get', path).expect(200)).text);
      assert.deepEqual(got.properties.configurationSettings, JSON.parse('{"__proto__":"p","logAnalytics.workspace":"ws1","other":"o"}'));
    });

    it('are fields a heartbeat or a status report does not carry: 400, and nothing changes', async () => {
      await createCluster(a.app, 'rg', 'c1');
      await arm('put', `${configPath('rg', 'c1', 'extensions', 'e')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
      const { token } = await onboard(a.app, clusterPath('rg', 'c1'));
      const agent = (path: string) => request(a.app).post(`${dataPlane()}${path}`).set('Host', HOST).set('Authorization', `Bearer ${token}`).type('json');
      for (const key of ['constructor', 'hasOwnProperty', '__proto__', 'toString']) {
        const heartbeat = await agent('/heartbeat').send(`{"${key}":1}`);
        assert.equal(heartbeat.status, 400, heartbeat.text);
        assert.equal(heartbeat.body.error.code, 'InvalidHeartbeat');
        const report = await agent('/configurations/extensions/e/status').send(`{"${key}":{}}`);
        assert.equal(report.status, 400, report.text);
        assert.equal(report.body.error.code, 'InvalidStatusReport');
      }
      const collection = await agent('/configurations/constructor/e/status').send('{}');
      assert.equal(collection.status, 404, collection.text);
      const cluster = await arm('get', `${clusterPath('rg', 'c1')}?api-version=2024-01-01`).expect(200);
      assert.equal(cluster.body.properties.connectivityStatus, 'Connecting', 'no refused heartbeat counted');
    });
  });

  describe('the clock', () => {
    it('refuses instants a Date cannot show with 400, and does not move', async () => {
      a.services.clock.freeze();
      const frozen = (await request(a.app).get('/_arclight/clock').expect(200)).body.now;
      for (const body of [{ seconds: 1e20 }, { seconds: 8.64e12 }, { duration: 'P999999999D' }, { duration: `P${'9'.repeat(400)}D` }]) {
        const res = await request(a.app).post('/_arclight/clock/advance').send(body);
        assert.equal(res.status, 400, `${JSON.stringify(body).slice(0, 40)}: ${res.text}`);
      }
      for (const now of ['+275760-09-13T00:00:00.000Z', '+010000-01-01T00:00:00.000Z']) {
        assert.equal((await request(a.app).put('/_arclight/clock').send({ now })).status, 400, now);
      }
      assert.equal((await request(a.app).get('/_arclight/clock').expect(200)).body.now, frozen);
      await createGroup(a.app, 'rg'); // ARM still writes timestamps
    });
  });

  describe('test control', () => {
    it('answers unknown paths 404 and other methods 405 (with Allow), in the error envelope', async () => {
      const missing = await request(a.app).get('/_arclight/nothing-here').expect(404);
      assert.equal(missing.body.error.code, 'NotFound');
      const wrong = await request(a.app).get('/_arclight/reset').expect(405);
      assert.equal(wrong.body.error.code, 'MethodNotAllowed');
      assert.equal(wrong.headers.allow, 'POST');
      const clock = await request(a.app).delete('/_arclight/clock').expect(405);
      assert.equal(clock.headers.allow, 'GET, PUT');
      await request(a.app).head('/_arclight/health').expect(200);
    });
  });

  describe('path parameters', () => {
    it('never carry a "/" into an id: an encoded slash in a name is 400, and nothing aliases another resource', async () => {
      await createCluster(a.app, 'rg', 'c1');
      await arm('put', `${configPath('rg', 'c1', 'extensions', 'e')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
      const alias = encodeURIComponent('c1/providers/Microsoft.KubernetesConfiguration/extensions/e');
      for (const path of [`${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters/${alias}?api-version=2024-05-01`,
        `${clusterPath('rg', alias)}?api-version=2024-01-01`, `${groupPath(encodeURIComponent('rg/x'))}?${RG_VERSION}`]) {
        const put = await arm('put', path).send({ location: 'eastus' });
        assert.equal(put.status, 400, `${path}: ${put.text}`);
        assert.match(put.body.error.code, /^Invalid(ResourceName|ResourceGroup)$/);
        assert.equal((await arm('get', path)).status, 400);
      }
      for (const name of ['a'.repeat(64), '-aks', 'aks.1', `aks${encodeURIComponent('\u0001')}`]) {
        const res = await arm('put', `${groupPath('rg')}/providers/Microsoft.ContainerService/managedClusters/${name}?api-version=2024-05-01`).send({ location: 'eastus' });
        assert.equal(res.status, 400, `${name}: ${res.text}`);
      }
    });
  });
});

describe('a client that hangs up in the middle of its body', () => {
  it('costs one info line, no error and no stack, and the server goes on', async () => {
    const server = await testServer({ logLevel: 'info' });
    try {
      const url = new URL(`${server.url}/subscriptions/${SUB}/resourcegroups/rg?${RG_VERSION}`);
      await new Promise<void>((resolve) => {
        // Expect: 100-continue makes the server answer once it has dispatched the request, so the
        // hang-up comes while the handler is reading the body.
        const req = https.request(url, {
          method: 'PUT', ca: server.caCertPem,
          headers: { Authorization: bearer(), 'Content-Type': 'application/json', 'Content-Length': '1000', Expect: '100-continue' },
        });
        req.on('continue', () => req.write('{"location":', () => req.destroy()));
        req.on('error', () => undefined);
        req.on('close', () => resolve());
        req.flushHeaders();
      });
      const said = () => server.logs.filter((l) => l.includes('closed the connection'));
      for (let turn = 0; said().length === 0 && turn < 1000; turn++) await new Promise<void>((resolve) => setImmediate(resolve));
      assert.equal(said().length, 1, server.logs.join('\n'));
      assert.match(said()[0], / info {2}PUT \/subscriptions\/.*closed the connection/);
      assert.deepEqual(server.logs.filter((l) => / error /.test(l) || /\n\s+at /.test(l)), [], 'no error line, no stack');
      assert.equal((await request(server.url).get('/_arclight/health').ca(server.caCertPem)).status, 200);
    } finally {
      await server.stop();
    }
  });
});
