/**
 * `az customlocation create` and `show` against Arclight over HTTPS, when `az` is installed
 * (skipped otherwise; ARCLIGHT_TEST_REQUIRE_AZ=1 makes a missing `az` a failure). The
 * customlocation CLI extension cannot be installed offline, so `az rest` sends exactly what it
 * sends (read from Azure/azure-cli-extensions, src/customlocation, 0.1.3: custom.py and
 * helper.py with its vendored 2021-08-15 SDK):
 *
 *   create: GET  /subscriptions/{s}/providers/Microsoft.ExtendedLocation (refuses unless Registered)
 *           PUT  .../customLocations/{name}?api-version=2021-08-15
 *                {location, properties: {hostType: "Kubernetes", displayName: <name>, namespace,
 *                 clusterExtensionIds, hostResourceId}} (+ tags, identity, authentication when given)
 *           then the Azure-AsyncOperation is polled and the resource read;
 *   show:   GET  .../customLocations/{name}?api-version=2021-08-15.
 *
 * The cluster and the extension come first, as `az connectedk8s connect` and
 * `az k8s-extension create` make them (their PUTs, without the cluster side).
 */
import { strict as assert } from 'assert';
import { execFile } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CLIENT_ID, SUB, TENANT, testServer, TestServer } from '../support/arclight';
import { SECRET } from '../support/identity';
import { agentKeys } from '../support/keys';
import { findAz } from '../support/azureCli';

