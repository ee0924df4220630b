// Every Session hook against the emulator: pinning, session-local tool updates, running sessions,
// crash-safe creates, the optimistic check of updates.
import { z } from "zod";
import { ConflictError } from "../../provider/client/errors";
import { WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { DriftError } from "../../provider/kit/drift";
import { declarationDigests } from "../../provider/kit/resource";
import { sessionResource, sessionSpec } from "../../provider/resources/session";
import { SessionBusyError } from "../../provider/resources/session-running";
import { checkAndCreate, checkAndUpdate, clientFor, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();
/** Polls of a running session wait for real (20 ms apart). */
const fastPoll = () => env.ctx({ realTime: true });
const props = (inputs: Props) => sdkInputs("Session", inputs);
const declared = (p: Props | undefined) => Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => !k.startsWith("__")));
const calls = () => env.emulator.requests.map((r) => `${r.method} ${r.path}`);

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

const created = (inputs: Props) => checkAndCreate(sessionResource, fastPoll(), props(inputs));
const update = (made: { id: string; checked: Props; outs: Props }, inputs: Props) => checkAndUpdate(sessionResource, fastPoll(), made.id, made, props(inputs));

/** The create body, after the one lookup of the agent's sessions. */
function createBody(): Props {
  expect(env.emulator.requests[0]).toMatchObject({ method: "GET", path: "/v1/sessions", query: { agent_id: agentId } });
  expect(env.emulator.requests[1]).toMatchObject({ method: "POST", path: "/v1/sessions" });
  return env.emulator.requests[1]!.body as Props;
}

describe("create", () => {
  it("unpinned: sends the agent id and records the version it resolved", async () => {
    env.emulator.agents.update(agentId, { system: "v2" });
    env.emulator.resetCounts();
    const { id, outs } = await created(base());
    expect(id).toMatch(/^sesn_01/);
    expect(createBody()["agent"]).toBe(agentId);
    expect(outs).toMatchObject({ agent: agentId, agentId, agentVersion: 2, pinned: false, status: "idle", title: "triage run" });
  });

  it("pinned: sends {type: agent, id, version}", async () => {
    env.emulator.agents.update(agentId, { system: "v2" });
    env.emulator.resetCounts();
    const { outs } = await created(base({ agentVersion: 1 }));
    expect(createBody()["agent"]).toEqual({ type: "agent", id: agentId, version: 1 });
    expect(outs["agentVersion"]).toBe(1);
  });

  it("with tool overrides: sends agent_with_overrides and the session runs them", async () => {
    const { id } = await created(base({ agentVersion: 1, tools: sessionTools, mcpServers: [linear] }));
    expect(createBody()["agent"]).toEqual({
      type: "agent_with_overrides",
      id: agentId,
      version: 1,
      tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcp_server_name: "linear" }],
      mcp_servers: [linear],
    });
    expect(env.emulator.sessions.get(id).agent.mcp_servers).toEqual([linear]);
  });

  it("sends a GitHub token to the API but keeps only its hash in what the engine sees", async () => {
    const token = "ghp_hookTestToken0123456789";
    const repo = { type: "github_repository", url: "https://github.com/acme/app", authorizationToken: token };
    const { checked, outs } = await created(base({ resources: [repo] }));
    expect((createBody()["resources"] as Props[])[0]!["authorization_token"]).toBe(token);
    expect(JSON.stringify(checked)).not.toContain(token);
    expect(JSON.stringify(outs)).not.toContain(token);
    expect((outs["resources"] as Props[])[0]!["authorizationToken"]).toMatch(/^sha256:[0-9a-f]{64}$/);
  });
});

