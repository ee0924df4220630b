// The rate gate's pacing, on a clock that moves only when someone sleeps: after a 429 the gate
// spaces requests at the pace the server showed, instead of releasing them all at the end of the
// pause to be refused again.
import type { Clock, RequestContext } from "../../provider/client/clock";
import { RateGate } from "../../provider/client/rate-gate";

const HOST = "api.example.test";

function clockAt(start: number): Clock & { slept: number[]; set(t: number): void } {
  let now = start;
  const slept: number[] = [];
  return {
    now: () => now,
    random: () => 0.5,
    slept,
    set: (t) => void (now = t),
    sleep: async (ms) => {
      slept.push(ms);
      now += Math.max(0, ms);
    },
  };
}

function ctxFor(clock: Clock, deadline = Number.MAX_SAFE_INTEGER): RequestContext {
  return { clock, deadline, signal: new AbortController().signal };
}

/** A burst the server answered, then a 429 asking to wait `wait` ms. */
function burstThenRefused(gate: RateGate, answered: number, at: number, wait: number, headers: Record<string, string> = {}) {
  for (let i = 0; i < answered; i++) gate.answered(HOST, at);
  gate.refused(HOST, at + 5, wait, headers);
}

describe("RateGate", () => {
  it("without a 429, lets everything through at once", async () => {
    const gate = new RateGate();
    const clock = clockAt(0);
    for (let i = 0; i < 5; i++) expect(await gate.pass(HOST, ctxFor(clock))).toBe(true);
    expect(clock.slept).toEqual([]);
  });

  it.each([
    // [answered in the burst, requested wait, expected interval]: the server's rate plus 3 %.
    [10, 995, 103],
    [5, 995, 206],
    [2, 1000, 515],
  ])("after %i answers and a 429 asking %i ms, paces one request per %i ms from the end of the pause", async (answered, wait, interval) => {
    const gate = new RateGate();
    const clock = clockAt(0);
    burstThenRefused(gate, answered, 0, wait);
    expect(gate.intervalMs(HOST)).toBeCloseTo(interval, 6);
    for (let i = 0; i < 4; i++) expect(await gate.pass(HOST, ctxFor(clock))).toBe(true);
    // The first waits for the pause; each next one for its own slot.
    expect(clock.slept[0]).toBe(5 + wait);
    for (const s of clock.slept.slice(1)) expect(s).toBeCloseTo(interval, 6);
  });

  it("takes the per-minute limit the Anthropic API states when it is slower than what it saw", () => {
    const gate = new RateGate();
    burstThenRefused(gate, 50, 0, 2_000, { "anthropic-ratelimit-requests-limit": "60" });
    expect(gate.intervalMs(HOST)).toBeCloseTo(1_030, 6);
  });

  it("a 429 to a request sent at the pace measures the server's rate: what it answered since the run of refusals began", () => {
    const gate = new RateGate();
    // A burst of 10 makes the first guess 103 ms; the server then admits one request in 250 ms.
    burstThenRefused(gate, 10, 0, 995);
    for (let t = 1_000; t <= 2_750; t += 250) gate.answered(HOST, t + 5, t);
    gate.refused(HOST, 3_005, 995, {}, 3_000);
    // 8 answers in the 3000 ms since the first 429, plus 3 %.
    expect(gate.intervalMs(HOST)).toBeCloseTo((3_000 / 8) * 1.03, 6);
  });

  it("a 429 to a request sent at the pace with nothing measured yet slows the pace a little", () => {
    const gate = new RateGate();
    burstThenRefused(gate, 10, 0, 995);
    gate.refused(HOST, 500, 20, {}, 400);
    expect(gate.intervalMs(HOST)).toBeCloseTo(103 * 1.05, 6);
  });

  it("a 429 to a request sent before the pace was learned (in flight during the burst) leaves the pace alone", () => {
    const gate = new RateGate();
    burstThenRefused(gate, 10, 0, 995);
    gate.refused(HOST, 8, 990, {}, 1);
    expect(gate.intervalMs(HOST)).toBeCloseTo(103, 6);
  });

  it("a 429 with nothing answered before (no rate to learn) pauses everyone, spread by jitter, as before", async () => {
    const gate = new RateGate();
    const clock = clockAt(0);
    gate.refused(HOST, 0, 1_000);
    expect(gate.intervalMs(HOST)).toBe(0);
    expect(await gate.pass(HOST, ctxFor(clock))).toBe(true);
    // 1000 ms, plus the jitter at random() = 0.5: an eighth more, plus 125 ms.
    expect(clock.slept).toEqual([1_250]);
  });

  it("does not wait for a slot past the request's deadline: it says no at once", async () => {
    const gate = new RateGate();
    const clock = clockAt(0);
    burstThenRefused(gate, 2, 0, 1_000);
    expect(await gate.pass(HOST, ctxFor(clock, 2_000))).toBe(true);
    expect(await gate.pass(HOST, ctxFor(clock, 1_500))).toBe(false);
    expect(gate.pausedUntil(HOST)).toBeGreaterThan(1_500);
  });

  it("forgets the pace a minute after the last 429 when it holds nothing back", async () => {
    const gate = new RateGate();
    const clock = clockAt(0);
    burstThenRefused(gate, 10, 0, 995);
    clock.set(61_000);
    for (let i = 0; i < 3; i++) expect(await gate.pass(HOST, ctxFor(clock))).toBe(true);
    expect(clock.slept).toEqual([]);
    expect(gate.intervalMs(HOST)).toBe(0);
  });

  it("never paces slower than the wait the server asks for (or a second): one answer before a 429, or a run of 429s, does not make it crawl", () => {
    const gate = new RateGate();
    burstThenRefused(gate, 1, 0, 2_000);
    expect(gate.intervalMs(HOST)).toBe(2_000);
    for (let i = 1; i <= 60; i++) gate.refused(HOST, i * 1_000, 1_000, {}, i * 1_000);
    expect(gate.intervalMs(HOST)).toBe(2_000);
    const small = new RateGate();
    burstThenRefused(small, 10, 0, 995);
    for (let i = 1; i <= 60; i++) small.refused(HOST, i * 1_000, 20, {}, i * 1_000);
    expect(small.intervalMs(HOST)).toBe(1_000);
  });

  it("paces each host on its own", async () => {
    const gate = new RateGate();
    const clock = clockAt(0);
    burstThenRefused(gate, 10, 0, 995);
    expect(await gate.pass("other.example.test", ctxFor(clock))).toBe(true);
    expect(clock.slept).toEqual([]);
  });
});
