import { strict as assert } from 'assert';
import type { Json, JsonObject } from '../../../protocol/json';
import { TemplateError, evaluateTemplate, parseTemplateText, prepareTemplate } from '../../../server/templates';
import { RG_ID, SCOPE, TEMPLATE_1 } from './helpers';

const t = (body: JsonObject): JsonObject => ({ $schema: TEMPLATE_1, contentVersion: '1.0.0.0', ...body });
const invalid = (re: RegExp) => (e: unknown) => e instanceof TemplateError && e.code === 'InvalidTemplate' && re.test(e.message);
const ST = 'Microsoft.Storage/storageAccounts';

describe('templates: parameters', () => {
  const params = t({
    parameters: {
      name: { type: 'string', minLength: 3, maxLength: 8 },
      count: { type: 'int', defaultValue: 2, minValue: 1, maxValue: 5 },
      sku: { type: 'string', defaultValue: 'Standard_LRS', allowedValues: ['Standard_LRS', 'Premium_LRS'] },
      tags: { type: 'object', defaultValue: {} },
      flag: { type: 'bool', defaultValue: true },
      list: { type: 'array', defaultValue: [] },
      secret: { type: 'securestring', defaultValue: '' },
      derived: { type: 'string', defaultValue: "[concat(parameters('name'), '-x')]" },
      when: { type: 'string', defaultValue: '[utcNow()]' },
      id: { type: 'string', defaultValue: '[newGuid()]' },
    },
  });
  const opts = { scope: SCOPE, clock: () => new Date('2024-01-02T03:04:05Z'), newGuid: () => 'guid-1' };

  it('applies defaults, evaluates them (utcNow and newGuid from the injected sources)', () => {
    const plan = prepareTemplate(params, { ...opts, parameters: { name: 'abc' } });
    assert.equal(plan.parameterValues.count, 2);
    assert.equal(plan.parameterValues.derived, 'abc-x');
    assert.equal(plan.parameterValues.when, '20240102T030405Z');
    assert.equal(plan.parameterValues.id, 'guid-1');
  });

  it('takes values as a parameters file gives them', () => {
    const plan = prepareTemplate(params, { ...opts, wrappedParameters: true, parameters: { name: { value: 'abcd' } } });
    assert.equal(plan.parameterValues.name, 'abcd');
  });

  it('refuses missing, mistyped, unknown and out-of-range values in Azure words', () => {
    assert.throws(() => prepareTemplate(params, opts), invalid(/The value for the template parameter 'name' is not provided/));
    assert.throws(() => prepareTemplate(params, { ...opts, parameters: { name: 5 } }), invalid(/Template parameter JToken type is not valid. Expected 'String, Uri'. Actual 'Integer'/));
    assert.throws(() => prepareTemplate(params, { ...opts, parameters: { name: 'abc', count: 'x' } }), invalid(/Expected 'Integer'. Actual 'String'/));
    assert.throws(() => prepareTemplate(params, { ...opts, parameters: { name: 'abc', sku: 'Basic' } }), invalid(/The provided value for the template parameter 'sku' is not valid. The parameter value is not part of the allowed value\(s\)/));
    assert.throws(() => prepareTemplate(params, { ...opts, parameters: { name: 'ab' } }), invalid(/Length of the value should be greater than or equal to '3'/));
    assert.throws(() => prepareTemplate(params, { ...opts, parameters: { name: 'abcdefghi' } }), invalid(/less than or equal to '8'/));
    assert.throws(() => prepareTemplate(params, { ...opts, parameters: { name: 'abc', count: 9 } }), invalid(/greater than the maximum value '5'/));
    assert.throws(() => prepareTemplate(params, { ...opts, parameters: { name: 'abc', nope: 1 } }), invalid(/The template parameters 'nope' in the parameters file are not valid/));
  });

  it('gives line and column when the template text is known', () => {
    const text = JSON.stringify(t({ parameters: { name: { type: 'string' } } }), null, 2);
    const { template, positions } = parseTemplateText(text);
    assert.throws(
      () => prepareTemplate(template, { scope: SCOPE, positions }),
      invalid(/The value for the template parameter 'name' at line '5' and column '13' is not provided/),
    );
  });

  it('shows secure parameters without their value and redacts them', () => {
    const plan = prepareTemplate(params, { ...opts, parameters: { name: 'abc', secret: 's3cr3t!' } });
    const shown = plan.displayParameters();
    assert.deepEqual(shown.secret, { type: 'SecureString' });
    assert.deepEqual(shown.name, { type: 'String', value: 'abc' });
    assert.ok(plan.secureParameters.has('secret'));
    assert.equal(plan.redact('password=s3cr3t!'), 'password=[redacted]');
  });
});

