/**
 * End to end over HTTPS with the official SDKs of the neighbours Arc automation touches:
 * @azure/arm-msi 2.1.0 (2023-01-31) for a user-assigned identity that then gets a token from
 * the managed identity endpoint with @azure/identity, @azure/arm-authorization 9.0.0
 * (2022-04-01) for built-in role definitions and a role assignment on a connected cluster, and
 * @azure/arm-operationalinsights 9.0.0 (2022-10-01) for the Container Insights workspace; then
 * the cascade when the cluster and the group go.
 */
import { strict as assert } from 'assert';
import { ManagedServiceIdentityClient } from '@azure/arm-msi';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { OperationalInsightsManagementClient } from '@azure/arm-operationalinsights';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import { execFile } from 'child_process';
import * as path from 'path';
import jwt from 'jsonwebtoken';
import { SUB, staticCredential, testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';

const PROJECT_ROOT = path.resolve(__dirname, '..', '..', '..');
const ARC_VIEWER = '63f0a09d-1495-4db4-a681-037d84835eb4';
const ASSIGNMENT = '7b3c5a1e-0000-4000-8000-000000000001';

describe('e2e: neighbour resources with the official SDKs over HTTPS', () => {
  let server: TestServer;
  let msi: ManagedServiceIdentityClient;
  let authz: AuthorizationManagementClient;
  let insights: OperationalInsightsManagementClient;
  let clusters: ConnectedKubernetesClient;
  let groups: ResourceManagementClient;
  const lro = { updateIntervalInMs: 10 };

  before(async () => {
    server = await testServer();
    const options = { endpoint: server.url, agent: server.agent };
    msi = new ManagedServiceIdentityClient(staticCredential(), SUB, options);
    authz = new AuthorizationManagementClient(staticCredential(), SUB, options);
    insights = new OperationalInsightsManagementClient(staticCredential(), SUB, options);
    clusters = new ConnectedKubernetesClient(staticCredential(), SUB, options);
    groups = new ResourceManagementClient(staticCredential(), SUB, options);
  });
  after(() => server.stop());

  it('creates a user-assigned identity that gets tokens through the managed identity endpoint', async () => {
    await groups.resourceGroups.createOrUpdate('nb-e2e', { location: 'eastus' });
    const identity = await msi.userAssignedIdentities.createOrUpdate('nb-e2e', 'uai1', { location: 'eastus' });
    assert.ok(identity.clientId && identity.principalId);
    const listed = [];
    for await (const i of msi.userAssignedIdentities.listByResourceGroup('nb-e2e')) listed.push(i.name);
    assert.deepEqual(listed, ['uai1']);

    // ManagedIdentityCredential reads its variables and trusts the CA when built: a child process.
    const script = `
      const { ManagedIdentityCredential } = require('@azure/identity');
      new ManagedIdentityCredential({ clientId: process.env.CLIENT }).getToken('https://management.azure.com/.default')
        .then((t) => process.stdout.write(t.token), (e) => { process.stderr.write(String(e && e.message)); process.exit(1); });`;
    const env = {
      PATH: process.env.PATH ?? '', NODE_EXTRA_CA_CERTS: server.caCertPath,
      IDENTITY_ENDPOINT: `${server.url}/msi/token`, IDENTITY_HEADER: 'arclight-identity-header', CLIENT: identity.clientId!,
    };
    const token = await new Promise<string>((resolve, reject) => {
      execFile(process.execPath, ['-e', script], { cwd: PROJECT_ROOT, env, timeout: 20_000 }, (err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)));
    });
    const claims = jwt.decode(token) as jwt.JwtPayload;
    assert.equal(claims.oid, identity.principalId);
    assert.equal(claims.appid, identity.clientId);
  });

  it('assigns a built-in Arc role on a connected cluster; the assignment goes with the cluster', async () => {
    const identity = await msi.userAssignedIdentities.get('nb-e2e', 'uai1');
    const cluster = await clusters.connectedClusterOperations.beginCreateAndWait('nb-e2e', 'c1', {
      location: 'eastus', identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: agentKeys().pkcs1, distribution: 'kind', infrastructure: 'generic',
    }, lro);
    const roles = [];
    for await (const r of authz.roleDefinitions.list(cluster.id!, { filter: "roleName eq 'Azure Arc Kubernetes Viewer'" })) roles.push(r);
    assert.deepEqual(roles.map((r) => r.name), [ARC_VIEWER]);
    const assignment = await authz.roleAssignments.create(cluster.id!, ASSIGNMENT, { roleDefinitionId: roles[0].id!, principalId: identity.principalId! });
    assert.equal(assignment.scope, cluster.id);
    assert.equal(assignment.principalType, 'ServicePrincipal');
    const atCluster = [];
    for await (const a of authz.roleAssignments.listForScope(cluster.id!)) atCluster.push(a.name);
    assert.deepEqual(atCluster, [ASSIGNMENT]);
    await assert.rejects(authz.roleAssignments.create(cluster.id!, '7b3c5a1e-0000-4000-8000-000000000002', { roleDefinitionId: roles[0].id!, principalId: identity.principalId! }),
      (err: { statusCode?: number; code?: string }) => err.statusCode === 409 && err.code === 'RoleAssignmentExists');
    await clusters.connectedClusterOperations.beginDeleteAndWait('nb-e2e', 'c1', lro);
    const afterDelete = [];
    for await (const a of authz.roleAssignments.listForSubscription()) afterDelete.push(a.name);
    assert.deepEqual(afterDelete, []);
  });

  it('creates the Container Insights workspace, which goes with its group', async () => {
    await groups.resourceGroups.createOrUpdate(`DefaultResourceGroup-EUS`, { location: 'eastus' });
    const ws = await insights.workspaces.beginCreateOrUpdateAndWait('DefaultResourceGroup-EUS', `DefaultWorkspace-${SUB}-EUS`, { location: 'eastus' }, lro);
    assert.match(ws.customerId ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(ws.provisioningState, 'Succeeded');
    await groups.resourceGroups.beginDeleteAndWait('DefaultResourceGroup-EUS', lro);
    const left = [];
    for await (const w of insights.workspaces.list()) left.push(w.name);
    assert.deepEqual(left, []);
  });
});
