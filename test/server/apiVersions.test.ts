/**
 * Every api-version the vendored specs hold is served, and only those (read from the spec
 * folders as they are, not from the build's discovery); the versions issue 11 names are among
 * them; provider documents (the Arc ones and the neighbours') advertise, per resource type,
 * exactly the versions served; and the
 * Microsoft.Resources versions real clients send (Azure CLI profiles, the SDKs, k8s-extension)
 * are served.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import request from 'supertest';
import { bearer, SUB, testArclight, TestArclight } from '../support/arclight';
import { CLUSTER_VERSIONS, createGroup } from '../support/clusters';
import { pathSegments, resourceTypeOf } from '../../server/kit/resourceIds';

const SPECIFICATION = path.resolve(__dirname, '..', '..', '..', 'specs', 'specification');

/** The Microsoft.Kubernetes versions issue 11 names ("at least"): what the Azure CLI extensions and SDKs send. */
const ISSUE_11_KUBERNETES_VERSIONS = [
  '2020-01-01-preview', '2021-03-01', '2021-04-01-preview', '2021-10-01', '2022-05-01-preview', '2022-10-01-preview', '2023-11-01-preview',
  '2024-01-01', '2024-02-01-preview', '2024-06-01-preview', '2024-07-01-preview', '2024-12-01-preview', '2025-08-01-preview',
  '2025-12-01-preview', '2026-02-01-preview', '2026-05-01',
];

/** Every api-version Azure's REST API specs publish Microsoft.KubernetesConfiguration/extensionTypes in (issue 11: "every version that has it"). */
const EXTENSION_TYPES_VERSIONS = [
  '2021-05-01-preview', '2021-11-01-preview', '2022-01-01-preview', '2022-01-15-preview', '2023-05-01-preview', '2024-11-01-preview',
  '2024-11-02-preview', '2026-04-01-preview', '2026-04-01', '2026-05-01',
];

/**
 * Provider namespaces whose specs are vendored without being served, and why. A vendored
 * namespace that is neither served nor here fails the test below.
 */
const VENDORED_NOT_SERVED: Readonly<Record<string, string>> = {};

/**
 * Namespaces served from Arclight's own spec, with only some operations extracted from the
 * vendored files at build time (specs/manifest.json `extracts`), and why.
 */
const SERVED_BY_EXTRACTS: Readonly<Record<string, string>> = {
  'Microsoft.Resources': 'resource groups, subscriptions and providers come from specs/arclight/Microsoft.Resources.json; '
    + 'the deployments operations are extracted from the vendored resources.json and served at the versions clients send (README, Template deployments)',
};

/**
 * Resource types the specs define that provider documents do not list, and why. Every other
 * type a served version has an operation on must be in the document.
 */
const UNLISTED_TYPES: Readonly<Record<string, string>> = {
  'microsoft.kubernetesconfiguration/extensions/operations': 'the status of an extension\'s operations, part of the extensions type (Azure\'s provider document does not list it either, as far as recordings show)',
  'microsoft.kubernetesconfiguration/fluxconfigurations/operations': 'the status of a flux configuration\'s operations, part of the fluxConfigurations type (likewise)',
  'microsoft.insights/datacollectionrules/associations': 'the associations of a rule: a list of dataCollectionRuleAssociations, which the document lists',
  'microsoft.insights/datacollectionendpoints/associations': 'the associations of an endpoint (likewise); Arclight serves no endpoints',
};

interface VendoredVersions {
  /** info.version of every spec file (a JSON file outside examples/ that has paths). */
  byInfo: Set<string>;
  /** The name of the folder each spec file is in. */
  byFolder: Set<string>;
}

