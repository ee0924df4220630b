// Configuration under the real engine: a bad setting fails `preview` in `check`, with a message
// naming the problem, before any request (provider/config.ts `configurationProblems`); a key set
// without --secret works but draws the SDK's warning (sdk/resource.ts `warnAboutPlainKey`).
import { execFileSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import * as path from "node:path";
import type { ConfigValue } from "@pulumi/pulumi/automation";
import { Agent } from "../../sdk";
import { engineEnv, stackFor, type EngineEnv } from "../../tools/engine";
import { startEmulator, type Emulator } from "../../emulator/server";

jest.setTimeout(5 * 60_000);

const KEY = `sk-ant-config-${randomBytes(12).toString("hex")}`;
/** Read by the provider when stack config does not set them; none may leak in from this process. */
const INHERITED = ["ANTHROPIC_API_KEY", "ANTHROPIC_BASE_URL", "ANTHROPIC_WORKSPACE_ID"] as const;

let emulator: Emulator;
let env: EngineEnv;
const saved: Record<string, string | undefined> = {};
let stacks = 0;

const program = async () => {
  const agent = new Agent("coder", { name: "coder", model: "claude-sonnet-4-6" });
  return { agentId: agent.id };
};

/** A fresh stack with this config and these extra environment variables, previewed; what the engine printed. */
async function preview(config: Record<string, ConfigValue>, extraEnv: Record<string, string> = {}) {
  stacks += 1;
  const stack = await stackFor({ ...env, envVars: { ...env.envVars, ...extraEnv } }, program, `config-${stacks}`);
  await stack.setAllConfig(config);
  emulator.resetCounts();
  let out = "";
  const options = { onOutput: (s: string) => void (out += s), onError: (s: string) => void (out += s) };
  try {
    const result = await stack.preview(options);
    return { ok: true as const, out, result };
  } catch (error) {
    return { ok: false as const, out, error: error as Error };
  }
}

/** The engine's line for a failed check of the agent (configuration problems are reported on no property). */
const checkFailure = (reason: string) => `error: pulumi-nodejs:dynamic/anthropic:Agent resource 'coder' has a problem: ${reason}`;

beforeAll(async () => {
  for (const k of INHERITED) {
    saved[k] = process.env[k];
    delete process.env[k];
  }
  emulator = await startEmulator();
  env = await engineEnv({});
  for (const k of INHERITED) expect(env.envVars[k]).toBeUndefined();
});

afterAll(async () => {
  await emulator?.stop();
  for (const k of INHERITED) if (saved[k] !== undefined) process.env[k] = saved[k];
});

it("(a) a plain-http base URL to a non-loopback host fails preview with 0 requests", async () => {
  const run = await preview({ "anthropic:apiKey": { value: KEY, secret: true }, "anthropic:baseUrl": { value: "http://api.example.com" } });
  expect(run.ok).toBe(false);
  expect(run.out).toContain(
    checkFailure("anthropic:baseUrl must use https (plain http is allowed only for loopback hosts); got http://api.example.com"),
  );
  expect(run.out).not.toContain(KEY);
  expect(emulator.count()).toBe(0);
});

it("(b) a base URL that is not a URL fails preview with 0 requests", async () => {
  const run = await preview({ "anthropic:apiKey": { value: KEY, secret: true }, "anthropic:baseUrl": { value: "api.anthropic.com" } });
  expect(run.ok).toBe(false);
  expect(run.out).toContain(checkFailure('anthropic:baseUrl "api.anthropic.com" is not a valid URL (expected e.g. https://api.anthropic.com)'));
  expect(emulator.count()).toBe(0);
});

it("(c) a blank key in stack config fails preview with 0 requests (an empty ANTHROPIC_API_KEY does not stand in)", async () => {
  const run = await preview(
    { "anthropic:apiKey": { value: " ", secret: true }, "anthropic:baseUrl": { value: emulator.url } },
    { ANTHROPIC_API_KEY: "" },
  );
  expect(run.ok).toBe(false);
  expect(run.out).toContain(checkFailure("anthropic:apiKey is set but empty"));
  expect(emulator.count()).toBe(0);
});

it("(c') an empty ANTHROPIC_API_KEY and no key in config fails preview with 0 requests", async () => {
  const run = await preview({ "anthropic:baseUrl": { value: emulator.url } }, { ANTHROPIC_API_KEY: "" });
  expect(run.ok).toBe(false);
  expect(run.out).toContain(checkFailure("ANTHROPIC_API_KEY is set but empty"));
  expect(emulator.count()).toBe(0);
});

it("(d) no key at all fails preview with 0 requests", async () => {
  const run = await preview({ "anthropic:baseUrl": { value: emulator.url } });
  expect(run.ok).toBe(false);
  expect(run.out).toContain(
    checkFailure(
      "no Anthropic API key: set it with `pulumi config set --secret anthropic:apiKey <key>` or the ANTHROPIC_API_KEY environment variable",
    ),
  );
  expect(emulator.count()).toBe(0);
});

it("(e) a key set without --secret works, with a warning that does not print it", async () => {
  const run = await preview({ "anthropic:apiKey": { value: KEY }, "anthropic:baseUrl": { value: emulator.url } });
  expect(run.ok).toBe(true);
  expect(run.ok && run.result.changeSummary).toEqual({ create: 3 });
  expect(run.out).toContain(
    "anthropic:apiKey is stored in plain text in this stack's configuration; encrypt it with `pulumi config set --secret anthropic:apiKey <key>`",
  );
  expect(run.out).not.toContain(KEY);
  // A preview of creates asks the API nothing.
  expect(emulator.count()).toBe(0);
});

it("(f) a key the API refuses: `up` fails saying the key was refused and naming its settings, not the lookup it happened in", async () => {
  const strict = await startEmulator({ apiKey: KEY });
  try {
    stacks += 1;
    const stack = await stackFor(env, program, `config-${stacks}`);
    await stack.setAllConfig({ "anthropic:apiKey": { value: "sk-ant-wrong-key", secret: true }, "anthropic:baseUrl": { value: strict.url } });
    let out = "";
    await expect(stack.up({ onOutput: (s) => void (out += s), onError: (s) => void (out += s) })).rejects.toThrow();
    expect(out).toContain("the Anthropic API refused the API key (HTTP 401");
    expect(out).toContain("check anthropic:apiKey (`pulumi config set --secret anthropic:apiKey <key>`) or ANTHROPIC_API_KEY");
    expect(out).not.toContain("sk-ant-wrong-key");
    expect(strict.live().agents).toEqual([]);
  } finally {
    await strict.stop();
  }
});

it("(g) a provider process on a Node.js older than 22 fails preview saying so, naming the node it found", async () => {
  // The machine's own Node.js (20 on this machine kind) first on the PATH the engine starts the
  // dynamic provider with, as a newcomer's shell would have it.
  const oldNode = "/usr/bin/node";
  const version = execFileSync(oldNode, ["--version"], { encoding: "utf8" }).trim();
  expect(Number(version.slice(1).split(".")[0])).toBeLessThan(22);
  stacks += 1;
  const stack = await stackFor({ ...env, envVars: { ...env.envVars, PATH: [path.dirname(oldNode), env.envVars["PATH"]].join(path.delimiter) } }, program, `config-${stacks}`);
  await stack.setAllConfig({ "anthropic:apiKey": { value: KEY, secret: true }, "anthropic:baseUrl": { value: emulator.url } });
  let out = "";
  await expect(stack.preview({ onOutput: (s) => void (out += s), onError: (s) => void (out += s) })).rejects.toThrow();
  expect(out).toContain(`pulumi-anthropic-managed-agents needs Node.js 22 or newer (found ${version} at ${oldNode})`);
});
