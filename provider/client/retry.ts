// Retry policy (DESIGN §7, §10), as pure functions so that timing is testable with tables and fake
// timers. Every retry is bounded by the operation's deadline, never by an attempt count; the one
// exception is a refused connection, which after a few tries means a wrong base URL, not a blip.

export interface RetryPolicy {
  initialDelayMs: number;
  maxDelayMs: number;
  /** Retries after refused connections before giving up (nothing was ever sent). */
  maxRefusedRetries: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { initialDelayMs: 500, maxDelayMs: 8_000, maxRefusedRetries: 4 };

/** Errors that repeat no matter how often we ask: a retry only spends the budget again. */
const SPEND_LIMIT_CODES = new Set(["contract_spend_limit_reached", "enforced_spend_limit_reached"]);

export interface ResponseFacts {
  status: number;
  headers: Record<string, string | undefined>;
  errorType: string | undefined;
  errorCode: string | undefined;
}

/**
 * What to do about an HTTP error response: "rate-limited" (429, 529: refused before acting; wait
 * for as long as the server asks, every request to that host pausing too), "retry" (408, 5xx), or
 * "fail".
 */
export type Verdict = "rate-limited" | "retry" | "fail";

export function classifyResponse(r: ResponseFacts): Verdict {
  // Version conflicts and spend limits never get better by asking again, whatever a header says.
  if (r.status === 409) return "fail";
  if (r.errorType === "billing_error") return "fail";
  if (r.errorCode !== undefined && SPEND_LIMIT_CODES.has(r.errorCode)) return "fail";
  const shouldRetry = r.headers["x-should-retry"];
  if (shouldRetry === "false") return "fail";
  if (r.status === 429 || r.status === 529) return "rate-limited";
  if (shouldRetry === "true" || r.status === 408 || r.status >= 500) return "retry";
  return "fail";
}

/** Whether an HTTP error response may be retried at all. */
export function isRetryableResponse(r: ResponseFacts): boolean {
  return classifyResponse(r) !== "fail";
}

/**
 * The delay the server asked for, in ms: `retry-after-ms`, then `retry-after` (seconds or a date).
 * A wait of zero (or a date already past) is no request at all: backoff applies instead, so that a
 * server answering `retry-after: 0` cannot drive a retry loop without pause.
 */
export function serverRequestedDelayMs(headers: Record<string, string | undefined>, now: number): number | undefined {
  const ms = headers["retry-after-ms"];
  if (ms !== undefined) {
    const value = Number.parseFloat(ms);
    if (Number.isFinite(value) && value > 0) return value;
  }
  const after = headers["retry-after"];
  if (after !== undefined) {
    const seconds = Number.parseFloat(after);
    if (Number.isFinite(seconds) && /^\s*[\d.]+\s*$/.test(after)) return seconds > 0 ? seconds * 1000 : undefined;
    const date = Date.parse(after);
    if (Number.isFinite(date) && date > now) return date - now;
  }
  return undefined;
}

/** Exponential backoff with up to 25% jitter taken off; `retryNumber` counts from 1. */
export function backoffDelayMs(retryNumber: number, policy: RetryPolicy, random: () => number): number {
  const base = Math.min(policy.initialDelayMs * 2 ** Math.min(retryNumber - 1, 30), policy.maxDelayMs);
  return Math.round(base * (1 - random() * 0.25));
}

/**
 * A wait the server asked for, spread so that the requests it held do not all come back at the
 * same instant: up to a quarter more, plus up to 250 ms. Never less than asked.
 */
export function jitteredWaitMs(requestedMs: number, random: () => number): number {
  return Math.round(requestedMs + random() * (requestedMs * 0.25 + 250));
}

export interface RetryDecision {
  retry: boolean;
  delayMs: number;
  /** What the server asked for, when it did (for the error message when we give up). */
  requestedMs?: number;
}

/**
 * Whether to make retry number `retryNumber` after `verdict`, and how long to wait first. A retry
 * whose wait would end at or past the deadline is not made: the caller reports the last error.
 */
export function planRetry(args: {
  retryNumber: number;
  verdict: Exclude<Verdict, "fail"> | "refused";
  policy: RetryPolicy;
  headers: Record<string, string | undefined>;
  now: number;
  deadline: number;
  random: () => number;
}): RetryDecision {
  if (args.verdict === "refused" && args.retryNumber > args.policy.maxRefusedRetries) return { retry: false, delayMs: 0 };
  const requestedMs = serverRequestedDelayMs(args.headers, args.now);
  const delayMs =
    requestedMs !== undefined
      ? args.verdict === "rate-limited"
        ? jitteredWaitMs(requestedMs, args.random)
        : requestedMs
      : backoffDelayMs(args.retryNumber, args.policy, args.random);
  const decision = { delayMs, ...(requestedMs !== undefined ? { requestedMs } : {}) };
  return { retry: args.now + delayMs < args.deadline, ...decision };
}
