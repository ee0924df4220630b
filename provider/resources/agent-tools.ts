// What an agent runs, and a session may override: the model, tools (the agent toolset, MCP
// toolsets, custom tools), MCP servers and skills. Their input schemas (camelCase, strict: a typo
// is an error), the API's resolved forms the diff compares, and the API's rules across tools and
// MCP servers. Agent and Session import them from here.
import { z } from "zod";
import { apiCased } from "../api-case";
import type { CheckFailure } from "../kit/check";
import { quote } from "../kit/quote";
import { containsUnknown, isRecord } from "../kit/values";
import { always } from "./docs";

// ---------------------------------------------------------------------------------------------
// Input schemas

const permissionPolicy = z.strictObject({
  type: z.enum(["always_allow", "always_ask", "auto"]).meta({
    description:
      "`always_allow`: calls are approved without confirmation; `always_ask`: each call needs user confirmation; `auto`: the server judges each call, allowing the ones it deems safe and denying high-risk ones (a call it cannot judge evaluates to ask, or for some causes to deny).",
  }),
});

/** A tool's own switches, overriding its toolset's `defaultConfig`. */
const toolSwitches = {
  enabled: z.boolean().optional().meta({ description: "Whether this tool is enabled and available to Claude. Overrides `defaultConfig.enabled`." }),
  permissionPolicy: permissionPolicy
    .optional()
    .meta({ description: "Permission policy for this tool: whether its calls are approved automatically or need confirmation. Overrides `defaultConfig.permissionPolicy`." }),
};

const domainList = z
  .array(z.string().min(1))
  .min(1, "an empty domain list is rejected by the API; omit the field instead")
  .max(64, "at most 64 domains");

const toolReference = z
  .strictObject({
    type: always("tool_reference"),
    name: z.string().min(1).meta({ description: "Name of the tool, compared exactly (upper and lower case letters differ)." }),
  })
  .meta({ description: "Names one tool in an `only` or `except` list." });
const urlSourceShorthand = z.enum(["all", "none"]);
const urlSourceAllOrNone = z
  .strictObject({ type: urlSourceShorthand.meta({ description: "`all`: every URL from this source may be fetched (the default); `none`: this source contributes none." }) })
  .meta({ description: 'The object form of `"all"` or `"none"`.' });
const urlSourceToolFilter = z
  .union([
    urlSourceShorthand,
    urlSourceAllOrNone,
    z
      .strictObject({
        type: z.enum(["only", "except"]).meta({ description: "`only`: only the named tools' results contribute URLs; `except`: every tool's results but the named ones' do." }),
        tools: z
          .array(toolReference)
          .min(1)
          .max(128)
          .meta({ description: 'The tools named: 1 to 128, each with a different name (use `"all"` or `"none"` rather than an empty list).' }),
      })
      .meta({ description: "A list of the tools whose results do (`only`) or do not (`except`) contribute URLs." }),
  ])
  .meta({ id: "UrlSourceToolFilter", description: 'Which tools\' results contribute URLs that web fetch may fetch: `"all"` (the default), `"none"`, or an `only` / `except` list of tools.' });

/** A built-in tool's config; `type`, optional in the API's params, repeats the name. */
const builtin = <N extends string>(name: N) =>
  z
    .strictObject({
      name: z.literal(name).meta({ description: `The tool this config overrides: \`${name}\`.` }),
      type: z.literal(name).optional().meta({ description: `Optional; repeats the name (\`${name}\`).` }),
      ...toolSwitches,
    })
    .meta({ description: `Configuration override for the \`${name}\` tool.` });
