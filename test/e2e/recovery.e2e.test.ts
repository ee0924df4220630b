// The create-token lookup under the real engine, in a busy account (provider/kit/recovery.ts): a
// stack born ten days ago, whose agent has 2,000 sessions made by applications inside the
// recovery window and 3,000 before it, behind a limit of 5 requests/s. Adding a session lists the
// window's sessions of that agent (20 pages: about 4 s at that limit). With a 2 s deadline the
// `up` fails once, saying what the lookup was doing, how far it got and what to set; the next
// `up` with a longer deadline succeeds, and so does one with a smaller window.
import type { Stack } from "@pulumi/pulumi/automation";
import { Agent, Environment, Session } from "../../sdk";
import { collector, engineEnv, stackFor, type EngineEnv } from "../../tools/engine";
import { startEmulator, type Emulator } from "../../emulator/server";
import { addSessions, ageStack } from "../account";

jest.setTimeout(5 * 60_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const STACK = "recovery";
const sessions = { added: 0 };

let emulator: Emulator;
let env: EngineEnv;
let stack: Stack;
let agentId: string;

const sessionPosts = () => emulator.requests.filter((r) => r.method === "POST" && r.path === "/v1/sessions").length;
const sessionLists = () => emulator.requests.filter((r) => r.method === "GET" && r.path === "/v1/sessions");
/** The pages read (a request refused for the rate is recorded too, and sent again with the same cursor). */
const pagesRead = () => new Set(sessionLists().map((r) => r.query["page"] ?? "")).size;

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: 5 });
  env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(
    env,
    async () => {
      const environment = new Environment("env", { name: "recovery", config: { type: "cloud" } });
      const agent = new Agent("agent", { name: "recovery", model: "claude-sonnet-4-6" });
      for (let i = 0; i < sessions.added; i++) new Session(`s${i}`, { agent: agent.id, environmentId: environment.id, title: `s${i}` });
      return { agentId: agent.id, environmentId: environment.id };
    },
    STACK,
    "recovery",
  );
  const first = await stack.up();
  expect(first.summary.result).toBe("succeeded");
  agentId = first.outputs["agentId"]!.value as string;
  const environmentId = first.outputs["environmentId"]!.value as string;
  ageStack(env, STACK, 10);
  addSessions(emulator, 3_000, { from: Date.now() - 9 * DAY, to: Date.now() - 4 * DAY }, agentId, environmentId);
  addSessions(emulator, 2_000, { from: Date.now() - 71 * HOUR, to: Date.now() - HOUR }, agentId, environmentId);
});

afterAll(async () => {
  await emulator?.stop();
});

it("a lookup that cannot finish in time fails the up once, saying what to set; a longer deadline, or a smaller window, then succeeds", async () => {
  sessions.added = 1;
  await stack.setConfig("anthropic:operationTimeoutSeconds", { value: "2" });
  emulator.resetCounts();
  const out = collector();
  const failure = await stack.up({ onOutput: out.onOutput }).catch((e: unknown) => e as Error);
  expect(failure).toBeInstanceOf(Error);
  const text = `${out.text()}\n${failure instanceof Error ? failure.message : ""}`;
  expect(text).toMatch(/create session "s0": not created: looking for sessions an interrupted `up` may have created and not recorded \(agent_id=agent_\w+, created in the 72 h recovery window/);
  expect(text).toMatch(/did not finish within the operation's deadline of 2 s: it read \d+ sessions in \d+ s, newest first, back to/);
  expect(text).toMatch(/Raise anthropic:operationTimeoutSeconds \(ANTHROPIC_OPERATION_TIMEOUT_SECONDS\) to about \d+ s, or lower anthropic:recoveryWindowHours/);
  expect(sessionPosts()).toBe(0);
  expect(emulator.live().sessions).toHaveLength(5_000);

  // The next up with a deadline that fits the window's 21 pages.
  await stack.setConfig("anthropic:operationTimeoutSeconds", { value: "120" });
  emulator.resetCounts();
  const longer = await stack.up();
  expect(longer.summary.result).toBe("succeeded");
  expect(pagesRead()).toBe(20);
  expect(sessionLists()[0]!.query).toMatchObject({ agent_id: agentId, order: "desc" });
  expect(sessionPosts()).toBe(1);

  // Or: the short deadline again, with a window of an hour (the applications' sessions are older).
  sessions.added = 2;
  await stack.setConfig("anthropic:operationTimeoutSeconds", { value: "2" });
  await stack.setConfig("anthropic:recoveryWindowHours", { value: "0.5" });
  emulator.resetCounts();
  const smaller = await stack.up();
  expect(smaller.summary.result).toBe("succeeded");
  expect(pagesRead()).toBe(1);
  expect(sessionPosts()).toBe(1);
  expect((await stack.refresh({ expectNoChanges: true })).summary.result).toBe("succeeded");
});
