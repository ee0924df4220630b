// The reliability contract (DESIGN §10) under the real engine, on one shared stack: lost answers,
// ambiguous creates, a long run of 429s, and an environment changed outside Pulumi.
import type { Stack } from "@pulumi/pulumi/automation";
import { Agent, Environment } from "../../sdk";
import { collector, engineEnv, stackFor } from "../../tools/engine";
import { startEmulator, type Emulator } from "../../emulator/server";

jest.setTimeout(5 * 60_000);

let emulator: Emulator;
let stack: Stack;
const options = { system: "v1", networking: ["api.github.com"], pip: [] as string[], extraAgent: false };

const exact = (method: string, path: string | RegExp) =>
  emulator.requests.filter((r) => r.method === method && (typeof path === "string" ? r.path === path : path.test(r.path))).length;
const agentsNamed = (name: string) => [...emulator.agents.versions.values()].filter((v) => v[0]!.name === name).length;

beforeAll(async () => {
  emulator = await startEmulator();
  const env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(
    env,
    async () => {
      const sandbox = new Environment("sandbox", {
        name: "sandbox",
        config: {
          type: "cloud",
          networking: { type: "limited", allowedHosts: options.networking, allowPackageManagers: true },
          packages: { pip: options.pip },
        },
      });
      const agent = new Agent("coder", { name: "coder", model: "claude-sonnet-4-6", system: options.system });
      const extra = options.extraAgent ? new Agent("extra", { name: "extra", model: "claude-sonnet-4-6" }) : undefined;
      return { environmentId: sandbox.id, agentId: agent.id, agentVersion: agent.version, extraId: extra?.id };
    },
    "contract",
  );
  await stack.up();
});

afterAll(async () => {
  await stack?.destroy();
  expect(emulator.live()).toEqual({ agents: [], environments: [], sessions: [] });
  await emulator?.stop();
});

it("a lost answer to an agent update: the retry meets our own version, recognised; one new version", async () => {
  const agentId = (await stack.outputs())["agentId"]!.value as string;
  options.system = "v2";
  emulator.resetCounts();
  emulator.injectFault({ method: "POST", path: `/v1/agents/${agentId}`, kind: "commit-then-drop" });
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(up.outputs["agentVersion"]!.value).toBe(2);
  expect(emulator.agents.versions.get(agentId)).toHaveLength(2);
  // The update, its retry (409 against our own version 2), and the read that recognised it.
  expect(exact("POST", `/v1/agents/${agentId}`)).toBe(2);
  expect(exact("GET", `/v1/agents/${agentId}`)).toBe(1);
  expect((await stack.refresh({ expectNoChanges: true })).summary.result).toBe("succeeded");
});

it("a create answered with a body that is not JSON, and 60 consecutive 429s: one agent, and the up succeeds", async () => {
  options.extraAgent = true;
  emulator.resetCounts();
  emulator.injectFault({ method: "POST", path: /^\/v1\/agents$/, kind: "status", status: 429, headers: { "retry-after-ms": "20" }, times: 60 });
  emulator.injectFault({ method: "POST", path: /^\/v1\/agents$/, kind: "commit-then-garbage" });
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(agentsNamed("extra")).toBe(1);
  expect(exact("POST", "/v1/agents")).toBe(61);
  expect(emulator.live().agents).toContain(up.outputs["extraId"]!.value);
  expect((await stack.refresh({ expectNoChanges: true })).summary.result).toBe("succeeded");
});

it("an environment changed outside Pulumi: the up fails naming the changed leaves (config.networking…), and overwrites nothing", async () => {
  const environmentId = (await stack.outputs())["environmentId"]!.value as string;
  emulator.environments.update(environmentId, {
    config: { type: "cloud", networking: { type: "limited", allowed_hosts: ["evil.example"], allow_package_managers: true } },
  });
  options.pip = ["pandas"];
  emulator.resetCounts();
  const out = collector();
  await expect(stack.up({ onOutput: out.onOutput })).rejects.toThrow();
  expect(out.text()).toMatch(/the environment was changed outside Pulumi since the last `pulumi up` or `pulumi refresh` \(config\.networking\.allowedHosts(, [^)]*)?\)/);
  expect(exact("POST", `/v1/environments/${environmentId}`)).toBe(0);
  expect(emulator.environments.get(environmentId).config["networking"]).toMatchObject({ allowed_hosts: ["evil.example"] });

  // As the message says: refresh takes the change in, and the next up puts the program's value back.
  await stack.refresh();
  const up = await stack.up();
  expect(up.summary.result).toBe("succeeded");
  expect(emulator.environments.get(environmentId).config).toMatchObject({
    networking: { allowed_hosts: ["api.github.com"] },
    packages: { pip: ["pandas"] },
  });
  expect((await stack.refresh({ expectNoChanges: true })).summary.result).toBe("succeeded");
});