const builtinToolConfig = z.union([builtin("bash"), builtin("edit"), builtin("read"), builtin("write"), builtin("glob"), builtin("grep")]);
const webFetchToolConfig = z
  .strictObject({
    name: z.literal("web_fetch").meta({ description: "The tool this config overrides: `web_fetch`." }),
    type: z.literal("web_fetch").optional().meta({ description: "Optional; repeats the name (`web_fetch`)." }),
    ...toolSwitches,
    allowedDomains: domainList.optional().meta({
      description:
        "Only fetch URLs whose host is one of these domains or a subdomain of one: plain hostnames like `docs.example.com` (no scheme, port or path). 1 to 64 domains (omit the field rather than send an empty list); cannot be combined with `blockedDomains`.",
    }),
    blockedDomains: domainList.optional().meta({
      description:
        "Never fetch URLs whose host is one of these domains or a subdomain of one: plain hostnames like `ads.example.com` (no scheme, port or path). 1 to 64 domains (omit the field rather than send an empty list); cannot be combined with `allowedDomains`.",
    }),
    maxContentTokens: z
      .number()
      .int()
      .positive()
      .optional()
      .meta({ description: "Maximum number of tokens of fetched text content to include in context per call (a positive integer). Does not apply to binary content such as PDFs." }),
    urlSources: z
      .strictObject({
        clientToolResults: urlSourceToolFilter.optional().meta({
          description: 'Which custom tools\' results contribute URLs that may be fetched: `"all"` (the default), `"none"`, or an `only` / `except` list, each name a custom tool in the same tools list.',
        }),
        serverToolResults: urlSourceToolFilter.optional().meta({
          description:
            'Which of the `web_search` and `web_fetch` tools\' results contribute URLs that may be fetched: `"all"` (the default), `"none"`, or an `only` / `except` list, each name `web_search` or `web_fetch`.',
        }),
        userInput: z
          .union([urlSourceShorthand, urlSourceAllOrNone])
          .optional()
          .meta({ description: 'Whether URLs in the text of user messages may be fetched: `"all"` (the default) or `"none"`.' }),
      })
      .optional()
      .meta({
        description:
          'Which sources contribute URLs the tool may fetch (user messages, custom tools\' results, earlier web search and fetch results); each defaults to `"all"`, and setting all three to `"none"` is rejected. Omit to allow every source.',
      }),
  })
  .meta({ description: "Configuration override for the `web_fetch` tool." });
const webSearchToolConfig = z
  .strictObject({
    name: z.literal("web_search").meta({ description: "The tool this config overrides: `web_search`." }),
    type: z.literal("web_search").optional().meta({ description: "Optional; repeats the name (`web_search`)." }),
    ...toolSwitches,
    allowedDomains: domainList.optional().meta({
      description:
        "Only return search results whose host is one of these domains or a subdomain of one: plain hostnames like `docs.example.com` (no scheme or port; an optional path suffix is accepted). 1 to 64 domains; cannot be combined with `blockedDomains`.",
    }),
    blockedDomains: domainList.optional().meta({
      description:
        "Never return search results whose host is one of these domains or a subdomain of one: plain hostnames like `ads.example.com` (no scheme or port; an optional path suffix is accepted). 1 to 64 domains; cannot be combined with `allowedDomains`.",
    }),
    userLocation: z
      .strictObject({
        type: z.literal("approximate").meta({ description: "Location precision; only `approximate` is supported." }),
        city: z.string().optional().meta({ description: "City name." }),
        country: z.string().optional().meta({ description: "Two-letter ISO 3166-1 country code, uppercase." }),
        region: z.string().optional().meta({ description: "Region or state name." }),
        timezone: z.string().optional().meta({ description: "IANA time zone identifier, e.g. `America/Los_Angeles`." }),
      })
      .optional()
      .meta({ description: "Approximate user location for search result localization." }),
  })
  .meta({ description: "Configuration override for the `web_search` tool." });

/** A toolset's `defaultConfig`; the permission policy the API applies when none is given differs by toolset. */
const toolsetDefaultConfig = (what: string, policy: string) =>
  z
    .strictObject({
      enabled: z.boolean().optional().meta({ description: `Whether ${what} are enabled and available to Claude by default. Defaults to true.` }),
      permissionPolicy: permissionPolicy
        .optional()
        .meta({ description: `Default permission policy for ${what}: whether their calls are approved automatically or need confirmation. The API's default here is \`${policy}\`.` }),
    })
    .optional();

