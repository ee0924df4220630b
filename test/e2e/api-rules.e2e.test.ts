// Agents and sessions exactly as the API defines them, under the real engine: what preview says
// for each old/new-value rule is what `up` does. One stack, changed step by step.
import { randomBytes } from "node:crypto";
import type { Stack } from "@pulumi/pulumi/automation";
import { Agent, Environment, Session, type AgentArgs, type SessionArgs } from "pulumi-anthropic-managed-agents";
import { startEmulator, type Emulator } from "../../emulator/server";
import { engineEnv, runCli, stackFor, type EngineEnv } from "../../tools/engine";
import { expectNoChangesOnRefresh, outputsOf, plannedSteps } from "./stack-helpers";

jest.setTimeout(6 * 60_000);

const TOKENS = [0, 1].map(() => `ghp_canary${randomBytes(12).toString("hex")}`);
const github = { type: "url" as const, name: "github", url: "https://api.githubcopilot.com/mcp/" };
const budget = (amount: string) => ({ type: "limit" as const, maxListCost: { amount } });

interface Options {
  agent: Partial<AgentArgs>;
  /** Extra inputs per session. */
  a: Partial<SessionArgs>;
  b: Partial<SessionArgs>;
  c: Partial<SessionArgs>;
}

/** A resource that fails preview, declared alone in a stack of its own (nothing else in flight when the engine stops). */
type Bad = { kind: "Agent"; args: Partial<AgentArgs> } | { kind: "Session"; args: Partial<SessionArgs> };

const initial: Options = {
  agent: { model: { id: "claude-opus-4-7", effort: "low" } },
  a: { budget: budget("2500"), resources: [{ type: "github_repository", url: "https://github.com/acme/app", authorizationToken: TOKENS[0]! }], title: "a" },
  // A tools-only override naming the agent's own MCP server: the omitted mcpServers are the agent's.
  b: { tools: [{ type: "mcp_toolset", mcpServerName: "github" }], title: "b" },
  c: { title: "c" },
};

let emulator: Emulator;
let env: EngineEnv;
let stack: Stack;
let limits: Stack;
let options: Options = initial;
let bad: Bad | undefined;

function program() {
  return async () => {
    const environment = new Environment("env", { name: "rules" });
    const agent = new Agent("agent", {
      name: "rules",
      tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcpServerName: "github" }],
      mcpServers: [github],
      model: "claude-sonnet-4-6",
      ...options.agent,
    });
    const session = (name: string, extra: Partial<SessionArgs>) =>
      new Session(name, { agent: agent.id, environmentId: environment.id, whenRunning: "wait", waitTimeoutSeconds: 120, ...extra });
    const a = session("a", options.a);
    const b = session("b", options.b);
    const c = session("c", options.c);
    return { agentId: agent.id, agentVersion: agent.version, a: a.id, b: b.id, c: c.id, aResources: a.resourceIds };
  };
}

const outputs = () => outputsOf<Record<string, unknown>>(stack);

/** The step the engine plans for each resource (by name), and the preview's `--diff` text. */
async function preview(): Promise<{ steps: Record<string, string>; text: string }> {
  const lines: string[] = [];
  const steps = await plannedSteps(stack, { diff: true, onOutput: (s) => void lines.push(s) });
  return { steps, text: lines.join("") };
}

const changed = (steps: Record<string, string>) => Object.fromEntries(Object.entries(steps).filter(([, op]) => op !== "same"));

beforeAll(async () => {
  emulator = await startEmulator();
  env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(env, program(), "rules");
  limits = await stackFor(env, async () => {
    if (bad?.kind === "Agent") new Agent("bad", { name: "bad", model: "m", ...bad.args });
    if (bad?.kind === "Session") new Session("bad", { agent: "agent_01x", environmentId: "env_01x", ...bad.args });
  }, "limits");
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 7 });
});

afterAll(async () => {
  options = initial;
  await stack?.destroy();
  expect(emulator.live()).toEqual({ agents: [], environments: [], sessions: [] });
  await emulator?.stop();
});

it("a tools-only override naming the agent's MCP server was accepted", async () => {
  const o = await outputs();
  expect(emulator.sessions.get(o["b"] as string).agent.mcp_servers).toEqual([github]);
});

it("adding a budget previews as the session's replacement", async () => {
  options = { ...initial, c: { ...initial.c, budget: budget("1000") } };
  expect(changed((await preview()).steps)).toEqual({ c: "replace" });
  options = initial;
});

it("a title and a raised budget update a running session in place, without waiting or interrupting", async () => {
  const o = await outputs();
  const id = o["a"] as string;
  emulator.sessions.runMs = 10 * 60_000;
  emulator.sessions.sendEvents(id, { events: [{ type: "user.message", content: [{ type: "text", text: "work" }] }] });
  options = { ...initial, a: { ...initial.a, title: "a, renamed while running", budget: budget("5000") } };
  const started = Date.now();
  const up = await stack.up();
  expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  expect(Date.now() - started).toBeLessThan(60_000);
  const stored = emulator.sessions.get(id);
  expect(stored.status).toBe("running");
  expect(stored["title"]).toBe("a, renamed while running");
  expect(stored["budget"]).toEqual({ type: "limit", max_list_cost: { amount: "5000", currency: "USD" } });
  expect(emulator.requests.filter((r) => r.path === `/v1/sessions/${id}/events`)).toEqual([]);
  emulator.sessions.sendEvents(id, { events: [{ type: "user.interrupt" }] });
  emulator.sessions.runMs = 300;
  initial.a = options.a;
});

