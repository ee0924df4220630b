// A session's one-sided override against the agent the same program declares (the API's rules
// across the two; provider/resources/session-agent-rules.ts): a table of cases.
import { agentOverrideFailures } from "../../provider/resources/session-agent-rules";
import { UNKNOWN } from "../../provider/kit/values";

const github = { type: "url", name: "github", url: "https://api.githubcopilot.com/mcp/" };
const linear = { type: "url", name: "linear", url: "https://mcp.linear.app/sse" };
const toolset = { type: "agent_toolset_20260401" };
const mcp = (name: string) => ({ type: "mcp_toolset", mcpServerName: name });
const agent = { tools: [toolset, mcp("github")], mcpServers: [github] };

describe("agentOverrideFailures", () => {
  it.each<[string, Record<string, unknown>, Record<string, unknown> | undefined, string[]]>([
    ["tools only, leaving the agent's server unreferenced", { tools: [toolset] }, agent, ["tools"]],
    ["tools only, keeping the agent's toolset", { tools: [toolset, mcp("github")] }, agent, []],
    ["tools only, naming a server the agent lacks", { tools: [toolset, mcp("github"), mcp("linear")] }, agent, ["tools[2].mcpServerName"]],
    ["mcpServers only, leaving out the agent's toolset's server", { mcpServers: [linear] }, agent, ["mcpServers", "mcpServers[0]"]],
    ["mcpServers only, keeping the agent's server", { mcpServers: [github] }, agent, []],
    ["both overridden: the session's own lists decide", { tools: [toolset], mcpServers: [linear] }, agent, []],
    ["neither overridden", {}, agent, []],
    ["the agent is not declared in the program", { tools: [toolset] }, undefined, []],
    ["the agent's lists are unknown during preview", { tools: [toolset] }, { tools: UNKNOWN, mcpServers: [github] }, []],
    ["an agent without servers", { tools: [toolset] }, { tools: [toolset] }, []],
  ])("%s", (_label, session, declared, properties) => {
    expect(agentOverrideFailures(session, declared).map((f) => f.property)).toEqual(properties);
  });

  it("names the server and what to do", () => {
    expect(agentOverrideFailures({ tools: [toolset] }, agent)[0]!.reason).toBe(
      'the agent\'s MCP server "github" is not referenced by any mcp_toolset in this session\'s tools, and the API refuses a server no toolset uses: add { type: "mcp_toolset", mcpServerName: "github" } to tools, or override mcpServers too',
    );
  });
});
