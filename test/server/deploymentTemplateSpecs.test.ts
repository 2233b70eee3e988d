/**
 * Deployments from template specs (README "Template deployments"): `templateLink.id` naming a
 * version, at resource group, subscription and tenant scope; nested deployments whose
 * `relativePath` names the version's linked templates, relative to the template they are in;
 * whatIf of one; and the refusals of a version that is missing or a path it does not hold.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { clusterPath, createCluster, groupPath } from '../support/clusters';
import { copyLoopTemplate, groupAndClusterTemplate, RG_SCHEMA } from '../support/templates';

const TS = '2022-02-01';

/** A template whose one resource is module `name`, linked by `relativePath`, whose `names` output it passes on. */
function linkingTemplate(name: string, relativePath: string, extra: Record<string, { value: unknown }> = {}) {
  return {
    $schema: RG_SCHEMA, contentVersion: '1.0.0.0',
    parameters: { clusterName: { type: 'string' } },
    resources: [{
      type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name,
      properties: {
        mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' },
        templateLink: { relativePath },
        parameters: { clusterName: { value: "[parameters('clusterName')]" }, ...extra },
      },
    }],
    outputs: { names: { type: 'array', value: `[reference('${name}').outputs.names.value]` } },
  };
}

/** The main template: a module by relativePath, which itself links a second module beside it. */
const mainTemplate = linkingTemplate('outer-module', 'modules/wrapper.json');

/** modules/wrapper.json: links `extensions.json` relative to its own folder (modules/). */
const wrapper = linkingTemplate('inner-module', './extensions.json', { count: { value: 2 } });

