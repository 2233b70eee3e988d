/**
 * A small deterministic generator for fault probabilities: the same seed gives the same
 * sequence of draws, so a suite that injects "30% of GETs fail" fails the same requests on
 * every run. Quality only has to be good enough to look random to a retry policy, not crypto.
 * (A 32-bit xorshift with a multiplicative output mix; the state is never zero.)
 */
export class SeededRandom {
  private state: number;

  constructor(seed: number) {
    // Spread small seeds (0, 1, 2...) over the state space, and keep it non-zero.
    this.state = (Math.imul(seed >>> 0 ^ 0x9e3779b9, 0x85ebca6b) >>> 0) || 0x6d2b79f5;
  }

  /** The next draw in [0, 1). */
  next(): number {
    let x = this.state;
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    this.state = x >>> 0;
    return (Math.imul(this.state, 0x2545f491) >>> 0) / 2 ** 32;
  }
}
