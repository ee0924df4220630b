// Upgrade under the real engine: a stack whose state release 0.1 wrote (test/fixtures/state-0.1.0.json,
// with the emulator's objects behind it) keeps working with this release. Its resources still
// carry 0.1's `__provider` shell, which calls this package's runtime by name; its state has no
// create-token seed; its GitHub token is in state as a Pulumi secret in plain form (this release
// keeps only a hash). Refresh and an unchanged `up` change nothing; a change to the agent updates
// it once and replaces only the pinned session; destroy removes everything.
import * as fs from "node:fs";
import * as path from "node:path";
import type { Deployment, EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { Agent, Environment, Session } from "../../sdk";
import { engineEnv, PASSPHRASE, runCli, stackFor, type EngineEnv } from "../../tools/engine";
import { startEmulator, type Emulator, type EmulatorDump } from "../../emulator/server";

jest.setTimeout(5 * 60_000);

interface Fixture {
  note: string;
  program: string;
  stack: string;
  project: string;
  passphrase: string;
  deployment: Deployment;
  emulator: EmulatorDump;
}

const fixture = JSON.parse(fs.readFileSync(path.join(__dirname, "..", "fixtures", "state-0.1.0.json"), "utf8")) as Fixture;
const LEGACY_TOKEN = "ghp_legacyFixtureToken000000000000";
const outputs0 = (fixture.deployment.deployment as { resources: Array<{ type: string; outputs?: Record<string, unknown> }> }).resources.find(
  (r) => r.type === "pulumi:pulumi:Stack",
)!.outputs as { agentId: string; environmentId: string; pinnedId: string; repoId: string };
const { agentId, environmentId, pinnedId, repoId } = outputs0;

let emulator: Emulator;
let env: EngineEnv;
let stack: Stack;
const desired = { system: "You are a careful coding agent." };

/** The fixture's program (fixture.program), with this repository's SDK: same names, same inputs. */
const program = async () => {
  const environment = new Environment("sandbox", {
    name: "sandbox",
    metadata: { team: "platform" },
    config: { type: "cloud", networking: { type: "limited", allowedHosts: ["api.github.com"] } },
  });
  const agent = new Agent("coder", {
    name: "coder",
    model: "claude-sonnet-4-6",
    system: desired.system,
    tools: [{ type: "agent_toolset_20260401" }],
    metadata: { team: "platform" },
  });
  const pinned = new Session("pinned", {
    agent: agent.id,
    agentVersion: agent.version,
    environmentId: environment.id,
    title: "pinned session",
    metadata: { purpose: "upgrade-fixture" },
  });
  const withRepo = new Session("with-repo", {
    agent: agent.id,
    environmentId: environment.id,
    title: "repo session",
    resources: [
      {
        type: "github_repository",
        url: "https://github.com/acme/app",
        authorizationToken: LEGACY_TOKEN,
        checkout: { type: "branch", name: "main" },
      },
    ],
  });
  return {
    agentId: agent.id,
    agentVersion: agent.version,
    environmentId: environment.id,
    pinnedId: pinned.id,
    repoId: withRepo.id,
  };
};

/**
 * What the engine did to each resource other than "same", by name: the step, the keys that made it
 * replace (from the step's pre-event), and the input and output keys whose values differ before and
 * after the step (dynamic providers report no diff keys, and a refresh step carries no diff; a
 * secret shows as "[secret]" on both sides, so a change inside one does not show here).
 */
function changesOf(events: EngineEvent[]): Record<string, string> {
  const keys: Record<string, string[]> = {};
  for (const e of events) {
    const m = e.resourcePreEvent?.metadata;
    if (m?.keys?.length) (keys[m.urn.split("::").pop()!] ??= []).push(...m.keys);
  }
  const out: Record<string, string> = {};
  for (const e of events) {
    const m = e.resOutputsEvent?.metadata;
    if (!m || m.op === "same") continue;
    const name = m.urn.split("::").pop()!;
    // A replacement shows as several steps (create-replacement, replace, delete-replaced).
    if (m.op === "create-replacement" || m.op === "delete-replaced" || out[name]?.startsWith("replace")) continue;
    const differing = (bag: "inputs" | "outputs") => {
      const before = (m.old?.[bag] ?? {}) as Record<string, unknown>;
      const after = (m.new?.[bag] ?? {}) as Record<string, unknown>;
      return [...new Set([...Object.keys(before), ...Object.keys(after)])].filter((k) => JSON.stringify(before[k]) !== JSON.stringify(after[k])).sort();
    };
    const parts: string[] = [m.op];
    if (keys[name]) parts.push(`keys=[${[...new Set(keys[name])].sort().join(",")}]`);
    if (m.op === "update") parts.push(`inputs=[${differing("inputs").join(",")}]`, `outputs=[${differing("outputs").join(",")}]`);
    out[name] = parts.join(" ");
  }
  return out;
}

function requestLines(filter: (r: { method: string; path: string }) => boolean = () => true): string[] {
  return emulator.requests.filter(filter).map((r) => `${r.method} ${r.path}`);
}

/** The state as `pulumi stack export` shows it (secrets encrypted). */
function exported(): string {
  return runCli(env, ["stack", "export", "--stack", fixture.stack]);
}

beforeAll(async () => {
  expect(fixture.passphrase).toBe(PASSPHRASE);
  emulator = await startEmulator();
  emulator.load(fixture.emulator);
  env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(env, program, fixture.stack, fixture.project);
  await stack.importStack(fixture.deployment);
});

afterAll(async () => {
  await emulator?.stop();
});

it("the imported state is 0.1's: its shell, no seed, the token a secret", async () => {
  const state = JSON.parse(exported()) as { deployment: { resources: Array<{ type: string; outputs?: Record<string, unknown> }> } };
  const types = state.deployment.resources.map((r) => r.type.split(":").pop());
  expect(types).toEqual(["Stack", "pulumi-nodejs", "Environment", "Agent", "Session", "Session"]);
  const shell = state.deployment.resources[2]!.outputs!["__provider"] as string;
  expect(shell).toContain("var __provider = {configure: __f1, check: __f1,");
  expect(JSON.stringify(state)).not.toContain(LEGACY_TOKEN);
  expect(emulator.live()).toEqual({ agents: [agentId], environments: [environmentId], sessions: [repoId, pinnedId].sort() });
});

it("(a) refresh through 0.1's provider shell succeeds and changes nothing: one GET per object", async () => {
  emulator.resetCounts();
  const events: EngineEvent[] = [];
  const refresh = await stack.refresh({ onEvent: (e) => void events.push(e) });
  expect(requestLines().sort()).toEqual(
    [`GET /v1/agents/${agentId}`, `GET /v1/environments/${environmentId}`, `GET /v1/sessions/${pinnedId}`, `GET /v1/sessions/${repoId}`].sort(),
  );
  // The refreshed state still keeps the legacy token only encrypted, and no hash in plain form.
  const text = exported();
  expect(text).not.toContain(LEGACY_TOKEN);
  expect(text).not.toContain("sha256:");
  expect(changesOf(events)).toEqual({});
  expect(refresh.summary.resourceChanges).toEqual({ same: 5 });
});

it("(b) preview and up with the unchanged program create only the seed, and write nothing", async () => {
  emulator.resetCounts();
  const previewEvents: EngineEvent[] = [];
  const preview = await stack.preview({ onEvent: (e) => void previewEvents.push(e) });
  expect(preview.changeSummary).toEqual({ create: 1, same: 5 });
  expect(emulator.count()).toBe(0);

  const events: EngineEvent[] = [];
  const up = await stack.up({ onEvent: (e) => void events.push(e) });
  expect(changesOf(events)).toEqual({ "create-token-seed": "create" });
  expect(up.summary.resourceChanges).toEqual({ create: 1, same: 5 });
  expect(requestLines((r) => r.method !== "GET")).toEqual([]);
  expect(emulator.count()).toBe(0);
  expect(up.outputs["agentVersion"]!.value).toBe(1);
  expect(emulator.live()).toEqual({ agents: [agentId], environments: [environmentId], sessions: [repoId, pinnedId].sort() });
});

it("(c) a new system prompt: one agent update (version 2), the pinned session replaced, the repo session untouched", async () => {
  desired.system = "You are a terse coding agent.";
  emulator.resetCounts();
  const events: EngineEvent[] = [];
  const up = await stack.up({ onEvent: (e) => void events.push(e) });
  expect(up.summary.resourceChanges).toEqual({ same: 4, update: 1, replace: 1 });
  const changes = changesOf(events);
  expect(Object.keys(changes).sort()).toEqual(["coder", "pinned"]);
  expect(changes["coder"]).toMatch(/^update inputs=\[system\] /);
  expect(changes["pinned"]).toBe("replace keys=[agentVersion]");

  expect(up.outputs["agentId"]!.value).toBe(agentId);
  expect(up.outputs["agentVersion"]!.value).toBe(2);
  expect(up.outputs["repoId"]!.value).toBe(repoId);
  const newPinned = up.outputs["pinnedId"]!.value as string;
  expect(newPinned).not.toBe(pinnedId);

  const agent = emulator.agents.get(agentId)!;
  expect(agent.version).toBe(2);
  expect(agent["system"]).toBe("You are a terse coding agent.");
  // The update freed 0.1's create-token pair and stamped this release's write token.
  expect(Object.keys(agent["metadata"] as Record<string, string>).sort()).toEqual(["pulumi-write-token", "team"]);
  expect(emulator.sessions.get(newPinned).agent.version).toBe(2);
  expect(emulator.sessions.get(pinnedId).archived_at).toEqual(expect.any(String));
  expect(emulator.sessions.get(repoId).agent.version).toBe(1);
  expect(emulator.sessions.get(repoId).archived_at).toBeNull();

  // Writes: the agent once, the new session once, the old pinned session archived; nothing to the repo session.
  expect(requestLines((r) => r.method !== "GET")).toEqual([
    `POST /v1/agents/${agentId}`,
    "POST /v1/sessions",
    `POST /v1/sessions/${pinnedId}/archive`,
  ]);
  expect(requestLines((r) => r.path.includes(repoId))).toEqual([]);
});

it("(d) refresh afterwards changes nothing", async () => {
  emulator.resetCounts();
  const refresh = await stack.refresh({ expectNoChanges: true });
  expect(refresh.summary.result).toBe("succeeded");
  const pinned = (await stack.outputs())["pinnedId"]!.value as string;
  expect(requestLines().sort()).toEqual(
    [`GET /v1/agents/${agentId}`, `GET /v1/environments/${environmentId}`, `GET /v1/sessions/${pinned}`, `GET /v1/sessions/${repoId}`].sort(),
  );
  const text = exported();
  expect(text).not.toContain(LEGACY_TOKEN);
  expect(text).not.toContain("sha256:");
});

it("(e) destroy leaves nothing live", async () => {
  const destroy = await stack.destroy();
  expect(destroy.summary.resourceChanges).toEqual({ delete: 6 });
  expect(emulator.live()).toEqual({ agents: [], environments: [], sessions: [] });
});
