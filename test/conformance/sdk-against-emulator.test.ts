// The official SDK client, unchanged, against the emulator: proves the emulator speaks the API's
// wire format (?beta=true, Authorization: Bearer, error shapes, cursor pagination).
import Anthropic from "@anthropic-ai/sdk";
import { startEmulator, type Emulator } from "../emulator/server";

let emulator: Emulator;
let client: Anthropic;

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: "sk-ant-sdk-test" });
  client = new Anthropic({ authToken: "sk-ant-sdk-test", apiKey: null, baseURL: emulator.url, maxRetries: 0 });
});
afterAll(() => emulator.stop());

it("create, retrieve, update, versions, list with pagination, archive and a 409", async () => {
  const created = await client.beta.agents.create({
    name: "Coding Assistant",
    model: "claude-sonnet-4-6",
    system: "You are a helpful coding agent.",
    tools: [{ type: "agent_toolset_20260401" }],
  });
  expect(created.id).toMatch(/^agent_01/);
  expect(created.version).toBe(1);
  expect(created.model).toEqual({ id: "claude-sonnet-4-6", speed: "standard" });
  expect(emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/agents"]);

  const fetched = await client.beta.agents.retrieve(created.id);
  expect(fetched).toEqual(created);

  const updated = await client.beta.agents.update(created.id, { version: 1, system: "Be brief." });
  expect(updated.version).toBe(2);
  expect(updated.system).toBe("Be brief.");
  const same = await client.beta.agents.update(created.id, { version: 2, system: "Be brief." });
  expect(same.version).toBe(2);
  const v1 = await client.beta.agents.retrieve(created.id, { version: 1 });
  expect(v1.system).toBe("You are a helpful coding agent.");

  const versions = [];
  for await (const v of client.beta.agents.versions.list(created.id)) versions.push(v.version);
  expect(versions).toEqual([2, 1]);

  await expect(client.beta.agents.update(created.id, { version: 1, name: "x" })).rejects.toMatchObject({
    status: 409,
    requestID: expect.stringMatching(/^req_01/),
  });

  for (let i = 0; i < 4; i++) await client.beta.agents.create({ name: `extra-${i}`, model: "claude-haiku-4-5" });
  const firstPage = await client.beta.agents.list({ limit: 2 });
  expect(firstPage.data).toHaveLength(2);
  expect(firstPage.hasNextPage()).toBe(true);
  const names = [];
  for await (const a of client.beta.agents.list({ limit: 2 })) names.push(a.name);
  expect(names).toEqual(["extra-3", "extra-2", "extra-1", "extra-0", "Coding Assistant"]);

  const archived = await client.beta.agents.archive(created.id);
  expect(archived.archived_at).toEqual(expect.any(String));
  const live = [];
  for await (const a of client.beta.agents.list()) live.push(a.id);
  expect(live).not.toContain(created.id);
  const all = [];
  for await (const a of client.beta.agents.list({ include_archived: true })) all.push(a.id);
  expect(all).toContain(created.id);
});

it("refuses a wrong key and a missing beta header with the API's error shape", async () => {
  const wrong = new Anthropic({ apiKey: "nope", baseURL: emulator.url, maxRetries: 0 });
  await expect(wrong.beta.agents.list()).rejects.toMatchObject({ status: 401, error: { type: "error", error: { type: "authentication_error" } } });
  const res = await fetch(`${emulator.url}/v1/agents`, { headers: { "x-api-key": "sk-ant-sdk-test" } });
  expect(res.status).toBe(400);
  expect(res.headers.get("request-id")).toMatch(/^req_01/);
  expect(await res.json()).toMatchObject({ type: "error", error: { type: "invalid_request_error" } });
});
