/**
 * The live event stream: arclight.events and GET /_arclight/events (server-sent events over
 * HTTPS). What a cluster's life tells (created, updated as it provisions and as its agents
 * report, deleted; its operation settled; its certificate issued), connectivity changes as the
 * clock moves (Connecting -> Connected -> Offline -> Expired, with nothing written), filters,
 * waitFor, and that a write rolled back tells nothing.
 */
import { strict as assert } from 'assert';
import * as https from 'https';
import request from 'supertest';
import { bearer, SUB, testArclight, TestArclight, testServer, TestServer } from '../support/arclight';
import { clusterBody, clusterPath, createGroup } from '../support/clusters';
import type { ArclightEvent } from '../../server/platform/eventStream';
import { Store } from '../../server/store';

const DAY_MS = 24 * 3600 * 1000;
const token = bearer({ exp: Math.floor(Date.now() / 1000) + 10 * 365 * 24 * 3600 });

describe('live events', () => {
  describe('arclight.events', () => {
    let a: TestArclight;
    const seen: ArclightEvent[] = [];
    let unsubscribe: () => void;
    beforeEach(async () => {
      a = await testArclight({ agents: 'simulated', clockStart: 'frozen:2030-01-01T00:00:00Z' });
      await createGroup(a.app, 'rg');
      seen.length = 0;
      unsubscribe = a.events.subscribe(undefined, (e) => seen.push(e));
    });
    afterEach(() => {
      unsubscribe();
      a.close();
    });
    const kinds = (id: string) => seen.filter((e) => e.id.toLowerCase() === id.toLowerCase()).map((e) => e.type);
    /** A create, then a read: the read settles the create's operation (due at once), as a client's poll would. */
    const put = async (path: string, body: object) => {
      const res = await request(a.app).put(`${path}?api-version=2024-01-01`).set('Authorization', token).send(body).expect(201);
      await request(a.app).get(`${path}?api-version=2024-01-01`).set('Authorization', token).expect(200);
      return res;
    };

    it('tells a cluster\'s life: created, provisioned and connected by its agents, certificate, deleted', async () => {
      const id = clusterPath('rg', 'c1');
      await put(id, clusterBody());
      const created = seen.find((e) => e.type === 'resource.created' && e.id === id)!;
      assert.equal(created.resourceType, 'Microsoft.Kubernetes/connectedClusters');
      assert.equal(created.time, '2030-01-01T00:00:00.000Z', 'on the emulator clock');
      assert.ok(kinds(id).includes('certificate.issued'));
      assert.deepEqual(seen.filter((e) => e.type === 'connectivity.changed').map((e) => `${e.from}->${e.to}`), ['null->Connecting', 'Connecting->Connected']);
      assert.ok(seen.some((e) => e.type === 'resource.updated' && e.by === 'agents'));
      await request(a.app).delete(`${id}?api-version=2024-01-01`).set('Authorization', token).expect((r) => assert.ok([200, 202].includes(r.status)));
      await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', token);
      assert.equal(kinds(id).at(-1), 'resource.deleted');
      assert.ok(seen.some((e) => e.type === 'operation.settled' && e.status === 'Succeeded'));
    });

    it('tells connectivity as the clock moves: Offline after the window, Expired with the certificate', async () => {
      const id = clusterPath('rg', 'c2');
      await put(id, clusterBody());
      await request(a.app).post(`/_arclight/clusters${id}/disconnect`).expect(200);
      seen.length = 0;
      a.services.clock.advance(15 * 60 * 1000);
      assert.deepEqual(seen.filter((e) => e.type === 'connectivity.changed'), [], 'still inside the window');
      a.services.clock.advance(1000);
      a.services.clock.advance(91 * DAY_MS);
      const changes = seen.filter((e) => e.type === 'connectivity.changed');
      assert.deepEqual(changes.map((e) => `${e.from}->${e.to}`), ['Connected->Offline', 'Offline->Expired']);
      assert.equal(changes[0].id, id);
      assert.ok(seen.some((e) => e.type === 'clock.moved' && e.frozen === true));
    });

    it('waitFor resolves with the first match, and rejects when none comes in time', async () => {
      const id = clusterPath('rg', 'c3');
      const connected = a.events.waitFor({ type: 'connectivity.changed', id: id.toUpperCase(), to: 'Connected' });
      await put(id, clusterBody());
      assert.equal((await connected).from, 'Connecting');
      await assert.rejects(a.events.waitFor({ type: 'resource.deleted' }, { timeoutMs: 20 }), /no event matched \{"type":"resource.deleted"\} within 20 ms/);
      const byTest = a.events.waitFor((e) => e.type === 'clock.moved');
      a.services.clock.advance(1);
      assert.equal((await byTest).id, 'clock');
    });

    it('watches connectivity while someone listens for it, and stops when the last one leaves', () => {
      const watch = (a.services.eventStream as unknown as { connectivity: { watching: boolean } }).connectivity;
      unsubscribe();
      assert.equal(watch.watching, false);
      const first = a.events.subscribe(['connectivity'], () => undefined);
      const second = a.events.subscribe(undefined, () => undefined);
      const other = a.events.subscribe(['resource'], () => undefined);
      first();
      assert.equal(watch.watching, true);
      second();
      second();
      assert.equal(watch.watching, false, 'an unsubscribe called twice counts once');
      other();
      unsubscribe = () => undefined;
    });

    it('listens to the categories or types asked for', async () => {
      const only: string[] = [];
      const stop = a.events.subscribe(['connectivity', 'resource.deleted'], (e) => only.push(e.type));
      await put(clusterPath('rg', 'c4'), clusterBody());
      stop();
      assert.deepEqual(only, ['connectivity.changed', 'connectivity.changed']);
    });
  });

  describe('connectivity as time alone goes by (the clock running, --offline-after 1)', () => {
    let a: TestArclight;
    beforeEach(async () => {
      a = await testArclight({ agents: 'simulated', offlineAfter: 1 });
      await createGroup(a.app, 'rg');
    });
    afterEach(() => a.close());
    const connectThenDisconnect = async (name: string) => {
      const id = clusterPath('rg', name);
      await request(a.app).put(`${id}?api-version=2024-01-01`).set('Authorization', token).send(clusterBody()).expect(201);
      await request(a.app).get(`${id}?api-version=2024-01-01`).set('Authorization', token).expect(200);
      await request(a.app).post(`/_arclight/clusters${id}/disconnect`).expect(200);
      return id;
    };

    it('tells Offline when the heartbeat grows old, for a cluster whose change comes before the one the timer waited for too', async () => {
      const stop = a.events.subscribe(['connectivity'], () => undefined);
      try {
        const first = a.events.waitFor({ type: 'connectivity.changed', id: clusterPath('rg', 'first'), to: 'Offline' });
        await connectThenDisconnect('first');
        assert.equal((await first).from, 'Connected');
        // The timer now waits for the first cluster's certificate to expire, days away.
        const second = a.events.waitFor({ type: 'connectivity.changed', id: clusterPath('rg', 'second'), to: 'Offline' });
        await connectThenDisconnect('second');
        assert.equal((await second).from, 'Connected');
      } finally {
        stop();
      }
    });
  });

  describe('commits', () => {
    it('runs what a transaction asks for after it commits, and never for what rolls back', () => {
      const store = Store.open(undefined);
      try {
        const ran: string[] = [];
        store.afterCommit(() => ran.push('outside'));
        store.transaction(() => {
          store.afterCommit(() => ran.push('outer'));
          assert.throws(() => store.transaction(() => {
            store.afterCommit(() => ran.push('rolled back'));
            throw new Error('inner fails');
          }));
          store.transaction(() => store.afterCommit(() => ran.push('inner kept')));
          assert.deepEqual(ran, ['outside'], 'nothing before the outermost commit');
        });
        assert.throws(() => store.transaction(() => {
          store.afterCommit(() => ran.push('never'));
          throw new Error('all fails');
        }));
        assert.deepEqual(ran, ['outside', 'outer', 'inner kept']);
      } finally {
        store.close();
      }
    });
  });

  describe('GET /_arclight/events', () => {
    let server: TestServer;
    before(async () => {
      server = await testServer({ clockStart: 'frozen:2030-01-01T00:00:00Z' });
      await createGroup(server.app, 'rg');
    });
    after(() => server.stop());

    /** Opens the stream and collects its events until `until` is true of them. */
    function stream(query: string, until: (events: Array<{ event: string; data: ArclightEvent }>) => boolean, opened: () => Promise<unknown>) {
      return new Promise<{ contentType: string; events: Array<{ event: string; data: ArclightEvent }> }>((resolve, reject) => {
        const req = https.get(`${server.url}/_arclight/events${query}`, { ca: server.caCertPem }, (res) => {
          const events: Array<{ event: string; data: ArclightEvent }> = [];
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            text += chunk;
            for (let end = text.indexOf('\n\n'); end >= 0; end = text.indexOf('\n\n')) {
              const block = text.slice(0, end);
              text = text.slice(end + 2);
              const event = /^event: (.*)$/m.exec(block)?.[1];
              const data = /^data: (.*)$/m.exec(block)?.[1];
              if (event && data) events.push({ event, data: JSON.parse(data) });
            }
            if (until(events)) {
              req.destroy();
              resolve({ contentType: String(res.headers['content-type']), events });
            }
          });
          opened().catch(reject);
        });
        req.on('error', (err) => (err.message === 'socket hang up' ? undefined : reject(err)));
      });
    }

    it('streams one server-sent event per change, `event:` its type, `data:` its JSON', async () => {
      const id = clusterPath('rg', 'sse');
      const got = await stream('?types=resource', (events) => events.some((e) => e.event === 'resource.deleted'), async () => {
        await request(server.app).put(`${id}?api-version=2024-01-01`).set('Authorization', token).send(clusterBody()).expect(201);
        await request(server.app).delete(`${id}?api-version=2024-01-01`).set('Authorization', token);
        await request(server.app).get(`/subscriptions/${SUB}/resourcegroups?api-version=2021-04-01`).set('Authorization', token).expect(200);
      });
      assert.match(got.contentType, /^text\/event-stream/);
      assert.equal(got.events[0].event, 'resource.created');
      assert.deepEqual(Object.keys(got.events[0].data).slice(0, 3), ['type', 'time', 'id']);
      assert.equal(got.events[0].data.id, id);
      assert.ok(got.events.every((e) => e.event.startsWith('resource.') && e.data.type === e.event));
    });

    it('refuses a type it does not know, and a parameter it does not take', async () => {
      const bad = await request(server.app).get('/_arclight/events?types=resource,weather').expect(400);
      assert.equal(bad.body.error.code, 'InvalidQueryParameterValue');
      assert.equal((await request(server.app).get('/_arclight/events?since=1').expect(400)).body.error.code, 'InvalidQueryParameter');
    });
  });
});
