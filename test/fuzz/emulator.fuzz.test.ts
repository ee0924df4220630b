// Seeded fuzzing of the emulator's bin over HTTP, every route: malformed ids (bad
// percent-encoding, dot segments, 5,000 characters), random queries, and bodies that are a valid
// request of the route with values replaced, added or removed (wrong types, `[null]`, an object
// whose `toString` is not a function, values nested 5,000 levels deep, 100 KB strings), random JSON
// or text that is not JSON, multipart uploads with odd parts. Every answer must be the API's: never
// a 5xx, an error body `{type: "error", error: {type, message}}` with a `request-id` header; and
// the process must still serve afterwards. Fixed seeds and run counts: the same requests every run.
import * as fc from "fast-check";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { RunningCli } from "../emulator-cli";
import { emulatorPackage, REPO, startBin } from "./built";
import { call, problemOf, raw, type Answer } from "./http";

type Json = Record<string, unknown>;

/** Runs per route; `FUZZ_RUNS=500 npx jest test/fuzz` explores further (same seeds, longer). */
const RUNS = Number(process.env["FUZZ_RUNS"] ?? 25);
jest.setTimeout(10 * 60_000);

let cli: RunningCli;
const ids: Record<string, string[]> = {};
const ROUTES = new (emulatorPackage().Emulator)().routes();

async function ok(method: string, url: string, body?: Json | FormData): Promise<Json> {
  const answer = await call(cli.url, method, url, body instanceof FormData ? { body } : body === undefined ? {} : { body: JSON.stringify(body), contentType: "application/json" });
  if (answer.status !== 200) throw new Error(`fixture ${method} ${url}: HTTP ${answer.status} ${answer.body}`);
  return JSON.parse(answer.body) as Json;
}

const text = (t: string) => ({ type: "user.message", content: [{ type: "text", text: t }] });
const linear = { type: "url", name: "linear", url: "https://mcp.linear.app/sse" };

function skillUpload(name = "fuzz-skill"): FormData {
  const form = new FormData();
  form.append("files[]", new Blob([`---\nname: ${name}\ndescription: d\n---\n`]), `${name}/SKILL.md`);
  form.append("files[]", new Blob(["print(1)\n"]), `${name}/scripts/run.py`);
  return form;
}

