// Pure logic of the Agent resource: check messages, body builders, drift.
import type { ApiAgent } from "../../provider/api/agents";
import { rememberStackConfig } from "../../provider/config";
import { WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import { planChanges } from "../../provider/kit/diff";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { agentResource, agentSpec, buildAgentCreateBody, buildAgentUpdateBody, resolvedView, type AgentInputs, type AgentOutputs } from "../../provider/resources/agent";
import type { State } from "../../provider/kit/resource";

const valid: Props = { name: "triage", model: "claude-sonnet-4-6" };
const agentHooks = { check: (olds: Props, news: Props) => agentResource.check(olds, { __kind: "Agent", ...news }) };
const declared = (p: Props) => Object.fromEntries(Object.entries(p).filter(([k]) => !k.startsWith("__")));

beforeAll(() => rememberStackConfig({ get: (k) => (k === "anthropic:apiKey" ? "sk-ant-unit" : undefined) }));
afterAll(() => rememberStackConfig(undefined));

describe("check", () => {
  it("accepts a minimal agent and returns normalized inputs", async () => {
    const result = await agentHooks.check({}, { ...valid, __provider: "shell" });
    expect(result.failures).toEqual([]);
    expect(declared(result.inputs)).toEqual(valid);
  });

  it("reports every problem at once, in camelCase paths", async () => {
    const { failures } = await agentHooks.check({}, {
      name: "",
      model: { id: "claude-opus-4-7", efort: "high" },
      tools: [
        { type: "mcp_toolset", mcpServerName: "github" },
        { type: "agent_toolset_20260401", configs: [{ name: "web_fetch", allowedDomains: [] }] },
      ],
      mcpServers: [{ type: "url", name: "linear", url: "not a url" }],
      metadata: { ["k".repeat(65)]: "v" },
      sytem: "typo",
    });
    expect(failures).toEqual([
      { property: "name", reason: "name must not be empty" },
      { property: "model", reason: 'unknown field "efort" (check the spelling; inputs are camelCase)' },
      { property: "tools[1].configs[0].allowedDomains", reason: "an empty domain list is rejected by the API; omit the field instead" },
      { property: "mcpServers[0].url", reason: "Invalid URL" },
      { property: `metadata.${"k".repeat(65)}`, reason: "metadata keys are at most 64 characters" },
      { property: "(inputs)", reason: 'unknown field "sytem" (check the spelling; inputs are camelCase)' },
    ]);
  });

  it("enforces the API's cross-field rules before any call", async () => {
    const { failures } = await agentHooks.check({}, {
      ...valid,
      tools: [
        { type: "mcp_toolset", mcpServerName: "github" },
        { type: "agent_toolset_20260401", configs: [{ name: "web_search", allowedDomains: ["a.com"], blockedDomains: ["b.com"] }] },
        { type: "custom", name: "x", description: "", inputSchema: { type: "object" } },
        { type: "custom", name: "x", description: "", inputSchema: { type: "object" } },
      ],
      mcpServers: [
        { type: "url", name: "linear", url: "https://mcp.linear.app/sse" },
        { type: "url", name: "linear", url: "https://mcp.linear.app/sse" },
      ],
    });
    expect(failures).toEqual([
      { property: "tools[1].configs[0]", reason: "allowedDomains and blockedDomains cannot be combined" },
      { property: "mcpServers[1].name", reason: 'duplicate MCP server name "linear"' },
      { property: "tools[0].mcpServerName", reason: 'no MCP server named "github" in mcpServers' },
      {
        property: "mcpServers[0]",
        reason: 'MCP server "linear" is not referenced by any mcp_toolset in tools (the API rejects unreferenced servers)',
      },
      {
        property: "mcpServers[1]",
        reason: 'MCP server "linear" is not referenced by any mcp_toolset in tools (the API rejects unreferenced servers)',
      },
      { property: "tools[3].name", reason: 'duplicate custom tool name "x"' },
    ]);
  });

  it.each([
    ["too many metadata pairs", { metadata: Object.fromEntries(Array.from({ length: 16 }, (_, i) => [`k${i}`, "v"])) }, "metadata"],
    ["the reserved metadata key", { metadata: { [WRITE_TOKEN_KEY]: "x" } }, "metadata"],
    ["release 0.1's reserved metadata key", { metadata: { "pulumi-create-token": "x" } }, "metadata"],
    ["a long metadata value", { metadata: { k: "v".repeat(513) } }, "metadata.k"],
    ["too many MCP servers", { mcpServers: Array.from({ length: 21 }, (_, i) => ({ type: "url", name: `s${i}`, url: "https://x.dev" })) }, "mcpServers"],
    ["too many tools", { tools: Array.from({ length: 257 }, (_, i) => ({ type: "custom", name: `t${i}`, description: "", inputSchema: { type: "object" } })) }, "tools"],
    ["a bad adoptId", { adoptId: "env_123" }, "adoptId"],
  ])("rejects %s", async (_label, extra, property) => {
    const { failures } = await agentHooks.check({}, { ...valid, ...extra });
    expect(failures.map((f) => f.property)).toEqual([property]);
  });

  it("tolerates unknown values during preview anywhere", async () => {
    const { failures } = await agentHooks.check({}, {
      name: UNKNOWN,
      model: UNKNOWN,
      tools: [{ type: "mcp_toolset", mcpServerName: UNKNOWN }],
      mcpServers: UNKNOWN,
      metadata: { team: UNKNOWN },
    });
    expect(failures).toEqual([]);
  });
});

describe("body builders", () => {
  it("create: snake_case, free-form maps as written (the kit adds the create stamp)", () => {
    expect(
      buildAgentCreateBody(
        {
          name: "n",
          model: { id: "claude-opus-4-7", effort: "high", inferenceGeo: "us" },
          mcpServers: [{ type: "url", name: "gh", url: "https://x.dev" }],
          tools: [{ type: "mcp_toolset", mcpServerName: "gh", defaultConfig: { permissionPolicy: { type: "always_allow" } } }],
          metadata: { myKey: "v" },
          executionIdentity: { type: "aws_role", roleArn: "arn:aws:iam::1:role/x" },
          adoptId: "agent_01notSent",
        },
      ),
    ).toEqual({
      name: "n",
      model: { id: "claude-opus-4-7", effort: "high", inference_geo: "us" },
      mcp_servers: [{ type: "url", name: "gh", url: "https://x.dev" }],
      tools: [{ type: "mcp_toolset", mcp_server_name: "gh", default_config: { permission_policy: { type: "always_allow" } } }],
      metadata: { myKey: "v" },
      execution_identity: { type: "aws_role", role_arn: "arn:aws:iam::1:role/x" },
    });
  });

  const oldInputs = { name: "n", model: "m", system: "s", tools: [{ type: "agent_toolset_20260401" }], metadata: { a: "1", b: "2" } } satisfies AgentInputs;
  const olds: State<AgentInputs, AgentOutputs> = { inputs: oldInputs, outputs: { version: 3 }, legacy: false };
  const update = (news: Props) => buildAgentUpdateBody(olds, { inputs: news as AgentInputs, changes: planChanges(agentSpec, oldInputs, news) });

  it.each<[string, Props, Props | null]>([
    ["nothing changed", { ...oldInputs }, null],
    ["a key order change only", { ...oldInputs, metadata: { b: "2", a: "1" } }, null],
    ["only adoptId (read at create only)", { ...oldInputs, adoptId: "agent_01x" }, null],
    ["system changed", { ...oldInputs, system: "t" }, { system: "t" }],
    ["system removed", { name: "n", model: "m", tools: oldInputs.tools, metadata: oldInputs.metadata }, { system: null }],
    ["tools removed", { ...oldInputs, tools: undefined }, { tools: null }],
    ["metadata patched", { ...oldInputs, metadata: { a: "9", c: "3" } }, { metadata: { a: "9", c: "3", b: null } }],
    ["metadata removed", { ...oldInputs, metadata: undefined }, { metadata: { a: null, b: null } }],
    ["mcp servers added", { ...oldInputs, mcpServers: [{ type: "url", name: "x", url: "https://x.dev" }] }, { mcp_servers: [{ type: "url", name: "x", url: "https://x.dev" }] }],
    ["model to a config", { ...oldInputs, model: { id: "m", speed: "fast" } }, { model: { id: "m", speed: "fast" } }],
  ])("update: %s", (_label, news, expected) => {
    expect(update(news)).toEqual(expected);
  });

  it.each<[string, unknown, unknown, Props | null]>([
    ["removing effort sends effort: null (the API keeps an omitted one)", { id: "m", effort: "low" }, { id: "m" }, { model: { id: "m", effort: null } }],
    ["and so does a bare model id after a config with effort", { id: "m", effort: "low" }, "m", { model: { id: "m", effort: null } }],
    ["a changed effort is sent as declared", { id: "m", effort: "low" }, { id: "m", effort: "max" }, { model: { id: "m", effort: "max" } }],
    ["spelling out the default speed is no change", "m", { id: "m", speed: "standard" }, null],
    ["an effort written as { type } is the same effort", { id: "m", effort: "low" }, { id: "m", effort: "low" }, null],
  ])("model: %s", (_label, oldModel, newModel, expected) => {
    const before = { ...oldInputs, model: oldModel } as AgentInputs;
    const after = { ...oldInputs, model: newModel } as Props;
    const body = buildAgentUpdateBody({ inputs: before, outputs: { version: 3 }, legacy: false }, { inputs: after as AgentInputs, changes: planChanges(agentSpec, before, after) });
    expect(body).toEqual(expected);
  });

  it.each<[string, Props, Props]>([
    ["the agent toolset's default policy spelled out", { type: "agent_toolset_20260401" }, { type: "agent_toolset_20260401", defaultConfig: { permissionPolicy: { type: "always_allow" }, enabled: true } }],
    ["an MCP toolset's default policy (always_ask) spelled out", { type: "mcp_toolset", mcpServerName: "gh" }, { type: "mcp_toolset", mcpServerName: "gh", defaultConfig: { permissionPolicy: { type: "always_ask" } } }],
    ["a tool config's optional type", { type: "agent_toolset_20260401", configs: [{ name: "bash", enabled: false }] }, { type: "agent_toolset_20260401", configs: [{ name: "bash", type: "bash", enabled: false }] }],
    ["the server's resolved form (after a refresh)", { type: "agent_toolset_20260401" }, { type: "agent_toolset_20260401", defaultConfig: { enabled: true, permissionPolicy: { type: "always_allow" } }, configs: [] }],
  ])("no change when %s", (_label, oldTool, newTool) => {
    expect(planChanges(agentSpec, { ...oldInputs, tools: [oldTool] }, { ...oldInputs, tools: [newTool] })).toEqual([]);
  });

  it("a policy that differs from the default is a change", () => {
    const before = { ...oldInputs, tools: [{ type: "mcp_toolset", mcpServerName: "gh" }] };
    const after = { ...oldInputs, tools: [{ type: "mcp_toolset", mcpServerName: "gh", defaultConfig: { permissionPolicy: { type: "always_allow" } } }] };
    expect(planChanges(agentSpec, before, after)).toEqual([{ field: "tools", effect: "update" }]);
  });
});

describe("the API's view", () => {
  const api = (over: Partial<ApiAgent>): ApiAgent => ({
    id: "agent_1",
    version: 1,
    name: "n",
    model: { id: "m", speed: "standard", effort: { type: "high" } },
    system: "s",
    tools: [],
    metadata: { a: "1", [WRITE_TOKEN_KEY]: "t", "pulumi-create-token": "old" },
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...over,
  });

  it("leaves out the provider's own metadata pairs and fills in the API's defaults", () => {
    expect(resolvedView(api({}))).toEqual({
      name: "n",
      model: { id: "m", speed: "standard", effort: { type: "high" } },
      system: "s",
      description: null,
      tools: [],
      mcpServers: [],
      skills: [],
      metadata: { a: "1" },
      multiagent: null,
      executionIdentity: null,
    });
  });

  it("a system prompt of the unknown value still counts as a change", () => {
    expect(planChanges(agentSpec, { name: "n", model: "m", system: "s" }, { name: "n", model: "m", system: UNKNOWN })).toEqual([{ field: "system", effect: "update" }]);
  });
});
