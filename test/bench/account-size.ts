// What adding one object to a stack costs as the account around it grows: a stack of 1 environment
// + 1 agent + 1 pinned session, born ten days ago, in an account where other teams and
// applications created K agents, K environments and K sessions of the stack's agent since, some
// of them inside the recovery window (72 h) and the rest before it. Three `up`s then add one
// session (pinned), one agent and one environment; each is measured by the requests the emulator
// received (refused ones included) and its whole time, against a server limit of 5 requests/s.
import { Agent, Environment, Session } from "../../sdk";
import { engineEnv, stackFor } from "../../tools/engine";
import { startEmulator } from "../../emulator/server";
import { addAgents, addEnvironments, addSessions, ageStack } from "../account";
import { watchAdmissions } from "./rate-limit";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const ACCOUNT_RATE_LIMIT = 5;

export const ADDED = ["session", "agent", "environment"] as const;
export type Added = (typeof ADDED)[number];

export interface AccountSample {
  /** Objects of each kind the account gained since the stack's seed. */
  k: number;
  /** How many of them are inside the recovery window (the rest are before it). */
  inWindow: number;
  added: Added;
  /** Requests the emulator received during the `up` (429s included). */
  requests: number;
  /** Of which refused by the rate limit. */
  refused: number;
  /** The whole `up`, engine included. */
  ms: number;
}

/** One account size: K objects of each kind since the seed, `inWindow` of them inside the window. */
export async function accountCase(k: number, inWindow: number): Promise<AccountSample[]> {
  const emulator = await startEmulator({ rateLimit: ACCOUNT_RATE_LIMIT });
  const watch = watchAdmissions(emulator);
  try {
    const adds: Record<Added, boolean> = { session: false, agent: false, environment: false };
    const env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-bench", ANTHROPIC_BASE_URL: emulator.url });
    const name = `account-${k}-${inWindow}`;
    const stack = await stackFor(
      env,
      async () => {
        const environment = new Environment("env", { name: "bench", config: { type: "cloud" } });
        const agent = new Agent("agent", { name: "bench", model: "claude-sonnet-4-6" });
        new Session("session", { agent: agent.id, agentVersion: agent.version, environmentId: environment.id, title: "pinned" });
        if (adds.session) new Session("session-2", { agent: agent.id, agentVersion: agent.version, environmentId: environment.id, title: "added" });
        if (adds.agent) new Agent("agent-2", { name: "added", model: "claude-sonnet-4-6" });
        if (adds.environment) new Environment("env-2", { name: "added", config: { type: "cloud" } });
        return { agentId: agent.id, environmentId: environment.id };
      },
      name,
      "account",
    );
    const base = await stack.up();
    if (base.summary.result !== "succeeded") throw new Error(`account ${name}: first up ${base.summary.result}`);
    ageStack(env, name, 10);
    const agentId = base.outputs["agentId"]!.value as string;
    const environmentId = base.outputs["environmentId"]!.value as string;
    const now = Date.now();
    const before = { from: now - 9 * DAY, to: now - 4 * DAY };
    const inside = { from: now - 71 * HOUR, to: now - HOUR };
    addAgents(emulator, k - inWindow, before);
    addAgents(emulator, inWindow, inside);
    addEnvironments(emulator, k - inWindow, before);
    addEnvironments(emulator, inWindow, inside);
    addSessions(emulator, k - inWindow, before, agentId, environmentId);
    addSessions(emulator, inWindow, inside, agentId, environmentId);
    const samples: AccountSample[] = [];
    for (const added of ADDED) {
      adds[added] = true;
      // Let the limit's window empty, so that each `up` starts as a fresh one would.
      await new Promise((r) => setTimeout(r, 1_100));
      emulator.resetCounts();
      const refusedBefore = watch.refused();
      const start = performance.now();
      const up = await stack.up();
      const ms = performance.now() - start;
      if (up.summary.result !== "succeeded") throw new Error(`account ${name}: up adding a ${added} ${up.summary.result}`);
      if (up.summary.resourceChanges?.["create"] !== 1) throw new Error(`account ${name}: up adding a ${added} made ${JSON.stringify(up.summary.resourceChanges)}`);
      samples.push({ k, inWindow, added, requests: emulator.requests.length, refused: watch.refused() - refusedBefore, ms });
    }
    return samples;
  } finally {
    await emulator.stop();
  }
}

/** The one page of an account of 50,000 sessions of one agent a list request costs the emulator, in ms (median of 20). */
export async function listPageMs(): Promise<number> {
  const emulator = await startEmulator();
  try {
    const environment = emulator.environments.create({ name: "e" });
    const agent = emulator.agents.create({ name: "a", model: "claude-sonnet-4-6" });
    addSessions(emulator, 50_000, { from: Date.now() - 10 * DAY, to: Date.now() }, agent.id, environment.id);
    const headers = { "x-api-key": "k", "anthropic-beta": "managed-agents-2026-04-01" };
    const times: number[] = [];
    let page: string | null = null;
    for (let i = 0; i < 20; i++) {
      const start = performance.now();
      const res = await fetch(`${emulator.url}/v1/sessions?agent_id=${agent.id}&limit=100${page ? `&page=${page}` : ""}`, { headers });
      const body = (await res.json()) as { next_page: string | null };
      times.push(performance.now() - start);
      page = body.next_page;
    }
    return [...times].sort((a, b) => a - b)[10]!;
  } finally {
    await emulator.stop();
  }
}
