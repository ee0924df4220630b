// One rate-limit gate per host for the whole provider process (DESIGN §10): when the API answers
// 429 or 529 with a wait, every request to that host holds until the wait is over, so that a stack
// of a hundred resources backs off together instead of hammering the API with requests that are
// bound to be refused.
//
// Holding is not enough: if every held request went at the end of the pause, the server would take
// its quota and refuse the rest, which would all sleep again, and an `up` would spend most of its
// time asleep between bursts. So a 429 also sets a pace: requests queue, and leave one per
// interval, which spreads them better than jitter does. The queue follows the pace as it changes
// (a request does not keep a slot reserved at an old pace).
//
// The pace is learned so that it converges on the server's rate, whatever kind of limiter it runs:
// - first guess, at the first 429: the requests the server answered in the window it asked us to
//   wait for (at least a second), or the limit the Anthropic API states in
//   `anthropic-ratelimit-requests-limit` (per minute). Right after a burst that count can be far
//   off: a token bucket answers its whole capacity at once, then its refill rate;
// - measured, at every later 429 of a request sent at the pace: a 429 is a moment when the
//   server's allowance is used up, and between two such moments the server admitted what it
//   allows in that time. So the answers to requests sent since the first 429 of an unbroken run
//   of refusals, over the time since, are the server's rate; the figure sharpens with every
//   refusal of the run;
// - probed, when a pace has gone a while without a refusal while requests queued: it may be slower
//   than needed (a first guess that was low), so it speeds up, doubling while nothing faster is
//   known to be refused, else halfway (geometrically) to the fastest pace that was refused, and
//   stops once that is within a few percent. A refused probe comes back no slower than the pace
//   that worked, and no faster than what it measured.
// A minute without a 429 forgets the pace when it holds nothing back (a brief limit does not slow
// a whole process down), and otherwise what was refused (probing resumes: the limit may have
// risen).
import type { RequestContext } from "./clock";
import { jitteredWaitMs } from "./retry";

/** Slack on the learned interval: a request that arrives a little early is refused, and costs a pause. */
const PACE_MARGIN = 1.03;
/** How much slower to go after a 429 despite the pace, when there is nothing to measure yet. */
const SLOWER_AFTER_REFUSAL = 1.05;
/** How long a learned pace lasts without a new 429. */
const PACE_MEMORY_MS = 60_000;
/** The shortest window requests are counted over when a 429 asks for less (one slot freeing up). */
const MIN_WINDOW_MS = 1_000;
/** A run of refusals shorter than this says little about a rate. */
const MIN_MEASURED_MS = 1_000;
/** A pace that has gone this many intervals (and at least PROBE_MIN_MS) without a refusal may speed up. */
const PROBE_AFTER_INTERVALS = 2;
const PROBE_MIN_MS = 1_000;
/** How many requests must have left with others queued behind them since the pace was set. */
const PROBE_MIN_QUEUED = 2;
/**
 * Speed-up of the first probe while no faster pace is known to be refused; each probe that holds
 * squares it for the next (1.25, 1.56, 2.44, ...), so that a guess that was right costs little
 * and one that was far too slow is left quickly.
 */
const FIRST_PROBE_STEP = 1.25;
/** Probing stops once the pace is this close to the fastest one refused. */
const PROBE_CLOSE_ENOUGH = 1.15;

interface Waiter {
  /** Ends the waiter's sleep early: the queue moved, its turn may be sooner. */
  wake: AbortController;
}

interface HostState {
  /** No request before this (epoch ms): the server's last requested wait. */
  openAt: number;
  /** The spacing between requests (0: none; requests go as they come). */
  intervalMs: number;
  /** When the interval was last set: a refusal of a request sent before says nothing about it. */
  pacedSince: number;
  /** When the last paced request left the gate. */
  lastLeftAt: number;
  /** Requests waiting for their turn, first in line first. */
  queue: Waiter[];
  lastRefusedAt: number;
  /** When the server answered (anything but a 429/529), oldest first; kept for a minute. */
  answered: number[];
  /**
   * The start of the current run of refusals (a moment the server's allowance was used up), or
   * undefined when a probe broke the run (the server may have saved allowance up before it).
   */
  runStart: number | undefined;
  /** Answers to requests sent since `runStart`, or since the probe under way. */
  runAnswers: number;
  /** Requests that left with others queued behind them since the interval was set. */
  queuedLeaves: number;
  /** The slowest interval a refusal proved too fast (0: none known). */
  tooFastMs: number;
  /** The interval in force before the probe under way (0: none). */
  beforeProbeMs: number;
  /** The speed-up of the next probe while no faster pace is known to be refused. */
  probeStep: number;
}

