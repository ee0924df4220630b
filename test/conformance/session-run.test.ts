// Issue 11's session defects and "a session that runs", driven by the official SDK client: each
// test here failed against the emulator before the fix it names.
import Anthropic from "@anthropic-ai/sdk";
import { BETA, startEmulator, type Emulator } from "../../emulator/server";
import { validatingClient, type ValidatingClient } from "./validating-client";

let emulator: Emulator;
let client: Anthropic;
let checks: ValidatingClient;
let environmentId: string;

beforeAll(async () => {
  emulator = await startEmulator({ sessionRunMs: 150 });
  checks = validatingClient(emulator.url);
  client = checks.client;
  environmentId = (await client.beta.environments.create({ name: "run" })).id;
});
afterAll(() => emulator.stop());

afterAll(() => {
  // Every 2xx answer above matched the SDK's response types.
  expect(checks.problems).toEqual([]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const message = (text: string) => ({ type: "user.message" as const, content: [{ type: "text" as const, text }] });

async function sessionFor(tools: Anthropic.Beta.Agents.AgentCreateParams["tools"] = []): Promise<string> {
  const agent = await client.beta.agents.create({ name: "runner", model: "claude-sonnet-4-6", tools });
  return (await client.beta.sessions.create({ agent: agent.id, environment_id: environmentId })).id;
}

async function eventsOf(id: string, params: Anthropic.Beta.Sessions.EventListParams = {}) {
  const out = [];
  for await (const e of client.beta.sessions.events.list(id, params)) out.push(e);
  return out;
}

async function until(id: string, status: string): Promise<void> {
  for (let i = 0; i < 200; i += 1) {
    if ((await client.beta.sessions.retrieve(id)).status === status) return;
    await sleep(10);
  }
  throw new Error(`session ${id} never became ${status}`);
}

describe("a user.message runs a deterministic turn", () => {
  it("status events, a model request span, an agent.message, idle with stop_reason end_turn (defect 1)", async () => {
    const id = await sessionFor();
    await client.beta.sessions.events.send(id, { events: [message("hello")] });
    await until(id, "idle");
    const events = await eventsOf(id);
    expect(events.map((e) => e.type)).toEqual([
      "user.message",
      "session.status_running",
      "span.model_request_start",
      "agent.message",
      "span.model_request_end",
      "session.status_idle",
    ]);
    const [start, reply, end, idle] = events.slice(2) as [
      Anthropic.Beta.Sessions.BetaManagedAgentsSpanModelRequestStartEvent,
      Anthropic.Beta.Sessions.BetaManagedAgentsAgentMessageEvent,
      Anthropic.Beta.Sessions.BetaManagedAgentsSpanModelRequestEndEvent,
      Anthropic.Beta.Sessions.BetaManagedAgentsSessionStatusIdleEvent,
    ];
    expect(end.model_request_start_id).toBe(start.id);
    expect(end.model_usage).toMatchObject({ input_tokens: expect.any(Number), output_tokens: expect.any(Number) });
    expect(reply.content).toEqual([{ type: "text", text: "Done: hello" }]);
    expect(idle.stop_reason).toEqual({ type: "end_turn" });
    expect(idle.stop_details).toBeNull();
  });

  it("an always_ask tool pauses with requires_action until a user.tool_confirmation (defect 9)", async () => {
    const id = await sessionFor([
      { type: "agent_toolset_20260401", configs: [{ name: "bash", permission_policy: { type: "always_ask" } }] },
    ]);
    await client.beta.sessions.events.send(id, { events: [message("list files")] });
    await until(id, "idle");
    const paused = await eventsOf(id);
    const use = paused.find((e) => e.type === "agent.tool_use") as Anthropic.Beta.Sessions.BetaManagedAgentsAgentToolUseEvent;
    expect(use).toMatchObject({ name: "bash", evaluated_permission: "ask", evaluation: { type: "always_ask" } });
    expect(paused[paused.length - 1]).toMatchObject({
      type: "session.status_idle",
      stop_reason: { type: "requires_action", event_ids: [use.id] },
    });
    // A confirmation for something else is refused; the right one resumes the turn.
    await expect(
      client.beta.sessions.events.send(id, { events: [{ type: "user.tool_confirmation", tool_use_id: "sevt_nope", result: "allow" }] }),
    ).rejects.toMatchObject({ status: 400 });
    await client.beta.sessions.events.send(id, { events: [{ type: "user.tool_confirmation", tool_use_id: use.id, result: "deny", deny_message: "not now" }] });
    await until(id, "idle");
    const after = (await eventsOf(id)).slice(paused.length);
    expect(after.map((e) => e.type)).toEqual([
      "user.tool_confirmation",
      "session.status_running",
      "agent.tool_result",
      "span.model_request_start",
      "agent.message",
      "span.model_request_end",
      "session.status_idle",
    ]);
    expect(after[2]).toMatchObject({ tool_use_id: use.id, is_error: true, content: [{ type: "text", text: "not now" }] });
    expect(after[6]).toMatchObject({ stop_reason: { type: "end_turn" } });
  });

  it("a custom tool waits for user.custom_tool_result; user.tool_result answers a tool use; system.message is accepted (defect 9)", async () => {
    const id = await sessionFor([{ type: "custom", name: "lookup", description: "Looks it up.", input_schema: { type: "object" } }]);
    await client.beta.sessions.events.send(id, {
      events: [{ type: "system.message", content: [{ type: "text", text: "Be terse." }] }, message("find it")],
    });
    await until(id, "idle");
    const use = (await eventsOf(id, { types: ["agent.custom_tool_use"] }))[0]!;
    expect(use).toMatchObject({ type: "agent.custom_tool_use", name: "lookup" });
    await client.beta.sessions.events.send(id, {
      events: [{ type: "user.custom_tool_result", custom_tool_use_id: use.id, content: [{ type: "text", text: "42" }] }],
    });
    await until(id, "idle");
    const last = (await eventsOf(id, { order: "desc", limit: 2 })).slice(0, 2);
    expect(last[0]).toMatchObject({ type: "session.status_idle", stop_reason: { type: "end_turn" } });

    const asking = await sessionFor([
      { type: "agent_toolset_20260401", configs: [{ name: "read", permission_policy: { type: "always_ask" } }] },
    ]);
    await client.beta.sessions.events.send(asking, { events: [message("read it")] });
    await until(asking, "idle");
    const toolUse = (await eventsOf(asking, { types: ["agent.tool_use"] }))[0]!;
    await client.beta.sessions.events.send(asking, {
      events: [{ type: "user.tool_result", tool_use_id: toolUse.id, content: [{ type: "text", text: "file body" }] }],
    });
    await until(asking, "idle");
    expect((await eventsOf(asking, { types: ["agent.tool_result"] }))[0]).toMatchObject({
      tool_use_id: toolUse.id,
      content: [{ type: "text", text: "file body" }],
    });
  });

  it("the SDK's event stream helper reads a turn over server-sent events, with agent.message deltas when asked", async () => {
    const id = await sessionFor();
    const stream = await client.beta.sessions.events.stream(id);
    const withDeltas = await client.beta.sessions.events.stream(id, { event_deltas: ["agent.message"] });
    const read = async (s: typeof stream) => {
      const seen: Anthropic.Beta.Sessions.BetaManagedAgentsStreamSessionEvents[] = [];
      for await (const e of s) {
        seen.push(e);
        if (e.type === "session.status_idle") break;
      }
      return seen;
    };
    const reading = Promise.all([read(stream), read(withDeltas)]);
    await client.beta.sessions.events.send(id, { events: [message("stream me")] });
    const [plain, deltas] = await reading;
    const turn = ["user.message", "session.status_running", "span.model_request_start", "agent.message", "span.model_request_end", "session.status_idle"];
    expect(plain.map((e) => e.type)).toEqual(turn);
    expect(deltas.map((e) => e.type)).toEqual([...turn.slice(0, 3), "event_start", "event_delta", "event_delta", "event_delta", ...turn.slice(3)]);
    const reply = deltas.find((e) => e.type === "agent.message")!;
    expect(deltas.find((e) => e.type === "event_start")).toEqual({ type: "event_start", event: { id: reply.id, type: "agent.message" } });
    const text = deltas.flatMap((e) => (e.type === "event_delta" && e.event_id === reply.id ? [e.delta.content.text] : [])).join("");
    expect(text).toBe("Done: stream me");
    expect(await eventsOf(id)).toEqual(plain);
  });
});

it("deleting a session sends session.deleted to its open streams and ends them", async () => {
  const id = await sessionFor();
  const stream = await client.beta.sessions.events.stream(id);
  const reading = (async () => {
    const seen: string[] = [];
    for await (const e of stream) seen.push(e.type);
    return seen;
  })();
  await client.beta.sessions.delete(id);
  expect(await reading).toEqual(["session.deleted"]);
});

it("a refused batch acts on nothing: its valid first event does not start the session (defect 10)", async () => {
  const id = await sessionFor();
  await expect(
    client.beta.sessions.events.send(id, {
      events: [message("go"), { type: "user.tool_confirmation", tool_use_id: "sevt_missing", result: "allow" }],
    }),
  ).rejects.toMatchObject({ status: 400 });
  expect((await client.beta.sessions.retrieve(id)).status).toBe("idle");
  expect(await eventsOf(id)).toEqual([]);
});

it("a session whose initial_events are refused is not created", async () => {
  const agent = await client.beta.agents.create({ name: "initial", model: "claude-sonnet-4-6" });
  const before = emulator.live().sessions.length;
  await expect(
    client.beta.sessions.create({
      agent: agent.id,
      environment_id: environmentId,
      initial_events: [message("go"), { type: "user.message", content: [] }],
    }),
  ).rejects.toMatchObject({ status: 400 });
  expect(emulator.live().sessions).toHaveLength(before);
  const started = await client.beta.sessions.create({ agent: agent.id, environment_id: environmentId, initial_events: [message("go")] });
  expect(started.status).toBe("running");
});

it("events: types[], order and created_at filters are applied (defect 5)", async () => {
  const id = await sessionFor();
  await client.beta.sessions.events.send(id, { events: [message("one")] });
  await until(id, "idle");
  const all = await eventsOf(id);
  expect((await eventsOf(id, { types: ["agent.message", "user.message"] })).map((e) => e.type)).toEqual(["user.message", "agent.message"]);
  expect((await eventsOf(id, { order: "desc" })).map((e) => e.id)).toEqual(all.map((e) => e.id).reverse());
  const future = new Date(Date.now() + 60_000).toISOString();
  expect(await eventsOf(id, { "created_at[gt]": future })).toEqual([]);
});

it("sessions: statuses[] and order filter; pages carry prev_page (defects 2 and 5)", async () => {
  const agent = await client.beta.agents.create({ name: "lister", model: "claude-sonnet-4-6" });
  const ids = [];
  for (let i = 0; i < 3; i += 1) ids.push((await client.beta.sessions.create({ agent: agent.id, environment_id: environmentId })).id);
  emulator.sessions.runMs = 60_000;
  try {
    await client.beta.sessions.events.send(ids[1]!, { events: [message("busy")] });
    const running = await client.beta.sessions.list({ agent_id: agent.id, statuses: ["running"] });
    expect(running.data.map((s) => s.id)).toEqual([ids[1]]);
    const idle = await client.beta.sessions.list({ agent_id: agent.id, statuses: ["idle"], order: "asc" });
    expect(idle.data.map((s) => s.id)).toEqual([ids[0], ids[2]]);
    await client.beta.sessions.events.send(ids[1]!, { events: [{ type: "user.interrupt" }] });
  } finally {
    emulator.sessions.runMs = 150;
  }
  const first = await client.beta.sessions.list({ agent_id: agent.id, limit: 2 });
  expect(first.prev_page).toBeNull();
  expect(first.next_page).toEqual(expect.any(String));
  const second = await client.beta.sessions.list({ agent_id: agent.id, limit: 2, page: first.next_page! });
  expect(second.data.map((s) => s.id)).toEqual([ids[0]]);
  expect(second.prev_page).toEqual(expect.any(String));
  const back = await client.beta.sessions.list({ agent_id: agent.id, limit: 2, page: second.prev_page! });
  expect(back.data.map((s) => s.id)).toEqual(first.data.map((s) => s.id));
});

it("an agent's multiagent roster comes back resolved to pinned agent references (defect 4)", async () => {
  const worker = await client.beta.agents.create({ name: "worker", model: "claude-haiku-4-5" });
  await client.beta.agents.update(worker.id, { version: 1, system: "v2" });
  const lead = await client.beta.agents.create({
    name: "lead",
    model: "claude-sonnet-4-6",
    multiagent: {
      type: "coordinator",
      agents: [worker.id, { type: "agent", id: worker.id, version: 1 }, { type: "self" }, { type: "advisor", model: "claude-opus-4-6" }],
    },
  });
  expect(lead.multiagent).toEqual({
    type: "coordinator",
    agents: [
      { type: "agent", id: worker.id, version: 2 },
      { type: "agent", id: worker.id, version: 1 },
      { type: "agent", id: lead.id, version: 1 },
      { type: "advisor", model: "claude-opus-4-6" },
    ],
  });
  // Sending the resolved roster back is no change: no new version.
  const same = await client.beta.agents.update(lead.id, { version: 1, multiagent: lead.multiagent as Anthropic.Beta.Sessions.BetaManagedAgentsMultiagentParams });
  expect(same.version).toBe(1);
  const modern = await client.beta.agents.create({
    name: "modern",
    model: "claude-sonnet-4-6",
    multiagent: { type: "multiagent_20261001", subagents: { type: "enabled", predefined_agents: [worker.id] } },
  });
  expect(modern.multiagent).toEqual({
    type: "multiagent_20261001",
    advisor: { type: "disabled" },
    subagents: { type: "enabled", inline_agents: { type: "disabled" }, predefined_agents: [{ type: "agent", id: worker.id, version: 2 }] },
    workflows: { type: "disabled" },
  });
  await expect(
    client.beta.agents.create({ name: "bad", model: "claude-sonnet-4-6", multiagent: { type: "coordinator", agents: ["agent_01missing"] } }),
  ).rejects.toMatchObject({ status: 404 });
});

it("an unknown path is a 404 whatever the beta header, a known one without it a 400 (defect 11)", async () => {
  const bare = await fetch(`${emulator.url}/v1/no-such-thing`, { headers: { "x-api-key": "k" } });
  expect(bare.status).toBe(404);
  expect(await bare.json()).toMatchObject({ type: "error", error: { type: "not_found_error" } });
  const withBeta = await fetch(`${emulator.url}/v1/no-such-thing`, { headers: { "x-api-key": "k", "anthropic-beta": BETA } });
  expect(withBeta.status).toBe(404);
  const known = await fetch(`${emulator.url}/v1/agents`, { headers: { "x-api-key": "k" } });
  expect(known.status).toBe(400);
});
