/**
 * Cases whose effect outlives the request, sent one at a time after the concurrent batch:
 *   - the emulator clock: each odd advance or set is followed by probes (test control, the
 *     token service, ARM reads, the agents' discovery) that read the moved clock, and then the
 *     clock is put back, so that one overflow does not turn every later request into the same
 *     failure and each class shows on its own;
 *   - unregistering the provider the fixtures live on, a write while it is unregistered, and
 *     registering it again;
 *   - bodies above --body-limit (413), each followed by an ordinary error: a refused body must
 *     not change how later requests are answered (e.g. every later answer closing its connection).
 */
import type { RunningArclight } from '../../server/arclight';
import { fakeToken, CLIENT_ID, TENANT } from '../support/arclight';
import type { Fixtures } from './fixtures';
import { FuzzCase, Outcome, send, Target } from './httpClient';
import { DEEP_ARRAY, DEEP_OBJECT } from './mutations';

export interface Sent {
  cases: FuzzCase[];
  outcomes: Outcome[];
}

const json = { 'Content-Type': 'application/json' };

const ADVANCES = [
  '{"seconds":1e20}', '{"seconds":1e308}', '{"seconds":-1}', '{"seconds":"5"}', '{"seconds":0}', '{"seconds":1e-9}', '{"seconds":8.64e12}',
  '{"seconds":2.5e11}', '{"seconds":1e16}', '{"duration":"P999999999D"}', '{"duration":"PT16M"}', '{"duration":"P90D"}', '{"duration":"P1.5W"}',
  '{"duration":""}', '{"duration":"P"}', '{"duration":"PT"}', `{"duration":"P${'9'.repeat(400)}D"}`, '{"duration":5}', '"PT16M"',
  '"P999999999999D"', '{}', 'null', '[]', '{', DEEP_ARRAY, DEEP_OBJECT, '{"__proto__":{"seconds":5}}', '{"constructor":{"seconds":5}}',
  '{"seconds":1,"duration":"PT1M"}', '{"duration":"pt1h"}', '{"duration":"P1Y"}', '{"duration":"-PT1M"}', '{"seconds":1e21,"duration":"PT1S"}',
];

const SETS = [
  '{"now":"+275760-09-13T00:00:00.000Z"}', '{"now":"9999-12-31T23:59:59Z"}', '{"now":"2020-01-01T00:00:00Z"}', '{"now":1}', '{"now":"not a date"}',
  '{"now":"2999-01-01T00:00:00Z","frozen":"yes"}', '{"now":"2999-01-01T00:00:00Z","frozen":true}', '{"now":"+275760-09-13T00:00:00.001Z"}',
  '{"now":"2100-01-01"}', '{}', '{"frozen":true}', '{"now":"+100000-01-01T00:00:00Z"}', '{"now":"2038-01-19T03:14:08Z"}', DEEP_OBJECT,
  '{"__proto__":{"now":"2999-01-01T00:00:00Z"}}',
];

/** Sends one case and keeps it with its outcome. */
async function record(target: Target, sent: Sent, c: FuzzCase): Promise<Outcome> {
  const outcome = await send(target, c);
  sent.cases.push(c);
  sent.outcomes.push(outcome);
  return outcome;
}

/** What reads the clock after it moved: each probe is reported under the clock change that preceded it. */
async function probes(server: RunningArclight, target: Target, fx: Fixtures, sent: Sent, change: string): Promise<void> {
  const kind = `clock-probe:${change.length > 60 ? `${change.slice(0, 40)}...` : change}`;
  const probe = (surface: FuzzCase['surface'], origin: string, method: string, path: string, headers: Record<string, string> = {}, body?: string) =>
    record(target, sent, { surface, kind, origin, method, path, headers, body });
  await probe('admin', 'clock', 'GET', '/_arclight/clock');
  await probe('admin', 'health', 'GET', '/_arclight/health');
  const form = new URLSearchParams({ grant_type: 'client_credentials', client_id: CLIENT_ID, client_secret: 'arclight-secret', scope: 'https://management.azure.com/.default' });
  const token = await probe('entra', 'token endpoint', 'POST', `/${TENANT}/oauth2/v2.0/token`, { 'Content-Type': 'application/x-www-form-urlencoded' }, form.toString());
  // A token that is fresh on the moved clock: an issued one when the service gave one, else (lenient) an unsigned one.
  let authorization = `Bearer ${fakeToken({ exp: Math.floor(server.services.clock.nowMs() / 1000) + 3600 })}`;
  try {
    if (token.status === 200) authorization = `Bearer ${JSON.parse(token.body.toString('utf8')).access_token}`;
  } catch {
    // judged as "body labelled JSON is not JSON" with the rest
  }
  await probe('arm', 'ConnectedCluster_Get', 'GET', `${fx.clusterId}?api-version=2024-01-01`, { Authorization: authorization });
  await probe('arm', 'ConnectedCluster_ListByResourceGroup', 'GET', `/subscriptions/${fx.subscriptionId}/resourceGroups/${fx.groups.keep[0]}/providers/Microsoft.Kubernetes/connectedClusters?api-version=2024-01-01`, { Authorization: authorization });
  await probe('arm', 'Extensions_Get', 'GET', `${fx.clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${fx.configurations.extensions.keep[0]}?api-version=2024-11-01`, { Authorization: authorization });
  await probe('agents', 'Discovery_Get', 'GET', `/arc/his/discovery?clusterId=${encodeURIComponent(fx.agentClusterId)}`);
  await probe('agents', 'Heartbeat_Send', 'POST', '/arc/regions/eastus/dataplane/heartbeat', { ...json, Authorization: fx.clusterAuthorization }, '{"agentVersion":"1.21.0"}');
}