export const agentToolsetInput = z
  .strictObject({
    type: always("agent_toolset_20260401"),
    defaultConfig: toolsetDefaultConfig("the toolset's tools", "always_allow").meta({ description: "Default configuration applied to every tool in this set; each tool's config may override it." }),
    configs: z
      .array(z.union([builtinToolConfig, webFetchToolConfig, webSearchToolConfig]))
      .optional()
      .meta({ description: "Per-tool configuration overrides, each naming its tool: `bash`, `edit`, `read`, `write`, `glob`, `grep`, `web_fetch` or `web_search`." }),
  })
  .meta({ description: "The built-in agent toolset (`bash`, `edit`, `read`, `write`, `glob`, `grep`, `web_fetch`, `web_search`): a default config and per-tool overrides." });
export const mcpToolsetInput = z
  .strictObject({
    type: always("mcp_toolset"),
    mcpServerName: z.string().min(1).meta({
      description:
        "Name of the MCP server the tools come from: the `name` of a server in `mcpServers` (for a session that overrides only `tools`, one of the agent's). The API allows 1 to 255 characters.",
    }),
    defaultConfig: toolsetDefaultConfig("the server's tools", "always_ask").meta({ description: "Default configuration for every tool from this server; each tool's config may override it." }),
    configs: z
      .array(
        z
          .strictObject({
            name: z.string().min(1).meta({ description: "Name of the MCP tool to configure. The API allows 1 to 128 characters." }),
            ...toolSwitches,
          })
          .meta({ description: "Configuration override for one tool of the MCP server." }),
      )
      .optional()
      .meta({ description: "Per-tool configuration overrides, each naming an MCP tool." }),
  })
  .meta({ description: "The tools of one MCP server (from `mcpServers`), with a default config and per-tool overrides." });
export const customToolInput = z
  .strictObject({
    type: always("custom"),
    name: z
      .string()
      .regex(/^[A-Za-z0-9_-]{1,128}$/, "1 to 128 letters, digits, `_` or `-` (the API's rule for custom tool names)")
      .meta({ description: "Unique name for the tool: 1 to 128 letters, digits, underscores or hyphens." }),
    description: z.string().meta({ description: "What the tool does, shown to the agent to help it decide when to use the tool." }),
    /** A JSON schema; its contents are the user's and are never re-cased. */
    inputSchema: z
      .looseObject({ type: always("object") })
      .meta({ description: "JSON Schema of the tool's input parameters (an object schema); sent as written, its keys never re-cased." }),
  })
  .meta({
    description:
      "A custom tool, executed by the API client rather than the agent: a call emits an `agent.custom_tool_use` event and the session goes idle until the client sends a `user.custom_tool_result`.",
  });
// An `id` names the type in the generated SDK, where agents and sessions share it.
export const toolInput = z
  .discriminatedUnion("type", [agentToolsetInput, mcpToolsetInput, customToolInput])
  .meta({ id: "Tool", description: "A tool configuration: the built-in agent toolset (`agent_toolset_20260401`), an MCP server's toolset (`mcp_toolset`) or a custom tool (`custom`)." });
export const toolsInput = z.array(toolInput).max(256, "at most 256 tools");

export const mcpServerInput = z
  .strictObject({
    type: always("url"),
    name: z.string().min(1).max(255, "at most 255 characters").meta({ description: "Unique name for this server, referenced by `mcp_toolset` tools (`mcpServerName`). 1 to 255 characters." }),
    url: z.url({ protocol: /^https?$/ }).meta({ description: "Endpoint URL of the MCP server (http or https)." }),
  })
  .meta({ id: "McpServer", description: "A URL-based MCP server connection." });
export const mcpServersInput = z.array(mcpServerInput).max(20, "at most 20 MCP servers");

