/**
 * Requests for the surfaces no OpenAPI document describes: the token service (form posts with
 * odd fields, discovery documents, key sets, odd tenants), the managed identity endpoints
 * (App Service, Cloud Shell, IMDS), the cloud metadata document, /_arclight test control, and
 * a few hand-made agent requests (heartbeats with prototype keys, bodies cut off half way).
 * The clock, provider registration and oversized bodies are fuzzed one at a time afterwards
 * (sequentialCases.ts): their effects outlive the request.
 */
import { CLIENT_ID, TENANT } from '../support/arclight';
import { COLLECTIONS, Fixtures } from './fixtures';
import type { FuzzCase, Surface } from './httpClient';
import { BAD_PERCENT, GARBAGE_HOSTS, METHODS, ODD_NAMES } from './inputs';
import { DEEP_ARRAY, DEEP_OBJECT, HUGE_STRING, PROTOTYPE_KEYS } from './mutations';
import type { Rng } from './random';

const FORM = 'application/x-www-form-urlencoded';
const SECRET = 'arclight-secret';
const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const IDENTITY_HEADER = 'arclight-identity-header';

/** Pairs written as they are (already encoded, or deliberately not): a form body or a query string. */
type Pairs = Array<[string, string | undefined]>;
const joinPairs = (pairs: Pairs) => pairs.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&');
const enc = encodeURIComponent;

function make(surface: Surface, kind: string, origin: string, method: string, path: string, headers: Record<string, string> = {}, body?: string | Buffer): FuzzCase {
  return { surface, kind, origin, method, path, headers, body };
}

function tenants(rng: Rng): string {
  return rng.pick([
    TENANT, TENANT, 'arclight.local', 'ARCLIGHT.LOCAL', 'common', 'organizations', 'consumers', rng.guid(), TENANT.toUpperCase(),
    ...ODD_NAMES.filter(() => rng.chance(0.3)), 'adfs', 'msi', '_arclight',
  ]);
}

const RESOURCES = [
  'https://management.azure.com', 'https://management.azure.com/', 'https://management.core.windows.net/', 'https://graph.microsoft.com',
  'https://vault.azure.net', `api://${CLIENT_ID}`, CLIENT_ID, '', '%zz', '__proto__', 'https://management.azure.com/.default', 'constructor',
  'https://management.azure.com%2F..%2F', 'https://management.azure.com/.default%20https://graph.microsoft.com/.default',
];

/** Odd form fields: prototype keys, duplicates, empty keys, bad percent-encodings, huge values. */
function oddFormPairs(rng: Rng): Pairs {
  const options: Pairs = [
    ...PROTOTYPE_KEYS.map((k): [string, string] => [k, rng.pick(['1', 'x', '', '%7B%7D'])]),
    ['grant_type', 'password'], ['client_id', rng.guid()], ['', 'x'], ['', undefined], ['=', '='], ['%zz', '%zz'],
    [rng.pick(BAD_PERCENT), rng.pick(BAD_PERCENT)], ['scope', 'v'.repeat(20_000)], ['client_assertion', 'a.b.c'],
    ['client_assertion_type', 'urn:nope'], ['scope', '+++'], ['resource', rng.pick(RESOURCES)], ['client_secret', '%E0%A4%A'],
    ['grant_type%5B%5D', 'client_credentials'], ['client_id', ''], ['scope', ''], ['tenant', '__proto__'],
  ];
  return rng.sample(options, rng.int(1, 4));
}

/** Client assertions that are not what the token service expects. */
function oddAssertion(rng: Rng): string {
  const b64 = (o: unknown) => Buffer.from(typeof o === 'string' ? o : JSON.stringify(o)).toString('base64url');
  return rng.pick([
    'a.b.c', '', '...', 'x'.repeat(5000), `${b64({ alg: 'none' })}.${b64({ iss: CLIENT_ID })}.`,
    `${b64({ alg: 'RS256', x5t: 'AAAA' })}.${b64({ iss: CLIENT_ID, sub: CLIENT_ID, aud: 'x', exp: 1e20 })}.c2ln`,
    `${b64({ alg: 'PS256', 'x5t#S256': '%zz' })}.${b64('not json')}.c2ln`, `${b64({ alg: 'ES512', x5t: '__proto__' })}.${b64([])}.c2ln`,
    `${b64('[]')}.${b64('null')}.x`, `${b64({ alg: 'RS256', x5t: { a: 1 } })}.${b64({ iss: { a: 1 } })}.c2ln`, '%zz.%zz.%zz',
  ]);
}