describe("create safety", () => {
  it("adopts what a create committed when its answer was lost, instead of creating a second session", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/sessions", kind: "commit-then-drop" });
    const before = env.emulator.sessions.records.size;
    const { id } = await created(base());
    expect(env.emulator.sessions.records.size).toBe(before + 1);
    expect(env.emulator.sessions.records.has(id)).toBe(true);
    expect(calls()).toEqual(["GET /v1/sessions", "POST /v1/sessions", "GET /v1/sessions"]);
    expect(env.emulator.requests[2]!.query).toMatchObject({ agent_id: agentId });
  });

  /** The session's inputs as the SDK sends them, and the stamp a create of given declarations carries. */
  async function crashed(name: string) {
    const pinned = sdkInputs("Session", base({ agentVersion: 1 }), { urn: `urn:pulumi:s::p::pulumi-nodejs:dynamic/anthropic:Session::${name}` });
    const token = (await sessionResource.check({}, pinned)).inputs["__createToken"] as string;
    const stamp = (declared: Props) => {
      const d = declarationDigests(sessionSpec, declared);
      return `${token}.${d.declared}.${d.fixed}`;
    };
    return { pinned, stamp };
  }

  it("after an interrupted run, adopts a session made from the same fixed fields and disposes of one that no longer fits", async () => {
    const { pinned, stamp } = await crashed("crashed");
    // Made with another title (in place): adopted, its title brought to the declared one.
    const made = env.emulator.sessions.create({
      agent: { type: "agent", id: agentId, version: 1 },
      environment_id: environmentId,
      title: "old",
      metadata: { [WRITE_TOKEN_KEY]: stamp(base({ agentVersion: 1, title: "old" })) },
    });
    env.emulator.resetCounts();
    const adopted = await checkAndCreate(sessionResource, fastPoll(), pinned);
    expect(adopted.id).toBe(made.id);
    expect(calls()).toEqual(["GET /v1/sessions", `GET /v1/sessions/${made.id}`, `POST /v1/sessions/${made.id}`]);
    expect(env.emulator.sessions.get(made.id)["title"]).toBe("triage run");

    // Made from another repository (fixed): not the declared session. It goes (archived, as
    // destroy would), and a new one is made.
    const other = await crashed("crashed-elsewhere");
    const stale = env.emulator.sessions.create({
      agent: { type: "agent", id: agentId, version: 1 },
      environment_id: environmentId,
      metadata: { [WRITE_TOKEN_KEY]: other.stamp(base({ agentVersion: 1, resources: [{ type: "file", fileId: "file_old" }] })) },
    });
    env.emulator.resetCounts();
    const fresh = await checkAndCreate(sessionResource, fastPoll(), other.pinned);
    expect(fresh.id).not.toBe(stale.id);
    expect(env.emulator.sessions.get(stale.id).archived_at).toEqual(expect.any(String));
    expect(calls()).toEqual(["GET /v1/sessions", `GET /v1/sessions/${stale.id}`, `POST /v1/sessions/${stale.id}/archive`, "POST /v1/sessions"]);
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
    ["budget (adding one: budget_create_only)", { budget: { type: "limit", maxListCost: { amount: "2500" } } }, ["budget"]],
    ["tools", { tools: sessionTools, mcpServers: [linear] }, []],
    ["whenRunning", { whenRunning: "interrupt" }, []],
    ["agent", { agent: "agent_01other" }, ["agent"]],
    ["agentVersion", { agentVersion: 2 }, ["agentVersion"]],
    ["an unknown agentVersion (the agent is being updated)", { agentVersion: UNKNOWN }, ["agentVersion"]],
    ["environmentId", { environmentId: "env_01other" }, ["environmentId"]],
    ["vaultIds", { vaultIds: ["vlt_1"] }, ["vaultIds"]],
    ["resources (a file added: in place)", { resources: [{ type: "file", fileId: "file_1" }] }, []],
    ["resources (a repository added)", { resources: [{ type: "github_repository", url: "https://github.com/o/r" }] }, ["resources"]],
    ["resources (a memory store added)", { resources: [{ type: "memory_store", memoryStoreId: "memstore_1" }] }, ["resources"]],
    ["model (an override)", { model: "claude-opus-4-7" }, ["model"]],
    ["system (an override)", { system: "Be brief." }, ["system"]],
    ["skills (an override)", { skills: [{ type: "anthropic", skillId: "xlsx" }] }, ["skills"]],
    ["initialEvents", { initialEvents: [{ type: "user.message", content: [{ type: "text", text: "go" }] }] }, ["initialEvents"]],
  ])("a change of %s -> replaces %j", async (_label, change, replaces) => {
    const result = await sessionResource.diff("sesn_x", outs, props({ ...base({ agentVersion: 1, metadata: { a: "1" } }), ...change }));
    expect(result).toMatchObject({ changes: true, replaces, deleteBeforeReplace: false });
    // The detailed diff names exactly the changed fields, a replacing one as a replacement.
    expect(Object.keys(result.detailedDiff).sort()).toEqual(Object.keys(change).sort());
    for (const [field, kind] of Object.entries(result.detailedDiff)) expect(kind.endsWith("-replace")).toBe(replaces.includes(field));
  });

  it("a budget's amount changes in place; removing it replaces", async () => {
    const budget = (amount: string) => ({ type: "limit", maxListCost: { amount } });
    const made = await created(base({ budget: budget("2500") }));
    expect(await sessionResource.diff("sesn_x", made.outs, props(base({ budget: budget("5000") })))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { budget: "update" } });
    expect(await sessionResource.diff("sesn_x", made.outs, props(base()))).toEqual({ changes: true, replaces: ["budget"], deleteBeforeReplace: false, detailedDiff: { budget: "delete-replace" } });
  });

  it("no change, and removing the pin, change nothing", async () => {
    expect((await sessionResource.diff("sesn_x", outs, props(base({ agentVersion: 1, metadata: { a: "1" } })))).changes).toBe(false);
    expect((await sessionResource.diff("sesn_x", outs, props(base({ metadata: { a: "1" } })))).changes).toBe(false);
  });
});

