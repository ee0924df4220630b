// `up` of a stack of agents against a server that admits R requests a second and refuses the rest
// with 429: the emulator's own limiter (a sliding second, saying when a slot frees) or a token
// bucket (R a second up to one second's worth, saying only `retry-after: 1`, as many proxies do).
// How long the provider needed against the least the limit allows (the calls the server admitted
// / R), and how many resources failed.
import { Agent } from "../../sdk";
import { engineEnv, stackFor } from "../../tools/engine";
import type { RateLimiterKind } from "../../emulator/rate-limit";
import { startEmulator, type Emulator } from "../../emulator/server";

export interface RateLimitSample {
  rate: number;
  limiter: RateLimiterKind;
  resources: number;
  /** Requests the server admitted (acted on). */
  admitted: number;
  /** Requests it refused with 429. */
  refused: number;
  /** admitted / rate, in ms: the least time the limit allows for this work. */
  idealMs: number;
  /**
   * From the first admitted request to the last: the time the provider needed to get its calls
   * through (the engine's start and its final checkpoint write are in `upMs`, not here).
   */
  apiMs: number;
  /** The whole `up`, engine start included. */
  upMs: number;
  /** Resources that were not created (a failed `up` counts every missing one), plus duplicates. */
  failures: number;
  error?: string;
}

/** Watches which requests the emulator's rate limit admits, and when. */
export function watchAdmissions(emulator: Emulator): { admitted: number[]; refused: () => number } {
  const admitted: number[] = [];
  let refused = 0;
  emulator.onRateDecision = (ok, at) => {
    if (ok) admitted.push(at);
    else refused++;
  };
  return { admitted, refused: () => refused };
}

export async function rateLimitedUp(rate: number, resources: number, limiter: RateLimiterKind = "sliding-window"): Promise<RateLimitSample> {
  const emulator = await startEmulator({ rateLimit: rate, rateLimiter: limiter });
  try {
    const watch = watchAdmissions(emulator);
    const env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-bench", ANTHROPIC_BASE_URL: emulator.url });
    const stack = await stackFor(
      env,
      async () => {
        for (let i = 0; i < resources; i++) new Agent(`agent-${i}`, { name: `agent-${i}`, model: "claude-sonnet-4-6" });
        return {};
      },
      "rate",
      `bench-rate-${limiter}-${rate}`,
    );
    const start = performance.now();
    let error: string | undefined;
    try {
      const r = await stack.up();
      if (r.summary.result !== "succeeded") error = `up ${r.summary.result}`;
    } catch (e) {
      error = (e instanceof Error ? e.message : String(e)).split("\n").filter((l) => /error|failed/i.test(l)).slice(0, 3).join(" | ");
    }
    const end = performance.now();
    const live = emulator.live().agents.length;
    const first = watch.admitted[0] ?? end;
    const last = watch.admitted[watch.admitted.length - 1] ?? end;
    const admitted = watch.admitted.length;
    return {
      rate,
      limiter,
      resources,
      admitted,
      refused: watch.refused(),
      idealMs: (admitted / rate) * 1_000,
      apiMs: last - first,
      upMs: end - start,
      failures: Math.abs(resources - live),
      ...(error !== undefined ? { error } : {}),
    };
  } finally {
    await emulator.stop();
  }
}
