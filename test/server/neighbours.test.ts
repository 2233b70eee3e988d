/**
 * The neighbour resources (server/providers/neighbours): Log Analytics workspaces and their
 * solutions, data collection rules and associations, user-assigned identities backed by the
 * token service, role assignments at every scope and the built-in role definitions; their
 * cascades with their group and their scope; the router's scope parameters.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB, TENANT } from '../support/arclight';
import { clusterPath, createCluster, createGroup, groupPath } from '../support/clusters';

const WS = '2022-10-01';
const OM = '2015-11-01-preview';
const DCR = '2023-03-11';
const MSI = '2023-01-31';
const AUTHZ = '2022-04-01';
const READER = 'acdd72a7-3385-48ef-bd42-f606fba81ae7';
const ONBOARDING = '34e09817-6cbe-4d01-b1a2-e0eac5743d41';
const ARC_VIEWER = '63f0a09d-1495-4db4-a681-037d84835eb4';
const RA1 = '11111111-2222-3333-4444-555555555555';
const RA2 = '11111111-2222-3333-4444-666666666666';

describe('neighbour resources', () => {
  const a = arclightPerSuite();
  const call = (method: 'get' | 'put' | 'patch' | 'delete', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const wsPath = (group: string, name: string) => `${groupPath(group)}/providers/Microsoft.OperationalInsights/workspaces/${name}`;
  const uaiPath = (group: string, name: string) => `${groupPath(group)}/providers/Microsoft.ManagedIdentity/userAssignedIdentities/${name}`;
  const raPath = (scope: string, name: string) => `${scope}/providers/Microsoft.Authorization/roleAssignments/${name}`;
  const roleId = (guid: string) => `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${guid}`;

  describe('Log Analytics workspaces and Container Insights solutions', () => {
    it('creates a workspace at once with a customerId, lists it and deletes it with its group', async () => {
      await createGroup(a.app, 'DefaultResourceGroup-EUS');
      const path = wsPath('DefaultResourceGroup-EUS', `DefaultWorkspace-${SUB}-EUS`);
      const created = await call('put', `${path}?api-version=${WS}`).send({ location: 'eastus', properties: { sku: { name: 'standalone' } } }).expect(201);
      assert.equal(created.body.properties.provisioningState, 'Succeeded');
      assert.match(created.body.properties.customerId, /^[0-9a-f-]{36}$/);
      assert.equal(created.body.properties.sku.name, 'Standalone'); // the spec's enum casing
      assert.equal(created.body.properties.retentionInDays, 30);
      assert.equal(created.body.type, 'Microsoft.OperationalInsights/workspaces');
      const again = await call('put', `${path}?api-version=${WS}`).send({ location: 'eastus', properties: { customerId: 'ignored' } }).expect(200);
      assert.equal(again.body.properties.customerId, created.body.properties.customerId);
      const bySub = await call('get', `/subscriptions/${SUB}/providers/Microsoft.OperationalInsights/workspaces?api-version=${WS}`).expect(200);
      assert.deepEqual(bySub.body.value.map((w: { id: string }) => w.id), [path]);
      const solution = `${groupPath('DefaultResourceGroup-EUS')}/providers/Microsoft.OperationsManagement/solutions/ContainerInsights(DefaultWorkspace-${SUB}-EUS)`;
      const sol = await call('put', `${solution}?api-version=${OM}`).send({
        location: 'eastus', plan: { name: 'ContainerInsights', product: 'OMSGallery/ContainerInsights', publisher: 'Microsoft', promotionCode: '' },
        properties: { workspaceResourceId: path.toLowerCase() },
      }).expect(201);
      assert.equal(sol.body.plan.product, 'OMSGallery/ContainerInsights');
      assert.equal(sol.body.properties.workspaceResourceId, path);
      const generic = await call('get', `${groupPath('DefaultResourceGroup-EUS')}/resources?api-version=2021-04-01`).expect(200);
      assert.equal(generic.body.value.length, 2);
      await call('delete', `${groupPath('DefaultResourceGroup-EUS')}?api-version=2021-04-01`).expect((r) => assert.ok([200, 202].includes(r.status)));
      await createGroup(a.app, 'DefaultResourceGroup-EUS');
      await call('get', `${path}?api-version=${WS}`).expect(404);
      await call('get', `${solution}?api-version=${OM}`).expect(404);
    });

    it('validates by the spec and refuses a solution without its workspace', async () => {
      await createGroup(a.app, 'rg');
      const bad = await call('put', `${wsPath('rg', 'ws-1')}?api-version=${WS}`).send({ location: 'eastus', properties: { retentionInDays: 'long' } }).expect(400);
      assert.equal(bad.body.error.code, 'InvalidRequestContent');
      const nowhere = await call('put', `${wsPath('rg', 'ws-1')}?api-version=${WS}`).send({ location: 'atlantis' }).expect(400);
      assert.equal(nowhere.body.error.code, 'LocationNotAvailableForResourceType');
      const orphan = await call('put', `${groupPath('rg')}/providers/Microsoft.OperationsManagement/solutions/s?api-version=${OM}`)
        .send({ location: 'eastus', properties: { workspaceResourceId: wsPath('rg', 'missing') } }).expect(400);
      assert.equal(orphan.body.error.code, 'InvalidParameter');
      await call('get', `/subscriptions/${SUB}/providers/Microsoft.OperationalInsights/deletedWorkspaces?api-version=${WS}`).expect(200, { value: [] });
    });
  });

  describe('data collection rules and associations', () => {
    it('creates a rule with an immutableId and associates it with a connected cluster, which takes the association with it', async () => {
      await createCluster(a.app, 'rg', 'c1');
      const rule = `${groupPath('rg')}/providers/Microsoft.Insights/dataCollectionRules/MSCI-eastus-c1`;
      const created = await call('put', `${rule}?api-version=${DCR}`).send({ location: 'eastus', properties: { dataSources: {}, destinations: {}, dataFlows: [] } }).expect(201);
      assert.match(created.body.properties.immutableId, /^dcr-[0-9a-f]{32}$/);
      const assoc = `${clusterPath('rg', 'c1')}/providers/Microsoft.Insights/dataCollectionRuleAssociations/ContainerInsightsExtension`;
      const made = await call('put', `${assoc}?api-version=${DCR}`).send({ properties: { dataCollectionRuleId: rule } }).expect(201);
      assert.equal(made.body.id, assoc);
      await call('get', `${assoc}?api-version=2023-03-11`).expect(200);
      const byResource = await call('get', `${clusterPath('rg', 'c1')}/providers/Microsoft.Insights/dataCollectionRuleAssociations?api-version=${DCR}`).expect(200);
      assert.equal(byResource.body.value.length, 1);
      const byRule = await call('get', `${rule}/associations?api-version=${DCR}`).expect(200);
      assert.deepEqual(byRule.body.value.map((x: { id: string }) => x.id), [assoc]);
      const missing = await call('put', `${clusterPath('rg', 'ghost')}/providers/Microsoft.Insights/dataCollectionRuleAssociations/x?api-version=${DCR}`).send({ properties: { dataCollectionRuleId: rule } }).expect(404);
      assert.equal(missing.body.error.code, 'ResourceNotFound');
      await call('delete', `${clusterPath('rg', 'c1')}?api-version=2021-10-01`).expect((r) => assert.ok([200, 202, 204].includes(r.status)));
      await a.services.operations.settleDue();
      await call('get', `${assoc}?api-version=${DCR}`).expect((r) => assert.ok([404].includes(r.status), String(r.status)));
    });
  });

  describe('data collection rules in 2022-06-01 (what az aks and the monitoring scripts send) and 2023-03-11', () => {
    it('serves one rule in both versions', async () => {
      await createGroup(a.app, 'rg');
      const rule = `${groupPath('rg')}/providers/Microsoft.Insights/dataCollectionRules/both-versions`;
      const logFile = { name: 'myLogs', streams: ['Microsoft-Syslog'], filePatterns: ['/var/log/app/*.log'] };
      const body = (format?: string) => ({
        location: 'eastus',
        properties: {
          dataSources: { logFiles: [{ ...logFile, ...(format ? { format } : {}) }] },
          destinations: { logAnalytics: [{ name: 'ws', workspaceResourceId: `${groupPath('rg')}/providers/Microsoft.OperationalInsights/workspaces/ws` }] },
          dataFlows: [{ streams: ['Microsoft-Syslog'], destinations: ['ws'] }],
        },
      });
      // Both versions require a log file source's format.
      for (const v of ['2022-06-01', '2023-03-11']) assert.ok((await call('put', `${rule}?api-version=${v}`).send(body()).expect(400)).body.error.code);
      const created = await call('put', `${rule}?api-version=2022-06-01`).send(body('text'));
      assert.equal(created.status, 201, created.text);
      assert.match(created.body.properties.immutableId, /^dcr-[0-9a-f]{32}$/);
      const newer = await call('get', `${rule}?api-version=2023-03-11`).expect(200);
      assert.equal(newer.body.properties.immutableId, created.body.properties.immutableId);
      assert.equal(newer.body.properties.dataSources.logFiles[0].format, 'text');
      // (A `json` log file source, which only 2023-03-11 names, is not shown in 2022-06-01: README, Neighbour resources.)
      const assoc = `${groupPath('rg')}/providers/Microsoft.Insights/dataCollectionRules/both-versions`;
      const listed = await call('get', `${groupPath('rg')}/providers/Microsoft.Insights/dataCollectionRules?api-version=2022-06-01`).expect(200);
      assert.deepEqual(listed.body.value.map((r: { id: string }) => r.id), [assoc]);
    });

    it('takes the streams real rules use beyond the spec\'s list (Container insights, Custom-*), in the known ones\' casing', async () => {
      await createGroup(a.app, 'rg');
      const rule = `${groupPath('rg')}/providers/Microsoft.Insights/dataCollectionRules/MSCI-eastus-c1`;
      const body = (streams: string[]) => ({
        location: 'eastus',
        properties: {
          dataSources: { extensions: [{ name: 'ContainerInsightsExtension', extensionName: 'ContainerInsights', streams }] },
          destinations: { logAnalytics: [{ name: 'ws', workspaceResourceId: `${groupPath('rg')}/providers/Microsoft.OperationalInsights/workspaces/ws` }] },
          dataFlows: [{ streams, destinations: ['ws'] }],
        },
      });
      for (const v of ['2022-06-01', '2023-03-11']) {
        const made = await call('put', `${rule}?api-version=${v}`).send(body(['Microsoft-ContainerInsights-Group-Default', 'Custom-AppLogs_CL', 'microsoft-perf']));
        assert.ok([200, 201].includes(made.status), made.text);
        assert.deepEqual(made.body.properties.dataFlows[0].streams, ['Microsoft-ContainerInsights-Group-Default', 'Custom-AppLogs_CL', 'Microsoft-Perf']);
        assert.deepEqual(made.body.properties.dataSources.extensions[0].streams, ['Microsoft-ContainerInsights-Group-Default', 'Custom-AppLogs_CL', 'Microsoft-Perf']);
      }
      const refused = await call('put', `${rule}?api-version=2022-06-01`).send(body(['Syslog'])).expect(400);
      assert.match(refused.body.error.message, /streams/);
    });

    it('associates a rule with a resource in 2022-06-01', async () => {
      await createCluster(a.app, 'rg', 'c1');
      const rule = `${groupPath('rg')}/providers/Microsoft.Insights/dataCollectionRules/MSCI-eastus-c1`;
      await call('put', `${rule}?api-version=2022-06-01`).send({ location: 'eastus', properties: { dataSources: {}, destinations: {}, dataFlows: [] } }).expect(201);
      const assoc = `${clusterPath('rg', 'c1')}/providers/Microsoft.Insights/dataCollectionRuleAssociations/ContainerInsightsExtension`;
      await call('put', `${assoc}?api-version=2022-06-01`).send({ properties: { dataCollectionRuleId: rule } }).expect(201);
      const byRule = await call('get', `${rule}/associations?api-version=2022-06-01`).expect(200);
      assert.deepEqual(byRule.body.value.map((x: { id: string }) => x.id), [assoc]);
      assert.equal((await call('get', `${assoc}?api-version=${DCR}`).expect(200)).body.properties.dataCollectionRuleId, rule);
    });
  });

  describe('user-assigned identities', () => {
    it('are real identities of the token service: tokens through the managed identity endpoint, gone with the identity', async () => {
      await createGroup(a.app, 'rg');
      const created = await call('put', `${uaiPath('rg', 'id1')}?api-version=${MSI}`).send({ location: 'eastus', tags: { a: 'b' } }).expect(201);
      const { clientId, principalId, tenantId } = created.body.properties;
      assert.match(clientId, /^[0-9a-f-]{36}$/);
      assert.match(principalId, /^[0-9a-f-]{36}$/);
      assert.equal(tenantId, TENANT);
      const token = await request(a.app).get(`/msi/token?api-version=2019-08-01&resource=https://management.azure.com/&client_id=${clientId}`)
        .set('X-IDENTITY-HEADER', 'arclight-identity-header').expect(200);
      const claims = JSON.parse(Buffer.from(token.body.access_token.split('.')[1], 'base64url').toString());
      assert.equal(claims.oid, principalId);
      assert.equal(claims.appid, clientId);
      assert.equal(claims.xms_mirid, uaiPath('rg', 'id1'));
      const byRes = await request(a.app).get(`/msi/token?api-version=2019-08-01&resource=https://management.azure.com/&mi_res_id=${encodeURIComponent(uaiPath('rg', 'id1'))}`)
        .set('X-IDENTITY-HEADER', 'arclight-identity-header').expect(200);
      assert.ok(byRes.body.access_token);
      const patched = await call('patch', `${uaiPath('rg', 'id1')}?api-version=${MSI}`).send({ tags: { c: 'd' } }).expect(200);
      assert.equal(patched.body.properties.clientId, clientId);
      assert.deepEqual(patched.body.tags, { c: 'd' });
      await call('delete', `${uaiPath('rg', 'id1')}?api-version=${MSI}`).expect(200);
      await request(a.app).get(`/msi/token?api-version=2019-08-01&resource=https://management.azure.com/&client_id=${clientId}`)
        .set('X-IDENTITY-HEADER', 'arclight-identity-header').expect((r) => assert.ok(r.status >= 400, String(r.status)));
    });

    it('serves 2022-01-31-preview, what az identity sends (az 2.45), on the same identities', async () => {
      await createGroup(a.app, 'rg');
      const v = '2022-01-31-preview';
      const created = await call('put', `${uaiPath('rg', 'az-id')}?api-version=${v}`).send({ location: 'eastus' }).expect(201);
      assert.match(created.body.properties.clientId, /^[0-9a-f-]{36}$/);
      const newer = await call('get', `${uaiPath('rg', 'az-id')}?api-version=${MSI}`).expect(200);
      assert.equal(newer.body.properties.principalId, created.body.properties.principalId);
      const listed = await call('get', `/subscriptions/${SUB}/providers/Microsoft.ManagedIdentity/userAssignedIdentities?api-version=${v}`).expect(200);
      assert.deepEqual(listed.body.value.map((x: { name: string }) => x.name), ['az-id']);
      const fic = `${uaiPath('rg', 'az-id')}/federatedIdentityCredentials/fic1`;
      await call('put', `${fic}?api-version=${v}`).send({ properties: { issuer: 'https://issuer', subject: 'system:serviceaccount:ns:sa', audiences: ['api://AzureADTokenExchange'] } }).expect(201);
      const associated = await request(a.app).post(`${uaiPath('rg', 'az-id')}/listAssociatedResources?api-version=${v}`).set('Authorization', bearer()).expect(501);
      assert.equal(associated.body.error.code, 'NotImplemented');
      await call('delete', `${uaiPath('rg', 'az-id')}?api-version=${v}`).expect(200);
      await call('get', `${fic}?api-version=${MSI}`).expect(404);
    });

    it('keeps federated identity credentials under the identity', async () => {
      await createGroup(a.app, 'rg');
      await call('put', `${uaiPath('rg', 'id1')}?api-version=${MSI}`).send({ location: 'eastus' }).expect(201);
      const fic = `${uaiPath('rg', 'id1')}/federatedIdentityCredentials/fic1`;
      const made = await call('put', `${fic}?api-version=${MSI}`).send({ properties: { issuer: 'https://issuer', subject: 'system:serviceaccount:ns:sa', audiences: ['api://AzureADTokenExchange'] } }).expect(201);
      assert.equal(made.body.id, fic);
      const list = await call('get', `${uaiPath('rg', 'id1')}/federatedIdentityCredentials?api-version=${MSI}`).expect(200);
      assert.equal(list.body.value.length, 1);
      await call('put', `${uaiPath('rg', 'none')}/federatedIdentityCredentials/fic1?api-version=${MSI}`).send({ properties: { issuer: 'https://i', subject: 's', audiences: ['a'] } }).expect(404);
    });
  });

  describe('role definitions', () => {
    it('serves the built-in Arc roles by their real ids at every scope, filtered by roleName', async () => {
      await createCluster(a.app, 'rg', 'c1');
      for (const scope of [`/subscriptions/${SUB}`, groupPath('rg'), clusterPath('rg', 'c1')]) {
        const one = await call('get', `${scope}/providers/Microsoft.Authorization/roleDefinitions/${ARC_VIEWER}?api-version=${AUTHZ}`).expect(200);
        assert.equal(one.body.id, roleId(ARC_VIEWER));
        assert.equal(one.body.properties.roleName, 'Azure Arc Kubernetes Viewer');
        assert.equal(one.body.properties.type, 'BuiltInRole');
        assert.ok(one.body.properties.permissions[0].dataActions.includes('Microsoft.Kubernetes/connectedClusters/pods/read'));
      }
      const byName = await call('get', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions?api-version=${AUTHZ}&$filter=${encodeURIComponent("roleName eq 'Kubernetes Cluster - Azure Arc Onboarding'")}`).expect(200);
      assert.deepEqual(byName.body.value.map((r: { name: string }) => r.name), [ONBOARDING]);
      const all = await call('get', `${clusterPath('rg', 'c1')}/providers/Microsoft.Authorization/roleDefinitions?api-version=${AUTHZ}`).expect(200);
      for (const name of ['Owner', 'Contributor', 'Reader', 'Azure Arc Kubernetes Writer', 'Azure Arc Kubernetes Admin', 'Azure Arc Kubernetes Cluster Admin']) {
        assert.ok(all.body.value.some((r: { properties: { roleName: string } }) => r.properties.roleName === name), name);
      }
      const none = await call('get', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-0000-0000-00000000dead?api-version=${AUTHZ}`).expect(404);
      assert.equal(none.body.error.code, 'RoleDefinitionDoesNotExist');
      const custom = await call('put', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${RA1}?api-version=${AUTHZ}`).send({ properties: { roleName: 'x' } }).expect(501);
      assert.equal(custom.body.error.code, 'NotImplemented');
    });
  });

  describe('role assignments', () => {
    const assign = (scope: string, name: string, properties: Record<string, unknown>) =>
      call('put', `${raPath(scope, name)}?api-version=${AUTHZ}`).send({ properties });

    it('stores them at a cluster, lists them at every scope and deletes them with the cluster', async () => {
      await createCluster(a.app, 'rg', 'c1');
      const uai = await call('put', `${uaiPath('rg', 'id1')}?api-version=${MSI}`).send({ location: 'eastus' }).expect(201);
      const principalId = uai.body.properties.principalId;
      const scope = clusterPath('rg', 'c1');
      const made = await assign(scope, RA1, { roleDefinitionId: roleId(ARC_VIEWER), principalId }).expect(201);
      assert.equal(made.body.id, raPath(scope, RA1));
      assert.equal(made.body.properties.scope, scope);
      assert.equal(made.body.properties.principalType, 'ServicePrincipal');
      assert.equal(made.body.properties.roleDefinitionId, roleId(ARC_VIEWER));
      await assign(`/subscriptions/${SUB}`, RA2, { roleDefinitionId: `/providers/Microsoft.Authorization/roleDefinitions/${READER}`, principalId }).expect(201);

      const ids = (r: { body: { value: Array<{ name: string }> } }) => r.body.value.map((x) => x.name).sort();
      assert.deepEqual(ids(await call('get', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}`).expect(200)), [RA1, RA2]);
      assert.deepEqual(ids(await call('get', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}&$filter=atScope()`).expect(200)), [RA2]);
      assert.deepEqual(ids(await call('get', `${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}`).expect(200)), [RA1, RA2]);
      assert.deepEqual(ids(await call('get', `${groupPath('rg')}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}&$filter=${encodeURIComponent(`principalId eq '${principalId}'`)}`).expect(200)), [RA1, RA2]);
      assert.deepEqual(ids(await call('get', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}&$filter=${encodeURIComponent(`assignedTo('${RA1}')`)}`).expect(200)), []);

      // By id.
      const byId = await call('get', `${raPath(scope, RA1)}?api-version=${AUTHZ}`).expect(200);
      assert.equal(byId.body.name, RA1);

      await call('delete', `${scope}?api-version=2021-10-01`).expect((r) => assert.ok([200, 202, 204].includes(r.status)));
      await a.services.operations.settleDue();
      assert.deepEqual(ids(await call('get', `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}`).expect(200)), [RA2]);
      await call('delete', `${raPath(`/subscriptions/${SUB}`, RA2)}?api-version=${AUTHZ}`).expect(200);
      await call('delete', `${raPath(`/subscriptions/${SUB}`, RA2)}?api-version=${AUTHZ}`).expect(204);
      const gone = await call('get', `${raPath(`/subscriptions/${SUB}`, RA2)}?api-version=${AUTHZ}`).expect(404);
      assert.equal(gone.body.error.code, 'RoleAssignmentNotFound');
    });

    it('checks them as Azure does: GUID names, known roles, known principals, no duplicates, no moves', async () => {
      await createGroup(a.app, 'rg');
      const uai = await call('put', `${uaiPath('rg', 'id1')}?api-version=${MSI}`).send({ location: 'eastus' }).expect(201);
      const principalId = uai.body.properties.principalId;
      const sub = `/subscriptions/${SUB}`;
      assert.equal((await assign(sub, 'not-a-guid', { roleDefinitionId: roleId(READER), principalId }).expect(400)).body.error.code, 'InvalidRoleAssignmentId');
      assert.equal((await assign(sub, RA1, { roleDefinitionId: roleId(RA2), principalId }).expect(400)).body.error.code, 'RoleDefinitionDoesNotExist');
      const stranger = await assign(sub, RA1, { roleDefinitionId: roleId(READER), principalId: RA2 }).expect(400);
      assert.equal(stranger.body.error.code, 'PrincipalNotFound');
      assert.match(stranger.body.error.message, /does not exist in the directory/);
      // With principalType the directory is not consulted (Azure checks it later).
      await assign(sub, RA1, { roleDefinitionId: roleId(READER), principalId: RA2, principalType: 'User' }).expect(201);
      await assign(sub, RA1, { roleDefinitionId: roleId(READER), principalId: RA2, principalType: 'User' }).expect(200);
      const twin = await assign(sub, RA2, { roleDefinitionId: roleId(READER), principalId: RA2, principalType: 'User' }).expect(409);
      assert.equal(twin.body.error.code, 'RoleAssignmentExists');
      const moved = await assign(sub, RA1, { roleDefinitionId: roleId(READER), principalId }).expect(400);
      assert.equal(moved.body.error.code, 'RoleAssignmentUpdateNotPermitted');
      const noGroup = await assign(groupPath('ghost'), RA2, { roleDefinitionId: roleId(READER), principalId }).expect(404);
      assert.equal(noGroup.body.error.code, 'ResourceGroupNotFound');
      const noResource = await assign(`${groupPath('rg')}/providers/Microsoft.Kubernetes/connectedClusters/ghost`, RA2, { roleDefinitionId: roleId(READER), principalId }).expect(404);
      assert.equal(noResource.body.error.code, 'ResourceNotFound');
      const bad = await call('put', `${raPath(sub, RA2)}?api-version=${AUTHZ}`).send({ properties: { principalId } }).expect(400);
      assert.equal(bad.body.error.code, 'InvalidRequestContent');
      const badScope = await call('get', `/subscriptions/${SUB}/a\\b/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}`);
      assert.ok(badScope.status >= 400 && badScope.status < 500, String(badScope.status));
    });

    it('stores them at the tenant root `/`, where they apply to, and are listed at, every scope of the tenant', async () => {
      await createGroup(a.app, 'rg');
      const user = { principalId: RA2, principalType: 'User' };
      // az builds `{scope}/providers/...` from `--scope /`: the path starts `//`.
      const made = await call('put', `/${raPath('', RA1)}?api-version=${AUTHZ}`).send({ properties: { roleDefinitionId: roleId(READER), ...user } }).expect(201);
      assert.equal(made.body.id, `/providers/Microsoft.Authorization/roleAssignments/${RA1}`);
      assert.equal(made.body.properties.scope, '/');
      assert.equal(made.body.properties.roleDefinitionId, `/providers/Microsoft.Authorization/roleDefinitions/${READER}`);
      assert.equal((await call('get', `${raPath('', RA1)}?api-version=${AUTHZ}`).expect(200)).body.properties.scope, '/');
      const twin = await call('put', `${raPath('', RA2)}?api-version=${AUTHZ}`).send({ properties: { roleDefinitionId: roleId(READER), ...user } }).expect(409);
      assert.equal(twin.body.error.code, 'RoleAssignmentExists');
      await assign(groupPath('rg'), RA2, { roleDefinitionId: roleId(ARC_VIEWER), ...user }).expect(201);

      const ids = (r: { body: { value: Array<{ name: string }> } }) => r.body.value.map((x) => x.name).sort();
      const list = (scope: string, filter = '') => call('get', `${scope}/providers/Microsoft.Authorization/roleAssignments?api-version=${AUTHZ}${filter}`).expect(200);
      assert.deepEqual(ids(await list('', '&$filter=atScope()')), [RA1]);
      assert.deepEqual(ids(await list('')), [RA1, RA2]);
      assert.deepEqual(ids(await list(`/subscriptions/${SUB}`, '&$filter=atScope()')), [RA1]);
      assert.deepEqual(ids(await list(groupPath('rg'))), [RA1, RA2]);
      assert.deepEqual(ids(await list('', `&$filter=${encodeURIComponent(`assignedTo('${RA1}')`)}`)), []);

      // Role definitions are read at the root too.
      const uaa = await call('get', `/providers/Microsoft.Authorization/roleDefinitions/18d7d88d-d35e-4fb5-a5c3-7773c20a72d9?api-version=${AUTHZ}`).expect(200);
      assert.equal(uaa.body.properties.roleName, 'User Access Administrator');
      assert.deepEqual(uaa.body.properties.permissions[0].actions, ['*/read', 'Microsoft.Authorization/*', 'Microsoft.Support/*']);
      assert.ok((await call('get', `/providers/Microsoft.Authorization/roleDefinitions?api-version=${AUTHZ}`).expect(200)).body.value.length >= 10);
      // The root is a scope of role assignments and definitions only (the association's spec says its resourceUri is never empty).
      const association = await call('put', `/providers/Microsoft.Insights/dataCollectionRuleAssociations/x?api-version=${DCR}`).send({ properties: { dataCollectionRuleId: roleId(READER) } });
      assert.equal(association.status, 400, association.text);
      assert.equal(association.body.error.code, 'InvalidParameter');

      await call('delete', `${raPath('', RA1)}?api-version=${AUTHZ}`).expect(200);
      await call('delete', `${raPath('', RA1)}?api-version=${AUTHZ}`).expect(204);
      assert.equal((await call('get', `${raPath('', RA1)}?api-version=${AUTHZ}`).expect(404)).body.error.code, 'RoleAssignmentNotFound');
      assert.deepEqual(ids(await list(groupPath('rg'))), [RA2]);
    });
  });
});

describe('Log Analytics workspace shared keys', () => {
  const lines: string[] = [];
  const a = arclightPerSuite({ logLevel: 'debug', logSink: (l) => lines.push(l) });
  const call = (method: 'post' | 'put' | 'delete', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const ws = `${groupPath('rg')}/providers/Microsoft.OperationalInsights/workspaces/workspace-one`;
  const keysOf = (path: string) => call('post', `${path}/sharedKeys?api-version=2020-08-01`);

  it('answers the same pair on every call until regenerated, never in the log, and gone with the workspace', async () => {
    await createGroup(a.app, 'rg');
    await call('put', `${ws}?api-version=${WS}`).send({ location: 'eastus' }).expect(201);
    const first = await keysOf(ws).expect(200);
    assert.deepEqual(Object.keys(first.body).sort(), ['primarySharedKey', 'secondarySharedKey']);
    assert.equal(Buffer.from(first.body.primarySharedKey, 'base64').length, 64);
    assert.notEqual(first.body.primarySharedKey, first.body.secondarySharedKey);
    const second = await keysOf(ws).expect(200);
    assert.deepEqual(second.body, first.body, 'stable per workspace');
    // The path is case-insensitive, as ARM's are.
    assert.deepEqual((await keysOf(ws.toUpperCase().replace('/SUBSCRIPTIONS/', '/subscriptions/')).expect(200)).body, first.body);

    const other = `${groupPath('rg')}/providers/Microsoft.OperationalInsights/workspaces/workspace-two`;
    await call('put', `${other}?api-version=${WS}`).send({ location: 'eastus' }).expect(201);
    assert.notDeepEqual((await keysOf(other).expect(200)).body, first.body, 'each workspace has its own');

    const regenerated = await call('post', `${ws}/regenerateSharedKey?api-version=2020-08-01`).expect(200);
    assert.notEqual(regenerated.body.primarySharedKey, first.body.primarySharedKey);
    assert.deepEqual((await keysOf(ws).expect(200)).body, regenerated.body);

    const workspace = await request(a.app).get(`${ws}?api-version=${WS}`).set('Authorization', bearer()).expect(200);
    assert.ok(!JSON.stringify(workspace.body).includes(regenerated.body.primarySharedKey), 'not part of the workspace');
    for (const key of [first.body.primarySharedKey, first.body.secondarySharedKey, regenerated.body.primarySharedKey]) {
      assert.ok(!lines.some((l) => l.includes(key)), 'a shared key reached the log');
    }
    assert.ok(lines.some((l) => /sharedKeys response 200 .*"primarySharedKey":"\[redacted\]"/.test(l)), 'the debug log shows the answer, redacted');

    await call('delete', `${ws}?api-version=${WS}`).expect(200);
    await call('put', `${ws}?api-version=${WS}`).send({ location: 'eastus' }).expect(201);
    assert.notDeepEqual((await keysOf(ws).expect(200)).body, regenerated.body, 'a new workspace of the same name gets new keys');
  });

  for (const v of ['2020-08-01', '2021-12-01-preview']) {
    it(`serves the workspace and its keys in ${v} too (the versions az 2.45 and its log analytics client send)`, async () => {
      await createGroup(a.app, 'rg');
      const created = await call('put', `${ws}?api-version=${v}`).send({ location: 'eastus' }).expect(201);
      assert.match(created.body.properties.customerId, /^[0-9a-f-]{36}$/);
      const newer = await request(a.app).get(`${ws}?api-version=${WS}`).set('Authorization', bearer()).expect(200);
      assert.equal(newer.body.properties.customerId, created.body.properties.customerId);
      const keys = await call('post', `${ws}/sharedKeys?api-version=${v}`).expect(200);
      assert.deepEqual((await keysOf(ws).expect(200)).body, keys.body, 'the same keys in every version');
      const listed = await request(a.app).get(`/subscriptions/${SUB}/providers/Microsoft.OperationalInsights/workspaces?api-version=${v}`).set('Authorization', bearer()).expect(200);
      assert.deepEqual(listed.body.value.map((w: { name: string }) => w.name), ['workspace-one']);
      await call('delete', `${ws}?api-version=${v}`).expect(200);
    });
  }

  it('answers 404 ResourceNotFound for a workspace that does not exist', async () => {
    await createGroup(a.app, 'rg');
    const res = await keysOf(`${groupPath('rg')}/providers/Microsoft.OperationalInsights/workspaces/nothing`).expect(404);
    assert.equal(res.body.error.code, 'ResourceNotFound');
    assert.match(res.body.error.message, /Microsoft\.OperationalInsights\/workspaces\/nothing/);
  });
});

describe('role definitions by id (RoleDefinitions_GetById)', () => {
  const a = arclightPerSuite();
  const get = (path: string) => request(a.app).get(`${path}?api-version=${AUTHZ}`).set('Authorization', bearer());

  it('reads a built-in role by its id at the subscription or the tenant, through the route role assignments by id share', async () => {
    const bySub = await get(`/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`).expect(200);
    assert.equal(bySub.body.properties.roleName, 'Reader');
    assert.equal(bySub.body.id, `/subscriptions/${SUB}/providers/Microsoft.Authorization/roleDefinitions/${READER}`);
    const byTenant = await get(`/providers/Microsoft.Authorization/roleDefinitions/${READER}`).expect(200);
    assert.equal(byTenant.body.id, `/providers/Microsoft.Authorization/roleDefinitions/${READER}`);
    assert.equal(byTenant.body.properties.roleName, 'Reader', 'rendered as a role definition, not a role assignment');
    assert.ok(Array.isArray(byTenant.body.properties.permissions));
    const missing = await get('/providers/Microsoft.Authorization/roleDefinitions/00000000-0000-0000-0000-00000000dead').expect(404);
    assert.equal(missing.body.error.code, 'RoleDefinitionDoesNotExist');
    // Another id is still a role assignment id.
    const other = await get(`/subscriptions/${SUB}/providers/Microsoft.Authorization/somethingElse`).expect(400);
    assert.equal(other.body.error.code, 'InvalidRoleAssignmentId');
  });
});
