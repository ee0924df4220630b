// One rate-limit gate per host for the whole provider process (DESIGN §10): when the API answers
// 429 or 529 with a wait, every request to that host holds until the wait is over, so that a stack
// of a hundred resources backs off together instead of hammering the API with requests that are
// bound to be refused.
//
// Holding is not enough: if every held request went at the end of the pause, the server would take
// its quota and refuse the rest, which would all sleep again, and an `up` would spend most of its
// time asleep between bursts. So a 429 also teaches the gate the server's rate: the requests the
// server answered in the window it asked us to wait for (at least a second), or the limit the
// Anthropic API states in `anthropic-ratelimit-requests-limit` (per minute). From then on requests
// leave one per interval, each in its own reserved slot, which spreads them better than jitter
// does. The pace is forgotten after a minute without a 429, so a brief limit does not slow a whole
// process down.
import type { RequestContext } from "./clock";
import { jitteredWaitMs } from "./retry";

/** Slack on the learned interval: a request that arrives a little early is refused, and costs a round trip. */
const PACE_MARGIN = 1.03;
/** How much slower to go after a 429 despite the pace. */
const SLOWER_AFTER_REFUSAL = 1.05;
/** How long a learned pace lasts without a new 429. */
const PACE_MEMORY_MS = 60_000;
/** The shortest window requests are counted over when a 429 asks for less (one slot freeing up). */
const MIN_WINDOW_MS = 1_000;

interface HostState {
  /** No request before this (epoch ms): the server's last requested wait. */
  openAt: number;
  /** The learned spacing between requests (0: none; requests go as they come). */
  intervalMs: number;
  /** When the pace was learned: a refusal of a request sent before says nothing about the pace. */
  pacedSince: number;
  /** The next free slot when pacing. */
  nextSlot: number;
  lastRefusedAt: number;
  /** When the server answered (anything but a 429/529), oldest first; kept for a minute. */
  answered: number[];
}

export class RateGate {
  private readonly hosts = new Map<string, HostState>();

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) {
      s = { openAt: 0, intervalMs: 0, pacedSince: 0, nextSlot: 0, lastRefusedAt: 0, answered: [] };
      this.hosts.set(host, s);
    }
    return s;
  }

  /** Holds every request to `host` until `until` (epoch ms, by the requests' clocks). */
  pause(host: string, until: number): void {
    const s = this.state(host);
    if (until > s.openAt) s.openAt = until;
  }

  /** When the next request to `host` may go (0: now): the end of the pause, or the next free slot when paced. */
  pausedUntil(host: string): number {
    const s = this.hosts.get(host);
    if (!s) return 0;
    return s.intervalMs > 0 ? Math.max(s.openAt, s.nextSlot) : s.openAt;
  }

  /** The spacing the gate keeps between requests to `host` (0: none). */
  intervalMs(host: string): number {
    return this.hosts.get(host)?.intervalMs ?? 0;
  }

  /** The server answered a request (it was not refused for the rate): counted to learn the rate. */
  answered(host: string, now: number): void {
    const s = this.state(host);
    s.answered.push(now);
    if (s.answered.length > 64 && now - s.answered[0]! > PACE_MEMORY_MS) s.answered = s.answered.filter((t) => now - t <= PACE_MEMORY_MS);
  }

  /**
   * A 429 to a request sent at `sentAt`: holds the host for `requestedMs` and, the first time,
   * learns the pace from what the server answered in that window (or from the limit it states).
   * A refusal of a request sent at the pace slows the pace down a little; one sent before the
   * pace was set (still in flight when it was learned) changes nothing.
   */
  refused(host: string, now: number, requestedMs: number, headers: Record<string, string | undefined> = {}, sentAt = now): void {
    const s = this.state(host);
    this.pause(host, now + requestedMs);
    s.lastRefusedAt = now;
    // The pace never goes slower than one request per wait the server asks for (or per second):
    // a few answers before a 429, or a run of refusals, must not make the process crawl.
    const window = Math.min(Math.max(requestedMs, MIN_WINDOW_MS), PACE_MEMORY_MS);
    if (s.intervalMs === 0) {
      const served = s.answered.filter((t) => now - t < window).length;
      if (served > 0) {
        s.intervalMs = Math.min((window / served) * PACE_MARGIN, window);
        s.pacedSince = now;
      }
    } else if (sentAt >= s.pacedSince) {
      // Counting the window again would count the pause too, and slow down far more than asked.
      s.intervalMs = Math.max(s.intervalMs, Math.min(s.intervalMs * SLOWER_AFTER_REFUSAL, window));
    }
    const perMinute = Number.parseInt(headers["anthropic-ratelimit-requests-limit"] ?? "", 10);
    if (Number.isFinite(perMinute) && perMinute > 0 && (60_000 / perMinute) * PACE_MARGIN > s.intervalMs) {
      if (s.intervalMs === 0) s.pacedSince = now;
      s.intervalMs = (60_000 / perMinute) * PACE_MARGIN;
    }
  }

  /**
   * Waits until a request to `host` may go (paced: its own slot). Resolves false, without waiting,
   * when that would outlast the request's deadline: the caller then fails with the server's own
   * answer.
   */
  async pass(host: string, ctx: RequestContext): Promise<boolean> {
    for (;;) {
      const s = this.hosts.get(host);
      if (!s) return true;
      const now = ctx.clock.now();
      if (s.intervalMs > 0 && now - s.lastRefusedAt > PACE_MEMORY_MS) s.intervalMs = 0;
      if (s.intervalMs === 0) {
        // Nothing learned: everyone waits for the end of the pause, spread by jitter.
        if (now >= s.openAt) return true;
        const wait = jitteredWaitMs(s.openAt - now, () => ctx.clock.random());
        if (now + wait >= ctx.deadline) return false;
        await ctx.clock.sleep(wait, ctx.signal);
        continue;
      }
      const slot = Math.max(now, s.openAt, s.nextSlot);
      if (slot >= ctx.deadline) return false;
      s.nextSlot = slot + s.intervalMs;
      if (slot > now) await ctx.clock.sleep(slot - now, ctx.signal);
      // A 429 to another request during the wait may have paused the host past this slot.
      if (ctx.clock.now() >= s.openAt) return true;
    }
  }
}

/** The process-wide gate every client shares unless a test gives it its own. */
export const processRateGate = new RateGate();