describe("session-local tool updates", () => {
  it("replace the session's tools in place with one call, never touching the agent", async () => {
    const made = await created(base());
    env.emulator.resetCounts();
    const { outs } = await update(made, base({ tools: sessionTools, mcpServers: [linear] }));
    expect(calls()).toEqual([`GET /v1/sessions/${made.id}`, `POST /v1/sessions/${made.id}`]);
    expect(env.emulator.requests[1]!.body).toEqual({
      agent: { tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcp_server_name: "linear" }], mcp_servers: [linear] },
      metadata: { [WRITE_TOKEN_KEY]: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });
    expect(env.emulator.sessions.get(made.id).agent.mcp_servers).toEqual([linear]);
    const agent = env.emulator.agents.get(agentId)!;
    expect(agent.version).toBe(1);
    expect(agent["mcp_servers"]).toEqual([]);
    expect(outs["agentVersion"]).toBe(1);
  });

  it("removing the override restores the pinned agent version's own tools", async () => {
    const made = await created(base({ tools: sessionTools, mcpServers: [linear] }));
    env.emulator.resetCounts();
    await update(made, base());
    expect(calls()).toEqual([`GET /v1/agents/${agentId}`, `GET /v1/sessions/${made.id}`, `POST /v1/sessions/${made.id}`]);
    expect(env.emulator.requests[0]!.query).toEqual({ version: "1" });
    expect(env.emulator.sessions.get(made.id).agent.mcp_servers).toEqual([]);
    expect(env.emulator.sessions.get(made.id).agent.tools).toEqual(env.emulator.agents.get(agentId)!["tools"]);
  });

  it("metadata is a patch and title can be cleared", async () => {
    const made = await created(base({ metadata: { a: "1", b: "2" } }));
    env.emulator.resetCounts();
    const { title: _t, ...withoutTitle } = base({ metadata: { a: "1", c: "3" } });
    await update(made, withoutTitle);
    expect(env.emulator.requests[1]!.body).toEqual({ title: null, metadata: { c: "3", b: null, [WRITE_TOKEN_KEY]: expect.any(String) } });
  });

  it("an update that does not send a write-only value never needs it (`ignoreChanges` keeps the hash from state)", async () => {
    const repo = { type: "github_repository", url: "https://github.com/acme/app", authorizationToken: "ghp_notNeededByTheUpdate123" };
    const made = await created(base({ resources: [repo] }));
    const fromState = (made.checked["resources"] as Props[]).map((r) => ({ ...r, authorizationToken: `sha256:${"1".repeat(64)}` }));
    // A hash this process never saw: the update changes only the title, and must not ask for it.
    const news = { ...props(base({ title: "renamed" })), resources: fromState };
    const { outs } = await sessionResource.update(fastPoll(), made.id, { ...made.outs, resources: fromState }, (await sessionResource.check(made.checked, news)).inputs);
    expect(outs["title"]).toBe("renamed");
  });

  it("refuses to overwrite a title changed outside Pulumi, and writes nothing", async () => {
    const made = await created(base());
    env.emulator.sessions.update(made.id, { title: "renamed in the console" });
    env.emulator.resetCounts();
    const error = await update(made, base({ metadata: { owner: "sre" } })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftError);
    expect((error as Error).message).toContain("(title)");
    expect(calls()).toEqual([`GET /v1/sessions/${made.id}`]);
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
    const made = await running();
    const started = Date.now();
    await update(made, base({ tools: sessionTools, mcpServers: [linear] }));
    expect(Date.now() - started).toBeGreaterThanOrEqual(200);
    expect(env.emulator.count("GET", `/v1/sessions/${made.id}`)).toBeGreaterThan(1);
    expect(env.emulator.count("POST", `/v1/sessions/${made.id}/events`)).toBe(0);
    expect(env.emulator.sessions.get(made.id).agent.mcp_servers).toEqual([linear]);
  });

  it('"interrupt" sends user.interrupt, then updates', async () => {
    env.emulator.sessions.runMs = 60_000;
    const made = await running({ whenRunning: "interrupt" });
    await update(made, base({ whenRunning: "interrupt", title: "new", tools: sessionTools, mcpServers: [linear] }));
    expect(calls()).toEqual([
      `GET /v1/sessions/${made.id}`,
      `POST /v1/sessions/${made.id}/events`,
      `GET /v1/sessions/${made.id}`,
      `POST /v1/sessions/${made.id}`,
    ]);
    expect(env.emulator.requests[1]!.body).toEqual({ events: [{ type: "user.interrupt" }] });
    expect(env.emulator.sessions.get(made.id)["title"]).toBe("new");
  });

  it("a too-short timeout fails naming the session, its status and the wait, and changes nothing", async () => {
    env.emulator.sessions.runMs = 60_000;
    const made = await running({ waitTimeoutSeconds: 0.2 });
    const error = await update(made, base({ waitTimeoutSeconds: 0.2, title: "new", tools: sessionTools, mcpServers: [linear] })).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SessionBusyError);
    expect((error as Error).message).toBe(
      `update session "triage run" (${made.id}): session ${made.id} is still running after waiting 0.2s (whenRunning: "wait"); the API refuses changes while a session runs. Nothing was changed: run \`pulumi up\` again later, raise waitTimeoutSeconds, or set whenRunning: "interrupt"`,
    );
    expect(env.emulator.count("POST", `/v1/sessions/${made.id}`)).toBe(0);
    expect(env.emulator.sessions.get(made.id)["title"]).toBe("triage run");
  });

  it("settles again when the session started running between our read and our change", async () => {
    const made = await created(base());
    env.emulator.resetCounts();
    env.emulator.injectFault({ method: "POST", path: `/v1/sessions/${made.id}`, kind: "status", status: 409, errorType: "invalid_request_error" });
    await update(made, base({ title: "after the race", tools: sessionTools, mcpServers: [linear] }));
    expect(calls()).toEqual([`GET /v1/sessions/${made.id}`, `POST /v1/sessions/${made.id}`, `GET /v1/sessions/${made.id}`, `POST /v1/sessions/${made.id}`]);
    expect(env.emulator.sessions.get(made.id)["title"]).toBe("after the race");
  });

  it("title, metadata and a budget's amount change at once while the session runs: no wait, no interrupt", async () => {
    env.emulator.sessions.runMs = 60_000;
    const budget = (amount: string) => ({ type: "limit", maxListCost: { amount } });
    const made = await running({ budget: budget("2500") });
    await update(made, base({ budget: budget("9900"), title: "renamed while running", metadata: { stage: "2" } }));
    expect(calls()).toEqual([`GET /v1/sessions/${made.id}`, `POST /v1/sessions/${made.id}`]);
    const stored = env.emulator.sessions.get(made.id);
    expect(stored.status).toBe("running");
    expect(stored["title"]).toBe("renamed while running");
    expect(stored["budget"]).toEqual({ type: "limit", max_list_cost: { amount: "9900", currency: "USD" } });
  });

  it("the emulator refuses a direct update while running (what the provider protects against)", async () => {
    env.emulator.sessions.runMs = 60_000;
    const made = await running();
    const ctx = env.ctx();
    const error = await clientFor(env.emulator)
      .request(ctx, { operation: "raw update", method: "POST", path: `/v1/sessions/${made.id}`, beta: "managed-agents-2026-04-01", body: { agent: { tools: [] } }, schema: z.unknown() })
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConflictError);
  });

  it("destroy interrupts a running session by default, then archives it", async () => {
    env.emulator.sessions.runMs = 60_000;
    const made = await running();
    await sessionResource.delete(fastPoll(), made.id, made.outs);
    const s = env.emulator.sessions.get(made.id);
    expect(s.status).toBe("idle");
    expect(s.archived_at).toEqual(expect.any(String));
    expect(env.emulator.count("POST", `/v1/sessions/${made.id}/events`)).toBe(1);
  });

  it('destroy with onDestroy: "delete" deletes it; a second destroy succeeds', async () => {
    env.emulator.sessions.runMs = 60_000;
    const made = await running({ onDestroy: "delete" });
    await sessionResource.delete(fastPoll(), made.id, made.outs);
    expect(env.emulator.sessions.records.has(made.id)).toBe(false);
    await sessionResource.delete(fastPoll(), made.id, made.outs);
  });
});

