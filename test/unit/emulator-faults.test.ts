// The emulator's own fault, dump/load, in-flight and rate-limit machinery, spoken to with plain
// fetch so that nothing in provider/ can hide a mistake in the emulator.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { BETA, startEmulator, type Emulator, type EmulatorDump, type EmulatorOptions } from "../../emulator/server";

type Json = Record<string, unknown>;

const HEADERS = { "x-api-key": "k", "anthropic-beta": BETA, "content-type": "application/json" };
const AGENT = { name: "coder", model: "claude-sonnet-4-6" };
const FIXTURE = path.join(__dirname, "..", "fixtures", "state-0.1.0.json");

const running: Emulator[] = [];
async function emulator(options: EmulatorOptions = {}): Promise<Emulator> {
  const e = await startEmulator(options);
  running.push(e);
  return e;
}
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
});

function call(e: Emulator, method: string, url: string, body?: unknown, signal?: AbortSignal): Promise<Response> {
  return fetch(`${e.url}${url}`, {
    method,
    headers: HEADERS,
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    ...(signal === undefined ? {} : { signal }),
  });
}

async function ok(e: Emulator, method: string, url: string, body?: unknown): Promise<Json> {
  const res = await call(e, method, url, body);
  const json = (await res.json()) as Json;
  if (res.status !== 200) throw new Error(`${method} ${url}: HTTP ${res.status} ${JSON.stringify(json)}`);
  return json;
}

const ids = (page: Json) => (page["data"] as Json[]).map((x) => x["id"]);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await sleep(5);
  }
}

describe("commit-then-garbage", () => {
  it("creates the agent, then answers 200 JSON that does not parse", async () => {
    const e = await emulator();
    e.injectFault({ method: "POST", path: "/v1/agents", kind: "commit-then-garbage" });
    const res = await call(e, "POST", "/v1/agents", AGENT);
    const text = await res.text();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("application/json");
    expect(() => JSON.parse(text)).toThrow(SyntaxError);
    const [id] = e.live().agents;
    expect(e.live().agents).toHaveLength(1);
    expect(text.startsWith(`{"id":"${String(id)}"`)).toBe(true);
    expect(ids(await ok(e, "GET", "/v1/agents"))).toEqual([id]);
  });
});

describe("delay", () => {
  it("commits once and drops the answer when the client gave up during the delay", async () => {
    const quiet = ["log", "warn", "error"] as const;
    const spies = quiet.map((m) => jest.spyOn(console, m));
    try {
      const e = await emulator();
      e.injectFault({ method: "POST", path: "/v1/agents", kind: "delay", delayMs: 300 });
      const abort = new AbortController();
      const pending = call(e, "POST", "/v1/agents", AGENT, abort.signal);
      await until(() => e.inFlight("POST", "/v1/agents") === 1);
      expect(e.live().agents).toEqual([]);
      abort.abort();
      await expect(pending).rejects.toMatchObject({ name: "AbortError" });
      await until(() => e.inFlight() === 0);
      expect(e.live().agents).toHaveLength(1);
      expect(ids(await ok(e, "GET", "/v1/agents"))).toEqual(e.live().agents);
      expect(e.count("POST", "/v1/agents")).toBe(1);
      expect(e.inFlight()).toBe(0);
      for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    } finally {
      for (const spy of spies) spy.mockRestore();
    }
  });

  it("counts a delayed request as in flight until it is answered", async () => {
    const e = await emulator();
    e.injectFault({ method: "POST", path: "/v1/environments", kind: "delay", delayMs: 200 });
    expect(e.inFlight()).toBe(0);
    const pending = call(e, "POST", "/v1/environments", { name: "sandbox" });
    await until(() => e.inFlight() > 0);
    expect(e.inFlight()).toBe(1);
    expect(e.inFlight("POST")).toBe(1);
    expect(e.inFlight("POST", "/v1/environments")).toBe(1);
    expect(e.inFlight("POST", "/v1/agents")).toBe(0);
    expect(e.inFlight("GET")).toBe(0);
    expect(e.live().environments).toEqual([]);
    const res = await pending;
    expect(res.status).toBe(200);
    expect(e.inFlight()).toBe(0);
    expect(e.live().environments).toEqual([((await res.json()) as Json)["id"]]);
  });
});

