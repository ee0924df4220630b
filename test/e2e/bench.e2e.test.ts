// The bench's quick run, as CI runs it (`npm run bench -- --quick`, after `npm test` has built):
// it must run to the end and print every figure with its target. Nothing here is about speed: on
// a shared CI machine the figures themselves are noise.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { promisify } from "node:util";
import type { BenchResult } from "../bench/main";
import { REPO_ROOT } from "../../tools/engine";

jest.setTimeout(5 * 60_000);

const FIGURES = [
  "preview, no changes: time vs trivial",
  "up from scratch: time vs trivial",
  "refresh: time vs trivial",
  "destroy: time vs trivial",
  "preview: trivial with our dependency graph vs trivial",
  "up: trivial with our dependency graph vs trivial",
  "program: declaring the resources vs trivial",
  "preview: requests per resource",
  "up: requests per resource",
  "refresh: requests per resource",
  "refresh: GETs per resource",
  "destroy: requests per resource",
  "state per resource vs trivial",
  "state: __provider per resource",
  ...[2, 5, 10].flatMap((r) => [`at ${r} req/s: time vs ideal`, `at ${r} req/s: failures`]),
  ...[2, 5, 10].flatMap((r) => [`at ${r} req/s, token bucket: time vs ideal`, `at ${r} req/s, token bucket: failures`]),
  ...["session", "agent", "environment"].flatMap((kind) => [`add one ${kind}, K = 200 since the seed, 100 in the window`, `add one ${kind}, K = 200 since the seed, 0 in the window`]),
  "emulator: one page of 100 sessions of one agent among 50,000",
  "client vs official SDK: requests/s",
  "Session resources diff at 2000: time per resource vs at 500",
  "File check of a 20 MiB source: peak memory above a 1-byte source",
];

it("npm run bench -- --quick prints every figure with its target and a mark, and writes them as JSON", async () => {
  const json = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "bench-")), "bench.json");
  const tsNode = path.join(REPO_ROOT, "node_modules", ".bin", "ts-node");
  const { stdout } = await promisify(execFile)(tsNode, ["--transpile-only", "test/bench/main.ts", "--quick", "--json", json], {
    cwd: REPO_ROOT,
    maxBuffer: 16 * 1024 * 1024,
  });
  const result = JSON.parse(fs.readFileSync(json, "utf8")) as BenchResult;
  for (const name of FIGURES) {
    const figure = result.figures.find((f) => f.name.includes(name));
    expect({ name, value: figure?.value }).toEqual({ name, value: expect.any(Number) });
    expect(Number.isFinite(figure!.value)).toBe(true);
    const row = stdout.split("\n").find((l) => l.includes(name));
    expect(row).toBeDefined();
    if (figure!.target !== undefined) expect(row).toMatch(/\| (pass|FAIL) +\|/);
  }
  // Every figure that has a target has its mark.
  expect(result.figures.filter((f) => f.target !== undefined).every((f) => typeof f.pass === "boolean")).toBe(true);
  expect(result.rateLimited.map((s) => `${s.limiter} ${s.rate}`)).toEqual(["sliding-window 2", "sliding-window 5", "sliding-window 10", "token-bucket 2", "token-bucket 5", "token-bucket 10"]);
  expect(stdout).toContain("| K since the seed | in the window | requests: session / agent / environment |");
  expect(stdout).toMatch(/\d+ targets met, \d+ missed/);
});
