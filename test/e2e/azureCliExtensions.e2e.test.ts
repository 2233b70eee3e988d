/**
 * The Azure CLI's k8s-extension commands against Arclight, when `az` is installed (skipped
 * otherwise; ARCLIGHT_TEST_REQUIRE_AZ=1 makes a missing `az` a failure): `az rest` sends the
 * exact requests the extension sends, as its source builds them (Azure/azure-cli-extensions,
 * src/k8s-extension: custom.py, partner_extensions/{DefaultExtension,ContainerInsights}.py,
 * consts.py, the vendored SDK's api-versions):
 *
 *  - `create` for microsoft.flux and Microsoft.AzureKeyVaultSecretsProvider (DefaultExtension:
 *    the type lower-cased, empty settings maps, no scope) and Container Insights (name and
 *    release namespace azuremonitor-containers, a system-assigned identity and the cluster's
 *    location, the workspace settings), PUT at 2023-05-01;
 *  - `show`, a GET at 2023-05-01;
 *  - `update`, a GET then a PATCH that always carries `"configurationSettings": {}` and
 *    `"configurationProtectedSettings": {}`;
 *  - `extension-types list` (list-by-cluster) and list-by-location / list-versions-by-location,
 *    GETs at 2023-05-01-preview (consts.EXTENSION_TYPE_API_VERSION).
 */
import { strict as assert } from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLIENT_ID, SUB, TENANT, testServer, TestServer } from '../support/arclight';
import { SECRET } from '../support/identity';
import { agentKeys } from '../support/keys';
import { findAz, runAz } from '../support/azureCli';

const KC = 'providers/Microsoft.KubernetesConfiguration';

