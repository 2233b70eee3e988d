/** Templates the deployment tests share: the AVM fixtures and a copy loop of extensions on a connected cluster. */
import * as fs from 'fs';
import * as path from 'path';
import { clusterBody } from './clusters';

export const RG_SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';
export const SUB_SCHEMA = 'https://schema.management.azure.com/schemas/2018-05-01/subscriptionDeploymentTemplate.json#';

const AVM = path.resolve(__dirname, '..', '..', '..', 'test', 'fixtures', 'templates', 'avm', 'res', 'kubernetes-configuration');
/** The compiled main.json of an AVM kubernetes-configuration module (test/fixtures/templates). */
export const avmTemplate = (module: string) => JSON.parse(fs.readFileSync(path.join(AVM, module, 'main.json'), 'utf8'));

/** `count` extensions on connected cluster `clusterName`, a secure protected setting, their names as an output. */
export function copyLoopTemplate(count = 3) {
  return {
    $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#',
    contentVersion: '1.0.0.0',
    parameters: { clusterName: { type: 'string' }, count: { type: 'int', defaultValue: count }, secret: { type: 'securestring', defaultValue: '' } },
    resources: [{
      type: 'Microsoft.KubernetesConfiguration/extensions',
      apiVersion: '2023-05-01',
      name: "[format('ext{0}', copyIndex())]",
      scope: "[format('Microsoft.Kubernetes/connectedClusters/{0}', parameters('clusterName'))]",
      copy: { name: 'extensions', count: "[parameters('count')]" },
      properties: {
        extensionType: 'microsoft.flux',
        autoUpgradeMinorVersion: true,
        configurationSettings: { index: "[string(copyIndex())]" },
        configurationProtectedSettings: { secret: "[parameters('secret')]" },
      },
    }],
    outputs: { names: { type: 'array', copy: { count: "[parameters('count')]", input: "[format('ext{0}', copyIndex())]" } } },
  };
}

/** A subscription template as Bicep compiles `targetScope = 'subscription'`: a group, then a module into it. */
export function groupAndClusterTemplate() {
  return {
    $schema: SUB_SCHEMA,
    contentVersion: '1.0.0.0',
    parameters: { groupName: { type: 'string' }, location: { type: 'string', defaultValue: '[deployment().location]' }, clusterName: { type: 'string' } },
    resources: [
      { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2022-09-01', name: "[parameters('groupName')]", location: "[parameters('location')]", tags: { purpose: 'arc' } },
      {
        type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'cluster',
        resourceGroup: "[parameters('groupName')]",
        dependsOn: ["[subscriptionResourceId('Microsoft.Resources/resourceGroups', parameters('groupName'))]"],
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'inner' },
          parameters: { name: { value: "[parameters('clusterName')]" } },
          template: {
            $schema: RG_SCHEMA, contentVersion: '1.0.0.0',
            parameters: { name: { type: 'string' } },
            resources: [{
              type: 'Microsoft.Kubernetes/connectedClusters', apiVersion: '2021-10-01', name: "[parameters('name')]",
              location: '[resourceGroup().location]', identity: { type: 'SystemAssigned' }, properties: clusterBody().properties,
            }],
            outputs: {
              groupLocation: { type: 'string', value: '[resourceGroup().location]' },
              clusterId: { type: 'string', value: "[resourceId('Microsoft.Kubernetes/connectedClusters', parameters('name'))]" },
            },
          },
        },
      },
    ],
    outputs: {
      clusterId: { type: 'string', value: "[reference(resourceId(parameters('groupName'), 'Microsoft.Resources/deployments', 'cluster'), '2022-09-01').outputs.clusterId.value]" },
      groupLocation: { type: 'string', value: "[reference(resourceId(parameters('groupName'), 'Microsoft.Resources/deployments', 'cluster'), '2022-09-01').outputs.groupLocation.value]" },
      subscription: { type: 'string', value: '[subscription().subscriptionId]' },
    },
  };
}
