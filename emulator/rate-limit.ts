// The emulator's rate limiters (`rateLimit`, `rateLimiter`): what decides, for each request as it
// arrives, whether it is admitted or refused with 429 and how long the client is told to wait.
// Pure, on a clock given as numbers (ms), so that the same limiters drive the emulator and the
// simulations that tests and the bench run in virtual time.

/** A refusal: the headers of the 429 (the wait the client is asked for). */
export interface Refusal {
  headers: Record<string, string>;
  /** The wait in ms, for the error message. */
  waitMs: number;
}

export interface RateLimiter {
  /** Undefined: admitted (and counted); otherwise refused, acting on nothing. */
  decide(now: number): Refusal | undefined;
}

export type RateLimiterKind = "sliding-window" | "token-bucket";

/**
 * At most `limit` requests in any second; a refusal says when the oldest of them leaves the
 * window, in `retry-after-ms` and, rounded up, in `retry-after`.
 */
export class SlidingWindowLimiter implements RateLimiter {
  private admitted: number[] = [];
  constructor(private readonly limit: number) {}

  decide(now: number): Refusal | undefined {
    // Oldest first: drop from the front what has left the window.
    let drop = 0;
    while (drop < this.admitted.length && now - this.admitted[drop]! >= 1_000) drop++;
    if (drop > 0) this.admitted.splice(0, drop);
    if (this.admitted.length < this.limit) {
      this.admitted.push(now);
      return undefined;
    }
    const oldest = this.admitted[this.admitted.length - this.limit]!;
    const waitMs = Math.max(1, Math.ceil(oldest + 1_000 - now));
    return { waitMs, headers: { "retry-after": String(Math.max(1, Math.ceil(waitMs / 1_000))), "retry-after-ms": String(waitMs) } };
  }
}

/**
 * A token bucket, as many proxies and gateways limit: `rate` tokens a second up to `capacity`
 * (default one second's worth), one per request. A refusal says only `retry-after` in whole
 * seconds (at least 1), as such proxies do: the client learns nothing finer.
 */
export class TokenBucketLimiter implements RateLimiter {
  private tokens: number;
  private last: number | undefined;
  constructor(
    private readonly rate: number,
    private readonly capacity: number = rate,
  ) {
    this.tokens = capacity;
  }

  decide(now: number): Refusal | undefined {
    if (this.last !== undefined) this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1_000) * this.rate);
    this.last = now;
    if (this.tokens >= 1) {
      this.tokens -= 1;
      return undefined;
    }
    const waitMs = Math.max(1, Math.ceil((1 - this.tokens) / this.rate)) * 1_000;
    return { waitMs, headers: { "retry-after": String(waitMs / 1_000) } };
  }
}

export function rateLimiter(kind: RateLimiterKind, rate: number): RateLimiter {
  return kind === "token-bucket" ? new TokenBucketLimiter(rate) : new SlidingWindowLimiter(rate);
}
