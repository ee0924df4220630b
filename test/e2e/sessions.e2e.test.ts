// Environments and sessions under the real engine, through examples/pinned-sessions: following the
// agent, not following it, session-local tools, running sessions, environments, destroy.
import type { Stack } from "@pulumi/pulumi/automation";
import { defaultOptions, pinnedSessions, type PinnedSessionsOptions } from "../../examples/pinned-sessions/program";
import { engineEnv, stackFor } from "../../tools/engine";
import { startEmulator, type Emulator } from "../../emulator/server";
import { expectNoChangesOnRefresh as noChangesOnRefresh, outputsOf, plannedSteps as stepsOf } from "./stack-helpers";

jest.setTimeout(5 * 60_000);

let emulator: Emulator;
let stack: Stack;
let options: PinnedSessionsOptions = { ...defaultOptions };

interface Outputs {
  agentId: string;
  agentVersion: number;
  environmentId: string;
  followsAgent: { id: string; agentVersion: number };
  staysPut: { id: string; agentVersion: number };
  localTools: { id: string };
}

const outputs = () => outputsOf<Outputs>(stack);

const plannedSteps = () => stepsOf(stack);

const expectNoChangesOnRefresh = () => noChangesOnRefresh(stack);

function startRun(sessionId: string, runMs: number): void {
  emulator.sessions.runMs = runMs;
  emulator.sessions.sendEvents(sessionId, { events: [{ type: "user.message", content: [{ type: "text", text: "work" }] }] });
}

beforeAll(async () => {
  emulator = await startEmulator();
  const env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(env, async () => pinnedSessions(options), "sessions");
});

afterAll(async () => {
  await emulator?.stop();
});

it("up creates the environment, the agent and three sessions; nothing changes afterwards", async () => {
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 7 });
  const o = await outputs();
  expect(o.followsAgent.agentVersion).toBe(1);
  expect(o.staysPut.agentVersion).toBe(1);
  await expectNoChangesOnRefresh();
  emulator.resetCounts();
  expect(Object.values(await plannedSteps()).every((op) => op === "same")).toBe(true);
  expect(emulator.count()).toBe(0);
});

it("follow the agent: a new system prompt updates the agent and replaces only the pinned session", async () => {
  const before = await outputs();
  options = { ...options, systemPrompt: "You are a terse coding agent." };
  const steps = await plannedSteps();
  expect(steps).toEqual({ sandbox: "same", coder: "update", "follows-agent": "replace", "stays-put": "same", "local-tools": "same" });

  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 5, update: 1, replace: 1 });
  const after = await outputs();
  expect(after.agentVersion).toBe(2);
  expect(after.followsAgent.agentVersion).toBe(2);
  expect(after.followsAgent.id).not.toBe(before.followsAgent.id);
  expect(emulator.sessions.get(after.followsAgent.id).agent.version).toBe(2);
  expect(emulator.sessions.get(before.followsAgent.id).archived_at).toEqual(expect.any(String));
  // Unpinned: untouched, still on the version it started on.
  expect(after.staysPut).toEqual(before.staysPut);
  expect(emulator.sessions.get(before.staysPut.id).agent.version).toBe(1);
  await expectNoChangesOnRefresh();
});