export const skillInput = z
  .strictObject({
    type: z.enum(["anthropic", "custom"]).meta({ description: "`anthropic`: an Anthropic-managed skill; `custom`: a user-created skill." }),
    skillId: z.string().min(1).meta({ description: "The skill's id: e.g. `xlsx` for an Anthropic skill, the `skill_…` id of a custom one." }),
    version: z.string().min(1).optional().meta({ description: "Version to pin; the latest when omitted." }),
  })
  .meta({ description: "A skill to load in the session container." });

const effortLevel = z.enum(["low", "medium", "high", "xhigh", "max"]);

export const modelInput = z.union([
  z.string().min(1),
  z
    .strictObject({
      id: z.string().min(1).meta({ description: "The model identifier, e.g. `claude-opus-4-7`." }),
      effort: z
        .union([
          effortLevel,
          z.strictObject({ type: effortLevel.meta({ description: "The effort level: `low`, `medium`, `high`, `xhigh` or `max`." }) }).meta({ description: "The object form of an effort level, as the API answers it." }),
        ])
        .optional()
        .meta({
          description:
            "How hard Claude works on each inference call: `low`, `medium`, `high`, `xhigh` or `max`, or the object form `{ type: \"low\" }`. Without it, the model's default effort applies.",
        }),
      speed: z.enum(["standard", "fast"]).optional().meta({
        description: "Inference speed mode: `standard` (the default) or `fast` (significantly faster output at premium pricing; not every model supports it, and the API rejects invalid combinations).",
      }),
      inferenceGeo: z.string().min(1).optional().meta({ description: "Geographic region for model inference. When unset, requests use the workspace's default inference geo." }),
    })
    .meta({ description: "A model config: the model's id and how it runs." }),
]);

type Tools = z.infer<typeof toolsInput>;
type McpServers = z.infer<typeof mcpServersInput>;

// The API's resolved forms (DESIGN §3): what it stores for a declared value, defaults filled in.
// The diff compares these, so that spelling out a default (`permissionPolicy: { type:
// "always_allow" }` on the agent toolset) or a refresh that brought the server's form back shows
// no change. Each is idempotent: a value already resolved stays as it is.

type Loose = Record<string, unknown>;

function flatEffort(effort: unknown): unknown {
  return isRecord(effort) ? effort["type"] : effort;
}

/** `"claude-…"` → `{ id, speed: "standard" }`; `effort` as a bare level. An absent effort is the model's own default, which only the API knows. */
export function resolvedModel(model: unknown): unknown {
  if (typeof model === "string") return { id: model, speed: "standard" };
  if (!isRecord(model)) return model;
  const { effort, speed, ...rest } = model;
  return { ...rest, speed: speed ?? "standard", ...(effort === undefined || effort === null ? {} : { effort: flatEffort(effort) }) };
}

/**
 * Toolsets get their default config (enabled; the agent toolset always allows, an MCP toolset
 * always asks) and each tool config inherits it; the agent toolset's configs carry their `type`;
 * a custom tool's description defaults to "".
 */
export function resolvedTools(tools: unknown): unknown {
  if (!Array.isArray(tools)) return tools;
  return tools.map((tool: unknown) => {
    if (!isRecord(tool)) return tool;
    const type = tool["type"];
    if (type === "agent_toolset_20260401" || type === "mcp_toolset") {
      const declared = isRecord(tool["defaultConfig"]) ? tool["defaultConfig"] : {};
      const defaults = {
        enabled: declared["enabled"] ?? true,
        permissionPolicy: declared["permissionPolicy"] ?? { type: type === "mcp_toolset" ? "always_ask" : "always_allow" },
      };
      const configs = (Array.isArray(tool["configs"]) ? tool["configs"] : []).map((c: unknown) => {
        if (!isRecord(c)) return c;
        const config: Loose = { ...c, enabled: c["enabled"] ?? defaults.enabled, permissionPolicy: c["permissionPolicy"] ?? defaults.permissionPolicy };
        return type === "agent_toolset_20260401" ? { ...config, type: c["type"] ?? c["name"] } : config;
      });
      return { ...tool, defaultConfig: defaults, configs };
    }
    if (type === "custom") return { ...tool, description: tool["description"] ?? "" };
    return tool;
  });
}

