// Crash-safe creates under the real engine: the `pulumi` CLI (or only the dynamic provider) is
// SIGKILLed while creates are in flight; the API commits them anyway, after the client is gone.
// The next `up` must find every one of them by its create token (derived from state alone) and
// adopt it: no second create, no orphan, and a replacement never adopts the object it replaces.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Stack, UpResult } from "@pulumi/pulumi/automation";
import { Agent, Environment, Session } from "../../sdk";
import { engineEnv, runCli, stackFor, type EngineEnv } from "../../tools/engine";
import { startEmulator, type Emulator, type RecordedRequest } from "../../emulator/server";
import { alive, descendants, dynamicProviders, killTrees, pulumiClis, type Proc } from "./process-tree";

jest.setTimeout(5 * 60_000);

const STACK = "crash";
const TYPE = "pulumi-nodejs:dynamic/anthropic:";
/** Long enough that every create of a batch is received before the first one answers, on a slow machine. */
const DELAY_MS = 8_000;

let emulator: Emulator;
let env: EngineEnv;
let stack: Stack;
const options = { system: "You are agent generation 1." };

function program() {
  return async () => {
    const sandbox = new Environment("sandbox", { name: "sandbox", config: { type: "cloud" } });
    const agents = [1, 2, 3].map((n) => new Agent(`a${n}`, { name: `a${n}`, model: "claude-sonnet-4-6", system: options.system }));
    const sessions = agents.map(
      (agent, i) => new Session(`s${i + 1}`, { agent: agent.id, agentVersion: agent.version, environmentId: sandbox.id, title: `s${i + 1}` }),
    );
    return {
      environmentId: sandbox.id,
      agents: agents.map((a) => ({ id: a.id, version: a.version })),
      sessions: sessions.map((s) => ({ id: s.id, agentId: s.agentId, agentVersion: s.agentVersion })),
    };
  };
}

interface Outputs {
  environmentId: string;
  agents: { id: string; version: number }[];
  sessions: { id: string; agentId: string; agentVersion: number }[];
}

function outputsOf(up: UpResult): Outputs {
  return Object.fromEntries(Object.entries(up.outputs).map(([k, v]) => [k, v.value])) as unknown as Outputs;
}

// ---------------------------------------------------------------------------------------------
// Helpers

/** Polls `probe` until it returns true; fails with `what` and the last observation after `timeoutMs`. */
async function waitUntil(what: string, probe: () => boolean, timeoutMs = 60_000, describe: () => string = () => ""): Promise<void> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (probe()) return;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${describe() ? `: ${describe()}` : ""}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Recorded requests with this method whose path matches exactly. */
function sent(method: string, path: RegExp): RecordedRequest[] {
  return emulator.requests.filter((r) => r.method === method && path.test(r.path));
}

/** The request log, one line each (for failure messages and the report). */
function requestLog(): string {
  return emulator.requests
    .map((r) => {
      const body = r.body && typeof r.body === "object" && Object.keys(r.body).length > 0 ? ` ${JSON.stringify(r.body).slice(0, 160)}` : "";
      return `${r.method} ${r.path}${Object.keys(r.query).length > 0 ? `?${new URLSearchParams(r.query).toString()}` : ""}${body}`;
    })
    .join("\n");
}

interface Exported {
  agents: string[];
  environments: string[];
  sessions: string[];
  /** URNs of resources state marks for deletion (old halves of unfinished replacements). */
  pendingDelete: string[];
  /** Names of the resources whose create the engine saw start and never end (`pending_operations`). */
  pendingCreates: string[];
}

/** The ids the stack's state records, per kind, read with the real CLI (`pulumi stack export`). */
function stateIds(): Exported {
  const exported = JSON.parse(runCli(env, ["stack", "export", "--stack", STACK])) as {
    deployment: {
      resources?: { urn: string; type: string; id?: string; delete?: boolean }[];
      pending_operations?: { type: string; resource: { urn: string } }[];
    };
  };
  const resources = exported.deployment.resources ?? [];
  const ids = (kind: string) =>
    resources
      .filter((r) => r.type === TYPE + kind && !r.delete)
      .map((r) => r.id!)
      .sort();
  return {
    agents: ids("Agent"),
    environments: ids("Environment"),
    sessions: ids("Session"),
    pendingDelete: resources.filter((r) => r.delete).map((r) => r.urn),
    pendingCreates: (exported.deployment.pending_operations ?? [])
      .filter((o) => o.type === "creating")
      .map((o) => o.resource.urn.split("::").pop()!)
      .sort(),
  };
}

