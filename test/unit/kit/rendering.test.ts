/**
 * Per-version rendering: stored (canonical) data projected onto a version's response schema
 * (`responseProjector`), request bodies projected onto a request schema (`requestProjector`),
 * and a PUT in an older version keeping what newer versions stored (`carryOverUndeclared`).
 * Small hand-written schemas, then the vendored connectedClusters schemas.
 */
import { strict as assert } from 'assert';
import { carryOverUndeclared, requestProjector, responseProjector } from '../../../server/kit/rendering';
import { SpecCatalog } from '../../../server/spec/specCatalog';
import { routeKeyOf } from '../../../server/spec/definitions';

type Schema = Record<string, unknown>;
const json = (text: string): unknown => JSON.parse(text);
const render = (schema: Schema, value: unknown) => responseProjector(schema)(value);
const accept = (schema: Schema, value: unknown, keepNulls = false) => requestProjector(schema, keepNulls)(value);

const STRING = { type: 'string' };
const object = (properties: Record<string, Schema>, extra: Schema = {}): Schema => ({ type: 'object', properties, ...extra });

describe('responseProjector', () => {
  it('keeps the properties the schema declares and drops the others, at every level', () => {
    const schema = object({ name: STRING, properties: object({ a: STRING, inner: object({ x: { type: 'integer' } }) }) });
    assert.deepEqual(
      render(schema, { name: 'n', internal: 'secret sauce', properties: { a: 'A', newer: true, inner: { x: 1, y: 2 } } }),
      { name: 'n', properties: { a: 'A', inner: { x: 1 } } },
    );
  });

  it('writes the keys in the order the data has them, not the schema\'s', () => {
    const schema = object({ a: STRING, b: STRING, c: STRING });
    assert.deepEqual(Object.keys(render(schema, { c: '3', a: '1', b: '2' }) as object), ['c', 'a', 'b']);
  });

  it('leaves out undefined values and values of the wrong type', () => {
    const schema = object({ s: STRING, n: { type: 'number' }, i: { type: 'integer' }, b: { type: 'boolean' }, o: object({ x: STRING }), l: { type: 'array', items: STRING } });
    assert.deepEqual(render(schema, { s: 1, n: '1', i: true, b: 'true', o: [1], l: 'x' }), {});
    assert.deepEqual(render(schema, { s: undefined, n: 1.5, i: 2, b: false }), { n: 1.5, i: 2, b: false });
  });

  it('keeps an object whose members were all dropped as {}', () => {
    assert.deepEqual(render(object({ o: object({ x: STRING }) }), { o: { y: 1 } }), { o: {} });
  });

  it('projects array items, leaving out those the schema does not take', () => {
    const schema = object({ list: { type: 'array', items: object({ id: STRING }) }, words: { type: 'array', items: STRING } });
    assert.deepEqual(
      render(schema, { list: [{ id: 'a', extra: 1 }, { id: 'b' }], words: ['x', 2, 'y', null] }),
      { list: [{ id: 'a' }, { id: 'b' }], words: ['x', 'y'] },
    );
  });

  describe('enums', () => {
    const schema = object({
      state: { type: 'string', enum: ['Connected', 'Offline'] },
      level: { type: 'integer', enum: [1, 2] },
      states: { type: 'array', items: { type: 'string', enum: ['A', 'B'] } },
      untyped: { enum: ['x'] },
    });
    it('keeps the values the version knows', () => {
      assert.deepEqual(render(schema, { state: 'Offline', level: 2, states: ['B', 'A'], untyped: 'x' }), { state: 'Offline', level: 2, states: ['B', 'A'], untyped: 'x' });
    });
    it('leaves a property out when its value is one the version does not know', () => {
      assert.deepEqual(render(schema, { state: 'AgentNotInstalled', level: 3, untyped: 'y' }), {});
    });
    it('compares exactly: another casing is another value', () => {
      assert.deepEqual(render(schema, { state: 'connected' }), {});
    });
    it('drops unknown values from an array of enum values', () => {
      assert.deepEqual(render(schema, { states: ['A', 'C', 'B'] }), { states: ['A', 'B'] });
    });
  });

  describe('null', () => {
    const schema = object({
      plain: STRING,
      nullable: { type: 'string', nullable: true },
      viaAnyOf: { anyOf: [object({ x: STRING }), { type: 'null' }] },
      map: { type: 'object', additionalProperties: STRING, nullable: true },
      list: { type: 'array', items: STRING },
    });
    it('is rendered where the schema allows it (nullable, or anyOf with {type: null})', () => {
      assert.deepEqual(render(schema, { nullable: null, viaAnyOf: null, map: null }), { nullable: null, viaAnyOf: null, map: null });
    });
    it('is left out where the schema does not allow it', () => {
      assert.deepEqual(render(schema, { plain: null, list: null }), {});
    });
    it('the anyOf branch that is not null still projects a value', () => {
      assert.deepEqual(render(schema, { viaAnyOf: { x: 'a', y: 'b' } }), { viaAnyOf: { x: 'a' } });
    });
    it('a whole body of null renders as null only if the top schema is nullable', () => {
      assert.equal(render(object({}), null), undefined);
      assert.equal(render(object({}, { nullable: true }), null), null);
    });
  });

  describe('x-ms-secret', () => {
    const schema = object({
      protectedSettings: { type: 'object', 'x-ms-secret': true, additionalProperties: STRING },
      untypedMap: { 'x-ms-secret': true, additionalProperties: STRING },
      password: { type: 'string', 'x-ms-secret': true },
      nullableSecret: { type: 'string', 'x-ms-secret': true, nullable: true },
      count: { type: 'integer', 'x-ms-secret': true },
    });
    it('a secret map reads back as {}, whatever it holds', () => {
      assert.deepEqual(render(schema, { protectedSettings: { token: 'T0PS3CR3T', other: 'x' }, untypedMap: { k: 'v' } }), { protectedSettings: {}, untypedMap: {} });
    });
    it('a secret scalar is left out', () => {
      assert.deepEqual(render(schema, { password: 'hunter2', count: 42 }), {});
    });
    it('a secret map that is not an object is left out; a null stays only where nullable', () => {
      assert.deepEqual(render(schema, { protectedSettings: 'T0PS3CR3T', nullableSecret: null, password: null }), { nullableSecret: null });
    });
    it('a secret inside array items is handled per item', () => {
      const withItems = object({ configs: { type: 'array', items: object({ feature: STRING, protectedSettings: { type: 'object', 'x-ms-secret': true, additionalProperties: STRING } }) } });
      assert.deepEqual(
        render(withItems, { configs: [{ feature: 'logging', protectedSettings: { token: 'T' } }, { feature: 'x' }] }),
        { configs: [{ feature: 'logging', protectedSettings: {} }, { feature: 'x' }] },
      );
    });
  });

  describe('allOf and anyOf', () => {
    it('takes the properties of every allOf member, nested ones included', () => {
      const resource = object({ id: STRING, name: STRING });
      const tracked = { type: 'object', properties: { location: STRING }, allOf: [resource] };
      const cluster = { type: 'object', properties: { properties: object({ a: STRING }) }, allOf: [tracked] };
      assert.deepEqual(
        render(cluster, { id: 'i', name: 'n', location: 'l', properties: { a: 'A', b: 'B' }, other: 1 }),
        { id: 'i', name: 'n', location: 'l', properties: { a: 'A' } },
      );
    });
    it('takes a member\'s nullable and enum as the property\'s own', () => {
      const schema = object({ state: { allOf: [{ type: 'string', enum: ['On', 'Off'] }], nullable: true }, kind: { allOf: [{ type: 'string', nullable: true }] } });
      assert.deepEqual(render(schema, { state: 'On', kind: null }), { state: 'On', kind: null });
      assert.deepEqual(render(schema, { state: 'Broken' }), {});
    });
    it('merges the properties of several non-null anyOf branches', () => {
      const schema = { anyOf: [object({ a: STRING }), object({ b: STRING }), { type: 'null' }] };
      assert.deepEqual(render(schema, { a: 'A', b: 'B', c: 'C' }), { a: 'A', b: 'B' });
    });
  });

  describe('additionalProperties', () => {
    it('true keeps every other member as it is', () => {
      const schema = object({ known: object({ x: STRING }) }, { additionalProperties: true });
      assert.deepEqual(render(schema, { known: { x: 'a', y: 'b' }, free: { deep: [1, { z: null }] }, n: 1 }), { known: { x: 'a' }, free: { deep: [1, { z: null }] }, n: 1 });
    });
    it('{} counts as true', () => {
      assert.deepEqual(render({ type: 'object', additionalProperties: {} }, { a: { b: 1 }, c: 'd' }), { a: { b: 1 }, c: 'd' });
    });
    it('a schema projects every other member through it', () => {
      const tags = { type: 'object', additionalProperties: STRING };
      assert.deepEqual(render(tags, { env: 'test', count: 3, owner: 'me' }), { env: 'test', owner: 'me' });
      const settings = { type: 'object', additionalProperties: object({ value: STRING }) };
      assert.deepEqual(render(settings, { a: { value: 'v', extra: 1 }, b: 'not an object' }), { a: { value: 'v' } });
    });
    it('false drops every undeclared member', () => {
      assert.deepEqual(render(object({ a: STRING }, { additionalProperties: false }), { a: 'A', b: 'B' }), { a: 'A' });
    });
    it('a map key named "__proto__" or "constructor" stays an own data key', () => {
      const tags = { type: 'object', additionalProperties: STRING };
      const rendered = render(tags, json('{"__proto__":"p","constructor":"c","env":"e"}')) as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(rendered), Object.prototype);
      assert.equal(JSON.stringify(rendered), '{"__proto__":"p","constructor":"c","env":"e"}');
    });
    it('a declared property named "constructor" is not confused with Object.prototype\'s', () => {
      assert.deepEqual(render(object({ constructor: STRING }), { constructor: 'mine', toString: 'x' }), { constructor: 'mine' });
      assert.deepEqual(render(object({ a: STRING }), { constructor: 'mine' }), {}, 'undeclared: dropped, not matched to Object');
    });
  });

  describe('recursive schemas', () => {
    /** A node whose children are nodes: a cyclic schema object, as the dereferenced bundle has them. */
    const node: Schema = object({ name: STRING });
    (node.properties as Record<string, Schema>).children = { type: 'array', items: node };

    it('projects every depth through the same schema', () => {
      const tree = { name: 'root', junk: 1, children: [{ name: 'a', children: [{ name: 'a1', junk: 2, children: [] }] }, { name: 'b', junk: 3 }] };
      assert.deepEqual(render(node, tree), { name: 'root', children: [{ name: 'a', children: [{ name: 'a1', children: [] }] }, { name: 'b' }] });
    });

    it('compiles once per schema object and reuses it', () => {
      assert.equal(responseProjector(node), responseProjector(node));
    });
  });

  it('passes anything through when there is no schema, and keeps free-form objects whole', () => {
    assert.deepEqual(responseProjector(undefined)({ anything: [1] }), { anything: [1] });
    assert.deepEqual(render(object({ free: { type: 'object' } }), { free: { a: { b: 1 } } }), { free: { a: { b: 1 } } });
    assert.deepEqual(render(object({ free: { type: 'object' } }), { free: [1] }), {}, 'an array is not an object');
  });

  it('changes nothing in the data it renders', () => {
    const schema = object({ a: STRING, p: object({ secret: { type: 'object', 'x-ms-secret': true, additionalProperties: STRING } }) });
    const data = { a: 'A', b: 'B', p: { secret: { k: 'v' }, c: 1 } };
    const before = structuredClone(data);
    render(schema, data);
    assert.deepEqual(data, before);
  });
});

