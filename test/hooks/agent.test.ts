// Every Agent hook against the emulator, asserting exact values and exact request counts.
import { ConflictError, NotFoundError } from "../../provider/client/errors";
import { agentHooks } from "../../provider/resources/agent";
import { CREATE_TOKEN_KEY, UNKNOWN, type Props } from "../../provider/resources/common";
import { contextFor, TEST_KEY, useEmulator } from "../helpers";

const env = useEmulator();

const baseInputs: Props = {
  name: "triage",
  model: "claude-sonnet-4-6",
  system: "You triage issues.",
  tools: [{ type: "agent_toolset_20260401" }],
  metadata: { team: "platform" },
};

async function created(inputs: Props = baseInputs): Promise<{ id: string; outs: Props }> {
  const checked = await agentHooks.check({}, inputs);
  expect(checked.failures).toEqual([]);
  return agentHooks.create(env.ctx, checked.inputs);
}

describe("create", () => {
  it("creates the agent with one POST and echoes inputs next to the server's view", async () => {
    const { id, outs } = await created();
    expect(id).toMatch(/^agent_01\w{22}$/);
    expect(env.emulator.count()).toBe(1);
    expect(env.emulator.count("POST", "/v1/agents")).toBe(1);
    expect(outs).toMatchObject({
      name: "triage",
      model: "claude-sonnet-4-6",
      system: "You triage issues.",
      metadata: { team: "platform" },
      version: 1,
      archivedAt: null,
    });
    const resolved = outs["resolved"] as Props;
    expect(resolved["model"]).toEqual({ id: "claude-sonnet-4-6", speed: "standard" });
    expect(resolved["metadata"]).toEqual({ team: "platform" });
    expect(resolved["tools"]).toEqual([
      {
        type: "agent_toolset_20260401",
        defaultConfig: { enabled: true, permissionPolicy: { type: "always_allow" } },
        configs: [],
      },
    ]);
    const stored = env.emulator.agents.get(id)!;
    expect((stored["metadata"] as Record<string, string>)[CREATE_TOKEN_KEY]).toMatch(/^[0-9a-f-]{36}$/);
  });

  it("sends a custom tool's input schema exactly as written (no re-casing)", async () => {
    const inputSchema = { type: "object", properties: { issueId: { type: "string" } }, required: ["issueId"] };
    const { id } = await created({
      ...baseInputs,
      tools: [{ type: "custom", name: "lookup_issue", description: "Find an issue", inputSchema }],
    });
    const body = env.emulator.requests.find((r) => r.method === "POST")!.body as { tools: Props[] };
    expect(body.tools[0]).toEqual({ type: "custom", name: "lookup_issue", description: "Find an issue", input_schema: inputSchema });
    expect((env.emulator.agents.get(id)!["tools"] as Props[])[0]!["input_schema"]).toEqual(inputSchema);
  });

  it("adopts what a create committed when its response was lost, instead of creating twice", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "commit-then-drop" });
    const before = env.emulator.agents.versions.size;
    const { id, outs } = await created({ ...baseInputs, name: "lost-response" });
    expect(env.emulator.agents.versions.size).toBe(before + 1);
    expect(env.emulator.agents.get(id)!.name).toBe("lost-response");
    expect(outs["version"]).toBe(1);
    expect(env.emulator.count("POST", "/v1/agents")).toBe(1);
    expect(env.emulator.count("GET", "/v1/agents")).toBe(1);
  });

  it("creates again after a 500 that did not commit, still exactly one agent", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "status", status: 500 });
    const before = env.emulator.agents.versions.size;
    await created({ ...baseInputs, name: "after-500" });
    expect(env.emulator.agents.versions.size).toBe(before + 1);
    expect(env.emulator.count("POST", "/v1/agents")).toBe(2);
    expect(env.emulator.count("GET", "/v1/agents")).toBe(1);
  });

  it("retries a 429 after the retry-after delay it was given", async () => {
    const delays: number[] = [];
    const ctx = contextFor(env.emulator, { sleep: async (ms) => void delays.push(ms) });
    env.emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "status", status: 429, headers: { "retry-after": "2" } });
    const checked = await agentHooks.check({}, baseInputs);
    const { outs } = await agentHooks.create(ctx, checked.inputs);
    expect(outs["version"]).toBe(1);
    expect(delays).toEqual([2000]);
    expect(env.emulator.count("POST", "/v1/agents")).toBe(2);
  });

  it("retries a 529 overloaded answer", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "status", status: 529, headers: { "retry-after-ms": "10" } });
    await created();
    expect(env.emulator.count("POST", "/v1/agents")).toBe(2);
  });

  it("names the field, status and request id when the API refuses, and never the key", async () => {
    const checked = await agentHooks.check({}, baseInputs);
    env.emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "status", status: 403, errorType: "permission_error" });
    const error = await agentHooks.create(env.ctx, checked.inputs).catch((e: unknown) => e as Error);
    expect(error).toBeInstanceOf(Error);
    expect((error as Error).message).toMatch(
      /^create agent "triage": POST \/v1\/agents failed with HTTP 403 permission_error: injected fault: HTTP 403 \(request-id: req_01\w+\)$/,
    );
    expect(String((error as Error).stack)).not.toContain(TEST_KEY);
  });
});