it("rotating a GitHub token: one session-resources call, no replacement, the token nowhere in state or output", async () => {
  const before = await outputs();
  const id = before["a"] as string;
  const [rid] = before["aResources"] as string[];
  options = { ...initial, a: { ...initial.a, resources: [{ type: "github_repository", url: "https://github.com/acme/app", authorizationToken: TOKENS[1]! }] } };
  expect(changed((await preview()).steps)).toEqual({ a: "update" });
  emulator.resetCounts();
  const lines: string[] = [];
  const up = await stack.up({ onOutput: (s) => void lines.push(s) });
  expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  expect(emulator.requests.filter((r) => r.path.startsWith(`/v1/sessions/${id}/resources`)).map((r) => `${r.method} ${r.path}`)).toEqual([
    `POST /v1/sessions/${id}/resources/${rid}`,
  ]);
  expect((await outputs())["a"]).toBe(id);
  const exported = runCli(env, ["stack", "export", "--stack", "rules"]);
  for (const token of TOKENS) {
    expect(exported).not.toContain(token);
    expect(lines.join("")).not.toContain(token);
    expect(JSON.stringify(await stack.outputs())).not.toContain(token);
  }
  initial.a = options.a;
});

it("a model or system override previews as the session's replacement", async () => {
  options = { ...initial, b: { ...initial.b, model: "claude-opus-4-7", system: "Only review." } };
  const { steps, text } = await preview();
  expect(changed(steps)).toEqual({ b: "replace" });
  expect(text).toMatch(/\+ model\s*: "claude-opus-4-7"/);
  options = initial;
});

it("removing effort converges: up sends effort: null, and a second preview shows no change", async () => {
  options = { ...initial, agent: { model: { id: "claude-opus-4-7" } } };
  expect(changed((await preview()).steps)).toMatchObject({ agent: "update" });
  await stack.up();
  const o = await outputs();
  expect(emulator.agents.get(o["agentId"] as string)!["model"]).toEqual({ id: "claude-opus-4-7", speed: "standard", effort: { type: "high" } });
  expect(changed((await preview()).steps)).toEqual({});
  await expectNoChangesOnRefresh(stack);
  initial.agent = options.agent;
});

it("spelling out an API default previews as no change, and up makes no new version", async () => {
  const version = (await outputs())["agentVersion"];
  options = {
    ...initial,
    agent: {
      ...initial.agent,
      tools: [
        { type: "agent_toolset_20260401", defaultConfig: { enabled: true, permissionPolicy: { type: "always_allow" } } },
        { type: "mcp_toolset", mcpServerName: "github", defaultConfig: { permissionPolicy: { type: "always_ask" } } },
      ],
    },
  };
  expect(changed((await preview()).steps)).toEqual({});
  await stack.up();
  expect((await outputs())["agentVersion"]).toBe(version);
  options = initial;
});

it.each<[string, Bad]>([
  ["more than 50 initial events", { kind: "Session", args: { initialEvents: Array.from({ length: 51 }, () => ({ type: "user.message" as const, content: [{ type: "text" as const, text: "go" }] })) } }],
  ["maxIterations over 20", { kind: "Session", args: { initialEvents: [{ type: "user.define_outcome", description: "d", rubric: { type: "text", content: "r" }, maxIterations: 21 }] } }],
  ["memory-store instructions over 4,096 characters", { kind: "Session", args: { resources: [{ type: "memory_store", memoryStoreId: "memstore_x", instructions: "x".repeat(4097) }] } }],
  ["an abbreviated commit SHA", { kind: "Session", args: { resources: [{ type: "github_repository", url: "https://github.com/a/b", checkout: { type: "commit", sha: "abc1234" } }] } }],
  ["more than 20 coordinator agents", { kind: "Agent", args: { multiagent: { type: "coordinator", agents: Array.from({ length: 21 }, (_, i) => `agent_${i}`) } } }],
  ["a custom tool name the API refuses", { kind: "Agent", args: { tools: [{ type: "custom", name: "apply label", description: "", inputSchema: { type: "object" } }] } }],
  ["an MCP server name over 255 characters", { kind: "Agent", args: { mcpServers: [{ type: "url", name: "s".repeat(256), url: "https://x.dev" }] } }],
  ["a roleArn over 2,048 characters", { kind: "Agent", args: { executionIdentity: { type: "aws_role", roleArn: "a".repeat(2049) } } }],
])("%s fails preview with 0 requests", async (_label, declared) => {
  bad = declared;
  emulator.resetCounts();
  await expect(limits.preview()).rejects.toThrow(/has a problem/);
  expect(emulator.count()).toBe(0);
  bad = undefined;
});
