// The Session as the API defines it (issue "Agents and sessions, exactly as the API defines them"):
// resources changed in place through the session-resources endpoints, agent overrides, outputs,
// and the API's limits checked at preview with no request.
import { WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import type { Props } from "../../provider/kit/values";
import { agentResource } from "../../provider/resources/agent";
import { sessionResource } from "../../provider/resources/session";
import { checkAndCreate, checkAndUpdate, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();
const props = (inputs: Props) => sdkInputs("Session", inputs);
const calls = () => env.emulator.requests.map((r) => `${r.method} ${r.path}`);
const created = (inputs: Props) => checkAndCreate(sessionResource, env.ctx(), props(inputs));
const update = (made: { id: string; checked: Props; outs: Props }, inputs: Props) => checkAndUpdate(sessionResource, env.ctx(), made.id, made, props(inputs));

let agentId: string;
let environmentId: string;
const github = { type: "mcp_toolset", mcpServerName: "github" };
const githubServer = { type: "url", name: "github", url: "https://api.githubcopilot.com/mcp/" };

beforeEach(() => {
  agentId = env.emulator.agents.create({
    name: "coder",
    model: "claude-sonnet-4-6",
    tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcp_server_name: "github" }],
    mcp_servers: [githubServer],
  }).id;
  environmentId = env.emulator.environments.create({ name: "dev" }).id;
  env.emulator.resetCounts();
});

const base = (extra: Props = {}): Props => ({ agent: agentId, environmentId, title: "run", ...extra });
const repo = (token: string) => ({ type: "github_repository", url: "https://github.com/acme/app", authorizationToken: token });
const file = (id: string) => ({ type: "file", fileId: id });

describe("resources change in place through /v1/sessions/{id}/resources", () => {
  it("rotating a GitHub token: one session-resources call, no replace, the token never in what the engine sees", async () => {
    const made = await created(base({ resources: [repo("ghp_first0000000000000000000000000000")] }));
    const rid = (made.outs["resourceIds"] as string[])[0]!;
    expect(rid).toMatch(/^sesrsc_/);
    const rotated = base({ resources: [repo("ghp_second000000000000000000000000000")] });
    expect(await sessionResource.diff(made.id, made.outs, props(rotated))).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { resources: "update" } });
    env.emulator.resetCounts();
    const { outs, checked } = await update(made, rotated);
    expect(calls()).toEqual([`GET /v1/sessions/${made.id}`, `POST /v1/sessions/${made.id}/resources/${rid}`, `GET /v1/sessions/${made.id}`]);
    expect(env.emulator.requests[1]!.body).toEqual({ authorization_token: "ghp_second000000000000000000000000000" });
    expect(outs["resourceIds"]).toEqual([rid]);
    const seen = JSON.stringify({ outs, checked });
    expect(seen).not.toContain("ghp_second");
    expect(seen).not.toContain("ghp_first");
    expect(JSON.stringify(env.emulator.sessions.get(made.id))).not.toContain("ghp_");
  });

  it("adding a file adds it; removing one deletes it; the session stays", async () => {
    const made = await created(base({ resources: [file("file_a")] }));
    env.emulator.resetCounts();
    const added = await update(made, base({ resources: [file("file_a"), file("file_b")] }));
    expect(calls()).toEqual([`GET /v1/sessions/${made.id}`, `POST /v1/sessions/${made.id}/resources`, `GET /v1/sessions/${made.id}`]);
    expect(env.emulator.requests[1]!.body).toEqual({ type: "file", file_id: "file_b" });
    const ids = added.outs["resourceIds"] as string[];
    expect(ids).toHaveLength(2);
    env.emulator.resetCounts();
    const removed = await update({ id: made.id, ...added }, base({ resources: [file("file_b")] }));
    expect(calls()).toEqual([`GET /v1/sessions/${made.id}`, `DELETE /v1/sessions/${made.id}/resources/${ids[0]}`, `GET /v1/sessions/${made.id}`]);
    expect(removed.outs["resourceIds"]).toEqual([ids[1]]);
    expect((env.emulator.sessions.get(made.id)["resources"] as Props[]).map((r) => r["file_id"])).toEqual(["file_b"]);
  });

  it("a file's new mount path moves it in place: removed, then added", async () => {
    const made = await created(base({ resources: [file("file_a")] }));
    const moved = base({ resources: [{ ...file("file_a"), mountPath: "/data/a" }] });
    expect((await sessionResource.diff(made.id, made.outs, props(moved))).replaces).toEqual([]);
    env.emulator.resetCounts();
    await update(made, moved);
    expect(calls().filter((c) => c.includes("/resources"))).toEqual([`DELETE /v1/sessions/${made.id}/resources/${(made.outs["resourceIds"] as string[])[0]}`, `POST /v1/sessions/${made.id}/resources`]);
    expect((env.emulator.sessions.get(made.id)["resources"] as Props[])[0]).toMatchObject({ file_id: "file_a", mount_path: "/data/a" });
  });

  it("a file add whose answer was lost is not repeated: the rerun finds it mounted", async () => {
    const made = await created(base());
    env.emulator.injectFault({ method: "POST", path: `/v1/sessions/${made.id}/resources`, kind: "commit-then-drop" });
    env.emulator.resetCounts();
    await update(made, base({ resources: [file("file_a")] }));
    expect(env.emulator.count("POST", `/v1/sessions/${made.id}/resources`)).toBe(1);
    expect((env.emulator.sessions.get(made.id)["resources"] as Props[]).map((r) => r["file_id"])).toEqual(["file_a"]);
  });

  it.each<[string, Props[], Props[]]>([
    ["a repository's checkout", [{ ...repo("ghp_x"), checkout: { type: "branch", name: "main" } }], [{ ...repo("ghp_x"), checkout: { type: "branch", name: "dev" } }]],
    ["a repository's URL", [repo("ghp_x")], [{ ...repo("ghp_x"), url: "https://github.com/acme/other" }]],
    ["a memory store's access", [{ type: "memory_store", memoryStoreId: "memstore_1" }], [{ type: "memory_store", memoryStoreId: "memstore_1", access: "read_only" }]],
    ["a memory store removed (the API gives it no resource id)", [{ type: "memory_store", memoryStoreId: "memstore_1" }], []],
    ["a token removed (the API cannot unset one)", [repo("ghp_x")], [{ type: "github_repository", url: "https://github.com/acme/app" }]],
  ])("changing %s replaces the session", async (_label, before, after) => {
    const made = await created(base({ resources: before }));
    const diff = await sessionResource.diff(made.id, made.outs, props(base({ resources: after })));
    expect(diff.replaces).toEqual(["resources"]);
  });

  it("the API refuses to add anything but a file (what makes a new repository a replacement)", async () => {
    const made = await created(base());
    const res = await fetch(`${env.emulator.url}/v1/sessions/${made.id}/resources`, {
      method: "POST",
      headers: { "x-api-key": "k", "anthropic-beta": "managed-agents-2026-04-01", "content-type": "application/json" },
      body: JSON.stringify({ type: "github_repository", url: "https://github.com/acme/app" }),
    });
    expect(res.status).toBe(400);
  });
});