/** One object of every family, so that routes with ids reach their handlers' checks. */
async function fixture(): Promise<void> {
  const put = (noun: string, id: unknown) => (ids[noun] ??= []).push(String(id));
  const agent = await ok("POST", "/v1/agents", { name: "coder", model: "claude-sonnet-4-6", tools: [{ type: "mcp_toolset", mcp_server_name: "linear" }], mcp_servers: [linear] });
  put("agents", agent["id"]);
  const env = await ok("POST", "/v1/environments", { name: "dev" });
  const hosted = await ok("POST", "/v1/environments", { name: "hosted", config: { type: "self_hosted" } });
  put("environments", env["id"]);
  put("environments", hosted["id"]);
  const upload = new FormData();
  upload.append("file", new Blob(["hello"], { type: "text/plain" }), "hello.txt");
  const file = await ok("POST", "/v1/files", upload);
  put("files", file["id"]);
  const session = await ok("POST", "/v1/sessions", {
    agent: agent["id"],
    environment_id: env["id"],
    resources: [{ type: "file", file_id: file["id"] }, { type: "github_repository", url: "https://github.com/acme/app", authorization_token: "ghp_x" }],
  });
  put("sessions", session["id"]);
  for (const r of session["resources"] as Json[]) put("resources", r["id"]);
  const hostedSession = await ok("POST", "/v1/sessions", { agent: agent["id"], environment_id: hosted["id"] });
  put("sessions", hostedSession["id"]);
  for (const w of (await ok("GET", `/v1/environments/${String(hosted["id"])}/work`))["data"] as Json[]) put("work", w["id"]);
  for (const t of (await ok("GET", `/v1/sessions/${String(session["id"])}/threads`))["data"] as Json[]) put("threads", t["id"]);
  const vault = await ok("POST", "/v1/vaults", { display_name: "mcp" });
  put("vaults", vault["id"]);
  const vaultPath = `/v1/vaults/${String(vault["id"])}/credentials`;
  put("credentials", (await ok("POST", vaultPath, { auth: { type: "static_bearer", mcp_server_url: "https://mcp.linear.app/sse", token: "t" } }))["id"]);
  put("credentials", (await ok("POST", vaultPath, { auth: { type: "mcp_oauth", mcp_server_url: "https://mcp.linear.app/sse", access_token: "t" } }))["id"]);
  const skill = await ok("POST", "/v1/skills", skillUpload());
  put("skills", skill["id"]);
  put("versions", skill["latest_version_id"]);
  put("versions", "latest");
  const store = await ok("POST", "/v1/memory_stores", { name: "notes" });
  put("memory_stores", store["id"]);
  put("memories", (await ok("POST", `/v1/memory_stores/${String(store["id"])}/memories`, { path: "/a.md", content: "x" }))["id"]);
  for (const v of (await ok("GET", `/v1/memory_stores/${String(store["id"])}/memory_versions`))["data"] as Json[]) put("memory_versions", v["id"]);
  const deployment = await ok("POST", "/v1/deployments", { agent: agent["id"], environment_id: env["id"], name: "nightly", initial_events: [text("go")] });
  put("deployments", deployment["id"]);
  put("deployment_runs", (await ok("POST", `/v1/deployments/${String(deployment["id"])}/run`))["id"]);
  put("dreams", (await ok("POST", "/v1/dreams", { inputs: [{ type: "sessions", session_ids: [session["id"]] }], model: "claude-sonnet-4-6" }))["id"]);
  const tunnel = await ok("POST", "/v1/tunnels", { display_name: "t" });
  put("tunnels", tunnel["id"]);
  const pem = readFileSync(path.join(REPO, "test", "fixtures", "tunnel-ca.pem"), "utf8");
  put("certificates", (await ok("POST", `/v1/tunnels/${String(tunnel["id"])}/certificates`, { ca_certificate_pem: pem }))["id"]);
}

