// Every Deployment hook against the emulator, with exact request counts; and `runDeployment`.
import { WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import { DriftError } from "../../provider/kit/drift";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { deploymentResource } from "../../provider/resources/deployment";
import { runDeployment } from "../../sdk/run-deployment";
import { checkAndCreate, checkAndUpdate, sdkInputs, TEST_KEY, useEmulator } from "../helpers";

const env = useEmulator();

const props = (inputs: Props) => sdkInputs("Deployment", inputs);
const requests = () => env.emulator.requests.map((r) => `${r.method} ${r.path}`);

function fixtures(): { agentId: string; environmentId: string } {
  const agent = env.emulator.agents.create({ name: "nightly", model: "claude-sonnet-4-6" });
  const environment = env.emulator.environments.create({ name: "sandbox" });
  return { agentId: agent.id, environmentId: environment.id };
}

function declaration(f: { agentId: string; environmentId: string }, extra: Props = {}): Props {
  return {
    agent: f.agentId,
    agentVersion: 1,
    environmentId: f.environmentId,
    name: "nightly triage",
    initialEvents: [{ type: "user.message", content: [{ type: "text", text: "Triage new issues." }] }],
    schedule: { type: "cron", expression: "0 3 * * 1-5", timezone: "Europe/Paris" },
    ...extra,
  };
}

describe("check", () => {
  it.each([
    ["0 3 * *", "schedule.expression"],
    ["60 3 * * *", "schedule.expression"],
    ["0 3 * * MON-FRI/0", "schedule.expression"],
    ["0 3 31-1 * *", "schedule.expression"],
  ])("refuses the cron expression %j with 0 requests", async (expression, property) => {
    const { failures } = await deploymentResource.check({}, props(declaration({ agentId: "agent_1", environmentId: "env_1" }, { schedule: { type: "cron", expression, timezone: "UTC" } })));
    expect(failures.map((f) => f.property)).toEqual([property]);
    expect(env.emulator.count()).toBe(0);
  });

  it("refuses an unknown time zone and reports every problem at once", async () => {
    const { failures } = await deploymentResource.check(
      {},
      props(declaration({ agentId: "agent_1", environmentId: "env_1" }, { schedule: { type: "cron", expression: "* * * *", timezone: "Mars/Olympus" }, initialEvents: [] })),
    );
    expect(failures).toEqual([
      { property: "initialEvents", reason: "a run starts its session with these events: give at least one" },
      { property: "schedule.expression", reason: 'a cron expression has 5 fields (minute hour day-of-month month day-of-week), "* * * *" has 4' },
      { property: "schedule.timezone", reason: '"Mars/Olympus" is not an IANA time zone name (e.g. "UTC", "Europe/Paris")' },
    ]);
    expect(env.emulator.count()).toBe(0);
  });

  it("leaves unknown values alone during preview", async () => {
    const { failures } = await deploymentResource.check({}, props(declaration({ agentId: UNKNOWN, environmentId: UNKNOWN }, { agentVersion: UNKNOWN, schedule: { type: "cron", expression: UNKNOWN, timezone: UNKNOWN } })));
    expect(failures).toEqual([]);
  });
});

describe("create, update, read, delete", () => {
  it("creates pinned, paused when declared so, with its latest runs", async () => {
    const f = fixtures();
    const { id, outs } = await checkAndCreate(deploymentResource, env.ctx(), props(declaration(f, { paused: true })));
    expect(id).toMatch(/^depl_01/);
    expect(requests()).toEqual(["GET /v1/deployments", "POST /v1/deployments", `POST /v1/deployments/${id}/pause`, "GET /v1/deployment_runs"]);
    expect(env.emulator.requests[1]!.body).toEqual({
      agent: { type: "agent", id: f.agentId, version: 1 },
      environment_id: f.environmentId,
      name: "nightly triage",
      initial_events: [{ type: "user.message", content: [{ type: "text", text: "Triage new issues." }] }],
      schedule: { type: "cron", expression: "0 3 * * 1-5", timezone: "Europe/Paris" },
      metadata: { [WRITE_TOKEN_KEY]: expect.stringMatching(/^[0-9a-f]{32}\.[0-9a-f]{16}\.[0-9a-f]{16}$/) },
    });
    expect(env.emulator.requests[3]!.query).toEqual({ deployment_id: id, limit: "5" });
    expect(outs).toMatchObject({ status: "paused", pausedReason: { type: "manual" }, agentVersion: 1, pinned: true, latestRuns: [] });
  });

  it("follows a new agent version in place: one update call, the same deployment", async () => {
    const f = fixtures();
    const made = await checkAndCreate(deploymentResource, env.ctx(), props(declaration(f)));
    env.emulator.agents.update(f.agentId, { version: 1, system: "Be terse." });
    const news = props(declaration(f, { agentVersion: 2 }));
    expect(await deploymentResource.diff(made.id, made.outs, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { agentVersion: "update" } });
    expect((await deploymentResource.diff(made.id, made.outs, props(declaration(f, { agentVersion: UNKNOWN })))).replaces).toEqual([]);
    env.emulator.resetCounts();
    const { outs } = await checkAndUpdate(deploymentResource, env.ctx(), made.id, made, news);
    expect(requests()).toEqual([`GET /v1/deployments/${made.id}`, `POST /v1/deployments/${made.id}`, "GET /v1/deployment_runs"]);
    expect(env.emulator.requests[1]!.body).toEqual({
      agent: { type: "agent", id: f.agentId, version: 2 },
      metadata: { [WRITE_TOKEN_KEY]: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });
    expect(outs["agentVersion"]).toBe(2);
    expect(env.emulator.deployments.get(made.id).agent.version).toBe(2);
  });

  it("an unpinned deployment keeps its version, and a refresh does not make it a pin", async () => {
    const f = fixtures();
    const { agentVersion: _pin, ...unpinned } = declaration(f);
    const made = await checkAndCreate(deploymentResource, env.ctx(), props(unpinned));
    expect(env.emulator.requests[1]!.body).toMatchObject({ agent: f.agentId });
    expect(made.outs).toMatchObject({ agentVersion: 1, pinned: false });
    env.emulator.agents.update(f.agentId, { version: 1, system: "Be terse." });
    expect((await deploymentResource.diff(made.id, made.outs, props(unpinned))).changes).toBe(false);
    const refreshed = await deploymentResource.read(env.ctx(), made.id, made.outs);
    expect(refreshed.inputs?.["agentVersion"]).toBeUndefined();
  });

  it("paused: true pauses, false unpauses, removing it keeps the state; each one call", async () => {
    const f = fixtures();
    const made = await checkAndCreate(deploymentResource, env.ctx(), props(declaration(f)));
    env.emulator.resetCounts();
    const paused = await checkAndUpdate(deploymentResource, env.ctx(), made.id, made, props(declaration(f, { paused: true })));
    expect(requests()).toEqual([`GET /v1/deployments/${made.id}`, `POST /v1/deployments/${made.id}/pause`, "GET /v1/deployment_runs"]);
    expect(env.emulator.deployments.get(made.id).status).toBe("paused");
    expect(paused.outs["status"]).toBe("paused");

    env.emulator.resetCounts();
    const resumed = await checkAndUpdate(deploymentResource, env.ctx(), made.id, paused, props(declaration(f, { paused: false })));
    expect(env.emulator.count("POST")).toBe(1);
    expect(env.emulator.deployments.get(made.id).status).toBe("active");
    expect(await deploymentResource.diff(made.id, resumed.outs, props(declaration(f)))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false, detailedDiff: {} });
  });

  it("updates a schedule and clears a description in place; refuses to overwrite a change made outside Pulumi", async () => {
    const f = fixtures();
    const made = await checkAndCreate(deploymentResource, env.ctx(), props(declaration(f, { description: "weekdays" })));
    env.emulator.resetCounts();
    const news = declaration(f, { schedule: { type: "cron", expression: "*/30 * * * *", timezone: "UTC" } });
    const updated = await checkAndUpdate(deploymentResource, env.ctx(), made.id, made, props(news));
    expect(env.emulator.requests[1]!.body).toEqual({
      description: null,
      schedule: { type: "cron", expression: "*/30 * * * *", timezone: "UTC" },
      metadata: { [WRITE_TOKEN_KEY]: expect.any(String) },
    });

    env.emulator.deployments.update(made.id, { name: "renamed outside" });
    env.emulator.resetCounts();
    const error = await checkAndUpdate(deploymentResource, env.ctx(), made.id, updated, props({ ...news, description: "again" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftError);
    expect((error as Error).message).toContain("(name)");
    expect(env.emulator.count("POST")).toBe(0);

    const refreshed = await deploymentResource.read(env.ctx(), made.id, updated.outs);
    expect(refreshed.inputs?.["name"]).toBe("renamed outside");
  });

  it("the emulator refuses the schedules check refuses", async () => {
    const f = fixtures();
    const body = { agent: f.agentId, environment_id: f.environmentId, name: "x", initial_events: [{ type: "user.message", content: [{ type: "text", text: "go" }] }] };
    for (const schedule of [
      { type: "cron", expression: "0 3 * *", timezone: "UTC" },
      { type: "cron", expression: "0 24 * * *", timezone: "UTC" },
      { type: "cron", expression: "0 3 * * *", timezone: "Mars/Olympus" },
    ]) {
      expect(() => env.emulator.deployments.create({ ...body, schedule })).toThrow(/schedule\./);
    }
  });

  it("runDeployment starts a run; the next refresh lists it; destroy archives", async () => {
    const f = fixtures();
    const made = await checkAndCreate(deploymentResource, env.ctx(), props(declaration(f)));
    const run = await runDeployment(made.id, { apiKey: TEST_KEY, baseUrl: env.emulator.url });
    expect(run).toMatchObject({ deploymentId: made.id, agent: { id: f.agentId, version: 1 }, error: null, triggerContext: { type: "manual" } });
    expect(env.emulator.sessions.get(run.sessionId!).agent.version).toBe(1);
    const refreshed = await deploymentResource.read(env.ctx(), made.id, made.outs);
    expect(refreshed.props?.["latestRuns"]).toEqual([{ id: run.id, createdAt: run.createdAt, agentVersion: 1, sessionId: run.sessionId, trigger: "manual", error: null }]);

    await deploymentResource.delete(env.ctx(), made.id, made.outs);
    expect(env.emulator.deployments.get(made.id).archived_at).toEqual(expect.any(String));
    await deploymentResource.delete(env.ctx(), made.id, made.outs);
    expect(await deploymentResource.read(env.ctx(), made.id, made.outs)).toEqual({});
  });

  it("creates exactly one deployment when the first answer is lost", async () => {
    const f = fixtures();
    env.emulator.injectFault({ method: "POST", path: "/v1/deployments", kind: "commit-then-drop" });
    const before = env.emulator.deployments.records.size;
    await checkAndCreate(deploymentResource, env.ctx(), props(declaration(f)));
    expect(env.emulator.deployments.records.size).toBe(before + 1);
  });
});
