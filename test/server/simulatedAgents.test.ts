/**
 * Arclight playing the clusters' agents: --agents simulated, and one cluster at a time through
 * /_arclight/clusters/{id}/connect; disconnecting, certificate renewal and expiry on the clock,
 * and configurations made to fail and recover.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { bearer, testArclight, TestArclight } from '../support/arclight';
import { clusterPath, createCluster } from '../support/clusters';
import { configPath, extensionBody, fluxBody, sourceControlBody } from '../support/configurations';
import { clusterIdentityClientId } from '../../server/clusterSide/identityCertificates';

const DAY_MS = 24 * 3600 * 1000;
const KUBERNETES_APP = '64b12d6e-6549-484c-8cc6-6281839ba394';

describe('simulated agents', () => {
  let a: TestArclight; // the describe block's instance
  const id = clusterPath('rg', 'c1');
  // ARM calls outlive the clock's jumps (a fake token's exp is judged by the emulator clock).
  const token = bearer({ exp: Math.floor(Date.now() / 1000) + 10 * 365 * 24 * 3600 });
  const arm = (method: 'get' | 'put' | 'delete' | 'patch', path: string) => request(a.app)[method](path).set('Authorization', token);
  const control = (path: string, body?: object) => request(a.app).post(`/_arclight/clusters${path}`).send(body ?? {});
  const cluster = async () => (await arm('get', `${id}?api-version=2024-01-01`).expect(200)).body;
  const config = async (collection: string, name: string) => (await arm('get', `${configPath('rg', 'c1', collection, name)}?api-version=2023-05-01`).expect(200)).body.properties;
  const advance = (ms: number) => a.services.clock.advance(ms);

  describe('--agents simulated', () => {
    before(async () => {
      a = await testArclight({ agents: 'simulated' });
    });
    after(() => a.close());
    beforeEach(async () => {
      a.reset();
      a.services.clock.freeze(); // frozen: window boundaries are exact
      await createCluster(a.app, 'rg', 'c1');
    });

    it('connects every cluster as its creation completes: certificate, heartbeat, agent fields', async () => {
      const c = await cluster();
      assert.equal(c.properties.connectivityStatus, 'Connected');
      assert.equal(c.properties.lastConnectivityTime, a.services.clock.iso());
      assert.equal(c.properties.agentVersion, '1.21.10');
      assert.equal(c.properties.kubernetesVersion, '1.30.4');
      assert.equal(c.properties.totalNodeCount, 3);
      assert.equal(Date.parse(c.properties.managedIdentityCertificateExpirationTime), a.services.clock.nowMs() + 90 * DAY_MS);
      assert.equal(c.systemData.lastModifiedBy, KUBERNETES_APP);
      const identity = a.services.principals.get(clusterIdentityClientId(c.identity.principalId));
      assert.equal(identity?.certificates.length, 1, 'the cluster identity has its certificate credential');
      assert.equal(identity?.principal.certificateOnly, true, 'and gets tokens only with it');
      advance(3600 * 1000);
      assert.equal((await cluster()).properties.lastConnectivityTime, a.services.clock.iso(), 'online agents keep heartbeating');
    });

    it('installs extensions, reconciles flux to Compliant and runs Flux v1 operators', async () => {
      await arm('put', `${configPath('rg', 'c1', 'extensions', 'monitor')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
      await arm('put', `${configPath('rg', 'c1', 'extensions', 'pinned')}?api-version=2023-05-01`).send(extensionBody({ autoUpgradeMinorVersion: false, version: '3.1.16' })).expect(201);
      await arm('put', `${configPath('rg', 'c1', 'fluxConfigurations', 'gitops')}?api-version=2023-05-01`).send(fluxBody()).expect(201);
      await arm('put', `${configPath('rg', 'c1', 'sourceControlConfigurations', 'legacy')}?api-version=2023-05-01`).send(sourceControlBody()).expect(201);
      assert.equal((await config('extensions', 'monitor')).currentVersion, '3.1.26', 'the version its release train resolved to');
      assert.equal((await config('extensions', 'pinned')).currentVersion, '3.1.16');
      const flux = await config('fluxConfigurations', 'gitops');
      assert.equal(flux.complianceState, 'Compliant');
      assert.match(flux.sourceSyncedCommitId, /^main\/[0-9a-f]{40}$/);
      assert.deepEqual(flux.statuses.map((st: { name: string; kind: string }) => `${st.kind}:${st.name}`), ['GitRepository:gitops', 'Kustomization:gitops-infra', 'Kustomization:gitops-apps']);
      assert.equal((await config('sourceControlConfigurations', 'legacy')).complianceStatus.complianceState, 'Compliant');
    });

    it('goes Offline after the offline window once disconnected, and back to Connected on connect', async () => {
      const off = await control(`${id}/disconnect`).expect(200);
      assert.equal(off.body.connectivityStatus, 'Connected');
      advance(15 * 60 * 1000);
      assert.equal((await cluster()).properties.connectivityStatus, 'Connected');
      advance(1000);
      assert.equal((await cluster()).properties.connectivityStatus, 'Offline');
      // Configurations created while offline wait for the agents.
      await arm('put', `${configPath('rg', 'c1', 'extensions', 'late')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
      assert.equal((await config('extensions', 'late')).currentVersion, null);
      const on = await control(`/${encodeURIComponent(id)}/connect`).expect(200);
      assert.equal(on.body.connectivityStatus, 'Connected');
      assert.equal((await config('extensions', 'late')).currentVersion, '3.1.26');
    });

    it('renews the certificate while online, and an offline cluster expires for good', async () => {
      const issued = Date.parse((await cluster()).properties.managedIdentityCertificateExpirationTime);
      advance(60 * DAY_MS);
      const renewed = Date.parse((await cluster()).properties.managedIdentityCertificateExpirationTime);
      assert.equal(renewed, issued + 46 * DAY_MS, 'renewed on day 46');
      await control(`${id}/disconnect`).expect(200);
      advance(renewed - a.services.clock.nowMs() + 1000);
      assert.equal((await cluster()).properties.connectivityStatus, 'Expired');
      const refused = await control(`${id}/connect`).expect(403);
      assert.equal(refused.body.error.code, 'CertificateExpired');
    });

    it('reports a configuration failed until it recovers', async () => {
      await arm('put', `${configPath('rg', 'c1', 'extensions', 'monitor')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
      await arm('put', `${configPath('rg', 'c1', 'fluxConfigurations', 'gitops')}?api-version=2023-05-01`).send(fluxBody()).expect(201);
      await control(`${configPath('rg', 'c1', 'extensions', 'monitor')}/fail`, { message: 'chart not found' }).expect(200);
      const failed = await config('extensions', 'monitor');
      assert.equal(failed.provisioningState, 'Failed');
      assert.equal(failed.errorInfo.code, 'ExtensionOperationFailed');
      assert.match(failed.errorInfo.message, /chart not found/);
      await control(`${configPath('rg', 'c1', 'fluxConfigurations', 'gitops')}/fail`).expect(200);
      assert.equal((await config('fluxConfigurations', 'gitops')).complianceState, 'Non-Compliant');
      // Still failing after an update and a reconnect, until recovered.
      await arm('patch', `${configPath('rg', 'c1', 'extensions', 'monitor')}?api-version=2023-05-01`).send({ properties: { releaseTrain: 'Preview' } }).expect(202);
      assert.equal((await config('extensions', 'monitor')).provisioningState, 'Failed');
      await control(`${configPath('rg', 'c1', 'extensions', 'monitor')}/recover`).expect(200);
      const recovered = await config('extensions', 'monitor');
      assert.equal(recovered.provisioningState, 'Succeeded');
      assert.equal(recovered.errorInfo, null);
      await control(`${configPath('rg', 'c1', 'fluxConfigurations', 'gitops')}/recover`).expect(200);
      assert.equal((await config('fluxConfigurations', 'gitops')).complianceState, 'Compliant');
    });

    it('answers 404 for unknown clusters and configurations', async () => {
      assert.equal((await control(`${clusterPath('rg', 'nope')}/connect`).expect(404)).body.error.code, 'ResourceNotFound');
      assert.equal((await control(`${configPath('rg', 'c1', 'extensions', 'nope')}/fail`).expect(404)).body.error.code, 'ResourceNotFound');
    });
  });

  describe('without --agents', () => {
    before(async () => {
      a = await testArclight();
    });
    after(() => a.close());
    beforeEach(async () => {
      a.reset();
      await createCluster(a.app, 'rg', 'c1');
    });

    it('leaves clusters Connecting, and connects one cluster on request', async () => {
      assert.equal((await cluster()).properties.connectivityStatus, 'Connecting');
      await arm('put', `${configPath('rg', 'c1', 'extensions', 'monitor')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
      assert.equal((await config('extensions', 'monitor')).currentVersion, null);
      const fail = await control(`${configPath('rg', 'c1', 'extensions', 'monitor')}/fail`).expect(409);
      assert.equal(fail.body.error.code, 'NoSimulatedAgents');
      await control(`${id}/connect`).expect(200);
      assert.equal((await cluster()).properties.connectivityStatus, 'Connected');
      assert.equal((await config('extensions', 'monitor')).currentVersion, '3.1.26', 'the version its release train resolved to');
      await createCluster(a.app, 'rg', 'c2');
      assert.equal((await arm('get', `${clusterPath('rg', 'c2')}?api-version=2024-01-01`).expect(200)).body.properties.connectivityStatus, 'Connecting', 'only that cluster');
    });
  });
});