/** A valid body of each JSON route that takes one (`:id`s filled in at request time). */
function seeds(): Record<string, Json> {
  // Before the fixture exists (when the tests are declared) only the keys count.
  const first = (noun: string) => ids[noun]?.[0] ?? "x";
  const [agent, env, file, session, skill] = ["agents", "environments", "files", "sessions", "skills"].map(first);
  const definition = { name: "a", model: { id: "claude-sonnet-4-6", effort: "high" }, system: "s", description: "d", metadata: { k: "v" }, tools: [{ type: "agent_toolset_20260401", configs: [{ name: "bash", enabled: true }] }, { type: "custom", name: "c", input_schema: { type: "object" } }], skills: [{ type: "custom", skill_id: skill }], multiagent: { type: "coordinator", agents: [{ type: "self" }] } };
  const resources = [{ type: "file", file_id: file }, { type: "github_repository", url: "https://github.com/a/b", authorization_token: "t", checkout: { type: "branch", name: "main" } }, { type: "memory_store", memory_store_id: first("memory_stores") }];
  const schedule = { type: "cron", expression: "0 3 * * *", timezone: "UTC" };
  return {
    "POST /v1/agents": definition,
    "POST /v1/agents/:id": { ...definition, version: 1 },
    "POST /v1/environments": { name: "e", description: "d", metadata: { k: "v" }, scope: "organization", config: { type: "cloud", networking: { type: "limited", allowed_hosts: ["example.com"], allow_package_managers: true }, packages: { pip: ["requests"] } } },
    "POST /v1/environments/:id": { name: "e2", metadata: { k: null }, config: { type: "cloud", networking: { type: "unrestricted" } } },
    "POST /v1/sessions": {
      agent: { type: "agent_with_overrides", id: agent, tools: [{ type: "agent_toolset_20260401" }], mcp_servers: [], skills: [{ type: "anthropic", skill_id: "xlsx" }], model: "claude-sonnet-4-6", system: "s" },
      environment_id: env,
      resources,
      title: "t",
      metadata: { k: "v" },
      vault_ids: [first("vaults")],
      budget: { type: "limit", max_list_cost: { amount: "100" } },
      initial_events: [text("hi")],
    },
    "POST /v1/sessions/:id": { title: "t", metadata: { k: "v" }, agent: { tools: [{ type: "agent_toolset_20260401" }], mcp_servers: [] } },
    "POST /v1/sessions/:id/resources": { type: "file", file_id: file, mount_path: "/mnt/x" },
    "POST /v1/sessions/:id/resources/:rid": { authorization_token: "t2" },
    "POST /v1/sessions/:id/events": { events: [text("hi"), { type: "user.interrupt" }, { type: "user.define_outcome", description: "d", rubric: { type: "text", content: "c" }, max_iterations: 2 }] },
    "POST /v1/deployments": { agent: { type: "agent", id: agent, version: 1 }, environment_id: env, name: "d", description: "d", metadata: { k: "v" }, initial_events: [text("go")], schedule, budget: { type: "limit", max_list_cost: { amount: "100" } }, vault_ids: [first("vaults")], resources },
    "POST /v1/deployments/:id": { name: "d2", schedule, metadata: { k: "v" }, resources, vault_ids: [] },
    "POST /v1/vaults": { display_name: "v", metadata: { k: "v" } },
    "POST /v1/vaults/:id": { display_name: "v2", metadata: { k: null } },
    "POST /v1/vaults/:id/credentials": { display_name: "c", metadata: { k: "v" }, auth: { type: "mcp_oauth", mcp_server_url: "https://mcp.example.com", access_token: "a", expires_at: null, refresh: { client_id: "c", refresh_token: "r", token_endpoint: "https://auth.example.com/token", token_endpoint_auth: { type: "client_secret_post", client_secret: "s" } } } },
    "POST /v1/vaults/:id/credentials/:cid": { display_name: "c2", auth: { type: "static_bearer", token: "t2" } },
    "POST /v1/memory_stores": { name: "m", description: "d", metadata: { k: "v" } },
    "POST /v1/memory_stores/:id": { name: "m2", description: "d2", metadata: { k: null } },
    "POST /v1/memory_stores/:id/memories": { path: "/b/c.md", content: "text" },
    "POST /v1/memory_stores/:id/memories/:mid": { path: "/b/d.md", content: "text2" },
    "POST /v1/dreams": { inputs: [{ type: "sessions", session_ids: [session] }, { type: "memory_store", memory_store_id: first("memory_stores") }], model: { id: "claude-sonnet-4-6", speed: "standard" }, instructions: "i", output_behavior: { type: "create_new" } },
    "POST /v1/tunnels": { display_name: "t" },
    "POST /v1/tunnels/:id/rotate_token": { reason: "r" },
    "POST /v1/environments/:id/work/:work/heartbeat": { expected_last_heartbeat: "", desired_ttl_seconds: 30 },
    "POST /v1/environments/:id/work/:work/stop": { force: false },
    "POST /v1/environments/:id/work/:work": { metadata: { k: "v" } },
  };
}

/** The noun whose ids fill each `:param` (the path segment before it). */
function nounOf(route: string, param: string): string {
  const parts = route.split("/");
  return parts[parts.indexOf(param) - 1]!;
}

/**
 * Stand-ins for values too large to print in a counterexample (or to serialize here: JSON.stringify
 * recurses): replaced in the request's text by what they stand for.
 */
const LARGE: Record<string, string> = {
  "<nested 5000>": `${'{"k":'.repeat(5_000)}{}${"}".repeat(5_000)}`,
  "<nested 200>": `${"[".repeat(200)}${"]".repeat(200)}`,
  "<100 KB>": JSON.stringify("x".repeat(100_000)),
};
const jsonText = (value: unknown) => Object.entries(LARGE).reduce((t, [name, text]) => t.replaceAll(JSON.stringify(name), text), JSON.stringify(value) ?? "null");

