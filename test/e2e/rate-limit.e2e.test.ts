// A stack against an API that rate-limits: every request past the limit is refused with 429 and a
// retry-after, and the whole `up` still succeeds, with every object made exactly once.
import type { Stack } from "@pulumi/pulumi/automation";
import { Agent } from "../../sdk";
import { engineEnv, stackFor } from "../../tools/engine";
import { startEmulator, type Emulator } from "../../emulator/server";

jest.setTimeout(5 * 60_000);

const AGENTS = 12;
const LIMIT = 4;
let emulator: Emulator;
let stack: Stack;

beforeAll(async () => {
  emulator = await startEmulator({ rateLimit: LIMIT });
  const env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(
    env,
    async () => {
      const ids = Array.from({ length: AGENTS }, (_, i) => new Agent(`a${i}`, { name: `a${i}`, model: "claude-sonnet-4-6" }).id);
      return { ids };
    },
    "rate-limit",
  );
});

afterAll(async () => {
  await emulator?.stop();
});

it(`up of ${AGENTS} agents at ${LIMIT} requests/s: refused requests wait their turn, nothing fails, nothing is made twice`, async () => {
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(up.summary.resourceChanges).toEqual({ create: AGENTS + 2 });
  expect(emulator.live().agents).toHaveLength(AGENTS);
  const creates = emulator.requests.filter((r) => r.method === "POST" && r.path === "/v1/agents").length;
  // Some creates were refused (the limit bit) and sent again; each agent exists once.
  expect(creates).toBeGreaterThan(AGENTS);
  expect(new Set((up.outputs["ids"]!.value as string[])).size).toBe(AGENTS);

  const destroy = await stack.destroy();
  expect(destroy.summary.result).toBe("succeeded");
  expect(emulator.live().agents).toEqual([]);
});
