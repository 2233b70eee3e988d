/**
 * The region move (test/e2e/regionMove.e2e.test.ts) with agents: a cluster in eastus whose agent
 * reports through eastus's endpoints is moved to westeurope as Azure documents it (delete,
 * connect again with the same onboarding key, recreate the configurations). Its old identity's
 * token is refused by the other region's data plane with 421 naming eastus; after the move the
 * agent discovers westeurope, gets a certificate for the new identity there, and the cluster is
 * Connected in westeurope with its configurations reported again. The same with simulated agents.
 */
import { strict as assert } from 'assert';
import type { Extension, FluxConfiguration } from '@azure/arm-kubernetesconfiguration';
import { ClusterAgent } from '../../agent/agentClient';
import { testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';
import { AgentProtocol, expectStatus } from '../support/agentProtocol';
import { agentFlags, keyFiles, runAgent } from '../support/agentProcess';
import {
  ArmClients, armClients, assertConfigurationsReported, CC, connectCluster, createConfigurations, DAY_MS, LRO, PROTECTED, readConfigurations,
} from '../support/clusterSide';

const GROUP = 'move-agents';

/** Moves a cluster as Azure documents it: keep the configurations, delete, connect in `to` with the same key, recreate them. */
async function moveCluster(arm: ArmClients, name: string, to: string) {
  const extensions: Extension[] = [];
  const flux: FluxConfiguration[] = [];
  for await (const e of arm.config.extensions.list(GROUP, ...CC, name)) extensions.push(e);
  for await (const f of arm.config.fluxConfigurations.list(GROUP, ...CC, name)) flux.push(f);
  // Protected settings come from the original requests: no read returns them.
  const secrets = (n: string) => PROTECTED[n as keyof typeof PROTECTED];
  await arm.clusters.connectedClusterOperations.beginDeleteAndWait(GROUP, name, LRO);
  const moved = await connectCluster(arm, GROUP, name, to);
  for (const e of extensions) await arm.config.extensions.beginCreateAndWait(GROUP, ...CC, name, e.name!, { ...e, configurationProtectedSettings: secrets(e.name!) }, LRO);
  for (const f of flux) await arm.config.fluxConfigurations.beginCreateOrUpdateAndWait(GROUP, ...CC, name, f.name!, { ...f, configurationProtectedSettings: secrets(f.name!) }, LRO);
  return moved;
}

describe('e2e: moving a cluster between regions, with agents', () => {
  describe('arclight agent', () => {
    let server: TestServer;
    let arm: ArmClients;
    let protocol: AgentProtocol;
    const keys = keyFiles();
    let keyFile: string;

    before(async () => {
      server = await testServer();
      arm = armClients(server);
      protocol = new AgentProtocol(server);
      keyFile = keys.write('cluster.pem', agentKeys(0).privateKeyPem);
    });
    after(async () => {
      await server.stop();
      keys.remove();
    });

    const getCluster = (name: string) => arm.clusters.connectedClusterOperations.get(GROUP, name);

    it('is refused by the other region\'s endpoints (421 naming eastus), then follows the move: new certificate, Connected in westeurope', async () => {
      const original = await connectCluster(arm, GROUP, 'arc1');
      const clusterId = original.id!;
      await createConfigurations(arm, GROUP, 'arc1');
      const first = await runAgent([...agentFlags(server, clusterId, keyFile), '--once']);
      assert.equal(first.code, 0, first.stderr);
      assert.equal((await getCluster('arc1')).connectivityStatus, 'Connected');
      await assertConfigurationsReported(arm, GROUP, 'arc1');

      // The cluster identity's token at westeurope's endpoints: sent to eastus's.
      const { token } = await protocol.signIn(clusterId, agentKeys(0).privateKey);
      const westeurope = `${server.url}/arc/regions/westeurope`;
      const wrongDataPlane = await protocol.heartbeat(`${westeurope}/dataplane`, token, { agentVersion: '1.21.10' });
      expectStatus(wrongDataPlane, 421, 'WrongRegion');
      assert.equal(wrongDataPlane.body.error.message,
        `Connected cluster '${clusterId}' is in region 'eastus', not 'westeurope'. Use ${server.url}/arc/regions/eastus/dataplane.`);
      expectStatus(await protocol.desiredState(`${westeurope}/dataplane`, token), 421, 'WrongRegion');
      const wrongIdentity = await protocol.requestCertificate(`${westeurope}/his`, clusterId, agentKeys(0).privateKey);
      expectStatus(wrongIdentity, 421, 'WrongRegion');
      assert.match(wrongIdentity.body.error.message, new RegExp(`is in region 'eastus', not 'westeurope'\\. Use ${server.url}/arc/regions/eastus/his\\.$`));

      const moved = await moveCluster(arm, 'arc1', 'westeurope');
      assert.notEqual(moved.identity.principalId, original.identity.principalId, 'a new cluster identity');
      assert.equal(moved.connectivityStatus, 'Connecting', 'no agent has reported in westeurope yet');
      const before = await readConfigurations(arm, GROUP, 'arc1');
      assert.deepEqual([before.extension.currentVersion, before.flux.complianceState], [null, 'Pending']);
      // The old identity is gone with the deleted cluster: its token opens nothing.
      expectStatus(await protocol.heartbeat(`${server.url}/arc/regions/eastus/dataplane`, token, {}), 403, 'AuthorizationFailed');

      const after = await runAgent([...agentFlags(server, clusterId, keyFile), '--once']);
      assert.equal(after.code, 0, after.stderr);
      assert.equal(after.progress[0], `discovered region westeurope: ${westeurope}/his`);
      assert.match(after.progress[1], new RegExp(`^certificate issued for identity ${moved.identity.principalId}, `));
      const connected = await getCluster('arc1');
      assert.equal(connected.location, 'westeurope');
      assert.equal(connected.connectivityStatus, 'Connected');
      assert.ok(connected.managedIdentityCertificateExpirationTime!.getTime() > Date.now() + 89 * DAY_MS);
      await assertConfigurationsReported(arm, GROUP, 'arc1');
    });

    it('a running agent (the reference client) notices the move on its next cycle and starts over from discovery', async () => {
      const cluster = await connectCluster(arm, GROUP, 'arc2');
      const log: string[] = [];
      const agent = new ClusterAgent({ endpoint: server.url, clusterId: cluster.id!, privateKeyPem: agentKeys(0).privateKeyPem, caPem: server.caCertPem, log: (l) => log.push(l) });
      await agent.cycle();
      assert.equal((await getCluster('arc2')).connectivityStatus, 'Connected');

      await moveCluster(arm, 'arc2', 'westeurope');
      log.length = 0;
      await agent.cycle();
      assert.match(log[0], /^AuthorizationFailed: .* Starting over from discovery\.$/);
      assert.equal(log[1], `discovered region westeurope: ${server.url}/arc/regions/westeurope/his`);
      const connected = await getCluster('arc2');
      assert.deepEqual([connected.location, connected.connectivityStatus], ['westeurope', 'Connected']);
    });
  });

  describe('--agents simulated', () => {
    let server: TestServer;
    let arm: ArmClients;

    before(async () => {
      server = await testServer({ agents: 'simulated' });
      arm = armClients(server);
    });
    after(() => server.stop());

    it('the simulated agents connect the moved cluster in westeurope and report its configurations again', async () => {
      const original = await connectCluster(arm, GROUP, 'arc1');
      assert.equal(original.connectivityStatus, 'Connected');
      await createConfigurations(arm, GROUP, 'arc1');
      await assertConfigurationsReported(arm, GROUP, 'arc1');

      const moved = await moveCluster(arm, 'arc1', 'westeurope');
      assert.equal(moved.location, 'westeurope');
      assert.equal(moved.connectivityStatus, 'Connected');
      assert.notEqual(moved.identity.principalId, original.identity.principalId);
      // A certificate of its own, issued when the moved cluster was connected.
      assert.ok(moved.managedIdentityCertificateExpirationTime!.getTime() - moved.systemData!.createdAt!.getTime() >= 90 * DAY_MS);
      await assertConfigurationsReported(arm, GROUP, 'arc1');
      // Its agents are sent to westeurope's endpoints now.
      const endpoints = expectStatus(await new AgentProtocol(server).discover({ clusterId: moved.id! }), 200);
      assert.equal(endpoints.dataPlaneEndpoint, `${server.url}/arc/regions/westeurope/dataplane`);
    });
  });
});
