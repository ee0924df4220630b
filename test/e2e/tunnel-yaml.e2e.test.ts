// A Tunnel through the other front door: the native plugin under the real CLI, in a Pulumi YAML
// project directory, with `--debug` on and the engine's event log written. The connector token is
// a secret output: equal to the API's, yet in no line the run prints, no event, no `stack export`
// and no file the backend holds; a `tokenRotation` change rotates it in place with one request;
// destroy archives the tunnel. (tunnel.e2e.test.ts tells the same through the TypeScript SDK.)
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator/server";
import { projectDir, type ProjectDir } from "../../tools/engine";
import { backendFiles } from "./stack-helpers";

jest.setTimeout(10 * 60_000);

const KEY = "sk-ant-tunnel-yaml-canary-7d";

let emulator: Emulator;
let project: ProjectDir;

/** The program: one tunnel, its token exported as is (the user's choice, and the hardest case). */
const program = (tokenRotation?: string) =>
  [
    "name: tunnel-yaml",
    "runtime: yaml",
    "resources:",
    "  tun:",
    "    type: anthropic:index:Tunnel",
    "    properties:",
    "      displayName: wiki",
    ...(tokenRotation ? [`      tokenRotation: ${tokenRotation}`] : []),
    "outputs:",
    "  tunnelId: ${tun.id}",
    "  token: ${tun.token}",
    "",
  ].join("\n");

const writes = () => emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.split("?")[0]}`);
const apiToken = (id: string) => emulator.tunnels.tokens.get(id)!.token;

/** Every file the project's backend holds. */
const state = () => backendFiles(path.join(path.dirname(project.dir), "backend"));

/** `pulumi up --debug`, with the engine's event log: what it printed and every event, as one text. */
async function upWithDebug(): Promise<string> {
  const events = path.join(path.dirname(project.dir), `events-${Date.now()}.jsonl`);
  const printed = await project.cli(["up", "--yes", "--debug", "--diff", "--event-log", events]);
  return `${printed}\n${fs.readFileSync(events, "utf8")}`;
}

async function outputs(): Promise<{ tunnelId: string; token: string }> {
  return JSON.parse(await project.cli(["stack", "output", "--json", "--show-secrets"])) as { tunnelId: string; token: string };
}

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: KEY });
  // The event log is a flag the CLI shows only to its debug commands (the Automation API uses it).
  project = projectDir({ "Pulumi.yaml": program() }, { PULUMI_DEBUG_COMMANDS: "true" });
  await project.cli(["stack", "init", "dev"]);
  await project.cli(["config", "set", "--secret", "anthropic:apiKey", KEY]);
  await project.cli(["config", "set", "anthropic:baseUrl", emulator.url]);
});
afterAll(async () => {
  await emulator?.stop();
});

it("up: the token is the API's and a secret, in no printed line, event, stack export or backend file", async () => {
  emulator.resetCounts();
  const seen = await upWithDebug();
  const o = await outputs();
  expect(writes()).toEqual(["POST /v1/tunnels", `POST /v1/tunnels/${o.tunnelId}/reveal_token`]);
  expect(o.token).toBe(apiToken(o.tunnelId));
  // --debug really was on (the YAML host's own debug lines), and the token reached the outputs.
  expect(seen).toMatch(/"severity":"debug"/);
  expect(seen).toContain("Registering resource [tun]");
  expect(seen).toMatch(/token\s*:\s*\[secret\]/);
  expect(seen).not.toContain(o.token);
  const exported = await project.cli(["stack", "export"]);
  expect(exported).toContain(o.tunnelId);
  expect(exported).not.toContain(o.token);
  expect(state()).not.toContain(o.token);
});

it("a tokenRotation change previews as an in-place update of that field and rotates the token with one request", async () => {
  const before = await outputs();
  fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), program("2026-q4"));
  emulator.resetCounts();
  const preview = await project.cli(["preview", "--diff"]);
  expect(preview).toMatch(/~ anthropic:index:Tunnel: \(update\)/);
  expect(preview).toMatch(/\+ tokenRotation\s*: "2026-q4"/);
  expect(emulator.count()).toBe(0);

  const seen = await upWithDebug();
  expect(writes()).toEqual([`POST /v1/tunnels/${before.tunnelId}/rotate_token`]);
  const after = await outputs();
  expect(after.tunnelId).toBe(before.tunnelId);
  expect(after.token).toBe(apiToken(before.tunnelId));
  expect(after.token).not.toBe(before.token);
  for (const t of [before.token, after.token]) {
    expect(seen).not.toContain(t);
    expect(state()).not.toContain(t);
  }
});

it("destroy archives the tunnel", async () => {
  const { tunnelId } = await outputs();
  emulator.resetCounts();
  await project.cli(["destroy", "--yes"]);
  expect(writes()).toEqual([`POST /v1/tunnels/${tunnelId}/archive`]);
  expect(emulator.live()["tunnels"] ?? []).toEqual([]);
});
