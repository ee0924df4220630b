// The Agent resource under the real Pulumi engine: preview, up, refresh, destroy, state contents.
import type { Stack } from "@pulumi/pulumi/automation";
import { Agent } from "../../sdk";
import { startEmulator, type Emulator } from "../../emulator/server";
import { collector, engineEnv, runCli, stackFor, type EngineEnv } from "../../tools/engine";

jest.setTimeout(5 * 60_000);

const CANARY_CONFIG_KEY = "sk-ant-canary-config-5f1e2d";
const CANARY_ENV_KEY = "sk-ant-canary-env-9a8b7c";

interface Desired {
  triageSystem: string;
  reviewerName: string;
  badModel?: boolean;
}

let emulator: Emulator;
let stack: Stack;
let env: EngineEnv;
const desired: Desired = { triageSystem: "You triage issues.", reviewerName: "reviewer" };

function program() {
  return async () => {
    const triage = new Agent("triage", {
      name: "triage",
      model: desired.badModel ? ({ id: "claude-sonnet-4-6", effortt: "high" } as never) : "claude-sonnet-4-6",
      system: desired.triageSystem,
      tools: [{ type: "agent_toolset_20260401", configs: [{ name: "web_fetch", allowedDomains: ["docs.example.com"] }] }],
      metadata: { team: "platform" },
    });
    const reviewer = new Agent("reviewer", {
      name: desired.reviewerName,
      model: { id: "claude-opus-4-7", effort: "high" },
      tools: [
        {
          type: "custom",
          name: "post_review",
          description: "Post a review comment",
          inputSchema: { type: "object", properties: { pullRequestId: { type: "string" } } },
        },
      ],
    });
    return { triageId: triage.id, triageVersion: triage.version, reviewerVersion: reviewer.version };
  };
}

async function expectNoChangesOnRefresh(): Promise<void> {
  emulator.resetCounts();
  const result = await stack.refresh({ expectNoChanges: true });
  expect(result.summary.result).toBe("succeeded");
}

beforeAll(async () => {
  emulator = await startEmulator();
  env = await engineEnv({ ANTHROPIC_API_KEY: CANARY_ENV_KEY });
  stack = await stackFor(env, program());
  await stack.setConfig("anthropic:apiKey", { value: CANARY_CONFIG_KEY, secret: true });
  await stack.setConfig("anthropic:baseUrl", { value: emulator.url });
});

afterAll(async () => {
  await emulator?.stop();
});

it("up creates the agents; an immediate preview shows no change and makes no request", async () => {
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 4 });
  expect(up.outputs["triageVersion"]!.value).toBe(1);
  expect(emulator.agents.versions.size).toBe(2);
  await expectNoChangesOnRefresh();

  emulator.resetCounts();
  const preview = await stack.preview();
  expect(preview.changeSummary).toEqual({ same: 4 });
  expect(emulator.count()).toBe(0);
});

it("a changed field is exactly one update, no replace, and the version goes up by one", async () => {
  desired.triageSystem = "You triage and label issues.";
  const out = collector();
  const preview = await stack.preview({ onOutput: out.onOutput, diff: true });
  expect(preview.changeSummary).toEqual({ same: 3, update: 1 });
  expect(out.text()).toContain("You triage and label issues.");

  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 3, update: 1 });
  expect(up.outputs["triageVersion"]!.value).toBe(2);
  expect(up.outputs["reviewerVersion"]!.value).toBe(1);
  await expectNoChangesOnRefresh();
});

it("refresh shows a change made outside Pulumi, and the next up puts the program's value back", async () => {
  const triageId = (await stack.outputs())["triageId"]!.value as string;
  emulator.agents.update(triageId, { system: "edited in the console" });
  const refresh = await stack.refresh();
  expect(refresh.summary.resourceChanges).toEqual({ same: 3, update: 1 });

  const preview = await stack.preview();
  expect(preview.changeSummary).toEqual({ same: 3, update: 1 });
  const up = await stack.up();
  expect(up.outputs["triageVersion"]!.value).toBe(4);
  expect(emulator.agents.get(triageId)!["system"]).toBe("You triage and label issues.");
  await expectNoChangesOnRefresh();
});

it("refresh drops an agent archived outside Pulumi, and the next up creates it again", async () => {
  const triageId = (await stack.outputs())["triageId"]!.value as string;
  emulator.agents.archive(triageId);
  const refresh = await stack.refresh();
  expect(refresh.summary.resourceChanges).toEqual({ same: 3, delete: 1 });

  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 3, create: 1 });
  const newId = up.outputs["triageId"]!.value as string;
  expect(newId).not.toBe(triageId);
  expect(up.outputs["triageVersion"]!.value).toBe(1);
  await expectNoChangesOnRefresh();
});

it("the exported state holds no API key and a small provider shell", async () => {
  // `pulumi stack export` as a user runs it: without --show-secrets (exportStack() shows them).
  const exported = runCli(env, ["stack", "export", "--stack", "dev"]);
  expect(exported).not.toContain(CANARY_CONFIG_KEY);
  expect(exported).not.toContain(CANARY_ENV_KEY);
  const resources = (JSON.parse(exported) as { deployment: { resources: unknown[] } }).deployment.resources as Array<{ type: string; outputs?: Record<string, unknown> }>;
  const agents = resources.filter((r) => r.type === "pulumi-nodejs:dynamic/anthropic:Agent");
  expect(agents).toHaveLength(2);
  for (const r of agents) {
    const shell = r.outputs!["__provider"] as string;
    expect(Buffer.byteLength(shell)).toBeLessThanOrEqual(2048);
    expect(shell).toContain('require("pulumi-anthropic-managed-agents/runtime")');
    expect(shell.match(/require\("[^"]*"\)/g)).toEqual(['require("pulumi-anthropic-managed-agents/runtime")']);
  }
});

it("a bad input fails preview with a message naming the field, before any request", async () => {
  desired.badModel = true;
  emulator.resetCounts();
  const out = collector();
  await expect(stack.preview({ onOutput: out.onOutput })).rejects.toThrow();
  expect(out.text()).toMatch(/model/);
  expect(out.text()).toContain("effortt");
  expect(emulator.count()).toBe(0);
  desired.badModel = false;
});

it("destroy archives every agent, and a second destroy does nothing", async () => {
  const destroy = await stack.destroy();
  expect(destroy.summary.resourceChanges).toEqual({ delete: 4 });
  const live = [...emulator.agents.versions.values()].map((v) => v[v.length - 1]!).filter((a) => !a.archived_at);
  expect(live).toEqual([]);
  emulator.resetCounts();
  const again = await stack.destroy();
  expect(again.summary.resourceChanges ?? {}).toEqual({});
  expect(emulator.count()).toBe(0);
});