describe("diff", () => {
  it("reports no change and makes no call when nothing changed", async () => {
    const { outs } = await created();
    env.emulator.resetCounts();
    const checked = await agentHooks.check(outs, { ...baseInputs, __provider: "shell" });
    const result = await agentHooks.diff("agent_x", { ...outs, __provider: "old shell" }, checked.inputs);
    expect(result).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
    expect(env.emulator.count()).toBe(0);
  });

  it("plans an update, never a replacement, for any field", async () => {
    const { outs } = await created();
    for (const change of [{ name: "renamed" }, { model: { id: "claude-opus-4-7", effort: "high" } }, { system: UNKNOWN }, { metadata: {} }]) {
      const result = await agentHooks.diff("agent_x", outs, { ...baseInputs, ...change });
      expect(result).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    }
  });
});

describe("update", () => {
  it("sends only what changed with the old version, and the version goes up by one", async () => {
    const { id, outs } = await created();
    env.emulator.resetCounts();
    const news = { ...baseInputs, system: "You triage and label issues.", metadata: { owner: "sre" } };
    const { outs: after } = await agentHooks.update(env.ctx, id, outs, news);
    expect(after["version"]).toBe(2);
    expect(after["system"]).toBe("You triage and label issues.");
    expect(env.emulator.requests).toEqual([
      {
        method: "POST",
        path: `/v1/agents/${id}`,
        query: {},
        body: { system: "You triage and label issues.", metadata: { owner: "sre", team: null }, version: 1 },
      },
    ]);
    const stored = env.emulator.agents.get(id)!;
    expect(stored["metadata"]).toEqual({ owner: "sre", [CREATE_TOKEN_KEY]: expect.any(String) });
  });

  it("clears a removed optional field", async () => {
    const { id, outs } = await created();
    const { system: _system, ...withoutSystem } = baseInputs;
    const { outs: after } = await agentHooks.update(env.ctx, id, outs, withoutSystem);
    expect(after["version"]).toBe(2);
    expect(after["system"]).toBeUndefined();
    expect(env.emulator.agents.get(id)!["system"]).toBeNull();
  });

  it("makes no call and no version when nothing changed", async () => {
    const { id, outs } = await created();
    env.emulator.resetCounts();
    const { outs: after } = await agentHooks.update(env.ctx, id, outs, { ...baseInputs, adoptId: undefined });
    expect(after["version"]).toBe(1);
    expect(after["resolved"]).toEqual(outs["resolved"]);
    expect(env.emulator.count()).toBe(0);
    expect(env.emulator.agents.versions.get(id)!.length).toBe(1);
  });

  it("explains a 409 (changed outside Pulumi) and how to reconcile", async () => {
    const { id, outs } = await created();
    env.emulator.agents.update(id, { description: "edited in the console" });
    const error = await agentHooks.update(env.ctx, id, outs, { ...baseInputs, system: "new" }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
    const message = (error as ConflictError).message;
    expect(message).toContain(`update agent "triage" (${id}): POST /v1/agents/${id} failed with HTTP 409`);
    expect(message).toContain("its version is no longer 1");
    expect(message).toContain("pulumi refresh");
    expect(env.emulator.count("POST", `/v1/agents/${id}`)).toBe(1);
  });
});

describe("read", () => {
  it("keeps the declared form when nothing drifted", async () => {
    const { id, outs } = await created();
    env.emulator.resetCounts();
    const result = await agentHooks.read(env.ctx, id, outs);
    expect(result.id).toBe(id);
    expect(result.inputs).toEqual(baseInputs);
    expect(result.props).toEqual(outs);
    expect(env.emulator.count()).toBe(1);
  });

  it("takes in a change made outside Pulumi so that the next diff shows it", async () => {
    const { id, outs } = await created();
    env.emulator.agents.update(id, { system: "edited in the console", metadata: { team: null, source: "console" } });
    const result = await agentHooks.read(env.ctx, id, outs);
    expect(result.inputs).toEqual({ ...baseInputs, system: "edited in the console", metadata: { source: "console" } });
    expect(result.props!["version"]).toBe(2);
    const diff = await agentHooks.diff(id, result.props!, baseInputs);
    expect(diff.changes).toBe(true);
    const { outs: after } = await agentHooks.update(env.ctx, id, result.props!, baseInputs);
    expect(after["version"]).toBe(3);
    expect(env.emulator.agents.get(id)!["system"]).toBe("You triage issues.");
  });

  it("reports an agent that is gone (404) or archived as gone", async () => {
    const { id, outs } = await created();
    expect(await agentHooks.read(env.ctx, "agent_01missing", outs)).toEqual({});
    env.emulator.agents.archive(id);
    expect(await agentHooks.read(env.ctx, id, outs)).toEqual({});
  });

  it("survives a dropped connection on GET", async () => {
    const { id, outs } = await created();
    env.emulator.resetCounts();
    env.emulator.injectFault({ method: "GET", path: `/v1/agents/${id}`, kind: "drop" });
    const result = await agentHooks.read(env.ctx, id, outs);
    expect(result.id).toBe(id);
    expect(env.emulator.count("GET", `/v1/agents/${id}`)).toBe(2);
  });
});

describe("delete", () => {
  it("archives the agent", async () => {
    const { id, outs } = await created();
    env.emulator.resetCounts();
    await agentHooks.delete(env.ctx, id, outs);
    expect(env.emulator.agents.get(id)!.archived_at).toEqual(expect.any(String));
    expect(env.emulator.count()).toBe(1);
  });

  it("succeeds when the agent is already archived or gone", async () => {
    const { id, outs } = await created();
    env.emulator.agents.archive(id);
    await expect(agentHooks.delete(env.ctx, id, outs)).resolves.toBeUndefined();
    await expect(agentHooks.delete(env.ctx, "agent_01missing", outs)).resolves.toBeUndefined();
  });
});

describe("adoption", () => {
  it("adopts an existing agent and brings it to the declared state in one new version", async () => {
    const existing = env.emulator.agents.create({ name: "legacy", model: "claude-haiku-4-5", metadata: { old: "yes" } });
    const { id, outs } = await created({ ...baseInputs, adoptId: existing.id });
    expect(id).toBe(existing.id);
    expect(outs["version"]).toBe(2);
    expect(outs["adoptId"]).toBe(existing.id);
    const stored = env.emulator.agents.get(id)!;
    expect(stored.name).toBe("triage");
    expect(stored["metadata"]).toEqual({ team: "platform" });
    expect(env.emulator.count("POST", "/v1/agents")).toBe(1);
    expect(env.emulator.count("POST", `/v1/agents/${id}`)).toBe(1);
  });

  it("makes no version when the existing agent already matches", async () => {
    const existing = env.emulator.agents.create({
      name: "triage",
      model: "claude-sonnet-4-6",
      system: "You triage issues.",
      tools: [{ type: "agent_toolset_20260401" }],
      metadata: { team: "platform" },
    });
    env.emulator.resetCounts();
    const { outs } = await created({ ...baseInputs, adoptId: existing.id });
    // The declared form ("claude-sonnet-4-6") differs from the server's resolved form ({id, speed}),
    // so one update is sent; the API sees nothing new and makes no version.
    expect(outs["version"]).toBe(1);
    expect(env.emulator.count("GET", `/v1/agents/${existing.id}`)).toBe(1);
    expect(env.emulator.count("POST", `/v1/agents/${existing.id}`)).toBe(1);
    expect(env.emulator.agents.versions.get(existing.id)!.length).toBe(1);
  });

  it("refuses an id that does not exist", async () => {
    const error = (await created({ ...baseInputs, adoptId: "agent_01nothere" }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe('adopt agent "triage" (agent_01nothere): adoptId agent_01nothere names no agent that this API key can see');
    expect(error).not.toBeInstanceOf(NotFoundError);
  });
});
