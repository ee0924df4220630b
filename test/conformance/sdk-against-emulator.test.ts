// The official SDK client, unchanged, against the emulator: proves the emulator speaks the API's
// wire format (?beta=true, Authorization: Bearer, error shapes, cursor pagination).
import Anthropic from "@anthropic-ai/sdk";
import { SDK_TEST_KEY, useCheckedSdk } from "./validating-client";

// Every 2xx body the client receives is held to the SDK's response types (sdk-schemas.json).
const sdk = useCheckedSdk();

it("create, retrieve, update, versions, list with pagination, archive and a 409", async () => {
  const created = await sdk.client.beta.agents.create({
    name: "Coding Assistant",
    model: "claude-sonnet-4-6",
    system: "You are a helpful coding agent.",
    tools: [{ type: "agent_toolset_20260401" }],
  });
  expect(created.id).toMatch(/^agent_01/);
  expect(created.version).toBe(1);
  // Effort is always present: the model's default when none was given.
  expect(created.model).toEqual({ id: "claude-sonnet-4-6", speed: "standard", effort: { type: "high" } });
  expect(sdk.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/agents"]);

  const fetched = await sdk.client.beta.agents.retrieve(created.id);
  expect(fetched).toEqual(created);

  const updated = await sdk.client.beta.agents.update(created.id, { version: 1, system: "Be brief." });
  expect(updated.version).toBe(2);
  expect(updated.system).toBe("Be brief.");
  const same = await sdk.client.beta.agents.update(created.id, { version: 2, system: "Be brief." });
  expect(same.version).toBe(2);
  const v1 = await sdk.client.beta.agents.retrieve(created.id, { version: 1 });
  expect(v1.system).toBe("You are a helpful coding agent.");

  const versions = [];
  for await (const v of sdk.client.beta.agents.versions.list(created.id)) versions.push(v.version);
  expect(versions).toEqual([2, 1]);

  await expect(sdk.client.beta.agents.update(created.id, { version: 1, name: "x" })).rejects.toMatchObject({
    status: 409,
    requestID: expect.stringMatching(/^req_01/),
  });

  for (let i = 0; i < 4; i++) await sdk.client.beta.agents.create({ name: `extra-${i}`, model: "claude-haiku-4-5" });
  const firstPage = await sdk.client.beta.agents.list({ limit: 2 });
  expect(firstPage.data).toHaveLength(2);
  expect(firstPage.hasNextPage()).toBe(true);
  const names = [];
  for await (const a of sdk.client.beta.agents.list({ limit: 2 })) names.push(a.name);
  expect(names).toEqual(["extra-3", "extra-2", "extra-1", "extra-0", "Coding Assistant"]);

  const archived = await sdk.client.beta.agents.archive(created.id);
  expect(archived.archived_at).toEqual(expect.any(String));
  const live = [];
  for await (const a of sdk.client.beta.agents.list()) live.push(a.id);
  expect(live).not.toContain(created.id);
  const all = [];
  for await (const a of sdk.client.beta.agents.list({ include_archived: true })) all.push(a.id);
  expect(all).toContain(created.id);
});

it("refuses a wrong key and a missing beta header with the API's error shape", async () => {
  const wrong = new Anthropic({ apiKey: "nope", baseURL: sdk.emulator.url, maxRetries: 0 });
  await expect(wrong.beta.agents.list()).rejects.toMatchObject({ status: 401, error: { type: "error", error: { type: "authentication_error" } } });
  const res = await fetch(`${sdk.emulator.url}/v1/agents`, { headers: { "x-api-key": SDK_TEST_KEY } });
  expect(res.status).toBe(400);
  expect(res.headers.get("request-id")).toMatch(/^req_01/);
  expect(await res.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
});

it("environments and sessions: pinning, session-local tools, events, refusals while running", async () => {
  const agent = await sdk.client.beta.agents.create({ name: "coder", model: "claude-sonnet-4-6", tools: [{ type: "agent_toolset_20260401" }] });
  await sdk.client.beta.agents.update(agent.id, { version: 1, system: "v2" });

  const environment = await sdk.client.beta.environments.create({
    name: "python-dev",
    config: { type: "cloud", networking: { type: "limited", allow_package_managers: true }, packages: { pip: ["pandas"] } },
  });
  expect(environment.id).toMatch(/^env_01/);
  expect(environment.config).toEqual({
    type: "cloud",
    networking: { type: "limited", allowed_hosts: [], allow_mcp_servers: false, allow_package_managers: true },
    packages: { type: "packages", apt: [], cargo: [], gem: [], go: [], npm: [], pip: ["pandas"] },
  });
  await expect(sdk.client.beta.environments.update(environment.id, { config: { type: "self_hosted" } })).rejects.toMatchObject({
    status: 400,
    errorCode: "invalid_config_type_change",
  });

  const pinned = await sdk.client.beta.sessions.create({ agent: { type: "agent", id: agent.id, version: 1 }, environment_id: environment.id });
  expect(pinned.agent.version).toBe(1);
  expect(pinned.status).toBe("idle");
  const latest = await sdk.client.beta.sessions.create({ agent: agent.id, environment_id: environment.id });
  expect(latest.agent.version).toBe(2);

  const updated = await sdk.client.beta.sessions.update(pinned.id, {
    agent: {
      tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcp_server_name: "linear" }],
      mcp_servers: [{ type: "url", name: "linear", url: "https://mcp.linear.app/sse" }],
    },
  });
  expect(updated.agent.mcp_servers).toEqual([{ type: "url", name: "linear", url: "https://mcp.linear.app/sse" }]);
  expect((await sdk.client.beta.agents.retrieve(agent.id)).mcp_servers).toEqual([]);

  sdk.emulator.sessions.runMs = 60_000;
  await sdk.client.beta.sessions.events.send(pinned.id, { events: [{ type: "user.message", content: [{ type: "text", text: "go" }] }] });
  expect((await sdk.client.beta.sessions.retrieve(pinned.id)).status).toBe("running");
  // Only what the agent runs waits for an idle session.
  await expect(sdk.client.beta.sessions.update(pinned.id, { agent: { tools: [] } })).rejects.toMatchObject({ status: 409 });
  expect((await sdk.client.beta.sessions.update(pinned.id, { title: "renamed while running" })).title).toBe("renamed while running");
  await expect(sdk.client.beta.sessions.archive(pinned.id)).rejects.toMatchObject({ status: 409 });
  await expect(sdk.client.beta.sessions.delete(pinned.id)).rejects.toMatchObject({ status: 409 });
  await sdk.client.beta.sessions.events.send(pinned.id, { events: [{ type: "user.interrupt" }] });
  expect((await sdk.client.beta.sessions.retrieve(pinned.id)).status).toBe("idle");
  const events = [];
  for await (const e of sdk.client.beta.sessions.events.list(pinned.id)) events.push(e.type);
  expect(events).toEqual(["user.message", "session.status_running", "user.interrupt", "session.status_idle"]);

  expect((await sdk.client.beta.sessions.archive(pinned.id)).archived_at).toEqual(expect.any(String));
  expect(await sdk.client.beta.sessions.delete(latest.id)).toEqual({ id: latest.id, type: "session_deleted" });
  expect(await sdk.client.beta.environments.delete(environment.id)).toEqual({ id: environment.id, type: "environment_deleted" });
});