describe('e2e: az customlocation create/show through az rest (when az is installed)', function () {
  this.timeout(180_000);
  const az = findAz();
  let server: TestServer;
  let home: string;

  const exec = (args: string[]) => new Promise<{ stdout: string; stderr: string }>((resolve, reject) => {
    const env = {
      PATH: process.env.PATH ?? '', HOME: home, AZURE_CONFIG_DIR: path.join(home, 'cfg'), REQUESTS_CA_BUNDLE: server.caCertPath,
      AZURE_CORE_COLLECT_TELEMETRY: 'false', AZURE_CORE_NO_COLOR: 'true',
    };
    execFile(az!, args.includes('--debug') ? args : [...args, '--only-show-errors'], { env, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) =>
      (err ? reject(new Error(`az ${args.join(' ')}: ${stderr.split('\n').filter((l) => !/^(DEBUG|INFO|cli\.|urllib3|msal)/.test(l)).join('\n') || err.message}`)) : resolve({ stdout, stderr })));
  });
  const run = async (args: string[]) => (await exec(args)).stdout;
  const restArgs = (method: string, url: string, body?: unknown) => ['rest', '--method', method, '--url', url, ...(body === undefined ? [] : ['--body', JSON.stringify(body)]), '-o', 'json'];
  const rest = async (method: string, url: string, body?: unknown) => JSON.parse((await run(restArgs(method, url, body))) || 'null');
  /** `az rest` prints bodies only: with --debug it logs the response headers too. */
  const restWithHeaders = async (method: string, url: string, body?: unknown) => {
    const { stdout, stderr } = await exec([...restArgs(method, url, body), '--debug']);
    const headers: Record<string, string> = {};
    // e.g. "INFO: cli.azure.cli.core.util:     'Azure-AsyncOperation': 'https://...'" (after "Response headers:").
    const logged = stderr.slice(stderr.lastIndexOf('Response headers:'));
    for (const m of logged.matchAll(/^(?:(?:DEBUG|INFO): )?cli\.azure\.cli\.core\.(?:util|sdk\.policies):\s+'([^']+)': '([^']*)'$/gm)) headers[m[1].toLowerCase()] = m[2];
    return { body: JSON.parse(stdout || 'null'), headers };
  };

  before(async function () {
    if (!az && process.env.ARCLIGHT_TEST_REQUIRE_AZ === '1') throw new Error('az is not installed, and ARCLIGHT_TEST_REQUIRE_AZ=1 requires it');
    if (!az) return this.skip();
    server = await testServer({ auth: 'strict' });
    home = fs.mkdtempSync(path.join(os.tmpdir(), 'arclight-az-cl-'));
    await run(['cloud', 'register', '-n', 'Arclight', '--endpoint-resource-manager', `${server.url}/`]);
    await run(['cloud', 'set', '-n', 'Arclight']);
    await run(['login', '--service-principal', '-u', CLIENT_ID, '-p', SECRET, '--tenant', TENANT]);
  });
  after(async () => {
    if (!az) return;
    await server.stop();
    fs.rmSync(home, { recursive: true, force: true });
  });

  it('creates a custom location on a connected cluster and its extension, and shows it', async () => {
    const group = `/subscriptions/${SUB}/resourceGroups/cl-az`;
    const cluster = `${group}/providers/Microsoft.Kubernetes/connectedClusters/c1`;
    const extension = `${cluster}/providers/Microsoft.KubernetesConfiguration/extensions/appservice-ext`;
    const customLocation = `${group}/providers/Microsoft.ExtendedLocation/customLocations/cl1`;
    await run(['group', 'create', '-n', 'cl-az', '-l', 'eastus']);
    await rest('put', `${cluster}?api-version=2024-07-01-preview`, {
      location: 'eastus', identity: { type: 'SystemAssigned' }, tags: {},
      properties: { agentPublicKeyCertificate: agentKeys().pkcs1, distribution: 'kind', infrastructure: 'generic', arcAgentryConfigurations: [] },
    });
    await rest('put', `${extension}?api-version=2023-05-01`, {
      properties: {
        extensionType: 'Microsoft.Web.Appservice', autoUpgradeMinorVersion: true, releaseTrain: 'stable',
        scope: { cluster: { releaseNamespace: 'appservice-ns' } }, configurationSettings: {}, configurationProtectedSettings: {},
      },
    });

    // az customlocation create -g cl-az -n cl1 --namespace appservice-ns --host-resource-id <cluster> --cluster-extension-ids <extension> -l eastus
    const provider = await rest('get', `/subscriptions/${SUB}/providers/Microsoft.ExtendedLocation?api-version=2022-09-01`);
    assert.equal(provider.registrationState, 'Registered', 'the CLI stops with "provider is not registered" otherwise');
    const created = await restWithHeaders('put', `${customLocation}?api-version=2021-08-15`, {
      location: 'eastus',
      properties: { hostType: 'Kubernetes', displayName: 'cl1', namespace: 'appservice-ns', clusterExtensionIds: [extension], hostResourceId: cluster },
    });
    assert.equal(created.body.id, customLocation);
    assert.equal(created.body.properties.provisioningState, 'Creating');
    const status = created.headers['azure-asyncoperation'];
    assert.match(status, new RegExp(`^${server.url}/subscriptions/${SUB}/providers/Microsoft.ExtendedLocation/locations/eastus/operationsStatus/`));
    // What the CLI's poller reads next (absolute URL, on the ARM endpoint it is logged in to).
    const operation = await rest('get', status);
    assert.equal(operation.status, 'Succeeded');

    // az customlocation show -g cl-az -n cl1
    const shown = await rest('get', `${customLocation}?api-version=2021-08-15`);
    assert.equal(shown.properties.provisioningState, 'Succeeded');
    assert.equal(shown.properties.hostResourceId, cluster);
    assert.equal(shown.properties.namespace, 'appservice-ns');
    assert.deepEqual(shown.properties.clusterExtensionIds, [extension]);
    assert.equal(shown.properties.hostType, 'Kubernetes');
    assert.equal(shown.systemData.createdBy, CLIENT_ID);

    // A missing extension is the CLI user's error, with Azure's code.
    await assert.rejects(rest('put', `${group}/providers/Microsoft.ExtendedLocation/customLocations/cl2?api-version=2021-08-15`, {
      location: 'eastus', properties: { hostType: 'Kubernetes', displayName: 'cl2', namespace: 'other', clusterExtensionIds: [`${extension}x`], hostResourceId: cluster },
    }), /FailedToLoadClusterExtensionConfig/);
  });
});
