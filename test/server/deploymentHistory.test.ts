/** Deployment history: list paging, Azure's automatic deletions (README "Template deployments"). */
import { strict as assert } from 'assert';
import request from 'supertest';
import { arclightPerSuite, bearer, SUB } from '../support/arclight';
import { createGroup, groupPath } from '../support/clusters';

const EMPTY = { $schema: 'https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#', contentVersion: '1.0.0.0', resources: [] };

describe('deployment history', () => {
  const a = arclightPerSuite({}, (i) => createGroup(i.app, 'rg'));
  const list = `${groupPath('rg')}/providers/Microsoft.Resources/deployments`;
  const dep = (name: string) => `${list}/${name}?api-version=2022-09-01`;
  const call = (method: 'get' | 'put' | 'delete', p: string) => request(a.app)[method](p).set('Authorization', bearer());
  const relative = (url: string) => new URL(url).pathname + new URL(url).search;

  async function deployEmpty(name: string, template: object = EMPTY) {
    await call('put', dep(name)).send({ properties: { mode: 'Incremental', template } }).expect((r) => assert.ok(r.status === 201 || r.status === 200, r.text));
  }

  it('pages the list by $top with a nextLink that keeps the $filter; without $top, pages of 100', async () => {
    for (const n of ['d1', 'd2', 'd3', 'd4', 'd5']) await deployEmpty(n);
    const failing = { ...EMPTY, resources: [{ type: 'Microsoft.Kubernetes/connectedClusters', apiVersion: '2021-10-01', name: 'x', location: 'eastus', properties: {} }] };
    await deployEmpty('f1', failing);
    const names: string[] = [];
    let url: string | undefined = `${list}?api-version=2022-09-01&$top=2&$filter=provisioningState eq 'Succeeded'`;
    let pages = 0;
    while (url) {
      const page: request.Response = await call('get', url).expect(200);
      assert.ok(page.body.value.length <= 2);
      names.push(...page.body.value.map((d: { name: string }) => d.name));
      url = page.body.nextLink ? relative(page.body.nextLink) : undefined;
      if (url) assert.match(decodeURIComponent(url), /\$filter=provisioningState[+ ]eq[+ ]'Succeeded'/);
      pages++;
    }
    assert.deepEqual(names, ['d1', 'd2', 'd3', 'd4', 'd5']);
    assert.equal(pages, 3);
    const all = await call('get', `${list}?api-version=2022-09-01`).expect(200);
    assert.equal(all.body.value.length, 6);
    assert.equal(all.body.nextLink, undefined);
    const failed = await call('get', `${list}?api-version=2022-09-01&$filter=provisioningState eq 'Failed'`).expect(200);
    assert.deepEqual(failed.body.value.map((d: { name: string }) => d.name), ['f1']);
  });

  it('deletes the oldest deployments when a scope holds more than 700, down to 600, as Azure does', async function () {
    this.timeout(120000);
    for (let i = 0; i < 700; i++) await deployEmpty(`h${String(i).padStart(3, '0')}`);
    const count = async () => {
      let total = 0;
      for (let url: string | undefined = `${list}?api-version=2022-09-01&$top=1000`; url;) {
        const page: request.Response = await call('get', url).expect(200);
        total += page.body.value.length;
        url = page.body.nextLink ? relative(page.body.nextLink) : undefined;
      }
      return total;
    };
    assert.equal(await count(), 700);
    // The emulator clock moves on, so the redeploy is later than every first write, whatever the clock's resolution.
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: 1 }).expect(200);
    await call('put', dep('h000')).send({ properties: { mode: 'Incremental', template: EMPTY } }).expect(200);
    assert.equal(await count(), 700, 'a redeploy is no new entry');
    await deployEmpty('newest');
    assert.equal(await count(), 600);
    // 701 held: the 101 oldest went. h000 was rewritten (its redeploy), so h001 ... h101 were the oldest.
    await call('get', dep('h001')).expect(404);
    await call('get', dep('h101')).expect(404);
    await call('get', dep('h102')).expect(200);
    await call('get', dep('h000')).expect(200);
    await call('get', dep('newest')).expect(200);
    // Other scopes keep their own history.
    await call('get', `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments?api-version=2022-09-01`).expect(200);
  });
});

describe('deployment history with every deployment still running', () => {
  const a = arclightPerSuite({ lroDelay: 3600 }, (i) => createGroup(i.app, 'rg'));
  const dep = (name: string) => `${groupPath('rg')}/providers/Microsoft.Resources/deployments/${name}?api-version=2022-09-01`;

  const put = (name: string) => request(a.app).put(dep(name)).set('Authorization', bearer()).send({ properties: { mode: 'Incremental', template: EMPTY } });
  const count = async () => (await request(a.app).get(`${groupPath('rg')}/providers/Microsoft.Resources/deployments?api-version=2022-09-01&$top=1000`).set('Authorization', bearer()).expect(200)).body.value.length;

  it("refuses the 801st with Azure's DeploymentQuotaExceeded when none can be deleted; once they ran, a validate makes the deletions", async function () {
    this.timeout(120000);
    for (let i = 0; i < 800; i++) await put(`r${String(i).padStart(3, '0')}`).expect(201);
    const res = await put('one-too-many').expect(400);
    assert.deepEqual(res.body.error, {
      code: 'DeploymentQuotaExceeded',
      message: "Creating the deployment 'one-too-many' would exceed the quota of '800'. The current deployment count is '800'. Please delete some deployments before creating a new one, or see https://aka.ms/800LimitFix for information on managing deployment limits.",
    });
    await request(a.app).get(dep('one-too-many')).set('Authorization', bearer()).expect(404);
    // They all run when the clock reaches them; then a validate (no new deployment) makes the deletions.
    await request(a.app).post('/_arclight/clock/advance').send({ seconds: 3601 }).expect(200);
    assert.equal(await count(), 800);
    await request(a.app).post(`${groupPath('rg')}/providers/Microsoft.Resources/deployments/check/validate?api-version=2022-09-01`).set('Authorization', bearer())
      .send({ properties: { mode: 'Incremental', template: EMPTY } }).expect(200);
    assert.equal(await count(), 600);
    await request(a.app).get(dep('r199')).set('Authorization', bearer()).expect(404);
    await request(a.app).get(dep('r200')).set('Authorization', bearer()).expect(200);
  });
});
