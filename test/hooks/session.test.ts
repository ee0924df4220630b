// Every Session hook against the emulator: pinning, session-local tool updates, running sessions.
import { ConflictError } from "../../provider/client/errors";
import { UNKNOWN, type Props } from "../../provider/resources/common";
import { SessionBusyError, sessionHooks } from "../../provider/resources/session";
import { contextFor, useEmulator } from "../helpers";

const env = useEmulator();
const fastPoll = () => ({ ...contextFor(env.emulator), pollIntervalMs: 20 });

let agentId: string;
let environmentId: string;
const agentTools = [{ type: "agent_toolset_20260401" }];
const linear = { type: "url", name: "linear", url: "https://mcp.linear.app/sse" };
const sessionTools: Props[] = [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcpServerName: "linear" }];

beforeEach(() => {
  env.emulator.sessions.runMs = 300;
  agentId = env.emulator.agents.create({ name: "coder", model: "claude-sonnet-4-6", tools: agentTools }).id;
  environmentId = env.emulator.environments.create({ name: "dev" }).id;
  env.emulator.resetCounts();
});

function base(extra: Props = {}): Props {
  return { agent: agentId, environmentId, title: "triage run", ...extra };
}

async function created(inputs: Props) {
  const checked = await sessionHooks.check({}, inputs);
  expect(checked.failures).toEqual([]);
  return sessionHooks.create(fastPoll(), checked.inputs);
}

describe("create", () => {
  it("unpinned: sends the agent id and records the version it resolved", async () => {
    env.emulator.agents.update(agentId, { system: "v2" });
    const { id, outs } = await created(base());
    expect(id).toMatch(/^sesn_01/);
    expect((env.emulator.requests[0]!.body as Props)["agent"]).toBe(agentId);
    expect(outs).toMatchObject({ agent: agentId, agentId, agentVersion: 2, status: "idle", title: "triage run" });
  });

  it("pinned: sends {type: agent, id, version}", async () => {
    env.emulator.agents.update(agentId, { system: "v2" });
    const { outs } = await created(base({ agentVersion: 1 }));
    expect((env.emulator.requests[0]!.body as Props)["agent"]).toEqual({ type: "agent", id: agentId, version: 1 });
    expect(outs["agentVersion"]).toBe(1);
  });

  it("with tool overrides: sends agent_with_overrides and the session runs them", async () => {
    const { outs } = await created(base({ agentVersion: 1, tools: sessionTools, mcpServers: [linear] }));
    expect((env.emulator.requests[0]!.body as Props)["agent"]).toEqual({
      type: "agent_with_overrides",
      id: agentId,
      version: 1,
      tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcp_server_name: "linear" }],
      mcp_servers: [linear],
    });
    expect((outs["resolvedAgent"] as Props)["mcpServers"]).toEqual([linear]);
  });
});

describe("create safety", () => {
  it("adopts what a create committed when its response was lost, instead of creating a second session", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/sessions", kind: "commit-then-drop" });
    const before = env.emulator.sessions.records.size;
    const { id } = await created(base());
    expect(env.emulator.sessions.records.size).toBe(before + 1);
    expect(env.emulator.sessions.records.has(id)).toBe(true);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/sessions", "GET /v1/sessions"]);
    expect(env.emulator.requests[1]!.query).toMatchObject({ agent_id: agentId });
  });
});

describe("diff table", () => {
  let outs: Props;
  beforeEach(async () => {
    outs = (await created(base({ agentVersion: 1, metadata: { a: "1" } }))).outs;
  });

  it.each<[string, Props, string[]]>([
    ["title", { title: "renamed" }, []],
    ["metadata", { metadata: { a: "2" } }, []],
    ["budget", { budget: { type: "limit", maxListCost: { amount: "2500" } } }, []],
    ["tools", { tools: sessionTools, mcpServers: [linear] }, []],
    ["whenRunning", { whenRunning: "interrupt" }, []],
    ["agent", { agent: "agent_01other" }, ["agent"]],
    ["agentVersion", { agentVersion: 2 }, ["agentVersion"]],
    ["an unknown agentVersion (the agent is being updated)", { agentVersion: UNKNOWN }, ["agentVersion"]],
    ["environmentId", { environmentId: "env_01other" }, ["environmentId"]],
    ["vaultIds", { vaultIds: ["vlt_1"] }, ["vaultIds"]],
    ["resources", { resources: [{ type: "file", fileId: "file_1" }] }, ["resources"]],
    ["initialEvents", { initialEvents: [{ type: "user.message", content: [{ type: "text", text: "go" }] }] }, ["initialEvents"]],
  ])("a change of %s -> replaces %j", async (_label, change, replaces) => {
    const result = await sessionHooks.diff("sesn_x", outs, { ...base({ agentVersion: 1, metadata: { a: "1" } }), ...change });
    expect(result).toEqual({ changes: true, replaces, deleteBeforeReplace: false });
  });

  it("no change, and removing the pin, change nothing", async () => {
    expect((await sessionHooks.diff("sesn_x", outs, base({ agentVersion: 1, metadata: { a: "1" } }))).changes).toBe(false);
    expect((await sessionHooks.diff("sesn_x", outs, base({ metadata: { a: "1" } }))).changes).toBe(false);
  });
});

