// Secrets under the real engine: a session's GitHub token (write-only) and the API key (a secret
// stack setting) appear nowhere the user or a log can see them: not in the engine's output, not
// in its stderr (debug and verbose logging included), not in the event stream, not in the state
// export, not in a check failure, not in an API error that quotes the token. The emulator does
// receive the token, so every "not found" below is about a value that was really in play.
//
// The tokens rotate between runs so that each run (plain, debug, verbose) handles a new
// plaintext value next to an old hash in state; a rotation replaces the session (it is
// declared to do so today: `resources` is a replace field).
import { createHash, randomBytes } from "node:crypto";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
import { Agent, Environment, Session } from "../../sdk";
import { engineEnv, runCli, stackFor, type EngineEnv } from "../../tools/engine";
import { startEmulator, type Emulator } from "../../emulator/server";

jest.setTimeout(5 * 60_000);

const random = () => randomBytes(12).toString("hex");
/** One token per run that sends a new one: the first up, the debug run, the verbose run, the failing create. */
const TOKENS = [random(), random(), random(), random()].map((r) => `ghp_canaryToken${r}`);
const KEY = `sk-ant-canary-${random()}`;
/** Searched for by their random part (see `leaks`): a truncated copy is found too. */
const CANARIES = [...TOKENS, KEY];

/** The hash `check` keeps in place of a write-only value (provider/kit/write-only.ts). */
function writeOnlyHash(value: string): string {
  return "sha256:" + createHash("sha256").update(`pulumi-anthropic-managed-agents write-only value\u0000${value}`).digest("hex");
}

const SESSION_TYPE = "pulumi-nodejs:dynamic/anthropic:Session";
const SECRET_SIG = "4dabf18193072939515e22adb298388d";

let emulator: Emulator;
let env: EngineEnv;
let stack: Stack;
let token = TOKENS[0]!;
let badUrl = false;
let destroyed = false;

function program() {
  return async () => {
    const agent = new Agent("coder", { name: "coder", model: "claude-sonnet-4-6" });
    const environment = new Environment("sandbox", { name: "sandbox" });
    const session = new Session("repo-session", {
      agent: agent.id,
      environmentId: environment.id,
      resources: [
        {
          type: "github_repository",
          url: badUrl ? "http://github.com/acme/app" : "https://github.com/acme/app",
          authorizationToken: token,
          checkout: { type: "branch", name: "main" },
        },
      ],
    });
    return { sessionId: session.id };
  };
}

// ---------------------------------------------------------------------------------------------
// Capture

interface Capture {
  name: string;
  stdout: string[];
  stderr: string[];
  events: string[];
  /** The rejection (a CommandError carries the CLI's stdout and stderr), when the operation failed. */
  error: string;
  /** stdout/stderr as the result object returned them. */
  result: string;
}

const captures: Capture[] = [];

function capture(name: string) {
  const c: Capture = { name, stdout: [], stderr: [], events: [], error: "", result: "" };
  captures.push(c);
  const options = {
    onOutput: (s: string) => void c.stdout.push(s),
    onError: (s: string) => void c.stderr.push(s),
    onEvent: (e: EngineEvent) => void c.events.push(JSON.stringify(e)),
  };
  return { c, options };
}

function textOf(c: Capture): string {
  return [c.stdout.join(""), c.stderr.join(""), c.events.join("\n"), c.error, c.result].join("\n");
}

function bytes(c: Capture) {
  const n = (parts: string[]) => Buffer.byteLength(parts.join(""));
  // Not asserted: where a token's hash (the value of a Pulumi secret) shows in plain form.
  const hashes = (parts: string[]) => TOKENS.reduce((k, t) => k + parts.join("").split(writeOnlyHash(t)).length - 1, 0);
  return {
    stdout: n(c.stdout),
    stderr: n(c.stderr),
    events: n(c.events),
    eventCount: c.events.length,
    error: Buffer.byteLength(c.error),
    hashIn: { stdout: hashes(c.stdout), stderr: hashes(c.stderr), events: hashes(c.events), error: hashes([c.error]) },
  };
}

/** Observations reported by afterAll, not asserted. */
const notes: string[] = [];

/** The random part of a canary: a copy of it, whole or truncated, carries it. */
const tail = (canary: string) => canary.slice(canary.length - 24);

/** Where any canary (or its random part) occurs: 200 characters either side, the canary replaced by <CANARY>. */
function leaks(where: string, text: string, canaries: readonly string[] = CANARIES): string[] {
  const hide = (t: string) => CANARIES.reduce((out, c) => out.split(c).join("<CANARY>").split(tail(c)).join("<CANARY>"), t);
  const found: string[] = [];
  for (const canary of canaries) {
    const needle = tail(canary);
    for (let at = text.indexOf(needle); at >= 0; at = text.indexOf(needle, at + 1)) {
      found.push(`${where}: ${hide(text.slice(Math.max(0, at - 200), at + needle.length + 200))}`);
    }
  }
  return found;
}