// Each a fresh copy: a mutation may add keys to a value it placed before.
const nasty = fc
  .constantFrom<unknown>(null, "", "x", 0, -1, 1.5, true, [], {}, [null], [{}], [[]], { toString: 5 }, [{ toString: 5 }], ...Object.keys(LARGE), "%E0%A4%A", "../..", "2026-13-45T99:99:99Z")
  .map((v) => structuredClone(v));
const anyValue = fc.oneof({ weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 3, arbitrary: nasty }).map((v) => structuredClone(v));
const segment = (pool: string[]) =>
  fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom(...pool) },
    { weight: 1, arbitrary: fc.string({ maxLength: 12 }).map(encodeURIComponent) },
    { weight: 2, arbitrary: fc.constantFrom("%", "%E0%A4%A", "%zz", "%00", "%2F", "..", ".", "x".repeat(5_000), "%C0%AF", "agent_01ZZ", "latest") },
  );
const query = fc.oneof(
  fc.constant(""),
  fc.constantFrom("?limit=0", "?limit=abc", "?limit=1e3", "?page=%%%", "?page=cGFnZV8x", "?include_archived=maybe", "?created_at[gte]=yesterday", "?order=sideways", "?statuses[]=x", "?view=odd", "?agent_version=x&agent_id=a", "?block_ms=-5", "?version=x"),
  fc.dictionary(fc.string({ maxLength: 6 }), fc.string({ maxLength: 6 }), { maxKeys: 3 }).map((q) => `?${new URLSearchParams(q as Record<string, string>).toString()}`),
);

type Mutation = { path: Array<string | number>; value?: unknown; remove?: true } | { add: string; value: unknown };

function pathsOf(value: unknown, at: Array<string | number> = []): Array<Array<string | number>> {
  const out = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

function mutate(seed: Json, mutations: Mutation[]): unknown {
  let root: unknown = JSON.parse(JSON.stringify(seed));
  for (const m of mutations) {
    if ("add" in m) {
      if (root !== null && typeof root === "object" && !Array.isArray(root)) Object.defineProperty(root, m.add, { value: m.value, enumerable: true, writable: true, configurable: true });
      continue;
    }
    if (m.path.length === 0) {
      if (!m.remove) root = m.value;
      continue;
    }
    let parent: unknown = root;
    for (const step of m.path.slice(0, -1)) parent = parent !== null && typeof parent === "object" ? (parent as Json)[step as string] : undefined;
    if (parent === null || typeof parent !== "object") continue;
    const last = m.path[m.path.length - 1]!;
    if (m.remove) {
      if (Array.isArray(parent)) parent.splice(last as number, 1);
      else delete (parent as Json)[last];
    } else Object.defineProperty(parent, last, { value: m.value, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

/** What a route is sent: JSON built from its seed, random JSON, text that is not JSON, or a multipart form. */
type Body = { json: unknown } | { text: string; contentType: string } | { form: Array<[string, string, string | undefined]> } | { none: true };

function bodies(seed: Json | undefined, multipart: boolean): fc.Arbitrary<Body> {
  const paths = pathsOf(seed ?? {});
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ path: fc.constantFrom(...paths), value: anyValue }),
    fc.record({ path: fc.constantFrom(...paths), remove: fc.constant(true as const) }),
    fc.record({ add: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("__proto__", "constructor", "id", "type")), value: anyValue }),
  );
  const fromSeed = fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => ({ json: mutate(seed ?? {}, ms) }));
  const others: Array<fc.Arbitrary<Body>> = [
    fc.jsonValue({ maxDepth: 3 }).map((json) => ({ json })),
    fc.constantFrom("{", "[1,", "null", '"x"', "\u0000", "{\"a\":1}garbage", "").map((t) => ({ text: t, contentType: "application/json" })),
    fc.string({ maxLength: 40 }).map((t) => ({ text: t, contentType: "text/plain" })),
    fc.constant({ text: "--x\r\nbroken", contentType: "multipart/form-data; boundary=x" }),
    fc.constant({ none: true as const }),
  ];
  const formPart = fc.tuple(
    fc.constantFrom("file", "files[]", "files", "display_name", "expires_in_seconds", "x"),
    fc.oneof(fc.string({ maxLength: 20 }), fc.constantFrom("---\nname: fuzz-skill\n---\n", "3600", "-1", "")),
    fc.option(fc.oneof(fc.constantFrom("fuzz-skill/SKILL.md", "SKILL.md", "fuzz-skill/", "", "a/../../b", "fuzz-skill/x.txt", `fuzz-skill/${"n".repeat(70_000)}`), fc.string({ maxLength: 10 })), { nil: undefined }),
  );
  const forms = fc.array(formPart, { minLength: 0, maxLength: 4 }).map((form) => ({ form }));
  return multipart ? fc.oneof({ weight: 3, arbitrary: forms }, ...others) : seed ? fc.oneof({ weight: 4, arbitrary: fromSeed }, ...others) : fc.oneof(...others);
}

