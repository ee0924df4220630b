// The rate gate against the emulator's limiters, in virtual time: `n` request chains (each
// `chain` requests one after another, as a session waits for its agent) start at once, every
// request goes through the gate as the HTTP client sends it (pass, send, then `answered` or
// `refused` with the server's headers), and the clock moves only from one timer to the next. The
// same run gives the same figures on any machine, however loaded.
import type { Clock, RequestContext } from "../provider/client/clock";
import { RateGate } from "../provider/client/rate-gate";
import { serverRequestedDelayMs } from "../provider/client/retry";
import { SlidingWindowLimiter, TokenBucketLimiter, type RateLimiter } from "../emulator/rate-limit";

/** A clock that jumps from timer to timer once everything else has settled. */
class VirtualClock implements Clock {
  private t = 1_000_000;
  private seq = 0;
  private readonly timers: { at: number; seq: number; fire: () => void }[] = [];
  /** A fixed sequence: the jitter is the same on every run. */
  private seed = 0x2545f491;

  now(): number {
    return this.t;
  }

  random(): number {
    this.seed = (this.seed * 1_103_515_245 + 12_345) & 0x7fffffff;
    return this.seed / 0x80000000;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason);
      const timer = {
        at: this.t + Math.max(0, ms),
        seq: this.seq++,
        fire: () => {
          signal?.removeEventListener("abort", onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        const i = this.timers.indexOf(timer);
        if (i >= 0) this.timers.splice(i, 1);
        reject(signal!.reason);
      };
      signal?.addEventListener("abort", onAbort, { once: true });
      this.timers.push(timer);
    });
  }

  /** Runs timers in order until `done`. */
  async run(done: () => boolean): Promise<void> {
    for (;;) {
      // Promise chains settle before a macrotask: everything that can run without time passing has.
      await new Promise((r) => setImmediate(r));
      if (done()) return;
      if (this.timers.length === 0) throw new Error("simulation stuck: nothing to wait for and not done");
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = next.at;
      next.fire();
    }
  }
}

export type LimiterKind = "sliding-window" | "token-bucket";

export interface PacingRun {
  limiter: LimiterKind;
  rate: number;
  /** Token bucket capacity (default: one second's worth). */
  capacity?: number;
  n: number;
  chain?: number;
  /** Round trip of a request (default 10 ms); an admitted one takes `serviceMs` more. */
  latencyMs?: number;
  serviceMs?: number;
}

export interface PacingResult {
  admitted: number;
  refused: number;
  /** From the first admitted request to the last, against admitted / rate: 1 is the limit's own pace. */
  timeVsIdeal: number;
  /** The gate's pace at the end, in requests per second (0: not pacing). */
  finalRate: number;
  /** What the server admitted per second over the second half of the run, against its rate. */
  steadyVsRate: number;
  /** Refusals over the second half of the run. */
  steadyRefused: number;
}

export async function simulatePacing(run: PacingRun): Promise<PacingResult> {
  const clock = new VirtualClock();
  const gate = new RateGate();
  const host = "api.example.test";
  const server: RateLimiter =
    run.limiter === "token-bucket" ? new TokenBucketLimiter(run.rate, run.capacity ?? run.rate) : new SlidingWindowLimiter(run.rate);
  const latency = run.latencyMs ?? 10;
  const service = run.serviceMs ?? 3;
  const ctx: RequestContext = { clock, deadline: Number.MAX_SAFE_INTEGER, signal: new AbortController().signal };
  const admittedAt: number[] = [];
  const refusedAt: number[] = [];
  let refused = 0;
  let finished = 0;

  const request = async (): Promise<void> => {
    for (;;) {
      if (!(await gate.pass(host, ctx))) throw new Error("past the deadline");
      const sentAt = clock.now();
      await clock.sleep(latency / 2);
      const refusal = server.decide(clock.now());
      if (refusal === undefined) admittedAt.push(clock.now());
      else {
        refused++;
        refusedAt.push(clock.now());
      }
      await clock.sleep(latency / 2 + (refusal === undefined ? service : 0));
      if (refusal === undefined) {
        gate.answered(host, clock.now(), sentAt);
        return;
      }
      gate.refused(host, clock.now(), serverRequestedDelayMs(refusal.headers, clock.now())!, refusal.headers, sentAt);
    }
  };
  for (let i = 0; i < run.n; i++) {
    void (async () => {
      for (let k = 0; k < (run.chain ?? 1); k++) await request();
      finished++;
    })();
  }
  await clock.run(() => finished === run.n);
  const spanMs = admittedAt[admittedAt.length - 1]! - admittedAt[0]!;
  const interval = gate.intervalMs(host);
  const half = admittedAt[0]! + spanMs / 2;
  const late = admittedAt.filter((t) => t >= half);
  return {
    steadyVsRate: (late.length - 1) / ((late[late.length - 1]! - late[0]!) / 1_000) / run.rate,
    steadyRefused: refusedAt.filter((t) => t >= half).length,
    admitted: admittedAt.length,
    refused,
    timeVsIdeal: spanMs / ((admittedAt.length / run.rate) * 1_000),
    finalRate: interval > 0 ? 1_000 / interval : 0,
  };
}
