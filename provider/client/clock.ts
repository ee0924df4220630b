// Time as the transport sees it: a clock that tests can replace, and the deadline and abort signal
// of the operation a request belongs to. Retries, rate-limit pauses, polls and create-token lookups
// all spend the same deadline (DESIGN §9): nothing here counts attempts instead.

export interface Clock {
  now(): number;
  /** Waits `ms`; rejects with the signal's reason if it aborts first. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** In [0, 1): jitter. */
  random(): number;
}

export const systemClock: Clock = {
  now: () => Date.now(),
  sleep: (ms, signal) =>
    new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = setTimeout(() => {
        signal?.removeEventListener("abort", onAbort);
        resolve();
      }, Math.max(0, ms));
      const onAbort = () => {
        clearTimeout(timer);
        reject(signal?.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
    }),
  random: () => Math.random(),
};

/** What every request needs from the operation it belongs to. */
export interface RequestContext {
  /** Epoch ms by `clock`; no attempt starts, and no wait ends, after it. */
  readonly deadline: number;
  /** Aborts in-flight requests and waits when the operation is given up. */
  readonly signal: AbortSignal;
  readonly clock: Clock;
}
