// The rate gate's pace converges on the server's rate behind the emulator's two limiters, in
// virtual time (test/pacing-simulation.ts): 100 chains of 3 requests start at once, and over the
// second half of the run the server admits close to its rate, with few refusals. The capacity-1
// bucket is the case the gate used to get stuck in: its first burst answers one request, and a
// pace learned from that alone stayed at half the server's rate for the rest of the run.
import { simulatePacing, type LimiterKind } from "../pacing-simulation";

const cases: Array<[LimiterKind, number, number | undefined]> = [
  ["sliding-window", 2, undefined],
  ["sliding-window", 5, undefined],
  ["sliding-window", 10, undefined],
  ["token-bucket", 2, undefined],
  ["token-bucket", 5, undefined],
  ["token-bucket", 10, undefined],
  ["token-bucket", 2, 1],
];

it.each(cases)("behind a %s limiter of %i requests/s (capacity %s), the pace converges on the server's rate", async (limiter, rate, capacity) => {
  const run = await simulatePacing({ limiter, rate, ...(capacity !== undefined ? { capacity } : {}), n: 100, chain: 3 });
  expect(run.admitted).toBe(300);
  expect(run.steadyVsRate).toBeGreaterThanOrEqual(0.9);
  // Faster than the rate only by what a bucket saved up while the pace was slower.
  expect(run.steadyVsRate).toBeLessThanOrEqual(1.05);
  expect(run.steadyRefused).toBeLessThanOrEqual(6);
});