describe('requestProjector', () => {
  const schema = object({
    id: { type: 'string', readOnly: true },
    location: STRING,
    tags: { type: 'object', additionalProperties: STRING },
    properties: object({
      provisioningState: { type: 'string', readOnly: true },
      inherited: { allOf: [{ type: 'string', readOnly: true }] },
      description: STRING,
      settings: object({ a: STRING, b: STRING }),
      list: { type: 'array', items: object({ name: STRING, status: { type: 'string', readOnly: true } }) },
    }),
  });

  it('drops read-only properties at every level, read-only through allOf included', () => {
    assert.deepEqual(
      accept(schema, { id: '/x', location: 'eastus', properties: { provisioningState: 'Succeeded', inherited: 'x', description: 'd', list: [{ name: 'n', status: 'ok' }] } }),
      { location: 'eastus', properties: { description: 'd', list: [{ name: 'n' }] } },
    );
  });

  it('drops properties the schema does not declare', () => {
    assert.deepEqual(
      accept(schema, { location: 'eastus', kind: 'AWS', properties: { description: 'd', privateLinkState: 'Enabled', settings: { a: '1', z: '26' } } }),
      { location: 'eastus', properties: { description: 'd', settings: { a: '1' } } },
    );
  });

  it('leaves values of the wrong shape as sent, for validation to report', () => {
    assert.deepEqual(accept(schema, { location: 5, properties: 'text', tags: ['x'] }), { location: 5, properties: 'text', tags: ['x'] });
    assert.equal(accept(schema, 'body'), 'body');
    assert.deepEqual(accept(schema, [1]), [1]);
  });

  it('keeps every member of a map (additionalProperties) and projects them through its schema', () => {
    const configs = { type: 'object', additionalProperties: object({ value: STRING, state: { type: 'string', readOnly: true } }) };
    assert.deepEqual(accept(configs, { a: { value: 'v', state: 'x', extra: 1 }, b: { value: 'w' } }), { a: { value: 'v' }, b: { value: 'w' } });
    assert.deepEqual(accept(schema, { tags: { env: 'e', n: 1 } }), { tags: { env: 'e', n: 1 } }, 'a tag of the wrong type is left for validation');
  });

  it('keeps undeclared members when additionalProperties is true or a schema', () => {
    assert.deepEqual(accept(object({ a: STRING }, { additionalProperties: true }), { a: 'A', free: { x: 1 } }), { a: 'A', free: { x: 1 } });
    const typed = object({ a: STRING }, { additionalProperties: object({ keep: STRING }) });
    assert.deepEqual(accept(typed, { a: 'A', extra: { keep: 'k', drop: 'd' } }), { a: 'A', extra: { keep: 'k' } });
  });

  describe('nulls', () => {
    const body = { location: null, tags: { env: null, owner: 'me' }, properties: { description: null, settings: { a: null, b: 'B' } } };
    it('count as absent (PUT): declared and map members alike', () => {
      assert.deepEqual(accept(schema, body), { tags: { owner: 'me' }, properties: { settings: { b: 'B' } } });
    });
    it('are kept with keepNulls (PATCH, where merge-patch deletes with them)', () => {
      assert.deepEqual(accept(schema, body, true), body);
    });
    it('keepNulls still drops read-only and undeclared members', () => {
      assert.deepEqual(accept(schema, { id: null, kind: null, properties: { provisioningState: null, description: null } }, true), { properties: { description: null } });
    });
    it('keepNulls keeps nulls of undeclared members only where additionalProperties allows them', () => {
      const open = object({ a: STRING }, { additionalProperties: true });
      assert.deepEqual(accept(open, { a: null, b: null }, true), { a: null, b: null });
      assert.deepEqual(accept(open, { a: null, b: null }, false), {});
    });
    it('are cached apart: the PUT and PATCH projections of one schema are two functions', () => {
      assert.notEqual(requestProjector(schema, true), requestProjector(schema, false));
      assert.equal(requestProjector(schema, true), requestProjector(schema, true));
    });
  });

  it('a map key named "__proto__" stays an own data key', () => {
    const projected = accept(schema, json('{"tags":{"__proto__":"p","env":"e"}}')) as { tags: Record<string, unknown> };
    assert.equal(Object.getPrototypeOf(projected.tags), Object.prototype);
    assert.equal(JSON.stringify(projected), '{"tags":{"__proto__":"p","env":"e"}}');
    const open = accept(object({}, { additionalProperties: true }), json('{"__proto__":{"x":1}}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(open), Object.prototype);
    assert.equal(JSON.stringify(open), '{"__proto__":{"x":1}}');
  });

  it('projects recursive schemas at every depth', () => {
    const node: Schema = object({ name: STRING, id: { type: 'string', readOnly: true } });
    (node.properties as Record<string, Schema>).children = { type: 'array', items: node };
    assert.deepEqual(
      accept(node, { name: 'r', id: '1', children: [{ name: 'a', id: '2', x: 1, children: [{ name: 'b', id: '3' }] }] }),
      { name: 'r', children: [{ name: 'a', children: [{ name: 'b' }] }] },
    );
  });

  it('passes the body through when there is no schema', () => {
    assert.deepEqual(requestProjector(undefined, false)({ a: null }), { a: null });
  });
});

describe('carryOverUndeclared', () => {
  const v1 = object({ location: STRING, tags: { type: 'object', additionalProperties: STRING }, properties: object({ a: STRING, nested: object({ x: STRING }), list: { type: 'array', items: object({ x: STRING }) } }) });

  it('keeps what the schema does not declare from the stored body, at every declared level', () => {
    const previous = { location: 'eastus', kind: 'AWS', properties: { a: 'old', newer: 'n', nested: { x: 'old', y: 'kept' } } };
    const next = { location: 'eastus', properties: { a: 'new', nested: { x: 'new' } } };
    assert.deepEqual(carryOverUndeclared(v1, previous, next), { location: 'eastus', properties: { a: 'new', nested: { x: 'new', y: 'kept' }, newer: 'n' }, kind: 'AWS' });
  });

  it('a declared member the PUT leaves out is gone: only undeclared ones carry over', () => {
    const previous = { location: 'eastus', tags: { a: '1' }, properties: { a: 'old', nested: { x: 'old' } } };
    assert.deepEqual(carryOverUndeclared(v1, previous, { location: 'eastus', properties: {} }), { location: 'eastus', properties: {} });
  });

  it('what the PUT itself sets wins over the stored value, declared or not', () => {
    const previous = { kind: 'AWS', properties: { newer: 'old' } };
    assert.deepEqual(carryOverUndeclared(v1, previous, { kind: 'GCP', properties: { newer: 'new' } }), { kind: 'GCP', properties: { newer: 'new' } });
  });

  it('maps (additionalProperties) and arrays are replaced whole, not merged', () => {
    const previous = { tags: { a: '1', b: '2' }, properties: { list: [{ x: '1', y: 'old' }] } };
    assert.deepEqual(carryOverUndeclared(v1, previous, { tags: { a: '9' }, properties: { list: [{ x: '2' }] } }), { tags: { a: '9' }, properties: { list: [{ x: '2' }] } });
  });

  it('a declared member that is not an object on either side takes the PUT\'s value', () => {
    assert.deepEqual(carryOverUndeclared(v1, { properties: { nested: 'text' } }, { properties: { nested: { x: 'a' } } }), { properties: { nested: { x: 'a' } } });
    assert.deepEqual(carryOverUndeclared(v1, { properties: { nested: { y: 'b' } } }, { properties: { nested: null } }), { properties: { nested: null } });
  });

  it('takes the PUT\'s body as it is when there is nothing stored to merge with', () => {
    const next = { location: 'eastus' };
    assert.equal(carryOverUndeclared(v1, undefined, next), next);
    assert.equal(carryOverUndeclared(v1, 'not an object', next), next);
  });

  it('changes neither body', () => {
    const previous = { kind: 'AWS', properties: { newer: 'n', nested: { y: 'kept' } } };
    const next = { properties: { a: 'new', nested: { x: 'x' } } };
    const [p, n] = [structuredClone(previous), structuredClone(next)];
    carryOverUndeclared(v1, previous, next);
    assert.deepEqual(previous, p);
    assert.deepEqual(next, n);
  });

  it('carries over members named "constructor" and "toString" as data', () => {
    assert.deepEqual(carryOverUndeclared(v1, { constructor: 'c', toString: 't' }, { location: 'l' }), { location: 'l', constructor: 'c', toString: 't' });
  });

  it('keeps an own "__proto__" member of the PUT\'s body as data', () => {
    const merged = carryOverUndeclared(v1, { kind: 'AWS' }, json('{"__proto__":{"x":1},"location":"l"}')) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal(JSON.stringify(merged), '{"__proto__":{"x":1},"location":"l","kind":"AWS"}');
  });

  it('carries an own "__proto__" member of the stored body over as data', () => {
    const merged = carryOverUndeclared(v1, json('{"__proto__":{"x":1}}'), { location: 'l' }) as Record<string, unknown>;
    assert.equal(Object.getPrototypeOf(merged), Object.prototype);
    assert.equal(JSON.stringify(merged), '{"location":"l","__proto__":{"x":1}}');
  });
});

describe('rendering with the vendored connectedClusters schemas', () => {
  const catalog = SpecCatalog.load();
  const CLUSTER = '/subscriptions/{subscriptionId}/resourceGroups/{resourceGroupName}/providers/Microsoft.Kubernetes/connectedClusters/{clusterName}';
  const operation = (apiVersion: string, method: string) => {
    const op = catalog.definition('Microsoft.Kubernetes', apiVersion)?.operationFor(routeKeyOf(method, CLUSTER));
    assert.ok(op, `${method} connectedClusters in ${apiVersion}`);
    return op;
  };
  const getIn = (apiVersion: string) => responseProjector(operation(apiVersion, 'GET').responseSchemas['200']);

  /** A cluster as the store keeps it: the newest shape, written by a 2025-08-01-preview client. */
  const stored = () => ({
    id: '/subscriptions/s/resourceGroups/rg/providers/Microsoft.Kubernetes/connectedClusters/c1',
    name: 'c1',
    type: 'Microsoft.Kubernetes/connectedClusters',
    location: 'eastus',
    tags: { env: 'test' },
    identity: { type: 'SystemAssigned', principalId: 'p', tenantId: 't' },
    kind: 'ProvisionedCluster',
    properties: {
      agentPublicKeyCertificate: 'KEY',
      distribution: 'kind',
      infrastructure: 'generic',
      provisioningState: 'Succeeded',
      connectivityStatus: 'Connected',
      privateLinkState: 'Disabled',
      azureHybridBenefit: 'NotApplicable',
      distributionVersion: '1.0',
    },
  });

  it('2021-03-01 drops what later versions added (kind, privateLinkState, azureHybridBenefit, distributionVersion)', () => {
    const old = getIn('2021-03-01')(stored()) as ReturnType<typeof stored>;
    assert.equal(Object.hasOwn(old, 'kind'), false);
    assert.deepEqual(old.properties, { agentPublicKeyCertificate: 'KEY', distribution: 'kind', infrastructure: 'generic', provisioningState: 'Succeeded', connectivityStatus: 'Connected' });
    assert.deepEqual([old.id, old.name, old.type, old.location, old.tags, old.identity], [stored().id, 'c1', 'Microsoft.Kubernetes/connectedClusters', 'eastus', { env: 'test' }, stored().identity]);
  });

  it('2024-07-01-preview renders the same cluster with those fields', () => {
    assert.deepEqual(getIn('2024-07-01-preview')(stored()), stored());
  });

  it('an enum value added in 2025-08-01-preview is left out by 2024-07-01-preview and kept by 2025-08-01-preview', () => {
    const cluster = { ...stored(), kind: 'AWS', properties: { ...stored().properties, connectivityStatus: 'AgentNotInstalled' } };
    const older = getIn('2024-07-01-preview')(cluster) as { kind?: string; properties: Record<string, unknown> };
    assert.equal(older.kind, undefined);
    assert.equal(older.properties.connectivityStatus, undefined);
    const newer = getIn('2025-08-01-preview')(cluster) as { kind?: string; properties: Record<string, unknown> };
    assert.equal(newer.kind, 'AWS');
    assert.equal(newer.properties.connectivityStatus, 'AgentNotInstalled');
  });

  it('a PUT in 2021-03-01 keeps what 2024-07-01-preview stored', () => {
    const put = operation('2021-03-01', 'PUT');
    const sent = { location: 'eastus', identity: { type: 'SystemAssigned' }, properties: { agentPublicKeyCertificate: 'KEY2', distribution: 'aks', infrastructure: 'generic', privateLinkState: 'Enabled' } };
    const accepted = requestProjector(put.requestSchema, false)(sent) as typeof sent;
    assert.equal(Object.hasOwn(accepted.properties, 'privateLinkState'), false, '2021-03-01 cannot set privateLinkState');
    const merged = carryOverUndeclared(put.requestSchema, stored(), accepted) as ReturnType<typeof stored>;
    assert.equal(merged.kind, 'ProvisionedCluster');
    assert.equal(merged.properties.privateLinkState, 'Disabled', 'the stored value, not the one 2021-03-01 cannot send');
    assert.equal(merged.properties.azureHybridBenefit, 'NotApplicable');
    assert.equal(merged.properties.distribution, 'aks', 'what 2021-03-01 declares comes from its PUT');
    assert.equal(merged.properties.agentPublicKeyCertificate, 'KEY2');
  });
});
