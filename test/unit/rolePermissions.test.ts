/** Azure's permission matching: wildcards, case, notActions per block, data actions apart. */
import { strict as assert } from 'assert';
import { actionMatches, roleGrants } from '../../server/identity/rolePermissions';
import { BUILT_IN_ROLES } from '../../server/providers/neighbours/roleDefinitions';
import { requestAuthorization } from '../../server/identity/authorizationFailed';

const role = (name: string) => BUILT_IN_ROLES.find((r) => r.roleName === name)!;

describe('unit: role permissions', () => {
  it('matches wildcards anywhere, case-insensitively', () => {
    assert.ok(actionMatches('*', 'Microsoft.Kubernetes/connectedClusters/write'));
    assert.ok(actionMatches('Microsoft.Kubernetes/*', 'microsoft.kubernetes/connectedClusters/delete'));
    assert.ok(actionMatches('*/read', 'Microsoft.KubernetesConfiguration/extensions/read'));
    assert.ok(actionMatches('Microsoft.Authorization/*/Write', 'Microsoft.Authorization/roleAssignments/write'));
    assert.ok(!actionMatches('*/read', 'Microsoft.Kubernetes/connectedClusters/write'));
    assert.ok(!actionMatches('Microsoft.Kubernetes/*', 'Microsoft.KubernetesConfiguration/extensions/write'));
    assert.ok(!actionMatches('Microsoft.Kubernetes/connectedClusters/read', 'Microsoft.Kubernetes/connectedClustersXread'));
  });

  it('subtracts notActions and keeps data actions apart', () => {
    assert.ok(roleGrants(role('Contributor'), 'Microsoft.Kubernetes/connectedClusters/write'));
    assert.ok(!roleGrants(role('Contributor'), 'Microsoft.Authorization/roleAssignments/write'));
    assert.ok(!roleGrants(role('Contributor'), 'Microsoft.Authorization/roleAssignments/delete'));
    assert.ok(roleGrants(role('Owner'), 'Microsoft.Authorization/roleAssignments/write'));
    const clusterAdmin = role('Azure Arc Kubernetes Cluster Admin');
    assert.ok(roleGrants(clusterAdmin, 'Microsoft.Kubernetes/connectedClusters/pods/delete', 'data'));
    assert.ok(!roleGrants(clusterAdmin, 'Microsoft.Kubernetes/connectedClusters/write'));
    assert.ok(!roleGrants(role('Owner'), 'Microsoft.Kubernetes/connectedClusters/pods/read', 'data'));
    assert.ok(roleGrants(role('Azure Arc Kubernetes Viewer'), 'Microsoft.Kubernetes/connectedClusters/pods/read', 'data'));
    assert.ok(!roleGrants(role('Azure Arc Kubernetes Viewer'), 'Microsoft.Kubernetes/connectedClusters/secrets/read', 'data'));
  });

  it('names the action and scope of a request', () => {
    const seg = (p: string) => p.split('/').filter(Boolean);
    const cluster = '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1';
    assert.deepEqual(requestAuthorization('PUT', seg(cluster), 'Microsoft.Kubernetes'), { action: 'Microsoft.Kubernetes/connectedClusters/write', scope: cluster });
    assert.deepEqual(requestAuthorization('HEAD', seg(cluster), 'Microsoft.Kubernetes'), { action: 'Microsoft.Kubernetes/connectedClusters/read', scope: cluster });
    assert.deepEqual(requestAuthorization('POST', seg(`${cluster}/listClusterUserCredential`), 'Microsoft.Kubernetes'),
      { action: 'Microsoft.Kubernetes/connectedClusters/listClusterUserCredential/action', scope: cluster });
    assert.deepEqual(requestAuthorization('GET', seg(`${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/e`), 'Microsoft.KubernetesConfiguration'),
      { action: 'Microsoft.KubernetesConfiguration/extensions/read', scope: `${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/e` });
    assert.deepEqual(requestAuthorization('GET', seg(`${cluster}/providers/Microsoft.KubernetesConfiguration/extensions`), 'Microsoft.KubernetesConfiguration'),
      { action: 'Microsoft.KubernetesConfiguration/extensions/read', scope: cluster });
    assert.deepEqual(requestAuthorization('GET', seg('/subscriptions/s/resourceGroups/rg'), 'Microsoft.Resources'),
      { action: 'Microsoft.Resources/subscriptions/resourceGroups/read', scope: '/subscriptions/s/resourceGroups/rg' });
    assert.deepEqual(requestAuthorization('GET', seg('/subscriptions/s/resourceGroups'), 'Microsoft.Resources'),
      { action: 'Microsoft.Resources/subscriptions/resourceGroups/read', scope: '/subscriptions/s' });
    assert.deepEqual(requestAuthorization('GET', seg('/subscriptions/s/providers/Microsoft.Kubernetes/connectedClusters'), 'Microsoft.Kubernetes'),
      { action: 'Microsoft.Kubernetes/connectedClusters/read', scope: '/subscriptions/s' });
    assert.deepEqual(requestAuthorization('POST', seg('/subscriptions/s/providers/Microsoft.Kubernetes/register'), 'Microsoft.Kubernetes'),
      { action: 'Microsoft.Kubernetes/register/action', scope: '/subscriptions/s/providers/Microsoft.Kubernetes' });
  });
});
