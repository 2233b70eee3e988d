/** The shape rules the conformance runner applies (shape.ts): what passes, what does not. */
import { strict as assert } from 'assert';
import { commonShape, shapeMismatches } from './shape';

describe('conformance: shape rules', () => {
  it('requires every key of the example, with its JSON type, at every level; values and extra keys do not matter', () => {
    const example = { id: '/a', properties: { count: 2, on: true, nested: { x: 'y' } } };
    assert.deepEqual(shapeMismatches(example, { id: '/other', extra: 1, properties: { count: 7, on: false, nested: { x: 'z', more: [] } } }, []), []);
    assert.deepEqual(shapeMismatches(example, { id: 1, properties: { on: 'true', nested: [] } }, []), [
      'id: expected string, got number (1)',
      'properties.count: missing',
      'properties.on: expected boolean, got string ("true")',
      'properties.nested: expected object, got array ([])',
    ]);
    assert.deepEqual(shapeMismatches({ a: 1 }, undefined, []), ['(body): expected object, got undefined']);
  });

  it('accepts anything, or nothing, where the example shows null', () => {
    assert.deepEqual(shapeMismatches({ endTime: null, properties: null }, { endTime: '2024-01-01T00:00:00Z' }, []), []);
  });

  it('tolerates only the keys a rule names, at any depth (list items included)', () => {
    const rules = [{ path: 'properties.agentVersion', reason: 'agent-reported' }];
    assert.deepEqual(shapeMismatches({ value: [{ properties: { agentVersion: '1', distribution: 'k' } }] }, { value: [{ properties: {} }] }, rules), [
      'value[].properties.distribution: missing',
    ]);
  });

  it('checks every element of an answer against the shape all example elements share', () => {
    const example = [{ name: 'a', p: { x: 1, only1: 1 } }, { name: 'b', p: { x: 2 }, only2: true }];
    assert.deepEqual(commonShape(example), { name: 'a', p: { x: 1 } });
    assert.deepEqual(shapeMismatches({ value: example }, { value: [{ name: 'c', p: { x: 3 } }, { p: {} }] }, []), [
      'value[].name: missing',
      'value[].p.x: missing',
    ]);
    assert.deepEqual(shapeMismatches({ value: example }, { value: [] }, []), ['value: expected elements, got an empty array']);
    assert.deepEqual(shapeMismatches({ value: [] }, { value: [{ any: 1 }] }, []), []);
  });
});