describe('templates: variables', () => {
  it('evaluates lazily, with variable copy loops and property copy', () => {
    const plan = prepareTemplate(
      t({
        parameters: { p: { type: 'int', defaultValue: 3 } },
        variables: {
          a: "[concat('x', variables('b'))]",
          b: 'y',
          copy: [{ name: 'disks', count: "[parameters('p')]", input: { name: "[concat('disk', copyIndex('disks'))]", lun: "[copyIndex('disks', 1)]" } }],
          nested: { copy: [{ name: 'items', count: 2, input: "[copyIndex('items')]" }], other: 1 },
        },
      }),
      { scope: SCOPE },
    );
    assert.equal(plan.variable('a'), 'xy');
    assert.deepEqual(plan.variable('disks'), [
      { name: 'disk0', lun: 1 },
      { name: 'disk1', lun: 2 },
      { name: 'disk2', lun: 3 },
    ]);
    assert.deepEqual(plan.variable('nested'), { items: [0, 1], other: 1 });
  });

  it('refuses a variable that refers to itself, and a missing one', () => {
    const plan = prepareTemplate(t({ variables: { a: "[variables('b')]", b: "[variables('a')]" } }), { scope: SCOPE });
    assert.throws(() => plan.variable('a'), invalid(/refers to itself/));
    assert.throws(() => plan.variable('zz'), /The template variable 'zz' is not found/);
  });
});

