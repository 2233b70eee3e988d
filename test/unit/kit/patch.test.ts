/**
 * JSON merge-patch (RFC 7396) as ARM applies it (`mergePatch`), and the refusal of fields a
 * version's PATCH schema does not declare (`refuseUnpatchable`).
 */
import { strict as assert } from 'assert';
import { mergePatch, refuseUnpatchable } from '../../../server/kit/patch';
import { ArmError } from '../../../server/kit/armErrors';
import type { ArmRequest } from '../../../server/kit/handlers';
import type { ArmOperation } from '../../../server/spec/definitions';

/** A JSON text parsed as a client's body would be: "__proto__" becomes an own key. */
const json = (text: string): unknown => JSON.parse(text);

describe('mergePatch (RFC 7396)', () => {
  describe('the examples of RFC 7396 Appendix A', () => {
    /** [original, patch, result], as JSON texts. */
    const APPENDIX_A: Array<[string, string, string]> = [
      ['{"a":"b"}', '{"a":"c"}', '{"a":"c"}'],
      ['{"a":"b"}', '{"b":"c"}', '{"a":"b","b":"c"}'],
      ['{"a":"b"}', '{"a":null}', '{}'],
      ['{"a":"b","b":"c"}', '{"a":null}', '{"b":"c"}'],
      ['{"a":["b"]}', '{"a":"c"}', '{"a":"c"}'],
      ['{"a":"c"}', '{"a":["b"]}', '{"a":["b"]}'],
      ['{"a":{"b":"c"}}', '{"a":{"b":"d","c":null}}', '{"a":{"b":"d"}}'],
      ['{"a":[{"b":"c"}]}', '{"a":[1]}', '{"a":[1]}'],
      ['["a","b"]', '["c","d"]', '["c","d"]'],
      ['{"a":"b"}', '["c"]', '["c"]'],
      ['{"a":"foo"}', 'null', 'null'],
      ['{"a":"foo"}', '"bar"', '"bar"'],
      ['{"e":null}', '{"a":1}', '{"e":null,"a":1}'],
      ['[1,2]', '{"a":"b","c":null}', '{"a":"b"}'],
      ['{}', '{"a":{"bb":{"ccc":null}}}', '{"a":{"bb":{}}}'],
    ];
    for (const [original, patch, result] of APPENDIX_A) {
      it(`${original} patched with ${patch} is ${result}`, () => {
        assert.deepEqual(mergePatch(json(original), json(patch)), json(result));
      });
    }
  });

  it('a null deletes the member at any depth, and a null for a missing member is no change', () => {
    const target = { keep: 1, drop: 2, nested: { keep: 'k', drop: 'd', deeper: { drop: true, keep: false } } };
    assert.deepEqual(
      mergePatch(target, { drop: null, missing: null, nested: { drop: null, deeper: { drop: null } } }),
      { keep: 1, nested: { keep: 'k', deeper: { keep: false } } },
    );
  });

  it('an array replaces the target\'s array whole: no merge by index, no append', () => {
    assert.deepEqual(mergePatch({ list: [1, 2, 3], objects: [{ a: 1, b: 2 }] }, { list: [9], objects: [{ a: 5 }] }), { list: [9], objects: [{ a: 5 }] });
    assert.deepEqual(mergePatch({ list: [1] }, { list: [] }), { list: [] }, 'an empty array empties it');
  });

  it('an array patch element keeps its nulls (they only delete members of objects)', () => {
    assert.deepEqual(mergePatch({ a: [1] }, { a: [null, { b: null }] }), { a: [null, { b: null }] });
  });

  it('merges nested objects member by member, leaving what the patch does not name', () => {
    const target = { properties: { a: 1, settings: { x: '1', y: '2' }, other: { z: true } } };
    assert.deepEqual(mergePatch(target, { properties: { settings: { y: '3', w: '4' } } }), {
      properties: { a: 1, settings: { x: '1', y: '3', w: '4' }, other: { z: true } },
    });
  });

  it('an object patch replaces a scalar or an array, and a scalar replaces an object', () => {
    assert.deepEqual(mergePatch({ a: 'text', b: [1] }, { a: { x: 1 }, b: { y: null, z: 2 } }), { a: { x: 1 }, b: { z: 2 } });
    assert.deepEqual(mergePatch({ a: { x: 1 } }, { a: 0 }), { a: 0 });
    assert.deepEqual(mergePatch({ a: { x: 1 } }, { a: false }), { a: false });
  });

  it('an empty patch object is no change, and an absent target counts as {}', () => {
    assert.deepEqual(mergePatch({ a: 1 }, {}), { a: 1 });
    assert.deepEqual(mergePatch(undefined, { a: { b: null, c: 1 } }), { a: { c: 1 } });
  });

  it('changes neither the target nor the patch', () => {
    const target = { a: { b: 1, c: [1, 2] }, d: 'x' };
    const patch = { a: { b: null, e: { f: 1 } }, d: null };
    const [targetBefore, patchBefore] = [structuredClone(target), structuredClone(patch)];
    const result = mergePatch(target, patch) as Record<string, unknown>;
    assert.deepEqual(result, { a: { c: [1, 2], e: { f: 1 } } });
    assert.deepEqual(target, targetBefore);
    assert.deepEqual(patch, patchBefore);
    assert.notEqual(result.a, target.a, 'a merged object is a copy');
  });

  describe('keys named like Object.prototype\'s members stay own data keys', () => {
    it('a patch key "__proto__" adds a member; it does not change the result\'s prototype', () => {
      const result = mergePatch({ a: 1 }, json('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(result), Object.prototype);
      assert.ok(Object.hasOwn(result, '__proto__'));
      assert.deepEqual(Object.keys(result), ['a', '__proto__']);
      assert.equal(JSON.stringify(result), '{"a":1,"__proto__":{"polluted":true}}');
      assert.equal(({} as Record<string, unknown>).polluted, undefined, 'Object.prototype is untouched');
    });

    it('a patch key "constructor" adds a member instead of merging into Object.prototype.constructor', () => {
      const result = mergePatch({}, { constructor: { name: 'mine' } }) as Record<string, unknown>;
      assert.ok(Object.hasOwn(result, 'constructor'));
      assert.deepEqual(result.constructor, { name: 'mine' }, 'not Object with a name merged in');
      assert.equal(JSON.stringify(result), '{"constructor":{"name":"mine"}}');
    });

    it('an own "constructor" member of the target merges, and a null deletes it', () => {
      assert.deepEqual(mergePatch({ constructor: { a: 1 } }, { constructor: { b: 2 } }), { constructor: { a: 1, b: 2 } });
      assert.deepEqual(mergePatch({ constructor: 'x', toString: 'y' }, { constructor: null }), { toString: 'y' });
    });

    it('an own "__proto__" member of the target is kept when the patch changes another member', () => {
      const result = mergePatch(json('{"__proto__":{"x":1},"a":"1"}'), { a: '2' }) as Record<string, unknown>;
      assert.equal(Object.getPrototypeOf(result), Object.prototype);
      assert.equal(JSON.stringify(result), '{"__proto__":{"x":1},"a":"2"}');
      assert.equal(JSON.stringify(mergePatch(json('{"__proto__":"v"}'), { b: 'w' })), '{"__proto__":"v","b":"w"}');
    });

    it('an own "__proto__" member of the target is deleted by a null', () => {
      const result = mergePatch(json('{"__proto__":"v","a":1}'), json('{"__proto__":null}')) as Record<string, unknown>;
      assert.equal(Object.hasOwn(result, '__proto__'), false);
      assert.deepEqual(result, { a: 1 });
    });
  });
});

describe('refuseUnpatchable', () => {
  /** A PATCH schema that lets `tags` and `properties.description` change, nothing else. */
  const PATCH_SCHEMA = {
    type: 'object',
    properties: {
      tags: { type: 'object', additionalProperties: { type: 'string' } },
      properties: { type: 'object', properties: { description: { type: 'string' } } },
    },
  };
  const CURRENT = { id: '/x/c1', location: 'eastus', tags: { a: '1' }, properties: { description: 'd', agentPublicKeyCertificate: 'KEY', nested: { n: 1 } } };

  /**
   * The ArmRequest refuseUnpatchable reads: the body as sent (`raw`) and as the pipeline's
   * projection kept it (`kept`, the members the schema declares).
   */
  function patchRequest(raw: unknown, kept: unknown, requestSchema: unknown = PATCH_SCHEMA): ArmRequest {
    const operation = { requestSchema } as unknown as ArmOperation;
    return { apiVersion: '2099-01-01', rawBody: raw, body: kept, operation } as unknown as ArmRequest;
  }

  /** The error refuseUnpatchable throws, or undefined when it accepts. */
  function refusal(req: ArmRequest, current: Record<string, unknown> = CURRENT, same?: (f: string, a: unknown, b: unknown) => boolean): ArmError | undefined {
    try {
      refuseUnpatchable(req, 'a test resource', current, same);
      return undefined;
    } catch (err) {
      assert.ok(err instanceof ArmError, String(err));
      return err;
    }
  }

  it('accepts a body of declared fields only', () => {
    const body = { tags: { b: '2' }, properties: { description: 'new' } };
    assert.equal(refusal(patchRequest(body, body)), undefined);
  });

  it('accepts an empty body and a missing body', () => {
    assert.equal(refusal(patchRequest({}, {})), undefined);
    assert.equal(refusal(patchRequest(undefined, {})), undefined);
  });

  it('refuses an undeclared top-level field with 400 PropertyChangeNotAllowed, naming it and what can change', () => {
    const err = refusal(patchRequest({ location: 'westeurope', tags: {} }, { tags: {} }));
    assert.ok(err);
    assert.equal(err.status, 400);
    assert.equal(err.code, 'PropertyChangeNotAllowed');
    assert.equal(err.options.target, 'location');
    assert.equal(err.message,
      "Changing property 'location' is not allowed. A PATCH of a test resource in api-version '2099-01-01' can change tags and properties 'description'.");
  });

  it('refuses an undeclared field under properties, naming it properties.<name>', () => {
    const err = refusal(patchRequest({ properties: { description: 'x', agentPublicKeyCertificate: 'OTHER' } }, { properties: { description: 'x' } }));
    assert.equal(err?.options.target, 'properties.agentPublicKeyCertificate');
    assert.match(err.message, /^Changing property 'properties\.agentPublicKeyCertificate' is not allowed\./);
  });

  it('names the first refused field when several are', () => {
    const err = refusal(patchRequest({ location: 'westeurope', properties: { nested: {} } }, {}));
    assert.equal(err?.options.target, 'location');
  });

  it('accepts an undeclared field sent back with the value the resource has (clients send back what they read)', () => {
    const raw = { location: 'eastus', properties: { agentPublicKeyCertificate: 'KEY', nested: { n: 1 }, description: 'x' } };
    assert.equal(refusal(patchRequest(raw, { properties: { description: 'x' } })), undefined);
  });

  it('compares sent and current values deeply, and an undeclared field the resource lacks is a change', () => {
    assert.equal(refusal(patchRequest({ properties: { nested: { n: 2 } } }, { properties: {} }))?.options.target, 'properties.nested');
    assert.equal(refusal(patchRequest({ kind: 'AWS' }, {}))?.options.target, 'kind');
  });

  it('asks `same` whether a sent value is unchanged, with the field\'s path', () => {
    const asked: Array<[string, unknown, unknown]> = [];
    const same = (field: string, sent: unknown, current: unknown) => {
      asked.push([field, sent, current]);
      return field === 'location' && String(sent).replace(/\s/g, '').toLowerCase() === current;
    };
    assert.equal(refusal(patchRequest({ location: 'East US' }, {}), CURRENT, same), undefined);
    assert.equal(refusal(patchRequest({ properties: { agentPublicKeyCertificate: 'KEY' } }, { properties: {} }), CURRENT, same)?.options.target, 'properties.agentPublicKeyCertificate');
    assert.deepEqual(asked, [['location', 'East US', 'eastus'], ['properties.agentPublicKeyCertificate', 'KEY', 'KEY']]);
  });

  it('a "properties" that is not an object is judged as one field', () => {
    assert.equal(refusal(patchRequest({ properties: 'text' }, {}))?.options.target, 'properties');
    assert.equal(refusal(patchRequest({ properties: ['a'] }, {}))?.options.target, 'properties');
  });

  it('a field named like an Object.prototype member is undeclared, not inherited', () => {
    assert.equal(refusal(patchRequest(json('{"constructor":{}}'), {}))?.options.target, 'constructor');
    assert.equal(refusal(patchRequest(json('{"properties":{"__proto__":{}}}'), { properties: {} }))?.options.target, 'properties.__proto__');
  });

  describe('the message lists what the version can change', () => {
    const messageFor = (schema: unknown) => refusal(patchRequest({ location: 'x' }, {}, schema))?.message.replace(/^.*can change /, '');
    it('top-level fields and properties', () => assert.equal(messageFor(PATCH_SCHEMA), "tags and properties 'description'."));
    it('top-level fields only', () => assert.equal(messageFor({ properties: { tags: {}, identity: {} } }), 'tags, identity only.'));
    it('properties only', () => assert.equal(messageFor({ properties: { properties: { properties: { a: {}, b: {} } } } }), "properties 'a', 'b'."));
    it('nothing', () => assert.equal(messageFor({ type: 'object' }), 'nothing.'));
  });
});
