/**
 * End to end over HTTPS with the official @azure/arm-extendedlocation SDK (1.0.0-beta.3, the
 * only published version, api-version 2021-08-31-preview) beside @azure/arm-hybridkubernetes and
 * @azure/arm-kubernetesconfiguration: a custom location on a connected cluster and its
 * extension through their long-running operations, the lists, PATCH, enabled resource types,
 * resource sync rules and findTargetResourceGroup, the errors a user meets, and what is left
 * when the cluster goes.
 */
import { strict as assert } from 'assert';
import { CustomLocationsManagementClient } from '@azure/arm-extendedlocation';
import { SourceControlConfigurationClient } from '@azure/arm-kubernetesconfiguration';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SUB, staticCredential, testServer, TestServer } from '../support/arclight';
import { agentKeys } from '../support/keys';

interface SdkError {
  statusCode?: number;
  code?: string;
  message?: string;
}

const CC = ['Microsoft.Kubernetes', 'connectedClusters'] as const;

async function refusal(p: Promise<unknown>): Promise<SdkError> {
  try {
    await p;
  } catch (err) {
    return err as SdkError;
  }
  throw new Error('expected the SDK to throw');
}

describe('e2e: @azure/arm-extendedlocation over HTTPS', () => {
  let server: TestServer;
  let locations: CustomLocationsManagementClient;
  let config: SourceControlConfigurationClient;
  let clusters: ConnectedKubernetesClient;
  let groups: ResourceManagementClient;
  const lro = { updateIntervalInMs: 10 };
  const clusterId = (group: string, name: string) => `/subscriptions/${SUB}/resourceGroups/${group}/providers/Microsoft.Kubernetes/connectedClusters/${name}`;

  before(async () => {
    server = await testServer({ pageSize: 2 });
    const options = { endpoint: server.url, agent: server.agent };
    locations = new CustomLocationsManagementClient(staticCredential(), SUB, options);
    config = new SourceControlConfigurationClient(staticCredential(), SUB, options);
    clusters = new ConnectedKubernetesClient(staticCredential(), SUB, options);
    groups = new ResourceManagementClient(staticCredential(), SUB, options);
  });
  after(() => server.stop());

  /** A connected cluster with one extension, as `az connectedk8s connect` and `az k8s-extension create` leave them. */
  const clusterWithExtension = async (group: string, name: string, extension = 'appsvc') => {
    await groups.resourceGroups.createOrUpdate(group, { location: 'eastus' });
    await clusters.connectedClusterOperations.beginCreateAndWait(group, name, {
      location: 'eastus', identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: agentKeys().pkcs1, distribution: 'kind', infrastructure: 'generic',
    }, lro);
    const ext = await config.extensions.beginCreateAndWait(group, ...CC, name, extension, { extensionType: 'Microsoft.Web.Appservice' }, lro);
    return ext.id!;
  };

  it('creates, reads, lists, patches and deletes a custom location on a cluster and its extension', async () => {
    const extensionId = await clusterWithExtension('cl-e2e', 'c1');
    const created = await locations.customLocations.beginCreateOrUpdateAndWait('cl-e2e', 'cl1', {
      location: 'eastus',
      identity: { type: 'SystemAssigned' },
      hostType: 'Kubernetes',
      hostResourceId: clusterId('cl-e2e', 'c1'),
      namespace: 'apps',
      clusterExtensionIds: [extensionId],
      displayName: 'cl1',
      authentication: { type: 'KubeConfig', value: Buffer.from('kubeconfig').toString('base64') },
    }, lro);
    assert.equal(created.provisioningState, 'Succeeded');
    assert.equal(created.hostResourceId, clusterId('cl-e2e', 'c1'));
    assert.deepEqual(created.clusterExtensionIds, [extensionId]);
    assert.deepEqual(created.authentication, { type: 'KubeConfig' }, 'the kubeconfig never comes back');
    assert.match(created.identity?.principalId ?? '', /^[0-9a-f-]{36}$/);

    const got = await locations.customLocations.get('cl-e2e', 'cl1');
    assert.equal(got.namespace, 'apps');
    for (const [i, name] of ['cl2', 'cl3'].entries()) {
      await locations.customLocations.beginCreateOrUpdateAndWait('cl-e2e', name, {
        location: 'eastus', hostResourceId: clusterId('cl-e2e', 'c1'), namespace: `apps${i + 2}`, clusterExtensionIds: [extensionId],
      }, lro);
    }
    const names: string[] = [];
    for await (const c of locations.customLocations.listByResourceGroup('cl-e2e')) names.push(c.name!);
    assert.deepEqual(names, ['cl1', 'cl2', 'cl3'], 'every page (of 2) is walked');
    let inSubscription = 0;
    for await (const c of locations.customLocations.listBySubscription()) if (c.id!.includes('/cl-e2e/')) inSubscription++;
    assert.equal(inSubscription, 3);

    const patched = await locations.customLocations.update('cl-e2e', 'cl1', { tags: { env: 'dev' }, displayName: 'renamed' });
    assert.deepEqual(patched.tags, { env: 'dev' });
    assert.equal(patched.displayName, 'renamed');
    assert.equal(patched.identity?.principalId, created.identity?.principalId);

    const enabled = [];
    for await (const t of locations.customLocations.listEnabledResourceTypes('cl-e2e', 'cl1')) enabled.push(t);
    assert.equal(enabled.length, 1);
    assert.equal(enabled[0].clusterExtensionId, extensionId);
    assert.equal(enabled[0].extensionType, 'Microsoft.Web.Appservice');

    let operations = 0;
    for await (const op of locations.customLocations.listOperations()) if (op.name?.startsWith('Microsoft.ExtendedLocation/')) operations++;
    assert.ok(operations > 0);

    await locations.customLocations.beginDeleteAndWait('cl-e2e', 'cl2', lro);
    const gone = await refusal(locations.customLocations.get('cl-e2e', 'cl2'));
    assert.equal(gone.statusCode, 404);
    assert.equal(gone.code, 'ResourceNotFound');
  });

  it('refuses what Azure refuses: a missing cluster, a missing extension, a namespace taken', async () => {
    const extensionId = await clusterWithExtension('cl-e2e-bad', 'c1');
    const base = { location: 'eastus', hostResourceId: clusterId('cl-e2e-bad', 'c1'), namespace: 'apps', clusterExtensionIds: [extensionId] };
    const noCluster = await refusal(locations.customLocations.beginCreateOrUpdateAndWait('cl-e2e-bad', 'x', { ...base, hostResourceId: clusterId('cl-e2e-bad', 'ghost') }, lro));
    assert.equal(noCluster.statusCode, 404);
    assert.equal(noCluster.code, 'ResourceNotFound');
    const noExtension = await refusal(locations.customLocations.beginCreateOrUpdateAndWait('cl-e2e-bad', 'x', { ...base, clusterExtensionIds: [`${extensionId}-ghost`] }, lro));
    assert.equal(noExtension.code, 'FailedToLoadClusterExtensionConfig');
    await locations.customLocations.beginCreateOrUpdateAndWait('cl-e2e-bad', 'first', base, lro);
    const taken = await refusal(locations.customLocations.beginCreateOrUpdateAndWait('cl-e2e-bad', 'second', base, lro));
    assert.equal(taken.statusCode, 409);
  });

  it('keeps resource sync rules and finds the target resource group of a set of labels', async () => {
    const extensionId = await clusterWithExtension('cl-e2e-rsr', 'c1');
    await locations.customLocations.beginCreateOrUpdateAndWait('cl-e2e-rsr', 'cl1', {
      location: 'eastus', hostResourceId: clusterId('cl-e2e-rsr', 'c1'), namespace: 'apps', clusterExtensionIds: [extensionId],
    }, lro);
    await groups.resourceGroups.createOrUpdate('cl-e2e-target', { location: 'eastus' });
    const target = `/subscriptions/${SUB}/resourceGroups/cl-e2e-target`;
    const rule = await locations.resourceSyncRules.beginCreateOrUpdateAndWait('cl-e2e-rsr', 'cl1', 'web', {
      location: 'eastus', priority: 10, targetResourceGroup: target, selector: { matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] },
    }, lro);
    assert.equal(rule.provisioningState, 'Succeeded');
    const updated = await locations.resourceSyncRules.beginUpdateAndWait('cl-e2e-rsr', 'cl1', 'web', { priority: 20, tags: { a: 'b' }, ...lro });
    assert.equal(updated.priority, 20);
    assert.deepEqual(updated.tags, { a: 'b' });
    const rules = [];
    for await (const r of locations.resourceSyncRules.listByCustomLocationID('cl-e2e-rsr', 'cl1')) rules.push(r.name);
    assert.deepEqual(rules, ['web']);
    const found = await locations.customLocations.findTargetResourceGroup('cl-e2e-rsr', 'cl1', { labels: { tier: 'web', env: 'prod' } });
    assert.equal(found.targetResourceGroup, target);
    assert.equal(found.matchedResourceSyncRule, rule.id);
    const none = await locations.customLocations.findTargetResourceGroup('cl-e2e-rsr', 'cl1', { labels: { tier: 'db' } });
    assert.equal(none.targetResourceGroup, undefined, '204: no rule matches');
    await locations.resourceSyncRules.delete('cl-e2e-rsr', 'cl1', 'web');
    const gone = await refusal(locations.resourceSyncRules.get('cl-e2e-rsr', 'cl1', 'web'));
    assert.equal(gone.statusCode, 404);
  });

  it('outlives its cluster, as Azure documents, and is then deleted on its own', async () => {
    const extensionId = await clusterWithExtension('cl-e2e-orphan', 'c1');
    await locations.customLocations.beginCreateOrUpdateAndWait('cl-e2e-orphan', 'cl1', {
      location: 'eastus', hostResourceId: clusterId('cl-e2e-orphan', 'c1'), namespace: 'apps', clusterExtensionIds: [extensionId],
    }, lro);
    await clusters.connectedClusterOperations.beginDeleteAndWait('cl-e2e-orphan', 'c1', lro);
    const left = await locations.customLocations.get('cl-e2e-orphan', 'cl1');
    assert.equal(left.hostResourceId, clusterId('cl-e2e-orphan', 'c1'));
    const enabled = [];
    for await (const t of locations.customLocations.listEnabledResourceTypes('cl-e2e-orphan', 'cl1')) enabled.push(t);
    assert.deepEqual(enabled, [], 'the extension went with the cluster');
    await locations.customLocations.beginDeleteAndWait('cl-e2e-orphan', 'cl1', lro);
    assert.equal((await refusal(locations.customLocations.get('cl-e2e-orphan', 'cl1'))).statusCode, 404);
  });
});