/** The file backend's lock files (an `up` holds one; a killed CLI leaves it behind). */
function locks(): string[] {
  const dir = path.join(new URL(env.envVars["PULUMI_BACKEND_URL"]!).pathname, ".pulumi", "locks");
  if (!fs.existsSync(dir)) return [];
  return (fs.readdirSync(dir, { recursive: true }) as string[]).filter((f) => f.endsWith(".json"));
}

function liveIds(): { agents: string[]; environments: string[]; sessions: string[] } {
  const live = emulator.live();
  return { agents: [...live.agents].sort(), environments: [...live.environments].sort(), sessions: [...live.sessions].sort() };
}

/** No orphan, nothing recorded that is gone: what state records is exactly what is live. */
function expectStateMatchesLive(): Exported {
  const state = stateIds();
  expect({ agents: state.agents, environments: state.environments, sessions: state.sessions }).toEqual(liveIds());
  expect(state.pendingDelete).toEqual([]);
  return state;
}

function describeTree(): string {
  return descendants()
    .map((p: Proc) => `${p.pid}<-${p.ppid} ${p.argv.join(" ").slice(0, 120)}`)
    .join("; ");
}

/**
 * Starts `up` with every create (`POST` to one of `paths`, exactly) held by a delay, waits until
 * `count` of them have reached the API, then SIGKILLs the CLI with everything below it, or only the
 * dynamic provider. The API commits the creates afterwards; this returns once it has (nothing in
 * flight), with the failed up's error, and with the stack unlocked.
 */
async function upKilledDuringCreates(args: { paths: string[]; count: number; victim: "cli" | "provider" }): Promise<Error> {
  const creates = new RegExp(`^(${args.paths.join("|")})$`);
  emulator.clearFaults();
  emulator.injectFault({ method: "POST", path: creates, kind: "delay", delayMs: DELAY_MS, times: 10 });
  emulator.resetCounts();
  let failure: Error | undefined;
  let settled = false;
  const up = stack.up().then(
    () => {
      settled = true;
    },
    (e: Error) => {
      settled = true;
      failure = e;
    },
  );
  await waitUntil(
    `${args.count} creates in flight`,
    () => sent("POST", creates).length === args.count && emulator.inFlight("POST") === args.count,
    60_000,
    () => `received ${sent("POST", creates).length}, in flight ${emulator.inFlight("POST")}, up settled: ${settled}\n${requestLog()}`,
  );
  expect(settled).toBe(false);

  const clis = pulumiClis(process.pid, "up");
  expect(clis).toHaveLength(1);
  const providers = dynamicProviders(clis[0]!.pid);
  expect(providers).toHaveLength(1);
  const victims = args.victim === "cli" ? killTrees(clis) : killTrees(providers);
  if (args.victim === "cli") expect(victims).toEqual(expect.arrayContaining([clis[0]!.pid, providers[0]!.pid]));
  else expect(victims).toEqual([providers[0]!.pid]);
  await waitUntil("the killed processes to be gone", () => victims.every((pid) => !alive(pid)), 30_000, describeTree);

  await up;
  expect(failure).toBeInstanceOf(Error);
  // The API still commits every create that was in flight: objects state does not know.
  await waitUntil("the held creates to commit", () => emulator.inFlight() === 0, DELAY_MS + 60_000);
  expect(sent("POST", creates)).toHaveLength(args.count);
  emulator.clearFaults();
  if (args.victim === "cli") {
    // A killed CLI leaves the file backend's lock behind: `pulumi cancel` removes it.
    expect(locks()).toHaveLength(1);
    await stack.cancel();
  }
  expect(locks()).toEqual([]);
  return failure!;
}

function debug(title: string, text: string): void {
  if (process.env["CRASH_E2E_VERBOSE"]) process.stderr.write(`\n===== ${title}\n${text}\n`);
}

/**
 * A refresh finds state and the API in agreement. It also drops the engine's record of the creates
 * the killed run left pending: the engine keeps those (and warns about them on every run) until a
 * refresh clears them, even though the provider has resolved every one of them.
 */
async function expectNoChangesOnRefresh(): Promise<void> {
  emulator.resetCounts();
  const refresh = await stack.refresh({ expectNoChanges: true, clearPendingCreates: true });
  expect(refresh.summary.result).toBe("succeeded");
  expect(sent("POST", /./)).toEqual([]);
  expect(stateIds().pendingCreates).toEqual([]);
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  emulator = await startEmulator();
  env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(env, program(), STACK, "crash");
});

afterAll(async () => {
  // Nothing this file started may outlive it (a killed CLI's children are killed with it).
  const leftovers = [...pulumiClis(), ...dynamicProviders()];
  killTrees(leftovers);
  await emulator?.stop();
  // The workspace, backend and PULUMI_HOME (rm unlinks the node_modules symlink, never follows it).
  if (env) fs.rmSync(path.dirname(env.workDir), { recursive: true, force: true });
  expect(leftovers.map((p) => p.argv.join(" "))).toEqual([]);
});

