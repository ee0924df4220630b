// The emulator's user-facing options: added latency, a state file that survives a restart, and
// `npm run emulator -- --port N ...` in the repository (which must keep printing its URL).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BETA, startEmulator, type Emulator } from "../../emulator/server";
import { freePort, startCli } from "../emulator-cli";

const HEADERS = { "x-api-key": "k", "anthropic-beta": BETA, "content-type": "application/json" };
const REPO = path.resolve(__dirname, "..", "..");

let dir: string;
const running: Emulator[] = [];
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-options-"));
});
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.stop()));
  fs.rmSync(dir, { recursive: true, force: true });
});

async function start(options: Parameters<typeof startEmulator>[0]): Promise<Emulator> {
  const e = await startEmulator(options);
  running.push(e);
  return e;
}

const post = (url: string, body: unknown) => fetch(url, { method: "POST", headers: HEADERS, body: JSON.stringify(body) });

it("latencyMs delays every answer by at least that long", async () => {
  const e = await start({ latencyMs: 120 });
  const began = performance.now();
  const res = await fetch(`${e.url}/v1/agents`, { headers: HEADERS });
  expect(res.status).toBe(200);
  expect(performance.now() - began).toBeGreaterThanOrEqual(115);
});

it("stateFile: written after each change, loaded by the next emulator; a refused request writes nothing", async () => {
  const file = path.join(dir, "state", "emulator.json");
  const a = await start({ stateFile: file });
  expect(fs.existsSync(file)).toBe(false);
  expect((await post(`${a.url}/v1/agents`, { name: "" })).status).toBe(400);
  expect(fs.existsSync(file)).toBe(false);
  const agent = (await (await post(`${a.url}/v1/agents`, { name: "kept", model: "claude-sonnet-4-6" })).json()) as { id: string };
  // On disk before any stop: a crash of the emulator keeps it.
  expect(Object.keys((JSON.parse(fs.readFileSync(file, "utf8")) as { agents: object }).agents)).toEqual([agent.id]);
  await post(`${a.url}/v1/agents/${agent.id}`, { version: 1, system: "v2" });
  const b = await start({ stateFile: file });
  const fetched = (await (await fetch(`${b.url}/v1/agents/${agent.id}`, { headers: HEADERS })).json()) as { version: number; system: string };
  expect(fetched).toMatchObject({ version: 2, system: "v2" });
  expect(b.dump()).toEqual(a.dump());
});

it("npm run emulator -- --port N --state FILE --latency MS prints its URL and keeps its objects across a restart", async () => {
  const file = path.join(dir, "cli-state.json");
  const port = await freePort();
  const args = ["run", "emulator", "--", "--port", String(port), "--state", file, "--latency", "10"];
  const first = await startCli("npm", args, REPO);
  expect(first.output()).toContain(`listening on http://127.0.0.1:${port}`);
  const agent = (await (await post(`${first.url}/v1/agents`, { name: "survivor", model: "claude-sonnet-4-6" })).json()) as { id: string };
  await first.stop();
  const second = await startCli("npm", args, REPO);
  try {
    const res = await fetch(`${second.url}/v1/agents/${agent.id}`, { headers: HEADERS });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ name: "survivor" });
  } finally {
    await second.stop();
  }
}, 90_000);

it("refuses a malformed option with its usage", async () => {
  await expect(startCli("npm", ["run", "emulator", "--", "--rate-limit", "0"], REPO)).rejects.toThrow(/--rate-limit must be an integer of at least 1/);
}, 60_000);
