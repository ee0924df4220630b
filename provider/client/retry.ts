// Retry policy (DESIGN §7), as pure functions so the timing is testable with fake timers and tables.

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxRetries: 4, initialDelayMs: 500, maxDelayMs: 8_000 };

/** Errors that repeat no matter how often we ask: a retry only spends the budget again. */
const SPEND_LIMIT_CODES = new Set(["contract_spend_limit_reached", "enforced_spend_limit_reached"]);

export interface ResponseFacts {
  status: number;
  headers: Record<string, string | undefined>;
  errorType: string | undefined;
  errorCode: string | undefined;
}

/** Whether an HTTP error response may be retried. */
export function isRetryableResponse(r: ResponseFacts): boolean {
  // Version conflicts and spend limits never get better by asking again, whatever a header says.
  if (r.status === 409) return false;
  if (r.errorType === "billing_error") return false;
  if (r.errorCode !== undefined && SPEND_LIMIT_CODES.has(r.errorCode)) return false;
  const shouldRetry = r.headers["x-should-retry"];
  if (shouldRetry === "true") return true;
  if (shouldRetry === "false") return false;
  return r.status === 408 || r.status === 429 || r.status >= 500;
}

/** The delay the server asked for, in ms: `retry-after-ms`, then `retry-after` (seconds or a date). */
export function serverRequestedDelayMs(
  headers: Record<string, string | undefined>,
  now: number = Date.now(),
): number | undefined {
  const ms = headers["retry-after-ms"];
  if (ms !== undefined) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value >= 0) return value;
  }
  const after = headers["retry-after"];
  if (after !== undefined) {
    const seconds = Number.parseFloat(after);
    if (Number.isFinite(seconds) && /^\s*[\d.]+\s*$/.test(after)) return Math.max(0, seconds * 1000);
    const date = Date.parse(after);
    if (Number.isFinite(date)) return Math.max(0, date - now);
  }
  return undefined;
}

/** Exponential backoff with up to 25% jitter; `retryNumber` counts from 1. */
export function backoffDelayMs(retryNumber: number, policy: RetryPolicy, random: () => number = Math.random): number {
  const base = Math.min(policy.initialDelayMs * 2 ** (retryNumber - 1), policy.maxDelayMs);
  return Math.round(base * (1 - random() * 0.25));
}

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
}

/**
 * Decides whether to make retry number `retryNumber` and how long to wait first. A retry whose wait
 * would end past the operation's deadline is not made: the caller reports the last error instead.
 */
export function planRetry(args: {
  retryNumber: number;
  policy: RetryPolicy;
  headers: Record<string, string | undefined>;
  now: number;
  deadline: number;
  random?: () => number;
}): RetryDecision {
  if (args.retryNumber > args.policy.maxRetries) return { retry: false, delayMs: 0 };
  const requested = serverRequestedDelayMs(args.headers, args.now);
  const delayMs = requested ?? backoffDelayMs(args.retryNumber, args.policy, args.random);
  if (args.now + delayMs >= args.deadline) return { retry: false, delayMs };
  return { retry: true, delayMs };
}
