/**
 * --auth strict --rbac enforce over HTTPS with the official SDKs: a subscription's owner (from
 * the directory API) gives a second principal the least privilege Azure documents for
 * onboarding (Kubernetes Cluster - Azure Arc Onboarding, at one resource group); that principal
 * connects a cluster with @azure/arm-hybridkubernetes and is refused what the role lacks
 * (deleting the cluster, its user credentials, a cluster in another group) with 403
 * AuthorizationFailed.
 */
import { strict as assert } from 'assert';
import { ClientSecretCredential } from '@azure/identity';
import { ConnectedKubernetesClient } from '@azure/arm-hybridkubernetes';
import { ResourceManagementClient } from '@azure/arm-resources';
import { AuthorizationManagementClient } from '@azure/arm-authorization';
import { testServer, TestServer } from '../support/arclight';
import { requestJson } from '../support/jsonHttps';
import { agentKeys } from '../support/keys';

const ONBOARDING = '34e09817-6cbe-4d01-b1a2-e0eac5743d41';
const ASSIGNMENT = '5d1e0c3a-0000-4000-8000-00000000000a';

describe('e2e: least-privilege onboarding with --rbac enforce', () => {
  let server: TestServer;
  before(async () => {
    server = await testServer({ auth: 'strict', rbac: 'enforce' });
  });
  after(() => server.stop());

  it('onboards a cluster with the Onboarding role and is refused what the role lacks', async () => {
    const { agent, url } = server;
    const w = (await requestJson(agent, `${url}/_arclight/directory/subscriptions`, 'POST', { json: {} })).body as
      { subscriptionId: string; tenantId: string; clientId: string; clientSecret: string };
    const sp = (await requestJson(agent, `${url}/_arclight/directory/servicePrincipals`, 'POST', { json: { tenantId: w.tenantId, subscriptions: [w.subscriptionId] } })).body as
      { clientId: string; objectId: string; clientSecret: string };
    const options = { endpoint: url, agent };
    const credential = (id: string, secret: string) => new ClientSecretCredential(w.tenantId, id, secret, { authorityHost: url, disableInstanceDiscovery: true, agent });
    const owner = credential(w.clientId, w.clientSecret);
    const resources = new ResourceManagementClient(owner, w.subscriptionId, options);
    await resources.resourceGroups.createOrUpdate('onboarding', { location: 'eastus' });
    await resources.resourceGroups.createOrUpdate('elsewhere', { location: 'eastus' });
    const groupScope = `/subscriptions/${w.subscriptionId}/resourceGroups/onboarding`;
    await new AuthorizationManagementClient(owner, w.subscriptionId, options).roleAssignments.create(groupScope, ASSIGNMENT, {
      roleDefinitionId: `/subscriptions/${w.subscriptionId}/providers/Microsoft.Authorization/roleDefinitions/${ONBOARDING}`, principalId: sp.objectId,
    });

    const clusters = new ConnectedKubernetesClient(credential(sp.clientId, sp.clientSecret), w.subscriptionId, options);
    const body = { location: 'eastus', identity: { type: 'SystemAssigned' as const }, agentPublicKeyCertificate: agentKeys().pkcs1 };
    const created = await clusters.connectedClusterOperations.beginCreateAndWait('onboarding', 'c1', body, { updateIntervalInMs: 10 });
    assert.equal(created.provisioningState, 'Succeeded');
    // ARM names the scope as the request spelled it (the SDK writes `resourcegroups`).
    const sdkGroup = `/subscriptions/${w.subscriptionId}/resourcegroups`;
    const clusterId = `${sdkGroup}/onboarding/providers/Microsoft.Kubernetes/connectedClusters/c1`;
    const refused = (action: string, scope: string) => (err: { statusCode?: number; code?: string; message?: string }) => {
      assert.equal(err.statusCode, 403);
      assert.equal(err.code, 'AuthorizationFailed');
      assert.equal(err.message, `The client '${sp.clientId}' with object id '${sp.objectId}' does not have authorization to perform action '${action}' over scope '${scope}' or the scope is invalid. If access was recently granted, please refresh your credentials.`);
      return true;
    };
    await assert.rejects(clusters.connectedClusterOperations.beginDeleteAndWait('onboarding', 'c1', { updateIntervalInMs: 10 }),
      refused('Microsoft.Kubernetes/connectedClusters/delete', clusterId));
    await assert.rejects(clusters.connectedClusterOperations.listClusterUserCredential('onboarding', 'c1', { authenticationMethod: 'AAD', clientProxy: false }),
      refused('Microsoft.Kubernetes/connectedClusters/listClusterUserCredential/action', clusterId));
    await assert.rejects(clusters.connectedClusterOperations.beginCreateAndWait('elsewhere', 'c2', body, { updateIntervalInMs: 10 }),
      refused('Microsoft.Kubernetes/connectedClusters/write', `${sdkGroup}/elsewhere/providers/Microsoft.Kubernetes/connectedClusters/c2`));
  });
});
