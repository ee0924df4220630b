// The emulator's robustness repros (issue 21), against its bin over HTTP as users run it in their
// own test suites (where a crash fails their CI), and its request log through the package export:
// every malformed request gets the API's error body with a request-id, never a 5xx, an empty
// answer or the end of the process; what the API's types refuse is refused.
import type { RunningCli } from "../emulator-cli";
import { emulatorPackage, startBin } from "./built";
import { BETAS, call, problemOf, raw, type Answer } from "./http";

type Json = Record<string, unknown>;
let cli: RunningCli;
/** An agent and an environment the requests that need them name. */
let agent: string;
let env: string;

beforeAll(async () => {
  cli = await startBin();
  agent = await created("/v1/agents", { name: "a", model: "claude-sonnet-4-6" });
  env = await created("/v1/environments", { name: "e" });
});
afterAll(() => cli.stop());

const post = (path: string, body: unknown) => call(cli.url, "POST", path, { body: JSON.stringify(body), contentType: "application/json" });

async function created(path: string, body: Json): Promise<string> {
  const answer = await post(path, body);
  if (answer.status !== 200) throw new Error(`${path}: HTTP ${answer.status} ${answer.body}`);
  return (JSON.parse(answer.body) as { id: string }).id;
}

/** An API error: its status, error type, and every check every answer must pass. */
function refusal(answer: Answer): { status: number; type: unknown; problem: string | undefined } {
  let type: unknown;
  try {
    type = (JSON.parse(answer.body) as { error?: { type?: unknown } }).error?.type;
  } catch {
    type = undefined;
  }
  return { status: answer.status, type, problem: problemOf(answer) };
}

const invalid = { status: 400, type: "invalid_request_error", problem: undefined };

describe("one request no longer ends the process", () => {
  it("GET // (the URL parse threw outside any try: an unhandled rejection)", async () => {
    expect(refusal(await raw(cli.url, "GET // HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: k\r\n\r\n"))).toEqual({ status: 404, type: "not_found_error", problem: undefined });
    expect(refusal(await raw(cli.url, "GET //v1/agents HTTP/1.1\r\nHost: 127.0.0.1\r\nx-api-key: k\r\n\r\n"))).toMatchObject({ status: 404, problem: undefined });
    expect((await call(cli.url, "GET", "/v1/agents")).status).toBe(200);
  });
});

describe("no 500", () => {
  it("an id with broken percent-encoding", async () => {
    expect(refusal(await call(cli.url, "GET", "/v1/agents/%E0%A4%A"))).toEqual(invalid);
    expect(refusal(await call(cli.url, "DELETE", "/v1/sessions/%"))).toEqual(invalid);
  });

  it("fields of the wrong type: agents' skills, sessions' resources and override skills, deployments' resources and time zone, dreams' session ids", async () => {
    const deployment = { agent, environment_id: env, name: "d", initial_events: [{ type: "user.message", content: [{ type: "text", text: "go" }] }] };
    const cases: Array<[string, Json]> = [
      ["/v1/agents", { name: "a", model: "claude-sonnet-4-6", skills: "x" }],
      ["/v1/sessions", { agent, environment_id: env, resources: {} }],
      ["/v1/sessions", { agent: { type: "agent_with_overrides", id: agent, skills: [null] }, environment_id: env }],
      ["/v1/deployments", { ...deployment, resources: [null] }],
      ["/v1/deployments", { ...deployment, schedule: { type: "cron", expression: "0 3 * * *", timezone: { toString: 5 } } }],
      ["/v1/dreams", { inputs: [{ type: "sessions", session_ids: [{ toString: 5 }] }], model: "claude-sonnet-4-6" }],
    ];
    for (const [path, body] of cases) expect({ path, body, ...refusal(await post(path, body)) }).toEqual({ path, body, ...invalid });
  });

  it("a skill file whose name is over 65,535 bytes is refused at upload (its download, a zip, could not name it)", async () => {
    const form = new FormData();
    form.append("files[]", new Blob(["---\nname: long\n---\n"]), "long/SKILL.md");
    form.append("files[]", new Blob(["x"]), `long/${"n".repeat(70_000)}.txt`);
    expect(refusal(await call(cli.url, "POST", "/v1/skills", { body: form }))).toEqual(invalid);
  });
});