it("session-local tools: one in-place update of the session, the agent untouched, exactly two requests", async () => {
  const before = await outputs();
  options = { ...options, sessionTools: "with-linear" };
  expect(await plannedSteps()).toEqual({ sandbox: "same", coder: "same", "follows-agent": "same", "stays-put": "same", "local-tools": "update" });

  emulator.resetCounts();
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 6, update: 1 });
  const id = before.localTools.id;
  expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/sessions/${id}`, `POST /v1/sessions/${id}`]);
  expect(emulator.sessions.get(id).agent.mcp_servers).toEqual([{ type: "url", name: "linear", url: "https://mcp.linear.app/sse" }]);
  const agent = emulator.agents.get(before.agentId)!;
  expect(agent.version).toBe(2);
  expect(agent["mcp_servers"]).toEqual([]);
  expect((await outputs()).localTools.id).toBe(id);
  await expectNoChangesOnRefresh();
});

it('a running session with a tools change: "wait" waits until idle and succeeds', async () => {
  const { localTools } = await outputs();
  startRun(localTools.id, 1_500);
  options = { ...options, sessionTools: "agent" };
  const started = Date.now();
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 6, update: 1 });
  expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
  expect(emulator.sessions.get(localTools.id).agent.mcp_servers).toEqual([]);
  await expectNoChangesOnRefresh();
});

it('a running session with a tools change: "interrupt" interrupts and succeeds', async () => {
  const { localTools } = await outputs();
  startRun(localTools.id, 60_000);
  options = { ...options, sessionTools: "with-linear", whenRunning: "interrupt" };
  emulator.resetCounts();
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 6, update: 1 });
  const interrupts = emulator.requests.filter((r) => r.path === `/v1/sessions/${localTools.id}/events`);
  expect(interrupts.map((r) => r.body)).toEqual([{ events: [{ type: "user.interrupt" }] }]);
  expect(emulator.sessions.get(localTools.id).status).toBe("idle");
  await expectNoChangesOnRefresh();
});

it("a too-short timeout fails with a clear message, and the next up succeeds", async () => {
  const { localTools } = await outputs();
  startRun(localTools.id, 60_000);
  options = { ...options, sessionTools: "agent", whenRunning: "wait", waitTimeoutSeconds: 1 };
  const lines: string[] = [];
  await expect(stack.up({ onOutput: (s) => void lines.push(s) })).rejects.toThrow();
  expect(lines.join("")).toContain(`session ${localTools.id} is still running after waiting 1s (whenRunning: "wait")`);
  expect(emulator.sessions.get(localTools.id).agent.mcp_servers).toHaveLength(1);

  emulator.sessions.sendEvents(localTools.id, { events: [{ type: "user.interrupt" }] });
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 6, update: 1 });
  expect(emulator.sessions.get(localTools.id).agent.mcp_servers).toEqual([]);
  await expectNoChangesOnRefresh();
});

it("an environment's networking updates in place; a type change replaces it (and the sessions in it)", async () => {
  const before = await outputs();
  options = { ...options, networking: "unrestricted" };
  expect((await plannedSteps())["sandbox"]).toBe("update");
  await stack.up();
  expect(emulator.environments.get(before.environmentId).config["networking"]).toEqual({ type: "unrestricted" });
  expect((await outputs()).environmentId).toBe(before.environmentId);
  await expectNoChangesOnRefresh();

  options = { ...options, environmentType: "self_hosted" };
  const steps = await plannedSteps();
  expect(steps).toEqual({ sandbox: "replace", coder: "same", "follows-agent": "replace", "stays-put": "replace", "local-tools": "replace" });
  await stack.up();
  const after = await outputs();
  expect(after.environmentId).not.toBe(before.environmentId);
  expect(emulator.environments.get(after.environmentId).config).toEqual({ type: "self_hosted" });
  expect(emulator.environments.records.has(before.environmentId)).toBe(false);
  await expectNoChangesOnRefresh();
});

it("destroy interrupts and archives a running session, deletes the one with onDestroy: delete", async () => {
  const o = await outputs();
  startRun(o.followsAgent.id, 60_000);
  const destroy = await stack.destroy();
  expect(destroy.summary.resourceChanges).toEqual({ delete: 7 });
  const follows = emulator.sessions.get(o.followsAgent.id);
  expect(follows.status).toBe("idle");
  expect(follows.archived_at).toEqual(expect.any(String));
  expect(emulator.sessions.records.has(o.staysPut.id)).toBe(false);
  expect(emulator.sessions.get(o.localTools.id).archived_at).toEqual(expect.any(String));
  expect(emulator.agents.get(o.agentId)!.archived_at).toEqual(expect.any(String));
  expect(emulator.environments.records.has(o.environmentId)).toBe(false);
});
