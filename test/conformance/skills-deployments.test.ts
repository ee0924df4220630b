// Skills and deployments: compile-time parity of our bodies and response schemas with the official
// SDK's types, and the official client, unchanged, against the emulator (multipart uploads,
// binary downloads, pause / unpause, runs).
import { toFile } from "@anthropic-ai/sdk";
import { useCheckedSdk } from "./validating-client";
import type {
  BetaManagedAgentsDeployment,
  DeploymentCreateParams,
  DeploymentUpdateParams,
} from "@anthropic-ai/sdk/resources/beta/deployments";
import type { BetaManagedAgentsDeploymentRun } from "@anthropic-ai/sdk/resources/beta/deployment-runs";
import type { BetaSkill } from "@anthropic-ai/sdk/resources/beta/skills/skills";
import type { BetaSkillVersion } from "@anthropic-ai/sdk/resources/beta/skills/versions";
import type { ApiDeployment, ApiDeploymentRun } from "../../provider/api/deployments";
import { SKILLS_BETA, type ApiSkill, type ApiSkillVersion } from "../../provider/api/skills";
import { planChanges } from "../../provider/kit/diff";
import {
  buildDeploymentCreateBody,
  buildDeploymentUpdateBody,
  deploymentSpec,
  type DeploymentCreateBody,
  type DeploymentUpdateBody,
} from "../../provider/resources/deployment";
import { SKILLS_BETA as EMULATOR_SKILLS_BETA } from "../../emulator/skills";
import type { Assert, Extends, KnownFields } from "./type-assertions";

export type DeploymentCreateConforms = Assert<Extends<DeploymentCreateBody, DeploymentCreateParams>>;
export type DeploymentUpdateConforms = Assert<Extends<DeploymentUpdateBody, DeploymentUpdateParams>>;
export type DeploymentResponseAccepted = Assert<Extends<BetaManagedAgentsDeployment, KnownFields<ApiDeployment>>>;
export type DeploymentRunResponseAccepted = Assert<Extends<BetaManagedAgentsDeploymentRun, KnownFields<ApiDeploymentRun>>>;
export type SkillResponseAccepted = Assert<Extends<BetaSkill, KnownFields<ApiSkill>>>;
export type SkillVersionResponseAccepted = Assert<Extends<BetaSkillVersion, KnownFields<ApiSkillVersion>>>;

// Every 2xx body the client receives is held to the SDK's response types (sdk-schemas.json).
const sdk = useCheckedSdk();

const skillMd = (description: string) => `---\nname: release-notes\ndescription: ${description}\n---\n\nWrite release notes.\n`;
const betas = [SKILLS_BETA];

it("the provider and the emulator use one skills beta header", () => {
  expect(EMULATOR_SKILLS_BETA).toBe(SKILLS_BETA);
});

it("builds deployment bodies that are SDK params", () => {
  const create: DeploymentCreateParams = buildDeploymentCreateBody({
    agent: "agent_1",
    agentVersion: 3,
    environmentId: "env_1",
    name: "n",
    initialEvents: [{ type: "system.message", content: [{ type: "text", text: "hi" }] }],
    schedule: { type: "cron", expression: "0 3 * * *", timezone: "UTC" },
    budget: { type: "limit", maxListCost: { amount: "100", currency: "USD" } },
  });
  expect(create).toEqual({
    agent: { type: "agent", id: "agent_1", version: 3 },
    environment_id: "env_1",
    name: "n",
    initial_events: [{ type: "system.message", content: [{ type: "text", text: "hi" }] }],
    schedule: { type: "cron", expression: "0 3 * * *", timezone: "UTC" },
    budget: { type: "limit", max_list_cost: { amount: "100", currency: "USD" } },
    metadata: {},
  });
  const olds = { agent: "agent_1", agentVersion: 3, environmentId: "env_1", name: "n", initialEvents: [], description: "d" };
  const news = { ...olds, agentVersion: 4, description: undefined };
  const update: DeploymentUpdateParams | null = buildDeploymentUpdateBody(
    { inputs: olds, outputs: {}, legacy: false },
    { inputs: news, changes: planChanges(deploymentSpec, olds, news) },
  );
  expect(update).toEqual({ agent: { type: "agent", id: "agent_1", version: 4 }, description: null });
});

