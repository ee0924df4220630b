// Skills and deployments under the real engine, through examples/skill-rollout: a changed SKILL.md
// carried through skill -> agent -> pinned session and pinned deployment in one `up`; pausing;
// schedules the API would refuse failing preview with 0 requests; destroy leaves nothing live.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { Stack } from "@pulumi/pulumi/automation";
import { defaultOptions, skillRollout, type SkillRolloutOptions } from "../../examples/skill-rollout/program";
import { engineEnv, runCli, stackFor, type EngineEnv } from "../../tools/engine";
import { startEmulator, type Emulator } from "../../emulator/server";
import { expectNoChangesOnRefresh as noChangesOnRefresh, outputsOf, plannedSteps as stepsOf } from "./stack-helpers";

jest.setTimeout(5 * 60_000);

let emulator: Emulator;
let env: EngineEnv;
let stack: Stack;
let skillDir: string;
let options: SkillRolloutOptions;

interface Outputs {
  skillId: string;
  skillVersions: string[];
  skillLatestVersion: string;
  agentId: string;
  agentVersion: number;
  agentSkills: Array<{ type: string; skillId: string; version: string }>;
  sessionId: string;
  sessionAgentVersion: number;
  deploymentId: string;
  deploymentAgentVersion: number;
  deploymentStatus: string;
}

const outputs = () => outputsOf<Outputs>(stack);

const plannedSteps = () => stepsOf(stack);

const expectNoChangesOnRefresh = () => noChangesOnRefresh(stack);

beforeAll(async () => {
  emulator = await startEmulator();
  // A copy of the example's skill folder: the test edits it.
  skillDir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "skill-rollout-")), "triage-rules");
  fs.cpSync(defaultOptions.skillDirectory, skillDir, { recursive: true });
  options = { ...defaultOptions, skillDirectory: skillDir };
  env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(env, async () => skillRollout(options), "skills");
});

afterAll(async () => {
  await emulator?.stop();
});

it("up uploads the skill and creates the agent on it, a pinned session and a pinned deployment", async () => {
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 7 });
  const o = await outputs();
  expect(o.skillVersions).toEqual([o.skillLatestVersion]);
  expect(o.agentVersion).toBe(1);
  expect(o.agentSkills).toEqual([{ type: "custom", skillId: o.skillId, version: o.skillLatestVersion }]);
  expect(o.sessionAgentVersion).toBe(1);
  expect(o.deploymentAgentVersion).toBe(1);
  expect(o.deploymentStatus).toBe("active");
  expect(emulator.skills.filesOf(o.skillLatestVersion)["SKILL.md"]).toBe(fs.readFileSync(path.join(skillDir, "SKILL.md"), "utf8"));
  await expectNoChangesOnRefresh();
  emulator.resetCounts();
  expect(Object.values(await plannedSteps()).every((op) => op === "same")).toBe(true);
  expect(emulator.count()).toBe(0);
});

it("state holds the folder's hash, never its files", () => {
  const exported = runCli(env, ["stack", "export", "--stack", "skills"]);
  expect(exported).toContain('"contentHash": "sha256:');
  expect(exported).not.toContain("Close exact duplicates");
});

it("an edited SKILL.md: preview shows the whole chain with 0 requests; up makes skill v2, agent v2, a new session, the deployment moved in place", async () => {
  const before = await outputs();
  fs.appendFileSync(path.join(skillDir, "SKILL.md"), "4. Ask for a reproduction when a bug report has none.\n");

  emulator.resetCounts();
  const steps = await plannedSteps();
  expect(steps).toEqual({ "triage-rules": "update", triager: "update", "triage-sandbox": "same", triage: "replace", "weekday-triage": "update" });
  expect(emulator.count()).toBe(0);

  emulator.resetCounts();
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 3, update: 3, replace: 1 });
  const after = await outputs();
  expect(after.skillId).toBe(before.skillId);
  expect(after.skillVersions).toEqual([before.skillLatestVersion, after.skillLatestVersion]);
  expect(emulator.skills.filesOf(after.skillLatestVersion)["SKILL.md"]).toContain("Ask for a reproduction");
  expect(after.agentVersion).toBe(2);
  expect(emulator.agents.get(after.agentId)!["skills"]).toEqual([{ type: "custom", skill_id: after.skillId, version: after.skillLatestVersion }]);
  // The pinned session: replaced by one on agent version 2; the old one archived.
  expect(after.sessionId).not.toBe(before.sessionId);
  expect(emulator.sessions.get(after.sessionId).agent.version).toBe(2);
  expect(emulator.sessions.get(before.sessionId).archived_at).toEqual(expect.any(String));
  // The pinned deployment: the same one, on agent version 2, one update call.
  expect(after.deploymentId).toBe(before.deploymentId);
  expect(after.deploymentAgentVersion).toBe(2);
  expect(emulator.deployments.get(after.deploymentId).agent.version).toBe(2);
  expect(emulator.count("POST", `/v1/deployments/${after.deploymentId}`)).toBe(1);
  expect(emulator.count("POST", "/v1/skills")).toBe(1);
  await expectNoChangesOnRefresh();
});

it("paused: true pauses the deployment in place, false resumes it", async () => {
  const { deploymentId } = await outputs();
  options = { ...options, paused: true };
  expect(await plannedSteps()).toEqual({ "triage-rules": "same", triager: "same", "triage-sandbox": "same", triage: "same", "weekday-triage": "update" });
  await stack.up();
  expect(emulator.deployments.get(deploymentId).status).toBe("paused");
  expect((await outputs()).deploymentStatus).toBe("paused");
  await expectNoChangesOnRefresh();

  options = { ...options, paused: false };
  await stack.up();
  expect(emulator.deployments.get(deploymentId).status).toBe("active");
  expect((await outputs()).deploymentId).toBe(deploymentId);
  await expectNoChangesOnRefresh();
});

it.each([
  [{ expression: "0 7 * * MON-FRI *", timezone: "Europe/Paris" }, "schedule.expression"],
  [{ expression: "0 25 * * *", timezone: "Europe/Paris" }, "schedule.expression"],
  [{ expression: "0 7 * * MON-FRI", timezone: "Europe/Atlantis" }, "schedule.timezone"],
])("a schedule the API would refuse (%j) fails preview with 0 requests", async (schedule, property) => {
  const good = options;
  options = { ...options, schedule };
  emulator.resetCounts();
  const lines: string[] = [];
  await expect(stack.preview({ onOutput: (s) => void lines.push(s) })).rejects.toThrow();
  expect(lines.join("")).toContain(`has a problem: ${property}: `);
  expect(emulator.count()).toBe(0);
  options = good;
});

it("destroy leaves nothing live: the skill and its versions deleted, the deployment and sessions archived", async () => {
  const o = await outputs();
  const destroy = await stack.destroy();
  expect(destroy.summary.resourceChanges).toEqual({ delete: 7 });
  expect(emulator.live()).toEqual({ agents: [], environments: [], sessions: [] });
  expect(emulator.skills.skills.has(o.skillId)).toBe(false);
  expect(emulator.deployments.get(o.deploymentId).archived_at).toEqual(expect.any(String));
});