/** A skill without a version runs the latest. */
export function resolvedSkills(skills: unknown): unknown {
  if (!Array.isArray(skills)) return skills;
  return skills.map((s: unknown) => (isRecord(s) ? { ...s, version: s["version"] ?? "latest" } : s));
}

/**
 * A model in an update. The API keeps the stored effort when an update omits it, so a program that
 * removed `effort` sends `effort: null` (the model's default); otherwise the model as declared.
 */
export function modelUpdateBody(model: z.infer<typeof modelInput>, old?: unknown): unknown {
  const hadEffort = isRecord(old) && old["effort"] !== undefined && old["effort"] !== null;
  if (!hadEffort || (typeof model !== "string" && model.effort !== undefined)) return apiCased(model);
  return { ...apiCased(typeof model === "string" ? { id: model } : model), effort: null };
}

// ---------------------------------------------------------------------------------------------
// check

function toolsetFailures(tools: Tools | undefined): CheckFailure[] {
  const failures: CheckFailure[] = [];
  (tools ?? []).forEach((tool, i) => {
    if (tool.type !== "agent_toolset_20260401") return;
    (tool.configs ?? []).forEach((config, j) => {
      if ((config.name === "web_fetch" || config.name === "web_search") && config.allowedDomains && config.blockedDomains) {
        failures.push({ property: `tools[${i}].configs[${j}]`, reason: "allowedDomains and blockedDomains cannot be combined" });
      }
      if (config.name === "web_fetch" && config.urlSources) {
        const s = config.urlSources;
        const none = (v: unknown) => v === "none" || (isRecord(v) && v["type"] === "none");
        if (none(s.clientToolResults) && none(s.serverToolResults) && none(s.userInput)) {
          failures.push({ property: `tools[${i}].configs[${j}].urlSources`, reason: 'setting all three url sources to "none" is rejected by the API' });
        }
      }
    });
  });
  return failures;
}

/**
 * The API's rules across tools and MCP servers (also applied to a session's overrides, where a list
 * left out is the agent's own and so not known here: `toolsKnown` / `serversKnown` false skips the
 * rules that need it).
 */
export function toolRuleFailures(
  tools: Tools | undefined,
  mcpServers: McpServers | undefined,
  known: { toolsKnown: boolean; serversKnown: boolean } = { toolsKnown: true, serversKnown: true },
): CheckFailure[] {
  const failures = toolsetFailures(tools);
  const servers = mcpServers ?? [];
  const list = tools ?? [];
  if (containsUnknown(servers) || containsUnknown(list)) return failures;
  const seen = new Set<string>();
  servers.forEach((s, i) => {
    if (seen.has(s.name)) failures.push({ property: `mcpServers[${i}].name`, reason: `duplicate MCP server name ${quote(s.name)}` });
    seen.add(s.name);
  });
  const referenced = new Set<string>();
  list.forEach((t, i) => {
    if (t.type !== "mcp_toolset") return;
    referenced.add(t.mcpServerName);
    if (known.serversKnown && !seen.has(t.mcpServerName)) failures.push({ property: `tools[${i}].mcpServerName`, reason: `no MCP server named ${quote(t.mcpServerName)} in mcpServers` });
  });
  servers.forEach((s, i) => {
    if (known.toolsKnown && !referenced.has(s.name)) {
      failures.push({
        property: `mcpServers[${i}]`,
        reason: `MCP server ${quote(s.name)} is not referenced by any mcp_toolset in tools (the API rejects unreferenced servers)`,
      });
    }
  });
  const customNames = new Set<string>();
  list.forEach((t, i) => {
    if (t.type !== "custom") return;
    if (customNames.has(t.name)) failures.push({ property: `tools[${i}].name`, reason: `duplicate custom tool name ${quote(t.name)}` });
    customNames.add(t.name);
  });
  return failures;
}
