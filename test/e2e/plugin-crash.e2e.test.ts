// Crash-safe creates through the native plugin (DESIGN §10), under the real CLI in a YAML project:
// the plugin process is SIGKILLed while the environment's and the agent's creates are in flight,
// and the API commits them after it is gone. The stack's create-token seed lives in the
// provider's own state (written with the provider, before any resource under it is created), so
// the next `pulumi up` derives the same tokens, finds both objects and adopts them: no second
// create, no orphan.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator/server";
import { projectDir, REPO_ROOT, type ProjectDir } from "../../tools/engine";
import { alive, descendants, killTrees } from "./process-tree";

jest.setTimeout(10 * 60_000);

const KEY = "sk-ant-plugin-crash-1";
const DELAY_MS = 8_000;

let emulator: Emulator;
let project: ProjectDir;

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: KEY });
  project = projectDir({ "Pulumi.yaml": fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8") });
  await project.cli(["stack", "init", "dev"]);
  await project.cli(["config", "set", "--secret", "anthropic:apiKey", KEY]);
  await project.cli(["config", "set", "anthropic:baseUrl", emulator.url]);
});
afterAll(async () => {
  await emulator?.stop();
});

async function waitUntil(what: string, probe: () => boolean, timeoutMs = 60_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const posts = (p: RegExp) => emulator.requests.filter((r) => r.method === "POST" && p.test(r.path)).length;
const plugins = () => descendants().filter((p) => p.argv.some((a) => a.endsWith(path.join("provider", "plugin", "main.js"))));

it("a plugin killed mid-create: the next up adopts what the API committed, nothing twice, nothing orphaned", async () => {
  const creates = /^\/v1\/(agents|environments)$/;
  emulator.injectFault({ method: "POST", path: creates, kind: "delay", delayMs: DELAY_MS, times: 2 });
  const up = project.tryCli(["up", "--yes", "--skip-preview"]);
  await waitUntil("both creates in flight", () => posts(creates) === 2 && emulator.inFlight("POST") === 2);
  const victims = killTrees(plugins());
  expect(victims.length).toBeGreaterThan(0);
  await waitUntil("the plugin to be gone", () => victims.every((pid) => !alive(pid)));
  const failed = await up;
  expect(failed.status).not.toBe(0);
  await waitUntil("the held creates to commit", () => emulator.inFlight() === 0, DELAY_MS + 60_000);
  emulator.clearFaults();
  expect(emulator.live().agents).toHaveLength(1);
  expect(emulator.live().environments).toHaveLength(1);
  expect(emulator.live().sessions).toHaveLength(0);

  // The killed run's provider state, with its seed, was written before its resources' creates.
  const exported = JSON.parse(await project.cli(["stack", "export"])) as { deployment: { resources?: Array<{ type: string; inputs?: Record<string, unknown> }> } };
  const provider = (exported.deployment.resources ?? []).find((r) => r.type === "pulumi:providers:anthropic");
  expect(provider?.inputs?.["__seed"]).toEqual(expect.any(String));

  await project.cli(["up", "--yes", "--skip-preview"]);
  expect(posts(/^\/v1\/agents$/)).toBe(1);
  expect(posts(/^\/v1\/environments$/)).toBe(1);
  const live = emulator.live();
  expect([live.agents.length, live.environments.length, live.sessions.length]).toEqual([1, 1, 3]);
  const state = JSON.parse(await project.cli(["stack", "export"])) as { deployment: { resources?: Array<{ type: string; id?: string }> } };
  const ids = (type: string) => (state.deployment.resources ?? []).filter((r) => r.type === type).map((r) => r.id);
  expect(ids("anthropic:index:Agent")).toEqual(live.agents);
  expect(ids("anthropic:index:Environment")).toEqual(live.environments);

  await project.cli(["destroy", "--yes", "--skip-preview"]);
  expect(Object.values(emulator.live()).flat()).toEqual([]);
});
