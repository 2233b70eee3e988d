/**
 * The Azure CLI's own commands for the neighbours Arc automation touches, against Arclight
 * over HTTPS in --auth strict, when `az` is installed (skipped otherwise; CI requires it with
 * ARCLIGHT_TEST_REQUIRE_AZ=1): `az identity create`, `az role assignment create
 * --assignee-object-id ... --scope <cluster id>` (and list, delete), and
 * `az monitor log-analytics workspace create`, in the cloud `az cloud register` makes from
 * Arclight's metadata endpoint.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLIENT_ID, SUB, TENANT, testServer, TestServer } from '../support/arclight';
import { SECRET } from '../support/identity';
import { clusterBody } from '../support/clusters';
import { findAz, runAz } from '../support/azureCli';

describe('e2e: az commands for the neighbour resources (when installed)', function () {
  this.timeout(300_000);
  const az = findAz();
  let server: TestServer;
  let home: string;

  const run = (args: string[]) => runAz({ az: az!, home, configDir: 'cfg', caCertPath: server.caCertPath, timeoutMs: 90_000 }, args);
  const json = async (args: string[]) => JSON.parse(await run([...args, '-o', 'json']));

  before(async function () {
    if (!az && process.env.ARCLIGHT_TEST_REQUIRE_AZ === '1') throw new Error('az is not installed, and ARCLIGHT_TEST_REQUIRE_AZ=1 requires it');
    if (!az) return this.skip();
    server = await testServer({ auth: 'strict' });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-az-nb-'));
    await run(['cloud', 'register', '-n', 'Arclight', '--endpoint-resource-manager', `${server.url}/`]);
    await run(['cloud', 'set', '-n', 'Arclight']);
    await run(['login', '--service-principal', '-u', CLIENT_ID, '-p', SECRET, '--tenant', TENANT]);
    await run(['group', 'create', '-n', 'nb-az', '-l', 'eastus']);
  });
  after(async () => {
    if (!az) return;
    await server.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  /**
   * az 2.45's `az identity` sends api-version 2022-01-31-preview, which Arclight serves now
   * (test/server/neighbours.test.ts); `az identity create` itself stays pending until it has been
   * run against Arclight where az is installed (it was not, where that version was vendored).
   */
  it('a user-assigned identity through az rest, with its principalId and clientId', async () => {
    const file = path.join(home, 'identity.json');
    fs.writeFileSync(file, JSON.stringify({ location: 'eastus' }));
    const identity = await json(['rest', '--method', 'put', '--url', `/subscriptions/${SUB}/resourceGroups/nb-az/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-az?api-version=2023-01-31`, '--body', `@${file}`]);
    assert.match(identity.properties.principalId, /^[0-9a-f-]{36}$/);
    assert.match(identity.properties.clientId, /^[0-9a-f-]{36}$/);
    assert.equal(identity.properties.tenantId, TENANT);
  });
  it('az identity create (pending: 2022-01-31-preview is served; the command is not yet driven here)');

  /**
   * Debian's az 2.45 fails `az role assignment create` in the client, before any request
   * ("'RoleAssignmentsOperations' object has no attribute 'config'", Azure/azure-cli#24959,
   * #26896; `az role definition list` likewise), and `az monitor log-analytics workspace create`
   * in its poller import (a circular import in requests); `az monitor log-analytics` reads send
   * 2021-12-01-preview, served now but not yet driven with az. Those are pending; the same requests go through
   * `az rest` against Arclight's registered cloud.
   */
  it('az role assignment create --assignee-object-id --scope <cluster id> (pending: Azure/azure-cli#24959 in Debian az 2.45)');
  it('az monitor log-analytics workspace create (pending: the Debian az 2.45 poller import fails)');
  it('az monitor log-analytics workspace show (pending: 2021-12-01-preview is served; the command is not yet driven here)');
  it('az role definition list / az role assignment list (pending: the same Debian az 2.45 client failure, RoleDefinitionsOperations)');

  it('an Arc role assigned on a cluster through az rest: the role found by roleName, assigned, listed and deleted', async () => {
    const clusterFile = path.join(home, 'cluster.json');
    fs.writeFileSync(clusterFile, JSON.stringify(clusterBody()));
    const clusterId = `/subscriptions/${SUB}/resourceGroups/nb-az/providers/Microsoft.Kubernetes/connectedClusters/c-az`;
    await run(['rest', '--method', 'put', '--url', `${clusterId}?api-version=2021-10-01`, '--body', `@${clusterFile}`]);
    const identity = (await json(['rest', '--method', 'get', '--url', `/subscriptions/${SUB}/resourceGroups/nb-az/providers/Microsoft.ManagedIdentity/userAssignedIdentities/uai-az?api-version=2023-01-31`])).properties;
    const roles = (await json(['rest', '--method', 'get', '--url', `${clusterId}/providers/Microsoft.Authorization/roleDefinitions?api-version=2022-04-01&$filter=${encodeURIComponent("roleName eq 'Azure Arc Kubernetes Viewer'")}`])).value;
    assert.deepEqual(roles.map((r: { name: string }) => r.name), ['63f0a09d-1495-4db4-a681-037d84835eb4']);
    const assignmentFile = path.join(home, 'assignment.json');
    fs.writeFileSync(assignmentFile, JSON.stringify({ properties: { roleDefinitionId: roles[0].id, principalId: identity.principalId } }));
    const assignmentId = `${clusterId}/providers/Microsoft.Authorization/roleAssignments/3f7f1e2a-0000-4000-8000-0000000000a1`;
    const assignment = await json(['rest', '--method', 'put', '--url', `${assignmentId}?api-version=2022-04-01`, '--body', `@${assignmentFile}`]);
    assert.equal(assignment.properties.scope, clusterId);
    assert.equal(assignment.properties.principalType, 'ServicePrincipal');
    const list = async () => (await json(['rest', '--method', 'get', '--url', `${clusterId}/providers/Microsoft.Authorization/roleAssignments?api-version=2022-04-01&$filter=atScope()`])).value;
    assert.deepEqual((await list()).map((a: { name: string }) => a.name), [assignment.name]);
    await run(['rest', '--method', 'delete', '--url', `${assignment.id}?api-version=2022-04-01`]);
    assert.deepEqual(await list(), []);
  });

  it('a Log Analytics workspace through az rest', async () => {
    const file = path.join(home, 'workspace.json');
    fs.writeFileSync(file, JSON.stringify({ location: 'eastus' }));
    const ws = await json(['rest', '--method', 'put', '--url', `/subscriptions/${SUB}/resourceGroups/nb-az/providers/Microsoft.OperationalInsights/workspaces/ws-az?api-version=2022-10-01`, '--body', `@${file}`]);
    assert.match(ws.properties.customerId, /^[0-9a-f-]{36}$/);
    const shown = await json(['rest', '--method', 'get', '--url', `/subscriptions/${SUB}/resourceGroups/nb-az/providers/Microsoft.OperationalInsights/workspaces/ws-az?api-version=2022-10-01`]);
    assert.equal(shown.properties.customerId, ws.properties.customerId);
  });
});
