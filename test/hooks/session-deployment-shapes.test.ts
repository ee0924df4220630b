// One schema per API shape (issue 18): a Session and a Deployment take and refuse the same mounted
// resources, initial events, outcomes and budgets; the SDK's shapes they refused before (an image,
// document or redacted block in a deployment's initial events, a redacted block in a session's,
// the object form of `model.effort` on an agent and on a session's overrides) are taken and sent.
import type { Props } from "../../provider/kit/values";
import { deploymentResource } from "../../provider/resources/deployment";
import { agentResource } from "../../provider/resources/agent";
import { sessionResource } from "../../provider/resources/session";
import { runDeployment } from "../../sdk/run-deployment";
import { checkAndCreate, sdkInputs, TEST_KEY, useEmulator } from "../helpers";

const env = useEmulator();

const IMAGE = { type: "image", source: { type: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } };
const DOCUMENT = { type: "document", source: { type: "text", mediaType: "text/plain", data: "the runbook" }, title: "Runbook" };

function fixtures(): { agentId: string; environmentId: string } {
  const agent = env.emulator.agents.create({ name: "nightly", model: "claude-sonnet-4-6" });
  const environment = env.emulator.environments.create({ name: "sandbox" });
  return { agentId: agent.id, environmentId: environment.id };
}

const deployment = (f: { agentId: string; environmentId: string }, extra: Props = {}) =>
  sdkInputs("Deployment", {
    agent: f.agentId,
    environmentId: f.environmentId,
    name: "nightly",
    initialEvents: [{ type: "user.message", content: [{ type: "text", text: "Triage." }] }],
    ...extra,
  });
const session = (f: { agentId: string; environmentId: string }, extra: Props = {}) => sdkInputs("Session", { agent: f.agentId, environmentId: f.environmentId, ...extra });

describe.each([
  ["Session", sessionResource, session],
  ["Deployment", deploymentResource, deployment],
] as const)("%s: the same limits as the other", (_kind, hooks, props) => {
  const f = { agentId: "agent_1", environmentId: "env_1" };

  it("refuses a commit sha shorter than 40 characters at preview, naming it, with 0 requests", async () => {
    const repo = { type: "github_repository", url: "https://github.com/acme/app", checkout: { type: "commit", sha: "abc1234" } };
    const { failures } = await hooks.check({}, props(f, { resources: [repo] }));
    expect(failures).toEqual([{ property: "resources[0].checkout.sha", reason: "must be a full 40-character commit SHA (the API refuses abbreviated ones)" }]);
    expect(env.emulator.count()).toBe(0);
    const full = await hooks.check({}, props(f, { resources: [{ ...repo, checkout: { type: "commit", sha: "a".repeat(40) } }] }));
    expect(full.failures).toEqual([]);
  });

  it("refuses memory store instructions over 4,096 characters and an outcome over 20 iterations, with 0 requests", async () => {
    const { failures } = await hooks.check(
      {},
      props(f, {
        resources: [{ type: "memory_store", memoryStoreId: "memstore_1", instructions: "x".repeat(4097) }],
        initialEvents: [{ type: "user.define_outcome", description: "a report", rubric: { type: "text", content: "complete" }, maxIterations: 21 }],
      }),
    );
    expect([...failures].sort((a, b) => (a.property < b.property ? -1 : 1))).toEqual([
      { property: "initialEvents[0].maxIterations", reason: "at most 20 iterations" },
      { property: "resources[0].instructions", reason: "at most 4,096 characters" },
    ]);
    expect(env.emulator.count()).toBe(0);
  });
});

describe("content blocks", () => {
  it("a deployment whose initial message holds an image, a document and a redacted block is created with them, and its run starts a session with them", async () => {
    const f = fixtures();
    const content = [{ type: "text", text: "Look at this." }, IMAGE, DOCUMENT, { type: "redacted" }];
    const made = await checkAndCreate(deploymentResource, env.ctx(), deployment(f, { initialEvents: [{ type: "user.message", content }] }));
    const create = env.emulator.requests.find((r) => r.method === "POST" && r.path === "/v1/deployments")!;
    expect((create.body as Props)["initial_events"]).toEqual([
      {
        type: "user.message",
        content: [
          { type: "text", text: "Look at this." },
          { type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } },
          { type: "document", source: { type: "text", media_type: "text/plain", data: "the runbook" }, title: "Runbook" },
          { type: "redacted" },
        ],
      },
    ]);
    env.emulator.resetCounts();
    const run = await runDeployment(made.id, { apiKey: TEST_KEY, baseUrl: env.emulator.url });
    expect(run.error).toBeNull();
    expect(run.sessionId).toMatch(/^sesn_/);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`POST /v1/deployments/${made.id}/run`]);
  });

  it("a session's initial message takes a redacted block", async () => {
    const f = fixtures();
    await checkAndCreate(sessionResource, env.ctx(), session(f, { initialEvents: [{ type: "user.message", content: [{ type: "redacted" }, { type: "text", text: "Go on." }] }] }));
    const create = env.emulator.requests.find((r) => r.method === "POST" && r.path === "/v1/sessions")!;
    expect((create.body as Props)["initial_events"]).toEqual([{ type: "user.message", content: [{ type: "redacted" }, { type: "text", text: "Go on." }] }]);
  });
});

describe("model.effort in its object form", () => {
  it("an agent with effort { type: \"low\" } sends and stores it, and a refresh shows no change", async () => {
    const declared = { name: "careful", model: { id: "claude-opus-4-7", effort: { type: "low" } } };
    const made = await checkAndCreate(agentResource, env.ctx(), sdkInputs("Agent", declared));
    const create = env.emulator.requests.find((r) => r.method === "POST" && r.path === "/v1/agents")!;
    expect((create.body as Props)["model"]).toEqual({ id: "claude-opus-4-7", effort: { type: "low" } });
    expect(env.emulator.agents.get(made.id)!["model"]).toMatchObject({ id: "claude-opus-4-7", effort: { type: "low" } });
    const read = await agentResource.read(env.ctx(), made.id, made.outs);
    const again = await agentResource.check(made.checked, sdkInputs("Agent", declared));
    expect((await agentResource.diff(made.id, read.props!, again.inputs)).changes).toBe(false);
    // The string form of the same level is no change either.
    const flat = await agentResource.check(made.checked, sdkInputs("Agent", { ...declared, model: { id: "claude-opus-4-7", effort: "low" } }));
    expect((await agentResource.diff(made.id, made.outs, flat.inputs)).changes).toBe(false);
  });

  it("a session's model override takes the object form and sends it inside agent_with_overrides", async () => {
    const f = fixtures();
    await checkAndCreate(sessionResource, env.ctx(), session(f, { model: { id: "claude-opus-4-7", effort: { type: "high" } } }));
    const create = env.emulator.requests.find((r) => r.method === "POST" && r.path === "/v1/sessions")!;
    expect((create.body as Props)["agent"]).toEqual({ type: "agent_with_overrides", id: f.agentId, model: { id: "claude-opus-4-7", effort: { type: "high" } } });
  });

  it("refuses a level the API does not know, in either form, naming the field", async () => {
    const { failures } = await agentResource.check({}, sdkInputs("Agent", { name: "a", model: { id: "claude-opus-4-7", effort: { type: "extreme" } } }));
    expect(failures.map((x) => x.property)).toEqual(["model"]);
    expect(env.emulator.count()).toBe(0);
  });
});