describe('e2e: az k8s-extension requests (az rest, when az is installed)', function () {
  this.timeout(300_000);
  const az = findAz();
  let server: TestServer;
  let home: string;
  let cluster: string;

  const run = (args: string[]) => runAz({ az: az!, home, configDir: 'cli', caCertPath: server.caCertPath, timeoutMs: 90_000 }, args);
  /** `az rest` with the URL (under Arclight) and JSON body the CLI sends; the answer parsed. */
  const rest = async (method: string, url: string, body?: unknown) => {
    const args = ['rest', '--method', method, '--url', `${server.url}${url}`, '-o', 'json'];
    if (body !== undefined) args.push('--body', JSON.stringify(body));
    const out = await run(args);
    return out.trim() ? JSON.parse(out) : undefined;
  };
  const extension = (name: string, v = '2023-05-01') => `${cluster}/${KC}/extensions/${name}?api-version=${v}`;
  const secretsOf = (name: string) => server.services.store.secrets.get(`${cluster}/${KC}/extensions/${name}`.toLowerCase());

  before(async function () {
    if (!az && process.env.ARCLIGHT_TEST_REQUIRE_AZ === '1') throw new Error('az is not installed, and ARCLIGHT_TEST_REQUIRE_AZ=1 requires it');
    if (!az) return this.skip();
    server = await testServer({ auth: 'strict' });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-az-ext-'));
    await run(['cloud', 'register', '-n', 'Arclight', '--endpoint-resource-manager', `${server.url}/`]);
    await run(['cloud', 'set', '-n', 'Arclight']);
    await run(['login', '--service-principal', '-u', CLIENT_ID, '-p', SECRET, '--tenant', TENANT, '-o', 'none']);
    await run(['group', 'create', '-n', 'az-ext', '-l', 'eastus', '-o', 'none']);
    cluster = `/subscriptions/${SUB}/resourceGroups/az-ext/providers/Microsoft.Kubernetes/connectedClusters/arc1`;
    await rest('put', `${cluster}?api-version=2021-10-01`, {
      location: 'eastus', identity: { type: 'SystemAssigned' }, properties: { agentPublicKeyCertificate: agentKeys().pkcs1, distribution: 'kind', infrastructure: 'generic' },
    });
  });
  after(async () => {
    if (!az) return;
    await server.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('create microsoft.flux: released into flux-system at the Stable train\'s newest version', async () => {
    const created = await rest('put', extension('flux'), { properties: { extensionType: 'microsoft.flux', configurationSettings: {}, configurationProtectedSettings: {} } });
    assert.equal(created.properties.provisioningState, 'Creating');
    assert.deepEqual(created.properties.scope, { cluster: { releaseNamespace: 'flux-system' } });
    assert.equal(created.properties.version, '1.17.3');
    const shown = await rest('get', extension('flux'));
    assert.equal(shown.properties.provisioningState, 'Succeeded');
    assert.equal(shown.properties.autoUpgradeMinorVersion, true);
    assert.equal(shown.properties.releaseTrain, 'Stable');
  });

  it('create Microsoft.AzureKeyVaultSecretsProvider: kube-system, as the docs show', async () => {
    const created = await rest('put', extension('akvsecretsprovider'), {
      properties: { extensionType: 'microsoft.azurekeyvaultsecretsprovider', configurationSettings: {}, configurationProtectedSettings: {} },
    });
    assert.deepEqual(created.properties.scope, { cluster: { releaseNamespace: 'kube-system' } });
    assert.deepEqual(created.properties.configurationProtectedSettings, {});
  });

  it('create, show and update Container Insights: the update the CLI sends keeps the protected settings', async () => {
    // The CLI reads the cluster's location for the extension's identity (connected clusters at 2021-10-01).
    const parent = await rest('get', `${cluster}?api-version=2021-10-01`);
    const workspace = `/subscriptions/${SUB}/resourceGroups/DefaultResourceGroup-EUS/providers/Microsoft.OperationalInsights/workspaces/DefaultWorkspace-${SUB}-EUS`;
    const protectedSettings = { 'omsagent.secret.wsid': '6a9d5f58-0000-4000-8000-000000000002', 'omsagent.secret.key': 'az-ci-secret', 'amalogs.secret.wsid': '6a9d5f58-0000-4000-8000-000000000002', 'amalogs.secret.key': 'az-ci-secret' };
    const created = await rest('put', extension('azuremonitor-containers'), {
      identity: { type: 'SystemAssigned' },
      location: parent.location,
      properties: {
        extensionType: 'microsoft.azuremonitor.containers',
        scope: { cluster: { releaseNamespace: 'azuremonitor-containers' } },
        configurationSettings: { logAnalyticsWorkspaceResourceID: workspace, 'amalogs.useAADAuth': 'false' },
        configurationProtectedSettings: protectedSettings,
      },
    });
    assert.match(created.identity.principalId, /^[0-9a-f-]{36}$/);
    assert.deepEqual(created.properties.configurationProtectedSettings, {});
    const shown = await rest('get', extension('azuremonitor-containers'));
    assert.equal(shown.properties.version, '3.1.26');

    // az k8s-extension update --auto-upgrade-minor-version false --version 3.1.24: GET, then this PATCH.
    await rest('get', extension('azuremonitor-containers'));
    const patched = await rest('patch', extension('azuremonitor-containers'), {
      properties: { autoUpgradeMinorVersion: false, version: '3.1.24', configurationSettings: {}, configurationProtectedSettings: {} },
    });
    assert.equal(patched.properties.version, '3.1.24');
    assert.deepEqual(secretsOf('azuremonitor-containers'), { configurationProtectedSettings: protectedSettings });
    const after = await rest('get', extension('azuremonitor-containers'));
    assert.equal(after.properties.configurationSettings.logAnalyticsWorkspaceResourceID, workspace);
  });

  it('extension-types list (by cluster), list-by-location and list-versions-by-location', async () => {
    const byCluster = await rest('get', `${cluster}/${KC}/extensionTypes?api-version=2023-05-01-preview`);
    const names: string[] = byCluster.value.map((t: { name: string }) => t.name);
    for (const name of ['microsoft.flux', 'microsoft.azuremonitor.containers', 'microsoft.azurekeyvaultsecretsprovider']) assert.ok(names.includes(name), name);
    const byLocation = await rest('get', `/subscriptions/${SUB}/${KC}/locations/eastus/extensionTypes?api-version=2023-05-01-preview`);
    assert.ok(byLocation.value.length >= names.length);
    const versions = await rest('get', `/subscriptions/${SUB}/${KC}/locations/eastus/extensionTypes/microsoft.flux/versions?showLatest=false&api-version=2023-05-01-preview`);
    assert.equal(versions.value[0].name, '1.17.3');
  });
});
