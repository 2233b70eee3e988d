/**
 * The cluster side end to end, by hand over HTTPS: what an agent someone writes against
 * specs/arclight/agent-protocol.json does, step by step, with the official SDKs on the ARM side.
 * Discovery; the managed identity certificate for a proof of possession of the onboarding key
 * (chain, subject, validity, key); a token of the cluster identity for a client assertion;
 * heartbeats that move connectivityStatus with the emulator clock (Connected, Offline, Expired);
 * configurations pulled with their protected settings and reported back to ARM. Every answer of
 * the protocol is validated against its spec (test/support/agentProtocol.ts).
 */
import { strict as assert } from 'assert';
import { createPrivateKey, createPublicKey, sign, verify, X509Certificate } from 'crypto';
import jwt from 'jsonwebtoken';
import { testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';
import { AgentProtocol, expectStatus, IssuedCertificate } from '../support/agentProtocol';
import {
  ArmClients, armClients, CC, connectCluster, controls, createConfigurations, DAY_MS, KUBERNETES_APP, legacySourceControl, PROTECTED, readConfigurations,
} from '../support/clusterSide';

const GROUP = 'cluster-side';
const METADATA = { agentVersion: '1.21.10', kubernetesVersion: 'v1.30.4', totalNodeCount: 3, totalCoreCount: 12 };

/** The subject's attributes (Node prints one `KEY=value` per line). */
function subjectOf(cert: X509Certificate): Record<string, string> {
  return Object.fromEntries(cert.subject.split('\n').map((line) => line.split(/=(.*)/s, 2) as [string, string]));
}

/**
 * Nothing secret the cluster side exchanged reaches the log (this server logs at debug level,
 * bodies included): no JWT of any kind (proofs, assertions, tokens), no private key, none of `values`.
 */
function assertNothingSecretLogged(logs: string[], values: string[]): void {
  const log = logs.join('\n');
  assert.ok(logs.some((l) => / debug /.test(l)), 'the run logged at debug level');
  assert.doesNotMatch(log, /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]+\./);
  assert.doesNotMatch(log, /PRIVATE KEY/);
  for (const v of values) assert.ok(!log.includes(v), `the log contains a secret (${v.slice(0, 8)}...)`);
}

/** The base64 body of a PEM, which is what would leak if anything did. */
const pemBody = (pem: string) => pem.replace(/-----[^-]+-----|\s/g, '');

/** DER stores whole seconds. */
const toSecond = (ms: number) => Math.floor(ms / 1000) * 1000;

