/**
 * `arclight agent` end to end: the standalone agent, run as a user runs it (a child process of
 * dist/server/main.js), against an Arclight over HTTPS that it trusts through --ca. It connects a
 * cluster created with the official SDK and reports its configurations; the emulator clock makes
 * the cluster Offline and Expired between runs; refusals exit non-zero naming the error; usage
 * errors exit 2; without --once it runs until SIGTERM, and its cycles keep up when the emulator
 * clock jumps ahead (new token, renewal, CertificateExpired once the certificate has run out).
 */
import { strict as assert } from 'assert';
import { testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';
import { AgentError, ClusterAgent } from '../../agent/agentClient';
import { agentFlags, keyFiles, runAgent, startAgent } from '../support/agentProcess';
import {
  ArmClients, armClients, assertConfigurationsReported, CC, connectCluster, controls, createConfigurations, DAY_MS, KUBERNETES_APP, legacySourceControl,
} from '../support/clusterSide';

const GROUP = 'agent-command';

describe('e2e: arclight agent', () => {
  let server: TestServer;
  let arm: ArmClients;
  let control: ReturnType<typeof controls>;
  const keys = keyFiles();
  /** The onboarding key as `az connectedk8s connect` leaves it (PKCS#1 PEM), and another cluster's. */
  let keyFile: string;
  let wrongKeyFile: string;

  before(async () => {
    server = await testServer();
    arm = armClients(server);
    control = controls(server);
    keyFile = keys.write('cluster.pem', agentKeys(0).privateKeyPem);
    wrongKeyFile = keys.write('other.pem', agentKeys(1).privateKeyPem);
  });
  after(async () => {
    await server.stop();
    keys.remove();
  });

  const getCluster = (name: string) => arm.clusters.connectedClusterOperations.get(GROUP, name);

  it('--once connects the cluster and reports its configurations; again after Offline; past the certificate\'s expiry it is refused', async () => {
    const cluster = await connectCluster(arm, GROUP, 'c1');
    await createConfigurations(arm, GROUP, 'c1');
    await arm.config.sourceControlConfigurations.createOrUpdate(GROUP, ...CC, 'c1', 'legacy', legacySourceControl());

    const run = await runAgent([...agentFlags(server, cluster.id!, keyFile), '--once']);
    assert.equal(run.code, 0, run.stderr);
    assert.equal(run.stderr, '');
    const expected = [
      `discovered region eastus: ${server.url}/arc/regions/eastus/his`,
      new RegExp(`^certificate issued for identity ${cluster.identity.principalId}, valid until \\S+Z$`),
      /^token acquired for the cluster identity \(client [0-9a-f-]{36}\)$/,
      /^heartbeat: Connected, certificate expires \S+Z$/,
      'desired state: 1 extensions, 1 fluxConfigurations, 1 sourceControlConfigurations',
      'extensions/monitor: reported Succeeded',
      'fluxConfigurations/gitops: reported Compliant',
      'sourceControlConfigurations/legacy: reported Compliant',
      'cycle complete',
    ];
    assert.equal(run.progress.length, expected.length, run.stdout);
    assert.doesNotMatch(run.stdout, /eyJ|PRIVATE KEY|secret|Z2l0b3Bz|bGVnYWN5/, 'progress lines carry no token, key or protected setting');
    expected.forEach((line, i) => (typeof line === 'string' ? assert.equal(run.progress[i], line) : assert.match(run.progress[i], line)));

    const connected = await getCluster('c1');
    assert.equal(connected.connectivityStatus, 'Connected');
    assert.deepEqual([connected.agentVersion, connected.kubernetesVersion, connected.totalNodeCount, connected.totalCoreCount], ['1.21.10', '1.30.4', 3, 12]);
    assert.equal(connected.systemData?.lastModifiedBy, KUBERNETES_APP);
    assert.equal(connected.managedIdentityCertificateExpirationTime?.toISOString(), /valid until (\S+)$/.exec(run.progress[1])![1]);
    await assertConfigurationsReported(arm, GROUP, 'c1');
    assert.equal((await arm.config.sourceControlConfigurations.get(GROUP, ...CC, 'c1', 'legacy')).complianceStatus?.complianceState, 'Compliant');

    await control.advance('PT16M');
    assert.equal((await getCluster('c1')).connectivityStatus, 'Offline');
    const again = await runAgent([...agentFlags(server, cluster.id!, keyFile), '--once']);
    assert.equal(again.code, 0, again.stderr);
    const reconnected = await getCluster('c1');
    assert.equal(reconnected.connectivityStatus, 'Connected');
    assert.ok(reconnected.lastConnectivityTime!.getTime() - connected.lastConnectivityTime!.getTime() >= 16 * 60_000);

    await control.advance('P91D');
    assert.equal((await getCluster('c1')).connectivityStatus, 'Expired');
    const expired = await runAgent([...agentFlags(server, cluster.id!, keyFile), '--once']);
    assert.notEqual(expired.code, 0);
    assert.match(expired.stderr, /^arclight agent: refused: 403 CertificateExpired: .*Delete the connected cluster and connect it again\.\n$/);
    assert.equal((await getCluster('c1')).connectivityStatus, 'Expired');
  });

  it('accepts a PKCS#8 key; refuses a wrong key, an untrusted server and a deleted cluster with a non-zero exit', async () => {
    const cluster = await connectCluster(arm, GROUP, 'c2');
    const flags = (key: string) => [...agentFlags(server, cluster.id!, key), '--once'];

    // Independent runs, side by side.
    const withoutCa = flags(keyFile).filter((f, i, all) => f !== '--ca' && all[i - 1] !== '--ca');
    const [wrong, untrusted] = await Promise.all([runAgent(flags(wrongKeyFile)), runAgent(withoutCa)]);
    assert.notEqual(wrong.code, 0);
    assert.match(wrong.stderr, /refused: 401 InvalidProofOfPossession: /);
    const untouched = await getCluster('c2');
    assert.equal(untouched.connectivityStatus, 'Connecting');
    assert.equal(untouched.managedIdentityCertificateExpirationTime, undefined, 'nothing was issued');
    // Without --ca (and no NODE_EXTRA_CA_CERTS) Arclight's certificate is not trusted.
    assert.notEqual(untrusted.code, 0);
    assert.match(untrusted.stderr, /^arclight agent: refused: (unable to verify the first certificate|self[- ]signed certificate in certificate chain)\n$/);

    const pkcs8 = keys.write('cluster.pkcs8.pem', agentKeys(0).privateKey.export({ type: 'pkcs8', format: 'pem' }) as string);
    const ok = await runAgent(flags(pkcs8));
    assert.equal(ok.code, 0, ok.stderr);
    assert.equal((await getCluster('c2')).connectivityStatus, 'Connected');

    await arm.clusters.connectedClusterOperations.beginDeleteAndWait(GROUP, 'c2', { updateIntervalInMs: 10 });
    const deleted = await runAgent(flags(keyFile));
    assert.notEqual(deleted.code, 0);
    assert.match(deleted.stderr, /refused: 404 ClusterNotFound: Connected cluster '.*\/c2' was not found\./);
  });

  it('--help exits 0 with the usage; missing or unknown flags exit 2', async () => {
    const [help, missing, unknown] = await Promise.all([
      runAgent(['--help']),
      runAgent(['--endpoint', server.url, '--once']),
      runAgent(['--endpoint', server.url, '--cluster-id', '/x', '--private-key', keyFile, '--region', 'eastus']),
    ]);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^Usage: arclight agent --endpoint URL --cluster-id ARM_ID --private-key FILE \[--ca FILE\] \[--once\]/);

    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^arclight agent: --cluster-id is required\nUsage: arclight agent /);

    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /unknown option --region/);
  });

  it('without --once runs a cycle, then waits for the next until SIGTERM, and exits 0', async () => {
    const cluster = await connectCluster(arm, GROUP, 'c3');
    const agent = await startAgent(agentFlags(server, cluster.id!, keyFile), /^cycle complete$/);
    try {
      assert.equal((await getCluster('c3')).connectivityStatus, 'Connected');
    } finally {
      const run = await agent.stop();
      assert.equal(run.code, 0, run.stderr);
      assert.deepEqual(run.progress.slice(-2), ['cycle complete', 'stopped']);
    }
  });

  it('a running agent keeps up with the emulator clock: a new token when Arclight\'s clock expired its own, the certificate renewed in its window', async () => {
    // The reference client that `arclight agent` runs a cycle of every --interval, in process: each cycle is the test's to trigger.
    const cluster = await connectCluster(arm, GROUP, 'c4');
    const log: string[] = [];
    const agent = new ClusterAgent({ endpoint: server.url, clusterId: cluster.id!, privateKeyPem: agentKeys(0).privateKeyPem, caPem: server.caCertPem, log: (l) => log.push(l) });
    await agent.cycle();
    const issuedExpiry = (await getCluster('c4')).managedIdentityCertificateExpirationTime!.getTime();

    // Two days on, the agent's token has expired on the emulator clock (not on its own): it gets a new one.
    await control.advance('P2D');
    log.length = 0;
    await agent.cycle();
    assert.match(log[0], /^ExpiredAuthenticationToken: .* Getting a new token\.$/);
    let seen = await getCluster('c4');
    assert.equal(seen.connectivityStatus, 'Connected');
    assert.equal(seen.managedIdentityCertificateExpirationTime!.getTime(), issuedExpiry, 'not due for renewal yet');

    // Day 60: past the renewal window (day 46), the cycle renews the certificate.
    await control.advance('P58D');
    log.length = 0;
    await agent.cycle();
    assert.ok(log.some((l) => l.startsWith('certificate issued for identity ')), log.join('\n'));
    seen = await getCluster('c4');
    assert.equal(seen.connectivityStatus, 'Connected');
    assert.ok(seen.managedIdentityCertificateExpirationTime!.getTime() - issuedExpiry >= 60 * DAY_MS, 'the expiry moved with the renewal');

    // Stopped for longer than the certificate lives: the next cycle is refused, as `--once` is.
    await control.advance('P91D');
    await assert.rejects(agent.cycle(), (err: AgentError) => err.status === 403 && err.code === 'CertificateExpired');
    assert.equal((await getCluster('c4')).connectivityStatus, 'Expired');
  });
});
