import fc from "fast-check";
import { camelCase, fromApiCase, snakeCase, toApiCase } from "../../provider/casing";

describe("case mapping", () => {
  it.each([
    ["mcpServers", "mcp_servers"],
    ["defaultConfig", "default_config"],
    ["permissionPolicy", "permission_policy"],
    ["inputSchema", "input_schema"],
    ["inferenceGeo", "inference_geo"],
    ["name", "name"],
  ])("%s <-> %s", (camel, snake) => {
    expect(snakeCase(camel)).toBe(snake);
    expect(camelCase(snake)).toBe(camel);
  });

  it("re-cases nested structures but never the contents of free-form maps", () => {
    const input = {
      mcpServers: [{ type: "url", name: "linear", url: "https://mcp.linear.app/sse" }],
      metadata: { costCenter: "A1", "team_name": "x" },
      tools: [
        { type: "agent_toolset_20260401", defaultConfig: { permissionPolicy: { type: "always_ask" } } },
        { type: "custom", name: "t", description: "d", inputSchema: { type: "object", properties: { issueId: { type: "string" } } } },
      ],
      system: undefined,
    };
    expect(toApiCase(input)).toEqual({
      mcp_servers: [{ type: "url", name: "linear", url: "https://mcp.linear.app/sse" }],
      metadata: { costCenter: "A1", team_name: "x" },
      tools: [
        { type: "agent_toolset_20260401", default_config: { permission_policy: { type: "always_ask" } } },
        { type: "custom", name: "t", description: "d", input_schema: { type: "object", properties: { issueId: { type: "string" } } } },
      ],
    });
  });

  const camelKey = fc
    .array(fc.stringMatching(/^[a-z]{1,6}$/), { minLength: 1, maxLength: 3 })
    .map((parts) => parts.map((p, i) => (i === 0 ? p : p[0]!.toUpperCase() + p.slice(1))).join(""))
    .filter((k) => k !== "metadata" && k !== "inputSchema");
  const tree = fc.letrec((tie) => ({
    node: fc.oneof(
      { depthSize: "small" },
      fc.string(),
      fc.integer(),
      fc.boolean(),
      fc.array(tie("node"), { maxLength: 3 }),
      fc.dictionary(camelKey, tie("node"), { maxKeys: 3 }),
    ),
  })).node;

  it("round-trips any camelCase tree (property)", () => {
    fc.assert(fc.property(tree, (value) => expect(fromApiCase(toApiCase(value))).toEqual(value)));
  });

  it("copies any free-form map untouched (property)", () => {
    fc.assert(
      fc.property(fc.dictionary(fc.string({ minLength: 1 }), fc.string()), (metadata) => {
        expect((toApiCase({ metadata }) as { metadata: unknown }).metadata).toEqual(metadata);
        expect((fromApiCase({ metadata }) as { metadata: unknown }).metadata).toEqual(metadata);
      }),
    );
  });
});