it("skills: multipart create, versions, retrieve, list, download, delete (versions first)", async () => {
  const created = await sdk.client.beta.skills.create({
    files: [await toFile(Buffer.from(skillMd("first")), "release-notes/SKILL.md"), await toFile(Buffer.from("print(1)\n"), "release-notes/tool.py")],
    display_name: "Release notes",
    betas,
  });
  expect(created).toEqual({
    id: expect.stringMatching(/^skill_01/),
    type: "skill",
    display_name: "Release notes",
    latest_version_id: expect.stringMatching(/^\d+$/),
    source: { type: "custom" },
    created_at: expect.any(String),
    updated_at: expect.any(String),
  });
  const v2 = await sdk.client.beta.skills.versions.create(created.id, { files: [await toFile(Buffer.from(skillMd("second")), "release-notes/SKILL.md")], betas });
  expect(v2).toEqual({ id: expect.stringMatching(/^\d+$/), type: "skill_version", skill_id: created.id, name: "release-notes", description: "second", created_at: expect.any(String) });
  expect(BigInt(v2.id) > BigInt(created.latest_version_id)).toBe(true);
  expect((await sdk.client.beta.skills.retrieve(created.id, { betas })).latest_version_id).toBe(v2.id);
  expect(await sdk.client.beta.skills.versions.retrieve(v2.id, { skill_id: created.id, betas })).toEqual(v2);

  const versions = [];
  for await (const v of sdk.client.beta.skills.versions.list(created.id, { betas })) versions.push(v.id);
  expect(versions).toEqual([v2.id, created.latest_version_id]);
  const listed = [];
  for await (const s of sdk.client.beta.skills.list({ betas, source: "custom" })) listed.push(s.id);
  expect(listed).toContain(created.id);

  const download = await sdk.client.beta.skills.versions.download(created.latest_version_id, { skill_id: created.id, betas });
  const zip = Buffer.from(await download.arrayBuffer());
  expect(zip.subarray(0, 4)).toEqual(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  expect(zip.includes(Buffer.from("release-notes/tool.py"))).toBe(true);
  expect(zip.includes(Buffer.from("description: first"))).toBe(true);

  // Agents reference a custom skill by id and version; one that does not exist is refused.
  const agent = await sdk.client.beta.agents.create({ name: "with-skill", model: "claude-sonnet-4-6", skills: [{ type: "custom", skill_id: created.id, version: v2.id }] });
  expect(agent.skills).toEqual([{ type: "custom", skill_id: created.id, version: v2.id }]);
  await expect(
    sdk.client.beta.agents.create({ name: "bad-skill", model: "claude-sonnet-4-6", skills: [{ type: "custom", skill_id: created.id, version: "1" }] }),
  ).rejects.toMatchObject({ status: 400 });
  await expect(
    sdk.client.beta.agents.update(agent.id, { version: 1, skills: [{ type: "custom", skill_id: "skill_01missing" }] }),
  ).rejects.toMatchObject({ status: 400 });

  // A different slug is refused: the skill's name cannot change.
  await expect(
    sdk.client.beta.skills.versions.create(created.id, { files: [await toFile(Buffer.from("---\nname: other\n---\n"), "other/SKILL.md")], betas }),
  ).rejects.toMatchObject({ status: 400 });
  // Without the skills beta header: refused.
  await expect(sdk.client.beta.skills.retrieve(created.id)).rejects.toMatchObject({ status: 400 });
  await expect(sdk.client.beta.skills.delete(created.id, { betas })).rejects.toMatchObject({ status: 400 });
  for (const id of versions) {
    expect(await sdk.client.beta.skills.versions.delete(id, { skill_id: created.id, betas })).toEqual({ id, type: "skill_version_deleted" });
  }
  expect(await sdk.client.beta.skills.delete(created.id, { betas })).toEqual({ id: created.id, type: "skill_deleted" });
  await expect(sdk.client.beta.skills.retrieve(created.id, { betas })).rejects.toMatchObject({ status: 404 });
});

it("deployments: create, retrieve, update, list, pause, unpause, run, runs, archive", async () => {
  const agent = await sdk.client.beta.agents.create({ name: "scheduled", model: "claude-sonnet-4-6" });
  const environment = await sdk.client.beta.environments.create({ name: "sched-env" });
  const created = await sdk.client.beta.deployments.create({
    agent: agent.id,
    environment_id: environment.id,
    name: "nightly",
    initial_events: [{ type: "user.message", content: [{ type: "text", text: "go" }] }],
    schedule: { type: "cron", expression: "0 3 * * *", timezone: "America/New_York" },
  });
  expect(created).toMatchObject({
    id: expect.stringMatching(/^depl_01/),
    type: "deployment",
    agent: { type: "agent", id: agent.id, version: 1 },
    environment_id: environment.id,
    status: "active",
    paused_reason: null,
    schedule: { type: "cron", expression: "0 3 * * *", timezone: "America/New_York", upcoming_runs_at: [] },
    vault_ids: [],
    resources: [],
    archived_at: null,
  });
  expect(await sdk.client.beta.deployments.retrieve(created.id)).toEqual(created);

  await sdk.client.beta.agents.update(agent.id, { version: 1, system: "new" });
  const moved = await sdk.client.beta.deployments.update(created.id, { agent: { type: "agent", id: agent.id, version: 2 }, description: "d" });
  expect(moved.id).toBe(created.id);
  expect(moved.agent.version).toBe(2);
  expect(moved.description).toBe("d");
  await expect(sdk.client.beta.deployments.update(created.id, { schedule: { type: "cron", expression: "0 3 * * *", timezone: "Nowhere/Else" } })).rejects.toMatchObject({ status: 400 });

  const paused = await sdk.client.beta.deployments.pause(created.id);
  expect(paused).toMatchObject({ status: "paused", paused_reason: { type: "manual" } });
  const listedPaused = [];
  for await (const d of sdk.client.beta.deployments.list({ status: "paused" })) listedPaused.push(d.id);
  expect(listedPaused).toEqual([created.id]);
  expect(await sdk.client.beta.deployments.unpause(created.id)).toMatchObject({ status: "active", paused_reason: null });

  const run = await sdk.client.beta.deployments.run(created.id);
  expect(run).toEqual({
    id: expect.any(String),
    type: "deployment_run",
    deployment_id: created.id,
    agent: { type: "agent", id: agent.id, version: 2 },
    session_id: expect.stringMatching(/^sesn_01/),
    error: null,
    trigger_context: { type: "manual" },
    created_at: expect.any(String),
  });
  expect(await sdk.client.beta.deploymentRuns.retrieve(run.id)).toEqual(run);
  const runs = [];
  for await (const r of sdk.client.beta.deploymentRuns.list({ deployment_id: created.id, trigger_type: "manual" })) runs.push(r.id);
  expect(runs).toEqual([run.id]);
  expect((await sdk.client.beta.sessions.retrieve(run.session_id!)).agent.version).toBe(2);

  const archived = await sdk.client.beta.deployments.archive(created.id);
  expect(archived.archived_at).toEqual(expect.any(String));
  const live = [];
  for await (const d of sdk.client.beta.deployments.list()) live.push(d.id);
  expect(live).not.toContain(created.id);
  await expect(sdk.client.beta.deployments.run(created.id)).rejects.toMatchObject({ status: 400 });
});
