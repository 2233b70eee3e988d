/**
 * ARM's request limits as token buckets on the emulator clock, with the numbers Azure publishes
 * ("Understand how Azure Resource Manager throttles requests", the regional token-bucket
 * limits): per subscription and principal, reads 250 tokens refilled at 25 a second, writes and
 * deletes 200 at 10 a second; and per subscription across all principals fifteen times that.
 * Tenant-level requests (no subscription in the path) have per-principal buckets of the same
 * sizes. Arclight is one ARM region, so "per region" is the one region it answers from.
 *
 * On the emulator clock, a test can empty a bucket, see the 429, advance the clock and see it
 * refill, without waiting. Buckets always count (the x-ms-ratelimit-remaining-* headers show
 * them); only with --throttle arm does an empty bucket refuse a request.
 */
import type { Clock } from '../core/clock';
import { ArmError } from './armErrors';

export type RequestClass = 'read' | 'write' | 'delete';

export interface BucketLimit {
  size: number;
  refillPerSecond: number;
}

/** Azure's published limits for one principal in one subscription (or tenant). */
export const ARM_LIMITS: Readonly<Record<RequestClass, BucketLimit>> = {
  read: { size: 250, refillPerSecond: 25 },
  write: { size: 200, refillPerSecond: 10 },
  delete: { size: 200, refillPerSecond: 10 },
};
/** The subscription-wide (all principals) limit is this many times the per-principal one. */
export const GLOBAL_FACTOR = 15;

const PLURAL: Record<RequestClass, string> = { read: 'reads', write: 'writes', delete: 'deletes' };

export function requestClassOf(method: string): RequestClass {
  if (method === 'GET' || method === 'HEAD') return 'read';
  return method === 'DELETE' ? 'delete' : 'write';
}

interface Bucket {
  tokens: number;
  atMs: number;
}

/** Past this many buckets, full ones are forgotten (a full bucket is what a new one starts as). */
const MAX_BUCKETS = 10_000;

export interface ThrottleScope {
  /** Lower-cased; undefined for a tenant-level request. */
  subscriptionId?: string;
  tenantId?: string;
  actor: string;
  method: string;
}

export interface ThrottleVerdict {
  /** The x-ms-ratelimit-remaining-* headers of the response. */
  headers: Array<[string, string]>;
  /** Set when the request is refused: 429 SubscriptionRequestsThrottled. */
  refusal?: ArmError;
}

export class ArmThrottle {
  private readonly buckets = new Map<string, Bucket>();

  constructor(
    private readonly clock: Clock,
    /** Whether an empty bucket refuses the request (--throttle arm). */
    readonly enforce: boolean,
  ) {}

  /** Counts one request; says what the response's headers show and whether it is refused. */
  take(scope: ThrottleScope): ThrottleVerdict {
    const cls = requestClassOf(scope.method);
    const limit = ARM_LIMITS[cls];
    const now = this.clock.nowMs();
    if (scope.subscriptionId === undefined) {
      const own = this.bucket(`t|${scope.tenantId ?? ''}|${scope.actor}|${cls}`, limit, now);
      if (own.tokens >= 1) own.tokens -= 1;
      return { headers: [[`x-ms-ratelimit-remaining-tenant-${PLURAL[cls]}`, String(Math.floor(own.tokens))]] };
    }
    const globalLimit = { size: limit.size * GLOBAL_FACTOR, refillPerSecond: limit.refillPerSecond * GLOBAL_FACTOR };
    const own = this.bucket(`s|${scope.subscriptionId}|${scope.actor}|${cls}`, limit, now);
    const all = this.bucket(`s|${scope.subscriptionId}|*|${cls}`, globalLimit, now);
    const empty = own.tokens < 1 || all.tokens < 1;
    let refusal: ArmError | undefined;
    if (empty && this.enforce) {
      // The wait until both buckets hold a token again, in whole seconds (at least one).
      const wait = Math.max(waitFor(own, limit), waitFor(all, globalLimit));
      const seconds = Math.max(1, Math.ceil(wait));
      refusal = new ArmError(429, 'SubscriptionRequestsThrottled',
        `Number of '${cls}' requests for subscription '${scope.subscriptionId}' actor '${scope.actor}' exceeded. Please try again after '${seconds}' seconds after additional tokens are available. Refer to https://aka.ms/arm-throttling for additional information.`,
        { gateway: true, headers: { 'Retry-After': String(seconds) } });
    } else {
      // Without enforcement an empty bucket stays at zero: the headers read as Azure's would just before it refused.
      if (own.tokens >= 1) own.tokens -= 1;
      if (all.tokens >= 1) all.tokens -= 1;
    }
    return {
      headers: [
        [`x-ms-ratelimit-remaining-subscription-${PLURAL[cls]}`, String(Math.floor(own.tokens))],
        [`x-ms-ratelimit-remaining-subscription-global-${PLURAL[cls]}`, String(Math.floor(all.tokens))],
      ],
      refusal,
    };
  }

  /** Every bucket full again (reset). */
  clear(): void {
    this.buckets.clear();
  }

  private bucket(key: string, limit: BucketLimit, now: number): Bucket {
    let bucket = this.buckets.get(key);
    if (!bucket) {
      if (this.buckets.size >= MAX_BUCKETS) this.forgetFull(now);
      bucket = { tokens: limit.size, atMs: now };
      this.buckets.set(key, bucket);
      return bucket;
    }
    // A clock moved back (a reset restores its start) refills nothing, and counts on from there.
    const elapsed = Math.max(0, now - bucket.atMs);
    bucket.tokens = Math.min(limit.size, bucket.tokens + (elapsed / 1000) * limit.refillPerSecond);
    bucket.atMs = now;
    return bucket;
  }

  private forgetFull(now: number): void {
    for (const [key, bucket] of this.buckets) {
      const cls = key.slice(key.lastIndexOf('|') + 1) as RequestClass;
      const limit = ARM_LIMITS[cls];
      const size = key.includes('|*|') ? limit.size * GLOBAL_FACTOR : limit.size;
      const rate = key.includes('|*|') ? limit.refillPerSecond * GLOBAL_FACTOR : limit.refillPerSecond;
      if (bucket.tokens + ((now - bucket.atMs) / 1000) * rate >= size) this.buckets.delete(key);
    }
  }
}

/** Seconds until the bucket holds one token. */
function waitFor(bucket: Bucket, limit: BucketLimit): number {
  return bucket.tokens >= 1 ? 0 : (1 - bucket.tokens) / limit.refillPerSecond;
}
