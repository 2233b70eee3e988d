/**
 * The extension type catalog as data: the built-in file loads and holds the well-known types;
 * `--extension-types FILE` (option `extensionTypes`, environment ARCLIGHT_EXTENSION_TYPES)
 * extends or replaces it, checked whole at start-up with one line naming the file, the JSON
 * path and what was expected.
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import request from 'supertest';
import { createArclight } from '../../server/arclight';
import { parseConfig } from '../../server/core/config';
import { BUILT_IN_FILE, compareVersions, ExtensionTypeCatalog } from '../../server/providers/kubernetesConfiguration/extensionTypeCatalog';
import { RegionCatalog } from '../../server/kit/regions';
import { SpecCatalog } from '../../server/spec/specCatalog';
import { bearer, SUB, testArclight } from '../support/arclight';
import { createCluster } from '../support/clusters';
import { configPath } from '../support/configurations';
import { failedStart, removeScratch, scratchDir } from '../support/startup';

const quiet = { logSink: () => undefined };

describe('extension type files', () => {
  let dir: string;
  before(() => {
    dir = scratchDir('arclight-types-');
  });
  after(() => removeScratch(dir));

  let files = 0;
  const write = (content: unknown) => {
    const file = path.join(dir, `types-${++files}.json`);
    fs.writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
    return file;
  };
  const privateType = { name: 'contoso.private', publisher: 'Contoso', releaseTrains: { stable: ['0.9.0', '1.0.0'], preview: ['1.1.0-beta.1'] }, defaultReleaseNamespace: 'contoso' };

  describe('the built-in catalog', () => {
    const specs = SpecCatalog.load();
    const regions = new RegionCatalog(specs.regions, specs.bundle.regionSets);
    const catalog = ExtensionTypeCatalog.read(undefined, (r) => regions.resolve(r)?.name);

    it('holds the well-known types and every type the k8s-extension CLI handles by name', () => {
      for (const name of ['microsoft.flux', 'Microsoft.AzureMonitor.Containers', 'Microsoft.AzureKeyVaultSecretsProvider', 'Microsoft.PolicyInsights', 'microsoft.dapr',
        'microsoft.openservicemesh', 'Microsoft.AzureML.Kubernetes', 'microsoft.azuredefender.kubernetes', 'Microsoft.Web.Appservice', 'microsoft.arcdataservices',
        'microsoft.iotoperations', 'microsoft.azuremonitor.containers.metrics', 'microsoft.dataprotection.kubernetes', 'microsoft.entraworkloadiam', 'cassandradatacentersoperator']) {
        assert.ok(catalog.get(name), name);
      }
      assert.equal(catalog.get('microsoft.flux')!.defaultReleaseNamespace, 'flux-system');
      assert.ok(fs.existsSync(BUILT_IN_FILE));
    });

    it('gives every type a stable release train, newest version first', () => {
      for (const t of catalog.all()) {
        const stable = t.releaseTrains.find((r) => r.name === 'stable');
        assert.ok(stable, t.name);
        assert.deepEqual(stable.versions, [...stable.versions].sort((x, y) => compareVersions(y, x)), t.name);
      }
    });

    it('orders versions as numbers, a pre-release before its release', () => {
      const sorted = ['1.10.0', '1.9.2', '1.16.0-rc.2', '1.16.0', '0.0.1900', 'v1.2.0'].sort(compareVersions);
      assert.deepEqual(sorted, ['0.0.1900', 'v1.2.0', '1.9.2', '1.10.0', '1.16.0-rc.2', '1.16.0']);
    });
  });

  describe('--extension-types', () => {
    it('adds private types, which extensions may then have (extend is the default)', async () => {
      const a = await testArclight({ extensionTypes: write({ extensionTypes: [privateType] }) });
      try {
        await createCluster(a.app, 'rg', 'c1');
        const listed = await request(a.app).get(`/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration/locations/eastus/extensionTypes/contoso.private/versions?api-version=2023-05-01-preview`)
          .set('Authorization', bearer()).expect(200);
        assert.deepEqual(listed.body.value.map((v: { name: string }) => v.name), ['1.0.0', '0.9.0']);
        const ext = await request(a.app).put(`${configPath('rg', 'c1', 'extensions', 'mine')}?api-version=2023-05-01`).set('Authorization', bearer())
          .send({ properties: { extensionType: 'Contoso.Private' } }).expect(201);
        assert.equal(ext.body.properties.version, '1.0.0');
        assert.deepEqual(ext.body.properties.scope, { cluster: { releaseNamespace: 'contoso' } });
        await request(a.app).get(`/subscriptions/${SUB}/providers/Microsoft.KubernetesConfiguration/locations/eastus/extensionTypes/microsoft.flux?api-version=2023-05-01-preview`)
          .set('Authorization', bearer()).expect(200);
      } finally {
        a.close();
      }
    });

    it('replaces a built-in type of the same name, or the whole catalog with mode "replace"', async () => {
      const flux = { name: 'microsoft.flux', scopes: ['cluster'], defaultReleaseNamespace: 'gitops-system', releaseTrains: { stable: ['2.0.0'] } };
      const extended = await testArclight({ extensionTypes: write([flux]) });
      try {
        assert.equal(extended.services.extensionTypes.get('microsoft.flux')!.defaultReleaseNamespace, 'gitops-system');
        assert.ok(extended.services.extensionTypes.get('microsoft.dapr'));
      } finally {
        extended.close();
      }
      const replaced = await testArclight({ extensionTypes: write({ mode: 'replace', extensionTypes: [privateType] }) });
      try {
        assert.deepEqual(replaced.services.extensionTypes.all().map((t) => t.name), ['contoso.private']);
      } finally {
        replaced.close();
      }
    });

    /** createArclight refuses the file with EINVAL and exactly `message` after "--extension-types <file>: ". */
    async function refused(content: unknown, message: string | RegExp): Promise<void> {
      const file = write(content);
      await assert.rejects(createArclight({ inMemory: true, extensionTypes: file, ...quiet }), (err: NodeJS.ErrnoException) => {
        assert.equal(err.code, 'EINVAL', err.message);
        const prefix = `--extension-types ${file}: `;
        assert.ok(err.message.startsWith(prefix), err.message);
        if (typeof message === 'string') assert.equal(err.message.slice(prefix.length), message);
        else assert.match(err.message.slice(prefix.length), message);
        return true;
      });
    }

    it('refuses a file that is not the catalog, naming the JSON path and what was expected', async () => {
      await refused({ extensionTypes: [{ name: 'x.y' }] }, '$.extensionTypes[0]: missing "releaseTrains": expected an object');
      await refused([{ name: '9lives', releaseTrains: { stable: ['1.0.0'] } }], /^\$\[0\]\.name: expected an extension type name/);
      await refused([{ name: 'a.b', releaseTrains: { stable: [] } }], '$[0].releaseTrains.stable: expected at least one version, such as ["1.0.0"]');
      await refused([{ name: 'a.b', releaseTrains: {} }], '$[0].releaseTrains: expected at least one release train, such as {"stable": ["1.0.0"]}');
      await refused([{ name: 'a.b', releaseTrains: { stable: ['1.0.0', '1.0.0'] } }], '$[0].releaseTrains.stable: a version is listed twice');
      await refused([{ name: 'a.b', scopes: ['namespace'], defaultScope: 'cluster', releaseTrains: { stable: ['1'] } }], "$[0].defaultScope: 'cluster' is not among its scopes (namespace)");
      await refused([{ name: 'a.b', regions: ['atlantis'], releaseTrains: { stable: ['1'] } }], "$[0].regions[0]: unknown region 'atlantis' (see --regions)");
      await refused([{ name: 'a.b', clusterTypes: ['vmClusters'], releaseTrains: { stable: ['1'] } }], /^\$\[0\]\.clusterTypes\[0\]: expected one of "connectedClusters"/);
      await refused([{ name: 'a.b', releaseTrains: { stable: ['1'] } }, { name: 'A.B', releaseTrains: { stable: ['1'] } }], "$[1].name: 'A.B' is already at $[0]; give each extension type once");
      await refused([{ name: 'a.b', releaseTrain: { stable: ['1'] } }], /^\$\[0\]: unknown key "releaseTrain" \(allowed: name, /);
      await refused({ mode: 'merge', extensionTypes: [] }, '$.mode: expected one of "extend", "replace", got \'merge\'');
      await refused('{"extensionTypes": [', /^not valid JSON/);
    });

    it('stops the executable with one line and exit 2, from the flag or its environment twin', () => {
      const file = write([{ name: 'a.b', releaseTrains: { stable: [] } }]);
      const flag = failedStart(['--in-memory', '--port', '0', '--extension-types', file]);
      assert.equal(flag.status, 2);
      assert.equal(flag.message, `--extension-types ${file}: $[0].releaseTrains.stable: expected at least one version, such as ["1.0.0"]`);
      const env = failedStart(['--in-memory', '--port', '0'], { env: { ARCLIGHT_EXTENSION_TYPES: file } });
      assert.equal(env.status, 2);
      assert.equal(env.message, flag.message);
      const missing = failedStart(['--in-memory', '--port', '0', '--extension-types', path.join(dir, 'nope.json')]);
      assert.equal(missing.status, 1);
      assert.match(missing.message, /nope\.json: cannot read it \(ENOENT/);
    });

    it('is an option like the others: flag, environment variable, programmatic key', () => {
      assert.equal(parseConfig(['--extension-types', 'a.json'], {}).extensionTypes, 'a.json');
      assert.equal(parseConfig([], { ARCLIGHT_EXTENSION_TYPES: 'b.json' }).extensionTypes, 'b.json');
      assert.equal(parseConfig(['--extension-types', 'a.json'], { ARCLIGHT_EXTENSION_TYPES: 'b.json' }).extensionTypes, 'a.json');
    });
  });
});