function expectClean(c: Capture): void {
  expect(leaks(c.name, textOf(c))).toEqual([]);
}

async function op<T extends { stdout: string; stderr: string }>(c: Capture, run: () => Promise<T>): Promise<T> {
  const result = await run();
  c.result = result.stdout + "\n" + result.stderr;
  return result;
}

async function failing(c: Capture, run: () => Promise<unknown>): Promise<void> {
  let error: unknown;
  try {
    await run();
  } catch (e) {
    error = e;
  }
  expect(error).toBeDefined();
  c.error = error instanceof Error ? `${error.message}\n${error.stack ?? ""}` : String(error);
}

/** The tokens the emulator received in session creates, in order. */
/** The tokens the emulator received, in order: in session creates, then in token rotations (session-resources updates). */
function tokensReceived(): string[] {
  return emulator.requests.flatMap((r) => {
    if (r.method !== "POST") return [];
    if (r.path === "/v1/sessions") return [(r.body as { resources: Array<{ authorization_token?: string }> }).resources[0]!.authorization_token ?? "(none)"];
    if (/^\/v1\/sessions\/[^/]+\/resources\/[^/]+$/.test(r.path)) return [(r.body as { authorization_token: string }).authorization_token];
    return [];
  });
}

function exported(): string {
  // As a user runs it: without --show-secrets (the Automation API's exportStack() shows them).
  return runCli(env, ["stack", "export", "--stack", "secrets"]);
}

// ---------------------------------------------------------------------------------------------