describe('templates: resources', () => {
  it('expands copy loops, conditions and nested child resources in dependency order', () => {
    const { resources } = evaluateTemplate(
      t({
        parameters: { n: { type: 'int', defaultValue: 3 }, withVnet: { type: 'bool', defaultValue: false } },
        resources: [
          {
            type: ST,
            apiVersion: '2023-01-01',
            name: "[concat('st', copyIndex())]",
            location: '[resourceGroup().location]',
            copy: { name: 'stLoop', count: "[parameters('n')]" },
            properties: { index: '[copyIndex(10)]' },
          },
          { condition: "[parameters('withVnet')]", type: 'Microsoft.Network/virtualNetworks', apiVersion: '2023-01-01', name: 'vnet' },
          {
            type: 'Microsoft.Network/networkSecurityGroups',
            apiVersion: '2023-01-01',
            name: 'nsg',
            dependsOn: ['stLoop', "[resourceId('Microsoft.Network/virtualNetworks', 'vnet')]"],
            resources: [{ type: 'securityRules', apiVersion: '2023-01-01', name: 'rule1', dependsOn: ['nsg'], properties: {} }],
          },
        ],
      }),
      { scope: SCOPE },
    );
    assert.deepEqual(resources.map((r) => r.name), ['st0', 'st1', 'st2', 'nsg', 'nsg/rule1']);
    assert.equal(resources[1].id, `${RG_ID}/providers/${ST}/st1`);
    assert.deepEqual(resources[2].body, { location: 'westeurope', properties: { index: 12 } });
    assert.equal(resources[4].type, 'Microsoft.Network/networkSecurityGroups/securityRules');
    assert.equal(resources[4].id, `${RG_ID}/providers/Microsoft.Network/networkSecurityGroups/nsg/securityRules/rule1`);
    assert.deepEqual(resources[3].dependsOn, ['/resources/0[0]', '/resources/0[1]', '/resources/0[2]']);
  });

  it('deploys in waves: serial copies in batches, reference() of what was deployed before', () => {
    const deployed = new Map<string, Json>();
    const plan = prepareTemplate(
      t({
        resources: [
          { type: ST, apiVersion: '2023-01-01', name: "[concat('s', copyIndex())]", copy: { name: 'loop', count: 4, mode: 'serial', batchSize: 2 } },
          { type: 'Microsoft.Web/sites', apiVersion: '2023-01-01', name: 'web', properties: { conn: "[reference('s3').endpoint]" } },
        ],
        outputs: { endpoint: { type: 'string', value: "[reference(resourceId('Microsoft.Storage/storageAccounts', 's0')).endpoint]" } },
      }),
      { scope: SCOPE, services: { reference: (id) => deployed.get(id) } },
    );
    const waves: string[][] = [];
    for (let wave = plan.ready(); wave.length; wave = plan.ready()) {
      waves.push(wave.map((r) => r.name));
      for (const r of wave) {
        const body = plan.body(r);
        deployed.set(r.id, { endpoint: `https://${r.name}`, body });
        plan.complete(r.key);
      }
    }
    // web depends on s3 implicitly (reference() of a resource in the template)
    assert.deepEqual(waves, [['s0', 's1'], ['s2', 's3'], ['web']]);
    assert.deepEqual(plan.body('/resources/1'), { properties: { conn: 'https://s3' } });
    assert.ok(plan.finished);
    assert.deepEqual(plan.outputs().endpoint, { type: 'string', value: 'https://s0', secure: false });
  });

  it('detects circular dependencies with Azure error', () => {
    const template = t({
      resources: [
        { type: ST, apiVersion: '2023-01-01', name: 'a', dependsOn: ['b'] },
        { type: ST, apiVersion: '2023-01-01', name: 'b', dependsOn: ["[resourceId('Microsoft.Storage/storageAccounts', 'a')]"] },
      ],
    });
    assert.throws(
      () => prepareTemplate(template, { scope: SCOPE }),
      (e: unknown) =>
        e instanceof TemplateError &&
        e.code === 'InvalidTemplate' &&
        e.message === `Deployment template validation failed: 'Circular dependency detected on resource: '${RG_ID}/providers/${ST}/a'. Please see https://aka.ms/arm-syntax-resources for usage details.'.`,
    );
  });

  it('refuses a dependency on a resource not in the template, and wrong segment counts', () => {
    assert.throws(
      () => prepareTemplate(t({ resources: [{ type: ST, apiVersion: '1', name: 'a', dependsOn: ['Microsoft.Compute/virtualMachines/vm'] }] }), { scope: SCOPE }),
      invalid(/The resource 'Microsoft.Compute\/virtualMachines\/vm' is not defined in the template/),
    );
    assert.throws(
      () => prepareTemplate(t({ resources: [{ type: 'Microsoft.Network/virtualNetworks/subnets', apiVersion: '1', name: 'a' }] }), { scope: SCOPE }),
      invalid(/has incorrect segment lengths/),
    );
  });

  it('wraps an expression error with the resource, line and column', () => {
    const text = JSON.stringify(t({ resources: [{ type: ST, apiVersion: '1', name: "[parameters('nope')]" }] }), null, 2);
    const { template, positions } = parseTemplateText(text);
    assert.throws(
      () => prepareTemplate(template, { scope: SCOPE, positions }),
      invalid(/The template resource '\[parameters\('nope'\)\]' at line '5' and column '5' is not valid: The template parameter 'nope' is not found/),
    );
  });

  it('puts extension resources on their scope (a connected cluster, a managed cluster)', () => {
    const { resources } = evaluateTemplate(
      t({
        resources: [
          { type: 'Microsoft.KubernetesConfiguration/extensions', apiVersion: '2024-11-01', name: 'flux', scope: 'Microsoft.Kubernetes/connectedClusters/c1', properties: {} },
          { type: 'Microsoft.KubernetesConfiguration/fluxConfigurations', apiVersion: '2025-04-01', name: 'cfg', scope: "[resourceId('Microsoft.ContainerService/managedClusters', 'aks')]", properties: {} },
        ],
      }),
      { scope: SCOPE },
    );
    assert.equal(resources[0].scope, `${RG_ID}/providers/Microsoft.Kubernetes/connectedClusters/c1`);
    assert.equal(resources[0].id, `${RG_ID}/providers/Microsoft.Kubernetes/connectedClusters/c1/providers/Microsoft.KubernetesConfiguration/extensions/flux`);
    assert.equal(resources[1].id, `${RG_ID}/providers/Microsoft.ContainerService/managedClusters/aks/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/cfg`);
  });
});

