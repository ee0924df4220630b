// Creates whose outcome the client cannot see (DESIGN §10): every variant ends with exactly one
// object, with exact request counts from the emulator.
import { DEFAULT_OPERATION_TIMEOUT_MS } from "../../provider/kit/context";
import { UnconfirmedCreateError } from "../../provider/kit/create";
import type { RuntimeHooks } from "../../provider/kit/resource";
import type { Props } from "../../provider/kit/values";
import { agentResource } from "../../provider/resources/agent";
import { environmentResource } from "../../provider/resources/environment";
import { sessionResource } from "../../provider/resources/session";
import { checkAndCreate, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();

const agent = (name: string): Props => sdkInputs("Agent", { name, model: "claude-sonnet-4-6" });
const exact = (method: string, path: string) => env.emulator.requests.filter((r) => r.method === method && r.path === path).length;
const agentsNamed = (name: string) => [...env.emulator.agents.versions.values()].filter((v) => v[0]!.name === name).length;

describe("an ambiguous create makes exactly one object", () => {
  it("a commit whose answer is lost: looked up, adopted", async () => {
    env.emulator.injectFault({ method: "POST", path: /^\/v1\/agents$/, kind: "commit-then-drop" });
    const { id } = await checkAndCreate(agentResource, env.ctx(), agent("lost-answer"));
    expect(agentsNamed("lost-answer")).toBe(1);
    expect(env.emulator.agents.get(id)!.name).toBe("lost-answer");
    expect(exact("POST", "/v1/agents")).toBe(1);
    // The listing for interrupted runs, then the lookup after the ambiguous failure.
    expect(exact("GET", "/v1/agents")).toBe(2);
  });

  it("the lookup itself failing with 500s: retried within the deadline, then adopted", async () => {
    const ctx = env.ctx();
    await checkAndCreate(agentResource, ctx, agent("warm-up")); // lists once for this process
    env.emulator.resetCounts();
    env.emulator.injectFault({ method: "POST", path: /^\/v1\/agents$/, kind: "commit-then-drop" });
    env.emulator.injectFault({ method: "GET", path: /^\/v1\/agents$/, kind: "status", status: 500, times: 4 });
    await checkAndCreate(agentResource, ctx, agent("lookup-fails"));
    expect(agentsNamed("lookup-fails")).toBe(1);
    expect(exact("POST", "/v1/agents")).toBe(1);
    expect(exact("GET", "/v1/agents")).toBe(5);
  });

  it("a lookup that cannot succeed before the deadline: nothing is sent again, and the next run adopts", async () => {
    const ctx = env.ctx({ operation: { timeoutMs: 30_000 } });
    await checkAndCreate(agentResource, ctx, agent("warm-up-2"));
    env.emulator.resetCounts();
    env.emulator.injectFault({ method: "POST", path: /^\/v1\/agents$/, kind: "commit-then-drop" });
    env.emulator.injectFault({ method: "GET", path: /^\/v1\/agents$/, kind: "status", status: 503, times: 1000 });
    const props = agent("never-confirmed");
    const error = await checkAndCreate(agentResource, ctx, props).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UnconfirmedCreateError);
    expect((error as Error).message).toMatch(/^create agent "never-confirmed": the create's answer was lost .* Nothing was sent again; the next `pulumi up` finds the object if it was made\.$/);
    expect(exact("POST", "/v1/agents")).toBe(1);
    expect(agentsNamed("never-confirmed")).toBe(1);

    // The next `up` (a new provider process): the same token, found by its one listing.
    env.emulator.clearFaults();
    env.emulator.resetCounts();
    await checkAndCreate(agentResource, env.ctx(), props);
    expect(agentsNamed("never-confirmed")).toBe(1);
    expect(exact("POST", "/v1/agents")).toBe(0);
    expect(exact("GET", "/v1/agents")).toBe(1);
  });

  it("a 200 whose body is not JSON: looked up, adopted", async () => {
    env.emulator.injectFault({ method: "POST", path: /^\/v1\/agents$/, kind: "commit-then-garbage" });
    const { outs } = await checkAndCreate(agentResource, env.ctx(), agent("garbled"));
    expect(outs["version"]).toBe(1);
    expect(agentsNamed("garbled")).toBe(1);
    expect(exact("POST", "/v1/agents")).toBe(1);
  });

  it("a commit that lands after the client gave up: looked for over the late-commit window, adopted", async () => {
    env.emulator.injectFault({ method: "POST", path: /^\/v1\/agents$/, kind: "delay", delayMs: 700 });
    const ctx = env.ctx({ realTime: true, client: { attemptTimeoutMs: 200 }, operation: { lateCommitWindowMs: 5_000 } });
    await checkAndCreate(agentResource, ctx, agent("late-commit"));
    expect(agentsNamed("late-commit")).toBe(1);
    expect(exact("POST", "/v1/agents")).toBe(1);
    // At least one lookup came up empty before the commit landed.
    expect(exact("GET", "/v1/agents")).toBeGreaterThanOrEqual(3);
  });

  it("60 consecutive 429s: the create succeeds, once, within the default 5-minute deadline", async () => {
    env.emulator.injectFault({ method: "POST", path: /^\/v1\/agents$/, kind: "status", status: 429, headers: { "retry-after": "1" }, times: 60 });
    await checkAndCreate(agentResource, env.ctx({ operation: { timeoutMs: DEFAULT_OPERATION_TIMEOUT_MS } }), agent("patient"));
    expect(agentsNamed("patient")).toBe(1);
    expect(exact("POST", "/v1/agents")).toBe(61);
  });
});

describe("the same for every kind", () => {
  const cases: Array<[string, RuntimeHooks, () => Props, string, () => number]> = [
    ["environment", environmentResource, () => sdkInputs("Environment", { name: "lost-env" }), "/v1/environments", () => env.emulator.environments.records.size],
    [
      "session",
      sessionResource,
      () => {
        const agentId = env.emulator.agents.create({ name: "s", model: "m" }).id;
        const environmentId = env.emulator.environments.create({ name: "e" }).id;
        return sdkInputs("Session", { agent: agentId, environmentId, title: "lost-session" });
      },
      "/v1/sessions",
      () => env.emulator.sessions.records.size,
    ],
  ];

  it.each(cases)("%s: a lost answer and an unreadable one each make exactly one object", async (_kind, hooks, props, path, count) => {
    for (const kind of ["commit-then-drop", "commit-then-garbage"] as const) {
      const inputs = props();
      const before = count();
      env.emulator.resetCounts();
      env.emulator.injectFault({ method: "POST", path: new RegExp(`^${path}$`), kind });
      await checkAndCreate(hooks, env.ctx(), inputs);
      expect(count()).toBe(before + 1);
      expect(exact("POST", path)).toBe(1);
    }
  });
});

describe("interrupted more than once", () => {
  it("an object adopted (and changed) by a second interrupted run is still found by the third", async () => {
    const identity = { urn: "urn:pulumi:s::p::pulumi-nodejs:dynamic/anthropic:Environment::twice" };
    const first = sdkInputs("Environment", { name: "twice" }, identity);
    // Run 1 creates it; its state write is lost.
    const made = await checkAndCreate(environmentResource, env.ctx(), first);
    // Run 2, with an edited program, adopts it and updates it in place; its state write is lost too.
    const edited = sdkInputs("Environment", { name: "twice", description: "edited" }, identity);
    env.emulator.resetCounts();
    expect((await checkAndCreate(environmentResource, env.ctx(), edited)).id).toBe(made.id);
    expect(exact("POST", `/v1/environments/${made.id}`)).toBe(1);
    // Run 3: still that one object, adopted as it is.
    env.emulator.resetCounts();
    expect((await checkAndCreate(environmentResource, env.ctx(), edited)).id).toBe(made.id);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/environments"]);
    expect([...env.emulator.environments.records.values()].filter((e) => e.name === "twice")).toHaveLength(1);
  });
});

describe("adoptId", () => {
  it("the adopted object is not deleted by the same run's delete of the resource that held it", async () => {
    const existing = env.emulator.environments.create({ name: "held" });
    const ctx = env.ctx();
    const adopted = await checkAndCreate(environmentResource, ctx, sdkInputs("Environment", { name: "held", adoptId: existing.id }));
    expect(adopted.id).toBe(existing.id);
    // The engine then deletes the old resource, which recorded the same id.
    await environmentResource.delete(ctx, existing.id, sdkInputs("Environment", { name: "held" }));
    expect(env.emulator.live().environments).toContain(existing.id);
  });

  it("brings settings the program leaves out to the declared state (a fresh create would send them as false)", async () => {
    const existing = env.emulator.environments.create({
      name: "permissive",
      config: { type: "cloud", networking: { type: "limited", allowed_hosts: ["a.example"], allow_package_managers: true, allow_mcp_servers: true } },
      metadata: { extra: "x" },
    });
    env.emulator.resetCounts();
    const declared = { name: "permissive", adoptId: existing.id, config: { type: "cloud", networking: { type: "limited", allowedHosts: ["a.example"] } } };
    await checkAndCreate(environmentResource, env.ctx(), sdkInputs("Environment", declared));
    const now = env.emulator.environments.get(existing.id);
    expect(now.config["networking"]).toEqual({ type: "limited", allowed_hosts: ["a.example"], allow_mcp_servers: false, allow_package_managers: false });
    expect(now["metadata"]).toEqual({ "pulumi-write-token": expect.any(String) });
  });
});