describe("HTTP-level errors get the API's error body and a request-id", () => {
  const request = (line: string, headers = "Host: 127.0.0.1\r\n", body = "") => raw(cli.url, `${line}\r\n${headers}\r\n${body}`);

  it.each([
    ["an unknown method", () => request("FOO /v1/agents HTTP/1.1"), 400],
    ["a URL over 16 KB", () => request(`GET /v1/agents/${"a".repeat(17_000)} HTTP/1.1`), 431],
    ["headers over 16 KB", () => request("GET /v1/agents HTTP/1.1", `Host: 127.0.0.1\r\nx-big: ${"b".repeat(17_000)}\r\n`), 431],
    ["bad chunked encoding", () => request("POST /v1/agents HTTP/1.1", "Host: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n", "zz\r\n"), 400],
    ["both Content-Length and Transfer-Encoding", () => request("POST /v1/agents HTTP/1.1", "Host: 127.0.0.1\r\nContent-Length: 3\r\nTransfer-Encoding: chunked\r\n"), 400],
    ["no Host", () => request("GET /v1/agents HTTP/1.1", "x-api-key: k\r\n"), 400],
    ["CONNECT", () => request("CONNECT example.com:443 HTTP/1.1", "Host: example.com:443\r\n"), 400],
    ["bytes that are no HTTP", () => raw(cli.url, "\u0000\u0001\u0002\r\n\r\n"), 400],
  ])("%s", async (_name, send, status) => {
    const answer = await send();
    expect(refusal(answer)).toEqual({ status, type: status === 431 || status === 400 ? "invalid_request_error" : expect.any(String), problem: undefined });
    expect(answer.headers["content-type"]).toBe("application/json");
  });
});

describe("what the API's types refuse is refused", () => {
  it('metadata: "abc" on agents, environments, sessions, deployments', async () => {
    const cases: Array<[string, Json]> = [
      ["/v1/agents", { name: "a", model: "claude-sonnet-4-6" }],
      ["/v1/environments", { name: "e" }],
      ["/v1/sessions", { agent, environment_id: env }],
      ["/v1/deployments", { agent, environment_id: env, name: "d", initial_events: [{ type: "user.message", content: [{ type: "text", text: "go" }] }] }],
    ];
    for (const [path, body] of cases) {
      expect({ path, ...refusal(await post(path, { ...body, metadata: "abc" })) }).toEqual({ path, ...invalid });
      // The same request with a map is taken: only the type was wrong.
      expect({ path, status: (await post(path, { ...body, metadata: { a: "b" } })).status }).toEqual({ path, status: 200 });
    }
  });

  it('vault_ids: "x" on sessions', async () => {
    expect(refusal(await post("/v1/sessions", { agent, environment_id: env, vault_ids: "x" }))).toEqual(invalid);
  });
});

describe("the request log is bounded", () => {
  const TEN_MB = 10 * 1024 * 1024;

  it("30 refused requests of 10 MB keep 64 KiB each (a prefix, marked truncated), not 300 MB", async () => {
    const { startEmulator } = emulatorPackage();
    const emulator = await startEmulator();
    try {
      const body = JSON.stringify({ name: "a", model: "claude-sonnet-4-6", unknown_field: "x".repeat(TEN_MB) });
      for (let i = 0; i < 30; i++) {
        const res = await fetch(`${emulator.url}/v1/agents`, { method: "POST", headers: { "x-api-key": "k", "anthropic-beta": BETAS, "content-type": "application/json" }, body });
        expect(res.status).toBe(400);
      }
      expect(emulator.count("POST", "/v1/agents")).toBe(30);
      for (const r of emulator.requests) expect(r).toMatchObject({ truncated: true, bytes: body.length, body: body.slice(0, 64 * 1024) });
      expect(JSON.stringify(emulator.requests).length).toBeLessThan(30 * 70 * 1024);
    } finally {
      await emulator.stop();
    }
  });

  it("logBodyBytes sets the bound; a small body is kept as parsed; recordRequests: false keeps nothing", async () => {
    const { startEmulator } = emulatorPackage();
    const small = await startEmulator({ logBodyBytes: 10 });
    const none = await startEmulator({ recordRequests: false });
    try {
      const send = (url: string, body: Json) => fetch(`${url}/v1/agents`, { method: "POST", headers: { "x-api-key": "k", "anthropic-beta": BETAS, "content-type": "application/json" }, body: JSON.stringify(body) });
      await send(small.url, { name: "a", model: "claude-sonnet-4-6" });
      await send(small.url, {});
      expect(small.requests.map((r) => r.body)).toEqual(['{"name":"a', {}]);
      await send(none.url, { name: "a", model: "claude-sonnet-4-6" });
      expect(none.requests).toEqual([]);
      expect(none.live().agents).toHaveLength(1);
    } finally {
      await small.stop();
      await none.stop();
    }
  });
});