async function send(method: string, url: string, body: Body): Promise<Answer> {
  if ("json" in body) return call(cli.url, method, url, { body: jsonText(body.json), contentType: "application/json" });
  if ("text" in body) return call(cli.url, method, url, { body: body.text, contentType: body.contentType });
  if ("form" in body) {
    const form = new FormData();
    for (const [name, value, filename] of body.form) {
      if (filename === undefined) form.append(name, value);
      else form.append(name, new Blob([value]), filename);
    }
    return call(cli.url, method, url, { body: form });
  }
  return call(cli.url, method, url);
}

beforeAll(async () => {
  cli = await startBin();
  await fixture();
});
afterAll(async () => {
  await cli.stop();
});

const MULTIPART = new Set(["POST /v1/files", "POST /v1/skills", "POST /v1/skills/:id/versions"]);

describe.each(ROUTES.map((r, i) => [`${r.method} ${r.path}`, r, i] as const))("%s", (key, route, i) => {
  it("answers every malformed request as the API does (4xx JSON error, request-id, no 5xx)", async () => {
    const params = route.path.split("/").filter((p) => p.startsWith(":"));
    const seed = seeds()[key];
    await fc.assert(
      fc.asyncProperty(fc.tuple(...params.map((p) => segment(ids[nounOf(route.path, p)] ?? ["x"]))), query, bodies(seed, MULTIPART.has(key)), async (segments, q, body) => {
        let url = route.path;
        segments.forEach((s, j) => (url = url.replace(params[j]!, s)));
        const answer = await send(route.method, `${url}${q}`, route.method === "GET" || route.method === "DELETE" ? { none: true } : body);
        expect({ request: `${route.method} ${url}${q}`.slice(0, 300), problem: problemOf(answer) }).toEqual({ request: expect.any(String), problem: undefined });
      }),
      { seed: 2_100 + i, numRuns: RUNS, endOnFailure: true },
    );
  });
});

/** Values of every JSON type (and none that JSON has), put in turn at each place of a valid request. */
const WRONG_TYPES: unknown[] = [null, "x", 5, true, [], {}, [null], { toString: 5 }];
/** Top-level fields whose params type takes more than one JSON type (an id or an object). */
const POLYMORPHIC = new Set(["agent", "model"]);
const jsonType = (x: unknown) => (Array.isArray(x) ? "array" : x === null ? "null" : typeof x);

/** Whether the API's types refuse `value` at top-level field `at` (of another JSON type than the valid request's). */
function refusedByTypes(seed: Json, at: Array<string | number>, value: unknown): boolean {
  if (at.length !== 1 || value === null || POLYMORPHIC.has(String(at[0]))) return false;
  return jsonType(seed[at[0] as string]) !== jsonType(value);
}

