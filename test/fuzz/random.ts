/**
 * A small seeded PRNG (mulberry32) and the choices the fuzzer makes with it. Every request the
 * fuzzer sends is derived from one seed, so a failing run is reproduced by running it again
 * with the seed it printed (FUZZ_SEED=<seed>).
 */

export class Rng {
  private state: number;

  constructor(readonly seed: number) {
    this.state = seed >>> 0;
  }

  /** mulberry32: a float in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** An integer in [min, max]. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  chance(p: number): boolean {
    return this.next() < p;
  }

  pick<T>(items: readonly T[]): T {
    if (!items.length) throw new Error('pick from an empty list');
    return items[Math.floor(this.next() * items.length)];
  }

  /** A few distinct items, in a random order. */
  sample<T>(items: readonly T[], count: number): T[] {
    const copy = [...items];
    for (let i = copy.length - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [copy[i], copy[j]] = [copy[j], copy[i]];
    }
    return copy.slice(0, count);
  }

  /** A child generator: one stream per purpose, so adding a case elsewhere does not shift this one. */
  fork(label: string): Rng {
    let h = this.seed ^ 0x9e3779b9;
    for (let i = 0; i < label.length; i++) h = Math.imul(h ^ label.charCodeAt(i), 0x01000193);
    return new Rng(h >>> 0);
  }

  /** Upper and lower case mixed at random: ARM matches literals and names case-insensitively. */
  oddCase(text: string): string {
    let out = '';
    for (const ch of text) out += this.chance(0.5) ? ch.toUpperCase() : ch.toLowerCase();
    return out === text && text.toUpperCase() !== text ? text.toUpperCase() : out;
  }

  guid(): string {
    const hex = () => this.int(0, 15).toString(16);
    const run = (n: number) => Array.from({ length: n }, hex).join('');
    return `${run(8)}-${run(4)}-4${run(3)}-a${run(3)}-${run(12)}`;
  }

  word(min = 3, max = 10): string {
    const letters = 'abcdefghijklmnopqrstuvwxyz';
    return Array.from({ length: this.int(min, max) }, () => this.pick([...letters])).join('');
  }
}
