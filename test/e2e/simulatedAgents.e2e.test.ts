/**
 * `--agents simulated` end to end with the official SDKs over HTTPS: Arclight plays every
 * cluster's agents. A cluster connects as soon as it is created; configurations are installed and
 * reconciled; the test controls (/_arclight/clusters/{id}/connect|disconnect, .../fail|recover)
 * and the emulator clock drive Offline, certificate renewal, Expired, failed installs and
 * non-compliance, with no sleeps.
 */
import { strict as assert } from 'assert';
import { testServer, TestServer } from '../support/arclight';
import {
  ArmClients, armClients, assertConfigurationsReported, CC, connectCluster, controls, createConfigurations, DAY_MS, KUBERNETES_APP, LRO, monitorExtension, readConfigurations,
} from '../support/clusterSide';

const GROUP = 'simulated';

describe('e2e: --agents simulated', () => {
  let server: TestServer;
  let arm: ArmClients;
  let control: ReturnType<typeof controls>;

  before(async () => {
    server = await testServer({ agents: 'simulated' });
    arm = armClients(server);
    control = controls(server);
  });
  after(() => server.stop());

  const getCluster = (name: string) => arm.clusters.connectedClusterOperations.get(GROUP, name);

  it('a cluster created with the SDK is Connected at once, with its agents\' fields and a 90-day certificate', async () => {
    const before = await control.now();
    const created = await connectCluster(arm, GROUP, 'c1');
    assert.equal(created.connectivityStatus, 'Connected', 'the create\'s final GET already shows it');
    assert.deepEqual([created.agentVersion, created.kubernetesVersion, created.totalNodeCount, created.totalCoreCount], ['1.21.10', '1.30.4', 3, 12]);
    assert.equal(created.systemData?.lastModifiedBy, KUBERNETES_APP);
    const expiry = created.managedIdentityCertificateExpirationTime!.getTime();
    assert.ok(expiry >= before + 90 * DAY_MS && expiry <= (await control.now()) + 90 * DAY_MS, `expiry ${created.managedIdentityCertificateExpirationTime?.toISOString()}`);
    // List and GET agree.
    const listed = [];
    for await (const c of arm.clusters.connectedClusterOperations.listByResourceGroup(GROUP)) listed.push(c);
    assert.equal(listed.find((c) => c.name === 'c1')?.connectivityStatus, 'Connected');
  });

  it('installs extensions and reconciles flux configurations to Compliant as they are created', async () => {
    await connectCluster(arm, GROUP, 'c2');
    const { extension, flux } = await createConfigurations(arm, GROUP, 'c2');
    assert.equal(extension.currentVersion, '3.1.16', 'the create\'s final GET shows the installed version');
    assert.equal(flux.complianceState, 'Compliant');
    await assertConfigurationsReported(arm, GROUP, 'c2');

    // Updates are acted on too: the new version installed, a suspended configuration reported Suspended.
    const upgraded = await arm.config.extensions.beginUpdateAndWait(GROUP, ...CC, 'c2', 'monitor', { version: '3.1.24' }, LRO);
    assert.equal(upgraded.currentVersion, '3.1.24');
    const suspended = await arm.config.fluxConfigurations.beginUpdateAndWait(GROUP, ...CC, 'c2', 'gitops', { suspend: true }, LRO);
    assert.equal(suspended.complianceState, 'Suspended');
  });

  it('disconnect: Connected until the offline window passes, then Offline; connect: Connected again', async () => {
    const { id } = await connectCluster(arm, GROUP, 'c3');
    const stopped = await control.disconnect(id!);
    assert.equal(stopped.connectivityStatus, 'Connected', 'the last heartbeat is still fresh');
    await control.advance('PT14M');
    assert.equal((await getCluster('c3')).connectivityStatus, 'Connected');
    await control.advance('PT2M');
    const offline = await getCluster('c3');
    assert.equal(offline.connectivityStatus, 'Offline');
    assert.equal(offline.lastConnectivityTime?.toISOString(), stopped.lastConnectivityTime, 'the last heartbeat is when the agents stopped');

    // What is created while the agents are away waits for them.
    const waiting = await arm.config.extensions.beginCreateAndWait(GROUP, ...CC, 'c3', 'monitor', monitorExtension(), LRO);
    assert.equal(waiting.currentVersion, null);

    const resumed = await control.connect(id!);
    assert.equal(resumed.connectivityStatus, 'Connected');
    const online = await getCluster('c3');
    assert.equal(online.connectivityStatus, 'Connected');
    assert.ok(online.lastConnectivityTime!.getTime() - Date.parse(stopped.lastConnectivityTime) >= 16 * 60_000);
    assert.equal((await arm.config.extensions.get(GROUP, ...CC, 'c3', 'monitor')).currentVersion, '3.1.16', 'installed once the agents are back');
  });

  it('online agents renew the certificate (the expiry moves); offline past the expiry: Expired, connect refused, only a reconnect helps', async () => {
    const created = await connectCluster(arm, GROUP, 'c4');
    const firstExpiry = created.managedIdentityCertificateExpirationTime!.getTime();
    await control.advance('P60D');
    const renewed = await getCluster('c4');
    assert.equal(renewed.connectivityStatus, 'Connected');
    // Agents renew on day 46 of 90: the certificate now runs to day 46 + 90.
    assert.equal(renewed.managedIdentityCertificateExpirationTime!.getTime(), firstExpiry + 46 * DAY_MS);
    await control.advance('P40D');
    const pastFirstExpiry = await getCluster('c4');
    assert.equal(pastFirstExpiry.connectivityStatus, 'Connected', 'past the first certificate\'s expiry, renewed ones keep it connected');
    assert.ok(pastFirstExpiry.managedIdentityCertificateExpirationTime!.getTime() > renewed.managedIdentityCertificateExpirationTime!.getTime());

    const stopped = await control.disconnect(created.id!);
    await control.advance('P91D');
    const expired = await getCluster('c4');
    assert.equal(expired.connectivityStatus, 'Expired');
    assert.equal(expired.managedIdentityCertificateExpirationTime?.toISOString(), stopped.managedIdentityCertificateExpirationTime);
    const refused = await control.connect(created.id!, 403);
    assert.equal(refused.error.code, 'CertificateExpired');
    assert.equal((await getCluster('c4')).connectivityStatus, 'Expired');

    // Azure's only way back: delete the cluster and connect it again.
    await arm.clusters.connectedClusterOperations.beginDeleteAndWait(GROUP, 'c4', LRO);
    const again = await connectCluster(arm, GROUP, 'c4');
    assert.equal(again.connectivityStatus, 'Connected');
    assert.ok(again.managedIdentityCertificateExpirationTime!.getTime() > await control.now());
  });

  it('fail and recover: an extension reads Failed and a flux configuration Non-Compliant, then both are back', async () => {
    const cluster = await connectCluster(arm, GROUP, 'c5');
    const { extension, flux } = await createConfigurations(arm, GROUP, 'c5');

    const failedExtension = await control.fail(extension.id!, 'image pull failed: mcr.microsoft.com unreachable');
    assert.equal(failedExtension.properties.provisioningState, 'Failed');
    await control.fail(flux.id!, 'kustomization path ./apps not found');
    let seen = await readConfigurations(arm, GROUP, 'c5');
    assert.equal(seen.extension.provisioningState, 'Failed');
    assert.match(seen.extension.errorInfo?.message ?? '', /image pull failed: mcr\.microsoft\.com unreachable/);
    assert.equal(seen.extension.statuses?.[0].level, 'Error');
    assert.equal(seen.flux.complianceState, 'Non-Compliant');
    assert.equal(seen.flux.errorMessage, 'kustomization path ./apps not found');
    assert.ok(seen.flux.statuses!.every((s) => s!.complianceState === 'Non-Compliant'));

    // A failing configuration stays failed across a reconnect: the agents keep reporting it.
    await control.disconnect(cluster.id!);
    await control.connect(cluster.id!);
    assert.equal((await readConfigurations(arm, GROUP, 'c5')).extension.provisioningState, 'Failed');

    await control.recover(extension.id!);
    await control.recover(flux.id!);
    seen = await readConfigurations(arm, GROUP, 'c5');
    assert.equal(seen.extension.errorInfo?.message, undefined);
    assert.equal(seen.flux.errorMessage, '');
    await assertConfigurationsReported(arm, GROUP, 'c5');
  });
});

describe('e2e: simulated agents for one cluster (without --agents simulated)', () => {
  let server: TestServer;
  let arm: ArmClients;

  before(async () => {
    server = await testServer();
    arm = armClients(server);
  });
  after(() => server.stop());

  it('clusters stay Connecting until /_arclight/clusters/{id}/connect starts agents for that one cluster', async () => {
    const quiet = await connectCluster(arm, GROUP, 'quiet');
    const chosen = await connectCluster(arm, GROUP, 'chosen');
    assert.equal(quiet.connectivityStatus, 'Connecting');
    assert.equal(quiet.agentVersion, undefined, 'no agent fields until something reports');
    await createConfigurations(arm, GROUP, 'chosen');
    assert.equal((await controls(server).connect(chosen.id!)).connectivityStatus, 'Connected');
    await assertConfigurationsReported(arm, GROUP, 'chosen');
    assert.equal((await arm.clusters.connectedClusterOperations.get(GROUP, 'quiet')).connectivityStatus, 'Connecting');
  });
});