describe("agent_with_overrides", () => {
  it("sends model, system and skills overrides at create; the agent is untouched", async () => {
    const made = await created(base({ model: { id: "claude-opus-4-7", effort: "max" }, system: "Only review.", skills: [{ type: "anthropic", skillId: "xlsx" }] }));
    expect(env.emulator.requests[1]!.body).toMatchObject({
      agent: { type: "agent_with_overrides", id: agentId, model: { id: "claude-opus-4-7", effort: "max" }, system: "Only review.", skills: [{ type: "anthropic", skill_id: "xlsx" }] },
    });
    const stored = env.emulator.sessions.get(made.id).agent;
    expect(stored["model"]).toEqual({ id: "claude-opus-4-7", speed: "standard", effort: { type: "max" } });
    expect(stored["system"]).toBe("Only review.");
    expect(env.emulator.agents.get(agentId)!["system"]).toBeNull();
  });

  it("a tools-only override naming the agent's own MCP server is accepted (the omitted list is the agent's)", async () => {
    const made = await created(base({ tools: [github] }));
    expect(env.emulator.sessions.get(made.id).agent.mcp_servers).toEqual([githubServer]);
  });

  it("an override the API refuses fails at up, naming the session and the HTTP status", async () => {
    // mcpServers-only: the agent's own tools still name "github", which this list drops.
    const error = (await created(base({ mcpServers: [{ type: "url", name: "linear", url: "https://mcp.linear.app/sse" }] })).catch((e: unknown) => e)) as Error;
    expect(error.message).toMatch(/^create session "run": POST \/v1\/sessions failed with HTTP 400/);
    expect(error.message).toContain("github");
  });
});

describe("outputs", () => {
  it("has outcomeEvaluations, deploymentId and resourceIds; no large snapshots", async () => {
    const { outs } = await created(base({ resources: [file("file_a")] }));
    expect(outs).toMatchObject({ outcomeEvaluations: [], deploymentId: null, resourceIds: [expect.stringMatching(/^sesrsc_/)], status: "idle" });
    for (const gone of ["resolved", "resolvedAgent", "usage", "stats"]) expect(outs[gone]).toBeUndefined();
  });

  it("initial events take every content block a user.message accepts", async () => {
    const { id } = await created(
      base({
        initialEvents: [
          {
            type: "user.message",
            content: [
              { type: "text", text: "Look at these." },
              { type: "image", source: { type: "url", url: "https://example.com/a.png" } },
              { type: "image", source: { type: "base64", mediaType: "image/png", data: "iVBORw0KGgo=" } },
              { type: "document", source: { type: "text", mediaType: "text/plain", data: "notes" }, title: "Notes" },
              { type: "document", source: { type: "file", fileId: "file_doc" } },
            ],
          },
        ],
      }),
    );
    const sent = (env.emulator.requests[1]!.body as { initial_events: Props[] }).initial_events[0]!;
    expect((sent["content"] as Props[])[2]).toEqual({ type: "image", source: { type: "base64", media_type: "image/png", data: "iVBORw0KGgo=" } });
    expect(env.emulator.sessions.get(id).status).toBe("running");
  });
});

