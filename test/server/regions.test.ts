/**
 * --regions: a JSON file that extends Azure's region catalog (an array, or mode "extend") or
 * replaces it (mode "replace"), as the locations list, the provider documents, resource groups
 * and connected clusters all see it.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import request from 'supertest';
import { bearer, SUB, testArclight, TestArclight } from '../support/arclight';
import { clusterBody, clusterPath, groupPath } from '../support/clusters';

describe('--regions', () => {
  let dir: string;
  const file = (name: string, content: unknown) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
    return p;
  };
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-regions-'));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  const get = (a: TestArclight, p: string) => request(a.app).get(p).set('Authorization', bearer()).expect(200);
  const put = (a: TestArclight, p: string, body: object) => request(a.app).put(p).set('Authorization', bearer()).send(body);
  const locationNames = async (a: TestArclight) => (await get(a, `/subscriptions/${SUB}/locations?api-version=2022-12-01`)).body.value.map((l: { name: string }) => l.name);
  const clusterLocations = async (a: TestArclight) => {
    const provider = await get(a, `/subscriptions/${SUB}/providers/Microsoft.Kubernetes?api-version=2021-04-01`);
    return provider.body.resourceTypes.find((t: { resourceType: string }) => t.resourceType === 'connectedClusters').locations as string[];
  };

  for (const [mode, content] of [
    ['an array', [{ name: 'arclightlab', displayName: 'Arclight Lab', metadata: { geography: 'Lab', regionType: 'Physical' } }]],
    ['mode "extend"', { mode: 'extend', regions: [{ name: 'arclightlab', displayName: 'Arclight Lab', metadata: { geography: 'Lab', regionType: 'Physical' } }] }],
  ] as const) {
    it(`extends Azure's catalog (${mode}): locations, provider documents, groups and clusters all offer the new region`, async () => {
      const a = await testArclight({ regions: file('extend.json', content) });
      try {
        const names = await locationNames(a);
        assert.ok(names.includes('arclightlab') && names.includes('eastus'), 'Azure\'s regions stay');
        const lab = (await get(a, `/subscriptions/${SUB}/locations?api-version=2022-12-01`)).body.value.find((l: { name: string }) => l.name === 'arclightlab');
        assert.deepEqual([lab.displayName, lab.regionalDisplayName, lab.metadata.geography], ['Arclight Lab', 'Arclight Lab', 'Lab']);
        const offered = await clusterLocations(a);
        assert.ok(offered.includes('Arclight Lab') && offered.includes('East US'));

        const group = await put(a, `${groupPath('lab')}?api-version=2021-04-01`, { location: 'Arclight Lab' }).expect(201);
        assert.equal(group.body.location, 'arclightlab');
        const cluster = await put(a, `${clusterPath('lab', 'c1')}?api-version=2024-01-01`, clusterBody({ location: 'arclight lab' })).expect(201);
        assert.equal(cluster.body.location, 'arclightlab');
        assert.match(new URL(cluster.headers['azure-asyncoperation']).pathname, /\/locations\/arclightlab\/operationStatuses\//);
        await put(a, `${clusterPath('lab', 'c2')}?api-version=2024-01-01`, clusterBody({ location: 'eastus' })).expect(201);
        const missing = await put(a, `${clusterPath('lab', 'c3')}?api-version=2024-01-01`, clusterBody({ location: 'Brazil Southeast' })).expect(400);
        assert.match(missing.body.error.message, /List of available regions for the resource type is '.*eastus.*arclightlab'\./, 'Azure\'s rules for Arc still apply to its own regions');
      } finally {
        a.close();
      }
    });
  }

  it('replaces the catalog (mode "replace"): only its regions exist, and each is offered for every resource type', async () => {
    const a = await testArclight({ regions: file('replace.json', { mode: 'replace', regions: [{ name: 'sovereign1', displayName: 'Sovereign One' }, { name: 'sovereign2' }] }) });
    try {
      assert.deepEqual(await locationNames(a), ['sovereign1', 'sovereign2']);
      assert.deepEqual(await clusterLocations(a), ['Sovereign One', 'sovereign2']);
      await put(a, `${groupPath('gov')}?api-version=2021-04-01`, { location: 'eastus' }).expect(400);
      await put(a, `${groupPath('gov')}?api-version=2021-04-01`, { location: 'Sovereign One' }).expect(201);
      const refused = await put(a, `${clusterPath('gov', 'c1')}?api-version=2021-10-01`, clusterBody({ location: 'eastus' })).expect(400);
      assert.equal(refused.body.error.code, 'LocationNotAvailableForResourceType');
      assert.equal(refused.body.error.message,
        "The provided location 'eastus' is not available for resource type 'Microsoft.Kubernetes/connectedClusters'. List of available regions for the resource type is 'sovereign1,sovereign2'.");
      const cluster = await put(a, `${clusterPath('gov', 'c1')}?api-version=2021-10-01`, clusterBody({ location: 'SOVEREIGN2' })).expect(201);
      assert.equal(cluster.body.location, 'sovereign2');
    } finally {
      a.close();
    }
  });

  it('refuses a file that is not a region catalog, saying why', async () => {
    await assert.rejects(testArclight({ regions: file('broken.json', '{ not json') }), /JSON/);
    await assert.rejects(testArclight({ regions: file('shape.json', { regions: 'eastus' }) }), /shape\.json: \$\.regions: expected an array of regions, got 'eastus'/);
    await assert.rejects(testArclight({ regions: file('name.json', [{ name: 'West Lab!' }]) }), /name\.json: \$\[0\]\.name: expected a region name of letters and digits, got 'West Lab!'/);
    await assert.rejects(testArclight({ regions: path.join(dir, 'absent.json') }), /ENOENT/);
  });
});
