/**
 * The cluster side's endpoints, rule by rule: discovery, identity certificates (proof of
 * possession, renewal, expiry), the data plane (who may call it, heartbeats, desired state,
 * status reports) and the Azure CLI's onboarding calls. Connectivity is read from ARM.
 */
import { strict as assert } from 'assert';
import { createPrivateKey, createPublicKey, X509Certificate } from 'crypto';
import request from 'supertest';
import { arclightPerSuite, bearer, TENANT } from '../support/arclight';
import { clusterBody, clusterPath, createCluster } from '../support/clusters';
import { configPath, extensionBody, fluxBody, sourceControlBody } from '../support/configurations';
import { agentKeys } from '../support/keys';
import { tokenFor } from '../support/identity';
import { BASE, dataPlane, HOST, onboard, proofFor, requestCertificate } from '../support/agents';

const DAY_MS = 24 * 3600 * 1000;

describe('agent protocol', () => {
  const a = arclightPerSuite({}, (i) => createCluster(i.app, 'rg', 'c1'));
  const id = clusterPath('rg', 'c1');

  // ARM calls outlive the clock's jumps (a fake token's exp is judged by the emulator clock).
  const armToken = bearer({ exp: Math.floor(Date.now() / 1000) + 10 * 365 * 24 * 3600 });
  const arm = (method: 'get' | 'put' | 'delete', path: string) => request(a.app)[method](path).set('Authorization', armToken);
  const cluster = async () => (await arm('get', `${id}?api-version=2024-01-01`).expect(200)).body;
  const advance = (ms: number) => a.services.clock.advance(ms);
  const dp = (method: 'get' | 'post', path: string, token: string) => request(a.app)[method](path).set('Host', HOST).set('Authorization', `Bearer ${token}`);

  describe('discovery', () => {
    it('names a region\'s endpoints by location (display names too) or by cluster', async () => {
      const byLocation = await request(a.app).get('/arc/his/discovery?location=West%20Europe&api-version=1.0-preview').set('Host', HOST).expect(200);
      assert.deepEqual(byLocation.body, { location: 'westeurope', identityEndpoint: `${BASE}/arc/regions/westeurope/his`, dataPlaneEndpoint: `${BASE}/arc/regions/westeurope/dataplane` });
      const byCluster = await request(a.app).get(`/arc/his/discovery?clusterId=${encodeURIComponent(id)}`).set('Host', HOST).expect(200);
      assert.equal(byCluster.body.location, 'eastus');
      assert.equal((await request(a.app).get('/arc/his/discovery?location=atlantis').expect(404)).body.error.code, 'RegionNotFound');
      assert.equal((await request(a.app).get('/arc/his/discovery').expect(400)).body.error.code, 'MissingLocation');
    });
  });

  describe('identity certificates', () => {
    it('issues a CA-signed certificate for the cluster identity, valid 90 days from the emulator clock', async () => {
      a.services.clock.setMs(Date.parse('2031-01-01T00:00:00Z'), true);
      const res = await requestCertificate(a.app, id).expect(200);
      const { principalId } = (await cluster()).identity;
      const x509 = new X509Certificate(res.body.certificate);
      assert.ok(x509.verify(a.services.ca.publicKey), 'signed by Arclight\'s CA');
      assert.ok(x509.checkIssued(new X509Certificate(a.services.ca.certPem)), "issued by the CA");
      assert.match(x509.subject, new RegExp(`CN=${principalId}`));
      assert.match(x509.subject, new RegExp(`OU=${TENANT}`));
      assert.equal(Date.parse(x509.validFrom), Date.parse('2031-01-01T00:00:00Z'));
      assert.equal(Date.parse(x509.validTo), Date.parse('2031-01-01T00:00:00Z') + 90 * DAY_MS);
      assert.ok(x509.checkPrivateKey(createPrivateKey(res.body.privateKey)), 'the returned private key is the certificate\'s');
      assert.equal(res.body.chain, res.body.certificate + a.services.ca.certPem);
      assert.equal(res.body.principalId, principalId);
      assert.equal(res.body.tokenEndpoint, `${BASE}/${TENANT}/oauth2/v2.0/token`);
      assert.equal((await cluster()).properties.managedIdentityCertificateExpirationTime, '2031-04-01T00:00:00.000Z');
    });

    it('certifies a public key the agent sends, without returning a private key', async () => {
      const publicKey = createPublicKey(agentKeys(1).privateKey).export({ type: 'spki', format: 'pem' }) as string;
      const res = await requestCertificate(a.app, id, { publicKey }).expect(200);
      assert.equal(res.body.privateKey, undefined);
      assert.equal(new X509Certificate(res.body.certificate).publicKey.export({ type: 'spki', format: 'pem' }), publicKey);
      const bad = await requestCertificate(a.app, id, { publicKey: 'not a key' }).expect(400);
      assert.equal(bad.body.error.code, 'InvalidPublicKey');
    });

    it('refuses a proof that is not signed with the onboarding key, or is for another cluster, endpoint or time: nothing is issued', async () => {
      const cases = [
        proofFor(id, { key: agentKeys(1).privateKey }),
        proofFor(id, { claims: { sub: clusterPath('rg', 'other') } }),
        proofFor(id, { audience: `${BASE}/arc/regions/westus/his/certificates` }),
        proofFor(id, { claims: { iat: Math.floor(Date.now() / 1000) - 3600, exp: Math.floor(Date.now() / 1000) - 3300 } }),
        proofFor(id, { claims: { exp: Math.floor(Date.now() / 1000) + 3600 } }),
        'not-a-jwt',
      ];
      for (const proof of cases) {
        const res = await requestCertificate(a.app, id, { proof }).expect(401);
        assert.equal(res.body.error.code, 'InvalidProofOfPossession');
      }
      assert.equal((await cluster()).properties.managedIdentityCertificateExpirationTime, undefined);
    });

    it('refuses unknown and deleted clusters, agentless ones, and the wrong region (naming the right one)', async () => {
      assert.equal((await requestCertificate(a.app, clusterPath('rg', 'nope')).expect(404)).body.error.code, 'ClusterNotFound');
      const wrong = await requestCertificate(a.app, id, { region: 'westeurope' }).expect(421);
      assert.equal(wrong.body.error.code, 'WrongRegion');
      assert.match(wrong.body.error.message, /is in region 'eastus', not 'westeurope'\. Use http:\/\/arclight\.test\/arc\/regions\/eastus\/his\./);
      await arm('put', `${clusterPath('rg', 'aws')}?api-version=2025-08-01-preview`)
        .send({ location: 'eastus', kind: 'AWS', identity: { type: 'None' }, properties: { agentPublicKeyCertificate: '' } }).expect(201);
      assert.equal((await requestCertificate(a.app, clusterPath('rg', 'aws')).expect(400)).body.error.code, 'AgentlessCluster');
      await arm('delete', `${id}?api-version=2024-01-01`).expect(202);
      assert.equal((await requestCertificate(a.app, id).expect(404)).body.error.code, 'ClusterNotFound');
    });

    it('renews before expiry (the expiry moves), and refuses once it has passed', async () => {
      const first = (await requestCertificate(a.app, id).expect(200)).body;
      advance(50 * DAY_MS);
      const renewed = (await requestCertificate(a.app, id).expect(200)).body;
      assert.ok(Date.parse(renewed.notAfter) > Date.parse(first.notAfter));
      assert.equal((await cluster()).properties.managedIdentityCertificateExpirationTime, new Date(renewed.notAfter).toISOString());
      advance(91 * DAY_MS);
      const expired = await requestCertificate(a.app, id).expect(403);
      assert.equal(expired.body.error.code, 'CertificateExpired');
      assert.match(expired.body.error.message, /Delete the connected cluster and connect it again/);
    });

    it('makes the certificate the cluster identity\'s credential: tokens carry oid and xms_mirid', async () => {
      const { issued, token } = await onboard(a.app, id);
      const claims = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString());
      assert.equal(claims.oid, (await cluster()).identity.principalId);
      assert.equal(claims.xms_mirid, id);
      assert.equal(claims.appid, issued.clientId);
      assert.equal(claims.tid, TENANT);
    });
  });

  describe('data plane', () => {
    it('takes heartbeats: Connected, the agent fields filled, systemData by the Microsoft.Kubernetes application', async () => {
      const { token } = await onboard(a.app, id);
      const res = await dp('post', `${dataPlane()}/heartbeat`, token)
        .send({ agentVersion: '1.21.10', kubernetesVersion: 'v1.30.1', totalNodeCount: 5, totalCoreCount: 20 }).expect(200);
      assert.equal(res.body.connectivityStatus, 'Connected');
      const c = await cluster();
      assert.equal(c.properties.connectivityStatus, 'Connected');
      assert.equal(c.properties.kubernetesVersion, '1.30.1');
      assert.equal(c.properties.totalNodeCount, 5);
      assert.equal(c.properties.totalCoreCount, 20);
      assert.equal(c.properties.agentVersion, '1.21.10');
      assert.equal(c.properties.lastConnectivityTime, res.body.lastConnectivityTime);
      assert.equal(c.systemData.lastModifiedBy, '64b12d6e-6549-484c-8cc6-6281839ba394');
      assert.equal(c.systemData.lastModifiedByType, 'Application');
      const bad = await dp('post', `${dataPlane()}/heartbeat`, token).send({ totalNodeCount: -1 }).expect(400);
      assert.equal(bad.body.error.code, 'InvalidHeartbeat');
      assert.equal((await dp('post', `${dataPlane()}/heartbeat`, token).send({ nodes: 1 }).expect(400)).body.error.code, 'InvalidHeartbeat');
    });

    it('derives connectivity from the clock: Connecting, Connected, Offline after 15 minutes, Expired once the certificate runs out', async () => {
      a.services.clock.freeze(); // frozen: the 15-minute boundary is exact
      assert.equal((await cluster()).properties.connectivityStatus, 'Connecting');
      const { token } = await onboard(a.app, id);
      assert.equal((await cluster()).properties.connectivityStatus, 'Connecting', 'no heartbeat yet');
      await dp('post', `${dataPlane()}/heartbeat`, token).send({}).expect(200);
      advance(15 * 60 * 1000);
      assert.equal((await cluster()).properties.connectivityStatus, 'Connected');
      advance(60 * 1000);
      assert.equal((await cluster()).properties.connectivityStatus, 'Offline');
      const list = await arm('get', '/subscriptions/00000000-0000-0000-0000-000000000000/providers/Microsoft.Kubernetes/connectedClusters?api-version=2024-01-01').expect(200);
      assert.equal(list.body.value[0].properties.connectivityStatus, 'Offline', 'list and GET agree');
      await dp('post', `${dataPlane()}/heartbeat`, token).send({}).expect(200);
      assert.equal((await cluster()).properties.connectivityStatus, 'Connected');
      advance(90 * DAY_MS);
      assert.equal((await cluster()).properties.connectivityStatus, 'Expired');
    });

    it('is only for the cluster\'s own identity, in its own region', async () => {
      const { token } = await onboard(a.app, id);
      assert.equal((await request(a.app).post(`${dataPlane()}/heartbeat`).send({}).expect(401)).body.error.code, 'AuthenticationFailed');
      assert.equal((await dp('post', `${dataPlane()}/heartbeat`, 'a.b.c').send({}).expect(401)).body.error.code, 'InvalidAuthenticationToken');
      const user = await tokenFor(a.app);
      assert.equal((await dp('get', `${dataPlane()}/configurations`, user).expect(403)).body.error.code, 'AuthorizationFailed');
      const wrong = await dp('get', `${dataPlane('westeurope')}/configurations`, token).expect(421);
      assert.equal(wrong.body.error.code, 'WrongRegion');
      assert.match(wrong.body.error.message, /Use http:\/\/arclight\.test\/arc\/regions\/eastus\/dataplane\./);
      assert.equal((await dp('get', `${dataPlane('atlantis')}/configurations`, token).expect(404)).body.error.code, 'RegionNotFound');
      a.services.clock.advance(2 * 3600 * 1000);
      assert.equal((await dp('get', `${dataPlane()}/configurations`, token).expect(401)).body.error.code, 'ExpiredAuthenticationToken');
    });

    it('refuses a deleted cluster\'s identity, and a cluster connected again under the same name has a new one', async () => {
      const { token } = await onboard(a.app, id);
      await arm('delete', `${id}?api-version=2024-01-01`).expect(202);
      assert.equal((await dp('get', `${dataPlane()}/configurations`, token).expect(403)).body.error.code, 'AuthorizationFailed');
      await arm('put', `${id}?api-version=2024-01-01`).send(clusterBody()).expect(201);
      assert.equal((await dp('get', `${dataPlane()}/configurations`, token).expect(403)).body.error.code, 'AuthorizationFailed');
      const again = await onboard(a.app, id);
      await dp('get', `${dataPlane()}/configurations`, again.token).expect(200);
    });

    it('hands the cluster its desired state, protected settings included, and only to it', async () => {
      await arm('put', `${configPath('rg', 'c1', 'extensions', 'monitor')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
      await arm('put', `${configPath('rg', 'c1', 'fluxConfigurations', 'gitops')}?api-version=2023-05-01`).send(fluxBody()).expect(201);
      await arm('put', `${configPath('rg', 'c1', 'sourceControlConfigurations', 'legacy')}?api-version=2023-05-01`).send(sourceControlBody()).expect(201);
      await createCluster(a.app, 'rg', 'c2');
      await arm('put', `${configPath('rg', 'c2', 'extensions', 'other')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
      const { token } = await onboard(a.app, id);
      const res = await dp('get', `${dataPlane()}/configurations`, token).expect(200);
      assert.equal(res.body.clusterId, id);
      assert.deepEqual(res.body.extensions.map((e: { name: string }) => e.name), ['monitor']);
      assert.deepEqual(res.body.extensions[0].properties.configurationProtectedSettings, { 'omsagent.secret.key': 'extension-secret-value' });
      assert.deepEqual(res.body.fluxConfigurations[0].properties.configurationProtectedSettings, { httpsKey: 'Zmx1eC1zZWNyZXQtdmFsdWU=' });
      assert.deepEqual(res.body.sourceControlConfigurations[0].properties.configurationProtectedSettings, { sshPrivateKey: 'c2NjLXNlY3JldC12YWx1ZQ==' });
      for (const line of a.logs) assert.ok(!line.includes('extension-secret-value'));
    });

    it('takes status reports that become what ARM shows next', async () => {
      await arm('put', `${configPath('rg', 'c1', 'extensions', 'monitor')}?api-version=2023-05-01`).send(extensionBody()).expect(201);
      await arm('put', `${configPath('rg', 'c1', 'fluxConfigurations', 'gitops')}?api-version=2023-05-01`).send(fluxBody()).expect(201);
      await arm('put', `${configPath('rg', 'c1', 'sourceControlConfigurations', 'legacy')}?api-version=2023-05-01`).send(sourceControlBody()).expect(201);
      const { token } = await onboard(a.app, id);
      const status = (collection: string, name: string) => dp('post', `${dataPlane()}/configurations/${collection}/${name}/status`, token);
      const installed = await status('extensions', 'monitor').send({ provisioningState: 'Succeeded', currentVersion: '3.1.2', statuses: [] }).expect(200);
      assert.deepEqual(installed.body.properties.configurationProtectedSettings, {});
      const ext = await arm('get', `${configPath('rg', 'c1', 'extensions', 'monitor')}?api-version=2023-05-01`).expect(200);
      assert.equal(ext.body.properties.currentVersion, '3.1.2');
      await status('fluxConfigurations', 'gitops').send({ complianceState: 'Compliant', sourceSyncedCommitId: 'main/abc', statusUpdatedAt: '2030-01-01T00:00:00Z' }).expect(200);
      const flux = await arm('get', `${configPath('rg', 'c1', 'fluxConfigurations', 'gitops')}?api-version=2023-05-01`).expect(200);
      assert.equal(flux.body.properties.complianceState, 'Compliant');
      assert.equal(flux.body.properties.sourceSyncedCommitId, 'main/abc');
      await status('sourceControlConfigurations', 'legacy').send({ complianceStatus: { complianceState: 'Installed', messageLevel: 'Information' } }).expect(200);
      const failed = await status('extensions', 'monitor').send({ provisioningState: 'Failed', errorInfo: { code: 'HelmInstallFailed', message: 'chart not found' } }).expect(200);
      assert.equal(failed.body.properties.provisioningState, 'Failed');
      assert.equal((await status('extensions', 'monitor').send({ extensionType: 'x' }).expect(400)).body.error.code, 'InvalidStatusReport');
      assert.equal((await status('extensions', 'monitor').send({ provisioningState: 'Bogus' }).expect(400)).body.error.code, 'InvalidStatusReport');
      assert.equal((await status('extensions', 'nope').send({}).expect(404)).body.error.code, 'ResourceNotFound');
      assert.equal((await status('widgets', 'x').send({}).expect(404)).body.error.code, 'NotFound');
    });
  });

  describe('the Azure CLI\'s onboarding calls', () => {
    for (const prefix of ['/arc/dataplane', '/arc/regions/eastus/dataplane']) {
      it(`answers healthCheck, GetHelmSettings and GetLatestHelmPackagePath (${prefix})`, async () => {
        await request(a.app).post(`${prefix}/azure-arc-k8sagents/healthCheck?api-version=2024-07-01-preview`).set('Authorization', bearer()).expect(200);
        const settings = await request(a.app).post(`${prefix}/azure-arc-k8sagents/GetHelmSettings?api-version=2024-07-01-preview&releaseTrain=stable`)
          .set('Authorization', bearer()).send(await cluster()).expect(200);
        assert.match(settings.body.repositoryPath, /^mcr\.microsoft\.com\/azurearck8s\/batch1\/stable\/azure-arc-k8sagents:\d+\.\d+\.\d+$/);
        assert.equal(settings.body.helmValuesContent['global.resourceName'], 'c1');
        assert.equal(settings.body.helmValuesContent['global.resourceGroupName'], 'rg');
        assert.equal(settings.body.helmValuesContent['global.location'], 'eastus');
        assert.equal(settings.body.helmValuesContent['global.tenantId'], TENANT);
        const latest = await request(a.app).post(`${prefix}/azure-arc-k8sagents/GetLatestHelmPackagePath?api-version=2019-11-01-preview&releaseTrain=stable`).expect(200);
        assert.match(latest.body.repositoryPath, /azure-arc-k8sagents:/);
        await request(a.app).post(`${prefix}/azure-arc-k8sagents/healthCheck`).expect(401);
      });
    }
  });

});
