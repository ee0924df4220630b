// The API's rules across resources of one program fail preview, before any request (DESIGN §10),
// through the TypeScript SDK under the real engine: a session that overrides its agent's tools but
// leaves the agent's MCP server unreferenced (the API refuses it: "server "github" is not
// referenced by any mcp_toolset"). Before, preview passed and the first `up` broke half-way.
import type { Stack } from "@pulumi/pulumi/automation";
import { Agent, Environment, Session, type SessionArgs } from "../../sdk";
import { startEmulator, type Emulator } from "../../emulator/server";
import { engineEnv, stackFor } from "../../tools/engine";

jest.setTimeout(5 * 60_000);

let emulator: Emulator;
let stack: Stack;
let overrides: Pick<SessionArgs, "tools" | "mcpServers"> = {};
let agentRef: "declared" | "elsewhere" = "declared";

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: "sk-ant-cross" });
  const env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-cross", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(env, async () => {
    const environment = new Environment("sandbox", { name: "sandbox" });
    const agent = new Agent("coder", {
      name: "coder",
      model: "claude-sonnet-4-6",
      tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcpServerName: "github" }],
      mcpServers: [{ type: "url", name: "github", url: "https://api.githubcopilot.com/mcp/" }],
    });
    new Session("override", { agent: agentRef === "declared" ? agent.id : "agent_01elsewhere", environmentId: environment.id, ...overrides });
    return {};
  }, "cross");
});
afterAll(async () => {
  await emulator?.stop();
});

async function preview(): Promise<{ ok: boolean; out: string }> {
  emulator.resetCounts();
  let out = "";
  const capture = { onOutput: (s: string) => void (out += s), onError: (s: string) => void (out += s) };
  try {
    await stack.preview(capture);
    return { ok: true, out };
  } catch {
    return { ok: false, out };
  }
}

it("a tools override that leaves the agent's MCP server unreferenced fails preview naming the server, with no request", async () => {
  overrides = { tools: [{ type: "agent_toolset_20260401" }] };
  const run = await preview();
  expect(run.ok).toBe(false);
  expect(run.out).toContain(`resource 'override' has a problem: tools: the agent's MCP server "github" is not referenced by any mcp_toolset in this session's tools`);
  expect(emulator.count()).toBe(0);
});

it("keeping the agent's toolset passes; so does an agent the program does not declare (the API decides at up)", async () => {
  overrides = { tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcpServerName: "github" }] };
  expect((await preview()).ok).toBe(true);
  overrides = { tools: [{ type: "agent_toolset_20260401" }] };
  agentRef = "elsewhere";
  expect((await preview()).ok).toBe(true);
  expect(emulator.count()).toBe(0);
});

it("what check read of the agent is not kept: the session's state holds no context", async () => {
  agentRef = "declared";
  overrides = { tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcpServerName: "github" }] };
  await stack.up();
  const state = (await stack.exportStack()).deployment as { resources: Array<{ type: string; inputs?: object; outputs?: object }> };
  const session = state.resources.find((r) => r.type === "pulumi-nodejs:dynamic/anthropic:Session")!;
  expect(Object.keys({ ...session.inputs, ...session.outputs })).not.toContain("__context");
  await stack.destroy();
});