/** The api-versions the vendored spec files of each namespace (specs/specification/x/resource-manager/<namespace>/...) say they are. */
function vendoredVersions(): Map<string, VendoredVersions> {
  const out = new Map<string, VendoredVersions>();
  const walk = (dir: string, found: VendoredVersions) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory() && entry.name !== 'examples') walk(full, found);
      if (!entry.isFile() || !entry.name.endsWith('.json')) continue;
      const doc = JSON.parse(fs.readFileSync(full, 'utf8'));
      if (!doc.paths || Object.keys(doc.paths).length === 0) continue;
      found.byInfo.add(doc.info.version);
      found.byFolder.add(path.basename(dir));
    }
  };
  for (const service of fs.readdirSync(SPECIFICATION)) {
    const rm = path.join(SPECIFICATION, service, 'resource-manager');
    if (!fs.existsSync(rm)) continue;
    for (const namespace of fs.readdirSync(rm).filter((n) => /^Microsoft\./.test(n))) {
      const found = out.get(namespace) ?? { byInfo: new Set<string>(), byFolder: new Set<string>() };
      walk(path.join(rm, namespace), found);
      out.set(namespace, found);
    }
  }
  return out;
}

const sorted = (values: Iterable<string>) => [...values].sort();

const CLIENT_RESOURCE_VERSIONS = ['2019-11-01', '2021-04-01', '2022-09-01', '2022-12-01', '2024-03-01', '2025-04-01'];