describe("session-local tool updates", () => {
  it("replace the session's tools in place with one call, never touching the agent", async () => {
    const { id, outs } = await created(base());
    env.emulator.resetCounts();
    const { outs: after } = await sessionHooks.update(fastPoll(), id, outs, base({ tools: sessionTools, mcpServers: [linear] }));
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/sessions/${id}`, `POST /v1/sessions/${id}`]);
    expect(env.emulator.requests[1]!.body).toEqual({
      agent: { tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcp_server_name: "linear" }], mcp_servers: [linear] },
    });
    expect(env.emulator.sessions.get(id).agent.mcp_servers).toEqual([linear]);
    const agent = env.emulator.agents.get(agentId)!;
    expect(agent.version).toBe(1);
    expect(agent["mcp_servers"]).toEqual([]);
    expect(after["agentVersion"]).toBe(1);
  });

  it("removing the override restores the pinned agent version's own tools", async () => {
    const { id, outs } = await created(base({ tools: sessionTools, mcpServers: [linear] }));
    env.emulator.resetCounts();
    await sessionHooks.update(fastPoll(), id, outs, base());
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/agents/${agentId}`,
      `GET /v1/sessions/${id}`,
      `POST /v1/sessions/${id}`,
    ]);
    expect(env.emulator.requests[0]!.query).toEqual({ version: "1" });
    expect(env.emulator.sessions.get(id).agent.mcp_servers).toEqual([]);
    expect(env.emulator.sessions.get(id).agent.tools).toEqual(env.emulator.agents.get(agentId)!["tools"]);
  });

  it("metadata is a patch and title can be cleared", async () => {
    const { id, outs } = await created(base({ metadata: { a: "1", b: "2" } }));
    env.emulator.resetCounts();
    const { title: _t, ...withoutTitle } = base({ metadata: { a: "1", c: "3" } });
    await sessionHooks.update(fastPoll(), id, outs, withoutTitle);
    expect(env.emulator.requests[1]!.body).toEqual({ title: null, metadata: { c: "3", b: null } });
  });
});