it("session resources: add a file, list, retrieve, set a repository's token, delete; budget_create_only; vault_ids fixed", async () => {
  const agent = await sdk.client.beta.agents.create({ name: "res", model: "claude-sonnet-4-6" });
  const environment = await sdk.client.beta.environments.create({ name: "res-env" });
  const session = await sdk.client.beta.sessions.create({
    agent: agent.id,
    environment_id: environment.id,
    resources: [{ type: "github_repository", url: "https://github.com/acme/app", authorization_token: "ghp_first" }],
  });
  // A memory store resource has no id in the API (BetaManagedAgentsMemoryStoreResource); the others do.
  const repo = session.resources[0] as { id: string };
  expect(repo).toMatchObject({ type: "github_repository", mount_path: "/workspace/app", id: expect.stringMatching(/^sesrsc_/) });
  expect(JSON.stringify(session)).not.toContain("ghp_first");

  const added = await sdk.client.beta.sessions.resources.add(session.id, { type: "file", file_id: "file_01abc" });
  expect(added).toMatchObject({ type: "file", file_id: "file_01abc", mount_path: "/mnt/session/uploads/file_01abc" });
  const listed = [];
  for await (const r of sdk.client.beta.sessions.resources.list(session.id)) listed.push((r as { id: string }).id);
  expect(listed).toEqual([repo.id, added.id]);
  expect(await sdk.client.beta.sessions.resources.retrieve(added.id, { session_id: session.id })).toEqual(added);
  const rotated = await sdk.client.beta.sessions.resources.update(repo.id, { session_id: session.id, authorization_token: "ghp_second" });
  expect(JSON.stringify(rotated)).not.toContain("ghp_second");
  await expect(sdk.client.beta.sessions.resources.update(added.id, { session_id: session.id, authorization_token: "x" })).rejects.toMatchObject({ status: 400 });
  expect(await sdk.client.beta.sessions.resources.delete(added.id, { session_id: session.id })).toEqual({ id: added.id, type: "session_resource_deleted" });

  await expect(sdk.client.beta.sessions.update(session.id, { budget: { type: "limit", max_list_cost: { amount: "100", currency: "USD" } } })).rejects.toMatchObject({
    status: 400,
    errorCode: "budget_create_only",
  });
  const withBudget = await sdk.client.beta.sessions.create({
    agent: agent.id,
    environment_id: environment.id,
    budget: { type: "limit", max_list_cost: { amount: "100", currency: "USD" } },
  });
  expect((await sdk.client.beta.sessions.update(withBudget.id, { budget: { type: "limit", max_list_cost: { amount: "900", currency: "USD" } } })).budget).toEqual({
    type: "limit",
    max_list_cost: { amount: "900", currency: "USD" },
  });
  const raw = await fetch(`${sdk.emulator.url}/v1/sessions/${session.id}`, {
    method: "POST",
    headers: { "x-api-key": SDK_TEST_KEY, "anthropic-beta": "managed-agents-2026-04-01", "content-type": "application/json" },
    body: JSON.stringify({ vault_ids: ["vlt_1"] }),
  });
  expect(raw.status).toBe(400);
});
