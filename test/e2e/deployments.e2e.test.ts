/**
 * Template deployments end to end over HTTPS: the official JS SDK's deployments (in
 * @azure/arm-resources 6.x, aliased as @azure/arm-resources-6: 7.x moved them out) deploying
 * a connected cluster, the compiled Azure Verified Modules for Arc (extension, flux
 * configuration, with their telemetry nested deployments), a copy loop and a template spec with
 * a linked template; and, where `az` is installed, `az deployment group create --template-file`,
 * `az deployment sub create`, `az ts create` and `az deployment group create --template-spec`.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ResourceManagementClient, type ResourceManagementClientOptionalParams } from '@azure/arm-resources-6';
import { CLIENT_ID, SUB, TENANT, staticCredential, testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';
import { SECRET } from '../support/identity';
import { findAz, runAz } from '../support/azureCli';
import { groupAndClusterTemplate } from '../support/templates';

const AVM = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'templates', 'avm', 'res', 'kubernetes-configuration');
const avmTemplate = (module: string) => JSON.parse(fs.readFileSync(path.join(AVM, module, 'main.json'), 'utf8'));
const HIDDEN = 'e2e-protected-value';
const POLL = { updateIntervalInMs: 10 };

const clusterTemplate = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: { name: { type: 'string' }, key: { type: 'securestring' } },
  resources: [{
    type: 'Microsoft.Kubernetes/connectedClusters', apiVersion: '2024-01-01', name: "[parameters('name')]", location: '[resourceGroup().location]',
    identity: { type: 'SystemAssigned' },
    properties: { agentPublicKeyCertificate: "[parameters('key')]", distribution: 'kind', infrastructure: 'generic' },
  }],
  outputs: { id: { type: 'string', value: "[resourceId('Microsoft.Kubernetes/connectedClusters', parameters('name'))]" } },
};

const copyLoop = {
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
  contentVersion: '1.0.0.0',
  parameters: { clusterName: { type: 'string' }, count: { type: 'int', defaultValue: 3 } },
  resources: [{
    type: 'Microsoft.KubernetesConfiguration/extensions', apiVersion: '2023-05-01', name: "[format('loop{0}', copyIndex())]",
    scope: "[format('Microsoft.Kubernetes/connectedClusters/{0}', parameters('clusterName'))]",
    copy: { name: 'loop', count: "[parameters('count')]" },
    properties: { extensionType: 'microsoft.flux', configurationSettings: { index: '[string(copyIndex())]' } },
  }],
};

/** A template whose one module, `modules/loop.json` (copyLoop, from a template spec's linkedTemplates), makes two extensions. */
const loopingMain = (deploymentName: string) => ({
  $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0',
  parameters: { clusterName: { type: 'string' } },
  resources: [{
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: deploymentName,
    properties: { mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' }, templateLink: { relativePath: 'modules/loop.json' }, parameters: { clusterName: { value: "[parameters('clusterName')]" }, count: { value: 2 } } },
  }],
});

const git = {
  gitRepository: { repositoryRef: { branch: 'main' }, sshKnownHosts: '', syncIntervalInSeconds: 300, timeoutInSeconds: 180, url: 'https://github.com/mspnp/aks-baseline' },
  kustomizations: { unified: { dependsOn: [], force: false, path: './cluster-manifests', prune: true, syncIntervalInSeconds: 300, timeoutInSeconds: 300 } },
};

/** The SDK client, with the https agent that trusts the server's CA (as the other e2e tests pass it). */
function resourcesClient(server: TestServer): ResourceManagementClient {
  const options = { endpoint: server.url, agent: server.agent } as unknown as ResourceManagementClientOptionalParams;
  return new ResourceManagementClient(staticCredential(), SUB, options);
}

describe('e2e: template deployments with @azure/arm-resources 6.x', () => {
  let server: TestServer;
  let client: ResourceManagementClient;
  before(async () => {
    server = await testServer();
    client = resourcesClient(server);
    await client.resourceGroups.createOrUpdate('dep-rg', { location: 'westeurope' });
    const cluster = await client.deployments.beginCreateOrUpdateAndWait('dep-rg', 'cluster', {
      properties: { mode: 'Incremental', template: clusterTemplate, parameters: { name: { value: 'c1' }, key: { value: agentKeys().pkcs1 } } },
    }, POLL);
    assert.equal(cluster.properties?.provisioningState, 'Succeeded', JSON.stringify(cluster.properties?.error));
  });
  after(() => server.stop());

  it('deploys the AVM extension module (with a flux configuration through its nested deployment) and lists its operations', async () => {
    const res = await client.deployments.beginCreateOrUpdateAndWait('dep-rg', 'extension', {
      properties: {
        mode: 'Incremental',
        template: avmTemplate('extension'),
        parameters: {
          name: { value: 'flux' }, clusterName: { value: 'c1' }, clusterType: { value: 'connectedCluster' }, extensionType: { value: 'microsoft.flux' },
          releaseNamespace: { value: 'flux-system' }, configurationProtectedSettings: { value: { hidden: HIDDEN } },
          fluxConfigurations: { value: [{ namespace: 'flux-system', scope: 'cluster', ...git }] },
        },
      },
    }, POLL);
    assert.equal(res.properties?.provisioningState, 'Succeeded', JSON.stringify(res.properties?.error));
    assert.ok(!JSON.stringify(res).includes(HIDDEN));
    const ops = [];
    for await (const op of client.deploymentOperations.list('dep-rg', 'extension')) ops.push(op);
    assert.ok(ops.some((o) => o.properties?.targetResource?.resourceType === 'Microsoft.KubernetesConfiguration/extensions' && o.properties.provisioningState === 'Succeeded'));
    assert.ok(!JSON.stringify(ops).includes(HIDDEN));
  });

  it('deploys a template spec version by templateLink.id, its module from the version\'s linkedTemplates (the SDK\'s generic resources create the spec)', async () => {
    // @azure/arm-resources 6.x has no template specs client: its generic resources write them by id.
    const spec = `/subscriptions/${SUB}/resourceGroups/dep-rg/providers/Microsoft.Resources/templateSpecs/arc-loop`;
    await client.resources.beginCreateOrUpdateByIdAndWait(spec, '2022-02-01', { location: 'westeurope', properties: { description: 'extensions in a loop' } }, POLL);
    const main = loopingMain('spec-loop');
    const version = await client.resources.beginCreateOrUpdateByIdAndWait(`${spec}/versions/1.0`, '2022-02-01', {
      location: 'westeurope', properties: { mainTemplate: main, linkedTemplates: [{ path: 'modules/loop.json', template: copyLoop }] },
    }, POLL);
    assert.equal(version.id, `${spec}/versions/1.0`);
    const res = await client.deployments.beginCreateOrUpdateAndWait('dep-rg', 'from-spec', {
      properties: { mode: 'Incremental', templateLink: { id: `${spec}/versions/1.0` }, parameters: { clusterName: { value: 'c1' } } },
    }, POLL);
    assert.equal(res.properties?.provisioningState, 'Succeeded', JSON.stringify(res.properties?.error));
    assert.equal(res.properties?.templateLink?.id, `${spec}/versions/1.0`);
    const ext = await client.resources.getById(`/subscriptions/${SUB}/resourceGroups/dep-rg/providers/Microsoft.Kubernetes/connectedClusters/c1/providers/Microsoft.KubernetesConfiguration/extensions/loop1`, '2023-05-01');
    assert.equal(ext.name, 'loop1');
    const expanded = await client.resources.getById(spec, '2022-02-01');
    assert.equal((expanded.properties as { description?: string }).description, 'extensions in a loop');
  });

  it('runs whatIf at tenant scope through its long-running operation', async () => {
    const template = { $schema: 'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [] };
    const result = await client.deployments.beginWhatIfAtTenantScopeAndWait('tenant-wi', { location: 'westeurope', properties: { mode: 'Incremental', template } }, POLL);
    assert.equal(result.status, 'Succeeded', JSON.stringify(result));
    assert.deepEqual(result.changes, []);
  });

  it('deploys the AVM flux configuration module, then whatIf shows NoChange', async () => {
    const properties = {
      mode: 'Incremental' as const,
      template: avmTemplate('flux-configuration'),
      parameters: {
        name: { value: 'cfg' }, clusterName: { value: 'c1' }, clusterType: { value: 'connectedCluster' }, namespace: { value: 'flux-system' },
        scope: { value: 'cluster' }, sourceKind: { value: 'GitRepository' }, gitRepository: { value: git.gitRepository }, kustomizations: { value: git.kustomizations },
      },
    };
    const res = await client.deployments.beginCreateOrUpdateAndWait('dep-rg', 'flux', { properties }, POLL);
    assert.equal(res.properties?.provisioningState, 'Succeeded', JSON.stringify(res.properties?.error));
    assert.ok(res.properties?.outputResources?.some((r) => r.id?.endsWith('/fluxConfigurations/cfg')));
    const whatIf = await client.deployments.beginWhatIfAndWait('dep-rg', 'flux', { properties }, POLL);
    const flux = whatIf.changes?.find((c) => c.resourceId?.endsWith('/fluxConfigurations/cfg'));
    assert.equal(flux?.changeType, 'NoChange', JSON.stringify(flux?.delta));
  });

  it('deploys a copy loop, validates, exports and deletes', async () => {
    const validated = await client.deployments.beginValidateAndWait('dep-rg', 'loop', { properties: { mode: 'Incremental', template: copyLoop, parameters: { clusterName: { value: 'c1' } } } }, POLL);
    assert.equal(validated.properties?.validatedResources?.length, 3);
    const res = await client.deployments.beginCreateOrUpdateAndWait('dep-rg', 'loop', { properties: { mode: 'Incremental', template: copyLoop, parameters: { clusterName: { value: 'c1' } } } }, POLL);
    assert.equal(res.properties?.provisioningState, 'Succeeded');
    assert.equal(res.properties?.outputResources?.length, 3);
    const exported = await client.deployments.exportTemplate('dep-rg', 'loop');
    assert.deepEqual(exported.template, copyLoop);
    const names: string[] = [];
    for await (const d of client.deployments.listByResourceGroup('dep-rg')) names.push(d.name!);
    assert.ok(names.includes('loop') && names.includes('cluster'));
    await client.deployments.beginDeleteAndWait('dep-rg', 'loop', POLL);
    assert.equal((await client.deployments.checkExistence('dep-rg', 'loop')).body, false);
  });

  it("ends a failing template Failed with Azure's DeploymentFailed error", async () => {
    const bad = JSON.parse(JSON.stringify(copyLoop));
    bad.resources[0].scope = 'Microsoft.Kubernetes/connectedClusters/missing';
    await assert.rejects(
      client.deployments.beginCreateOrUpdateAndWait('dep-rg', 'bad', { properties: { mode: 'Incremental', template: bad, parameters: { clusterName: { value: 'c1' } } } }, POLL),
      (err: { code?: string; message?: string }) => err.code === 'DeploymentFailed' || /DeploymentFailed/.test(err.message ?? ''),
    );
    const got = await client.deployments.get('dep-rg', 'bad');
    assert.equal(got.properties?.provisioningState, 'Failed');
    assert.equal(got.properties?.error?.details?.length, 3);
  });
});

describe('e2e: subscription, tenant and management group deployments with @azure/arm-resources 6.x', () => {
  let server: TestServer;
  let client: ResourceManagementClient;
  before(async () => {
    server = await testServer();
    client = resourcesClient(server);
  });
  after(() => server.stop());

  it('deploys at subscription scope a group and a module into it; whatIf, operations and the list at that scope', async () => {
    const properties = { mode: 'Incremental' as const, template: groupAndClusterTemplate(), parameters: { groupName: { value: 'sdk-sub-rg' }, clusterName: { value: 'c1' } } };
    const before = await client.deployments.beginWhatIfAtSubscriptionScopeAndWait('sdk-sub', { location: 'westeurope', properties }, POLL);
    assert.deepEqual(before.changes?.map((c) => c.changeType), ['Create', 'Create']);
    const res = await client.deployments.beginCreateOrUpdateAtSubscriptionScopeAndWait('sdk-sub', { location: 'westeurope', properties }, POLL);
    assert.equal(res.properties?.provisioningState, 'Succeeded', JSON.stringify(res.properties?.error));
    assert.equal(res.location, 'westeurope');
    assert.equal((res.properties?.outputs as Record<string, { value: string }>).groupLocation.value, 'westeurope');
    assert.equal((await client.resourceGroups.get('sdk-sub-rg')).location, 'westeurope');
    const names: string[] = [];
    for await (const d of client.deployments.listAtSubscriptionScope()) names.push(d.name!);
    assert.deepEqual(names, ['sdk-sub']);
    const ops: string[] = [];
    for await (const o of client.deploymentOperations.listAtSubscriptionScope('sdk-sub')) ops.push(o.properties?.targetResource?.resourceType ?? '');
    assert.deepEqual(ops, ['Microsoft.Resources/resourceGroups', 'Microsoft.Resources/deployments']);
    const after = await client.deployments.beginWhatIfAtSubscriptionScopeAndWait('sdk-sub', { location: 'westeurope', properties }, POLL);
    assert.deepEqual(after.changes?.map((c) => c.changeType), ['NoChange', 'NoChange']);
  });

  it('deploys at tenant scope; a management group deployment is ManagementGroupNotFound', async () => {
    const template = { $schema: 'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [], outputs: { t: { type: 'string', value: '[tenant().tenantId]' } } };
    const res = await client.deployments.beginCreateOrUpdateAtTenantScopeAndWait('sdk-tenant', { location: 'eastus', properties: { mode: 'Incremental', template } }, POLL);
    assert.equal(res.properties?.provisioningState, 'Succeeded');
    assert.equal(res.id, '/providers/Microsoft.Resources/deployments/sdk-tenant');
    await assert.rejects(
      client.deployments.beginCreateOrUpdateAtManagementGroupScopeAndWait('mg1', 'sdk-mg', { location: 'eastus', properties: { mode: 'Incremental', template } }, POLL),
      (err: { code?: string; statusCode?: number }) => err.code === 'ManagementGroupNotFound' && err.statusCode === 404,
    );
  });
});

describe('e2e: az deployment group and sub create, az ts create (when az is installed)', function () {
  this.timeout(240_000);
  const az = findAz();
  let server: TestServer;
  let home: string;

  before(async function () {
    if (!az && process.env.ARCLIGHT_TEST_REQUIRE_AZ === '1') throw new Error('az is not installed, and ARCLIGHT_TEST_REQUIRE_AZ=1 requires it');
    if (!az) return this.skip();
    server = await testServer({ auth: 'strict' });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-az-deploy-'));
  });
  after(async () => {
    if (!az) return;
    await server.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  const run = (args: string[]) => runAz({ az: az!, home, configDir: 'cfg', caCertPath: server.caCertPath, timeoutMs: 120_000 }, args);

  it('deploys a cluster and a copy loop of extensions from template files', async () => {
    await run(['cloud', 'register', '-n', 'Arclight', '--endpoint-resource-manager', `${server.url}/`]);
    await run(['cloud', 'set', '-n', 'Arclight']);
    await run(['login', '--service-principal', '-u', CLIENT_ID, '-p', SECRET, '--tenant', TENANT, '-o', 'json']);
    await run(['group', 'create', '-n', 'az-dep', '-l', 'eastus', '-o', 'json']);
    const clusterFile = path.join(home, 'cluster.json');
    fs.writeFileSync(clusterFile, JSON.stringify(clusterTemplate));
    const params = path.join(home, 'cluster.parameters.json');
    fs.writeFileSync(params, JSON.stringify({ $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { name: { value: 'azc' }, key: { value: agentKeys().pkcs1 } } }));
    const cluster = JSON.parse(await run(['deployment', 'group', 'create', '-g', 'az-dep', '-n', 'cluster', '--template-file', clusterFile, '--parameters', `@${params}`, '-o', 'json']));
    assert.equal(cluster.properties.provisioningState, 'Succeeded');
    assert.equal(cluster.properties.outputs.id.value, `/subscriptions/${SUB}/resourceGroups/az-dep/providers/Microsoft.Kubernetes/connectedClusters/azc`);
    const loopFile = path.join(home, 'loop.json');
    fs.writeFileSync(loopFile, JSON.stringify(copyLoop));
    const loop = JSON.parse(await run(['deployment', 'group', 'create', '-g', 'az-dep', '-n', 'loop', '--template-file', loopFile, '--parameters', 'clusterName=azc', 'count=2', '-o', 'json']));
    assert.equal(loop.properties.provisioningState, 'Succeeded');
    assert.equal(loop.properties.outputResources.length, 2);
    const ops = JSON.parse(await run(['deployment', 'operation', 'group', 'list', '-g', 'az-dep', '-n', 'loop', '-o', 'json']));
    assert.equal(ops.length, 2);
  });

  it('az deployment sub create: a group and a module into it, from a subscription template file', async () => {
    const file = path.join(home, 'sub.json');
    fs.writeFileSync(file, JSON.stringify(groupAndClusterTemplate()));
    const dep = JSON.parse(await run(['deployment', 'sub', 'create', '-n', 'az-sub', '-l', 'westeurope', '--template-file', file, '--parameters', 'groupName=az-sub-rg', 'clusterName=azs', '-o', 'json']));
    assert.equal(dep.properties.provisioningState, 'Succeeded');
    assert.equal(dep.properties.outputs.clusterId.value, `/subscriptions/${SUB}/resourceGroups/az-sub-rg/providers/Microsoft.Kubernetes/connectedClusters/azs`);
    const group = JSON.parse(await run(['group', 'show', '-n', 'az-sub-rg', '-o', 'json']));
    assert.equal(group.location, 'westeurope');
  });

  it('az ts create packs a template with a linked module; az deployment group create --template-spec deploys it', async () => {
    const dir = path.join(home, 'spec');
    fs.mkdirSync(path.join(dir, 'modules'), { recursive: true });
    const main = loopingMain('ts-loop');
    fs.writeFileSync(path.join(dir, 'main.json'), JSON.stringify(main));
    fs.writeFileSync(path.join(dir, 'modules', 'loop.json'), JSON.stringify({ ...copyLoop, resources: [{ ...copyLoop.resources[0], name: "[format('ts{0}', copyIndex())]" }] }));
    const version = JSON.parse(await run(['ts', 'create', '-g', 'az-dep', '-n', 'az-spec', '-v', '1.0', '-l', 'eastus', '--template-file', path.join(dir, 'main.json'), '--yes', '-o', 'json']));
    assert.equal(version.id, `/subscriptions/${SUB}/resourceGroups/az-dep/providers/Microsoft.Resources/templateSpecs/az-spec/versions/1.0`);
    assert.deepEqual(version.linkedTemplates.map((l: { path: string }) => l.path), ['modules/loop.json']);
    const shown = JSON.parse(await run(['ts', 'show', '-g', 'az-dep', '-n', 'az-spec', '-o', 'json']));
    assert.ok(shown.versions.includes('1.0') || shown.versions['1.0'], JSON.stringify(shown));
    const dep = JSON.parse(await run(['deployment', 'group', 'create', '-g', 'az-dep', '-n', 'from-ts', '--template-spec', version.id, '--parameters', 'clusterName=azc', '-o', 'json']));
    assert.equal(dep.properties.provisioningState, 'Succeeded');
    assert.equal(dep.properties.templateLink.id, version.id);
    const ext = JSON.parse(await run(['resource', 'show', '--ids', `/subscriptions/${SUB}/resourceGroups/az-dep/providers/Microsoft.Kubernetes/connectedClusters/azc/providers/Microsoft.KubernetesConfiguration/extensions/ts1`, '--api-version', '2023-05-01', '-o', 'json']));
    assert.equal(ext.name, 'ts1');
  });
});
