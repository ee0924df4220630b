// Rich agents and environments through the official SDK client, every answer checked against the
// SDK's response types: the defaults the emulator fills in (model speed and effort, tool configs,
// networking and packages) must be shaped exactly as the SDK types them.
import { startEmulator, type Emulator } from "../../emulator/server";
import { validatingClient, type ValidatingClient } from "./validating-client";

let emulator: Emulator;
let checks: ValidatingClient;

beforeAll(async () => {
  emulator = await startEmulator();
  checks = validatingClient(emulator.url);
});
afterAll(() => emulator.stop());
afterAll(() => {
  expect(checks.problems).toEqual([]);
});

it("an agent with every tool kind, an MCP server, skills, a model config and a multiagent roster", async () => {
  const { client } = checks;
  const helper = await client.beta.agents.create({ name: "helper", model: "claude-haiku-4-5" });
  const agent = await client.beta.agents.create({
    name: "full",
    model: { id: "claude-sonnet-4-6", speed: "fast", effort: "high" },
    system: "s",
    description: "d",
    tools: [
      {
        type: "agent_toolset_20260401",
        default_config: { enabled: true, permission_policy: { type: "always_allow" } },
        configs: [{ name: "web_fetch", enabled: true }, { name: "bash", permission_policy: { type: "always_ask" } }],
      },
      { type: "mcp_toolset", mcp_server_name: "gh", configs: [{ name: "search", permission_policy: { type: "always_allow" } }] },
      { type: "custom", name: "lookup", description: "Looks up.", input_schema: { type: "object", properties: {} } },
    ],
    mcp_servers: [{ type: "url", name: "gh", url: "https://example.com/mcp" }],
    skills: [{ type: "anthropic", skill_id: "xlsx" }],
    metadata: { team: "platform" },
    multiagent: { type: "coordinator", agents: [helper.id, { type: "self" }] },
  });
  expect(agent.model).toEqual({ id: "claude-sonnet-4-6", speed: "fast", effort: { type: "high" } });
  await client.beta.agents.update(agent.id, { version: 1, tools: [] , mcp_servers: [] });
  for await (const _ of client.beta.agents.versions.list(agent.id)) void _;
  await client.beta.agents.archive(agent.id);
  expect(checks.checked).toEqual(new Set(["beta.agents.create", "beta.agents.update", "beta.agents.versions.list", "beta.agents.archive"]));
});

it("cloud and self-hosted environments: create, update, list, archive, delete", async () => {
  const { client } = checks;
  const cloud = await client.beta.environments.create({
    name: "cloud",
    description: "d",
    metadata: { a: "b" },
    config: { type: "cloud", networking: { type: "limited", allow_package_managers: true, allowed_hosts: ["example.com"] }, packages: { npm: ["left-pad"] } },
  });
  const selfHosted = await client.beta.environments.create({ name: "self-hosted", config: { type: "self_hosted" } });
  await client.beta.environments.update(cloud.id, { name: "renamed", config: { type: "cloud", networking: { type: "unrestricted" } } });
  for await (const _ of client.beta.environments.list()) void _;
  await client.beta.environments.archive(selfHosted.id);
  const deleted = await client.beta.environments.delete(cloud.id);
  expect(deleted).toEqual({ id: cloud.id, type: "environment_deleted" });
});
