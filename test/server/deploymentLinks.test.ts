/** Deployments from linked content: templateLink (uri, relativePath) and parametersLink pointing at Arclight (README "Template deployments"). */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer } from '../support/arclight';
import { clusterPath, createCluster, groupPath } from '../support/clusters';
import { copyLoopTemplate } from '../support/templates';

const SCHEMA = 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#';

/** A main template whose module is a file beside it (as `az deployment group create --template-uri` deploys a repo of templates). */
const mainTemplate = {
  $schema: SCHEMA, contentVersion: '1.0.0.0',
  parameters: { clusterName: { type: 'string' }, count: { type: 'int' } },
  resources: [{
    type: 'Microsoft.Resources/deployments', apiVersion: '2022-09-01', name: 'extensions',
    properties: {
      mode: 'Incremental', expressionEvaluationOptions: { scope: 'inner' },
      templateLink: { relativePath: 'modules/extensions.json' },
      parameters: { clusterName: { value: "[parameters('clusterName')]" }, count: { value: "[parameters('count')]" } },
    },
  }],
  outputs: { names: { type: 'array', value: "[reference('extensions').outputs.names.value]" } },
};

describe('deployments from linked content', () => {
  const a = arclightPerSuite({}, (i) => createCluster(i.app, 'rg', 'c1'));
  const dep = (name: string, action = '') => `${groupPath('rg')}/providers/Microsoft.Resources/deployments/${name}${action}?api-version=2022-09-01`;
  const call = (method: 'get' | 'put' | 'post', p: string) => request(a.app)[method](p).set('Authorization', bearer());
  const relative = (url: string) => new URL(url).pathname + new URL(url).search;
  const putFile = async (path: string, content: unknown) => (await request(a.app).put(`/_arclight/templates/${path}`).set('Content-Type', 'application/json')
    .send(typeof content === 'string' ? content : JSON.stringify(content)).expect(201)).body as { path: string; uri: string };

  it('deploys a templateLink uri on Arclight with a parametersLink, and a module by relativePath; the links are shown without their query', async () => {
    const main = await putFile('arc/main.json', mainTemplate);
    assert.match(main.uri, /^http:\/\/127\.0\.0\.1:\d+\/_arclight\/templates\/arc\/main\.json$/);
    // A template file may carry comments, as ARM reads them.
    await putFile('arc/modules/extensions.json', `// the module\n${JSON.stringify(copyLoopTemplate())}`);
    const params = await putFile('arc/main.parameters.json', { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentParameters.json#', contentVersion: '1.0.0.0', parameters: { clusterName: { value: 'c1' }, count: { value: 2 } } });
    const res = await call('put', dep('linked')).send({ properties: { mode: 'Incremental', templateLink: { uri: `${main.uri}?sv=2022&sig=SECRET-SAS` }, parametersLink: { uri: params.uri } } }).expect(201);
    assert.ok(!res.text.includes('SECRET-SAS'), 'a SAS token came back');
    await call('get', relative(res.headers['azure-asyncoperation'])).expect(200);
    const got = await call('get', dep('linked')).expect(200);
    const p = got.body.properties;
    assert.equal(p.provisioningState, 'Succeeded', JSON.stringify(p.error));
    assert.deepEqual(p.templateLink, { uri: main.uri });
    assert.deepEqual(p.parametersLink, { uri: params.uri });
    assert.deepEqual(p.parameters.count, { type: 'Int', value: 2 });
    assert.deepEqual(p.outputs.names.value, ['ext0', 'ext1']);
    await call('get', `${clusterPath('rg', 'c1')}/providers/Microsoft.KubernetesConfiguration/extensions/ext1?api-version=2023-05-01`).expect(200);
    const nested = await call('get', dep('extensions')).expect(200);
    assert.deepEqual(nested.body.properties.templateLink, { uri: main.uri.replace(/main\.json$/, 'modules/extensions.json'), relativePath: 'modules/extensions.json' });
    const exported = await call('post', dep('linked', '/exportTemplate')).expect(200);
    assert.deepEqual(exported.body.template, mainTemplate);
    assert.ok(!got.text.includes('SECRET-SAS'));
  });

  it("answers with Azure's InvalidContentLink what it cannot fetch: another host, a file Arclight does not hold", async () => {
    for (const uri of ['https://raw.githubusercontent.com/x/y/main.json', 'http://127.0.0.1/_arclight/templates/none.json', 'http://127.0.0.1/other/main.json']) {
      const res = await call('put', dep('bad')).send({ properties: { mode: 'Incremental', templateLink: { uri } } }).expect(400);
      assert.equal(res.body.error.code, 'InvalidContentLink');
      assert.match(res.body.error.message, new RegExp(`^Unable to download deployment content from '${uri.replace(/[.]/g, '\\.')}'\\. The tracking Id is '[0-9a-f-]{36}'\\. Please see https://aka\\.ms/arm-deploy for usage details\\.$`));
    }
    const params = await call('put', dep('bad')).send({ properties: { mode: 'Incremental', template: copyLoopTemplate(1), parametersLink: { uri: 'https://example.com/p.json' } } }).expect(400);
    assert.equal(params.body.error.code, 'InvalidContentLink');
    await call('get', dep('bad')).expect(404);
  });

  it('refuses both a template and a templateLink, a relativePath without a linked parent, and a parameters file without parameters', async () => {
    const main = await putFile('refusals/main.json', copyLoopTemplate(1));
    const both = await call('put', dep('both')).send({ properties: { mode: 'Incremental', template: copyLoopTemplate(1), templateLink: { uri: main.uri } } }).expect(400);
    assert.equal(both.body.error.code, 'InvalidDeployment');
    const rel = await call('put', dep('rel')).send({ properties: { mode: 'Incremental', templateLink: { relativePath: 'main.json' } } }).expect(400);
    assert.equal(rel.body.error.code, 'InvalidDeployment');
    const noParams = await putFile('refusals/empty.parameters.json', { contentVersion: '1.0.0.0' });
    const bad = await call('put', dep('noparams')).send({ properties: { mode: 'Incremental', templateLink: { uri: main.uri }, parametersLink: { uri: noParams.uri } } }).expect(400);
    assert.equal(bad.body.error.code, 'InvalidDeployment');
    // Test control stores JSON only; a linked file that is no template is the template language's
    // InvalidTemplate, at the line and column of the file.
    const broken = await putFile('refusals/broken.json', JSON.stringify({ $schema: SCHEMA, contentVersion: '1.0.0.0', resources: [{ type: 'x' }] }, null, 2));
    const invalid = await call('put', dep('broken')).send({ properties: { mode: 'Incremental', templateLink: { uri: broken.uri } } }).expect(400);
    assert.equal(invalid.body.error.code, 'InvalidTemplate');
    assert.match(invalid.body.error.message, /at line '5' and column '5'/);
    // A module path that leaves the folder, names another host or does not parse is content Arclight cannot fetch.
    for (const [i, relativePath] of ['../../../../etc/passwd', 'https://example.com/x.json', 'http://[::1'].entries()) {
      const outer = await putFile(`refusals/outer-${encodeURIComponent(relativePath).replace(/%/g, '')}.json`, {
        ...mainTemplate, resources: [{ ...mainTemplate.resources[0], properties: { ...mainTemplate.resources[0].properties, templateLink: { relativePath } } }],
      });
      const { body } = await call('put', dep(`outer${i}`)).send({ properties: { mode: 'Incremental', templateLink: { uri: outer.uri }, parameters: { clusterName: { value: 'c1' }, count: { value: 1 } } } }).expect(201);
      assert.equal(body.properties.provisioningState, 'Accepted');
      const got = await call('get', dep(`outer${i}`)).expect(200);
      assert.equal(got.body.properties.provisioningState, 'Failed');
      assert.equal(got.body.properties.error.details[0].code, 'InvalidContentLink', JSON.stringify(got.body.properties.error));
    }
    for (const name of ['both', 'rel', 'noparams', 'broken']) await call('get', dep(name)).expect(404);
  });

  it('test control: lists, reads, replaces and deletes linked files; refuses paths with empty or dot segments and bodies that are not JSON', async () => {
    await putFile('files/a.json', { a: 1 });
    const list = await request(a.app).get('/_arclight/templates').expect(200);
    assert.deepEqual(list.body.value.map((f: { path: string }) => f.path), ['files/a.json']);
    assert.deepEqual((await request(a.app).get('/_arclight/templates/files/a.json').expect(200)).body, { a: 1 });
    await request(a.app).put('/_arclight/templates/files/a.json').set('Content-Type', 'application/json').send('{"a": 2}').expect(200);
    await request(a.app).put('/_arclight/templates/files/../x.json').set('Content-Type', 'application/json').send('{}').expect((r) => assert.ok(r.status === 400 || r.status === 404, String(r.status)));
    await request(a.app).put('/_arclight/templates/files/%2E%2E/x.json').set('Content-Type', 'application/json').send('{}').expect(400);
    await request(a.app).put('/_arclight/templates/files/b.json').set('Content-Type', 'application/json').send('not json').expect(400);
    await request(a.app).delete('/_arclight/templates/files/a.json').expect(204);
    await request(a.app).get('/_arclight/templates/files/a.json').expect(404);
  });
});

describe('deployments from linked content with --lro-delay', () => {
  const a = arclightPerSuite({ lroDelay: 30 }, (i) => createCluster(i.app, 'rg', 'c1'));

  it('reads the linked template once, at the PUT, as ARM does: a later change of the file is not deployed', async () => {
    const put = (template: unknown) => request(a.app).put('/_arclight/templates/once.json').set('Content-Type', 'application/json').send(JSON.stringify(template));
    const first = (await put(copyLoopTemplate(1)).expect(201)).body as { uri: string };
    const url = `${groupPath('rg')}/providers/Microsoft.Resources/deployments/once?api-version=2022-09-01`;
    await request(a.app).put(url).set('Authorization', bearer()).send({ properties: { mode: 'Incremental', templateLink: { uri: first.uri }, parameters: { clusterName: { value: 'c1' } } } }).expect(201);
    await put(copyLoopTemplate(3)).expect(200);
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: 31 }).expect(200);
    const got = await request(a.app).get(url).set('Authorization', bearer()).expect(200);
    assert.equal(got.body.properties.provisioningState, 'Succeeded');
    assert.equal(got.body.properties.outputResources.length, 1);
  });
});
