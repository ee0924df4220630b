// Pure logic of the Agent resource: check messages, diff planning, body builders, drift.
import fc from "fast-check";
import {
  agentHooks,
  buildAgentCreateBody,
  buildAgentUpdateBody,
  agentInputsAfterRefresh,
  type ApiAgent,
} from "../../provider/resources/agent";
import { CREATE_TOKEN_KEY, planDiff, UNKNOWN, type Props } from "../../provider/resources/common";

const valid: Props = { name: "triage", model: "claude-sonnet-4-6" };

describe("check", () => {
  it("accepts a minimal agent and returns normalized inputs", async () => {
    expect(await agentHooks.check({}, { ...valid, __provider: "shell" })).toEqual({ inputs: valid, failures: [] });
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
    ["the reserved metadata key", { metadata: { [CREATE_TOKEN_KEY]: "x" } }, "metadata"],
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

describe("diff planning", () => {
  const fields = ["a", "b", "c"];
  it.each([
    [{ a: 1 }, { a: 1 }, [], []],
    [{ a: 1, __provider: "x" }, { a: 1, __provider: "y" }, [], []],
    [{ a: 1 }, { a: 2 }, ["a"], []],
    [{ a: 1, b: { x: 1, y: 2 } }, { a: 1, b: { y: 2, x: 1 } }, [], []],
    [{ b: {} }, {}, [], []],
    [{ c: "v" }, { c: UNKNOWN }, ["c"], ["c"]],
    [{ c: "v" }, { c: "w" }, ["c"], ["c"]],
    [{ a: [1, 2] }, { a: [2, 1] }, ["a"], []],
  ])("%j -> %j changes %j replaces %j", (olds, news, changed, replaces) => {
    const result = planDiff({ fields, replacePaths: ["c"], olds, news });
    expect(result.changed).toEqual(changed);
    expect(result.replaces).toEqual(replaces);
    expect(result.changes).toBe(changed.length > 0);
  });

  it.each<[Props, Props, string[], string[]]>([
    [{ config: { type: "cloud", n: 1 } }, { config: { type: "cloud", n: 2 } }, ["config"], []],
    [{ config: { type: "cloud" } }, { config: { type: "self_hosted" } }, ["config"], ["config"]],
    [{ config: { type: "cloud" } }, { config: UNKNOWN }, ["config"], ["config"]],
    [{ config: { type: "cloud" } }, { config: { type: UNKNOWN } }, ["config"], ["config"]],
    [{ pin: 3 }, {}, [], []],
    [{ pin: 3 }, { pin: 3 }, [], []],
    [{ pin: 3 }, { pin: 4 }, ["pin"], ["pin"]],
    [{ pin: 3 }, { pin: UNKNOWN }, ["pin"], ["pin"]],
  ])("dotted replace paths and keep-when-absent: %j -> %j", (olds, news, changed, replaces) => {
    const result = planDiff({ fields: ["config", "pin"], replacePaths: ["config.type", "pin"], keepWhenAbsent: ["pin"], olds, news });
    expect(result.changed).toEqual(changed);
    expect(result.replaces).toEqual(replaces);
  });

  it("finds no change between a value and itself (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.constantFrom(...fields), fc.jsonValue()), (props) => {
        expect(planDiff({ fields, replacePaths: ["c"], olds: props, news: structuredClone(props) }).changes).toBe(false);
      }),
    );
  });
});

