/**
 * Template specs and their versions (server/providers/resources/templateSpecs.ts): the
 * lifecycle in both served api-versions, `$expand=versions`, the parent and location rules,
 * tags-only PATCH, the cascade of a spec's delete, and the refused built-in catalog.
 */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { createGroup, groupPath } from '../support/clusters';

const TEMPLATE = { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [] };

describe('template specs', () => {
  const a = arclightPerSuite();
  const call = (method: 'get' | 'put' | 'patch' | 'delete', path: string) => request(a.app)[method](path).set('Authorization', bearer());
  const specPath = (group: string, name: string) => `${groupPath(group)}/providers/Microsoft.Resources/templateSpecs/${name}`;

  for (const apiVersion of ['2021-05-01', '2022-02-01']) {
    it(`creates, reads, lists, patches and deletes a template spec and its versions (${apiVersion})`, async () => {
      await createGroup(a.app, 'specs');
      const spec = specPath('specs', 'arcExtension');
      const created = await call('put', `${spec}?api-version=${apiVersion}`)
        .send({ location: 'eastus', tags: { team: 'arc' }, properties: { description: 'An extension', displayName: 'Extension', metadata: { owner: 'me' } } }).expect(201);
      assert.equal(created.body.id, spec);
      assert.equal(created.body.type, 'Microsoft.Resources/templateSpecs');
      assert.deepEqual(created.body.properties, { description: 'An extension', displayName: 'Extension', metadata: { owner: 'me' } });
      assert.ok(created.body.systemData.createdAt);
      await call('put', `${spec}?api-version=${apiVersion}`).send({ location: 'eastus', properties: { description: 'An extension' } }).expect(200);

      const linked = [{ path: 'modules/flux.json', template: TEMPLATE }];
      const version = await call('put', `${spec}/versions/1.0?api-version=${apiVersion}`)
        .send({ location: 'eastus', properties: { description: 'first', mainTemplate: TEMPLATE, linkedTemplates: linked, metadata: { a: 1 }, uiFormDefinition: { view: {} } } }).expect(201);
      assert.equal(version.body.id, `${spec}/versions/1.0`);
      assert.equal(version.body.type, 'Microsoft.Resources/templateSpecs/versions');
      assert.deepEqual(version.body.properties.mainTemplate, TEMPLATE);
      assert.deepEqual(version.body.properties.linkedTemplates, linked);
      assert.deepEqual(version.body.properties.uiFormDefinition, { view: {} });
      await call('put', `${spec}/versions/2.0?api-version=${apiVersion}`).send({ location: 'eastus', properties: { mainTemplate: TEMPLATE } }).expect(201);

      const plain = await call('get', `${spec}?api-version=${apiVersion}`).expect(200);
      assert.equal(plain.body.properties.versions, undefined);
      const expanded = await call('get', `${spec}?api-version=${apiVersion}&$expand=versions`).expect(200);
      assert.deepEqual(Object.keys(expanded.body.properties.versions).sort(), ['1.0', '2.0']);
      assert.equal(expanded.body.properties.versions['1.0'].description, 'first');
      assert.ok(expanded.body.properties.versions['2.0'].timeCreated);
      const listed = await call('get', `${groupPath('specs')}/providers/Microsoft.Resources/templateSpecs?api-version=${apiVersion}&$expand=versions`).expect(200);
      assert.deepEqual(Object.keys(listed.body.value[0].properties.versions).sort(), ['1.0', '2.0']);
      const bySub = await call('get', `/subscriptions/${SUB}/providers/Microsoft.Resources/templateSpecs?api-version=${apiVersion}`).expect(200);
      assert.deepEqual(bySub.body.value.map((s: { id: string }) => s.id), [spec]);
      const versions = await call('get', `${spec}/versions?api-version=${apiVersion}`).expect(200);
      assert.deepEqual(versions.body.value.map((v: { name: string }) => v.name), ['1.0', '2.0']);

      const patched = await call('patch', `${spec}?api-version=${apiVersion}`).send({ tags: { env: 'test' } }).expect(200);
      assert.deepEqual(patched.body.tags, { env: 'test' });
      const vPatched = await call('patch', `${spec}/versions/1.0?api-version=${apiVersion}`).send({ tags: { v: '1' } }).expect(200);
      assert.deepEqual(vPatched.body.tags, { v: '1' });
      assert.deepEqual(vPatched.body.properties.mainTemplate, TEMPLATE);

      await call('delete', `${spec}/versions/2.0?api-version=${apiVersion}`).expect(200);
      await call('delete', `${spec}/versions/2.0?api-version=${apiVersion}`).expect(204);
      await call('delete', `${spec}?api-version=${apiVersion}`).expect(200);
      await call('get', `${spec}/versions/1.0?api-version=${apiVersion}`).expect(404);
      await call('delete', `${spec}?api-version=${apiVersion}`).expect(204);
    });
  }

  it('refuses a version without its template spec, in another location, or without properties', async () => {
    await createGroup(a.app, 'specs2');
    const spec = specPath('specs2', 'ts');
    const orphan = await call('put', `${spec}/versions/1.0?api-version=2022-02-01`).send({ location: 'eastus', properties: { mainTemplate: TEMPLATE } }).expect(404);
    assert.equal(orphan.body.error.code, 'ResourceNotFound');
    await call('put', `${spec}?api-version=2022-02-01`).send({ location: 'westeurope' }).expect(201);
    const elsewhere = await call('put', `${spec}/versions/1.0?api-version=2022-02-01`).send({ location: 'eastus', properties: { mainTemplate: TEMPLATE } }).expect(400);
    assert.equal(elsewhere.body.error.code, 'InvalidLocation');
    const bare = await call('put', `${spec}/versions/1.0?api-version=2022-02-01`).send({ location: 'westeurope' }).expect(400);
    assert.equal(bare.body.error.code, 'InvalidRequestContent');
    const moved = await call('put', `${spec}?api-version=2022-02-01`).send({ location: 'eastus' }).expect(409);
    assert.equal(moved.body.error.code, 'InvalidResourceLocation');
    const missing = await call('get', `${specPath('specs2', 'nope')}?api-version=2022-02-01`).expect(404);
    assert.equal(missing.body.error.code, 'ResourceNotFound');
  });

  it('goes with its resource group, and is a tracked resource', async () => {
    await createGroup(a.app, 'specs3');
    const spec = specPath('specs3', 'ts');
    await call('put', `${spec}?api-version=2022-02-01`).send({ location: 'eastus' }).expect(201);
    await call('put', `${spec}/versions/v1?api-version=2022-02-01`).send({ location: 'eastus', properties: { mainTemplate: TEMPLATE } }).expect(201);
    const generic = await call('get', `${groupPath('specs3')}/resources?api-version=2021-04-01`).expect(200);
    assert.deepEqual(generic.body.value.map((r: { type: string }) => r.type).sort(), ['Microsoft.Resources/templateSpecs', 'Microsoft.Resources/templateSpecs/versions']);
    await call('delete', `${groupPath('specs3')}?api-version=2021-04-01`).expect((r) => assert.ok([200, 202].includes(r.status)));
    await createGroup(a.app, 'specs3');
    await call('get', `${spec}?api-version=2022-02-01`).expect(404);
  });

  it('refuses the built-in template specs, which Arclight has no catalog of', async () => {
    const res = await call('get', '/providers/Microsoft.Resources/builtInTemplateSpecs?api-version=2022-02-01').expect(501);
    assert.equal(res.body.error.code, 'NotImplemented');
  });
});