describe.each(Object.keys(seeds()).map((key) => [key] as const))("%s, a value of every type at each place of a valid request", (key) => {
  it("never a 5xx; a top-level field of another type than the API's is refused", async () => {
    const [method, routePath] = key.split(" ") as [string, string];
    const seed = seeds()[key]!;
    let url = routePath;
    for (const p of routePath.split("/").filter((x) => x.startsWith(":"))) url = url.replace(p, ids[nounOf(routePath, p)]![0]!);
    const problems: string[] = [];
    for (const at of pathsOf(seed).filter((p) => p.length > 0 && p.length <= 4)) {
      for (const value of WRONG_TYPES) {
        const body = mutate(seed, [{ path: at, value: structuredClone(value) }]);
        const answer = await send(method, url, { json: body });
        const problem = problemOf(answer);
        if (problem) problems.push(`${at.join(".")} = ${JSON.stringify(value)}: ${problem}`);
        else if (answer.status < 400 && refusedByTypes(seed, at, value)) problems.push(`${at.join(".")} = ${JSON.stringify(value)}: accepted (HTTP ${answer.status}), the API's types refuse it`);
      }
    }
    expect(problems).toEqual([]);
  });
});

describe("raw HTTP/1.1 requests, malformed below the API: request lines, targets, headers, bodies", () => {
  const token = fc.stringMatching(/^[A-Z]{1,8}$/);
  const method = fc.oneof(fc.constantFrom("GET", "POST", "DELETE", "PUT", "PATCH", "OPTIONS", "HEAD", "CONNECT", "TRACE", "PRI"), token);
  const target = fc.oneof(
    fc.constantFrom("/", "//", "//x//y", "*", "/v1/agents", "/v1/agents?%", "/v1/agents/%E0%A4%A", "http://127.0.0.1/v1/agents", "http://[bad/", "example.com:443", `/${"a".repeat(20_000)}`, "/v1/../../etc/passwd"),
    fc.string({ minLength: 1, maxLength: 30 }).map((t) => `/${t}`),
  );
  const version = fc.constantFrom("HTTP/1.1", "HTTP/1.0", "HTTP/2.0", "HTTP/9", "");
  const header = fc.oneof(
    fc.constantFrom("Host: 127.0.0.1", "x-api-key: k", `anthropic-beta: ${"managed-agents-2026-04-01"}`, "content-type: application/json", "content-type: multipart/form-data; boundary=z", "Expect: 100-continue", "Connection: Upgrade", "Upgrade: websocket", "Transfer-Encoding: gzip", `x-big: ${"b".repeat(20_000)}`, "bad header", ": empty name", "x-ctl: a\u0001b"),
    fc.tuple(fc.stringMatching(/^[a-z-]{1,10}$/), fc.string({ maxLength: 20 })).map(([k, v]) => `${k}: ${v.replace(/[\r\n]/g, "")}`),
  );
  const body = fc.oneof(fc.constant(""), fc.constantFrom("{", '{"name":"a","model":"claude-sonnet-4-6"}', "--z\r\nbroken"), fc.string({ maxLength: 40 }));

  it("every answer is the API's error shape (or a success), and each one comes", async () => {
    await fc.assert(
      fc.asyncProperty(method, target, version, fc.array(header, { maxLength: 5 }), body, fc.boolean(), async (m, t, v, headers, b, chunked) => {
        const framing = chunked ? ["Transfer-Encoding: chunked"] : [`Content-Length: ${Buffer.byteLength(b)}`];
        const content = chunked ? `${Buffer.byteLength(b).toString(16)}\r\n${b}\r\n0\r\n\r\n` : b;
        const request = `${m} ${t} ${v}\r\n${[...headers, ...framing].join("\r\n")}\r\n\r\n${content}`;
        const answer = await raw(cli.url, request);
        expect({ request: request.slice(0, 200), problem: problemOf(answer, m === "HEAD") }).toEqual({ request: expect.any(String), problem: undefined });
      }),
      { seed: 2_121, numRuns: RUNS * 8, endOnFailure: true },
    );
  });
});

it("still serves after all of it", async () => {
  expect(cli.output()).not.toMatch(/Error|Unhandled/);
  expect((await call(cli.url, "GET", "/v1/agents")).status).toBe(200);
});
