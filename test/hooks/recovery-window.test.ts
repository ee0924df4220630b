// The lookup of what an interrupted run created costs what the interrupted work can be, not what
// the account holds (provider/kit/recovery.ts): nothing on a new stack, nothing with the window
// at 0 or for a session of an agent this process made, one listing narrowed to the recovery
// window otherwise, however busy the account; and a lookup that cannot finish in time fails
// once, saying what to set. Exact request counts from the emulator throughout.
import { RateGate } from "../../provider/client/rate-gate";
import { RecoveryLookupError } from "../../provider/kit/create";
import { LookupCache } from "../../provider/kit/lookups";
import { mintSeed, newSeed } from "../../provider/kit/stack-seed";
import type { Props } from "../../provider/kit/values";
import { agentResource } from "../../provider/resources/agent";
import { environmentResource } from "../../provider/resources/environment";
import { sessionResource } from "../../provider/resources/session";
import { addAgents, addEnvironments, addSessions } from "../account";
import { checkAndCreate, checkAndUpdate, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WINDOW = 72 * HOUR;
/** The stack was born ten days ago. */
const seed = newSeed(new Date(Date.now() - 10 * DAY));
const within = (inputs: Props, kind: string, urn: string) => sdkInputs(kind, inputs, { seed, urn: `urn:pulumi:s::p::pulumi-nodejs:dynamic/anthropic:${kind}::${urn}` });
const calls = () => env.emulator.requests.map((r) => `${r.method} ${r.path}`);
/** A fresh provider process's context (its own lookups). */
const process = (operation: Parameters<typeof env.ctx>[0] = {}) => env.ctx({ ...operation, operation: { lookups: new LookupCache(), ...operation.operation } });

let agentId: string;
let environmentId: string;

beforeAll(() => {
  // The stack's own agent and environment, and a busy account: 5,000 of each kind created after
  // the stack's seed but before the recovery window, by other teams and applications.
  agentId = env.emulator.agents.create({ name: "ours", model: "claude-sonnet-4-6" }).id;
  environmentId = env.emulator.environments.create({ name: "ours" }).id;
  const before = { from: Date.now() - 9 * DAY, to: Date.now() - WINDOW - DAY };
  addAgents(env.emulator, 5_000, before);
  addEnvironments(env.emulator, 5_000, before);
  addSessions(env.emulator, 5_000, before, agentId, environmentId);
  env.emulator.resetCounts();
});

describe("where nothing can be found, nothing is looked up", () => {
  it("a new stack (its seed made by this very process): each create is its POST alone", async () => {
    const fresh = mintSeed();
    const ctx = process();
    const agent = await checkAndCreate(agentResource, ctx, sdkInputs("Agent", { name: "new-stack", model: "claude-sonnet-4-6" }, { seed: fresh }));
    const environment = await checkAndCreate(environmentResource, ctx, sdkInputs("Environment", { name: "new-stack" }, { seed: fresh }));
    await checkAndCreate(sessionResource, ctx, sdkInputs("Session", { agent: agent.id, agentVersion: 1, environmentId: environment.id }, { seed: fresh }));
    expect(calls()).toEqual(["POST /v1/agents", "POST /v1/environments", "POST /v1/sessions"]);
  });

  it("the recovery window at 0: no lookup", async () => {
    const ctx = process({ operation: { recoveryWindowMs: 0 } });
    await checkAndCreate(agentResource, ctx, within({ name: "off", model: "claude-sonnet-4-6" }, "Agent", "off"));
    await checkAndCreate(sessionResource, ctx, within({ agent: agentId, environmentId }, "Session", "off"));
    expect(calls()).toEqual(["POST /v1/agents", "POST /v1/sessions"]);
  });

  it("a session of an agent (or in an environment) this process created: no lookup of sessions", async () => {
    const ctx = process();
    const agent = await checkAndCreate(agentResource, ctx, within({ name: "made-here", model: "claude-sonnet-4-6" }, "Agent", "made-here"));
    env.emulator.resetCounts();
    await checkAndCreate(sessionResource, ctx, within({ agent: agent.id, agentVersion: 1, environmentId }, "Session", "of-new-agent"));
    expect(calls()).toEqual(["POST /v1/sessions"]);
  });

  it("a session pinned to a version this process made: only the version before is looked at, where an interrupted run's session can be", async () => {
    const old = env.emulator.agents.create({ name: "existing", model: "claude-sonnet-4-6" });
    // An interrupted run made the session pinned to version 1, and its state write was lost.
    const interrupted = await checkAndCreate(sessionResource, process(), within({ agent: old.id, agentVersion: 1, environmentId }, "Session", "pinned"));
    // This run changed the agent first (a new version, made here), so the session is now pinned to 2.
    const ctx = process();
    const agent = await checkAndCreate(agentResource, ctx, { ...within({ name: "existing", model: "claude-sonnet-4-6" }, "Agent", "existing"), adoptId: old.id });
    const updated = await checkAndUpdate(agentResource, ctx, agent.id, agent, within({ name: "existing", model: "claude-sonnet-4-6", system: "v2" }, "Agent", "existing"));
    expect(updated.outs["version"]).toBe(2);
    env.emulator.resetCounts();
    const session = await checkAndCreate(sessionResource, ctx, within({ agent: old.id, agentVersion: 2, environmentId }, "Session", "pinned"));
    expect(calls()).toEqual(["GET /v1/sessions", `GET /v1/sessions/${interrupted.id}`, `POST /v1/sessions/${interrupted.id}/archive`, "POST /v1/sessions"]);
    expect(env.emulator.requests[0]!.query).toMatchObject({ agent_id: old.id, agent_version: "1", order: "desc" });
    // The interrupted run's session (made from another version) disposed of: no orphan, no duplicate.
    expect(env.emulator.sessions.get(interrupted.id).archived_at).toEqual(expect.any(String));
    expect(session.id).not.toBe(interrupted.id);
  });
});

describe("a busy account: 5,000 agents, environments and sessions of the agent, made after the seed but before the window", () => {
  it("adding one of each costs its listing (one page, stopped at the window's start) and its POST", async () => {
    const ctx = process();
    const windowStart = Date.now() - WINDOW;
    await checkAndCreate(agentResource, ctx, within({ name: "one-more", model: "claude-sonnet-4-6" }, "Agent", "one-more"));
    await checkAndCreate(environmentResource, ctx, within({ name: "one-more" }, "Environment", "one-more"));
    await checkAndCreate(sessionResource, ctx, within({ agent: agentId, agentVersion: 1, environmentId }, "Session", "one-more"));
    expect(calls()).toEqual(["GET /v1/agents", "POST /v1/agents", "GET /v1/environments", "POST /v1/environments", "GET /v1/sessions", "POST /v1/sessions"]);
    const [agents, environments, sessions] = env.emulator.requests.filter((r) => r.method === "GET");
    const since = (q: Record<string, string>) => Date.parse(q["created_at[gte]"]!);
    expect(since(agents!.query)).toBeGreaterThanOrEqual(windowStart - 60_000);
    expect(since(agents!.query)).toBeLessThanOrEqual(windowStart + 60_000);
    // Environments cannot be filtered by time: listed newest first, the listing stops at the first one older than the window.
    expect(environments!.query).toEqual({ limit: "100" });
    expect(sessions!.query).toMatchObject({ agent_id: agentId, agent_version: "1", order: "desc", "created_at[gte]": agents!.query["created_at[gte]"] });
  });

  it("an up killed inside the window is still recovered: the one object found among the window's, adopted, 0 creates", async () => {
    // 250 sessions of the agent inside the window, besides the 5,000 before it.
    addSessions(env.emulator, 250, { from: Date.now() - WINDOW + HOUR, to: Date.now() - HOUR }, agentId, environmentId);
    const props = within({ agent: agentId, agentVersion: 1, environmentId, title: "interrupted" }, "Session", "interrupted");
    const lost = await checkAndCreate(sessionResource, process(), props);
    env.emulator.resetCounts();
    const rerun = await checkAndCreate(sessionResource, process(), props);
    expect(rerun.id).toBe(lost.id);
    // 251 sessions in the window: three pages, newest first; nothing created.
    expect(calls()).toEqual(["GET /v1/sessions", "GET /v1/sessions", "GET /v1/sessions"]);
  });

  it("what an interrupted run made before the window is not found: the next up creates it again (what the window gives up)", async () => {
    const props = within({ name: "too-late" }, "Environment", "too-late");
    const lost = await checkAndCreate(environmentResource, process(), props);
    const record = env.emulator.environments.get(lost.id);
    const fourDaysAgo = new Date(Date.now() - 4 * DAY).toISOString();
    env.emulator.environments.records.set(lost.id, { ...record, created_at: fourDaysAgo, updated_at: fourDaysAgo });
    env.emulator.resetCounts();
    const rerun = await checkAndCreate(environmentResource, process(), props);
    expect(rerun.id).not.toBe(lost.id);
    expect(calls()).toEqual(["GET /v1/environments", "POST /v1/environments"]);
    // With a window that reaches back to it, the same rerun takes it over instead.
    env.emulator.environments.records.delete(rerun.id);
    env.emulator.resetCounts();
    const wider = await checkAndCreate(environmentResource, process({ operation: { recoveryWindowMs: 5 * DAY } }), props);
    expect(wider.id).toBe(lost.id);
    expect(calls().filter((c) => c.startsWith("POST"))).toEqual([]);
  });
});

describe("a lookup that cannot finish within the deadline", () => {
  /** A process whose requests are paced at one per 1.03 s (the API said 60 per minute), on a clock that moves only when it waits. */
  function paced(timeoutMs: number, recoveryWindowMs = WINDOW) {
    const gate = new RateGate();
    const host = new URL(env.emulator.url).host;
    gate.answered(host, Date.now());
    gate.refused(host, Date.now(), 1, { "anthropic-ratelimit-requests-limit": "60" });
    return env.ctx({ client: { gate }, operation: { lookups: new LookupCache(), timeoutMs, recoveryWindowMs } });
  }

  beforeAll(() => {
    // 2,000 more sessions of the agent inside the window: over 20 pages.
    addSessions(env.emulator, 2_000, { from: Date.now() - WINDOW + HOUR, to: Date.now() - HOUR }, agentId, environmentId);
  });

  it("fails once, saying what it was doing, how far it got and what to set; the next up with a larger deadline or a smaller window succeeds", async () => {
    const ctx = paced(10_000);
    const props = within({ agent: agentId, environmentId, title: "slow" }, "Session", "slow");
    const error = await checkAndCreate(sessionResource, ctx, props).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RecoveryLookupError);
    const message = (error as Error).message;
    expect(message).toMatch(/^create session "slow": not created: looking for sessions an interrupted `up` may have created and not recorded \(agent_id=agent_\w+, created in the 72 h recovery window \(since \S+\)\) did not finish within the operation's deadline of 10 s: it read \d+ sessions in \d+ s, newest first, back to \S+: the last [\d.]+ h of the [\d.]+ h to read/);
    expect(message).toMatch(/Raise anthropic:operationTimeoutSeconds \(ANTHROPIC_OPERATION_TIMEOUT_SECONDS\) to about \d+ s, or lower anthropic:recoveryWindowHours/);
    const pages = env.emulator.count("GET", "/v1/sessions");
    expect(pages).toBeGreaterThan(0);
    expect(pages).toBeLessThan(20);
    expect(env.emulator.count("POST", "/v1/sessions")).toBe(0);

    // Another session of the same agent in the same up: the same error at once, no request.
    env.emulator.resetCounts();
    const again = await checkAndCreate(sessionResource, ctx, within({ agent: agentId, environmentId, title: "slow-2" }, "Session", "slow-2")).catch((e: unknown) => e);
    expect((again as Error).message).toBe(message.replace('create session "slow"', 'create session "slow-2"'));
    expect(env.emulator.requests).toEqual([]);

    // The next up, with a deadline long enough for all of the window's pages: listed, then created.
    const inWindow = [...env.emulator.sessions.records.values()].filter((s) => s.agent.id === agentId && Date.parse(s.created_at) >= Date.now() - WINDOW).length;
    const longer = await checkAndCreate(sessionResource, paced(120_000), props);
    expect(longer.id).toMatch(/^sesn_/);
    expect(env.emulator.count("GET", "/v1/sessions")).toBe(Math.ceil(inWindow / 100));
    expect(env.emulator.count("POST", "/v1/sessions")).toBe(1);

    // Or with a smaller window, which reads what the first try had covered.
    env.emulator.resetCounts();
    const smaller = await checkAndCreate(sessionResource, paced(10_000, HOUR / 2), within({ agent: agentId, environmentId, title: "slow-3" }, "Session", "slow-3"));
    expect(smaller.id).toMatch(/^sesn_/);
    expect(calls()).toEqual(["GET /v1/sessions", "POST /v1/sessions"]);
  });
});