describe("running sessions", () => {
  const running = async (extra: Props = {}) => {
    const made = await created(base(extra));
    env.emulator.sessions.sendEvents(made.id, { events: [{ type: "user.message", content: [{ type: "text", text: "work" }] }] });
    env.emulator.resetCounts();
    return made;
  };

  it('"wait" (the default) polls until idle, then updates', async () => {
    const { id, outs } = await running();
    const started = Date.now();
    await sessionHooks.update(fastPoll(), id, outs, base({ tools: sessionTools, mcpServers: [linear] }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(env.emulator.count("GET", `/v1/sessions/${id}`)).toBeGreaterThan(1);
    expect(env.emulator.count("POST", `/v1/sessions/${id}/events`)).toBe(0);
    expect(env.emulator.sessions.get(id).agent.mcp_servers).toEqual([linear]);
  });

  it('"interrupt" sends user.interrupt, then updates', async () => {
    env.emulator.sessions.runMs = 60_000;
    const { id, outs } = await running({ whenRunning: "interrupt" });
    await sessionHooks.update(fastPoll(), id, outs, base({ whenRunning: "interrupt", title: "new" }));
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/sessions/${id}`,
      `POST /v1/sessions/${id}/events`,
      `GET /v1/sessions/${id}`,
      `POST /v1/sessions/${id}`,
    ]);
    expect(env.emulator.requests[1]!.body).toEqual({ events: [{ type: "user.interrupt" }] });
    expect(env.emulator.sessions.get(id)["title"]).toBe("new");
  });

  it("a too-short timeout fails naming the session, its status and the wait, and changes nothing", async () => {
    env.emulator.sessions.runMs = 60_000;
    const { id, outs } = await running({ waitTimeoutSeconds: 0.2 });
    const error = await sessionHooks
      .update(fastPoll(), id, outs, base({ waitTimeoutSeconds: 0.2, title: "new" }))
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionBusyError);
    expect((error as Error).message).toBe(
      `update session "triage run" (${id}): session ${id} is still running after waiting 0.2s (whenRunning: "wait"); the API refuses changes while a session runs. Nothing was changed: run \`pulumi up\` again later, raise waitTimeoutSeconds, or set whenRunning: "interrupt"`,
    );
    expect(env.emulator.count("POST", `/v1/sessions/${id}`)).toBe(0);
    expect(env.emulator.sessions.get(id)["title"]).toBe("triage run");
  });

  it("settles again when the session started running between our read and our change", async () => {
    const { id, outs } = await created(base());
    env.emulator.resetCounts();
    env.emulator.injectFault({ method: "POST", path: `/v1/sessions/${id}`, kind: "status", status: 409, errorType: "invalid_request_error" });
    await sessionHooks.update(fastPoll(), id, outs, base({ title: "after the race" }));
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET /v1/sessions/${id}`,
      `POST /v1/sessions/${id}`,
      `GET /v1/sessions/${id}`,
      `POST /v1/sessions/${id}`,
    ]);
    expect(env.emulator.sessions.get(id)["title"]).toBe("after the race");
  });

  it("the emulator refuses a direct update while running (what the provider protects against)", async () => {
    env.emulator.sessions.runMs = 60_000;
    const { id } = await running();
    const { clientFor } = await import("../helpers");
    const error = await clientFor(env.emulator)
      .request({ operation: "raw update", method: "POST", path: `/v1/sessions/${id}`, body: { title: "x" }, schema: (await import("zod")).z.unknown() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
  });

  it("destroy interrupts a running session by default, then archives it", async () => {
    env.emulator.sessions.runMs = 60_000;
    const { id, outs } = await running();
    await sessionHooks.delete(fastPoll(), id, outs);
    const s = env.emulator.sessions.get(id);
    expect(s.status).toBe("idle");
    expect(s.archived_at).toEqual(expect.any(String));
    expect(env.emulator.count("POST", `/v1/sessions/${id}/events`)).toBe(1);
  });

  it('destroy with onDestroy: "delete" deletes it; a second destroy succeeds', async () => {
    env.emulator.sessions.runMs = 60_000;
    const { id, outs } = await running({ onDestroy: "delete" });
    await sessionHooks.delete(fastPoll(), id, outs);
    expect(env.emulator.sessions.records.has(id)).toBe(false);
    await sessionHooks.delete(fastPoll(), id, outs);
  });
});

describe("read and check", () => {
  it("shows drift in title and drops an archived session", async () => {
    const { id, outs } = await created(base());
    expect((await sessionHooks.read(fastPoll(), id, outs)).inputs).toEqual(base());
    env.emulator.sessions.update(id, { title: "edited" });
    expect((await sessionHooks.read(fastPoll(), id, outs)).inputs).toEqual(base({ title: "edited" }));
    env.emulator.sessions.archive(id);
    expect(await sessionHooks.read(fastPoll(), id, outs)).toEqual({});
  });

  it("never points a check failure at a value that holds a GitHub token", async () => {
    const { failures } = await sessionHooks.check({}, base({
      resources: [{ type: "github_repository", url: "http://github.com/x/y", authorizationToken: "ghp_secret", checkot: {} }],
    }));
    expect(failures).toEqual([
      { property: "resources[0].type", reason: "resources[0].url: Invalid URL" },
      { property: "resources[0].type", reason: 'resources[0]: unknown field "checkot" (check the spelling; inputs are camelCase)' },
    ]);
    expect(JSON.stringify(failures)).not.toContain("ghp_secret");
  });

  it("applies the agent's MCP rules to session overrides", async () => {
    const { failures } = await sessionHooks.check({}, base({ mcpServers: [linear] }));
    expect(failures.map((f) => f.property)).toEqual(["mcpServers[0]"]);
  });
});
