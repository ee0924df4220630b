// `npm run bench [-- --quick] [-- --json <file>]`: what a stack of this provider costs against a
// trivial dynamic resource, the provider under a server rate limit (the emulator's limiter and a
// token bucket), what adding one object costs as the account around the stack grows, and our
// client against the official SDK's. Every figure is a ratio (or a count) measured in this one run, printed with its
// target and a pass/fail mark, and written as JSON. `--quick` is the small version CI runs so that
// the bench cannot rot: it checks that every figure is produced, never how fast.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator } from "../../emulator/server";
import type { RateLimiterKind } from "../../emulator/rate-limit";
import { ACCOUNT_RATE_LIMIT, accountCase, ADDED, listPageMs, type AccountSample } from "./account-size";
import { compareClients, type ClientSample } from "./client";
import { hooksSample, type HooksSample } from "./hooks";
import { rateLimitedUp, type RateLimitSample } from "./rate-limit";
import { simulatePacing } from "../pacing-simulation";
import { makeSide, OPERATIONS, runOperation, stateSize, type Operation, type OperationSample, type Side, type StateSize } from "./stacks";

export interface BenchConfig {
  quick: boolean;
  /** Agents, and as many pinned sessions, plus one environment. */
  n: number;
  /** Rounds of every stack operation (the median is reported). */
  rounds: number;
  rateLimitResources: number;
  rates: number[];
  limiters: RateLimiterKind[];
  /** Objects of each kind the account gains since the stack's seed (half of them inside the recovery window). */
  accountSizes: number[];
  clientRequests: number;
  clientConcurrency: number;
  clientRounds: number;
  /** Resource counts of the Session diff, and the size of the File checked (MiB). */
  diffSizes: number[];
  fileMib: number;
  /** Parts to run (`--only stacks,rate,account,client,hooks`); all by default. */
  parts: Part[];
}

export const PARTS = ["stacks", "rate", "account", "client", "hooks"] as const;
export type Part = (typeof PARTS)[number];

export function configFor(argv: readonly string[]): BenchConfig {
  const quick = argv.includes("--quick");
  const flag = (name: string): number | undefined => {
    const i = argv.indexOf(name);
    return i >= 0 ? Number(argv[i + 1]) : undefined;
  };
  return {
    quick,
    n: flag("--n") ?? (quick ? 3 : 50),
    rounds: flag("--rounds") ?? (quick ? 1 : 3),
    rateLimitResources: flag("--rate-resources") ?? (quick ? 6 : 100),
    rates: [2, 5, 10],
    limiters: ["sliding-window", "token-bucket"],
    accountSizes: quick ? [200] : [0, 1_000, 5_000],
    clientRequests: quick ? 200 : 2_000,
    clientConcurrency: 16,
    clientRounds: quick ? 1 : 3,
    diffSizes: quick ? [500, 2_000] : [1_000, 4_000, 10_000],
    fileMib: quick ? 20 : 200,
    parts: argv.includes("--only") ? PARTS.filter((p) => argv[argv.indexOf("--only") + 1]!.split(",").includes(p)) : [...PARTS],
  };
}

export interface Figure {
  name: string;
  value: number;
  unit: string;
  /** e.g. "<= 1.25"; absent for figures shown for context only. */
  target?: string;
  pass?: boolean;
  note?: string;
}

type Operations = Record<Operation, { ours: OperationSample[]; trivial: OperationSample[]; "trivial-graph": OperationSample[] }>;
type StateSizes = { ours: StateSize; trivial: StateSize };

