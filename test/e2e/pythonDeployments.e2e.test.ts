/**
 * Template deployments with the Python SDK (azure-mgmt-resource and azure-identity, as Debian's
 * python3-azure ships them) over HTTPS: test/e2e/python/deployments.py creates a group and
 * deploys a connected cluster with a copy loop of extensions on it, runs whatIf, and reads the operations, the list and the
 * exported template. Skipped when python3 cannot import those modules (ARCLIGHT_TEST_REQUIRE_PYTHON_AZURE=1
 * makes that a failure).
 */
import { strict as assert } from 'assert';
import { execFile, execFileSync } from 'child_process';
import * as path from 'path';
import { CLIENT_ID, SUB, testServer, TestServer } from '../support/arclight';
import { SECRET } from '../support/identity';
import { agentKeys } from '../support/keys';
import { copyLoopTemplate, groupAndClusterTemplate } from '../support/templates';

/** A connected cluster and, depending on it, the shared copy loop of extensions on it. */
function clusterAndExtensions() {
  const loop = copyLoopTemplate(2);
  const cluster = {
    type: 'Microsoft.Kubernetes/connectedClusters', apiVersion: '2024-01-01', name: "[parameters('clusterName')]", location: '[resourceGroup().location]',
    identity: { type: 'SystemAssigned' }, properties: { agentPublicKeyCertificate: "[parameters('key')]", distribution: 'kind', infrastructure: 'generic' },
  };
  return {
    ...loop,
    parameters: { ...loop.parameters, key: { type: 'securestring' } },
    resources: [cluster, { ...loop.resources[0], dependsOn: ["[resourceId('Microsoft.Kubernetes/connectedClusters', parameters('clusterName'))]"] }],
  };
}

const SCRIPT = path.resolve(__dirname, '..', '..', '..', 'test', 'e2e', 'python', 'deployments.py');

/**
 * The first python3 that imports the SDK: the one on PATH, then Debian's own (/usr/bin/python3,
 * where python3-azure installs, when a pyenv or venv python3 comes first on PATH); or why none does.
 */
function findPython(): { python: string } | { missing: string } {
  let why = '';
  for (const python of ['python3', '/usr/bin/python3']) {
    try {
      execFileSync(python, ['-c', 'import azure.mgmt.resource, azure.identity'], { stdio: 'pipe', timeout: 30_000 });
      return { python };
    } catch (err) {
      why = String((err as { stderr?: Buffer }).stderr ?? (err as Error).message).trim().split('\n').pop() ?? '';
    }
  }
  return { missing: `no python3 imports azure.mgmt.resource and azure.identity (install Debian's python3-azure): ${why}` };
}

function runPython(python: string, input: unknown, caCertPath: string): Promise<Record<string, unknown>> {
  // Only what the SDK needs: no proxy variables of the host, Arclight's CA trusted.
  const env = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '/tmp', REQUESTS_CA_BUNDLE: caCertPath, PYTHONDONTWRITEBYTECODE: '1' };
  return new Promise((resolve, reject) => {
    const child = execFile(python, [SCRIPT], { env, timeout: 120_000 }, (err, stdout, stderr) => {
      if (err) return reject(new Error(`python3 deployments.py: ${stderr || err.message}`));
      try {
        resolve(JSON.parse(stdout) as Record<string, unknown>);
      } catch {
        reject(new Error(`python3 deployments.py printed no JSON: ${stdout}\n${stderr}`));
      }
    });
    child.stdin?.end(JSON.stringify(input));
  });
}

describe('e2e: template deployments with the Python SDK (when python3-azure is installed)', function () {
  this.timeout(240_000);
  const found = findPython();
  const missing = 'missing' in found ? found.missing : undefined;
  let server: TestServer;

  before(async function () {
    if (missing && process.env.ARCLIGHT_TEST_REQUIRE_PYTHON_AZURE === '1') throw new Error(`${missing}, and ARCLIGHT_TEST_REQUIRE_PYTHON_AZURE=1 requires it`);
    if (missing) {
      console.log(`      (skipped: ${missing})`);
      return this.skip();
    }
    server = await testServer();
  });
  after(async () => {
    if (server) await server.stop();
  });

  it('deploys a cluster with a copy loop of extensions, whatIf shows NoChange, reads operations, the list and the exported template; deploys at subscription scope', async () => {
    const template = clusterAndExtensions();
    const seen = await runPython((found as { python: string }).python, {
      baseUrl: server.url, clientId: CLIENT_ID, secret: SECRET, subscriptionId: SUB,
      group: 'py-rg', location: 'eastus', name: 'py-loop', template, parameters: { clusterName: 'c1', key: agentKeys().pkcs1, secret: 'python-secure-value' },
      subscriptionTemplate: { name: 'py-sub', location: 'westeurope', template: groupAndClusterTemplate(), parameters: { groupName: 'py-sub-rg', clusterName: 'c2' } },
    }, server.caCertPath);
    assert.equal(seen.provisioningState, 'Succeeded');
    assert.deepEqual((seen.outputs as { names: { value: string[] } }).names.value, ['ext0', 'ext1']);
    assert.equal((seen.outputResources as string[]).length, 3);
    assert.deepEqual(seen.whatIf, ['NoChange', 'NoChange', 'NoChange']);
    assert.deepEqual(seen.operations, ['Succeeded', 'Succeeded', 'Succeeded']);
    assert.ok((seen.deployments as string[]).includes('py-loop'));
    assert.deepEqual(seen.exportedTemplate, template);
    assert.ok(!JSON.stringify(seen).includes('python-secure-value'), 'a secure value came back');
    const atSub = seen.subscriptionDeployment as { id: string; location: string; provisioningState: string; outputs: Record<string, { value: string }> };
    assert.equal(atSub.id, `/subscriptions/${SUB}/providers/Microsoft.Resources/deployments/py-sub`);
    assert.equal(atSub.location, 'westeurope');
    assert.equal(atSub.provisioningState, 'Succeeded');
    assert.equal(atSub.outputs.groupLocation.value, 'westeurope');
  });
});
