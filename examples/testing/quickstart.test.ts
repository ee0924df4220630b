// A user's own test of their Pulumi program, as the README's "Test your stacks offline" shows it:
// `testStack` from pulumi-anthropic-managed-agents/testing runs the program under the real engine
// against the local emulator, offline; the emulator says what the API received.
import { testStack, type TestStack } from "pulumi-anthropic-managed-agents/testing";
import { quickstart } from "../quickstart/program";

jest.setTimeout(5 * 60_000);

let t: TestStack;

beforeAll(async () => {
  t = await testStack(async () => quickstart());
});
afterAll(async () => {
  await t?.stack.destroy();
  await t?.close();
});

it("creates the triage agent with its tools, and a second up changes nothing", async () => {
  const up = await t.stack.up();
  expect(up.outputs["agentVersion"]?.value).toBe(1);
  expect(t.emulator.live().agents).toHaveLength(1);
  const agent = t.emulator.agents.current(String(up.outputs["agentId"]?.value));
  expect(agent).toMatchObject({ name: "issue-triage", tools: [{ type: "agent_toolset_20260401" }, { type: "custom", name: "apply_label" }] });

  t.emulator.resetCounts();
  const again = await t.stack.preview();
  expect(again.changeSummary).toEqual({ same: 3 });
  expect(t.emulator.count()).toBe(0);
});