let generation1: Outputs;
/** What the first recovery `up` sent, for the test after it. */
let firstRecovery: RecordedRequest[] = [];

it("the CLI killed while the agents and the environment are created: the next up adopts all four, creates nothing twice", async () => {
  const failure = await upKilledDuringCreates({ paths: ["/v1/agents", "/v1/environments"], count: 4, victim: "cli" });
  debug("step 1 failure", failure.message);
  expect(failure.message).toContain("SIGKILL");
  const made = liveIds();
  expect(made.agents).toHaveLength(3);
  expect(made.environments).toHaveLength(1);
  expect(made.sessions).toEqual([]);
  const interrupted = stateIds();
  debug("step 1 state after the kill", JSON.stringify(interrupted));
  expect(interrupted.agents).toEqual([]);
  expect(interrupted.environments).toEqual([]);
  expect(interrupted.pendingCreates).toEqual(["a1", "a2", "a3", "sandbox"]);

  emulator.resetCounts();
  const up = await stack.up();
  debug("step 1 recovery stdout", up.stdout);
  expect(up.summary.result).toBe("succeeded");
  firstRecovery = [...emulator.requests];
  const log = requestLog();
  debug("step 1 recovery requests", log);

  const live = liveIds();
  expect(live.agents).toEqual(made.agents);
  expect(live.environments).toEqual(made.environments);
  expect(live.sessions).toHaveLength(3);
  // Nothing created twice: one listing per kind, no create of an agent or an environment.
  expect({ log, n: sent("POST", /^\/v1\/agents$/).length }).toEqual({ log, n: 0 });
  expect(sent("POST", /^\/v1\/environments$/)).toHaveLength(0);
  expect(sent("GET", /^\/v1\/agents$/)).toHaveLength(1);
  expect(sent("GET", /^\/v1\/environments$/)).toHaveLength(1);
  // Sessions are new: one lookup per agent (the listing is filtered by agent), one create each.
  expect(sent("GET", /^\/v1\/sessions$/).map((r) => r.query["agent_id"]).sort()).toEqual(made.agents);
  expect(sent("POST", /^\/v1\/sessions$/)).toHaveLength(3);

  generation1 = outputsOf(up);
  expect(generation1.agents.map((a) => a.id).sort()).toEqual(made.agents);
  expect(generation1.environmentId).toBe(made.environments[0]);
  for (const s of generation1.sessions) expect(s.agentVersion).toBe(emulator.agents.get(s.agentId)!.version);
  // The engine still lists the interrupted creates as pending (the refresh below clears them).
  expect(expectStateMatchesLive().pendingCreates).toEqual(["a1", "a2", "a3", "sandbox"]);
  await expectNoChangesOnRefresh();
});

