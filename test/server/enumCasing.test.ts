/**
 * String enums in any casing: stored and rendered in the spec's casing (what Azure answers the
 * legacy `az k8s-configuration create`, which sends "operatorType": "flux"); a value that is no
 * casing of a listed one is refused as before.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer } from '../support/arclight';
import { clusterBody, clusterPath, createCluster } from '../support/clusters';
import { configPath, fluxBody, sourceControlBody } from '../support/configurations';

describe('enum values in any casing', () => {
  const a = arclightPerSuite({}, (i) => createCluster(i.app, 'rg', 'c1'));
  const call = (method: 'get' | 'put' | 'patch', path: string) => request(a.app)[method](path).set('Authorization', bearer());

  it('stores the legacy CLI\'s "flux" operator type as "Flux" (modelAsString)', async () => {
    const path = `${configPath('rg', 'c1', 'sourceControlConfigurations', 'legacy')}?api-version=2022-03-01`;
    // The body `az k8s-configuration create --operator-type flux` sends (its default), casing included.
    const res = await call('put', path).send(sourceControlBody({ operatorType: 'flux', operatorScope: 'Namespace', operatorNamespace: 'team-a' })).expect(201);
    assert.equal(res.body.properties.operatorType, 'Flux');
    assert.equal(res.body.properties.operatorScope, 'namespace');
    const got = await call('get', path).expect(200);
    assert.equal(got.body.properties.operatorType, 'Flux');
    assert.equal(got.body.properties.operatorScope, 'namespace');
  });

  it('canonicalizes nested enums, and closed ones such as the identity type', async () => {
    const flux = `${configPath('rg', 'c1', 'fluxConfigurations', 'f1')}?api-version=2024-11-01`;
    const res = await call('put', flux).send(fluxBody({ sourceKind: 'gitrepository', scope: 'CLUSTER' })).expect(201);
    assert.equal(res.body.properties.sourceKind, 'GitRepository');
    assert.equal(res.body.properties.scope, 'cluster');
    const cluster = await call('put', `${clusterPath('rg', 'c2')}?api-version=2024-01-01`)
      .send(clusterBody({ identity: { type: 'systemassigned' } }, { azureHybridBenefit: 'true' })).expect(201);
    assert.equal(cluster.body.identity.type, 'SystemAssigned');
    assert.equal(cluster.body.properties.azureHybridBenefit, 'True');
  });

  it('refuses a value that is no casing of a listed one, with the validation error it had', async () => {
    const flux = `${configPath('rg', 'c1', 'fluxConfigurations', 'f2')}?api-version=2024-11-01`;
    const res = await call('put', flux).send(fluxBody({ sourceKind: 'Helm' })).expect(400);
    assert.equal(res.body.error.code, 'InvalidRequestContent');
    assert.match(JSON.stringify(res.body.error), /sourceKind/);
  });
});
