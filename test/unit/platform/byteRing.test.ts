/**
 * The byte ring the request journal keeps its entries in: whatever the lengths and however
 * often it wraps, it holds the newest records intact, newest first, never more than its
 * record limit, and as many as its bytes allow.
 */
import { strict as assert } from 'assert';
import { ByteRing } from '../../../server/platform/byteRing';

/** A small deterministic generator (mulberry32), so a failure repeats. */
function random(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe('byte ring', () => {
  it('keeps the newest records intact across thousands of wraps', () => {
    const next = random(7);
    const ring = new ByteRing(1000, 20);
    const pushed: string[] = [];
    for (let i = 0; i < 5000; i++) {
      const text = `${i}:${'é'.repeat(Math.floor(next() * 60))}`;
      ring.push(text);
      pushed.push(text);
      const kept = [...ring.newestFirst()];
      assert.ok(kept.length <= 20 && kept.length === ring.size);
      assert.deepEqual(kept, pushed.slice(pushed.length - kept.length).reverse(), `after ${i + 1} pushes`);
      const bytes = kept.reduce((n, t) => n + Buffer.byteLength(t), 0);
      const older = pushed[pushed.length - kept.length - 1];
      // It drops a record only when the limit, or the room, requires it.
      if (older !== undefined && kept.length < 20) assert.ok(bytes + Buffer.byteLength(older) > 1000 / 2, `kept ${bytes} bytes of 1000`);
    }
  });

  it('holds at most its record limit, skips a record longer than itself, and empties', () => {
    const ring = new ByteRing(100, 3);
    for (const t of ['a', 'b', 'c', 'd']) ring.push(t);
    assert.deepEqual([...ring.newestFirst()], ['d', 'c', 'b']);
    ring.push('x'.repeat(101));
    assert.deepEqual([...ring.newestFirst()], ['d', 'c', 'b']);
    ring.clear();
    assert.deepEqual([...ring.newestFirst()], []);
    ring.push('e');
    assert.deepEqual([...ring.newestFirst()], ['e']);
  });
});
