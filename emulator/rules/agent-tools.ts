// What an agent runs, as agents and a session's agent overrides take it alike: the model (effort
// always present, resolved to the per-model default), the tools with the API's defaults filled
// in, the MCP servers the `mcp_toolset` tools name (each used, none missing), and skill references.
import { invalid } from "../http";
import { isObject, listOf, type Json } from "./values";

/** The per-model default effort ("resolved to the per-model default at save time when not supplied"). */
export const DEFAULT_EFFORT = { type: "high" };
const EFFORTS = ["low", "medium", "high", "xhigh", "max"];

/**
 * A model as stored: effort always present. `stored` is the current model on an update, where an
 * omitted effort keeps the stored one and `null` restores the default; `inference_geo` is part of
 * the whole-object replacement (omitted clears it).
 */
export function resolveModel(model: unknown, stored?: Json): Json {
  const config = typeof model === "string" && model !== "" ? { id: model } : model;
  if (isObject(config) && typeof config["id"] === "string" && config["id"] !== "") {
    const effort = config["effort"];
    const level = isObject(effort) ? effort["type"] : effort;
    if (level !== undefined && level !== null && !(typeof level === "string" && EFFORTS.includes(level))) throw invalid(`model.effort: must be one of ${EFFORTS.join(", ")}`);
    return {
      id: config["id"],
      speed: config["speed"] ?? "standard",
      effort: level === null ? DEFAULT_EFFORT : level !== undefined ? { type: level } : (stored?.["effort"] ?? DEFAULT_EFFORT),
      ...(typeof config["inference_geo"] === "string" ? { inference_geo: config["inference_geo"] } : {}),
    };
  }
  throw invalid("model: must be a model id or a model config object with an id");
}

function resolveSwitches(config: Json, fallback: { enabled: unknown; permission_policy: unknown }): Json {
  return {
    enabled: config["enabled"] ?? fallback.enabled,
    permission_policy: config["permission_policy"] ?? fallback.permission_policy,
  };
}

function resolveTool(tool: unknown, index: number): Json {
  if (!isObject(tool)) throw invalid(`tools[${index}]: must be an object`);
  const type = tool["type"];
  if (type === "agent_toolset_20260401" || type === "mcp_toolset") {
    const defaultPolicy = { type: type === "mcp_toolset" ? "always_ask" : "always_allow" };
    const dc = isObject(tool["default_config"]) ? tool["default_config"] : {};
    const defaults = resolveSwitches(dc, { enabled: true, permission_policy: defaultPolicy });
    const configs = Array.isArray(tool["configs"]) ? tool["configs"] : [];
    const resolvedConfigs = configs.map((c, j) => {
      if (!isObject(c) || typeof c["name"] !== "string") throw invalid(`tools[${index}].configs[${j}]: must have a name`);
      if (c["allowed_domains"] !== undefined && c["blocked_domains"] !== undefined) {
        throw invalid(`tools[${index}].configs[${j}]: allowed_domains and blocked_domains cannot be combined`);
      }
      const base = { ...c, ...resolveSwitches(c, defaults as { enabled: unknown; permission_policy: unknown }) };
      if (type === "agent_toolset_20260401") {
        const withType = { ...base, type: c["name"] };
        return c["name"] === "web_fetch" ? { url_sources: null, ...withType } : withType;
      }
      return base;
    });
    if (type === "mcp_toolset" && typeof tool["mcp_server_name"] !== "string") {
      throw invalid(`tools[${index}]: mcp_toolset needs mcp_server_name`);
    }
    return { ...tool, default_config: defaults, configs: resolvedConfigs };
  }
  if (type === "custom") {
    if (typeof tool["name"] !== "string" || !isObject(tool["input_schema"])) {
      throw invalid(`tools[${index}]: a custom tool needs name and input_schema`);
    }
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(tool["name"])) throw invalid(`tools[${index}].name: must match ^[a-zA-Z0-9_-]{1,128}$`);
    return { ...tool, description: tool["description"] ?? "" };
  }
  throw invalid(`tools[${index}].type: unknown tool type ${JSON.stringify(type)}`);
}

/** Skill references as the API takes them: objects with a `skill_id` (and a `version` string, if any). */
export function skillRefs(value: unknown, where = "skills"): Json[] {
  return listOf(value, where, (s, at) => {
    if (!isObject(s) || typeof s["skill_id"] !== "string") throw invalid(`${at}: each skill needs skill_id`);
    if (s["version"] !== undefined && s["version"] !== null && typeof s["version"] !== "string") throw invalid(`${at}.version: must be a string`);
    return s;
  });
}

/** Tools and MCP servers with the API's defaults and cross-checks (also used for session overrides). */
export function resolveToolsAndServers(toolsIn: unknown, serversIn: unknown): { tools: Json[]; mcp_servers: Json[] } {
  const tools = (toolsIn as unknown[] | null | undefined) ?? [];
  const servers = (serversIn as unknown[] | null | undefined) ?? [];
  if (!Array.isArray(tools)) throw invalid("tools: must be an array");
  if (!Array.isArray(servers)) throw invalid("mcp_servers: must be an array");
  if (tools.length > 256) throw invalid("tools: at most 256 tools");
  if (servers.length > 20) throw invalid("mcp_servers: at most 20 servers");
  const names = new Set<string>();
  for (const s of servers) {
    if (!isObject(s) || s["type"] !== "url" || typeof s["name"] !== "string" || typeof s["url"] !== "string") {
      throw invalid("mcp_servers: each server needs type \"url\", name and url");
    }
    if (s["name"].length > 255) throw invalid("mcp_servers: a name has at most 255 characters");
    if (names.has(s["name"])) throw invalid(`mcp_servers: duplicate name "${s["name"]}"`);
    names.add(s["name"]);
  }
  const resolvedTools = tools.map(resolveTool);
  const referenced = new Set(resolvedTools.filter((t) => t["type"] === "mcp_toolset").map((t) => t["mcp_server_name"] as string));
  for (const r of referenced) if (!names.has(r)) throw invalid(`tools: mcp_toolset references unknown MCP server "${r}"`);
  for (const n of names) if (!referenced.has(n)) throw invalid(`mcp_servers: server "${n}" is not referenced by any mcp_toolset`);
  return { tools: resolvedTools, mcp_servers: servers as Json[] };
}
