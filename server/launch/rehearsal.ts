/**
 * The build's rehearsal of a start (scripts/bundleCommand.ts): an in-memory Arclight answering
 * what a client's first requests are (a group list, a group, a connected cluster written, read
 * and listed), so that the code cache the build writes afterwards holds the functions those
 * requests compile, and a real start's first answer compiles none of them.
 */
import * as https from 'https';
import { startArclight } from '../arclight';

const SUBSCRIPTION = '/subscriptions/00000000-0000-0000-0000-000000000000';
const GROUPS = '2021-04-01';
const CLUSTERS = '2024-01-01';

export async function rehearseStart(): Promise<void> {
  const running = await startArclight({ inMemory: true, port: 0, auth: 'off' });
  const call = (method: string, path: string, body?: object) => new Promise<number>((resolve, reject) => {
    const req = https.request(`${running.url}${path}`, { method, ca: running.caCertPem, headers: body ? { 'content-type': 'application/json' } : {} }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end(body && JSON.stringify(body));
  });
  try {
    const group = `${SUBSCRIPTION}/resourceGroups/rehearsal`;
    const cluster = `${group}/providers/Microsoft.Kubernetes/connectedClusters/c1`;
    await call('GET', `${SUBSCRIPTION}/resourcegroups?api-version=${GROUPS}`);
    await call('PUT', `${group}?api-version=${GROUPS}`, { location: 'eastus' });
    await call('GET', `${group}?api-version=${GROUPS}`);
    await call('PUT', `${cluster}?api-version=${CLUSTERS}`, {
      location: 'eastus', identity: { type: 'SystemAssigned' },
      properties: { agentPublicKeyCertificate: '', distribution: 'kind', infrastructure: 'generic' },
    });
    await call('GET', `${cluster}?api-version=${CLUSTERS}`);
    await call('GET', `${group}/providers/Microsoft.Kubernetes/connectedClusters?api-version=${CLUSTERS}`);
  } finally {
    await running.stop();
  }
}