export class RateGate {
  private readonly hosts = new Map<string, HostState>();

  private state(host: string): HostState {
    let s = this.hosts.get(host);
    if (!s) {
      s = {
        openAt: 0,
        intervalMs: 0,
        pacedSince: 0,
        lastLeftAt: 0,
        queue: [],
        lastRefusedAt: 0,
        answered: [],
        runStart: undefined,
        runAnswers: 0,
        queuedLeaves: 0,
        tooFastMs: 0,
        beforeProbeMs: 0,
        probeStep: FIRST_PROBE_STEP,
      };
      this.hosts.set(host, s);
    }
    return s;
  }

  /** Holds every request to `host` until `until` (epoch ms, by the requests' clocks). */
  pause(host: string, until: number): void {
    const s = this.state(host);
    if (until > s.openAt) s.openAt = until;
  }

  /** When the next request to `host` may go (0: now): the end of the pause, or the next turn when paced. */
  pausedUntil(host: string): number {
    const s = this.hosts.get(host);
    if (!s) return 0;
    return s.intervalMs > 0 ? this.turnAt(s, s.queue.length) : s.openAt;
  }

  /** The spacing the gate keeps between requests to `host` (0: none). */
  intervalMs(host: string): number {
    return this.hosts.get(host)?.intervalMs ?? 0;
  }

  /**
   * The server answered a request sent at `sentAt` (it was not refused for the rate): counted to
   * learn the rate.
   */
  answered(host: string, now: number, sentAt = now): void {
    const s = this.state(host);
    s.answered.push(now);
    if (s.answered.length > 64 && now - s.answered[0]! > PACE_MEMORY_MS) s.answered = s.answered.filter((t) => now - t <= PACE_MEMORY_MS);
    if (sentAt >= (s.runStart ?? s.pacedSince)) s.runAnswers += 1;
  }

  /**
   * A 429 to a request sent at `sentAt`: holds the host for `requestedMs`, and sets the pace (see
   * the top of this file). A refusal of a request sent before the pace was set (still in flight
   * when it was) changes nothing but the pause.
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
      s.tooFastMs = 0;
      // A guess from one or two answers is hardly one: its probes start bolder.
      s.probeStep = served <= 2 ? FIRST_PROBE_STEP * FIRST_PROBE_STEP : FIRST_PROBE_STEP;
      if (served > 0) this.setInterval(s, now, Math.min((window / served) * PACE_MARGIN, window));
      this.startRun(s, now);
    } else if (sentAt > s.pacedSince) {
      // Sent at the pace (a request that left the gate when the pace was set, or before, was not),
      // and refused: the pace is too fast.
      const refusedMs = s.intervalMs;
      s.tooFastMs = Math.max(s.tooFastMs, refusedMs);
      const measuredFor = now - (s.runStart ?? s.pacedSince);
      const measured = measuredFor >= MIN_MEASURED_MS && s.runAnswers >= 2 ? (measuredFor / s.runAnswers) * PACE_MARGIN : undefined;
      let next: number;
      if (s.beforeProbeMs > 0) {
        // A refused probe: back to what worked, or to what it measured if that is faster (the
        // server may have saved allowance up before the probe, so only as a bound).
        next = Math.min(s.beforeProbeMs, Math.max(measured ?? s.beforeProbeMs, refusedMs * SLOWER_AFTER_REFUSAL));
      } else next = measured ?? refusedMs * SLOWER_AFTER_REFUSAL;
      // Whatever the figures say: slower than what was just refused, never slower than the window.
      this.setInterval(s, now, Math.min(Math.max(next, refusedMs * 1.01), Math.max(window, refusedMs)));
      if (s.runStart === undefined) this.startRun(s, now);
    }
    const perMinute = Number.parseInt(headers["anthropic-ratelimit-requests-limit"] ?? "", 10);
    if (Number.isFinite(perMinute) && perMinute > 0 && (60_000 / perMinute) * PACE_MARGIN > s.intervalMs) {
      this.setInterval(s, now, (60_000 / perMinute) * PACE_MARGIN);
      if (s.runStart === undefined) this.startRun(s, now);
    }
    this.wakeAll(s);
  }

  private startRun(s: HostState, now: number): void {
    s.runStart = now;
    s.runAnswers = 0;
  }

  private setInterval(s: HostState, now: number, intervalMs: number): void {
    s.intervalMs = intervalMs;
    s.pacedSince = now;
    s.queuedLeaves = 0;
    s.beforeProbeMs = 0;
  }

  /** Speeds up a pace that has held work back for a while without a refusal (see the top of this file). */
  private probe(s: HostState, now: number): void {
    if (now - s.pacedSince < Math.max(PROBE_MIN_MS, PROBE_AFTER_INTERVALS * s.intervalMs) || s.queuedLeaves < PROBE_MIN_QUEUED) return;
    if (s.tooFastMs > 0 && s.intervalMs <= s.tooFastMs * PROBE_CLOSE_ENOUGH) return;
    const before = s.intervalMs;
    // The probe before this one held (or there was none): the next may go further.
    if (s.beforeProbeMs > 0) s.probeStep = s.probeStep * s.probeStep;
    const faster = s.tooFastMs > 0 ? Math.max(Math.sqrt(before * s.tooFastMs), s.tooFastMs * PACE_MARGIN) : before / s.probeStep;
    this.setInterval(s, now, faster);
    s.beforeProbeMs = before;
    // The server may have saved allowance up while the pace was slow: what it answers from now on
    // bounds its rate only until the next refusal starts a run again.
    s.runStart = undefined;
    s.runAnswers = 0;
    this.wakeAll(s);
  }