describe("dump and load", () => {
  async function populate(e: Emulator) {
    const env = await ok(e, "POST", "/v1/environments", { name: "sandbox", metadata: { team: "platform" } });
    const agent = await ok(e, "POST", "/v1/agents", { ...AGENT, system: "v1" });
    await ok(e, "POST", `/v1/agents/${String(agent["id"])}`, { version: 1, system: "v2" });
    const session = await ok(e, "POST", "/v1/sessions", {
      agent: { type: "agent", id: agent["id"], version: 1 },
      environment_id: env["id"],
      title: "pinned",
    });
    await ok(e, "POST", `/v1/sessions/${String(session["id"])}/events`, { events: [{ type: "user.interrupt" }] });
    const archived = await ok(e, "POST", "/v1/agents", { ...AGENT, name: "old" });
    await ok(e, "POST", `/v1/agents/${String(archived["id"])}/archive`);
    return { env: String(env["id"]), agent: String(agent["id"]), session: String(session["id"]), archived: String(archived["id"]) };
  }

  it("a new emulator answers with identical objects, versions and events", async () => {
    const a = await emulator();
    const made = await populate(a);
    const b = await emulator();
    b.load(a.dump());
    const urls = [
      `/v1/agents/${made.agent}`,
      `/v1/agents/${made.agent}?version=1`,
      `/v1/agents/${made.agent}?version=2`,
      `/v1/agents/${made.agent}/versions`,
      `/v1/agents/${made.archived}`,
      `/v1/agents?include_archived=true`,
      `/v1/environments/${made.env}`,
      `/v1/sessions/${made.session}`,
      `/v1/sessions/${made.session}/events`,
    ];
    for (const url of urls) expect([url, await ok(b, "GET", url)]).toEqual([url, await ok(a, "GET", url)]);
    expect((await ok(b, "GET", `/v1/agents/${made.agent}`))["version"]).toBe(2);
    expect(ids(await ok(b, "GET", `/v1/agents/${made.agent}/versions`))).toHaveLength(2);
    expect((await ok(b, "GET", `/v1/sessions/${made.session}`))["status"]).toBe("idle");
    expect(b.dump()).toEqual(a.dump());
    expect(b.live()).toEqual({ agents: [made.agent], environments: [made.env], sessions: [made.session] });
    // Loaded objects are live ones: they can be changed and used as usual.
    expect((await ok(b, "POST", `/v1/agents/${made.agent}`, { version: 2, system: "v3" }))["version"]).toBe(3);
    await ok(b, "POST", "/v1/sessions", { agent: made.agent, environment_id: made.env });
  });

  it("a dump is a snapshot, and loading it replaces objects with the same id", async () => {
    const e = await emulator();
    const made = await populate(e);
    const before = e.dump();
    await ok(e, "POST", `/v1/agents/${made.agent}`, { version: 2, system: "v3" });
    await ok(e, "POST", `/v1/environments/${made.env}`, { name: "renamed" });
    expect(before.agents[made.agent]).toHaveLength(2);
    e.load(before);
    expect((await ok(e, "GET", `/v1/agents/${made.agent}`))["version"]).toBe(2);
    expect(ids(await ok(e, "GET", `/v1/agents/${made.agent}/versions`))).toHaveLength(2);
    expect((await ok(e, "GET", `/v1/environments/${made.env}`))["name"]).toBe("sandbox");
    expect(e.dump()).toEqual(before);
  });

  it("keeps a loaded session's status and starts no timer for it", async () => {
    const a = await emulator();
    const made = await populate(a);
    const dump = a.dump();
    dump.sessions[made.session] = { ...dump.sessions[made.session]!, status: "running" };
    const b = await emulator({ sessionRunMs: 10 });
    b.load(dump);
    await sleep(50);
    expect((await ok(b, "GET", `/v1/sessions/${made.session}`))["status"]).toBe("running");
  });

  it("loads the 0.1.0 state fixture's emulator key", async () => {
    const fixture = JSON.parse(readFileSync(FIXTURE, "utf8")) as { emulator: EmulatorDump };
    const e = await emulator();
    e.load(fixture.emulator);
    // The fixture predates the object families added as modules: a dump leaves out the empty ones.
    expect(e.dump()).toEqual(fixture.emulator);
    for (const [id, record] of Object.entries(fixture.emulator.sessions)) {
      expect(await ok(e, "GET", `/v1/sessions/${id}`)).toEqual(record);
    }
  });
});

describe("live", () => {
  it("lists only objects that exist and are not archived", async () => {
    const e = await emulator();
    const [keptAgent, archivedAgent] = [await ok(e, "POST", "/v1/agents", AGENT), await ok(e, "POST", "/v1/agents", AGENT)];
    await ok(e, "POST", `/v1/agents/${String(archivedAgent["id"])}/archive`);
    const envs = [];
    for (const name of ["kept", "archived", "deleted"]) envs.push(await ok(e, "POST", "/v1/environments", { name }));
    const [keptEnv, archivedEnv, deletedEnv] = envs.map((x) => String(x["id"]));
    const sessions = [];
    for (let i = 0; i < 3; i += 1) {
      sessions.push(await ok(e, "POST", "/v1/sessions", { agent: keptAgent["id"], environment_id: keptEnv }));
    }
    const [keptSession, archivedSession, deletedSession] = sessions.map((x) => String(x["id"]));
    await ok(e, "POST", `/v1/environments/${String(archivedEnv)}/archive`);
    await ok(e, "DELETE", `/v1/environments/${String(deletedEnv)}`);
    await ok(e, "POST", `/v1/sessions/${String(archivedSession)}/archive`);
    await ok(e, "DELETE", `/v1/sessions/${String(deletedSession)}`);
    expect(e.live()).toEqual({ agents: [keptAgent["id"]], environments: [keptEnv], sessions: [keptSession] });
  });
});