function basicAuthorization(rng: Rng): string {
  const b64 = (s: string) => Buffer.from(s).toString('base64');
  return rng.pick([`Basic ${b64(`${CLIENT_ID}:${SECRET}`)}`, `Basic ${b64('nocolon')}`, `Basic ${b64('%zz:%E0%A4%A')}`, 'Basic !!!', 'Basic', `Basic ${b64(':')}`, `Basic ${b64('__proto__:constructor')}`]);
}

/** A grant the token service should honour: the default service principal, its secret, an ARM scope. */
function validGrant(flavour: Flavour, rng: Rng): Pairs {
  const resource = rng.pick(['https://management.azure.com', 'https://management.core.windows.net/', 'https://graph.microsoft.com']);
  return [
    ['grant_type', 'client_credentials'], ['client_id', CLIENT_ID], ['client_secret', SECRET],
    flavour === 'v2' ? ['scope', enc(`${resource}/.default`)] : ['resource', enc(resource)],
  ];
}

type Flavour = 'v2' | 'v1' | 'adfs';

const tokenPath = (tenant: string, flavour: Flavour) =>
  flavour === 'v2' ? `/${tenant}/oauth2/v2.0/token` : flavour === 'v1' ? `/${tenant}/oauth2/token` : '/adfs/oauth2/token';

/** A valid grant with at most one odd field, at a valid tenant spelling: most of it reaches the grant code. */
function validTokenCase(rng: Rng): FuzzCase {
  const flavour = rng.pick<Flavour>(['v2', 'v1', 'adfs']);
  const pairs = validGrant(flavour, rng);
  const odd = rng.chance(0.7);
  if (odd) pairs.splice(rng.int(0, pairs.length), 0, ...oddFormPairs(rng).slice(0, 1));
  const path = tokenPath(rng.pick([TENANT, 'arclight.local', TENANT.toUpperCase()]), flavour);
  return make('entra', odd ? 'entra-token:valid-plus-odd-field' : 'entra-token:valid', `token endpoint (${flavour})`, 'POST', path, { 'Content-Type': FORM }, joinPairs(pairs));
}

/** The fields of a grant, each drawn from good and odd values, with odd extra fields or one missing. */
function oddGrant(fx: Fixtures, flavour: Flavour, rng: Rng): { pairs: Pairs; kind: string } {
  const pairs: Pairs = [['grant_type', rng.chance(0.85) ? 'client_credentials' : rng.pick(['CLIENT_CREDENTIALS', 'authorization_code', '', 'refresh_token', '__proto__'])]];
  pairs.push(['client_id', rng.pick([CLIENT_ID, CLIENT_ID, fx.clusterClientId, rng.guid(), '', '__proto__', '%zz'])]);
  if (rng.chance(0.6)) pairs.push(['client_secret', rng.pick([SECRET, SECRET, 'wrong', '', '%zz', HUGE_STRING.slice(0, 5000)])]);
  else if (rng.chance(0.7)) pairs.push(['client_assertion_type', enc(JWT_BEARER)], ['client_assertion', enc(oddAssertion(rng))]);
  const resource = rng.pick(RESOURCES);
  pairs.push(flavour === 'v2' ? ['scope', enc(rng.chance(0.7) ? `${resource}/.default` : resource)] : ['resource', enc(resource)]);
  let kind = 'entra-token:plausible';
  if (rng.chance(0.6)) {
    pairs.push(...oddFormPairs(rng));
    kind = 'entra-token:odd-fields';
  }
  if (rng.chance(0.2)) {
    pairs.splice(rng.int(0, pairs.length - 1), 1);
    kind = 'entra-token:missing-field';
  }
  return { pairs: rng.chance(0.1) ? rng.sample(pairs, pairs.length) : pairs, kind };
}

