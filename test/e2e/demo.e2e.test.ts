// The `npm start` demo is also a test: the story it tells must be true, and each step must stay
// readable (a pinned session's replacement explained in one short `preview --diff`).
import { NEW_PROMPT, runDemo, type DemoResult } from "../../examples/demo";

jest.setTimeout(6 * 60_000);

// eslint-disable-next-line no-control-regex -- matching the ESC of ANSI colour codes is the point
const plain = (text: string) => text.replace(/\x1b\[[0-9;]*m/g, "");
let demo: DemoResult;

beforeAll(async () => {
  demo = await runDemo({ live: false, write: () => undefined });
});

const stepText = (i: number) => plain(demo.steps[i]!.text);

it("tells the story in six steps", () => {
  expect(demo.steps.map((s) => s.title.split(":")[0]!.split(".")[0])).toEqual([
    "pulumi up",
    "A new system prompt",
    "pulumi up",
    "Session-local tools for local-tools",
    "pulumi up",
    "pulumi destroy",
  ]);
  // Five resources, the stack, and the stack's create-token seed.
  expect(stepText(0)).toContain("+ 7 created");
});

it("a prompt change previews as the agent's update and the pinned session's replacement, the unpinned one untouched", () => {
  const text = stepText(1);
  expect(text).toMatch(/~ pulumi-nodejs:dynamic\/anthropic:Agent: \(update\)\n.*\n.*::coder\]/);
  expect(text).toContain(`~ system: "You are a careful coding agent." => "${NEW_PROMPT}"`);
  // Why the pinned session is replaced, from the preview alone: its pin follows the agent's new version.
  expect(text).toMatch(/\+-pulumi-nodejs:dynamic\/anthropic:Session: \(replace\)\n.*\n.*::follows-agent\]/);
  expect(text).toMatch(/~ agentVersion\s*: 1 => \[unknown\]/);
  expect(text).not.toContain("::stays-put]");
  expect(text).not.toContain("::local-tools]");
  expect(text).toContain("~ 1 to update");
  expect(text).toContain("+-1 to replace");
  // One screen: the replaced session's outputs are small.
  expect(text.split("\n").length).toBeLessThan(80);
});

it("up does what the preview said: a new agent version, a new pinned session, the unpinned one kept", () => {
  const [first, second] = demo.outputs;
  expect(first!.agentVersion).toBe(1);
  expect(second!.agentVersion).toBe(2);
  expect(second!.followsAgent.id).not.toBe(first!.followsAgent.id);
  expect(second!.followsAgent.agentVersion).toBe(2);
  expect(second!.staysPut).toEqual(first!.staysPut);
  const emulator = demo.emulator!;
  expect(emulator.sessions.records.get(first!.followsAgent.id)!.archived_at).toEqual(expect.any(String));
});

it("a tools change previews and applies as an in-place update of that session only", () => {
  const text = stepText(3);
  expect(text).toMatch(/~ pulumi-nodejs:dynamic\/anthropic:Session: \(update\)\n.*\n.*::local-tools\]/);
  expect(text).toContain("+ mcpServers");
  expect(text).toContain("+ tools");
  expect(text).not.toMatch(/anthropic:Agent:/);
  expect(text).toContain("~ 1 to update");
  expect(text).not.toContain("to replace");
  const [, second, third] = demo.outputs;
  expect(third!.localTools.id).toBe(second!.localTools.id);
  expect(demo.emulator!.sessions.get(third!.localTools.id).agent.mcp_servers).toEqual([{ type: "url", name: "linear", url: "https://mcp.linear.app/sse" }]);
  expect(demo.emulator!.agents.versions.get([...demo.emulator!.agents.versions.keys()][0]!)!.length).toBe(2);
});

it("destroy leaves nothing live, and nothing warns", () => {
  expect(stepText(5)).toContain("- 7 deleted");
  expect(demo.emulator!.live()).toEqual({ agents: [], environments: [], sessions: [] });
  expect(plain(demo.steps.map((s) => s.text).join(""))).not.toContain("warning");
});
