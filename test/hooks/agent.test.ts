// Every Agent hook against the emulator, asserting exact values and exact request counts.
import { ConflictError } from "../../provider/client/errors";
import { WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { declarationDigests } from "../../provider/kit/resource";
import { agentResource, agentSpec } from "../../provider/resources/agent";
import { checkAndCreate, checkAndUpdate, sdkInputs, TEST_KEY, useEmulator } from "../helpers";

const env = useEmulator();

const baseInputs: Props = {
  name: "triage",
  model: "claude-sonnet-4-6",
  system: "You triage issues.",
  tools: [{ type: "agent_toolset_20260401" }],
  metadata: { team: "platform" },
};

const created = (inputs: Props = baseInputs, identity?: { seed?: string; urn?: string }) =>
  checkAndCreate(agentResource, env.ctx(), sdkInputs("Agent", inputs, identity));

describe("create", () => {
  it("looks for an interrupted create once, creates with one POST, and echoes inputs next to the server's view", async () => {
    const { id, outs } = await created();
    expect(id).toMatch(/^agent_01\w{22}$/);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/agents", "POST /v1/agents"]);
    expect(outs).toMatchObject({
      name: "triage",
      model: "claude-sonnet-4-6",
      system: "You triage issues.",
      metadata: { team: "platform" },
      version: 1,
      archivedAt: null,
      __kind: "Agent",
    });
    // What was seen of the agent is kept as hidden digests, never as values a diff would print.
    expect(outs["resolved"]).toBeUndefined();
    expect(Object.keys(outs["__seen"] as Props).sort()).toEqual(
      ["description", "executionIdentity", "mcpServers", "metadata", "model", "multiagent", "name", "skills", "system", "tools"],
    );
    const stored = env.emulator.agents.get(id)!;
    // The create token, then digests of what was declared (all of it, and what would replace it).
    expect((stored["metadata"] as Record<string, string>)[WRITE_TOKEN_KEY]).toMatch(new RegExp(`^${String(outs["__createToken"])}\\.[0-9a-f]{16}\\.[0-9a-f]{16}$`));
  });

  it("sends a custom tool's input schema exactly as written (no re-casing)", async () => {
    const inputSchema = { type: "object", properties: { issueId: { type: "string" } }, required: ["issueId"] };
    const { id } = await created({ ...baseInputs, tools: [{ type: "custom", name: "lookup_issue", description: "Find an issue", inputSchema }] });
    const body = env.emulator.requests.find((r) => r.method === "POST")!.body as { tools: Props[] };
    expect(body.tools[0]).toEqual({ type: "custom", name: "lookup_issue", description: "Find an issue", input_schema: inputSchema });
    expect((env.emulator.agents.get(id)!["tools"] as Props[])[0]!["input_schema"]).toEqual(inputSchema);
  });

  it("derives the create token from state: stable across reruns, new for a replacement, unique to the stack", async () => {
    const props = sdkInputs("Agent", baseInputs, { urn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/anthropic:Agent::same" });
    const first = await agentResource.check({}, props);
    const again = await agentResource.check({}, props);
    expect(first.inputs["__createToken"]).toMatch(/^[0-9a-f]{32}$/);
    expect(again.inputs["__createToken"]).toBe(first.inputs["__createToken"]);
    // With state, the recorded object's token is kept…
    const recorded = { ...first.inputs };
    expect((await agentResource.check(recorded, props)).inputs["__createToken"]).toBe(first.inputs["__createToken"]);
    // …and the engine's second check of a replacement (without old inputs) gets the next one, every time.
    const replacement = await agentResource.check({}, props);
    expect(replacement.inputs["__createToken"]).not.toBe(first.inputs["__createToken"]);
    await agentResource.check(recorded, props);
    expect((await agentResource.check({}, props)).inputs["__createToken"]).toBe(replacement.inputs["__createToken"]);
    const otherStack = await agentResource.check({}, { ...props, __seed: "2026-01-01T00:00:00.000Z/ffff" });
    expect(otherStack.inputs["__createToken"]).not.toBe(first.inputs["__createToken"]);
    expect((await agentResource.check({}, { ...props, __seed: UNKNOWN })).inputs["__createToken"]).toBe(UNKNOWN);
  });

  it("`pulumi up --replace` of an object that still has its first token keeps that object rather than lose it", async () => {
    const identity = { urn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/anthropic:Agent::targeted" };
    const original = await created(baseInputs, identity);
    // A targeted replace: the engine checks without old inputs, creates, then deletes the old object.
    const ctx = env.ctx();
    const replacement = await checkAndCreate(agentResource, ctx, sdkInputs("Agent", baseInputs, identity));
    expect(replacement.id).toBe(original.id);
    await agentResource.delete(ctx, original.id, original.outs);
    expect(env.emulator.agents.get(original.id)!.archived_at).toBeNull();
  });

  it("adopts what an interrupted run created from an older declaration, and brings it to the declared state", async () => {
    const identity = { urn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/anthropic:Agent::interrupted" };
    const { inputs } = await agentResource.check({}, sdkInputs("Agent", baseInputs, identity));
    // The interrupted run: its POST committed, its state write never happened.
    const older = declarationDigests(agentSpec, { ...baseInputs, system: "an older prompt" });
    const orphan = env.emulator.agents.create({
      name: "triage",
      model: "claude-sonnet-4-6",
      system: "an older prompt",
      metadata: { team: "platform", [WRITE_TOKEN_KEY]: `${String(inputs["__createToken"])}.${older.declared}.${older.fixed}` },
    });
    env.emulator.resetCounts();
    const { id, outs } = await created(baseInputs, identity);
    expect(id).toBe(orphan.id);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/agents", `POST /v1/agents/${id}`]);
    expect(outs["version"]).toBe(2);
    expect(env.emulator.agents.get(id)!["system"]).toBe("You triage issues.");
    // Not in state yet: the update stamps it as the create would have, so it stays findable.
    const now = declarationDigests(agentSpec, baseInputs);
    expect((env.emulator.agents.get(id)!["metadata"] as Record<string, string>)[WRITE_TOKEN_KEY]).toBe(`${String(inputs["__createToken"])}.${now.declared}.${now.fixed}`);
  });

  it("adopts what an interrupted run made exactly as declared now as it is: no update, no new version", async () => {
    const identity = { urn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/anthropic:Agent::interrupted-exact" };
    const first = await created(baseInputs, identity);
    // A new provider process (its own listing) repeats the create, as the next `up` after a kill would.
    env.emulator.resetCounts();
    const again = await created(baseInputs, identity);
    expect(again.id).toBe(first.id);
    expect(again.outs["version"]).toBe(1);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/agents"]);
  });

  it("lists each kind once per process, however many creates look for interrupted runs", async () => {
    const ctx = env.ctx();
    await checkAndCreate(agentResource, ctx, sdkInputs("Agent", { ...baseInputs, name: "a" }));
    await checkAndCreate(agentResource, ctx, sdkInputs("Agent", { ...baseInputs, name: "b" }));
    await checkAndCreate(agentResource, ctx, sdkInputs("Agent", { ...baseInputs, name: "c" }));
    expect(env.emulator.count("GET", "/v1/agents")).toBe(1);
    expect(env.emulator.count("POST", "/v1/agents")).toBe(3);
  });

  it("retries a 429 after the retry-after delay it was given, pausing the host", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "status", status: 429, headers: { "retry-after": "2" } });
    const ctx = env.ctx();
    const { outs } = await checkAndCreate(agentResource, ctx, sdkInputs("Agent", baseInputs));
    expect(outs["version"]).toBe(1);
    const slept = (ctx.clock as unknown as { slept: number[] }).slept;
    expect(slept).toHaveLength(1);
    // The create's lookup was answered just before: the gate paces from here, and the create's
    // retry takes the first slot, at the end of the pause to the millisecond (no jitter needed).
    expect(slept[0]).toBe(2000);
    expect(env.emulator.count("POST", "/v1/agents")).toBe(2);
  });

  it("names the resource, status and request id when the API refuses, and never the key", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "status", status: 403, errorType: "permission_error" });
    const error = (await created().catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(
      /^create agent "triage": POST \/v1\/agents failed with HTTP 403 permission_error: injected fault: HTTP 403 \(request-id: req_01\w+\)$/,
    );
    expect(String(error.stack)).not.toContain(TEST_KEY);
  });
});

describe("diff", () => {
  it("reports no change and makes no call when nothing changed", async () => {
    const { outs, checked } = await created();
    env.emulator.resetCounts();
    const again = await agentResource.check(checked, sdkInputs("Agent", baseInputs));
    const result = await agentResource.diff("agent_x", { ...outs, __provider: "old shell" }, again.inputs);
    expect(result).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false, detailedDiff: {} });
    expect(env.emulator.count()).toBe(0);
  });

  it("plans an update, never a replacement, for any field", async () => {
    const { outs } = await created();
    for (const change of [{ name: "renamed" }, { model: { id: "claude-opus-4-7", effort: "high" } }, { system: UNKNOWN }, { metadata: {} }]) {
      const result = await agentResource.diff("agent_x", outs, sdkInputs("Agent", { ...baseInputs, ...change }));
      expect(result).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: Object.fromEntries(Object.keys(change).map((k) => [k, "update"])) });
    }
  });
});

