/**
 * The compiled Azure Verified Modules for Arc (test/fixtures/templates, see its SOURCES.md):
 * extension and flux configuration, on a connected cluster and on a managed cluster, with the
 * nested flux deployments (inner scope) and the telemetry deployment.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import type { Json } from '../../../protocol/json';
import { evaluateTemplate, parseTemplateText, prepareTemplate, uniqueString } from '../../../server/templates';
import { RG_ID, SCOPE } from './helpers';

const DIR = path.resolve(__dirname, '..', '..', '..', '..', 'test', 'fixtures', 'templates', 'avm', 'res', 'kubernetes-configuration');
const load = (module: string) => parseTemplateText(fs.readFileSync(path.join(DIR, module, 'main.json'), 'utf8'));

const CC = `${RG_ID}/providers/Microsoft.Kubernetes/connectedClusters/c1`;
const AKS = `${RG_ID}/providers/Microsoft.ContainerService/managedClusters/aks1`;

const gitFlux = {
  namespace: 'flux-system',
  scope: 'cluster',
  gitRepository: { repositoryRef: { branch: 'main' }, sshKnownHosts: '', syncIntervalInSeconds: 300, timeoutInSeconds: 180, url: 'https://github.com/mspnp/aks-baseline' },
  kustomizations: { unified: { dependsOn: [], force: false, path: './cluster-manifests', prune: true, syncIntervalInSeconds: 300, timeoutInSeconds: 300 } },
};

describe('templates: Azure Verified Modules for Arc', () => {
  it('extension on a connected cluster, with a flux configuration through a nested inner deployment', () => {
    const { template, positions } = load('extension');
    const { resources, outputs, plan } = evaluateTemplate(template, {
      scope: SCOPE,
      positions,
      parameters: {
        name: 'flux',
        clusterName: 'c1',
        clusterType: 'connectedCluster',
        extensionType: 'microsoft.flux',
        releaseTrain: 'Stable',
        releaseNamespace: 'flux-system',
        configurationProtectedSettings: { secretKey: 'hush' },
        fluxConfigurations: [gitFlux],
      },
    });
    const suffix = uniqueString('dep1', 'westeurope');
    assert.deepEqual(
      resources.map((r) => [r.key, r.type, r.id]),
      [
        ['avmTelemetry', 'Microsoft.Resources/deployments', `${RG_ID}/providers/Microsoft.Resources/deployments/46d3xbcp.res.kubernetesconfiguration-extension.${'-..--..-'.replace(/\./g, '-')}.${suffix.slice(0, 4)}`],
        ['connectedExtension', 'Microsoft.KubernetesConfiguration/extensions', `${CC}/providers/Microsoft.KubernetesConfiguration/extensions/flux`],
        ['fluxConfiguration[0]', 'Microsoft.Resources/deployments', `${RG_ID}/providers/Microsoft.Resources/deployments/${suffix}-Cluster-FluxConfiguration0`],
      ],
    );
    assert.deepEqual(plan.existingResources.map((r) => r.id), [CC]);
    const ext = resources[1];
    assert.equal(ext.apiVersion, '2024-11-01');
    assert.equal(ext.scope, CC);
    assert.deepEqual(ext.body, {
      identity: { type: 'SystemAssigned' },
      properties: {
        autoUpgradeMinorVersion: true,
        configurationProtectedSettings: { secretKey: 'hush' },
        configurationSettings: null,
        extensionType: 'microsoft.flux',
        releaseTrain: 'Stable',
        scope: { cluster: { releaseNamespace: 'flux-system' }, namespace: null },
        version: null,
      },
    });
    assert.deepEqual(resources[2].dependsOn, ['connectedExtension']);
    assert.ok(plan.secureParameters.has('configurationProtectedSettings'));
    assert.equal(plan.displayParameters().configurationProtectedSettings.value, undefined);
    assert.equal(outputs.resourceId.value, `${CC}/providers/Microsoft.KubernetesConfiguration/extensions/flux`);
    assert.equal(outputs.resourceGroupName.value, 'rg1');

    // The nested flux module (inner scope): its template gets the parameters the parent evaluated.
    const nested = plan.nestedDeployment(resources[2], resources[2].body);
    assert.equal(nested.evaluation, 'inner');
    assert.equal(nested.parameters.sourceKind, 'GitRepository');
    assert.equal(nested.parameters.name, 'c1-fluxconfiguration0');
    const inner = evaluateTemplate(nested.template, plan.nestedOptions(nested));
    const flux = inner.resources.find((r) => r.type === 'Microsoft.KubernetesConfiguration/fluxConfigurations');
    assert.ok(flux);
    assert.equal(flux.id, `${CC}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/c1-fluxconfiguration0`);
    assert.equal(flux.apiVersion, '2025-04-01');
    assert.equal(flux.body.properties.sourceKind, 'GitRepository');
    assert.equal(flux.body.properties.namespace, 'flux-system');
    assert.deepEqual(flux.body.properties.gitRepository, gitFlux.gitRepository);
    assert.deepEqual(flux.body.properties.kustomizations, gitFlux.kustomizations);
    // enableReferencedModulesTelemetry is false: the inner module's telemetry is off
    assert.ok(!inner.resources.some((r) => r.type === 'Microsoft.Resources/deployments'));
  });

  it('extension on a managed cluster with the defaults, telemetry off', () => {
    const { template, positions } = load('extension');
    const { resources } = evaluateTemplate(template, {
      scope: SCOPE,
      positions,
      parameters: { name: 'flux', clusterName: 'aks1', extensionType: 'microsoft.flux', enableTelemetry: false, version: '0.5.2' },
    });
    assert.deepEqual(resources.map((r) => r.id), [`${AKS}/providers/Microsoft.KubernetesConfiguration/extensions/flux`]);
    assert.equal(resources[0].body.properties.autoUpgradeMinorVersion, false);
    assert.equal(resources[0].body.identity, undefined);
  });

  it('flux configuration on a connected cluster and on a managed cluster', () => {
    const { template, positions } = load('flux-configuration');
    for (const [clusterType, clusterName, clusterId] of [
      ['connectedCluster', 'c1', CC],
      ['managedCluster', 'aks1', AKS],
    ]) {
      const { resources, outputs } = evaluateTemplate(template, {
        scope: SCOPE,
        positions,
        parameters: {
          name: 'cfg',
          clusterName,
          clusterType,
          namespace: 'flux-system',
          scope: 'cluster',
          sourceKind: 'GitRepository',
          gitRepository: gitFlux.gitRepository,
          kustomizations: gitFlux.kustomizations,
        },
      });
      const flux = resources.filter((r) => r.type === 'Microsoft.KubernetesConfiguration/fluxConfigurations');
      assert.deepEqual(flux.map((r) => r.id), [`${clusterId}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/cfg`]);
      assert.equal(flux[0].body.properties.suspend, false);
      assert.equal(resources.filter((r) => r.type === 'Microsoft.Resources/deployments').length, 1);
      assert.equal(outputs.name.value, 'cfg');
      assert.equal(outputs.resourceId.value, `${clusterId}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/cfg`);
    }
  });

  it('refuses a clusterType outside its allowed values, naming the line and column', () => {
    const { template, positions } = load('flux-configuration');
    const decl = positions.get('/parameters/clusterType');
    assert.ok(decl);
    assert.throws(
      () =>
        prepareTemplate(template, {
          scope: SCOPE,
          positions,
          parameters: { name: 'x', clusterName: 'c', clusterType: 'k3s', namespace: 'n', scope: 'cluster', sourceKind: 'GitRepository', kustomizations: {} },
        }),
      (e: Json) =>
        e.code === 'InvalidTemplate' &&
        e.message.includes(`The provided value for the template parameter 'clusterType' at line '${decl.line}' and column '${decl.column}' is not valid. The parameter value is not part of the allowed value(s)`),
    );
  });
});
