/** The four deployment scopes: ids, routes and Azure's location and mode rules (server/surfaces/arm/deploymentScopes.ts). */
import { strict as assert } from 'assert';
import { ArmError } from '../../../server/kit/armErrors';
import { checkScopeRules, deploymentIdAt, SCOPE_ROUTES, scopeOfDeploymentId, scopeOfParams } from '../../../server/surfaces/arm/deploymentScopes';

const SUB = '00000000-0000-0000-0000-000000000000';

describe('deployment scopes', () => {
  it('reads the scope of a deployment id at each of the four scopes, in any casing', () => {
    assert.deepEqual(scopeOfDeploymentId(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Resources/deployments/d`),
      { kind: 'resourceGroup', id: `/subscriptions/${SUB}/resourceGroups/rg`, subscriptionId: SUB, resourceGroupName: 'rg' });
    assert.deepEqual(scopeOfDeploymentId(`/SUBSCRIPTIONS/${SUB}/RESOURCEGROUPS/rg/PROVIDERS/microsoft.resources/DEPLOYMENTS/d`).kind, 'resourceGroup');
    assert.deepEqual(scopeOfDeploymentId(`/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/d`), { kind: 'subscription', id: `/subscriptions/${SUB}`, subscriptionId: SUB });
    assert.deepEqual(scopeOfDeploymentId('/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Resources/deployments/d'),
      { kind: 'managementGroup', id: '/providers/Microsoft.Management/managementGroups/mg', managementGroupId: 'mg' });
    assert.deepEqual(scopeOfDeploymentId('/providers/Microsoft.Resources/deployments/d'), { kind: 'tenant', id: '' });
  });

  it('builds the same ids back from routed parameters', () => {
    const cases: Array<[Parameters<typeof scopeOfParams>[0], Record<string, string>, string]> = [
      ['resourceGroup', { subscriptionId: SUB, resourceGroupName: 'rg' }, `/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Resources/deployments/d`],
      ['subscription', { subscriptionId: SUB }, `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/d`],
      ['managementGroup', { groupId: 'mg' }, '/providers/Microsoft.Management/managementGroups/mg/providers/Microsoft.Resources/deployments/d'],
      ['tenant', {}, '/providers/Microsoft.Resources/deployments/d'],
    ];
    for (const [kind, params, id] of cases) {
      const at = scopeOfParams(kind, params);
      assert.equal(deploymentIdAt(at, 'd'), id);
      assert.deepEqual(scopeOfDeploymentId(id), at);
    }
  });

  it('routes each scope as the spec does: operations of a group deployment under resourcegroups/{g}/deployments', () => {
    const rg = SCOPE_ROUTES.find((r) => r.kind === 'resourceGroup')!;
    assert.equal(rg.operations, '/subscriptions/{subscriptionId}/resourcegroups/{resourceGroupName}/deployments/{deploymentName}/operations');
    const tenant = SCOPE_ROUTES.find((r) => r.kind === 'tenant')!;
    assert.equal(tenant.item, '/providers/Microsoft.Resources/deployments/{deploymentName}');
    assert.equal(tenant.operations, `${tenant.item}/operations`);
  });

  it("applies Azure's location and mode rules", () => {
    const refused = (fn: () => void, message: RegExp) => assert.throws(fn, (e: unknown) => e instanceof ArmError && e.status === 400 && e.code === 'InvalidDeployment' && message.test(e.message));
    const rg = scopeOfParams('resourceGroup', { subscriptionId: SUB, resourceGroupName: 'rg' });
    const sub = scopeOfParams('subscription', { subscriptionId: SUB });
    checkScopeRules(rg, 'd', undefined, 'Complete');
    refused(() => checkScopeRules(rg, 'd', 'eastus', 'Incremental'), /^The 'location' property is not allowed for 'd' at resource group scope\./);
    checkScopeRules(sub, 'd', 'eastus', 'Incremental');
    refused(() => checkScopeRules(sub, 'd', undefined, 'Incremental'), /^The 'location' property must be specified for 'd'\./);
    refused(() => checkScopeRules(sub, 'd', '', 'Incremental'), /must be specified/);
    refused(() => checkScopeRules(scopeOfParams('tenant', {}), 'd', 'eastus', 'complete'), /^Specified deployment mode 'complete' is not supported for deployment at the current scope\./);
  });
});
