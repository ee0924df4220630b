// The cost of a stack: the same operations on our resources and on a trivial dynamic resource (its
// `create` returns a constant), each pair back to back through the same CLI, so that the ratio of
// the two is what this provider adds on top of the engine.
import * as fs from "node:fs";
import type { Stack } from "@pulumi/pulumi/automation";
import * as dynamic from "@pulumi/pulumi/dynamic";
import { Agent, Environment, Session } from "../../sdk";
import { engineEnv, runCli, stackFor, type EngineEnv } from "../../tools/engine";
import type { Emulator } from "../../emulator/server";

export const OPERATIONS = ["preview", "up", "refresh", "destroy"] as const;
export type Operation = (typeof OPERATIONS)[number];

/** The reference: a dynamic resource that does nothing. */
const trivialProvider: dynamic.ResourceProvider = {
  async create() {
    return { id: "trivial", outs: {} };
  },
};

class Trivial extends dynamic.Resource {
  constructor(name: string, props: Record<string, unknown> = {}) {
    super(trivialProvider, name, props, {});
  }
}

/** How long each run of a program took to declare its resources (the constructors' own time), in ms. */
export type DeclareTimes = number[];

function timed(times: DeclareTimes, declare: () => void): () => Promise<Record<string, unknown>> {
  return async () => {
    const start = performance.now();
    declare();
    times.push(performance.now() - start);
    return {};
  };
}

/** 1 environment + n agents + n sessions, each pinned to its agent's version. */
export function ourProgram(n: number, times: DeclareTimes = []): () => Promise<Record<string, unknown>> {
  return timed(times, () => {
    const environment = new Environment("env", { name: "bench", config: { type: "cloud" } });
    for (let i = 0; i < n; i++) {
      const agent = new Agent(`agent-${i}`, { name: `agent-${i}`, model: "claude-sonnet-4-6", system: "You review pull requests." });
      new Session(`session-${i}`, { agent: agent.id, agentVersion: agent.version, environmentId: environment.id, title: `session ${i}` });
    }
  });
}

/** As many trivial resources as {@link ourProgram} declares. */
export function trivialProgram(count: number, times: DeclareTimes = []): () => Promise<Record<string, unknown>> {
  return timed(times, () => {
    for (let i = 0; i < count; i++) new Trivial(`trivial-${i}`);
  });
}

/**
 * Trivial resources wired as {@link ourProgram} wires ours (each "session" takes its "agent"'s id
 * and the "environment"'s): what the dependencies alone cost the engine.
 */
export function trivialGraphProgram(n: number, times: DeclareTimes = []): () => Promise<Record<string, unknown>> {
  return timed(times, () => {
    const environment = new Trivial("env");
    for (let i = 0; i < n; i++) {
      const agent = new Trivial(`agent-${i}`);
      new Trivial(`session-${i}`, { agent: agent.id, environment: environment.id });
    }
  });
}

export interface Side {
  label: "ours" | "trivial" | "trivial-graph";
  env: EngineEnv;
  stack: Stack;
  /** Resources the program declares (ours: without the stack's create-token seed). */
  resources: number;
  /** Each program run's time to declare them. */
  declareMs: DeclareTimes;
}

export async function makeSide(label: Side["label"], emulator: Emulator, n: number): Promise<Side> {
  const env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-bench", ANTHROPIC_BASE_URL: emulator.url });
  const resources = 2 * n + 1;
  const declareMs: DeclareTimes = [];
  const program = label === "ours" ? ourProgram(n, declareMs) : label === "trivial" ? trivialProgram(resources, declareMs) : trivialGraphProgram(n, declareMs);
  const stack = await stackFor(env, program, "bench", `bench-${label}`);
  return { label, env, stack, resources, declareMs };
}

export interface OperationSample {
  ms: number;
  /** CPU of the CLI and everything it ran (the provider plugin included), in ms; NaN where /proc is missing. */
  engineCpuMs: number;
  /** CPU of this process: the inline program, the Automation API, the emulator. */
  programCpuMs: number;
  requests: number;
  gets: number;
}

