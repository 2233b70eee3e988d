/**
 * --rbac enforce: ARM requests authorised against role assignments with the built-in roles'
 * actions and notActions, inherited downwards, refused with Azure's AuthorizationFailed; the
 * default principal owns the default subscription; off by default.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { bearer, SUB, TENANT, testArclight, TestArclight } from '../../support/arclight';
import { clusterBody, clusterPath, groupPath } from '../../support/clusters';
import { extensionBody } from '../../support/configurations';
import { tokenFor } from '../../support/identity';
import { derivedGuid } from '../../../server/identity/principals';
import { CLIENT_ID } from '../../support/arclight';

const HOST = 'arclight.test:8443';
const AUTHZ = '2022-04-01';
const CC = '2024-01-01';
const EXT = '2023-05-01';
const RG = '2021-04-01';
const ROLES = {
  owner: '8e3af657-a8ff-443c-a75c-2fe8c4bcb635',
  contributor: 'b24988ac-6180-42a0-ab88-20f7382dd24c',
  reader: 'acdd72a7-3385-48ef-bd42-f606fba81ae7',
  onboarding: '34e09817-6cbe-4d01-b1a2-e0eac5743d41',
  extensionContributor: '85cb6faf-e071-4c9b-8136-154b5a04f717',
  userAccessAdministrator: '18d7d88d-d35e-4fb5-a5c3-7773c20a72d9',
};
const ROOT_ASSIGNMENTS = '/providers/Microsoft.Authorization/roleAssignments';
const SUB_SCOPE = `/subscriptions/${SUB}`;
const extensionPath = (group: string, cluster: string, name: string) =>
  `${clusterPath(group, cluster)}/providers/Microsoft.KubernetesConfiguration/extensions/${name}`;

interface Principal { clientId: string; objectId: string; token: string }

const refusal = (p: Principal, action: string, scope: string) =>
  `The client '${p.clientId}' with object id '${p.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`;

function assertRefused(res: request.Response, p: Principal, action: string, scope: string): void {
  assert.equal(res.status, 403, res.text);
  assert.equal(res.body.error.code, 'AuthorizationFailed');
  assert.equal(res.body.error.message, refusal(p, action, scope));
}

describe('identity: role-based access control (--rbac enforce)', () => {
  let a: TestArclight;
  let admin: string;
  let count = 0;
  before(async () => {
    a = await testArclight({ auth: 'strict', rbac: 'enforce' });
  });
  after(() => a.close());
  beforeEach(async () => {
    a.reset();
    admin = await tokenFor(a.app, { host: HOST });
    await arm(admin).put(`${groupPath('rg')}?api-version=${RG}`, { location: 'eastus' }).expect(201);
    await arm(admin).put(`${groupPath('other')}?api-version=${RG}`, { location: 'eastus' }).expect(201);
  });

  function arm(token: string) {
    const call = (method: 'get' | 'put' | 'delete' | 'post' | 'patch', path: string) =>
      request(a.app)[method](path).set('Host', HOST).set('Authorization', `Bearer ${token}`);
    return {
      get: (path: string) => call('get', path),
      put: (path: string, body: object) => call('put', path).send(body),
      patch: (path: string, body: object) => call('patch', path).send(body),
      delete: (path: string) => call('delete', path),
      post: (path: string) => call('post', path).send({}),
    };
  }

  /** A principal of the default tenant with no role at all. */
  async function principal(): Promise<Principal> {
    const sp = (await request(a.app).post('/_arclight/directory/servicePrincipals').set('Host', HOST).send({}).expect(201)).body;
    return { clientId: sp.clientId, objectId: sp.objectId, token: await tokenFor(a.app, { clientId: sp.clientId, secret: sp.clientSecret, host: HOST }) };
  }

  async function assign(p: Principal, role: string, scope: string): Promise<void> {
    count += 1;
    const name = `00000000-0000-4000-8000-${String(count).padStart(12, '0')}`;
    await arm(admin).put(`${scope}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${AUTHZ}`, {
      properties: { roleDefinitionId: `${SUB_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${role}`, principalId: p.objectId },
    }).expect(201);
  }

  async function withRole(role: string, scope: string): Promise<Principal> {
    const p = await principal();
    await assign(p, role, scope);
    return p;
  }

  it('makes the default principal Owner of the default subscription and User Access Administrator at the root, visible in the lists, after a reset too', async () => {
    const list = async () => (await arm(admin).get(`${SUB_SCOPE}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}`).expect(200)).body.value;
    const owner = derivedGuid('object', CLIENT_ID);
    const check = (value: Array<{ properties: { principalId: string; roleDefinitionId: string; scope: string } }>) => {
      const mine = value.filter((r) => r.properties.principalId === owner).map((r) => [r.properties.scope, r.properties.roleDefinitionId]).sort();
      assert.deepEqual(mine, [
        ['/', `/providers/Microsoft.Authorization/roleDefinitions/${ROLES.userAccessAdministrator}`],
        [SUB_SCOPE, `${SUB_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.owner}`],
      ]);
    };
    check(await list());
    a.reset();
    admin = await tokenFor(a.app, { host: HOST });
    check(await list());
    a.reset(SUB);
    check(await list());
  });

  it('Reader can GET but is refused a PUT with Azure\'s exact message', async () => {
    await arm(admin).put(`${clusterPath('rg', 'c1')}?api-version=${CC}`, clusterBody()).expect(201);
    const reader = await withRole(ROLES.reader, SUB_SCOPE);
    await arm(reader.token).get(`${clusterPath('rg', 'c1')}?api-version=${CC}`).expect(200);
    await arm(reader.token).get(`${groupPath('rg')}?api-version=${RG}`).expect(200);
    assertRefused(await arm(reader.token).put(`${clusterPath('rg', 'c2')}?api-version=${CC}`, clusterBody()), reader,
      'Microsoft.Kubernetes/connectedClusters/write', clusterPath('rg', 'c2'));
    assertRefused(await arm(reader.token).delete(`${clusterPath('rg', 'c1')}?api-version=${CC}`), reader,
      'Microsoft.Kubernetes/connectedClusters/delete', clusterPath('rg', 'c1'));
    assertRefused(await arm(reader.token).post(`${clusterPath('rg', 'c1')}/listClusterUserCredential?api-version=${CC}`), reader,
      'Microsoft.Kubernetes/connectedClusters/listClusterUserCredential/action', clusterPath('rg', 'c1'));
    // Refused before the body is read: nothing was written.
    await arm(admin).get(`${clusterPath('rg', 'c2')}?api-version=${CC}`).expect(404);
  });

  it('Contributor writes clusters but not role assignments (its notActions subtract)', async () => {
    const contributor = await withRole(ROLES.contributor, SUB_SCOPE);
    await arm(contributor.token).put(`${clusterPath('rg', 'c1')}?api-version=${CC}`, clusterBody()).expect(201);
    await arm(contributor.token).put(`${groupPath('made')}?api-version=${RG}`, { location: 'eastus' }).expect(201);
    const ra = `${groupPath('rg')}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-ffffffffffff`;
    assertRefused(await arm(contributor.token).put(`${ra}?api-version=${AUTHZ}`, {
      properties: { roleDefinitionId: `${SUB_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.owner}`, principalId: contributor.objectId },
    }), contributor, 'Microsoft.Authorization/roleAssignments/write', ra);
    // Reading them is no write: `*` grants it and no notAction takes it away.
    await arm(contributor.token).get(`${groupPath('rg')}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}`).expect(200);
  });

  it('the Onboarding role creates connected clusters (and, as Azure publishes it, their extensions) but cannot delete or read credentials', async () => {
    const onboarding = await withRole(ROLES.onboarding, groupPath('rg'));
    await arm(onboarding.token).put(`${clusterPath('rg', 'c1')}?api-version=${CC}`, clusterBody()).expect(201);
    await arm(onboarding.token).get(`${clusterPath('rg', 'c1')}?api-version=${CC}`).expect(200);
    await arm(onboarding.token).put(`${extensionPath('rg', 'c1', 'monitor')}?api-version=${EXT}`, extensionBody()).expect((r) => assert.ok([200, 201].includes(r.status), r.text));
    assertRefused(await arm(onboarding.token).delete(`${clusterPath('rg', 'c1')}?api-version=${CC}`), onboarding,
      'Microsoft.Kubernetes/connectedClusters/delete', clusterPath('rg', 'c1'));
    assertRefused(await arm(onboarding.token).post(`${clusterPath('rg', 'c1')}/listClusterUserCredential?api-version=${CC}`), onboarding,
      'Microsoft.Kubernetes/connectedClusters/listClusterUserCredential/action', clusterPath('rg', 'c1'));
  });

  it('Kubernetes Extension Contributor creates extensions but not connected clusters', async () => {
    await arm(admin).put(`${clusterPath('rg', 'c1')}?api-version=${CC}`, clusterBody()).expect(201);
    const ext = await withRole(ROLES.extensionContributor, groupPath('rg'));
    await arm(ext.token).put(`${extensionPath('rg', 'c1', 'monitor')}?api-version=${EXT}`, extensionBody()).expect((r) => assert.ok([200, 201].includes(r.status), r.text));
    assertRefused(await arm(ext.token).put(`${clusterPath('rg', 'c2')}?api-version=${CC}`, clusterBody()), ext,
      'Microsoft.Kubernetes/connectedClusters/write', clusterPath('rg', 'c2'));
  });

  it('inherits downwards: subscription to group to resource to extension resource', async () => {
    await arm(admin).put(`${clusterPath('rg', 'c1')}?api-version=${CC}`, clusterBody()).expect(201);
    await arm(admin).put(`${extensionPath('rg', 'c1', 'monitor')}?api-version=${EXT}`, extensionBody()).expect((r) => assert.ok([200, 201].includes(r.status), r.text));
    for (const scope of [SUB_SCOPE, groupPath('rg'), clusterPath('rg', 'c1')]) {
      const reader = await withRole(ROLES.reader, scope);
      await arm(reader.token).get(`${clusterPath('rg', 'c1')}?api-version=${CC}`).expect(200);
      await arm(reader.token).get(`${extensionPath('rg', 'c1', 'monitor')}?api-version=${EXT}`).expect(200);
      await arm(reader.token).get(`${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions?api-version=${EXT}`).expect(200);
    }
    // An assignment on the extension reaches the extension only.
    const onExtension = await withRole(ROLES.reader, extensionPath('rg', 'c1', 'monitor'));
    await arm(onExtension.token).get(`${extensionPath('rg', 'c1', 'monitor')}?api-version=${EXT}`).expect(200);
    assertRefused(await arm(onExtension.token).get(`${clusterPath('rg', 'c1')}?api-version=${CC}`), onExtension,
      'Microsoft.Kubernetes/connectedClusters/read', clusterPath('rg', 'c1'));
  });

  it('refuses an assignment at a management group (Arclight has none) with ManagementGroupNotFound, storing nothing', async () => {
    const mg = '/providers/Microsoft.Management/managementGroups/mg1';
    const body = { properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ROLES.reader}`, principalId: derivedGuid('x'), principalType: 'ServicePrincipal' } };
    const name = '00000000-0000-4000-8000-0000000000ff';
    const res = await arm(admin).put(`${mg}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${AUTHZ}`, body);
    assert.equal(res.status, 404, res.text);
    assert.deepEqual(res.body.error, { code: 'ManagementGroupNotFound', message: "The management group 'mg1' cannot be found." });
    const got = await arm(admin).get(`${mg}/providers/Microsoft.Authorization/roleAssignments/${name}?api-version=${AUTHZ}`);
    assert.equal(got.status, 404, got.text);
    assert.equal(got.body.error.code, 'ManagementGroupNotFound');
    const list = await arm(admin).get(`${mg}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}`);
    assert.equal(list.status, 404, list.text);
    assert.equal(list.body.error.code, 'ManagementGroupNotFound');
  });

  it('an assignment at a resource group grants neither the subscription nor another group', async () => {
    const contributor = await withRole(ROLES.contributor, groupPath('rg'));
    await arm(contributor.token).put(`${clusterPath('rg', 'c1')}?api-version=${CC}`, clusterBody()).expect(201);
    assertRefused(await arm(contributor.token).put(`${clusterPath('other', 'c1')}?api-version=${CC}`, clusterBody()), contributor,
      'Microsoft.Kubernetes/connectedClusters/write', clusterPath('other', 'c1'));
    assertRefused(await arm(contributor.token).get(`${SUB_SCOPE}?api-version=${RG}`), contributor, 'Microsoft.Resources/subscriptions/read', SUB_SCOPE);
    assertRefused(await arm(contributor.token).put(`${groupPath('new')}?api-version=${RG}`, { location: 'eastus' }), contributor,
      'Microsoft.Resources/subscriptions/resourceGroups/write', groupPath('new'));
  });

  it('a list needs read at the scope it is taken at', async () => {
    await arm(admin).put(`${clusterPath('rg', 'c1')}?api-version=${CC}`, clusterBody()).expect(201);
    const reader = await withRole(ROLES.reader, groupPath('rg'));
    const inGroup = await arm(reader.token).get(`${groupPath('rg')}/providers/Microsoft.Kubernetes/connectedClusters?api-version=${CC}`).expect(200);
    assert.deepEqual(inGroup.body.value.map((c: { name: string }) => c.name), ['c1']);
    assertRefused(await arm(reader.token).get(`${SUB_SCOPE}/providers/Microsoft.Kubernetes/connectedClusters?api-version=${CC}`), reader,
      'Microsoft.Kubernetes/connectedClusters/read', SUB_SCOPE);
    assertRefused(await arm(reader.token).get(`${SUB_SCOPE}/resourcegroups?api-version=${RG}`), reader,
      'Microsoft.Resources/subscriptions/resourcegroups/read', SUB_SCOPE);
    const subReader = await withRole(ROLES.reader, SUB_SCOPE);
    await arm(subReader.token).get(`${SUB_SCOPE}/providers/Microsoft.Kubernetes/connectedClusters?api-version=${CC}`).expect(200);
  });

  it('a principal with no role is refused everything in the subscription; a role granted takes effect at once, and is gone with its deletion', async () => {
    const p = await principal();
    assertRefused(await arm(p.token).get(`${groupPath('rg')}?api-version=${RG}`), p, 'Microsoft.Resources/subscriptions/resourceGroups/read', groupPath('rg'));
    count += 1;
    const ra = `${groupPath('rg')}/providers/Microsoft.Authorization/roleAssignments/00000000-0000-4000-8000-${String(count).padStart(12, '0')}`;
    await arm(admin).put(`${ra}?api-version=${AUTHZ}`, {
      properties: { roleDefinitionId: `${SUB_SCOPE}/providers/Microsoft.Authorization/roleDefinitions/${ROLES.reader}`, principalId: p.objectId },
    }).expect(201);
    await arm(p.token).get(`${groupPath('rg')}?api-version=${RG}`).expect(200);
    await arm(admin).delete(`${ra}?api-version=${AUTHZ}`).expect(200);
    await arm(p.token).get(`${groupPath('rg')}?api-version=${RG}`).expect(403);
  });

  it('the tenant root: its assignments reach every subscription of the tenant; writing there takes a role there; a tenant deployment takes one too', async () => {
    const other = (await request(a.app).post('/_arclight/directory/subscriptions').set('Host', HOST).send({ tenantId: TENANT }).expect(201)).body;
    const otherGroup = `/subscriptions/${other.subscriptionId}/resourceGroups/rg`;
    await arm(admin).put(`${otherGroup}?api-version=${RG}`, { location: 'eastus' }).expect(403);
    const reader = await withRole(ROLES.reader, '');
    await arm(reader.token).get(`${groupPath('rg')}?api-version=${RG}`).expect(200);
    await arm(reader.token).get(`/subscriptions/${other.subscriptionId}?api-version=${RG}`).expect(200);
    assertRefused(await arm(reader.token).put(`${groupPath('new')}?api-version=${RG}`, { location: 'eastus' }), reader,
      'Microsoft.Resources/subscriptions/resourceGroups/write', groupPath('new'));

    // Only a role at the root writes or reads there: Owner of a subscription is not enough.
    const subOwner = await withRole(ROLES.owner, SUB_SCOPE);
    const name = '00000000-0000-4000-8000-00000000abcd';
    const body = { properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ROLES.reader}`, principalId: subOwner.objectId } };
    assertRefused(await arm(subOwner.token).put(`${ROOT_ASSIGNMENTS}/${name}?api-version=${AUTHZ}`, body), subOwner,
      'Microsoft.Authorization/roleAssignments/write', `${ROOT_ASSIGNMENTS}/${name}`);
    assertRefused(await arm(subOwner.token).get(`${ROOT_ASSIGNMENTS}?api-version=${AUTHZ}&$filter=atScope()`), subOwner,
      'Microsoft.Authorization/roleAssignments/read', '/');
    const atRoot = (await arm(reader.token).get(`${ROOT_ASSIGNMENTS}?api-version=${AUTHZ}&$filter=atScope()`).expect(200)).body.value;
    assert.ok(atRoot.some((r: { properties: { principalId: string } }) => r.properties.principalId === reader.objectId));

    // A tenant deployment needs deployments/write at the root: User Access Administrator may grant it, as after Azure's "elevate access".
    const deployment = `/providers/Microsoft.Resources/deployments/d1?api-version=2022-09-01`;
    const template = { $schema: 'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [] };
    const adminPrincipal = { clientId: CLIENT_ID, objectId: derivedGuid('object', CLIENT_ID), token: admin };
    assertRefused(await arm(admin).put(deployment, { location: 'eastus', properties: { mode: 'Incremental', template } }), adminPrincipal,
      'Microsoft.Resources/deployments/write', '/providers/Microsoft.Resources/deployments/d1');
    await assign(adminPrincipal, ROLES.owner, '');
    const started = await arm(admin).put(deployment, { location: 'eastus', properties: { mode: 'Incremental', template } });
    assert.ok([200, 201].includes(started.status), started.text);

    // A full reset keeps only the seeded assignments.
    a.reset();
    admin = await tokenFor(a.app, { host: HOST });
    const after = (await arm(admin).get(`${ROOT_ASSIGNMENTS}?api-version=${AUTHZ}&$filter=atScope()`).expect(200)).body.value;
    assert.deepEqual(after.map((r: { properties: { principalId: string } }) => r.properties.principalId), [adminPrincipal.objectId]);
  });

  it('each tenant has a root of its own: a worker owns the root of the tenant made for it, and its names there are its own', async () => {
    const w = (await request(a.app).post('/_arclight/directory/subscriptions').set('Host', HOST).send({}).expect(201)).body;
    const token = await tokenFor(a.app, { tenant: w.tenantId, clientId: w.clientId, secret: w.clientSecret, host: HOST });
    const name = '00000000-0000-4000-8000-00000000beef';
    const readerAtRoot = (principalId: string) => ({ properties: { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${ROLES.reader}`, principalId } });
    const mine = await arm(token).put(`${ROOT_ASSIGNMENTS}/${name}?api-version=${AUTHZ}`, readerAtRoot(w.objectId)).expect(201);
    assert.equal(mine.body.properties.scope, '/');
    // The default tenant's root shows nothing of it, and its name cannot be taken over there.
    await arm(admin).get(`${ROOT_ASSIGNMENTS}/${name}?api-version=${AUTHZ}`).expect(404);
    const names = (await arm(admin).get(`${ROOT_ASSIGNMENTS}?api-version=${AUTHZ}`).expect(200)).body.value.map((r: { name: string }) => r.name);
    assert.ok(!names.includes(name));
    const taken = await arm(admin).put(`${ROOT_ASSIGNMENTS}/${name}?api-version=${AUTHZ}`, readerAtRoot(derivedGuid('object', CLIENT_ID)));
    assert.equal(taken.status, 400, taken.text);
    assert.equal(taken.body.error.code, 'RoleAssignmentUpdateNotPermitted');
    await arm(admin).delete(`${ROOT_ASSIGNMENTS}/${name}?api-version=${AUTHZ}`).expect(204);
    await arm(token).get(`${ROOT_ASSIGNMENTS}/${name}?api-version=${AUTHZ}`).expect(200);
    // Deleting the subscription takes its tenant and that tenant's root with it.
    await request(a.app).delete(`/_arclight/directory/subscriptions/${w.subscriptionId}`).set('Host', HOST).expect((r) => assert.ok([200, 204].includes(r.status), r.text));
    assert.equal(a.services.store.resources.children(`/tenants/${w.tenantId}`, 'microsoft.authorization/roleassignments', '', 10).items.length, 0);
  });

  it('gives a directory-API subscription\'s principal Owner there', async () => {
    const w = (await request(a.app).post('/_arclight/directory/subscriptions').set('Host', HOST).send({}).expect(201)).body;
    const token = await tokenFor(a.app, { tenant: w.tenantId, clientId: w.clientId, secret: w.clientSecret, host: HOST });
    await arm(token).put(`/subscriptions/${w.subscriptionId}/resourceGroups/rg?api-version=${RG}`, { location: 'eastus' }).expect(201);
    await arm(token).put(`${clusterPath('rg', 'c1', w.subscriptionId)}?api-version=${CC}`, clusterBody()).expect(201);
    a.reset(w.subscriptionId);
    await arm(token).put(`/subscriptions/${w.subscriptionId}/resourceGroups/rg?api-version=${RG}`, { location: 'eastus' }).expect(201);
  });
});

describe('identity: role-based access control is off by default', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight({ auth: 'strict' });
  });
  after(() => a.close());

  it('lets any principal of the tenant write, and seeds no role assignment', async () => {
    const sp = (await request(a.app).post('/_arclight/directory/servicePrincipals').set('Host', HOST).send({}).expect(201)).body;
    const token = await tokenFor(a.app, { clientId: sp.clientId, secret: sp.clientSecret, host: HOST });
    const call = (m: 'get' | 'put', p: string) => request(a.app)[m](p).set('Host', HOST).set('Authorization', `Bearer ${token}`);
    await call('put', `${groupPath('rg')}?api-version=${RG}`).send({ location: 'eastus' }).expect(201);
    await call('put', `${clusterPath('rg', 'c1')}?api-version=${CC}`).send(clusterBody()).expect(201);
    const list = await call('get', `${SUB_SCOPE}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}`).expect(200);
    assert.deepEqual(list.body.value, []);
    assert.equal(a.services.rbac, undefined);
  });
});

describe('identity: role-based access control in lenient mode', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight({ rbac: 'enforce' });
  });
  after(() => a.close());

  it('checks Arclight\'s own tokens and lets foreign tokens through', async () => {
    const sp = (await request(a.app).post('/_arclight/directory/servicePrincipals').set('Host', HOST).send({}).expect(201)).body;
    const token = await tokenFor(a.app, { clientId: sp.clientId, secret: sp.clientSecret, host: HOST });
    const res = await request(a.app).put(`${groupPath('rg')}?api-version=${RG}`).set('Host', HOST).set('Authorization', `Bearer ${token}`).send({ location: 'eastus' });
    assert.equal(res.status, 403, res.text);
    assert.equal(res.body.error.code, 'AuthorizationFailed');
    await request(a.app).put(`${groupPath('rg')}?api-version=${RG}`).set('Host', HOST).set('Authorization', bearer()).send({ location: 'eastus' }).expect(201);
  });
});
