// The API's rules across a session's overrides and its agent (DESIGN §10: what the API would
// refuse because of another resource declared in the same program fails preview). A session that
// overrides only `tools` runs them with the agent's MCP servers, and one that overrides only
// `mcpServers` runs the agent's tools with them: the API refuses a server that no `mcp_toolset`
// uses, and a toolset naming a server that is not there. With both overridden, the session's
// own lists decide (checked without the agent); with neither, the agent's rules are the agent's.
import type { CheckFailure } from "../kit/check";
import { quote } from "../kit/quote";
import { containsUnknown, isRecord, type Props } from "../kit/values";

interface Lists {
  tools?: unknown;
  mcpServers?: unknown;
}

const list = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
const serverNames = (servers: unknown): string[] => list(servers).flatMap((s) => (isRecord(s) && typeof s["name"] === "string" ? [s["name"]] : []));
const toolsetServers = (tools: unknown): Array<{ index: number; server: string }> =>
  list(tools).flatMap((t, index) => (isRecord(t) && t["type"] === "mcp_toolset" && typeof t["mcpServerName"] === "string" ? [{ index, server: t["mcpServerName"] }] : []));

/** The failures of a session's one-sided override against the agent the program declares (`agent`, from the check's context). */
export function agentOverrideFailures(session: Lists, agent: Props | undefined): CheckFailure[] {
  if (agent === undefined || containsUnknown(agent)) return [];
  const ownTools = session.tools !== undefined;
  const ownServers = session.mcpServers !== undefined;
  if (ownTools === ownServers) return [];
  const tools = ownTools ? session.tools : agent["tools"];
  const servers = ownServers ? session.mcpServers : agent["mcpServers"];
  if (containsUnknown(tools) || containsUnknown(servers)) return [];
  const names = serverNames(servers);
  const used = toolsetServers(tools);
  const failures: CheckFailure[] = [];
  if (ownTools) {
    for (const name of names.filter((n) => !used.some((u) => u.server === n))) {
      failures.push({
        property: "tools",
        reason: `the agent's MCP server ${quote(name)} is not referenced by any mcp_toolset in this session's tools, and the API refuses a server no toolset uses: add { type: "mcp_toolset", mcpServerName: ${quote(name)} } to tools, or override mcpServers too`,
      });
    }
    for (const u of used.filter((x) => !names.includes(x.server))) {
      failures.push({ property: `tools[${u.index}].mcpServerName`, reason: `the agent has no MCP server named ${quote(u.server)} (a session that overrides only tools runs the agent's mcpServers)` });
    }
  } else {
    for (const u of used.filter((x) => !names.includes(x.server))) {
      failures.push({
        property: "mcpServers",
        reason: `the agent's tools use MCP server ${quote(u.server)} (an mcp_toolset), which this session's mcpServers leaves out: add it, or override tools too`,
      });
    }
    list(servers).forEach((s, i) => {
      const name = isRecord(s) ? s["name"] : undefined;
      if (typeof name === "string" && !used.some((u) => u.server === name)) {
        failures.push({ property: `mcpServers[${i}]`, reason: `MCP server ${quote(name)} is not referenced by any mcp_toolset in the agent's tools (a session that overrides only mcpServers runs the agent's tools)` });
      }
    });
  }
  return failures;
}