describe("update", () => {
  it("sends only what changed with the old version and a write token, and the version goes up by one", async () => {
    const made = await created();
    env.emulator.resetCounts();
    const news = { ...baseInputs, system: "You triage and label issues.", metadata: { owner: "sre" } };
    const { outs } = await checkAndUpdate(agentResource, env.ctx(), made.id, made, sdkInputs("Agent", news));
    expect(outs["version"]).toBe(2);
    expect(outs["system"]).toBe("You triage and label issues.");
    expect(env.emulator.requests).toEqual([
      {
        method: "POST",
        path: `/v1/agents/${made.id}`,
        query: {},
        body: { system: "You triage and label issues.", metadata: { owner: "sre", team: null, [WRITE_TOKEN_KEY]: expect.stringMatching(/^[0-9a-f]{32}$/) }, version: 1 },
      },
    ]);
    expect(env.emulator.agents.get(made.id)!["metadata"]).toEqual({ owner: "sre", [WRITE_TOKEN_KEY]: expect.any(String) });
  });

  it("clears a removed optional field", async () => {
    const made = await created();
    const { system: _system, ...withoutSystem } = baseInputs;
    const { outs } = await checkAndUpdate(agentResource, env.ctx(), made.id, made, sdkInputs("Agent", withoutSystem));
    expect(outs["version"]).toBe(2);
    expect(outs["system"]).toBeUndefined();
    expect(env.emulator.agents.get(made.id)!["system"]).toBeNull();
  });

  it("makes no call and no version when nothing the API stores changed", async () => {
    const made = await created();
    env.emulator.resetCounts();
    const { outs } = await checkAndUpdate(agentResource, env.ctx(), made.id, made, sdkInputs("Agent", { ...baseInputs, adoptId: "agent_01whatever" }));
    expect(outs["version"]).toBe(1);
    expect(outs["__seen"]).toEqual(made.outs["__seen"]);
    expect(env.emulator.count()).toBe(0);
    expect(env.emulator.agents.versions.get(made.id)!.length).toBe(1);
  });

  it("recognises its own write when the answer to an update is lost (in-process retry, then a plain rerun)", async () => {
    const made = await created();
    const news = sdkInputs("Agent", { ...baseInputs, system: "v2" });
    env.emulator.resetCounts();
    env.emulator.injectFault({ method: "POST", path: `/v1/agents/${made.id}`, kind: "commit-then-drop" });
    const { outs } = await checkAndUpdate(agentResource, env.ctx(), made.id, made, news);
    expect(outs["version"]).toBe(2);
    // The retry answered 409 (our own version 2); a GET recognised the write token.
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST /v1/agents/${made.id}`,
      `POST /v1/agents/${made.id}`,
      `GET /v1/agents/${made.id}`,
    ]);

    // A rerun from the old state (the engine never recorded the update): the same write, recognised.
    env.emulator.resetCounts();
    const rerun = await checkAndUpdate(agentResource, env.ctx(), made.id, made, news);
    expect(rerun.outs["version"]).toBe(2);
    expect(env.emulator.count("POST")).toBe(1);
    expect(env.emulator.agents.versions.get(made.id)!.length).toBe(2);
  });

  it("explains a 409 from a change made outside Pulumi, and how to reconcile", async () => {
    const made = await created();
    env.emulator.agents.update(made.id, { description: "edited in the console" });
    const error = await checkAndUpdate(agentResource, env.ctx(), made.id, made, sdkInputs("Agent", { ...baseInputs, system: "new" })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    const message = (error as ConflictError).message;
    expect(message).toContain(`update agent "triage" (${made.id}): POST /v1/agents/${made.id} failed with HTTP 409`);
    expect(message).toContain("its version is no longer 1");
    expect(message).toContain("pulumi refresh");
    expect(env.emulator.count("POST", `/v1/agents/${made.id}`)).toBe(1);
  });
});

describe("read", () => {
  it("keeps the declared form when nothing drifted, with exactly one GET", async () => {
    const { id, outs, checked } = await created();
    env.emulator.resetCounts();
    const result = await agentResource.read(env.ctx(), id, outs);
    expect(result.id).toBe(id);
    const { __kind, __seed, __urn, __createToken, ...declared } = result.inputs!;
    expect(declared).toEqual(baseInputs);
    expect({ __kind, __seed, __urn, __createToken }).toEqual({
      __kind: checked["__kind"],
      __seed: checked["__seed"],
      __urn: checked["__urn"],
      __createToken: checked["__createToken"],
    });
    expect(result.props).toEqual(outs);
    expect(env.emulator.count()).toBe(1);
  });

  it("takes in a change made outside Pulumi so that the next diff shows it", async () => {
    const made = await created();
    env.emulator.agents.update(made.id, { system: "edited in the console", metadata: { team: null, source: "console" } });
    const result = await agentResource.read(env.ctx(), made.id, made.outs);
    expect(result.inputs).toMatchObject({ ...baseInputs, system: "edited in the console", metadata: { source: "console" } });
    expect(result.props!["version"]).toBe(2);
    const diff = await agentResource.diff(made.id, result.props!, made.checked);
    expect(diff.changes).toBe(true);
    const { outs } = await checkAndUpdate(agentResource, env.ctx(), made.id, { checked: result.inputs!, outs: result.props! }, sdkInputs("Agent", baseInputs));
    expect(outs["version"]).toBe(3);
    expect(env.emulator.agents.get(made.id)!["system"]).toBe("You triage issues.");
  });

  it("reads an agent it has no state for (Agent.get): every field from the server", async () => {
    const existing = env.emulator.agents.create({ name: "legacy", model: "claude-haiku-4-5", system: "s", metadata: { a: "1" } });
    const result = await agentResource.read(env.ctx(), existing.id, { __kind: "Agent" });
    expect(result.inputs).toEqual({ __kind: "Agent", name: "legacy", model: { id: "claude-haiku-4-5", speed: "standard", effort: "high" }, system: "s", metadata: { a: "1" }, executionIdentity: { type: "service_account" } });
    expect(result.props).toMatchObject({ version: 1, name: "legacy" });
  });

  it("reports an agent that is gone (404) or archived as gone", async () => {
    const { id, outs } = await created();
    expect(await agentResource.read(env.ctx(), "agent_01missing", outs)).toEqual({});
    env.emulator.agents.archive(id);
    expect(await agentResource.read(env.ctx(), id, outs)).toEqual({});
  });

  it("survives a dropped connection on GET", async () => {
    const { id, outs } = await created();
    env.emulator.resetCounts();
    env.emulator.injectFault({ method: "GET", path: `/v1/agents/${id}`, kind: "drop" });
    const result = await agentResource.read(env.ctx(), id, outs);
    expect(result.id).toBe(id);
    expect(env.emulator.count("GET", `/v1/agents/${id}`)).toBe(2);
  });
});

describe("delete", () => {
  it("archives the agent", async () => {
    const { id, outs } = await created();
    env.emulator.resetCounts();
    await agentResource.delete(env.ctx(), id, outs);
    expect(env.emulator.agents.get(id)!.archived_at).toEqual(expect.any(String));
    expect(env.emulator.count()).toBe(1);
  });

  it("succeeds when the agent is already archived or gone", async () => {
    const { id, outs } = await created();
    env.emulator.agents.archive(id);
    await expect(agentResource.delete(env.ctx(), id, outs)).resolves.toBeUndefined();
    await expect(agentResource.delete(env.ctx(), "agent_01missing", outs)).resolves.toBeUndefined();
  });
});

describe("adoption", () => {
  it("adopts an existing agent and brings it to the declared state in one new version", async () => {
    const existing = env.emulator.agents.create({ name: "legacy", model: "claude-haiku-4-5", metadata: { old: "yes" } });
    env.emulator.resetCounts();
    const { id, outs } = await created({ ...baseInputs, adoptId: existing.id });
    expect(id).toBe(existing.id);
    expect(outs["version"]).toBe(2);
    expect(outs["adoptId"]).toBe(existing.id);
    const stored = env.emulator.agents.get(id)!;
    expect(stored.name).toBe("triage");
    expect(stored["metadata"]).toEqual({ team: "platform", [WRITE_TOKEN_KEY]: expect.any(String) });
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/agents/${id}`, `POST /v1/agents/${id}`]);
  });

  it("makes no call and no version when the existing agent already is as declared (resolved form and defaults included)", async () => {
    const existing = env.emulator.agents.create({
      name: "triage",
      model: "claude-sonnet-4-6",
      system: "You triage issues.",
      tools: [{ type: "agent_toolset_20260401" }],
      metadata: { team: "platform" },
    });
    env.emulator.resetCounts();
    const { outs } = await created({ ...baseInputs, adoptId: existing.id });
    expect(outs["version"]).toBe(1);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/agents/${existing.id}`]);
  });

  it("refuses an id that does not exist", async () => {
    const error = (await created({ ...baseInputs, adoptId: "agent_01nothere" }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('adopt agent "triage" (agent_01nothere): adoptId agent_01nothere names no agent that this API key can see');
  });
});
