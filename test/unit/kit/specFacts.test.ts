/**
 * What the kit takes from the specs' marks (specFacts.ts): write-only and create-only paths of
 * every served version, defaults newest first, and how defaults fill a body; and write-only
 * values under maps (`*`), which writeOnly.ts takes out and puts back.
 */
import { strict as assert } from 'assert';
import { applyDefaults, typeSpecFacts } from '../../../server/kit/specFacts';
import { takeWriteOnly, withWriteOnly } from '../../../server/kit/writeOnly';
import { canonicalizeEnums } from '../../../server/kit/enumCasing';
import type { DerivedFacts } from '../../../server/spec/bundleTypes';

const facts = (f: Partial<DerivedFacts>): DerivedFacts =>
  ({ of: 'requestBody', secret: [], readOnly: [], createOnly: [], defaults: [], enums: [], ...f });
/** A JSON text parsed as a client's body would be: "__proto__" becomes an own key. */
const json = (text: string) => JSON.parse(text) as Record<string, unknown>;

describe('kit: the spec facts of a resource type', () => {
  it('unites the marks of every version under properties, with what Azure does beyond them', () => {
    const t = typeSpecFacts([
      facts({ secret: ['properties.a.key'], createOnly: ['location', 'properties.scope'] }),
      facts({ secret: ['properties.settings', 'properties.a.key'] }),
    ], { writeOnly: ['legacy'], createOnly: ['kind'] });
    assert.deepEqual(t.writeOnly, ['a.key', 'settings', 'legacy']);
    assert.deepEqual(t.createOnly, ['scope', 'kind']);
  });

  it('takes each default from the newest version that states it', () => {
    const t = typeSpecFacts([
      facts({ defaults: [{ path: 'properties.mode', value: 'compatible' }, { path: 'identity.type', value: 'SystemAssigned' }] }),
      facts({ defaults: [{ path: 'properties.mode', value: 'old' }, { path: 'properties.train', value: 'Stable' }] }),
    ], {});
    assert.deepEqual(t.defaults, [{ path: 'mode', value: 'compatible' }, { path: 'train', value: 'Stable' }]);
  });

  it('fills what is absent where its holder exists, in every map entry and array item, and keeps null and set values', () => {
    const p = json('{"suspend":null,"git":{"sync":5},"kustomizations":{"a":{},"b":{"wait":false,"post":{"from":[{},{"optional":true}]}}}}');
    applyDefaults(p, [
      { path: 'suspend', value: false },
      { path: 'scope', value: 'cluster' },
      { path: 'git.sync', value: 600 },
      { path: 'git.timeout', value: 600 },
      { path: 'bucket.insecure', value: true },
      { path: 'kustomizations.*.wait', value: true },
      { path: 'kustomizations.*.post.from[].optional', value: false },
      { path: 'tags.*', value: 'x' },
    ]);
    assert.deepEqual(p, json('{"suspend":null,"git":{"sync":5,"timeout":600},"scope":"cluster","kustomizations":{"a":{"wait":true},"b":{"wait":false,"post":{"from":[{"optional":false},{"optional":true}]}}}}'));
  });

  it('gives each filled place its own copy of an object default', () => {
    const p = json('{"a":{},"b":{}}');
    applyDefaults(p, [{ path: '*.list', value: [] }]);
    (p.a as { list: unknown[] }).list.push(1);
    assert.deepEqual((p.b as { list: unknown[] }).list, []);
  });

  it('fills an own "__proto__" key as data, never the prototype', () => {
    const p = json('{"__proto__":{}}');
    applyDefaults(p, [{ path: '*.polluted', value: true }]);
    assert.equal(({} as Record<string, unknown>).polluted, undefined);
    assert.deepEqual(Object.keys(p), ['__proto__']);
  });

  it('takes write-only values out of every entry of a map and puts them back', () => {
    const p = json('{"tls":{"a":{"key":"s1","cert":"c"},"b":{"key":"s2"}}}');
    const { properties, values } = takeWriteOnly(p, ['tls.*.key']);
    assert.deepEqual(properties, json('{"tls":{"a":{"cert":"c"},"b":{}}}'));
    assert.deepEqual(values, { 'tls.a.key': 's1', 'tls.b.key': 's2' });
    assert.deepEqual(withWriteOnly(properties, values), p);
  });
});

describe('kit: enum values in the spec\'s casing', () => {
  const enums = facts({ enums: [
    { path: 'properties.kind', values: ['GitRepository', 'Bucket'], modelAsString: true },
    { path: 'properties.items.*.mode[].level', values: ['Info', 'Error'], modelAsString: false },
    { path: 'properties.count', values: [1, 2], modelAsString: false },
  ] });

  it('rewrites any casing of a listed value, at every place the path names, and leaves the rest', () => {
    const body = json('{"properties":{"kind":"BUCKET","count":1,"items":{"a":{"mode":[{"level":"error"},{"level":"Warning"}]},"b":{}}}}');
    canonicalizeEnums(enums, body);
    assert.deepEqual(body, json('{"properties":{"kind":"Bucket","count":1,"items":{"a":{"mode":[{"level":"Error"},{"level":"Warning"}]},"b":{}}}}'));
  });

  it('leaves a response\'s facts and bodies that are not objects alone', () => {
    const body = json('{"properties":{"kind":"bucket"}}');
    canonicalizeEnums({ ...enums, of: 'response' }, body);
    assert.equal((body.properties as { kind: string }).kind, 'bucket');
    for (const other of [null, 'text', 3, []]) canonicalizeEnums(enums, other);
  });
});