describe("the API's limits fail preview with no request", () => {
  const text = { type: "user.message", content: [{ type: "text", text: "go" }] };
  it.each<[string, string, Props]>([
    ["more than 50 initial events", "Session", base({ initialEvents: Array.from({ length: 51 }, () => text) })],
    ["maxIterations over 20", "Session", base({ initialEvents: [{ type: "user.define_outcome", description: "d", rubric: { type: "text", content: "r" }, maxIterations: 21 }] })],
    ["memory-store instructions over 4,096 characters", "Session", base({ resources: [{ type: "memory_store", memoryStoreId: "m", instructions: "x".repeat(4097) }] })],
    ["an abbreviated commit SHA", "Session", base({ resources: [{ type: "github_repository", url: "https://github.com/a/b", checkout: { type: "commit", sha: "abc1234" } }] })],
    ["more than 20 coordinator agents", "Agent", { name: "a", model: "m", multiagent: { type: "coordinator", agents: Array.from({ length: 21 }, (_, i) => `agent_${i}`) } }],
    ["a custom tool name with a space", "Agent", { name: "a", model: "m", tools: [{ type: "custom", name: "apply label", description: "", inputSchema: { type: "object" } }] }],
    ["an MCP server name over 255 characters", "Agent", { name: "a", model: "m", mcpServers: [{ type: "url", name: "s".repeat(256), url: "https://x.dev" }] }],
    ["a roleArn over 2,048 characters", "Agent", { name: "a", model: "m", executionIdentity: { type: "aws_role", roleArn: "a".repeat(2049) } }],
  ])("%s", async (_label, kind, inputs) => {
    const hooks = kind === "Agent" ? agentResource : sessionResource;
    const { failures } = await hooks.check({}, sdkInputs(kind, inputs));
    expect(failures.length).toBeGreaterThan(0);
    expect(env.emulator.count()).toBe(0);
  });

  it("the emulator enforces the same limits", async () => {
    const post = (path: string, body: unknown) =>
      fetch(`${env.emulator.url}${path}`, {
        method: "POST",
        headers: { "x-api-key": "k", "anthropic-beta": "managed-agents-2026-04-01", "content-type": "application/json" },
        body: JSON.stringify(body),
      }).then((r) => r.status);
    expect(await post("/v1/sessions", { agent: agentId, environment_id: environmentId, initial_events: Array.from({ length: 51 }, () => text) })).toBe(400);
    expect(await post("/v1/agents", { name: "a", model: "m", tools: [{ type: "custom", name: "a b", input_schema: { type: "object" } }] })).toBe(400);
    expect(await post("/v1/agents", { name: "a", model: "m", multiagent: { type: "coordinator", agents: Array.from({ length: 21 }, () => ({ type: "self" })) } })).toBe(400);
  });
});

describe("agent: removing effort converges", () => {
  it("sends effort: null, the API restores the model's default, and the next diff shows no change", async () => {
    const inputs = { name: "e", model: { id: "claude-opus-4-7", effort: "low" } };
    const made = await checkAndCreate(agentResource, env.ctx(), sdkInputs("Agent", inputs));
    const without = sdkInputs("Agent", { name: "e", model: { id: "claude-opus-4-7" } });
    const { outs, checked } = await checkAndUpdate(agentResource, env.ctx(), made.id, made, without);
    const stored = env.emulator.agents.get(made.id)!;
    expect(stored["model"]).toEqual({ id: "claude-opus-4-7", speed: "standard", effort: { type: "high" } });
    expect((await agentResource.diff(made.id, outs, without)).changes).toBe(false);
    // A refresh finds nothing drifted either.
    const refreshed = await agentResource.read(env.ctx(), made.id, outs);
    expect((await agentResource.diff(made.id, refreshed.props!, checked)).changes).toBe(false);
    expect((stored["metadata"] as Record<string, string>)[WRITE_TOKEN_KEY]).toEqual(expect.any(String));
  });

  it("spelling out an API default previews as no change and makes no version", async () => {
    const inputs = { name: "d", model: "claude-sonnet-4-6", tools: [{ type: "agent_toolset_20260401" }] };
    const made = await checkAndCreate(agentResource, env.ctx(), sdkInputs("Agent", inputs));
    const spelled = sdkInputs("Agent", { ...inputs, tools: [{ type: "agent_toolset_20260401", defaultConfig: { permissionPolicy: { type: "always_allow" } } }] });
    expect((await agentResource.diff(made.id, made.outs, spelled)).changes).toBe(false);
  });
});
