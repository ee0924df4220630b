// One rate-limit pause per host for the whole provider process (DESIGN §10): when the API answers
// 429 or 529 with a wait, every request to that host holds until the wait is over, each with its
// own jitter, so that a stack of a hundred resources backs off together instead of hammering the
// API with requests that are bound to be refused.
import type { RequestContext } from "./clock";
import { jitteredWaitMs } from "./retry";

export class RateGate {
  private readonly openAt = new Map<string, number>();

  /** Holds every request to `host` until `until` (epoch ms, by the requests' clocks). */
  pause(host: string, until: number): void {
    if (until > (this.openAt.get(host) ?? 0)) this.openAt.set(host, until);
  }

  /** When requests to `host` may go again (0: now). */
  pausedUntil(host: string): number {
    return this.openAt.get(host) ?? 0;
  }

  /**
   * Waits until requests to `host` may go. Resolves false, without waiting, when the pause would
   * outlast the request's deadline: the caller then fails with the server's own answer.
   */
  async pass(host: string, ctx: RequestContext): Promise<boolean> {
    for (;;) {
      const now = ctx.clock.now();
      const until = this.pausedUntil(host);
      if (now >= until) return true;
      const wait = jitteredWaitMs(until - now, () => ctx.clock.random());
      if (now + wait >= ctx.deadline) return false;
      await ctx.clock.sleep(wait, ctx.signal);
    }
  }
}

/** The process-wide gate every client shares unless a test gives it its own. */
export const processRateGate = new RateGate();
