// One implementation, two front doors (DESIGN §11): the same program run through the dynamic
// provider (the TypeScript SDK's classes) and through the native plugin (the same resources by
// their package type tokens, `anthropic:index:<Kind>`, as any other language's SDK registers them)
// sends the same requests to the API, step by step: create, a new system prompt (the agent's new
// version and the pinned session's replacement), session-local tools, destroy. Each door gets an
// emulator of its own; ids, tokens and times are masked before the comparison, and each step's
// requests are compared as a set (independent resources are worked on concurrently).
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import type { Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator } from "../../emulator/server";
import { Agent, Environment, Session } from "../../sdk";
import { engineEnv, REPO_ROOT, stackFor } from "../../tools/engine";

jest.setTimeout(10 * 60_000);

type Door = "dynamic" | "native";

interface Options {
  systemPrompt: string;
  withLinear: boolean;
}

type Declared = Record<string, unknown>;

/** A resource by its package type token, as a generated SDK (Python, Go, YAML) registers it. */
class PackageResource extends pulumi.CustomResource {}

function nativeResource(kind: string, name: string, args: Declared, outputs: string[], opts?: pulumi.CustomResourceOptions): Record<string, pulumi.Output<unknown>> {
  const props: Declared = { ...args };
  for (const o of outputs) props[o] = undefined;
  return new PackageResource(`anthropic:index:${kind}`, name, props, opts) as unknown as Record<string, pulumi.Output<unknown>>;
}

function program(door: Door, o: Options) {
  return async () => {
    const environmentArgs = { name: "sandbox", config: { type: "cloud" as const, networking: { type: "limited" as const, allowedHosts: ["api.github.com"] } } };
    const agentArgs = { name: "coder", model: "claude-sonnet-4-6", system: o.systemPrompt, tools: [{ type: "agent_toolset_20260401" as const }] };
    const localTools = o.withLinear
      ? {
          tools: [{ type: "agent_toolset_20260401" as const }, { type: "mcp_toolset" as const, mcpServerName: "linear" }],
          mcpServers: [{ type: "url" as const, name: "linear", url: "https://mcp.linear.app/sse" }],
        }
      : {};
    if (door === "dynamic") {
      const environment = new Environment("sandbox", environmentArgs);
      const agent = new Agent("coder", agentArgs);
      new Session("follows-agent", { agent: agent.id, agentVersion: agent.version, environmentId: environment.id, title: "follows" });
      new Session("stays-put", { agent: agent.id, environmentId: environment.id, title: "stays", onDestroy: "delete" });
      new Session("local-tools", { agent: agent.id, environmentId: environment.id, title: "local", ...localTools });
      return { agentVersion: agent.version };
    }
    const environment = nativeResource("Environment", "sandbox", environmentArgs, []);
    const agent = nativeResource("Agent", "coder", agentArgs, ["version"]);
    nativeResource("Session", "follows-agent", { agent: agent["id"], agentVersion: agent["version"], environmentId: environment["id"], title: "follows" }, []);
    nativeResource("Session", "stays-put", { agent: agent["id"], environmentId: environment["id"], title: "stays", onDestroy: "delete" }, []);
    nativeResource("Session", "local-tools", { agent: agent["id"], environmentId: environment["id"], title: "local", ...localTools }, []);
    return { agentVersion: agent["version"] };
  };
}

const ID = /\b(agent|env|sesn|sesrsc|vlt|vcrd|memstore|mem|file|skill|depl|evt)_[0-9A-Za-z]+/g;
const TIME = /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d+)?Z/g;

/** A request with what differs between two runs masked: ids, times, the provider's tokens. */
function masked(r: { method: string; path: string; body: unknown }): string {
  const body = JSON.stringify(r.body ?? null, (k, v: unknown) => (k === "pulumi-write-token" ? "<token>" : v));
  return `${r.method} ${decodeURIComponent(r.path)} ${body}`.replace(ID, "$1_*").replace(TIME, "<time>");
}

interface Run {
  emulator: Emulator;
  stack: Stack;
  options: Options;
}

async function door(kind: Door): Promise<Run> {
  const emulator = await startEmulator({ apiKey: `sk-ant-${kind}-door` });
  const env = await engineEnv({});
  // The native plugin is found on PATH, as a user's `pulumi plugin install` or PATH would have it.
  env.envVars["PATH"] = [path.join(REPO_ROOT, "bin"), env.envVars["PATH"]].join(path.delimiter);
  const run: Run = { emulator, stack: undefined as unknown as Stack, options: { systemPrompt: "You are a careful coding agent.", withLinear: false } };
  run.stack = await stackFor(env, async () => program(kind, run.options)(), "doors", `doors-${kind}`);
  await run.stack.setConfig("anthropic:apiKey", { value: `sk-ant-${kind}-door`, secret: true });
  await run.stack.setConfig("anthropic:baseUrl", { value: emulator.url });
  return run;
}

let dynamic: Run;
let native: Run;

beforeAll(async () => {
  [dynamic, native] = await Promise.all([door("dynamic"), door("native")]);
});
afterAll(async () => {
  await dynamic?.emulator.stop();
  await native?.emulator.stop();
});

/** Runs one step through both doors (one after the other: the machine is small) and compares what the API saw. */
async function bothDoors(step: (run: Run) => Promise<void>): Promise<string[]> {
  const seen: string[][] = [];
  for (const run of [dynamic, native]) {
    run.emulator.resetCounts();
    await step(run);
    seen.push(run.emulator.requests.map(masked).sort());
  }
  expect(seen[1]).toEqual(seen[0]);
  return seen[0]!;
}

it("create: the same requests through both doors", async () => {
  const sent = await bothDoors(async (run) => {
    await run.stack.up();
  });
  expect(sent.filter((r) => r.startsWith("POST")).map((r) => r.split(" ").slice(0, 2).join(" "))).toEqual([
    "POST /v1/agents",
    "POST /v1/environments",
    "POST /v1/sessions",
    "POST /v1/sessions",
    "POST /v1/sessions",
  ]);
});

it("a new system prompt: the agent's update and the pinned session's replacement, the same through both doors", async () => {
  const sent = await bothDoors(async (run) => {
    run.options = { ...run.options, systemPrompt: "You are terse." };
    const up = await run.stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1, replace: 1 });
    expect(up.outputs["agentVersion"]!.value).toBe(2);
  });
  expect(sent.some((r) => r.startsWith("POST /v1/agents/agent_* ") && r.includes('"system":"You are terse."'))).toBe(true);
});

it("session-local tools: one in-place update of that session, the same through both doors", async () => {
  const sent = await bothDoors(async (run) => {
    run.options = { ...run.options, withLinear: true };
    const up = await run.stack.up();
    expect(up.summary.resourceChanges).toMatchObject({ update: 1 });
  });
  expect(sent.filter((r) => !r.startsWith("GET"))).toEqual([expect.stringMatching(/^POST \/v1\/sessions\/sesn_\* .*"mcp_servers":\[\{"type":"url","name":"linear"/)]);
});

it("refresh and destroy: the same requests through both doors, nothing left live", async () => {
  await bothDoors(async (run) => {
    await run.stack.refresh({ expectNoChanges: true });
  });
  await bothDoors(async (run) => {
    await run.stack.destroy();
    expect(Object.values(run.emulator.live()).flat()).toEqual([]);
  });
});
