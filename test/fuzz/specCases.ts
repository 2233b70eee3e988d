/**
 * Requests derived from one spec operation: a plausible request (path parameters bound to
 * things that exist, a body sampled from the request schema), then the same request with
 * absent and odd names, under every HTTP method, with each body mutation, with broken paths,
 * query strings and headers. Case kinds name what was changed: the report groups by them.
 */
import type { Fixtures, NamePool } from './fixtures';
import { COLLECTIONS } from './fixtures';
import type { FuzzCase } from './httpClient';
import { API_VERSION_NAMES, BAD_PERCENT, GARBAGE_HOSTS, METHODS, ODD_HEADERS, ODD_NAMES, oddAuthorizations, UNKNOWN_API_VERSIONS } from './inputs';
import { BODY_MUTATION_KINDS, BodyVariant, mutateBody } from './mutations';
import type { Rng } from './random';
import { hintFor, Hints, SchemaSampler } from './schemaValues';
import type { Credential, SpecOperation } from './specOperations';

export interface CaseContext {
  fixtures: Fixtures;
  hints: Hints;
  /** The Authorization header a request of this credential normally carries. */
  authorization(credential: Credential): string | undefined;
}

type Want = 'existing' | 'absent' | 'odd';

/** A request being built: raw (already encoded) path segments and query pairs. */
interface Draft {
  method: string;
  segments: string[];
  /** Indexes of the segments that are parameters. */
  params: number[];
  query: Array<[string, string | undefined]>;
  headers: Record<string, string>;
  /** The plausible body value (write methods of operations with a request schema). */
  value?: unknown;
  body?: string | Buffer;
}

const WRITE_METHODS = new Set(['PUT', 'PATCH', 'POST']);

/** Existing names, mostly the kept ones; a DELETE gets only the doomed (or absent) ones. */
function fromPool(pool: NamePool, want: Want, destroying: boolean, rng: Rng): string {
  if (want === 'absent') return rng.pick(pool.absent);
  if (destroying) return rng.pick(pool.doomed.length ? pool.doomed : pool.absent);
  return rng.pick(rng.chance(0.85) ? pool.keep : pool.doomed.length ? pool.doomed : pool.keep);
}

const PARENTS = [
  { rp: 'Microsoft.ContainerService', type: 'managedClusters' },
  { rp: 'Microsoft.HybridContainerService', type: 'provisionedClusters' },
  { rp: 'Microsoft.ResourceConnector', type: 'appliances' },
  { rp: 'Microsoft.Nope', type: 'things' },
];

/**
 * Values for every path parameter of the template. Parents are chosen together (clusterRp,
 * clusterResourceName and clusterName name one cluster); only the last name of a DELETE path
 * is a doomed one, so deleting a configuration never deletes its kept cluster.
 */
function bindParameters(op: SpecOperation, names: string[], want: Want, method: string, ctx: CaseContext, rng: Rng): Record<string, string> {
  const fx = ctx.fixtures;
  const leaf = names[names.length - 1];
  const values: Record<string, string> = {};
  const parent = rng.chance(0.85) ? undefined : rng.chance(0.6) ? PARENTS[0] : rng.pick(PARENTS.slice(1));
  const collection = want === 'absent' && rng.chance(0.3) ? 'widgets' : rng.pick(COLLECTIONS);
  for (const name of names) {
    const destroying = method === 'DELETE' && name === leaf;
    const pool = (p: NamePool) => fromPool(p, want === 'odd' ? 'existing' : want, destroying, rng);
    let value: string;
    switch (name) {
      case 'subscriptionId': value = want === 'absent' && rng.chance(0.5) ? rng.guid() : rng.chance(0.1) ? fx.subscriptionId.toUpperCase() : fx.subscriptionId; break;
      case 'resourceGroupName': value = pool(fx.groups); break;
      case 'clusterRp': value = parent ? parent.rp : rng.chance(0.15) ? rng.oddCase('Microsoft.Kubernetes') : 'Microsoft.Kubernetes'; break;
      case 'clusterResourceName': value = parent ? parent.type : 'connectedClusters'; break;
      case 'clusterName': value = parent ? (parent === PARENTS[0] && want !== 'absent' && !destroying ? fx.managedCluster : 'fuzz-parent-absent') : pool(fx.clusters); break;
      case 'extensionName': value = pool(fx.configurations.extensions); break;
      case 'fluxConfigurationName': value = pool(fx.configurations.fluxConfigurations); break;
      case 'sourceControlConfigurationName': value = pool(fx.configurations.sourceControlConfigurations); break;
      case 'deploymentName': value = pool(fx.deployments); break;
      case 'operationId': value = want === 'absent' ? rng.guid() : rng.pick(fx.operationIds); break;
      case 'location': value = want === 'absent' ? 'nowhere' : rng.pick(['eastus', 'EastUS', 'East US']); break;
      case 'resourceProviderNamespace':
        // Unregistering what the fixtures live on would turn every later write into a 409.
        value = want === 'absent' ? 'Microsoft.Nope' : /unregister$/.test(op.template)
          ? rng.pick(['Microsoft.Resources', 'Microsoft.HybridContainerService', 'Microsoft.ResourceConnector'])
          : rng.pick(['Microsoft.Kubernetes', 'microsoft.kubernetesconfiguration', 'Microsoft.Resources', 'Microsoft.ContainerService']);
        break;
      case 'resourceName': value = want === 'absent' || destroying ? 'fuzz-parent-absent' : fx.managedCluster; break;
      case 'region': value = want === 'absent' ? rng.pick(['westeurope', 'nowhere']) : rng.pick(['eastus', 'EastUS']); break;
      case 'collection': value = collection; break;
      case 'name': value = collection === 'widgets' ? 'nope' : pool(fx.configurations[collection as keyof typeof fx.configurations]); break;
      default: value = rng.word();
    }
    values[name] = encodeURIComponent(value);
  }
  if (want === 'odd' && names.length) values[rng.pick(names)] = rng.pick(ODD_NAMES);
  return values;
}

