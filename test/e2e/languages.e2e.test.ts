// The Python and Go SDKs (generated from schema.json) tested the way their users run them: an
// inline program under each language's Automation API, the native plugin on PATH, against the
// emulator (test/e2e/languages/: the same pinned-sessions story in each). Preview makes no
// request; a system-prompt change previews as the agent's update and the pinned session's
// replacement only; a tools change updates that one session in place; destroy leaves nothing live.
import { startEmulator, type Emulator } from "../../emulator/server";
import { goStory, pythonStory, type Story } from "./languages/driver";

jest.setTimeout(20 * 60_000);

const KEY = "sk-ant-languages-canary-31";

describe.each([
  ["Python", async (url: string) => pythonStory(url, KEY)],
  ["Go", async (url: string) => goStory(url, KEY)],
] as const)("the %s SDK", (_language, make) => {
  let emulator: Emulator;
  let story: Story;
  const settings = { SYSTEM_PROMPT: "You are a careful coding agent.", WITH_LINEAR: "0" };
  const writes = () => emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path.split("?")[0]}`);

  beforeAll(async () => {
    emulator = await startEmulator({ apiKey: KEY });
    story = await make(emulator.url);
  }, 20 * 60_000);
  afterAll(async () => {
    await emulator?.stop();
  });

  let first: Record<string, unknown>;

  it("previews the environment, the agent and three sessions with no request; up creates them", async () => {
    emulator.resetCounts();
    expect(await story.run("preview", settings)).toEqual({ sandbox: "create", coder: "create", "follows-agent": "create", "stays-put": "create", "local-tools": "create" });
    expect(emulator.count()).toBe(0);
    first = await story.run("up", settings);
    expect(writes().sort()).toEqual(["POST /v1/agents", "POST /v1/environments", "POST /v1/sessions", "POST /v1/sessions", "POST /v1/sessions"]);
    expect(first).toMatchObject({ agentVersion: 1, followsAgentVersion: 1, staysPutVersion: 1 });
  });

  it("a system-prompt change previews as the agent's update and the pinned session's replacement only; up does exactly that", async () => {
    settings.SYSTEM_PROMPT = "You are terse.";
    emulator.resetCounts();
    expect(await story.run("preview", settings)).toEqual({ sandbox: "same", coder: "update", "follows-agent": "replace", "stays-put": "same", "local-tools": "same" });
    expect(emulator.count()).toBe(0);
    const after = await story.run("up", settings);
    expect(writes()).toEqual([expect.stringMatching(/^POST \/v1\/agents\/agent_\w+$/), "POST /v1/sessions", `POST /v1/sessions/${String(first["followsAgentId"])}/archive`]);
    expect(after).toMatchObject({ agentVersion: 2, followsAgentVersion: 2, staysPutVersion: 1, staysPutId: first["staysPutId"], localToolsId: first["localToolsId"] });
    expect(after["followsAgentId"]).not.toBe(first["followsAgentId"]);
  });

  it("a session-local tools change updates that session in place, never the agent", async () => {
    settings.WITH_LINEAR = "1";
    emulator.resetCounts();
    expect(await story.run("preview", settings)).toEqual({ sandbox: "same", coder: "same", "follows-agent": "same", "stays-put": "same", "local-tools": "update" });
    expect(emulator.count()).toBe(0);
    await story.run("up", settings);
    const local = String(first["localToolsId"]);
    expect(writes()).toEqual([`POST /v1/sessions/${local}`]);
    expect(emulator.sessions.get(local).agent.mcp_servers).toEqual([{ type: "url", name: "linear", url: "https://mcp.linear.app/sse" }]);
  });

  it("destroy leaves nothing live", async () => {
    await story.run("destroy", settings);
    expect(Object.values(emulator.live()).flat()).toEqual([]);
  });
});