describe("read and check", () => {
  it("shows drift in title and drops an archived session", async () => {
    const { id, outs } = await created(base());
    expect(declared((await sessionResource.read(fastPoll(), id, outs)).inputs)).toEqual(base());
    env.emulator.sessions.update(id, { title: "edited" });
    expect(declared((await sessionResource.read(fastPoll(), id, outs)).inputs)).toEqual(base({ title: "edited" }));
    env.emulator.sessions.archive(id);
    expect(await sessionResource.read(fastPoll(), id, outs)).toEqual({});
  });

  it("never returns a GitHub token from check, even with failures inside `resources`", async () => {
    const { failures, inputs } = await sessionResource.check(
      {},
      props(base({ resources: [{ type: "github_repository", url: "http://github.com/x/y", authorizationToken: "ghp_secretvalue", checkot: {} }] })),
    );
    expect(failures.map((f) => f.property)).toEqual(["resources[0].url", "resources[0]"]);
    expect(JSON.stringify({ failures, inputs })).not.toContain("ghp_secretvalue");
  });

  it("applies the agent's MCP rules to session overrides where both lists are declared", async () => {
    const { failures } = await sessionResource.check({}, props(base({ tools: [{ type: "mcp_toolset", mcpServerName: "github" }], mcpServers: [linear] })));
    expect(failures.map((f) => f.property)).toEqual(["tools[0].mcpServerName", "mcpServers[0]"]);
  });

  it("an omitted list is the agent's own: a tools-only override may name the agent's server, an mcpServers-only override is valid", async () => {
    expect((await sessionResource.check({}, props(base({ tools: [{ type: "mcp_toolset", mcpServerName: "github" }] })))).failures).toEqual([]);
    expect((await sessionResource.check({}, props(base({ mcpServers: [linear] })))).failures).toEqual([]);
  });
});