describe("list fidelity", () => {
  it("environments ignore created_at bounds; agents honour them", async () => {
    const e = await emulator();
    const env = await ok(e, "POST", "/v1/environments", { name: "early" });
    const agent = await ok(e, "POST", "/v1/agents", AGENT);
    await sleep(5);
    const since = encodeURIComponent(new Date().toISOString());
    expect(ids(await ok(e, "GET", `/v1/environments?created_at[gte]=${since}`))).toEqual([env["id"]]);
    expect(ids(await ok(e, "GET", `/v1/environments?created_at[lte]=2000-01-01T00:00:00Z`))).toEqual([env["id"]]);
    expect(ids(await ok(e, "GET", `/v1/agents?created_at[gte]=${since}`))).toEqual([]);
    expect(ids(await ok(e, "GET", `/v1/agents?created_at[lte]=${since}`))).toEqual([agent["id"]]);
  });

  it("sessions: order, agent_version (with agent_id only) and exclusive created_at bounds", async () => {
    const e = await emulator();
    const env = String((await ok(e, "POST", "/v1/environments", { name: "sandbox" }))["id"]);
    const agent = String((await ok(e, "POST", "/v1/agents", AGENT))["id"]);
    const other = String((await ok(e, "POST", "/v1/agents", { ...AGENT, name: "other" }))["id"]);
    const created: Json[] = [];
    const session = async (ref: unknown) => {
      await sleep(3);
      created.push(await ok(e, "POST", "/v1/sessions", { agent: ref, environment_id: env }));
    };
    await session(agent);
    await ok(e, "POST", `/v1/agents/${agent}`, { version: 1, system: "v2" });
    await session(agent);
    await session({ type: "agent", id: agent, version: 1 });
    await session(other);
    const [s1, s2, s3, s4] = created.map((s) => s["id"]);
    const at = (s: Json) => encodeURIComponent(String(s["created_at"]));
    const list = async (query: string) => ids(await ok(e, "GET", `/v1/sessions${query}`));

    expect(await list("")).toEqual([s4, s3, s2, s1]);
    expect(await list("?order=desc")).toEqual([s4, s3, s2, s1]);
    expect(await list("?order=asc")).toEqual([s1, s2, s3, s4]);
    expect(await list(`?agent_id=${agent}`)).toEqual([s3, s2, s1]);
    expect(await list(`?agent_id=${agent}&agent_version=1`)).toEqual([s3, s1]);
    expect(await list(`?agent_id=${agent}&agent_version=1&order=asc`)).toEqual([s1, s3]);
    expect(await list(`?agent_id=${agent}&agent_version=2`)).toEqual([s2]);
    expect(await list("?agent_version=2")).toEqual([s4, s3, s2, s1]);
    expect(await list(`?created_at[gt]=${at(created[1]!)}`)).toEqual([s4, s3]);
    expect(await list(`?created_at[gte]=${at(created[1]!)}`)).toEqual([s4, s3, s2]);
    expect(await list(`?created_at[lt]=${at(created[2]!)}&order=asc`)).toEqual([s1, s2]);
    expect((await call(e, "GET", "/v1/sessions?order=sideways")).status).toBe(400);
  });

  it("sessions: memory_store_id and deployment_id filters, as SessionListParams has them", async () => {
    const e = await emulator();
    const env = String((await ok(e, "POST", "/v1/environments", { name: "sandbox" }))["id"]);
    const agent = String((await ok(e, "POST", "/v1/agents", AGENT))["id"]);
    const plain = await ok(e, "POST", "/v1/sessions", { agent, environment_id: env });
    const withStore = await ok(e, "POST", "/v1/sessions", { agent, environment_id: env, resources: [{ type: "memory_store", memory_store_id: "memstore_1" }] });
    const list = async (query: string) => ids(await ok(e, "GET", `/v1/sessions${query}`));
    expect(await list("?memory_store_id=memstore_1")).toEqual([withStore["id"]]);
    expect(await list("?memory_store_id=memstore_2")).toEqual([]);
    expect(await list("?deployment_id=depl_none")).toEqual([]);
    expect(await list("")).toEqual([withStore["id"], plain["id"]]);
  });

  it("pages by cursor: next and previous pages, and no item twice when objects are created meanwhile", async () => {
    const e = await emulator();
    const env = String((await ok(e, "POST", "/v1/environments", { name: "sandbox" }))["id"]);
    const agent = String((await ok(e, "POST", "/v1/agents", AGENT))["id"]);
    const made: unknown[] = [];
    for (let i = 0; i < 5; i++) made.push((await ok(e, "POST", "/v1/sessions", { agent, environment_id: env }))["id"]);
    const newest = [...made].reverse();
    const first = await ok(e, "GET", "/v1/sessions?limit=2");
    expect(ids(first)).toEqual(newest.slice(0, 2));
    expect(first["prev_page"]).toBeNull();
    // A session created between two pages is before the cursor: the next page goes on where it was.
    await ok(e, "POST", "/v1/sessions", { agent, environment_id: env });
    const second = await ok(e, "GET", `/v1/sessions?limit=2&page=${String(first["next_page"])}`);
    expect(ids(second)).toEqual(newest.slice(2, 4));
    const third = await ok(e, "GET", `/v1/sessions?limit=2&page=${String(second["next_page"])}`);
    expect(ids(third)).toEqual(newest.slice(4));
    expect(third["next_page"]).toBeNull();
    const back = await ok(e, "GET", `/v1/sessions?limit=2&page=${String(third["prev_page"])}`);
    expect(ids(back)).toEqual(newest.slice(2, 4));
    expect((await call(e, "GET", "/v1/sessions?page=nonsense")).status).toBe(400);
  });

  it("lists in creation order however the objects arrived: loaded out of order, sharing a millisecond, deleted", async () => {
    const e = await emulator();
    const made = [];
    for (let i = 0; i < 3; i++) made.push(String((await ok(e, "POST", "/v1/environments", { name: `e${i}` }))["id"]));
    // Three more created at one instant, and one loaded from a dump with an older created_at.
    const instant = "2030-01-01T00:00:00.000Z";
    const same = ["env_same_a", "env_same_b", "env_same_c"];
    for (const id of same) e.environments.records.set(id, { ...e.environments.get(made[0]!), id, created_at: instant });
    e.load({ agents: {}, sessions: {}, events: {}, environments: { env_old: { ...e.environments.get(made[0]!), id: "env_old", created_at: "2000-01-01T00:00:00Z" } } });
    expect(ids(await ok(e, "GET", "/v1/environments?limit=100"))).toEqual([...[...same].reverse(), ...[...made].reverse(), "env_old"]);
    await ok(e, "DELETE", `/v1/environments/${made[1]!}`);
    expect(ids(await ok(e, "GET", "/v1/environments?limit=2"))).toEqual(["env_same_c", "env_same_b"]);
    expect(ids(await ok(e, "GET", "/v1/environments?limit=100"))).toEqual([...[...same].reverse(), made[2], made[0], "env_old"]);
  });
});

