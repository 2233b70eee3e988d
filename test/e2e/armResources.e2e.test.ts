/**
 * End to end over HTTPS with the official @azure/arm-resources and @azure/arm-resources-subscriptions
 * SDKs: resource groups, provider registration, subscriptions and locations.
 */
import { strict as assert } from 'assert';
import { ResourceManagementClient } from '@azure/arm-resources';
import { SubscriptionClient } from '@azure/arm-resources-subscriptions';
import { SUB, TENANT, staticCredential, testServer, TestServer } from '../support/arclight';

describe('e2e: @azure/arm-resources over HTTPS', () => {
  let server: TestServer;
  let client: ResourceManagementClient;
  before(async () => {
    server = await testServer({ pageSize: 2 });
    client = new ResourceManagementClient(staticCredential(), SUB, { endpoint: server.url, agent: server.agent });
  });
  after(() => server.stop());

  it('creates, gets, lists (across pages), updates and deletes resource groups', async () => {
    const created = await client.resourceGroups.createOrUpdate('e2e-rg', { location: 'westeurope', tags: { owner: 'e2e' } });
    assert.equal(created.id, `/subscriptions/${SUB}/resourceGroups/e2e-rg`);
    assert.equal(created.properties?.provisioningState, 'Succeeded');
    for (const n of ['e2e-a', 'e2e-b', 'e2e-c']) await client.resourceGroups.createOrUpdate(n, { location: 'eastus' });

    const got = await client.resourceGroups.get('E2E-RG');
    assert.equal(got.name, 'e2e-rg');
    assert.deepEqual(got.tags, { owner: 'e2e' });

    const names: string[] = [];
    for await (const g of client.resourceGroups.list()) names.push(g.name!);
    assert.deepEqual(names.sort(), ['e2e-a', 'e2e-b', 'e2e-c', 'e2e-rg']);

    const exists = await client.resourceGroups.checkExistence('e2e-rg');
    assert.equal(exists.body, true);
    const missing = await client.resourceGroups.checkExistence('nope');
    assert.equal(missing.body, false);

    const updated = await client.resourceGroups.update('e2e-rg', { tags: { owner: 'someone-else' } });
    assert.deepEqual(updated.tags, { owner: 'someone-else' });

    await client.resourceGroups.beginDeleteAndWait('e2e-rg', { updateIntervalInMs: 10 });
    await assert.rejects(client.resourceGroups.get('e2e-rg'), (err: { statusCode?: number; code?: string }) => err.statusCode === 404 && err.code === 'ResourceGroupNotFound');
  });

  it('registers providers and reads them', async () => {
    await client.providers.unregister('Microsoft.KubernetesConfiguration');
    const registering = await client.providers.register('Microsoft.KubernetesConfiguration');
    assert.equal(registering.registrationState, 'Registering');
    const provider = await client.providers.get('Microsoft.KubernetesConfiguration');
    assert.equal(provider.registrationState, 'Registered');
    assert.ok(provider.resourceTypes?.some((t) => t.resourceType === 'extensions'));
    const all: string[] = [];
    for await (const p of client.providers.list()) all.push(p.namespace!);
    assert.ok(all.includes('Microsoft.Kubernetes'));
  });

  it('reads subscriptions, tenants and locations with @azure/arm-resources-subscriptions', async () => {
    const subs = new SubscriptionClient(staticCredential(), { endpoint: server.url, agent: server.agent });
    const sub = await subs.subscriptions.get(SUB);
    assert.equal(sub.displayName, 'Arclight Subscription');
    const tenants: string[] = [];
    for await (const t of subs.tenants.list()) tenants.push(t.tenantId!);
    assert.deepEqual(tenants, [TENANT]);
    const locations: string[] = [];
    for await (const l of subs.subscriptions.listLocations(SUB)) locations.push(l.name!);
    assert.ok(locations.includes('eastus') && locations.includes('westeurope'));
  });
});