export async function clockCases(server: RunningArclight, target: Target, fx: Fixtures): Promise<Sent> {
  const sent: Sent = { cases: [], outcomes: [] };
  const changes: Array<[string, string, string]> = [
    ...ADVANCES.map((b): [string, string, string] => ['POST', '/_arclight/clock/advance', b]),
    ...SETS.map((b): [string, string, string] => ['PUT', '/_arclight/clock', b]),
  ];
  for (const [method, path, body] of changes) {
    const saved = server.services.clock.snapshot();
    const label = `${method === 'PUT' ? 'set' : 'advance'} ${body}`;
    await record(target, sent, { surface: 'admin', kind: `clock:${method === 'PUT' ? 'set' : 'advance'}`, origin: 'test control clock', method, path, headers: json, body });
    await probes(server, target, fx, sent, label);
    // Back to where it was: the clock never moves backwards through the API, so the test uses the server object it owns.
    server.services.clock.restore(saved);
  }
  return sent;
}

/** Unregister the provider the fixtures need, write while it is unregistered, register it again. */
export async function registrationCases(target: Target, fx: Fixtures): Promise<Sent> {
  const sent: Sent = { cases: [], outcomes: [] };
  const auth = { Authorization: fx.armAuthorization() };
  const provider = (action: string, ns: string) => `/subscriptions/${fx.subscriptionId}/providers/${ns}/${action}?api-version=2022-09-01`;
  const steps: Array<[string, string, string | undefined]> = [
    ['POST', provider('unregister', 'Microsoft.Kubernetes'), undefined],
    ['PATCH', `${fx.clusterId}?api-version=2024-01-01`, '{"tags":{"a":"b"}}'],
    ['PUT', `${fx.clusterId.replace(fx.clusters.keep[0], 'fuzz-cluster-unregistered')}?api-version=2024-01-01`, '{"location":"eastus","identity":{"type":"SystemAssigned"},"properties":{"agentPublicKeyCertificate":""}}'],
    ['GET', `${fx.clusterId}?api-version=2024-01-01`, undefined],
    ['POST', provider('unregister', 'microsoft.kubernetes'), undefined],
    ['POST', provider('register', 'MICROSOFT.KUBERNETES'), undefined],
    ['POST', provider('register', 'Microsoft.Kubernetes'), undefined],
  ];
  for (const [method, path, body] of steps) {
    await record(target, sent, { surface: 'arm', kind: 'registration', origin: 'provider registration', method, path, headers: body ? { ...auth, ...json } : auth, body });
  }
  return sent;
}

const OVERSIZED = 'x'.repeat(5 * 1024 * 1024);

/** Oversized bodies, last: each is followed by requests whose answers must be as before. */
export async function bodyLimitCases(target: Target, fx: Fixtures): Promise<Sent> {
  const sent: Sent = { cases: [], outcomes: [] };
  const auth = { Authorization: fx.armAuthorization() };
  const after = async (label: string) => {
    await record(target, sent, { surface: 'arm', kind: `after-oversized:${label}`, origin: 'missing api-version', method: 'GET', path: `/subscriptions/${fx.subscriptionId}/resourcegroups`, headers: auth });
    await record(target, sent, { surface: 'arm', kind: `after-oversized:${label}`, origin: 'malformed body', method: 'PUT', path: `/subscriptions/${fx.subscriptionId}/resourcegroups/fuzz-rg-doomed?api-version=2022-09-01`, headers: { ...auth, ...json }, body: '{' });
  };
  await record(target, sent, { surface: 'arm', kind: 'transport:oversized', origin: 'body limit', method: 'PUT', path: `${fx.clusterId}?api-version=2024-01-01`, headers: { ...auth, ...json }, body: `{"location":"${OVERSIZED}"}` });
  await after('ARM PUT');
  await record(target, sent, { surface: 'entra', kind: 'transport:oversized', origin: 'body limit', method: 'POST', path: `/${TENANT}/oauth2/v2.0/token`, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, body: `scope=${OVERSIZED}` });
  await after('token POST');
  return sent;
}
