/**
 * What a test's set-up waits for: a connected cluster, an extension and a flux configuration
 * created with the official JS SDK's begin...AndWait (its default polling), client-side wall
 * time, beside the same three PUTs against the bare-node reference (which answers at once and
 * has nothing to wait for).
 */
import * as https from 'https';
import { ResourceManagementClient } from '@azure/arm-resources';
import type { ServerUnderTest } from './processes';
import { SUBSCRIPTION, Workload } from './scenarios';
import { sdkClients } from './sdkClients';

const CC = ['Microsoft.Kubernetes', 'connectedClusters'] as const;
const FLUX = {
  gitRepository: { url: 'https://github.com/Azure/arc-k8s-demo', repositoryRef: { branch: 'main' } }, kustomizations: { apps: { path: './apps' } },
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const since = (started: bigint) => Number(process.hrtime.bigint() - started) / 1e6;

/** Median milliseconds of the three SDK creates, each waited for, in a fresh group per run. */
export async function sdkCreateAndWaitMs(server: ServerUnderTest, runs: number): Promise<number> {
  const { credential, agent, options, clusters, config, agentKey } = sdkClients(server);
  const groups = new ResourceManagementClient(credential, SUBSCRIPTION, options);
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const group = `bench-sdk-wait-${i}`;
      await groups.resourceGroups.createOrUpdate(group, { location: 'eastus' });
      const started = process.hrtime.bigint();
      await clusters.connectedClusterOperations.beginCreateAndWait(group, 'arc', {
        location: 'eastus', identity: { type: 'SystemAssigned' }, agentPublicKeyCertificate: agentKey, distribution: 'kind', infrastructure: 'generic',
      });
      await config.extensions.beginCreateAndWait(group, ...CC, 'arc', 'flux', { extensionType: 'microsoft.flux' });
      await config.fluxConfigurations.beginCreateOrUpdateAndWait(group, ...CC, 'arc', 'gitops', FLUX);
      times.push(since(started));
    }
  } finally {
    agent.destroy();
  }
  return median(times);
}

/** Median milliseconds of three sequential PUTs (cluster, extension, flux configuration) on one keep-alive connection, in the group `bench`. */
export async function threePutsMs(server: ServerUnderTest, work: Workload, runs: number): Promise<number> {
  const agent = new https.Agent({ ca: server.ca, keepAlive: true, maxSockets: 1 });
  const put = (path: string, body: string) => new Promise<void>((resolve, reject) => {
    const req = https.request(`${server.origin}${path}`, { method: 'PUT', agent, headers: { ...work.headers, 'Content-Length': Buffer.byteLength(body) } }, (res) => {
      res.resume();
      res.on('end', () => (res.statusCode && res.statusCode < 300 ? resolve() : reject(new Error(`PUT ${path}: ${res.statusCode}`))));
    });
    req.on('error', reject);
    req.end(body);
  });
  const cluster = `/subscriptions/${SUBSCRIPTION}/resourceGroups/bench/providers/Microsoft.Kubernetes/connectedClusters`;
  const times: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      const started = process.hrtime.bigint();
      await put(`${cluster}/wait-${i}?api-version=2024-01-01`, work.clusterBody);
      await put(`${cluster}/wait-${i}/providers/Microsoft.KubernetesConfiguration/extensions/flux?api-version=2023-05-01`, JSON.stringify({ properties: { extensionType: 'microsoft.flux' } }));
      await put(`${cluster}/wait-${i}/providers/Microsoft.KubernetesConfiguration/fluxConfigurations/gitops?api-version=2023-05-01`, JSON.stringify({ properties: FLUX }));
      times.push(since(started));
    }
  } finally {
    agent.destroy();
  }
  return median(times);
}