function plausibleQuery(op: SpecOperation, ctx: CaseContext, rng: Rng): Array<[string, string]> {
  const query: Array<[string, string]> = [];
  if (op.apiVersions.length) query.push(['api-version', rng.pick(op.apiVersions)]);
  const sampler = new SchemaSampler(op.root, rng, ctx.hints);
  for (const p of op.query) {
    // The agents' discovery needs one of its optional parameters: send them more often there.
    if (!p.required && !rng.chance(op.surface === 'agents' ? 0.6 : 0.2)) continue;
    const hint = hintFor(ctx.hints, p.name);
    const value = hint ? hint(rng) : sampler.sample(p.schema);
    query.push([encodeURIComponent(p.name), encodeURIComponent(typeof value === 'string' ? value : JSON.stringify(value))]);
  }
  return query;
}

function draft(op: SpecOperation, ctx: CaseContext, rng: Rng, want: Want = 'existing', method = op.method): Draft {
  const parts = op.template.split('/').filter(Boolean);
  const names = parts.filter((p) => p.startsWith('{')).map((p) => p.slice(1, -1));
  const values = bindParameters(op, names, want, method, ctx, rng);
  const params: number[] = [];
  const segments = parts.map((p, i) => {
    if (!p.startsWith('{')) return p;
    params.push(i);
    return values[p.slice(1, -1)];
  });
  const headers: Record<string, string> = {};
  const authorization = ctx.authorization(op.credential);
  if (authorization) headers.Authorization = authorization;
  const d: Draft = { method, segments, params, query: plausibleQuery(op, ctx, rng), headers };
  if (WRITE_METHODS.has(method)) {
    d.value = op.requestSchema ? new SchemaSampler(op.root, rng, ctx.hints).sample(op.requestSchema) : undefined;
    if (d.value !== undefined) setBody(d, { kind: 'plausible', body: JSON.stringify(d.value) });
  }
  return d;
}

function setBody(d: Draft, v: BodyVariant): void {
  d.body = v.body;
  delete d.headers['Content-Type'];
  if (v.contentType !== null && (v.body !== undefined || v.contentType !== undefined)) d.headers['Content-Type'] = v.contentType ?? 'application/json';
}

function render(op: SpecOperation, kind: string, d: Draft): FuzzCase {
  const query = d.query.map(([k, v]) => (v === undefined ? k : `${k}=${v}`)).join('&');
  return {
    surface: op.surface,
    kind,
    origin: op.origin,
    method: d.method,
    path: `/${d.segments.join('/')}${d.query.length ? `?${query}` : ''}`,
    headers: d.headers,
    body: d.body,
  };
}

const paramOrAny = (d: Draft, rng: Rng) => (d.params.length ? rng.pick(d.params) : rng.int(0, d.segments.length - 1));

type DraftMutation = (d: Draft, rng: Rng, ctx: CaseContext) => void;

