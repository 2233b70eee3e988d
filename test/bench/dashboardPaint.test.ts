/** The dashboard's bench row on a small scale, so it cannot rot unnoticed: the page paints every cluster created. */
import { strict as assert } from 'assert';
import { dashboardFirstPaintMs } from '../../bench/dashboardPaint';
import { testServer, TestServer } from '../support/arclight';
import { clusterBody } from '../support/clusters';
import { browserRequired, findChromium } from '../support/browser';

describe('bench: the dashboard row', function () {
  this.timeout(60_000);
  let server: TestServer;
  before(async function () {
    if (!findChromium()) {
      if (browserRequired()) throw new Error('chromium is not installed, and ARCLIGHT_TEST_REQUIRE_BROWSER=1 requires it');
      return this.skip();
    }
    server = await testServer();
  });
  after(() => server?.stop());

  it('creates clusters, then times the page until it has painted all of them', async () => {
    const times = await dashboardFirstPaintMs({ name: 'Arclight', origin: server.url, ca: server.caCertPem, pid: process.pid, stop: async () => undefined }, JSON.stringify(clusterBody()), 12, 2);
    assert.equal(times.clusters, 12);
    assert.equal(times.runs.length, 2);
    assert.ok(times.runs.every((ms) => ms > 0));
    assert.equal(server.services.store.resources.ofType('microsoft.kubernetes/connectedclusters').length, 12);
  });
});
