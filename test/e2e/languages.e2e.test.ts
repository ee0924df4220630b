// The Python and Go SDKs (generated from schema.json) tested the way their users run them: an
// inline program under each language's Automation API, the native plugin on PATH, against the
// emulator (test/e2e/languages/: the same pinned-sessions story in each). Preview makes no
// request; a system-prompt change previews as the agent's update and the pinned session's
// replacement only; a tools change updates that one session in place; a tunnel's token, exported
// as is, stays out of `up --debug` and the stack's state; destroy leaves nothing live.
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
  const settings = { SYSTEM_PROMPT: "You are a careful coding agent.", WITH_LINEAR: "0", WITH_TUNNEL: "0" };
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

  it("a tunnel's token, exported as is, is the API's and a secret: in no `up --debug` line or event, not in the stack's state", async () => {
    settings.WITH_TUNNEL = "1";
    emulator.resetCounts();
    const run = (await story.run("up-debug", settings)) as { outputs: Record<string, unknown>; log: string };
    const id = String(run.outputs["tunnelId"]);
    expect(writes()).toEqual(["POST /v1/tunnels", `POST /v1/tunnels/${id}/reveal_token`]);
    const token = emulator.tunnels.tokens.get(id)!.token;
    expect(run.outputs["tunnelToken"]).toBe(token);
    // --debug really was on: the program's own debug line came through.
    expect(run.log).toContain("story: the tunnel is declared");
    expect(run.log).not.toContain(token);
    expect(story.state()).toContain(id);
    expect(story.state()).not.toContain(token);
  });

  it("destroy leaves nothing live", async () => {
    await story.run("destroy", settings);
    expect(Object.values(emulator.live()).flat()).toEqual([]);
  });
});
