/**
 * The test platform's bench rows on a small scale, so they cannot rot unnoticed: the snapshot
 * row creates clusters with their configurations and restores them whole, the directory row
 * creates subscriptions beside GETs.
 */
import { strict as assert } from 'assert';
import { snapshotRestoreMs, subscriptionCreateMs } from '../../bench/testPlatform';
import { testServer, TestServer } from '../support/arclight';
import { clusterBody } from '../support/clusters';

describe('bench: test platform rows', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer();
  });
  after(() => server.stop());
  const underTest = () => ({ name: 'Arclight', origin: server.url, ca: server.caCertPem, pid: process.pid, stop: async () => undefined });

  it('creates clusters with configurations, then restores their snapshot after resets', async () => {
    const times = await snapshotRestoreMs(underTest(), JSON.stringify(clusterBody()), 5, 2);
    assert.equal(times.clusters, 5);
    assert.equal(times.restores.length, 2);
    assert.ok(times.createMs > 0 && times.restoreMs > 0);
    const flux = server.services.store.resources.get(
      '/subscriptions/00000000-0000-0000-0000-000000000000/resourcegroups/bench-snapshot/providers/microsoft.kubernetes/connectedclusters/c-4/providers/microsoft.kubernetesconfiguration/fluxconfigurations/flux');
    assert.ok(flux, 'the restored state holds the last configuration');
    assert.deepEqual(server.services.snapshots.list(), []);
  });

  it('times subscriptions created against five GETs', async () => {
    const before = server.services.store.directory.subscriptions().length;
    const times = await subscriptionCreateMs(underTest(), 3);
    assert.ok(times.subscriptionMs > 0 && times.fiveGetsMs > 0);
    assert.equal(server.services.store.directory.subscriptions().length, before + 4);
  });
});
