/**
 * Persistence: a server stopped and started again on the same --data-dir keeps its data, its
 * CA and server certificate, its clock and its running operations; --in-memory keeps nothing.
 * Real servers over HTTPS (startArclight), each trusted through its own CA only.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { SUB, testServer } from '../support/arclight';
import { clusterBody, clusterPath, groupPath } from '../support/clusters';
import { overHttps, peerCertificate } from '../support/https';

describe('persistence', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-data-'));
  });
  afterEach(() => fs.rmSync(dataDir, { recursive: true, force: true }));

  it('keeps data, CA, server certificate, clock and running operations across a restart on the same --data-dir', async () => {
    const first = await testServer({ inMemory: false, dataDir, lroDelay: 60 });
    let opUrl: string;
    let created: { identity: { principalId: string }; systemData: { createdAt: string } };
    let firstCertificate: string;
    try {
      const call = overHttps(first.url, first.caCertPem);
      await call('put', `${groupPath('kept')}?api-version=2021-04-01`).send({ location: 'westeurope', tags: { keep: 'me' } }).expect(201);
      const res = await call('put', `${clusterPath('kept', 'c1')}?api-version=2024-01-01`).send(clusterBody({ location: 'westeurope' })).expect(201);
      created = res.body;
      opUrl = new URL(res.headers['azure-asyncoperation']).pathname + new URL(res.headers['azure-asyncoperation']).search;
      await call('post', '/_arclight/clock/advance').send({ seconds: 30 }).expect(200);
      assert.equal((await call('get', opUrl).expect(200)).body.status, 'InProgress', 'due 60 s after the create');
      firstCertificate = (await peerCertificate(first.url, first.caCertPem)).fingerprint256;
    } finally {
      await first.stop();
    }

    const second = await testServer({ inMemory: false, dataDir });
    try {
      assert.equal(second.caCertPem, first.caCertPem, 'the same CA');
      assert.equal(fs.readFileSync(path.join(dataDir, 'certs', 'ca.pem'), 'utf8'), second.caCertPem);
      assert.equal(second.caCertPath, path.join(dataDir, 'certs', 'ca.pem'));
      assert.equal((await peerCertificate(second.url, first.caCertPem)).fingerprint256, firstCertificate, 'the same server certificate');

      const call = overHttps(second.url, first.caCertPem);
      const clock = (await call('get', '/_arclight/clock').expect(200)).body;
      assert.ok(clock.offsetSeconds >= 29, `the clock keeps its advance: ${JSON.stringify(clock)}`);
      const group = await call('get', `${groupPath('kept')}?api-version=2021-04-01`).expect(200);
      assert.deepEqual([group.body.location, group.body.tags], ['westeurope', { keep: 'me' }]);

      assert.equal((await call('get', opUrl).expect(200)).body.status, 'InProgress', 'the operation is still due later');
      await call('post', '/_arclight/clock/advance').send({ seconds: 30 }).expect(200);
      assert.equal((await call('get', opUrl).expect(200)).body.status, 'Succeeded');
      const cluster = await call('get', `${clusterPath('kept', 'c1')}?api-version=2024-01-01`).expect(200);
      assert.equal(cluster.body.properties.provisioningState, 'Succeeded');
      assert.equal(cluster.body.identity.principalId, created.identity.principalId);
      assert.equal(cluster.body.systemData.createdAt, created.systemData.createdAt);
      const list = await call('get', `/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters?api-version=2024-01-01`).expect(200);
      assert.deepEqual(list.body.value.map((c: { name: string }) => c.name), ['c1']);

      assert.equal(second.services.store.db.pragma('journal_mode', { simple: true }), 'wal');
      assert.ok(fs.existsSync(path.join(dataDir, 'arclight.db')));
    } finally {
      await second.stop();
    }
  });

  it('reset() of a running server empties what is on disk too, and the clock goes back to its start', async () => {
    const first = await testServer({ inMemory: false, dataDir });
    try {
      const call = overHttps(first.url, first.caCertPem);
      await call('put', `${groupPath('temp')}?api-version=2021-04-01`).send({ location: 'eastus' }).expect(201);
      await call('post', '/_arclight/clock/advance').send({ duration: 'P1D' }).expect(200);
      await first.reset();
      await call('get', `${groupPath('temp')}?api-version=2021-04-01`).expect(404);
      assert.ok((await call('get', '/_arclight/clock').expect(200)).body.offsetSeconds < 3600);
    } finally {
      await first.stop();
    }
    const second = await testServer({ inMemory: false, dataDir });
    try {
      await overHttps(second.url, second.caCertPem)('get', `${groupPath('temp')}?api-version=2021-04-01`).expect(404);
      assert.equal(second.caCertPem, first.caCertPem, 'a reset keeps the CA: clients go on trusting it');
    } finally {
      await second.stop();
    }
  });

  it('keeps nothing with --in-memory: no file in --data-dir, a fresh CA each start', async () => {
    const a = await testServer({ inMemory: true, dataDir });
    const caPath = a.caCertPath;
    await overHttps(a.url, a.caCertPem)('put', `${groupPath('gone')}?api-version=2021-04-01`).send({ location: 'eastus' }).expect(201);
    assert.equal(fs.readFileSync(caPath, 'utf8'), a.caCertPem, 'the CA is still written to a file clients can trust');
    await a.stop();
    assert.equal(fs.existsSync(caPath), false, 'and removed at stop');

    const b = await testServer({ inMemory: true, dataDir });
    try {
      assert.notEqual(b.caCertPem, a.caCertPem);
      await overHttps(b.url, b.caCertPem)('get', `${groupPath('gone')}?api-version=2021-04-01`).expect(404);
      assert.deepEqual(fs.readdirSync(dataDir), []);
    } finally {
      await b.stop();
    }
  });
});