const PATH_MUTATIONS: Record<string, DraftMutation> = {
  'bad-percent': (d, rng) => {
    const i = paramOrAny(d, rng);
    d.segments[i] = rng.chance(0.5) ? rng.pick(BAD_PERCENT) : `${d.segments[i]}${rng.pick(BAD_PERCENT)}`;
  },
  'bad-percent-literal': (d, rng) => {
    const literals = d.segments.map((_, i) => i).filter((i) => !d.params.includes(i));
    const i = literals.length ? rng.pick(literals) : 0;
    d.segments[i] = `${d.segments[i].slice(0, 2)}${rng.pick(BAD_PERCENT)}${d.segments[i].slice(2)}`;
  },
  'encoded-slash': (d, rng) => {
    const i = paramOrAny(d, rng);
    d.segments[i] = rng.pick([`${d.segments[i]}%2F${rng.word()}`, `a%2F..%2F${d.segments[i]}`, `${d.segments[i]}%2f`, '%2F']);
  },
  'odd-case': (d, rng) => {
    d.segments = d.segments.map((s, i) => (d.params.includes(i) ? s : rng.oddCase(s)));
  },
  'double-slash': (d, rng) => d.segments.splice(rng.int(0, d.segments.length), 0, ''),
  'trailing-slash': (d) => d.segments.push(''),
  'dot-segment': (d, rng) => d.segments.splice(rng.int(1, d.segments.length), 0, rng.pick(['..', '.', '%2e%2e', '%2E'])),
  'extra-segment': (d, rng) => d.segments.push(rng.pick([rng.word(), 'providers', '%7Bx%7D', 'operations'])),
  'odd-name': (d, rng) => {
    d.segments[paramOrAny(d, rng)] = rng.pick(ODD_NAMES);
  },
  truncated: (d, rng) => {
    d.segments = d.segments.slice(0, rng.int(1, Math.max(1, d.segments.length - 1)));
  },
};

const apiVersionIndex = (d: Draft) => d.query.findIndex(([k]) => k === 'api-version');

function setApiVersion(d: Draft, value: string): void {
  const i = apiVersionIndex(d);
  if (i >= 0) d.query[i] = ['api-version', value];
  else d.query.unshift(['api-version', value]);
}

const ODD_QUERY_VALUES: Record<string, string[]> = {
  $top: ['-1', '0', 'abc', '1e400', '99999999999999999999', '1.5', '', '%zz', '0x10'],
  $skipToken: ['garbage', '%zz', Buffer.from('{"a":1}').toString('base64'), Buffer.from('not json').toString('base64'), 'eyJ9', '__proto__', Buffer.from('{"__proto__":{"x":1},"offset":-5}').toString('base64'), 'a'.repeat(2000)],
  $filter: ["name%20eq%20'", "tags%2Fx%20eq%20'y'", '(((((', 'substringof(', '%zz', "location%20eq%20'eastus'%20and%20", '__proto__', "resourceType%20eq%20'Microsoft.Kubernetes%2FconnectedClusters'"],
  $expand: ['%zz', 'everything', '__proto__', ''],
  forceDelete: ['maybe', 'TRUE', '1', '', '%00'],
  includeExtendedLocations: ['yes', 'TRUE', '%zz'],
  forceDeletionTypes: ['Microsoft.Compute%2FvirtualMachines', '%zz', '__proto__'],
  location: ['%zz', '', 'nowhere', 'East%20US', '__proto__'],
  clusterId: ['%zz', '', '%2F', '__proto__', '%2Fsubscriptions%2F..%2F..'],
  releaseTrain: ['%zz', '', '__proto__', 'a'.repeat(500)],
};