describe('templates: languageVersion 2.0', () => {
  const template = t({
    languageVersion: '2.0',
    definitions: {
      kustomization: { type: 'object', properties: { path: { type: 'string' }, prune: { type: 'bool', nullable: true } }, additionalProperties: false },
    },
    functions: [
      {
        namespace: 'naming',
        members: {
          prefixed: { parameters: [{ name: 'name', type: 'string' }], output: { type: 'string', value: "[format('arc-{0}', parameters('name'))]" } },
        },
      },
    ],
    parameters: {
      k: { $ref: '#/definitions/kustomization' },
      maybe: { type: 'string', nullable: true },
    },
    resources: {
      cluster: { existing: true, type: 'Microsoft.Kubernetes/connectedClusters', apiVersion: '2024-01-01', name: 'c1' },
      ext: {
        type: 'Microsoft.KubernetesConfiguration/extensions',
        apiVersion: '2024-11-01',
        scope: "[resourceId('Microsoft.Kubernetes/connectedClusters', 'c1')]",
        name: "[naming.prefixed('flux')]",
        properties: { clusterLocation: "[reference('cluster', '2024-01-01', 'full').location]", path: "[parameters('k').path]" },
        dependsOn: ['cluster'],
      },
      config: {
        type: 'Microsoft.KubernetesConfiguration/fluxConfigurations',
        apiVersion: '2025-04-01',
        scope: "[resourceId('Microsoft.Kubernetes/connectedClusters', 'c1')]",
        name: 'cfg',
        dependsOn: ['ext'],
        properties: {},
      },
    },
    outputs: {
      extName: { type: 'string', value: "[naming.prefixed('flux')]" },
      maybe: { type: 'string', nullable: true, value: "[parameters('maybe')]" },
      skipped: { type: 'string', condition: '[false()]', value: 'x' },
      names: { type: 'array', copy: { count: 2, input: "[format('n{0}', copyIndex())]" } },
    },
  });

  it('symbolic names, existing resources, user-defined types and functions, outputs with copy and condition', () => {
    const services = { reference: (id: string, _v: string | undefined, full: boolean) => (full ? { id, location: 'eastus' } : {}) };
    const { resources, outputs, plan } = evaluateTemplate(template, { scope: SCOPE, services, parameters: { k: { path: './x' } } });
    assert.deepEqual(resources.map((r) => r.key), ['ext', 'config']);
    assert.equal(resources[0].name, 'arc-flux');
    assert.deepEqual(resources[0].body.properties, { clusterLocation: 'eastus', path: './x' });
    assert.deepEqual(resources[1].dependsOn, ['ext']);
    assert.deepEqual(plan.existingResources.map((r) => r.id), [`${RG_ID}/providers/Microsoft.Kubernetes/connectedClusters/c1`]);
    assert.deepEqual(
      Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, v.value])),
      { extName: 'arc-flux', maybe: null, names: ['n0', 'n1'] },
    );
  });

  it('checks values against user-defined types', () => {
    assert.throws(() => prepareTemplate(template, { scope: SCOPE, parameters: { k: { path: 1 } } }), invalid(/The value at '\/path' is not valid/));
    assert.throws(() => prepareTemplate(template, { scope: SCOPE, parameters: { k: { path: 'a', extra: 1 } } }), invalid(/The property 'extra' is not allowed/));
  });
});

describe('templates: nested deployments', () => {
  const parent = t({
    parameters: { greeting: { type: 'string', defaultValue: 'outer-value' } },
    variables: { v: 'outer-variable' },
    resources: [
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2025-04-01',
        name: 'innerDeployment',
        properties: {
          mode: 'Incremental',
          expressionEvaluationOptions: { scope: 'inner' },
          parameters: { greeting: { value: "[concat(parameters('greeting'), '!')]" } },
          template: {
            $schema: TEMPLATE_1,
            contentVersion: '1.0.0.0',
            parameters: { greeting: { type: 'string' } },
            variables: { v: 'inner-variable' },
            resources: [],
            outputs: { said: { type: 'string', value: "[concat(parameters('greeting'), ' ', variables('v'))]" } },
          },
        },
      },
      {
        type: 'Microsoft.Resources/deployments',
        apiVersion: '2025-04-01',
        name: 'outerDeployment',
        resourceGroup: 'otherRg',
        properties: {
          mode: 'Incremental',
          template: {
            $schema: TEMPLATE_1,
            contentVersion: '1.0.0.0',
            resources: [],
            outputs: { said: { type: 'string', value: "[concat(parameters('greeting'), ' ', variables('v'), ' ', resourceGroup().name)]" } },
          },
        },
      },
    ],
  });

  it('evaluates an inner-scope template with its own parameters, an outer one in the parent scope', () => {
    const { resources, plan } = evaluateTemplate(parent, { scope: SCOPE });
    const inner = plan.nestedDeployment(resources[0], resources[0].body);
    assert.equal(inner.evaluation, 'inner');
    assert.deepEqual(inner.parameters, { greeting: 'outer-value!' });
    const innerRun = evaluateTemplate(inner.template, plan.nestedOptions(inner));
    assert.equal(innerRun.outputs.said.value, 'outer-value! inner-variable');

    const outer = plan.nestedDeployment(resources[1], resources[1].body);
    assert.equal(outer.evaluation, 'outer');
    assert.equal(resources[1].id, `/subscriptions/${SCOPE.subscriptionId}/resourceGroups/otherRg/providers/Microsoft.Resources/deployments/outerDeployment`);
    const outerRun = evaluateTemplate(outer.template, plan.nestedOptions(outer));
    assert.equal(outerRun.outputs.said.value, 'outer-value outer-variable otherRg');
  });

  it('leaves the nested template unevaluated in the body (the caller runs it)', () => {
    const { resources } = evaluateTemplate(parent, { scope: SCOPE });
    const props = resources[0].body.properties;
    assert.equal(props.template.outputs.said.value, "[concat(parameters('greeting'), ' ', variables('v'))]");
    assert.deepEqual(props.parameters, { greeting: { value: 'outer-value!' } });
  });
});