  /** When the request `position` places behind the first in line may leave. */
  private turnAt(s: HostState, position: number): number {
    return Math.max(s.openAt, s.lastLeftAt + s.intervalMs * (position + 1));
  }

  private wakeAll(s: HostState): void {
    for (const w of s.queue) w.wake.abort();
  }

  /**
   * Waits until a request to `host` may go (paced: its turn in the queue). Resolves false, without
   * waiting further, once its turn would come after the request's deadline: the caller then fails
   * with the server's own answer.
   */
  async pass(host: string, ctx: RequestContext): Promise<boolean> {
    let waiter: Waiter | undefined;
    const leave = (s: HostState) => {
      if (waiter === undefined) return;
      const i = s.queue.indexOf(waiter);
      if (i >= 0) s.queue.splice(i, 1);
      waiter = undefined;
      // Those behind move up.
      this.wakeAll(s);
    };
    for (;;) {
      const s = this.hosts.get(host);
      if (!s) return true;
      const now = ctx.clock.now();
      if (s.intervalMs > 0 && now - s.lastRefusedAt > PACE_MEMORY_MS) {
        if (s.queue.length === 0 && now >= s.lastLeftAt + s.intervalMs) {
          // Nothing held back by the pace: it is forgotten.
          s.intervalMs = 0;
          s.runStart = undefined;
        } else {
          // Still holding work back: what was refused a minute ago may not be any more.
          s.tooFastMs = 0;
          s.probeStep = FIRST_PROBE_STEP;
        }
      }
      if (s.intervalMs === 0) {
        leave(s);
        // Nothing learned: everyone waits for the end of the pause, spread by jitter.
        if (now >= s.openAt) return true;
        const wait = jitteredWaitMs(s.openAt - now, () => ctx.clock.random());
        if (now + wait >= ctx.deadline) return false;
        await ctx.clock.sleep(wait, ctx.signal);
        continue;
      }
      this.probe(s, now);
      if (waiter === undefined) {
        waiter = { wake: new AbortController() };
        s.queue.push(waiter);
      }
      const position = s.queue.indexOf(waiter);
      const turn = this.turnAt(s, position);
      if (turn >= ctx.deadline) {
        leave(s);
        return false;
      }
      if (turn <= now) {
        leave(s);
        s.lastLeftAt = now;
        if (s.queue.length > 0) s.queuedLeaves += 1;
        return true;
      }
      const wake = waiter.wake;
      try {
        await ctx.clock.sleep(turn - now, wake.signal);
      } catch (error) {
        if (!wake.signal.aborted) {
          leave(s);
          throw error;
        }
      }
      if (wake.signal.aborted && waiter !== undefined) waiter.wake = new AbortController();
    }
  }
}

/** The process-wide gate every client shares unless a test gives it its own. */
export const processRateGate = new RateGate();