describe('api-versions served', () => {
  let a: TestArclight;
  before(async () => {
    a = await testArclight();
    await createGroup(a.app, 'rg');
  });
  after(() => a.close());
  const versions = (namespace: string) => Object.keys(a.services.catalog.provider(namespace)!.definitions);
  const get = (path: string) => request(a.app).get(path).set('Authorization', bearer());

  it('serves resource groups in every Microsoft.Resources version, the ones clients use included', async () => {
    for (const v of CLIENT_RESOURCE_VERSIONS) assert.ok(versions('Microsoft.Resources').includes(v), v);
    // 2021-05-01 and 2022-02-01 are template specs' own versions (their spec files only), not resource groups'.
    for (const v of versions('Microsoft.Resources').filter((x) => !['2021-05-01', '2022-02-01'].includes(x))) {
      const one = await get(`/subscriptions/${SUB}/resourcegroups/rg?api-version=${v}`);
      assert.equal(one.status, 200, `${v}: ${one.text}`);
      assert.equal(one.body.name, 'rg');
      const list = await get(`/subscriptions/${SUB}/resourcegroups?api-version=${v}`);
      assert.equal(list.status, 200, `${v}: ${list.text}`);
    }
  });

  it('serves every api-version the vendored specs of a namespace hold, and no other from them', () => {
    const vendored = vendoredVersions();
    assert.ok(vendored.has('Microsoft.Kubernetes') && vendored.has('Microsoft.KubernetesConfiguration'), [...vendored.keys()].join(', '));
    for (const [namespace, found] of vendored) {
      const provider = a.services.catalog.provider(namespace);
      if (SERVED_BY_EXTRACTS[namespace]) continue;
      if (!provider) {
        assert.ok(VENDORED_NOT_SERVED[namespace], `${namespace}: its specs are vendored but no api-version is served (give it specFolders in specs/manifest.json)`);
        continue;
      }
      const fromSpecs = Object.entries(provider.files).filter(([, files]) => files.some((f) => f.startsWith('specification/'))).map(([v]) => v);
      assert.deepEqual(sorted(fromSpecs), sorted(found.byInfo), `${namespace}: the served versions are not those the spec files' info.version name`);
      assert.deepEqual(sorted(fromSpecs), sorted(found.byFolder), `${namespace}: the served versions are not the spec files' folders`);
    }
  });

  it('serves every Microsoft.Kubernetes api-version issue 11 names', async () => {
    for (const v of ISSUE_11_KUBERNETES_VERSIONS) {
      assert.ok(versions('Microsoft.Kubernetes').includes(v), `${v} is not served`);
      const res = await get(`/subscriptions/${SUB}/providers/Microsoft.Kubernetes/connectedClusters?api-version=${v}`);
      assert.equal(res.status, 200, `${v}: ${res.text}`);
    }
  });

  it('serves Microsoft.KubernetesConfiguration from 2019-11-01-preview on, with every type issue 11 names', async () => {
    const kc = versions('Microsoft.KubernetesConfiguration').sort();
    assert.equal(kc[0], '2019-11-01-preview');
    const doc = await get(`/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration?api-version=2021-04-01`).expect(200);
    const types = doc.body.resourceTypes.map((t: { resourceType: string }) => t.resourceType);
    for (const t of ['extensions', 'fluxConfigurations', 'sourceControlConfigurations', 'extensionTypes', 'locations/extensionTypes', 'privateLinkScopes', 'operations']) {
      assert.ok(types.includes(t), `${t} is not in the provider document: ${types.join(', ')}`);
    }
  });

  it('serves extension types in every api-version the specs publish them in, and advertises those', async () => {
    const doc = await get(`/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration?api-version=2021-04-01`).expect(200);
    const advertised = (type: string) => doc.body.resourceTypes.find((t: { resourceType: string }) => t.resourceType === type)?.apiVersions ?? [];
    assert.deepEqual(sorted(advertised('extensionTypes')), sorted(EXTENSION_TYPES_VERSIONS));
    assert.deepEqual(sorted(advertised('locations/extensionTypes')), sorted(EXTENSION_TYPES_VERSIONS));
    for (const v of EXTENSION_TYPES_VERSIONS) {
      const res = await get(`/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration/locations/eastus/extensionTypes?api-version=${v}`);
      assert.equal(res.status, 200, `${v}: ${res.text}`);
      assert.ok(JSON.stringify(res.body).includes('microsoft.flux'), `${v}: microsoft.flux is not in the list`);
    }
  });

  for (const namespace of ['Microsoft.Kubernetes', 'Microsoft.KubernetesConfiguration', 'Microsoft.OperationalInsights', 'Microsoft.Insights', 'Microsoft.ManagedIdentity', 'Microsoft.Authorization']) {
    it(`advertises for each ${namespace} resource type exactly the api-versions that serve it`, async () => {
      const provider = a.services.catalog.provider(namespace)!;
      // Which served versions have an operation on each type, from the served documents' paths.
      const servedBy = new Map<string, Set<string>>();
      for (const [v, key] of Object.entries(provider.definitions)) {
        for (const [template, item] of Object.entries<Record<string, { 'x-arclight-path'?: string }>>(a.services.catalog.document(key).paths as Record<string, Record<string, { 'x-arclight-path'?: string }>>)) {
          for (const [method, op] of Object.entries(item)) {
            const type = resourceTypeOf(pathSegments(op['x-arclight-path'] ?? template), namespace.toLowerCase(), method)?.toLowerCase();
            if (type) (servedBy.get(type) ?? servedBy.set(type, new Set()).get(type)!).add(v);
          }
        }
      }
      const doc = await get(`/subscriptions/${SUB}/providers/${namespace}?api-version=2021-04-01`).expect(200);
      const listed = new Map<string, string[]>(doc.body.resourceTypes.map((t: { resourceType: string; apiVersions: string[] }) => [t.resourceType.toLowerCase(), t.apiVersions]));
      for (const [type, served] of servedBy) {
        if (UNLISTED_TYPES[`${namespace.toLowerCase()}/${type}`]) continue;
        assert.ok(listed.has(type), `${namespace}/${type} is served but not in the provider document`);
        assert.deepEqual(sorted(listed.get(type)!), sorted(served), `${namespace}/${type}: the document's api-versions are not those that serve it`);
      }
    });
  }

  it('serves connected clusters in every Microsoft.Kubernetes version, the ones the per-version tests walk', async () => {
    assert.deepEqual(versions('Microsoft.Kubernetes').sort(), [...CLUSTER_VERSIONS].sort(), 'a newly vendored version must join CLUSTER_VERSIONS');
    for (const v of versions('Microsoft.Kubernetes')) {
      const res = await get(`/subscriptions/${SUB}/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters?api-version=${v}`);
      assert.equal(res.status, 200, `${v}: ${res.text}`);
      assert.deepEqual(res.body, { value: [] });
    }
  });
});