it("the adopted agents and environment are taken as they are: no update, the agents stay on version 1", () => {
  const writes = firstRecovery.filter((r) => r.method === "POST" && /^\/v1\/(agents|environments)\/[^/]+$/.test(r.path));
  expect(writes.map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`)).toEqual([]);
  expect(generation1.agents.map((a) => a.version)).toEqual([1, 1, 1]);
  expect(generation1.sessions.map((s) => s.agentVersion)).toEqual([1, 1, 1]);
});

let generation2: Outputs;

it("the CLI killed while replacement sessions are created: the next up adopts them and archives the replaced ones", async () => {
  options.system = "You are agent generation 2.";
  const versions = generation1.agents.map((a) => a.version + 1);
  const failure = await upKilledDuringCreates({ paths: ["/v1/sessions"], count: 3, victim: "cli" });
  debug("step 2 failure", failure.message);
  expect(failure.message).toContain("SIGKILL");
  const old = generation1.sessions.map((s) => s.id).sort();
  const made = liveIds().sessions.filter((id) => !old.includes(id)).sort();
  expect(made).toHaveLength(3);
  // The agents' updates finished before the sessions' creates began.
  expect(generation1.agents.map((a) => emulator.agents.get(a.id)!.version)).toEqual(versions);
  const interrupted = stateIds();
  debug("step 2 state after the kill", JSON.stringify(interrupted));
  expect(interrupted.sessions).toEqual(old);
  expect(interrupted.pendingCreates).toEqual(["s1", "s2", "s3"]);

  emulator.resetCounts();
  const up = await stack.up();
  debug("step 2 recovery stdout", up.stdout);
  expect(up.summary.result).toBe("succeeded");
  const log = requestLog();
  debug("step 2 recovery requests", log);

  generation2 = outputsOf(up);
  const now = generation2.sessions.map((s) => s.id).sort();
  // The three the killed run made, adopted.
  expect({ log, now }).toEqual({ log, now: made });
  // A replacement derives a new token: it never adopts the session it replaces.
  for (const id of now) expect(old).not.toContain(id);
  expect(generation2.agents.map((a) => a.version)).toEqual(versions);
  expect(generation2.sessions.map((s) => s.agentVersion)).toEqual(versions);
  for (const s of generation2.sessions) expect(emulator.sessions.get(s.id).agent.version).toBe(s.agentVersion);
  for (const id of old) expect(emulator.sessions.get(id).archived_at).toEqual(expect.any(String));
  expect(liveIds().sessions).toEqual(made);

  expect(sent("POST", /^\/v1\/sessions$/)).toHaveLength(0);
  expect(sent("GET", /^\/v1\/sessions$/).map((r) => r.query["agent_id"]).sort()).toEqual(generation1.agents.map((a) => a.id).sort());
  // Adopted as they are (no update); the replaced ones archived, each once.
  expect(sent("POST", /^\/v1\/sessions\/[^/]+$/)).toHaveLength(0);
  expect(sent("POST", /^\/v1\/sessions\/[^/]+\/archive$/).map((r) => r.path.split("/")[3]).sort()).toEqual(old);
  // No agent or environment was created, listed or changed.
  expect(sent("POST", /^\/v1\/(agents|environments)/)).toHaveLength(0);
  expect(sent("GET", /^\/v1\/(agents|environments)$/)).toHaveLength(0);
  expect(expectStateMatchesLive().pendingCreates).toEqual(["s1", "s2", "s3"]);
  await expectNoChangesOnRefresh();
});

it("the provider killed mid-create (the CLI survives): the up fails, and the next one adopts the sessions without a cancel", async () => {
  options.system = "You are agent generation 3.";
  const versions = generation2.agents.map((a) => a.version + 1);
  const failure = await upKilledDuringCreates({ paths: ["/v1/sessions"], count: 3, victim: "provider" });
  debug("step 3 failure", failure.message);
  const old = generation2.sessions.map((s) => s.id).sort();
  const made = liveIds().sessions.filter((id) => !old.includes(id)).sort();
  expect(made).toHaveLength(3);
  const interrupted = stateIds();
  debug("step 3 state after the kill", JSON.stringify(interrupted));
  expect(interrupted.sessions).toEqual(old);
  // The engine saw each create fail (the provider's connection closed): nothing is left pending.
  expect(interrupted.pendingCreates).toEqual([]);
  expect(failure.message).toContain("update failed");

  // The CLI exited by itself and released the stack's lock: no cancel.
  emulator.resetCounts();
  const up = await stack.up();
  debug("step 3 recovery stdout", up.stdout);
  expect(up.summary.result).toBe("succeeded");
  const log = requestLog();
  debug("step 3 recovery requests", log);

  const generation3 = outputsOf(up);
  const now = generation3.sessions.map((s) => s.id).sort();
  expect({ log, now }).toEqual({ log, now: made });
  const earlier = [...old, ...generation1.sessions.map((s) => s.id)];
  for (const id of now) expect(earlier).not.toContain(id);
  expect(generation3.sessions.map((s) => s.agentVersion)).toEqual(versions);
  for (const s of generation3.sessions) expect(emulator.sessions.get(s.id).agent.version).toBe(s.agentVersion);
  for (const id of old) expect(emulator.sessions.get(id).archived_at).toEqual(expect.any(String));
  expect(liveIds().sessions).toEqual(made);

  expect(sent("POST", /^\/v1\/sessions$/)).toHaveLength(0);
  expect(sent("GET", /^\/v1\/sessions$/).map((r) => r.query["agent_id"]).sort()).toEqual(generation1.agents.map((a) => a.id).sort());
  expect(sent("POST", /^\/v1\/sessions\/[^/]+$/)).toHaveLength(0);
  expect(sent("POST", /^\/v1\/sessions\/[^/]+\/archive$/).map((r) => r.path.split("/")[3]).sort()).toEqual(old);
  expect(sent("POST", /^\/v1\/(agents|environments)/)).toHaveLength(0);
  expect(expectStateMatchesLive().pendingCreates).toEqual([]);
  await expectNoChangesOnRefresh();
});

it("destroy leaves nothing live", async () => {
  const destroy = await stack.destroy();
  expect(destroy.summary.result).toBe("succeeded");
  expect(emulator.live()).toEqual({ agents: [], environments: [], sessions: [] });
  expect(stateIds()).toEqual({ agents: [], environments: [], sessions: [], pendingDelete: [], pendingCreates: [] });
});