describe('deployments from template specs', () => {
  const a = arclightPerSuite({}, (i) => createCluster(i.app, 'rg', 'c1'));
  const call = (method: 'get' | 'put' | 'post', p: string) => request(a.app)[method](p).set('Authorization', bearer());
  const relative = (url: string) => new URL(url).pathname + new URL(url).search;
  const dep = (name: string, action = '') => `${groupPath('rg')}/providers/Microsoft.Resources/deployments/${name}${action}?api-version=2022-09-01`;
  const specId = (name: string, version: string) => `${groupPath('rg')}/providers/Microsoft.Resources/templateSpecs/${name}/versions/${version}`;

  async function putSpec(name: string, version: string, properties: Record<string, unknown>) {
    await call('put', `${groupPath('rg')}/providers/Microsoft.Resources/templateSpecs/${name}?api-version=${TS}`).send({ location: 'eastus' }).expect((r) => assert.ok([200, 201].includes(r.status), r.text));
    await call('put', `${specId(name, version)}?api-version=${TS}`).send({ location: 'eastus', properties }).expect((r) => assert.ok([200, 201].includes(r.status), r.text));
    return specId(name, version);
  }

  it('deploys a version by templateLink.id, its modules by relativePath from its linkedTemplates', async () => {
    const id = await putSpec('arc', '1.0', {
      mainTemplate,
      linkedTemplates: [{ path: 'modules/wrapper.json', template: wrapper }, { path: 'modules/extensions.json', template: copyLoopTemplate() }],
    });
    const res = await call('put', dep('from-spec')).send({ properties: { mode: 'Incremental', templateLink: { id: id.toLowerCase() }, parameters: { clusterName: { value: 'c1' } } } }).expect(201);
    await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
    const got = await call('get', dep('from-spec')).expect(200);
    const p = got.body.properties;
    assert.equal(p.provisioningState, 'Succeeded', JSON.stringify(p.error));
    assert.deepEqual(p.templateLink, { id }, 'the version id as stored');
    assert.deepEqual(p.outputs.names.value, ['ext0', 'ext1']);
    await call('get', `${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions/ext1?api-version=2023-05-01`).expect(200);
    const outer = await call('get', dep('outer-module')).expect(200);
    assert.deepEqual(outer.body.properties.templateLink, { id, relativePath: 'modules/wrapper.json' });
    const inner = await call('get', dep('inner-module')).expect(200);
    assert.deepEqual(inner.body.properties.templateLink, { id, relativePath: './extensions.json' });
    const exported = await call('post', dep('from-spec', '/exportTemplate')).expect(200);
    assert.deepEqual(exported.body.template, mainTemplate);
  });

  it("answers a missing template spec version with Azure's InvalidTemplateSpec", async () => {
    const missing = specId('nope', '1.0');
    const res = await call('put', dep('missing')).send({ properties: { mode: 'Incremental', templateLink: { id: missing } } }).expect(400);
    assert.equal(res.body.error.code, 'InvalidTemplateSpec');
    assert.match(res.body.error.message, new RegExp(`^Unable to retrieve the template content from the resource ID '${missing}'\\. Please see https://aka\\.ms/arm-deploy for usage details\\. Diagnostic information: timestamp '\\d{8}T\\d{6}Z', tracking Id '[0-9a-f-]{36}', request correlation Id '[0-9a-f-]{36}'\\.$`));
    // A template spec's own id (no version) is not a version either.
    const spec = await call('put', dep('missing')).send({ properties: { mode: 'Incremental', templateLink: { id: missing.replace(/\/versions\/1\.0$/, '') } } }).expect(400);
    assert.equal(spec.body.error.code, 'InvalidTemplateSpec');
  });

  it('fails the nested deployment whose relativePath the version does not hold', async () => {
    const id = await putSpec('broken', '1.0', { mainTemplate, linkedTemplates: [{ path: 'modules/other.json', template: wrapper }] });
    const res = await call('put', dep('broken')).send({ properties: { mode: 'Incremental', templateLink: { id }, parameters: { clusterName: { value: 'c1' } } } }).expect(201);
    await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
    const got = await call('get', dep('broken')).expect(200);
    assert.equal(got.body.properties.provisioningState, 'Failed');
    const detail = got.body.properties.error.details[0];
    assert.equal(detail.code, 'InvalidTemplateSpec', JSON.stringify(got.body.properties.error));
    assert.match(detail.message, /'modules\/wrapper\.json'/);
  });

  it('validates and runs whatIf of a template spec deployment, modules expanded', async () => {
    const id = await putSpec('whatif', '1.0', {
      mainTemplate,
      linkedTemplates: [{ path: 'modules/wrapper.json', template: wrapper }, { path: 'modules/extensions.json', template: copyLoopTemplate() }],
    });
    const validated = await call('post', dep('wi', '/validate')).send({ properties: { mode: 'Incremental', templateLink: { id }, parameters: { clusterName: { value: 'c1' } } } }).expect(200);
    assert.deepEqual(validated.body.properties.templateLink, { id });
    const res = await call('post', dep('wi', '/whatIf')).send({ properties: { mode: 'Incremental', templateLink: { id }, parameters: { clusterName: { value: 'c1' } } } }).expect(202);
    const result = await call('get', relative(res.headers.location)).expect(200);
    assert.equal(result.body.status, 'Succeeded', JSON.stringify(result.body));
    const created = result.body.properties.changes.filter((c: { changeType: string }) => c.changeType === 'Create').map((c: { resourceId: string }) => c.resourceId.split('/').pop());
    assert.deepEqual(created.sort(), ['ext0', 'ext1']);
  });

  it('deploys a template spec at subscription scope and at tenant scope', async () => {
    const id = await putSpec('sub', '1.0', { mainTemplate: groupAndClusterTemplate() });
    const subDep = `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/sub-from-spec?api-version=2022-09-01`;
    const res = await call('put', subDep).send({ location: 'westeurope', properties: { mode: 'Incremental', templateLink: { id }, parameters: { groupName: { value: 'spec-rg' }, clusterName: { value: 'c9' } } } }).expect(201);
    await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
    const got = await call('get', subDep).expect(200);
    assert.equal(got.body.properties.provisioningState, 'Succeeded', JSON.stringify(got.body.properties.error));
    assert.deepEqual(got.body.properties.templateLink, { id });
    await call('get', `${clusterPath('spec-rg', 'c9')}?api-version=2024-01-01`).expect(200);

    const tenantTemplate = { $schema: 'https://schema.management.azure.com/schemas/2019-08-01/tenantDeploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [], outputs: { tenant: { type: 'string', value: '[tenant().tenantId]' } } };
    const tid = await putSpec('tenant', '1.0', { mainTemplate: tenantTemplate });
    const tenantDep = '/providers/Microsoft.Resources/deployments/tenant-from-spec?api-version=2022-09-01';
    const t = await call('put', tenantDep).send({ location: 'westeurope', properties: { mode: 'Incremental', templateLink: { id: tid } } }).expect(201);
    await call('get', relative(t.headers['azure-asyncoperation'])).expect(200);
    const tgot = await call('get', tenantDep).expect(200);
    assert.equal(tgot.body.properties.provisioningState, 'Succeeded', JSON.stringify(tgot.body.properties.error));
    assert.ok(tgot.body.properties.outputs.tenant.value);
  });
});
