// The SDK's own self-hosted environment worker (`client.beta.environments.work.worker`), unchanged,
// serves a session against the emulator: it polls and acks the work item, claims the lease with a
// first heartbeat of `expected_last_heartbeat: "NO_HEARTBEAT"`, reads the session's history (a page
// of up to 1,000 events), runs the agent's custom tool, posts its result, and once the session has
// stayed idle force-stops the item. Every answer it gets is checked against the SDK's types.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { betaTool } from "@anthropic-ai/sdk/helpers/beta/json-schema";
import { startEmulator, type Emulator } from "../../emulator/server";
import { validatingClient, type ValidatingClient } from "./validating-client";

let emulator: Emulator;
let checks: ValidatingClient;
let workdir: string;

beforeAll(async () => {
  emulator = await startEmulator({ sessionRunMs: 50 });
  checks = validatingClient(emulator.url);
  workdir = mkdtempSync(path.join(tmpdir(), "worker-"));
});
afterAll(async () => {
  await emulator.stop();
  rmSync(workdir, { recursive: true, force: true });
  expect(checks.problems).toEqual([]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

it("claims the lease, runs the custom tool the session waits on, posts its result, and stops the item", async () => {
  const client = checks.client;
  const env = await client.beta.environments.create({ name: "hosted", config: { type: "self_hosted" } });
  const agent = await client.beta.agents.create({
    name: "self-hosted",
    model: "claude-sonnet-4-6",
    tools: [{ type: "custom", name: "lookup", description: "Looks a thing up.", input_schema: { type: "object" } }],
  });
  const session = await client.beta.sessions.create({
    agent: agent.id,
    environment_id: env.id,
    initial_events: [{ type: "user.message", content: [{ type: "text", text: "find it" }] }],
  });
  const calls: unknown[] = [];
  const lookup = betaTool({
    name: "lookup",
    description: "Looks a thing up.",
    inputSchema: { type: "object" },
    run: (input) => {
      calls.push(input);
      return "found it";
    },
  });
  const stop = new AbortController();
  const worker = client.beta.environments.work.worker({ environmentId: env.id, environmentKey: "sk-ant-env", workdir, tools: [lookup], memorySyncIntervalMs: null, maxIdleMs: 200 });
  const running = worker.run(stop.signal);
  let state: string | undefined;
  for (let i = 0; i < 200 && state !== "stopped"; i += 1) {
    await sleep(25);
    state = emulator.work.records.values().next().value?.state;
  }
  stop.abort();
  await running.catch(() => undefined);

  expect(state).toBe("stopped");
  expect(calls).toEqual([{}]);
  const claim = emulator.requests.find((r) => r.path.endsWith("/heartbeat"));
  expect(claim?.query).toEqual({ expected_last_heartbeat: "NO_HEARTBEAT" });
  expect(emulator.requests.some((r) => r.path === `/v1/sessions/${session.id}/events` && r.query["limit"] === "1000")).toBe(true);
  const events = [];
  for await (const e of client.beta.sessions.events.list(session.id)) events.push(e);
  const result = events.find((e) => e.type === "user.custom_tool_result");
  expect(result).toMatchObject({ content: [{ type: "text", text: "found it" }] });
  expect(events[events.length - 1]).toMatchObject({ type: "session.status_idle", stop_reason: { type: "end_turn" } });
  expect(events.some((e) => e.type === "agent.message")).toBe(true);
});

it("a session's event list takes the page of 1,000 events the SDK's runner asks for; other lists keep 100", async () => {
  const client = checks.client;
  const env = await client.beta.environments.create({ name: "pages" });
  const agent = await client.beta.agents.create({ name: "pages", model: "claude-sonnet-4-6" });
  const session = await client.beta.sessions.create({ agent: agent.id, environment_id: env.id });
  await client.beta.sessions.events.send(session.id, { events: [{ type: "system.message", content: [{ type: "text", text: "one" }] }] });
  expect((await client.beta.sessions.events.list(session.id, { limit: 1000 })).data).toHaveLength(1);
  await expect(client.beta.sessions.list({ limit: 101 })).rejects.toMatchObject({ status: 400 });
});
