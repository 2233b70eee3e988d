/**
 * systemData as ARM stamps it: exactly these keys, in this order (the objects are built with
 * Object.assign rather than spreads, for V8's sake; the shape must not change with that).
 */
import { strict as assert } from 'assert';
import { systemDataFor } from '../../server/kit/systemData';

describe('systemData', () => {
  const user = { name: 'someone@arclight.local', type: 'User' as const };

  it('records who created and modified, and when', () => {
    const data = systemDataFor(user, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(Object.entries(data), [
      ['createdBy', 'someone@arclight.local'], ['createdByType', 'User'], ['createdAt', '2026-01-01T00:00:00.000Z'],
      ['lastModifiedBy', 'someone@arclight.local'], ['lastModifiedByType', 'User'], ['lastModifiedAt', '2026-01-01T00:00:00.000Z'],
    ]);
  });

  it('keeps the creation fields of an earlier write', () => {
    const first = systemDataFor(user, '2026-01-01T00:00:00.000Z');
    const app = { name: '44444444-4444-4444-4444-444444444444', type: 'Application' as const };
    assert.deepEqual(Object.entries(systemDataFor(app, '2026-02-01T00:00:00.000Z', first)), [
      ['createdBy', 'someone@arclight.local'], ['createdByType', 'User'], ['createdAt', '2026-01-01T00:00:00.000Z'],
      ['lastModifiedBy', '44444444-4444-4444-4444-444444444444'], ['lastModifiedByType', 'Application'], ['lastModifiedAt', '2026-02-01T00:00:00.000Z'],
    ]);
  });

  it('has only the times when the caller is unknown (--auth off)', () => {
    assert.deepEqual(Object.keys(systemDataFor({}, '2026-01-01T00:00:00.000Z')), ['createdAt', 'lastModifiedAt']);
    const first = systemDataFor(user, '2026-01-01T00:00:00.000Z');
    assert.deepEqual(Object.keys(systemDataFor({}, '2026-02-01T00:00:00.000Z', first)), ['createdBy', 'createdByType', 'createdAt', 'lastModifiedAt']);
  });
});