/**
 * CPU time of this process's waited-for children (Linux: /proc/self/stat cutime + cstime), which
 * includes the CLI and the plugins it waited for, in ms.
 */
function childrenCpuMs(): number {
  try {
    const fields = fs.readFileSync("/proc/self/stat", "utf8").split(") ")[1]!.split(" ");
    // After "pid (comm) ", field 3 is index 0: cutime and cstime are fields 16 and 17.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / CLOCK_TICKS;
  } catch {
    return Number.NaN;
  }
}
const CLOCK_TICKS = 100;

/** Runs one operation and fails loudly when it did not do what the bench expects of it. */
export async function runOperation(side: Side, op: Operation, emulator: Emulator): Promise<OperationSample> {
  const before = emulator.requests.length;
  const cpuBefore = childrenCpuMs();
  const ownBefore = process.cpuUsage();
  const start = performance.now();
  if (op === "preview") {
    const r = await side.stack.preview();
    const changes = Object.entries(r.changeSummary).filter(([k, v]) => k !== "same" && v > 0);
    if (changes.length > 0) throw new Error(`${side.label}: preview of an unchanged stack planned changes: ${JSON.stringify(r.changeSummary)}`);
  } else if (op === "up") {
    const r = await side.stack.up();
    if (r.summary.result !== "succeeded") throw new Error(`${side.label}: up ${r.summary.result}`);
  } else if (op === "refresh") {
    await side.stack.refresh({ expectNoChanges: true });
  } else {
    const r = await side.stack.destroy();
    if (r.summary.result !== "succeeded") throw new Error(`${side.label}: destroy ${r.summary.result}`);
  }
  const ms = performance.now() - start;
  const own = process.cpuUsage(ownBefore);
  const made = emulator.requests.slice(before);
  return {
    ms,
    engineCpuMs: childrenCpuMs() - cpuBefore,
    programCpuMs: (own.user + own.system) / 1000,
    requests: made.length,
    gets: made.filter((r) => r.method === "GET").length,
  };
}

export interface StateSize {
  /** Mean bytes of one resource's entry in the checkpoint (compact JSON). */
  bytesPerResource: number;
  /** Mean bytes of `__provider` in one entry (inputs and outputs together). */
  providerBytesPerResource: number;
  /** Mean bytes per resource by type (ours: Environment, Agent, Session). */
  byType: Record<string, number>;
}

interface ExportedResource {
  type: string;
  inputs?: Record<string, unknown>;
  outputs?: Record<string, unknown>;
}

/** Sizes as the backend stores them (`pulumi stack export`, secrets encrypted). */
export function stateSize(side: Side): StateSize {
  const exported = JSON.parse(runCli(side.env, ["stack", "export", "--stack", "bench"])) as { deployment: { resources?: ExportedResource[] } };
  const ours = (exported.deployment.resources ?? []).filter(
    (r) => r.type.startsWith("pulumi-nodejs:dynamic") && !r.type.endsWith(":CreateTokenSeed"),
  );
  if (ours.length !== side.resources) throw new Error(`${side.label}: expected ${side.resources} resources in state, found ${ours.length}`);
  const bytes = (v: unknown) => (v === undefined ? 0 : Buffer.byteLength(JSON.stringify(v)));
  const byTypeTotal: Record<string, { bytes: number; count: number }> = {};
  let total = 0;
  let provider = 0;
  for (const r of ours) {
    const size = bytes(r);
    total += size;
    provider += bytes(r.inputs?.["__provider"]) + bytes(r.outputs?.["__provider"]);
    const type = r.type.split(":").pop()!;
    const t = (byTypeTotal[type] ??= { bytes: 0, count: 0 });
    t.bytes += size;
    t.count += 1;
  }
  return {
    bytesPerResource: total / ours.length,
    providerBytesPerResource: provider / ours.length,
    byType: Object.fromEntries(Object.entries(byTypeTotal).map(([k, v]) => [k, v.bytes / v.count])),
  };
}