describe('templates: subscription scope', () => {
  it('creates a resource group and deploys a nested template into it', () => {
    const scope = { tenantId: SCOPE.tenantId, subscriptionId: SCOPE.subscriptionId, deploymentName: 'sub1', location: 'eastus' };
    const { resources, plan } = evaluateTemplate(
      t({
        resources: [
          { type: 'Microsoft.Resources/resourceGroups', apiVersion: '2025-04-01', name: 'rg2', location: "[deployment().location]" },
          {
            type: 'Microsoft.Resources/deployments',
            apiVersion: '2025-04-01',
            name: 'intoRg2',
            resourceGroup: 'rg2',
            dependsOn: ["[subscriptionResourceId('Microsoft.Resources/resourceGroups', 'rg2')]"],
            properties: {
              mode: 'Incremental',
              expressionEvaluationOptions: { scope: 'inner' },
              template: { contentVersion: '1.0.0.0', resources: [{ type: ST, apiVersion: '2023-01-01', name: 'st', location: '[resourceGroup().location]' }] },
            },
          },
        ],
      }),
      { scope },
    );
    const sub = `/subscriptions/${SCOPE.subscriptionId}`;
    assert.deepEqual(resources.map((r) => r.id), [`${sub}/resourceGroups/rg2`, `${sub}/resourceGroups/rg2/providers/Microsoft.Resources/deployments/intoRg2`]);
    assert.deepEqual(resources[0].body, { location: 'eastus' });
    assert.deepEqual(resources[1].dependsOn, ['/resources/0']);
    const nested = plan.nestedDeployment(resources[1], resources[1].body);
    assert.equal(nested.scope.resourceGroup?.name, 'rg2');
    const inner = evaluateTemplate(nested.template, plan.nestedOptions(nested));
    assert.equal(inner.resources[0].id, `${sub}/resourceGroups/rg2/providers/${ST}/st`);
  });
});

describe('templates: template text', () => {
  it('reads comments, keeps [[ literals and expands property copy loops in bodies', () => {
    const text = `{
      // a comment
      "$schema": "${TEMPLATE_1}",
      "contentVersion": "1.0.0.0",
      /* another */
      "resources": [
        {
          "type": "Microsoft.Network/virtualNetworks",
          "apiVersion": "2023-01-01",
          "name": "vnet",
          "properties": {
            "note": "[[literal]",
            "copy": [{ "name": "subnets", "count": 2, "input": { "name": "[concat('s', copyIndex('subnets'))]" } }]
          }
        }
      ]
    }`;
    const { template, positions } = parseTemplateText(text);
    assert.deepEqual(positions.get('/resources/0'), { line: 7, column: 9 });
    const { resources } = evaluateTemplate(template, { scope: SCOPE, positions });
    assert.deepEqual(resources[0].body, { properties: { note: '[literal]', subnets: [{ name: 's0' }, { name: 's1' }] } });
  });

  it('refuses text that is not JSON, naming the line', () => {
    assert.throws(() => parseTemplateText('{\n  "a": }'), (e: unknown) => e instanceof TemplateError && /line '2'/.test(e.message));
  });
});