describe("body builders", () => {
  it("create: snake_case, free-form maps as written, plus the create token", () => {
    expect(
      buildAgentCreateBody(
        {
          name: "n",
          model: { id: "claude-opus-4-7", effort: "high", inferenceGeo: "us" },
          mcpServers: [{ type: "url", name: "gh", url: "https://x.dev" }],
          tools: [{ type: "mcp_toolset", mcpServerName: "gh", defaultConfig: { permissionPolicy: { type: "always_allow" } } }],
          metadata: { myKey: "v" },
          executionIdentity: { type: "aws_role", roleArn: "arn:aws:iam::1:role/x" },
        },
        "tok",
      ),
    ).toEqual({
      name: "n",
      model: { id: "claude-opus-4-7", effort: "high", inference_geo: "us" },
      mcp_servers: [{ type: "url", name: "gh", url: "https://x.dev" }],
      tools: [{ type: "mcp_toolset", mcp_server_name: "gh", default_config: { permission_policy: { type: "always_allow" } } }],
      metadata: { myKey: "v", [CREATE_TOKEN_KEY]: "tok" },
      execution_identity: { type: "aws_role", role_arn: "arn:aws:iam::1:role/x" },
    });
  });

  const olds: Props = { name: "n", model: "m", system: "s", tools: [{ type: "agent_toolset_20260401" }], metadata: { a: "1", b: "2" } };
  it.each<[string, Props, Props | null]>([
    ["nothing changed", { ...olds }, null],
    ["a key order change only", { ...olds, metadata: { b: "2", a: "1" } }, null],
    ["system changed", { ...olds, system: "t" }, { system: "t", version: 3 }],
    ["system removed", { name: "n", model: "m", tools: olds["tools"], metadata: olds["metadata"] }, { system: null, version: 3 }],
    ["tools removed", { ...olds, tools: undefined }, { tools: null, version: 3 }],
    ["metadata patched", { ...olds, metadata: { a: "9", c: "3" } }, { metadata: { a: "9", c: "3", b: null }, version: 3 }],
    ["metadata removed", { ...olds, metadata: undefined }, { metadata: { a: null, b: null }, version: 3 }],
    ["mcp servers added", { ...olds, mcpServers: [{ type: "url", name: "x", url: "https://x.dev" }] }, { mcp_servers: [{ type: "url", name: "x", url: "https://x.dev" }], version: 3 }],
    ["model to a config", { ...olds, model: { id: "m", speed: "fast" } }, { model: { id: "m", speed: "fast" }, version: 3 }],
  ])("update: %s", (_label, news, expected) => {
    expect(buildAgentUpdateBody(olds, news as never, 3)).toEqual(expected);
  });
});

describe("drift after refresh", () => {
  const api = (over: Partial<ApiAgent>): ApiAgent => ({
    id: "agent_1",
    version: 1,
    name: "n",
    model: { id: "m", speed: "standard", effort: { type: "high" } },
    system: "s",
    tools: [],
    metadata: { a: "1", [CREATE_TOKEN_KEY]: "t" },
    created_at: "2026-01-01T00:00:00Z",
    updated_at: "2026-01-01T00:00:00Z",
    ...over,
  });
  const resolvedOf = (a: ApiAgent) => ({
    name: a.name,
    model: { id: "m", speed: "standard", effort: { type: "high" } },
    system: a.system ?? null,
    description: null,
    tools: [],
    mcpServers: [],
    skills: [],
    metadata: { a: "1" },
    multiagent: null,
    executionIdentity: null,
  });
  const props: Props = { name: "n", model: { id: "m", effort: "high" }, system: "s", metadata: { a: "1" }, resolved: resolvedOf(api({})) };

  it("keeps the declared form of fields the server did not change", () => {
    expect(agentInputsAfterRefresh(props, api({}))).toEqual({ name: "n", model: { id: "m", effort: "high" }, system: "s", metadata: { a: "1" } });
  });

  it("takes the server's value, in declared form, for fields changed outside Pulumi", () => {
    const changed = api({ system: null, model: { id: "m2", speed: "fast", effort: { type: "low" } }, metadata: { z: "9", [CREATE_TOKEN_KEY]: "t" } });
    expect(agentInputsAfterRefresh(props, changed)).toEqual({ name: "n", model: { id: "m2", speed: "fast", effort: "low" }, metadata: { z: "9" } });
  });
});