describe("rate limit", () => {
  it("refuses the requests over the limit with 429 and when to retry, and they do not act", async () => {
    const e = await emulator({ rateLimit: 3 });
    const responses = await Promise.all(Array.from({ length: 5 }, () => call(e, "POST", "/v1/agents", AGENT)));
    const refused = responses.filter((r) => r.status === 429);
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429]);
    let longest = 0;
    for (const r of refused) {
      const after = Number(r.headers.get("retry-after"));
      const afterMs = Number(r.headers.get("retry-after-ms"));
      expect(Number.isInteger(after) && after >= 1).toBe(true);
      expect(afterMs).toBeGreaterThan(0);
      expect(afterMs).toBeLessThanOrEqual(1_000);
      expect(((await r.json()) as { error: Json }).error["type"]).toBe("rate_limit_error");
      longest = Math.max(longest, afterMs);
    }
    expect(e.count("POST", "/v1/agents")).toBe(5);
    expect(e.live().agents).toHaveLength(3);
    await sleep(longest + 20);
    expect((await call(e, "GET", "/v1/agents")).status).toBe(200);
  });

  it("as a token bucket: its capacity at once, then 429 with only a whole-second retry-after", async () => {
    const e = await emulator({ rateLimit: 3, rateLimiter: "token-bucket" });
    const responses = await Promise.all(Array.from({ length: 5 }, () => call(e, "POST", "/v1/agents", AGENT)));
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 429, 429]);
    for (const r of responses.filter((x) => x.status === 429)) {
      expect(r.headers.get("retry-after")).toBe("1");
      expect(r.headers.get("retry-after-ms")).toBeNull();
    }
    expect(e.live().agents).toHaveLength(3);
    // A third of a second refills one token.
    await sleep(400);
    expect((await call(e, "GET", "/v1/agents")).status).toBe(200);
  });
});
