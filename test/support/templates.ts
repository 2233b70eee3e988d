/** Templates the deployment tests share: the AVM fixtures and a copy loop of extensions on a connected cluster. */
import * as fs from 'fs';
import * as path from 'path';

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