beforeAll(async () => {
  // The emulator accepts this key only: every answered request proves the provider sent it.
  emulator = await startEmulator({ apiKey: KEY });
  // The key comes from stack config only (an inherited ANTHROPIC_API_KEY would be ignored anyway:
  // config wins, provider/config.ts).
  env = await engineEnv({ ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(env, program(), "secrets");
  await stack.setConfig("anthropic:apiKey", { value: KEY, secret: true });
});

afterAll(async () => {
  try {
    if (!destroyed) await stack?.destroy();
  } finally {
    await emulator?.stop();
    // What each run gave the assertions to look at (bytes of text), on request.
    if (process.env["SECRETS_E2E_VERBOSE"]) console.log(
      "secrets.e2e captured:\n" +
        captures.map((c) => `  ${c.name}: ${JSON.stringify(bytes(c))}`).join("\n") +
        notes.map((n) => `\n  note: ${n}`).join(""),
    );
  }
});

it("(a) up: the API receives the token and the key; output and events hold neither", async () => {
  const { c, options } = capture("a: up");
  const up = await op(c, () => stack.up(options));
  expect(up.summary.resourceChanges).toEqual({ create: 5 });
  expectClean(c);
  // The result's summary comes from `pulumi stack history --show-secrets` (the Automation API's default).
  notes.push(`up.summary holds the API key in plain form: ${JSON.stringify(up.summary).includes(KEY)}`);
  expect(tokensReceived()).toEqual([TOKENS[0]]);
  expect(emulator.live().sessions).toHaveLength(1);
  // The events and the prelude show the key's setting as a secret, not its value.
  expect(c.events.join("\n")).toContain('"anthropic:apiKey":"[secret]"');
});

it("(b) a token rotation under --debug: preview and up print neither the old nor the new token", async () => {
  token = TOKENS[1]!;
  const p = capture("b: preview --debug");
  const preview = await op(p.c, () => stack.preview({ ...p.options, debug: true, diff: true }));
  // A rotation is an in-place update of the session (its resources endpoint), not a new session.
  expect(preview.changeSummary).toEqual({ same: 4, update: 1 });
  expectClean(p.c);
  // The field that holds the token is marked changed, its values hidden.
  expect(preview.stdout).toContain("~ resources: [secret] => [secret]");

  const u = capture("b: up --debug");
  const up = await op(u.c, () => stack.up({ ...u.options, debug: true, diff: true }));
  expect(up.summary.resourceChanges).toEqual({ same: 4, update: 1 });
  expectClean(u.c);
  expect(tokensReceived()).toEqual([TOKENS[0], TOKENS[1]]);
  // --debug really was on: the debug diagnostics went to stderr.
  expect(p.c.stderr.join("")).toMatch(/^debug: RegisterResource RPC finished: resource:repo-session/m);
  expect(u.c.stderr.join("")).toMatch(/^debug: RegisterResource RPC finished: resource:repo-session/m);
});

it("(c) a token rotation under -v=3 --logtostderr --logflow: stderr holds the engine's logs and no canary", async () => {
  token = TOKENS[2]!;
  const { c, options } = capture("c: up -v=3 --logtostderr --logflow");
  const up = await op(c, () => stack.up({ ...options, logVerbosity: 3, logToStdErr: true, logFlow: true, diff: true }));
  expect(up.summary.resourceChanges).toEqual({ same: 4, update: 1 });
  expectClean(c);
  expect(tokensReceived()).toEqual([TOKENS[0], TOKENS[1], TOKENS[2]]);
  // The verbose logs did reach stderr (CLI v3.259 logs JSON lines: {"time":…,"level":"INFO","msg":…,"v":3}).
  expect(c.stderr.join("")).toMatch(/^\{"time":"[^"]+","level":"INFO","msg":"CLI Metadata"/m);
  expect(c.stderr.join("")).toMatch(/^\{"time":"[^"]+","level":"INFO","msg":"RegisterResource RPC finished: resource:repo-session.*"v":3\}$/m);
});

it("(d) the exported state holds no token, no key, and no hash outside an encrypted secret", async () => {
  const text = exported();
  const c: Capture = { name: "d: stack export", stdout: [text], stderr: [], events: [], error: "", result: "" };
  captures.push(c);
  expectClean(c);
  expect(text).not.toContain("sha256:");
  for (const t of TOKENS) expect(text).not.toContain(writeOnlyHash(t));

  // The session's `resources` are a Pulumi secret, in inputs and outputs.
  const state = JSON.parse(text) as { deployment: { resources: Array<{ type: string; inputs?: Record<string, unknown>; outputs?: Record<string, unknown> }> } };
  const provider = state.deployment.resources.find((r) => r.type === "pulumi:providers:pulumi-nodejs")!;
  expect(provider.inputs!["anthropic:apiKey"]).toEqual({ [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
  const sessions = state.deployment.resources.filter((r) => r.type === SESSION_TYPE);
  expect(sessions).toHaveLength(1);
  for (const bag of [sessions[0]!.inputs!, sessions[0]!.outputs!]) {
    expect(bag["resources"]).toEqual({ [SECRET_SIG]: "1b47061264138c4ac30d75fd1eb44270", ciphertext: expect.any(String) });
  }

  // Decrypted, the secret is the current token's hash: state never holds a token, even encrypted.
  // (The key is there, encrypted: the default provider's inputs keep the stack's config.)
  const decrypted = JSON.stringify(await stack.exportStack());
  expect(leaks("d: decrypted export", decrypted, TOKENS)).toEqual([]);
  expect(decrypted).toContain(writeOnlyHash(TOKENS[2]!));
});

it("(e) a check failure inside `resources` fails preview, names the problem, prints no token, sends nothing", async () => {
  badUrl = true;
  emulator.resetCounts();
  const { c, options } = capture("e: preview (bad url)");
  try {
    await failing(c, () => stack.preview({ ...options, diff: true }));
  } finally {
    badUrl = false;
  }
  expectClean(c);
  // Check failures go to stderr.
  expect(c.stderr.join("")).toContain(
    "error: pulumi-nodejs:dynamic/anthropic:Session resource 'repo-session' has a problem: resources[0].url: Invalid URL",
  );
  expect(emulator.count()).toBe(0);
});

it("(f) an API error quoting the token reaches the user as [secret]", async () => {
  token = TOKENS[3]!;
  emulator.resetCounts();
  emulator.injectFault({
    method: "POST",
    path: /^\/v1\/sessions\/[^/]+\/resources\/[^/]+$/,
    kind: "status",
    status: 400,
    errorType: "invalid_request_error",
    message: `resources[0].authorization_token: GitHub refused the token ${token} (it starts with ${token.slice(0, 20)}…)`,
    times: 1,
  });
  const { c, options } = capture("f: up (API error quoting the token)");
  await failing(c, () => stack.up(options));
  emulator.clearFaults();
  expectClean(c);
  // The emulator got the token and quoted it back; the user sees the error, redacted.
  expect(tokensReceived()).toEqual([TOKENS[3]]);
  const out = c.stdout.join("");
  expect(out).toMatch(/POST \/v1\/sessions\/sesn_\w+\/resources\/sesrsc_\w+ failed with HTTP 400 invalid_request_error: resources\[0\]\.authorization_token: GitHub refused the token \[secret\] \(it starts with \[secret\]…\)/);
  // A 400 is not retried: one write.
  expect(emulator.requests.filter((r) => r.method !== "GET").map((r) => r.method + " " + r.path.replace(/\/sesrsc_\w+$/, "/{rid}").replace(/sesn_\w+/, "{id}"))).toEqual([
    "POST /v1/sessions/{id}/resources/{rid}",
  ]);
});

it("destroy: prints no canary, and leaves nothing live", async () => {
  const { c, options } = capture("destroy");
  const result = await op(c, () => stack.destroy(options));
  destroyed = true;
  expect(result.summary.resourceChanges).toEqual({ delete: 5 });
  expectClean(c);
  expect(emulator.live()).toEqual({ agents: [], environments: [], sessions: [] });
  // Every capture had text to look at.
  for (const k of captures) expect(textOf(k).trim().length).toBeGreaterThan(0);
});