interface TokenRequest {
  pairs: Pairs;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** What can be wrong around the form itself; each names the kind of the case. */
const TOKEN_TWISTS: Record<string, (t: TokenRequest, rng: Rng) => void> = {
  'json-body': (t) => {
    t.body = JSON.stringify(Object.fromEntries(t.pairs.map(([k, v]) => [k, v ?? ''])));
    t.headers['Content-Type'] = 'application/json';
  },
  'wrong-content-type': (t, rng) => {
    t.headers['Content-Type'] = rng.pick(['text/plain', 'multipart/form-data; boundary=x', ';;;', 'application/x-www-form-urlencoded; charset=utf-16']);
  },
  'invalid-utf8': (t) => {
    t.body = Buffer.concat([Buffer.from('grant_type=client_credentials&client_id='), Buffer.from([0xff, 0xfe, 0xc0]), Buffer.from('&scope=x')]);
  },
  'empty-body': (t) => {
    t.body = '';
  },
  'basic-auth': (t, rng) => {
    t.headers.Authorization = basicAuthorization(rng);
  },
  'garbage-host': (t, rng) => {
    t.headers.Host = rng.pick(GARBAGE_HOSTS);
  },
  'odd-request-id': (t, rng) => {
    t.headers['client-request-id'] = rng.pick(['x'.repeat(3000), '%zz', '', '__proto__']);
  },
};

function tokenCase(fx: Fixtures, rng: Rng): FuzzCase {
  if (rng.chance(0.3)) return validTokenCase(rng);
  const flavour = rng.pick<Flavour>(['v2', 'v1', 'adfs']);
  const grant = oddGrant(fx, flavour, rng);
  const t: TokenRequest = { pairs: grant.pairs, headers: { 'Content-Type': FORM }, body: joinPairs(grant.pairs) };
  let kind = grant.kind;
  if (rng.chance(0.35)) {
    const twist = rng.pick(Object.keys(TOKEN_TWISTS));
    TOKEN_TWISTS[twist](t, rng);
    kind = `entra-token:${twist}`;
  }
  const method = rng.chance(0.85) ? 'POST' : rng.pick(METHODS);
  if (method !== 'POST') kind = `entra-token:method:${method}`;
  return make('entra', kind, `token endpoint (${flavour})`, method, tokenPath(tenants(rng), flavour), t.headers, method === 'GET' || method === 'HEAD' ? undefined : t.body);
}

function discoveryCase(rng: Rng): FuzzCase {
  const tenant = tenants(rng);
  const path = rng.pick([
    `/${tenant}/v2.0/.well-known/openid-configuration`, `/${tenant}/.well-known/openid-configuration`, `/${tenant}/discovery/keys`,
    `/${tenant}/discovery/v2.0/keys`, '/adfs/.well-known/openid-configuration', '/adfs/discovery/keys', '/common/discovery/keys',
    `/${tenant}/v2.0/.well-known/openid-configuration${rng.pick(BAD_PERCENT)}`, `/${tenant}/.well-known/${rng.pick(ODD_NAMES)}`,
  ]);
  const headers: Record<string, string> = {};
  let kind = 'entra-discovery:plausible';
  if (rng.chance(0.25)) {
    headers.Host = rng.pick(GARBAGE_HOSTS);
    kind = 'entra-discovery:garbage-host';
  }
  const method = rng.chance(0.8) ? 'GET' : rng.pick(METHODS);
  if (method !== 'GET') kind = `entra-discovery:method:${method}`;
  const query = rng.chance(0.2) ? `?${rng.pick(['appid=%zz', '__proto__=1', 'p=%E0%A4%A', 'x'])}` : '';
  return make('entra', kind, 'discovery', method, `${path}${query}`, headers);
}

interface MsiRequest {
  kind: string;
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** resource=..., maybe an identity selector, maybe odd fields, maybe no resource at all. */
function msiParameters(fx: Fixtures, rng: Rng): Pairs {
  const resource = rng.chance(0.6) ? rng.pick(['https://management.azure.com', 'https://management.azure.com/', 'https://graph.microsoft.com', 'https://monitoring.azure.com']) : rng.pick(RESOURCES);
  const pairs: Pairs = [['resource', enc(resource)]];
  if (rng.chance(0.3)) {
    const selector = rng.pick(['client_id', 'principal_id', 'object_id', 'mi_res_id', 'msi_res_id']);
    pairs.push([selector, enc(rng.pick([fx.clusterClientId, '00000000-0000-0000-0000-000000000003', rng.guid(), '__proto__', '%zz', fx.clusterId, '']))]);
  }
  if (rng.chance(0.3)) pairs.push(...oddFormPairs(rng).map(([k, v]): [string, string | undefined] => [k, v?.slice(0, 500)]));
  if (rng.chance(0.15)) pairs.splice(0, 1);
  return pairs;
}

/** App Service: GET with X-IDENTITY-HEADER (2019-08-01) or secret (2017-09-01). */
function appServiceRequest(pairs: Pairs, rng: Rng): MsiRequest {
  const apiVersion = rng.chance(0.6) ? rng.pick(['2019-08-01', '2017-09-01']) : rng.pick(['2099-01-01', '', '%zz', '__proto__']);
  const headers: Record<string, string> = {};
  if (rng.chance(0.85)) headers[apiVersion === '2017-09-01' ? 'secret' : 'X-IDENTITY-HEADER'] = rng.chance(0.8) ? IDENTITY_HEADER : rng.pick(['wrong', '', '__proto__']);
  return { kind: 'msi:app-service', method: 'GET', path: `/msi/token?${joinPairs([['api-version', apiVersion], ...pairs])}`, headers };
}

/** Cloud Shell: a form post with Metadata: true. */
function cloudShellRequest(pairs: Pairs, rng: Rng): MsiRequest {
  const headers: Record<string, string> = { 'Content-Type': rng.chance(0.85) ? FORM : rng.pick(['application/json', 'text/plain']) };
  if (rng.chance(0.85)) headers.Metadata = rng.pick(['true', 'TRUE', 'false', '']);
  const path = rng.chance(0.2) ? `/msi/token?${joinPairs(rng.sample(pairs, 1))}` : '/msi/token';
  return { kind: 'msi:cloud-shell', method: 'POST', path, headers, body: joinPairs(pairs) };
}

/** IMDS: GET with Metadata: true and an api-version. */
function imdsRequest(pairs: Pairs, rng: Rng): MsiRequest {
  const headers: Record<string, string> = {};
  if (rng.chance(0.85)) headers.Metadata = rng.pick(['true', 'True', 'false']);
  const query = rng.chance(0.85) ? [['api-version', rng.pick(['2018-02-01', '2019-08-01', '', '%zz', '__proto__'])] as [string, string], ...pairs] : pairs;
  return { kind: 'msi:imds', method: 'GET', path: `/metadata/identity/oauth2/token?${joinPairs(query)}`, headers };
}

function msiCase(fx: Fixtures, rng: Rng): FuzzCase {
  const r = rng.pick([appServiceRequest, cloudShellRequest, imdsRequest])(msiParameters(fx, rng), rng);
  if (rng.chance(0.1)) {
    r.headers.Host = rng.pick(GARBAGE_HOSTS);
    r.kind += ':garbage-host';
  }
  if (rng.chance(0.1)) {
    r.method = rng.pick(METHODS);
    r.kind += `:method:${r.method}`;
  }
  if (rng.chance(0.1)) {
    const bad = `${rng.pick(BAD_PERCENT)}=${rng.pick(BAD_PERCENT)}`;
    r.path = r.path.includes('?') ? r.path.replace('?', `?${bad}&`) : `${r.path}?${bad}`;
    r.kind += ':bad-percent';
  }
  return make('msi', r.kind, 'managed identity', r.method, r.path, r.headers, r.method === 'GET' || r.method === 'HEAD' ? undefined : r.body);
}

function metadataCase(rng: Rng): FuzzCase {
  const apiVersion = rng.pick(['2015-01-01', '1.0', '2018-01-01', '2019-05-01', '2022-09-01', '2023-11-01', '2099-01-01', '', '%zz', '__proto__', 'constructor', undefined]);
  const query = apiVersion === undefined ? '' : `?${rng.chance(0.2) ? 'API-VERSION' : 'api-version'}=${apiVersion}`;
  const headers: Record<string, string> = {};
  let kind = 'metadata:plausible';
  if (rng.chance(0.4)) {
    headers.Host = rng.pick(GARBAGE_HOSTS);
    kind = 'metadata:garbage-host';
  }
  const method = rng.chance(0.85) ? 'GET' : rng.pick(METHODS);
  if (method !== 'GET') kind = `metadata:method:${method}`;
  return make('metadata', kind, 'cloud metadata', method, `/metadata/endpoints${query}`, headers);
}

/** Bodies for the agents' test controls (fail's message). */
function controlBody(rng: Rng): string | undefined {
  return rng.pick([undefined, '{}', '{"message":"broken"}', '{"message":1}', '{"message":null}', `{"message":"${HUGE_STRING}"}`, '{"__proto__":{"message":"x"}}',
    '{"constructor":{"prototype":{"x":1}}}', DEEP_ARRAY, DEEP_OBJECT, '{', '"text"', '[]']);
}

function adminCase(fx: Fixtures, rng: Rng): FuzzCase {
  const [group] = fx.groups.keep;
  const configId = (collection: string, name: string) => `${fx.clusterId}/providers/Microsoft.KubernetesConfiguration/${collection}/${name}`;
  const collection = rng.pick(COLLECTIONS);
  const ids = [
    fx.clusterId, fx.agentClusterId, fx.clusterId.toUpperCase(), fx.clusterId.replace(fx.clusters.keep[0], fx.clusters.absent[0]), `/subscriptions/${fx.subscriptionId}/resourceGroups/${group}`,
    configId(collection, fx.configurations[collection].keep[0]), configId(collection, fx.configurations[collection].absent[0]), '', '/', rng.pick(ODD_NAMES), `/${rng.pick(BAD_PERCENT)}`,
  ];
  const id = rng.pick(ids);
  const shownId = rng.chance(0.3) ? `/${enc(id)}` : id;
  const action = rng.pick(['connect', 'disconnect', 'fail', 'recover', 'Connect', rng.pick(ODD_NAMES)]);
  const choices: Array<() => FuzzCase> = [
    () => make('admin', 'admin:read', 'test control', rng.pick(['GET', 'GET', 'HEAD', 'OPTIONS']), rng.pick(['/_arclight/health', '/_arclight/ready', '/_arclight/ca.pem', '/_arclight/clock'])),
    () => make('admin', 'admin:method', 'test control', rng.pick(METHODS), rng.pick(['/_arclight/health', '/_arclight/ready', '/_arclight/ca.pem', '/_arclight/clock', '/_arclight/clock/advance'])),
    () => make('admin', 'admin:unknown-path', 'test control', rng.pick(METHODS), rng.pick([
      '/_arclight', '/_arclight/', '/_arclight/nope', `/_arclight/${rng.pick(BAD_PERCENT)}`, `/_arclight/${rng.pick(ODD_NAMES)}`, '/_arclight/clusters', '/_arclight/clusters/',
      '/_arclight/clock/advance/more', '/_arclight/HEALTH', '/_arclight//health', `/_arclight/health${rng.pick(BAD_PERCENT)}`, '/_arclight/reset/x', '/_arclight/ready?x=%zz',
    ])),
    () => make('admin', `admin:cluster-control`, 'test control', rng.chance(0.85) ? 'POST' : rng.pick(METHODS), `/_arclight/clusters${shownId}/${action}`,
      { 'Content-Type': 'application/json' }, action === 'fail' || rng.chance(0.2) ? controlBody(rng) : undefined),
    () => make('admin', 'admin:cluster-control-bad-percent', 'test control', 'POST', `/_arclight/clusters/${rng.pick(BAD_PERCENT)}${rng.chance(0.5) ? fx.clusterId : ''}/${action}`),
    // Only resets that must be refused (an unknown subscription): a real reset would remove the fixtures.
    () => make('admin', 'admin:reset-unknown-subscription', 'test control', 'POST', `/_arclight/reset?subscription=${rng.pick([rng.guid(), '__proto__', 'constructor', '%zz', 'toString', 'hasOwnProperty', 'x'.repeat(500)])}`),
  ];
  return rng.pick(choices)();
}

/** Heartbeats and status reports with prototype keys, as the cluster's own identity: they reach the data plane's code. */
function agentPrototypeCase(fx: Fixtures, rng: Rng): FuzzCase {
  const keys = rng.sample(PROTOTYPE_KEYS, rng.int(1, 3));
  const base: Record<string, unknown> = { agentVersion: '1.21.0', kubernetesVersion: '1.29.4', totalNodeCount: 3, totalCoreCount: 12 };
  const body = `{${keys.map((k) => `"${k}":${rng.pick(['{}', '1', '"x"', 'null', '{"agentVersion":"9"}'])}`).join(',')},${JSON.stringify(base).slice(1)}`;
  const collection = rng.pick(COLLECTIONS);
  const path = rng.chance(0.6)
    ? '/arc/regions/eastus/dataplane/heartbeat'
    : `/arc/regions/eastus/dataplane/configurations/${rng.pick([collection, ...keys])}/${rng.pick([fx.configurations[collection].keep[0], ...keys])}/status`;
  return make('agents', 'agents:prototype-keys', 'agent data plane', 'POST', path, { Authorization: fx.clusterAuthorization, 'Content-Type': 'application/json' }, body);
}

/** Bodies cut off half way: there is no answer; the server's log is checked for what it made of them. */
function abortedCases(fx: Fixtures, armAuthorization: string): FuzzCase[] {
  const clusterPut = `${fx.clusterId}?api-version=2024-01-01`;
  const json = { 'Content-Type': 'application/json', Authorization: armAuthorization };
  const aborted: Array<[FuzzCase['surface'], string, string, Record<string, string>]> = [
    ['arm', 'PUT', clusterPut, json],
    ['arm', 'PATCH', clusterPut, json],
    ['arm', 'PUT', `/subscriptions/${fx.subscriptionId}/resourcegroups/fuzz-rg-aborted?api-version=2022-09-01`, json],
    ['entra', 'POST', `/${TENANT}/oauth2/v2.0/token`, { 'Content-Type': FORM }],
    ['msi', 'POST', '/msi/token', { 'Content-Type': FORM, Metadata: 'true' }],
    ['agents', 'POST', '/arc/regions/eastus/dataplane/heartbeat', { 'Content-Type': 'application/json', Authorization: fx.clusterAuthorization }],
    ['agents', 'POST', '/arc/regions/eastus/his/certificates', { 'Content-Type': 'application/json' }],
    ['admin', 'POST', '/_arclight/clock/advance', { 'Content-Type': 'application/json' }],
    ['admin', 'POST', `/_arclight/clusters${fx.clusterId}/providers/Microsoft.KubernetesConfiguration/extensions/${fx.configurations.extensions.keep[0]}/fail`, { 'Content-Type': 'application/json' }],
  ];
  return aborted.map(([surface, method, path, headers]) => ({ ...make(surface, 'transport:aborted-body', 'aborted body', method, path, headers), transport: 'abort' }));
}

export interface SurfaceCounts {
  token: number;
  discovery: number;
  msi: number;
  metadata: number;
  admin: number;
  agentPrototype: number;
}

export function surfaceCases(fx: Fixtures, rng: Rng, counts: SurfaceCounts): FuzzCase[] {
  const repeat = (n: number, make: () => FuzzCase) => Array.from({ length: n }, make);
  return [
    ...repeat(counts.token, () => tokenCase(fx, rng)),
    ...repeat(counts.discovery, () => discoveryCase(rng)),
    ...repeat(counts.msi, () => msiCase(fx, rng)),
    ...repeat(counts.metadata, () => metadataCase(rng)),
    ...repeat(counts.admin, () => adminCase(fx, rng)),
    ...repeat(counts.agentPrototype, () => agentPrototypeCase(fx, rng)),
    ...abortedCases(fx, fx.armAuthorization()),
  ];
}