export interface BenchResult {
  config: BenchConfig;
  figures: Figure[];
  operations?: Operations;
  state?: StateSizes;
  rateLimited: RateLimitSample[];
  account?: AccountSample[];
  client?: ClientSample;
  hooks?: HooksSample;
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? Number.NaN;

function atMost(name: string, value: number, unit: string, limit: number, note?: string): Figure {
  return { name, value, unit, target: `<= ${limit}`, pass: value <= limit, ...(note ? { note } : {}) };
}

function atLeast(name: string, value: number, unit: string, limit: number, note?: string): Figure {
  return { name, value, unit, target: `>= ${limit}`, pass: value >= limit, ...(note ? { note } : {}) };
}

function exactly(name: string, value: number, unit: string, expected: number): Figure {
  return { name, value, unit, target: `= ${expected}`, pass: Math.abs(value - expected) < 1e-9 };
}

function info(name: string, value: number, unit: string, note?: string): Figure {
  return { name, value, unit, ...(note ? { note } : {}) };
}

const log = (line: string) => process.stderr.write(`${line}\n`);

async function stackFigures(config: BenchConfig): Promise<{ operations: Operations; state: StateSizes; figures: Figure[] }> {
  const emulator = await startEmulator();
  try {
    const ours = await makeSide("ours", emulator, config.n);
    const trivial = await makeSide("trivial", emulator, config.n);
    // For context only: trivial resources with our stack's dependencies (sessions wait for their agent).
    const graph = await makeSide("trivial-graph", emulator, config.n);
    const operations = Object.fromEntries(OPERATIONS.map((op) => [op, { ours: [], trivial: [], "trivial-graph": [] }])) as unknown as Operations;
    let state: StateSizes | undefined;
    for (let round = 0; round < config.rounds; round++) {
      // From scratch each round: up, then an unchanged preview, a refresh, a destroy. The two sides
      // run each operation back to back, alternating which goes first.
      for (const op of ["up", "preview", "refresh", "destroy"] as const) {
        const pair: Side[] = round % 2 === 0 ? [ours, trivial] : [trivial, ours];
        // The dependency graph's cost is measured where it can show: preview and up.
        if (op !== "refresh") pair.push(graph);
        for (const side of pair) {
          const sample = await runOperation(side, op, emulator);
          operations[op][side.label].push(sample);
          log(
            `round ${round + 1}/${config.rounds} ${op.padEnd(7)} ${side.label.padEnd(13)} ${sample.ms.toFixed(0).padStart(6)} ms ` +
              `(cpu: engine ${sample.engineCpuMs.toFixed(0)} ms, this process ${sample.programCpuMs.toFixed(0)} ms) ${sample.requests} requests`,
          );
        }
        if (op === "up" && state === undefined) state = { ours: stateSize(ours), trivial: stateSize(trivial) };
      }
    }
    const figures: Figure[] = [];
    const ratio = (op: Operation) => median(operations[op].ours.map((s, i) => s.ms / operations[op].trivial[i]!.ms));
    const perResource = (op: Operation, key: "requests" | "gets") => median(operations[op].ours.map((s) => s[key] / ours.resources));
    const msNote = (op: Operation) =>
      `${median(operations[op].ours.map((s) => s.ms)).toFixed(0)} ms vs ${median(operations[op].trivial.map((s) => s.ms)).toFixed(0)} ms`;
    figures.push(atMost("preview, no changes: time vs trivial", ratio("preview"), "x", 1.25, msNote("preview")));
    figures.push(atMost("up from scratch: time vs trivial", ratio("up"), "x", 1.4, msNote("up")));
    figures.push(info("refresh: time vs trivial", ratio("refresh"), "x", msNote("refresh")));
    figures.push(info("destroy: time vs trivial", ratio("destroy"), "x", msNote("destroy")));
    const cpu = (op: Operation, key: "engineCpuMs" | "programCpuMs") => median(operations[op].ours.map((s, i) => s[key] / operations[op].trivial[i]![key]));
    const cpuNote = (op: Operation, key: "engineCpuMs" | "programCpuMs") =>
      `${median(operations[op].ours.map((s) => s[key])).toFixed(0)} ms vs ${median(operations[op].trivial.map((s) => s[key])).toFixed(0)} ms`;
    for (const op of ["preview", "up"] as const) {
      figures.push(info(`${op}: CPU of the CLI + provider process vs trivial`, cpu(op, "engineCpuMs"), "x", cpuNote(op, "engineCpuMs")));
      figures.push(info(`${op}: CPU of the program + emulator process vs trivial`, cpu(op, "programCpuMs"), "x", cpuNote(op, "programCpuMs")));
    }
    const graphRatio = (op: Operation) => median(operations[op]["trivial-graph"].map((s, i) => s.ms / operations[op].trivial[i]!.ms));
    figures.push(info("preview: trivial with our dependency graph vs trivial", graphRatio("preview"), "x", "engine only: sessions wait for their agent"));
    figures.push(info("up: trivial with our dependency graph vs trivial", graphRatio("up"), "x", "engine only"));
    const declared = (side: Side) => median(side.declareMs);
    figures.push(
      info(
        "program: declaring the resources vs trivial",
        declared(ours) / declared(trivial),
        "x",
        `${declared(ours).toFixed(0)} ms vs ${declared(trivial).toFixed(0)} ms for ${ours.resources} resources`,
      ),
    );
    figures.push(exactly("preview: requests per resource", perResource("preview", "requests"), "req", 0));
    figures.push(info("up: requests per resource", perResource("up", "requests"), "req"));
    figures.push(exactly("refresh: requests per resource", perResource("refresh", "requests"), "req", 1));
    figures.push(exactly("refresh: GETs per resource", perResource("refresh", "gets"), "req", 1));
    figures.push(info("destroy: requests per resource", perResource("destroy", "requests"), "req"));
    const s = state!;
    figures.push(
      atMost(
        "state per resource vs trivial",
        s.ours.bytesPerResource / s.trivial.bytesPerResource,
        "x",
        2,
        `${s.ours.bytesPerResource.toFixed(0)} B vs ${s.trivial.bytesPerResource.toFixed(0)} B`,
      ),
    );
    for (const [type, bytes] of Object.entries(s.ours.byType)) figures.push(info(`state per ${type}`, bytes, "B"));
    figures.push(info("state: __provider per resource", s.ours.providerBytesPerResource, "B", `trivial ${s.trivial.providerBytesPerResource.toFixed(0)} B`));
    return { operations, state: s, figures };
  } finally {
    await emulator.stop();
  }
}

export async function runBench(config: BenchConfig): Promise<BenchResult> {
  log(`bench: ${config.quick ? "quick" : "full"}; ${config.n} agents + ${config.n} sessions + 1 environment, ${config.rounds} round(s)`);
  const result: BenchResult = { config, figures: [], rateLimited: [] };
  if (config.parts.includes("stacks")) {
    const stacks = await stackFigures(config);
    result.figures.push(...stacks.figures);
    result.operations = stacks.operations;
    result.state = stacks.state;
  }
  for (const limiter of config.parts.includes("rate") ? config.limiters : []) {
    for (const rate of config.rates) {
      const sample = await rateLimitedUp(rate, config.rateLimitResources, limiter);
      result.rateLimited.push(sample);
      log(
        `rate ${rate}/s (${limiter}): ${sample.admitted} admitted, ${sample.refused} refused, ${sample.apiMs.toFixed(0)} ms vs ideal ${sample.idealMs.toFixed(0)} ms, ` +
          `${sample.failures} failures${sample.error ? ` (${sample.error})` : ""}`,
      );
      const note =
        `${sample.admitted} calls, ${sample.refused} refused (429), ${(sample.apiMs / 1000).toFixed(1)} s vs ${(sample.idealMs / 1000).toFixed(1)} s` +
        ` (whole up ${(sample.upMs / 1000).toFixed(1)} s)`;
      const behind = limiter === "token-bucket" ? ", token bucket" : "";
      result.figures.push(atMost(`up of ${sample.resources} at ${rate} req/s${behind}: time vs ideal`, sample.apiMs / sample.idealMs, "x", 1.15, note));
      result.figures.push(exactly(`up of ${sample.resources} at ${rate} req/s${behind}: failures`, sample.failures, "", 0));
    }
  }
  if (config.parts.includes("rate")) result.figures.push(...(await simulatedPacing(config)));
  if (config.parts.includes("account")) {
    const account = await accountFigures(config);
    result.account = account.samples;
    result.figures.push(...account.figures);
  }
  if (config.parts.includes("client")) {
    const client = await compareClients(config.clientRequests, config.clientConcurrency, config.clientRounds);
    result.client = client;
    result.figures.push(
      atLeast(
        `client vs official SDK: requests/s (${config.clientRequests} GETs, concurrency ${config.clientConcurrency})`,
        client.oursPerSecond / client.sdkPerSecond,
        "x",
        2.5,
        `${client.oursPerSecond.toFixed(0)}/s vs ${client.sdkPerSecond.toFixed(0)}/s`,
      ),
    );
    result.figures.push(
      info(
        "client vs official SDK: CPU per request (the SDK's / ours)",
        client.sdkCpuUs / client.oursCpuUs,
        "x",
        `${client.oursCpuUs.toFixed(0)} µs vs ${client.sdkCpuUs.toFixed(0)} µs; the emulator, in its own process, shares the machine`,
      ),
    );
  }
  if (config.parts.includes("hooks")) {
    const hooks = await hooksSample(config.diffSizes, config.fileMib);
    result.hooks = hooks;
    const first = hooks.diffs[0]!;
    const last = hooks.diffs[hooks.diffs.length - 1]!;
    for (const d of hooks.diffs) log(`session resources diff, ${d.n} resources: ${d.ms.toFixed(1)} ms`);
    result.figures.push(
      atMost(
        `Session resources diff at ${last.n}: time per resource vs at ${first.n}`,
        last.ms / last.n / (first.ms / first.n),
        "x",
        2,
        hooks.diffs.map((d) => `${d.n}: ${d.ms.toFixed(0)} ms`).join(", "),
      ),
    );
    const f = hooks.fileCheck;
    result.figures.push(
      atMost(
        `File check of a ${f.mib} MiB source: peak memory above a 1-byte source`,
        Math.round(f.peakMb - f.baselinePeakMb),
        "MB",
        64,
        `peak ${f.peakMb.toFixed(0)} MB vs ${f.baselinePeakMb.toFixed(0)} MB; ${f.ms.toFixed(0)} ms`,
      ),
    );
  }
  return result;
}

/**
 * The rate gate in virtual time (test/pacing-simulation.ts), where a run is the same on any
 * machine: 100 chains of 3 requests at once, behind the emulator's limiter, a token bucket of one
 * second's worth, and one of capacity 1 (a burst reveals nothing of its rate). The pace's figure
 * is what the server admitted over the second half of the run, against its rate.
 */
async function simulatedPacing(config: BenchConfig): Promise<Figure[]> {
  const figures: Figure[] = [];
  const limiters = [
    ["sliding-window", undefined, "sliding window"],
    ["token-bucket", undefined, "token bucket"],
    ["token-bucket", 1, "token bucket of capacity 1"],
  ] as const;
  for (const [limiter, capacity, label] of limiters) {
    for (const rate of config.rates) {
      const run = await simulatePacing({ limiter, rate, ...(capacity !== undefined ? { capacity } : {}), n: 100, chain: 3 });
      figures.push(
        info(`pacing, simulated: 300 calls at ${rate} req/s behind a ${label}: time vs ideal`, run.timeVsIdeal, "x", `second half at ${run.steadyVsRate.toFixed(2)}x the rate, ${run.refused} refused`),
      );
    }
  }
  return figures;
}

/**
 * Adding one session, agent and environment to a stack born ten days ago, as the account gains K
 * objects of each kind since: half of them inside the recovery window, and (the largest K again)
 * all of them before it. Under the emulator's limit of 5 requests/s.
 */
async function accountFigures(config: BenchConfig): Promise<{ samples: AccountSample[]; figures: Figure[] }> {
  const cases: Array<[number, number]> = config.accountSizes.map((k) => [k, Math.floor(k / 2)]);
  const largest = Math.max(...config.accountSizes);
  cases.push([largest, 0]);
  const samples: AccountSample[] = [];
  const figures: Figure[] = [];
  for (const [k, inWindow] of cases) {
    const got = await accountCase(k, inWindow);
    samples.push(...got);
    for (const s of got) {
      log(`account K=${k} (${inWindow} in the window): add one ${s.added}: ${s.requests} requests (${s.refused} refused), ${(s.ms / 1000).toFixed(1)} s`);
      const name = `add one ${s.added}, K = ${k.toLocaleString("en")} since the seed, ${inWindow.toLocaleString("en")} in the window: requests`;
      const note = `${(s.ms / 1000).toFixed(1)} s whole up at ${ACCOUNT_RATE_LIMIT} req/s, ${s.refused} refused (429)`;
      // The promise of the recovery window: what lies before it costs nothing.
      figures.push(inWindow === 0 ? atMost(name, s.requests, "req", 3, note) : info(name, s.requests, "req", note));
    }
  }
  const pageMs = await listPageMs();
  figures.push(info("emulator: one page of 100 sessions of one agent among 50,000", pageMs, "ms"));
  return { samples, figures };
}

/** The account-size figures as one table (K, in the window, requests and time to add each kind). */
export function accountTable(samples: readonly AccountSample[]): string {
  const keys = [...new Set(samples.map((s) => `${s.k}/${s.inWindow}`))];
  const rows = keys.map((key) => {
    const of = samples.filter((s) => `${s.k}/${s.inWindow}` === key);
    const pick = (f: (s: AccountSample) => string) => ADDED.map((a) => f(of.find((s) => s.added === a)!)).join(" / ");
    return [of[0]!.k.toLocaleString("en"), of[0]!.inWindow.toLocaleString("en"), pick((s) => String(s.requests)), pick((s) => (s.ms / 1000).toFixed(1))];
  });
  const header = ["K since the seed", "in the window", "requests: session / agent / environment", `whole up, s (at ${ACCOUNT_RATE_LIMIT} req/s)`];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

export function formatValue(f: Figure): string {
  if (f.unit === "x") return `${f.value.toFixed(2)}x`;
  if (f.unit === "B") return `${f.value.toFixed(0)} B`;
  if (f.unit === "req") return Number.isInteger(f.value) ? String(f.value) : f.value.toFixed(2);
  if (f.unit === "ms") return `${f.value.toFixed(1)} ms`;
  return String(f.value);
}

/** The table as Markdown, so the same text goes to the terminal and the README. */
export function table(figures: readonly Figure[]): string {
  const rows = figures.map((f) => [f.name, formatValue(f), f.target ?? "", f.pass === undefined ? "" : f.pass ? "pass" : "FAIL", f.note ?? ""]);
  const header = ["figure", "measured", "target", "", "detail"];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((c, i) => c.padEnd(widths[i]!)).join(" | ")} |`;
  return [line(header), `|${widths.map((w) => "-".repeat(w + 2)).join("|")}|`, ...rows.map(line)].join("\n");
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const config = configFor(argv);
  const jsonIndex = argv.indexOf("--json");
  const jsonPath = path.resolve(jsonIndex >= 0 ? argv[jsonIndex + 1]! : "bench-results.json");
  const started = performance.now();
  const result = await runBench(config);
  fs.writeFileSync(jsonPath, `${JSON.stringify(result, null, 2)}\n`);
  process.stdout.write(`${table(result.figures)}\n`);
  if (result.account) process.stdout.write(`\nAdding one object as the account grows (a stack born 10 days ago; recovery window 72 h):\n\n${accountTable(result.account)}\n`);
  const failed = result.figures.filter((f) => f.pass === false).length;
  process.stdout.write(
    `\n${result.figures.filter((f) => f.pass !== undefined).length - failed} targets met, ${failed} missed; ` +
      `${((performance.now() - started) / 1000).toFixed(0)} s; JSON in ${jsonPath}\n`,
  );
}

if (require.main === module) {
  main().catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