describe('e2e: the cluster side by hand (agent protocol over HTTPS)', () => {
  let server: TestServer;
  let arm: ArmClients;
  let agent: AgentProtocol;
  let clock: ReturnType<typeof controls>;
  const onboardingKey = agentKeys(0).privateKey;

  before(async () => {
    server = await testServer({ logLevel: 'debug' });
    arm = armClients(server);
    agent = new AgentProtocol(server);
    clock = controls(server);
  });
  after(() => server.stop());

  const getCluster = (name: string) => arm.clusters.connectedClusterOperations.get(GROUP, name);

  it('certificate for the onboarding key, token of the cluster identity, and connectivity that follows heartbeats and the clock', async () => {
    const created = await connectCluster(arm, GROUP, 'c1');
    const clusterId = created.id!;
    const { principalId, tenantId } = created.identity;
    assert.equal(created.connectivityStatus, 'Connecting', 'no agent has reported yet');

    // Discovery names the cluster's region's endpoints, by cluster or by location.
    const endpoints = expectStatus(await agent.discover({ clusterId }), 200);
    assert.deepEqual(endpoints, {
      location: 'eastus', identityEndpoint: `${server.url}/arc/regions/eastus/his`, dataPlaneEndpoint: `${server.url}/arc/regions/eastus/dataplane`,
    });
    assert.deepEqual(expectStatus(await agent.discover({ location: 'East US' }), 200), endpoints);

    // A proof signed with another key is refused, and nothing is issued.
    const refused = await agent.requestCertificate(endpoints.identityEndpoint, clusterId, agentKeys(1).privateKey);
    expectStatus(refused, 401, 'InvalidProofOfPossession');
    const untouched = await getCluster('c1');
    assert.equal(untouched.managedIdentityCertificateExpirationTime, undefined);
    assert.deepEqual(untouched.systemData, created.systemData);

    // The right key: a certificate for the cluster identity, signed by Arclight's CA, valid 90 days from the emulator clock.
    const before = toSecond(await clock.now());
    const issued: IssuedCertificate = expectStatus(await agent.requestCertificate(endpoints.identityEndpoint, clusterId, onboardingKey), 200);
    const after = await clock.now();
    const ca = new X509Certificate(server.caCertPem);
    const cert = new X509Certificate(issued.certificate);
    assert.ok(cert.verify(ca.publicKey), 'signed by the CA');
    assert.ok(cert.checkIssued(ca), 'issued by the CA');
    assert.equal(issued.chain, issued.certificate + server.caCertPem);
    assert.equal(subjectOf(cert).CN, principalId);
    assert.equal(subjectOf(cert).OU, tenantId);
    assert.deepEqual([issued.principalId, issued.tenantId, issued.location, issued.clusterId], [principalId, tenantId, 'eastus', clusterId]);
    const validFrom = Date.parse(cert.validFrom);
    assert.ok(validFrom >= before && validFrom <= after, `notBefore ${cert.validFrom} is the emulator clock's now`);
    assert.equal(Date.parse(cert.validTo) - validFrom, 90 * DAY_MS);
    assert.equal(toSecond(Date.parse(issued.notAfter)), Date.parse(cert.validTo));
    assert.ok(cert.keyUsage?.includes('1.3.6.1.5.5.7.3.2'), 'a client authentication certificate');
    // The private key Arclight generated is the certified key's.
    const privateKey = createPrivateKey(issued.privateKey!);
    assert.deepEqual(createPublicKey(privateKey).export({ type: 'spki', format: 'der' }), cert.publicKey.export({ type: 'spki', format: 'der' }));
    assert.ok(verify(null, Buffer.from('proof'), cert.publicKey, sign(null, Buffer.from('proof'), privateKey)));

    const withCertificate = await getCluster('c1');
    assert.equal(withCertificate.managedIdentityCertificateExpirationTime?.toISOString(), issued.notAfter);
    assert.equal(withCertificate.connectivityStatus, 'Connecting', 'a certificate is not a heartbeat');

    // A token of the cluster identity for a client assertion signed with the certificate's key.
    const token = expectStatus(await agent.token(issued, privateKey), 200).access_token;
    const claims = jwt.decode(token) as jwt.JwtPayload;
    assert.equal(claims.oid, principalId);
    assert.equal(claims.xms_mirid, clusterId);
    assert.equal(claims.tid, tenantId);
    assert.equal(claims.appid, issued.clientId);

    // Heartbeat: Connected, with what the agents report, written as the Microsoft.Kubernetes application.
    const beat = expectStatus(await agent.heartbeat(endpoints.dataPlaneEndpoint, token, METADATA), 200);
    assert.equal(beat.connectivityStatus, 'Connected');
    let seen = await getCluster('c1');
    assert.equal(seen.connectivityStatus, 'Connected');
    assert.deepEqual([seen.agentVersion, seen.kubernetesVersion, seen.totalNodeCount, seen.totalCoreCount], ['1.21.10', '1.30.4', 3, 12]);
    assert.equal(seen.lastConnectivityTime?.toISOString(), beat.lastConnectivityTime);
    assert.equal(seen.systemData?.lastModifiedBy, KUBERNETES_APP);
    assert.equal(seen.systemData?.lastModifiedByType, 'Application');
    assert.equal(seen.systemData?.createdBy, created.systemData?.createdBy, 'the creator stays');

    // 16 minutes without a heartbeat: Offline. A heartbeat: Connected again.
    await clock.advance('PT16M');
    seen = await getCluster('c1');
    assert.equal(seen.connectivityStatus, 'Offline');
    assert.equal(seen.lastConnectivityTime?.toISOString(), beat.lastConnectivityTime);
    const again = expectStatus(await agent.heartbeat(endpoints.dataPlaneEndpoint, token, METADATA), 200);
    assert.ok(Date.parse(again.lastConnectivityTime) - Date.parse(beat.lastConnectivityTime) >= 16 * 60_000);
    assert.equal((await getCluster('c1')).connectivityStatus, 'Connected');

    // Renewal before expiry: a new certificate, and the expiry moves.
    await clock.advance('P50D');
    const renewed: IssuedCertificate = expectStatus(await agent.requestCertificate(endpoints.identityEndpoint, clusterId, onboardingKey), 200);
    assert.ok(Date.parse(renewed.notAfter) - Date.parse(issued.notAfter) >= 50 * DAY_MS);
    assert.equal((await getCluster('c1')).managedIdentityCertificateExpirationTime?.toISOString(), renewed.notAfter);
    const renewedKey = createPrivateKey(renewed.privateKey!);

    // Past the certificate's expiry: Expired (it wins over Offline), and nothing renews it or gets tokens with it.
    await clock.advance('P91D');
    seen = await getCluster('c1');
    assert.equal(seen.connectivityStatus, 'Expired');
    const expired = await agent.requestCertificate(endpoints.identityEndpoint, clusterId, onboardingKey);
    expectStatus(expired, 403, 'CertificateExpired');
    assert.match(expired.body.error.message, /Delete the connected cluster and connect it again/);
    const noToken = expectStatus(await agent.token(renewed, renewedKey), 401, 'invalid_client');
    assert.match(noToken.error_description, /^AADSTS700027: .*The key used is expired/);
    expectStatus(await agent.heartbeat(endpoints.dataPlaneEndpoint, token, METADATA), 401, 'ExpiredAuthenticationToken');
    seen = await getCluster('c1');
    assert.equal(seen.connectivityStatus, 'Expired');
    assert.equal(seen.managedIdentityCertificateExpirationTime?.toISOString(), renewed.notAfter, 'the refusals changed nothing');
    assertNothingSecretLogged(server.logs, [token, pemBody(issued.privateKey!), pemBody(renewed.privateKey!)]);
  });

  it('configurations created through ARM are pulled with their protected settings, and what the agent reports is what ARM shows', async () => {
    const cluster = await connectCluster(arm, GROUP, 'c2');
    await createConfigurations(arm, GROUP, 'c2');
    await arm.config.sourceControlConfigurations.createOrUpdate(GROUP, ...CC, 'c2', 'legacy', legacySourceControl());
    let { extension, flux } = await readConfigurations(arm, GROUP, 'c2');
    assert.equal(extension.currentVersion, null, 'nothing installed yet');
    assert.equal(flux.complianceState, 'Pending');

    const { issued, token } = await agent.signIn(cluster.id!, onboardingKey);
    expectStatus(await agent.heartbeat(issued.dataPlaneEndpoint, token, METADATA), 200);

    // Desired state: every configuration, protected settings included (only this cluster's identity gets them).
    const desired = expectStatus(await agent.desiredState(issued.dataPlaneEndpoint, token), 200);
    assert.equal(desired.clusterId, cluster.id);
    const only = (list: Array<{ name: string; properties: Record<string, unknown> }>) => {
      assert.equal(list.length, 1);
      return list[0];
    };
    const pulledExtension = only(desired.extensions);
    assert.equal(pulledExtension.name, 'monitor');
    assert.deepEqual(pulledExtension.properties.configurationProtectedSettings, PROTECTED.monitor);
    assert.deepEqual(pulledExtension.properties.configurationSettings, { 'logAnalytics.workspace': 'ws1' });
    assert.equal(pulledExtension.properties.version, '3.1.16');
    assert.deepEqual(only(desired.fluxConfigurations).properties.configurationProtectedSettings, PROTECTED.gitops);
    assert.deepEqual(only(desired.sourceControlConfigurations).properties.configurationProtectedSettings, PROTECTED.legacy);

    // Reports: the extension installed, flux reconciled, the Flux v1 operator installed.
    const now = new Date(await clock.now()).toISOString();
    const installed = expectStatus(await agent.report(issued.dataPlaneEndpoint, token, 'extensions', 'monitor',
      { provisioningState: 'Succeeded', currentVersion: '3.1.16', statuses: [{ code: 'InstallationSucceeded', displayStatus: 'Installed', level: 'Information', message: 'Helm release deployed', time: now }] }), 200);
    assert.ok(!JSON.stringify(installed).includes(PROTECTED.monitor['omsagent.secret.key']), 'a report answer carries no protected setting');
    const ready = { type: 'Ready', status: 'True', reason: 'Succeeded', message: 'stored artifact for revision main/abc', lastTransitionTime: now };
    expectStatus(await agent.report(issued.dataPlaneEndpoint, token, 'fluxConfigurations', 'gitops', {
      complianceState: 'Compliant', sourceSyncedCommitId: 'main/3f1a9c0d', sourceUpdatedAt: now, statusUpdatedAt: now,
      statuses: [{ name: 'gitops', namespace: 'cluster-config', kind: 'GitRepository', complianceState: 'Compliant', statusConditions: [ready] }],
    }), 200);
    expectStatus(await agent.report(issued.dataPlaneEndpoint, token, 'sourceControlConfigurations', 'legacy', {
      complianceStatus: { complianceState: 'Installed', lastConfigApplied: now, message: 'Operator installed', messageLevel: 'Information' },
    }), 200);

    ({ extension, flux } = await readConfigurations(arm, GROUP, 'c2'));
    assert.equal(extension.currentVersion, '3.1.16');
    assert.equal(extension.provisioningState, 'Succeeded');
    assert.equal(extension.statuses?.[0].displayStatus, 'Installed');
    assert.deepEqual(extension.configurationProtectedSettings, {}, 'ARM still never returns protected settings');
    assert.equal(flux.complianceState, 'Compliant');
    assert.equal(flux.sourceSyncedCommitId, 'main/3f1a9c0d');
    assert.equal(flux.statusUpdatedAt?.toISOString(), now);
    assert.equal(flux.statuses?.[0]?.statusConditions?.[0].status, 'True');
    const legacy = await arm.config.sourceControlConfigurations.get(GROUP, ...CC, 'c2', 'legacy');
    assert.equal(legacy.complianceStatus?.complianceState, 'Installed');
    assert.equal(legacy.complianceStatus?.message, 'Operator installed');

    // Another cluster's identity neither reads nor reports this cluster's configurations: it sees its own only.
    const other = await connectCluster(arm, GROUP, 'c3', 'eastus', 1);
    const stranger = await agent.signIn(other.id!, agentKeys(1).privateKey);
    const theirs = expectStatus(await agent.desiredState(stranger.issued.dataPlaneEndpoint, stranger.token), 200);
    assert.deepEqual([theirs.clusterId, theirs.extensions, theirs.fluxConfigurations], [other.id, [], []]);
    expectStatus(await agent.report(stranger.issued.dataPlaneEndpoint, stranger.token, 'extensions', 'monitor', { provisioningState: 'Failed' }), 404, 'ResourceNotFound');
    assert.equal((await arm.config.extensions.get(GROUP, ...CC, 'c2', 'monitor')).provisioningState, 'Succeeded');
    assertNothingSecretLogged(server.logs, [token, stranger.token, ...Object.values(PROTECTED).flatMap((p) => Object.values(p))]);
  });
});
