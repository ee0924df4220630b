// What the preview hooks cost on large inputs, through the built runtime (`dist/`, the package's
// own code): a Session's resources diff at growing counts, whose time per resource stays flat
// when the matching is linear (it grew with the count while it was quadratic), and the memory a
// File's `check` takes for a large source, which stays flat when the file is hashed as a stream
// (it grew with the file while the file was read whole). Each check runs in a process of its own,
// so that its peak memory (`maxRSS`) is its own.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as Runtime from "../../provider/runtime";
import { REPO_ROOT } from "../../tools/engine";

export interface HooksSample {
  /** Median milliseconds of one diff of a session declaring `n` resources (the same ones, reordered). */
  diffs: Array<{ n: number; ms: number }>;
  fileCheck: { mib: number; ms: number; peakMb: number; baselinePeakMb: number };
}

const HIDDEN = { __kind: "Session", __seed: "2026-01-01T00:00:00.000Z/bench", __urn: "urn:pulumi:bench::hooks::x::r" };

function diffMs(runtime: typeof Runtime, n: number, rounds: number): Promise<number> {
  const resources = Array.from({ length: n }, (_, i) => ({ type: "file", fileId: `file_${i}`, mountPath: `/mnt/${i}` }));
  const olds = { ...HIDDEN, agent: "agent_1", environmentId: "env_1", resources };
  const news = { ...olds, resources: [...resources].reverse() };
  return (async () => {
    const times: number[] = [];
    for (let r = 0; r < rounds; r++) {
      const started = performance.now();
      const result = await runtime.diff("sesn_1", olds, news);
      times.push(performance.now() - started);
      if (result.changes) throw new Error("bench: a reordered resources list must be no change");
    }
    return times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
  })();
}

/** One File `check` of `file` in a fresh process: its time and its peak resident memory. */
function checkInChild(dist: string, file: string): { ms: number; peakMb: number } {
  const script = `
    const rt = require(${JSON.stringify(path.join(dist, "provider", "runtime.js"))});
    (async () => {
      await rt.configure({ config: { get: (k) => (k === "anthropic:apiKey" ? "sk-bench" : undefined) } });
      const started = performance.now();
      const result = await rt.check({}, { source: ${JSON.stringify(file)}, filename: "big.bin", __kind: "File", __seed: "2026-01-01T00:00:00.000Z/b", __urn: "urn:x" });
      const ms = performance.now() - started;
      if (result.failures.length > 0 || typeof result.inputs.sha256 !== "string") throw new Error(JSON.stringify(result.failures));
      console.log(JSON.stringify({ ms, peakMb: process.resourceUsage().maxRSS / 1024 }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  return JSON.parse(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" })) as { ms: number; peakMb: number };
}

export async function hooksSample(sizes: readonly number[], fileMib: number, dist = path.join(REPO_ROOT, "dist")): Promise<HooksSample> {
  const runtime = require(path.join(dist, "provider", "runtime.js")) as typeof Runtime;
  const diffs: HooksSample["diffs"] = [];
  for (const n of sizes) diffs.push({ n, ms: await diffMs(runtime, n, 3) });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "bench-hooks-"));
  try {
    const big = path.join(dir, "big.bin");
    const small = path.join(dir, "small.bin");
    // Sparse: the bytes cost no disk, their reading and hashing is the same work.
    fs.writeFileSync(big, "");
    fs.truncateSync(big, fileMib * 1024 * 1024);
    fs.writeFileSync(small, "x");
    const baseline = checkInChild(dist, small);
    const measured = checkInChild(dist, big);
    return { diffs, fileCheck: { mib: fileMib, ms: measured.ms, peakMb: measured.peakMb, baselinePeakMb: baseline.peakMb } };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  // `ts-node test/bench/hooks.ts [<dist>]`: the sample alone, e.g. against another build's dist/.
  hooksSample([1_000, 4_000, 10_000], 200, process.argv[2] ?? undefined)
    .then((s) => console.log(JSON.stringify(s, null, 2)))
    .catch((e: unknown) => {
      console.error(e);
      process.exit(1);
    });
}