const QUERY_MUTATIONS: Record<string, DraftMutation> = {
  'unknown-api-version': (d, rng) => setApiVersion(d, rng.pick(UNKNOWN_API_VERSIONS)),
  'api-version-name-case': (d, rng) => {
    const i = apiVersionIndex(d);
    if (i >= 0) d.query[i] = [encodeURIComponent(rng.pick(API_VERSION_NAMES)), d.query[i][1]];
  },
  'api-version-value-case': (d, rng) => {
    const i = apiVersionIndex(d);
    if (i >= 0) d.query[i] = ['api-version', rng.oddCase(d.query[i][1] ?? '')];
  },
  'missing-api-version': (d, rng) => {
    d.query = d.query.filter(([k]) => k !== 'api-version');
    if (rng.chance(0.3)) d.query.push(['api-version', undefined]);
  },
  'bad-percent': (d, rng) => {
    const bad = rng.pick(BAD_PERCENT);
    const where = rng.int(0, 2);
    if (where === 0) setApiVersion(d, `${d.query[apiVersionIndex(d)]?.[1] ?? ''}${bad}`);
    else if (where === 1) d.query.push([bad, bad]);
    else d.query.push([`api-version${bad}`, 'x']);
  },
  'duplicate-api-version': (d, rng) => {
    const current = d.query[apiVersionIndex(d)]?.[1] ?? '2024-01-01';
    d.query.push(['api-version', rng.pick(UNKNOWN_API_VERSIONS)], [rng.oddCase('api-version'), current]);
  },
  'odd-params': (d, rng) => {
    for (const name of rng.sample(Object.keys(ODD_QUERY_VALUES), 3)) d.query.push([encodeURIComponent(name), rng.pick(ODD_QUERY_VALUES[name])]);
  },
  'prototype-keys': (d, rng) => {
    const pairs: Array<[string, string]> = [['__proto__', 'x'], ['constructor', '1'], ['hasOwnProperty', '1'], ['toString', 'x'], ['api-version%5B%5D', 'x'], ['__proto__%5Bapi-version%5D', '2024-01-01'], ['valueOf', '']];
    const chosen = rng.sample(pairs, rng.int(1, 4));
    d.query = rng.chance(0.5) ? [...chosen, ...d.query] : [...d.query, ...chosen];
  },
  'empty-pairs': (d, rng) => d.query.push(...rng.sample<[string, string | undefined]>([['', undefined], ['', ''], ['', 'x'], ['&', undefined], ['=', '='], ['a', '']], 3)),
  'huge-value': (d, rng) => d.query.push([rng.pick(['$filter', 'x', 'api-version']), 'v'.repeat(8000)]),
};

const HEADER_MUTATIONS: Record<string, DraftMutation> = {
  'garbage-host': (d, rng) => {
    d.headers.Host = rng.pick(GARBAGE_HOSTS);
  },
  'odd-auth': (d, rng, ctx) => {
    d.headers.Authorization = rng.pick(oddAuthorizations((ctx.authorization('arm') ?? 'Bearer x').replace(/^Bearer /, '')));
  },
  'no-auth': (d) => {
    delete d.headers.Authorization;
  },
  'odd-headers': (d, rng) => Object.assign(d.headers, rng.pick(ODD_HEADERS)),
};

export interface CaseBudget {
  /** At most this many cases per operation (all of them when undefined). */
  perOperation?: number;
}

/** Every case for one operation, or a seeded sample of them. */
export function specCases(op: SpecOperation, ctx: CaseContext, rng: Rng, budget: CaseBudget = {}): FuzzCase[] {
  const cases: FuzzCase[] = [];
  const add = (kind: string, d: Draft) => cases.push(render(op, kind, d));
  const plan: Array<() => void> = [
    () => add('plausible', draft(op, ctx, rng)),
    () => add('plausible', draft(op, ctx, rng)),
    () => add('absent-names', draft(op, ctx, rng, 'absent')),
    () => add('odd-names', draft(op, ctx, rng, 'odd')),
  ];
  for (const method of METHODS) plan.push(() => add(`method:${method}`, draft(op, ctx, rng, 'existing', method)));
  const bodyKinds = op.requestSchema ? BODY_MUTATION_KINDS : rng.sample(BODY_MUTATION_KINDS, 2);
  for (const kind of bodyKinds) {
    plan.push(() => {
      // A body on a GET or DELETE is sent with a write method instead: that is where bodies are read.
      const d = draft(op, ctx, rng, 'existing', WRITE_METHODS.has(op.method) ? op.method : rng.pick(['PUT', 'PATCH', 'POST']));
      const variant = mutateBody(kind, d.value, rng);
      setBody(d, variant);
      add(variant.kind, d);
    });
  }
  for (const [family, mutations] of [['path', PATH_MUTATIONS], ['query', QUERY_MUTATIONS], ['header', HEADER_MUTATIONS]] as const) {
    for (const [kind, mutate] of Object.entries(mutations)) {
      plan.push(() => {
        const d = draft(op, ctx, rng);
        mutate(d, rng, ctx);
        add(`${family}:${kind}`, d);
      });
    }
  }
  const chosen = budget.perOperation === undefined ? plan : [plan[0], ...rng.sample(plan.slice(1), budget.perOperation - 1)];
  for (const make of chosen) make();
  return cases;
}
