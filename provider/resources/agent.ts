// Agent: a versioned definition (model, system prompt, tools, MCP servers, skills). Every field
// updates in place; each real change makes a new `version` on the server, sent with the old
// `version` for optimistic concurrency. The API has no delete: destroy archives.
import { z } from "zod";
import { agents, type ApiAgent } from "../api/agents";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import { ApiError, NotFoundError } from "../client/errors";
import { takeOver } from "../kit/adopt";
import type { CheckFailure } from "../kit/check";
import type { OperationContext } from "../kit/context";
import { createOrAdopt, type Creatable } from "../kit/create";
import { metadataInput, stampText, userMetadata } from "../kit/metadata";
import { quote } from "../kit/quote";
import { versionedUpdate } from "../kit/update";
import { defineResource, labelOf, refreshedInputs, stateFromApi, type Change, type State } from "../kit/resource";
import { buildPatch, type ApiPatch } from "../kit/diff";
import { defineSpec, field } from "../kit/spec";
import { containsUnknown, emptyAsAbsent, isRecord } from "../kit/values";
import { metadataField, timestampDocs, timestamps } from "./shared";
import { always } from "./docs";

// ---------------------------------------------------------------------------------------------
// Input schema (camelCase, strict: a typo is an error)

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

export const modelInput = z.union([
  z.string().min(1),
  z
    .strictObject({
      id: z.string().min(1).meta({ description: "The model identifier, e.g. `claude-opus-4-7`." }),
      effort: z
        .enum(["low", "medium", "high", "xhigh", "max"])
        .optional()
        .meta({ description: "How hard Claude works on each inference call: `low`, `medium`, `high`, `xhigh` or `max`. Without it, the model's default effort applies." }),
      speed: z.enum(["standard", "fast"]).optional().meta({
        description: "Inference speed mode: `standard` (the default) or `fast` (significantly faster output at premium pricing; not every model supports it, and the API rejects invalid combinations).",
      }),
      inferenceGeo: z.string().min(1).optional().meta({ description: "Geographic region for model inference. When unset, requests use the workspace's default inference geo." }),
    })
    .meta({ description: "A model config: the model's id and how it runs." }),
]);

const agentReference = z
  .strictObject({
    type: always("agent"),
    id: z.string().min(1).meta({ description: "The agent's id." }),
    version: z.number().int().min(1).optional().meta({ description: "The agent version to use (at least 1); the latest when omitted." }),
  })
  .meta({ id: "AgentReference", description: "A saved agent, optionally at a specific version." });
const selfReference = z.strictObject({ type: always("self") }).meta({ id: "SelfReference", description: "The agent that owns this configuration (resolved by the API to a concrete agent reference)." });
const enabledOrDisabled = z.strictObject({ type: z.enum(["enabled", "disabled"]).meta({ description: "`enabled` or `disabled`." }) });
const subagentsOrWorkflows = z
  .union([
    z
      .strictObject({
        type: always("enabled"),
        inlineAgents: enabledOrDisabled.optional().meta({ description: "Whether inline agents, which the agent defines itself and which are not saved, may be used. Defaults to enabled." }),
        predefinedAgents: z.array(z.union([z.string().min(1), agentReference, selfReference])).max(20, "at most 20 agents").optional().meta({
          description:
            "Saved agents that may be used: agent ids, `agent` references or `self`. The API allows at most 20; omitted or empty, none. Separate from the other member's list.",
        }),
      })
      .meta({ description: "Enabled. If `inlineAgents` is disabled, `predefinedAgents` must name at least one agent." }),
    z.strictObject({ type: always("disabled") }).meta({ description: "Disabled." }),
  ])
  .meta({
    id: "MultiagentMembers",
    description:
      "A member of a `multiagent_20261001` configuration, enabled (with the agents it may use) or disabled: `subagents` (the agent spawns session threads) or `workflows` (the agent starts workflow runs, each following a plan it writes).",
  });
const multiagentInput = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: always("coordinator"),
      agents: z
        .array(
          z.union([
            z.string().min(1),
            agentReference,
            selfReference,
            z
              .strictObject({
                type: always("advisor"),
                model: z.string().min(1).meta({ description: "A Claude model id; it must be permitted as an advisor for this agent's model." }),
              })
              .meta({ description: "A platform advisor: a model the primary thread may consult mid-turn (at most one per roster)." }),
          ]),
        )
        .min(1)
        .max(20, "at most 20 agents")
        .meta({
          description:
            "Agents the coordinator may spawn as session threads: 1 to 20 entries, each an agent id, an `agent` reference, `self` or an `advisor`. Entries must reference distinct agents (at most one `self`), which must exist, not be archived and not have `multiagent` set themselves.",
        }),
    })
    .meta({
      description:
        "A coordinator topology: the session's primary thread orchestrates work by spawning session threads, each running an agent from `agents`. The API recommends `multiagent_20261001` instead.",
    }),
  z
    .strictObject({
      type: always("multiagent_20261001"),
      advisor: z
        .union([
          z
            .strictObject({
              type: always("enabled"),
              model: z.string().min(1).meta({ description: "A Claude model id; it must be permitted as an advisor for this agent's model." }),
            })
            .meta({ description: "The session's primary thread can consult `model` mid-turn." }),
          z.strictObject({ type: always("disabled") }).meta({ description: "The agent has no advisor." }),
        ])
        .optional()
        .meta({ description: "Whether the session's primary thread can consult an advisor model. Defaults to disabled." }),
      subagents: subagentsOrWorkflows.optional().meta({ description: "Whether the agent can spawn session threads, each running a predefined or an inline agent. Defaults to enabled." }),
      workflows: subagentsOrWorkflows.optional().meta({ description: "Whether the agent can start workflow runs, each following a plan the agent writes. Defaults to enabled." }),
    })
    .meta({ description: "Multiagent configuration with three members, `advisor`, `subagents` and `workflows`, each enabled or disabled on its own." }),
]);

const executionIdentityInput = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: always("aws_role"),
      roleArn: z.string().min(1).max(2048, "at most 2,048 characters").meta({ description: "The IAM role's ARN (`arn:aws:iam::…:role/…`). At most 2,048 characters." }),
    })
    .meta({ description: "An AWS IAM role principal." }),
  z.strictObject({ type: always("service_account") }).meta({ description: "The Anthropic-managed service account: the default execution principal, carrying no identifier." }),
]);

/** The fields of the API's create call, camelCased. */
export const agentDefinition = z.strictObject({
  name: z.string().min(1, "name must not be empty"),
  model: modelInput,
  system: z.string().optional(),
  description: z.string().optional(),
  tools: toolsInput.optional(),
  mcpServers: mcpServersInput.optional(),
  skills: z.array(skillInput).optional(),
  metadata: metadataInput.optional(),
  multiagent: multiagentInput.optional(),
  executionIdentity: executionIdentityInput.optional(),
});

export const agentInputs = agentDefinition.extend({
  adoptId: z.string().regex(/^agent_\w+$/, "must be an agent id (agent_...)").optional(),
});

export type AgentDefinition = z.infer<typeof agentDefinition>;
export type AgentInputs = z.infer<typeof agentInputs>;
export type AgentCreateBody = ApiCased<AgentDefinition>;
/** What an update sends: the changed fields, the version it is based on (and the write token). */
export type AgentUpdateBody = ApiPatch<AgentDefinition> & { version: number };

// ---------------------------------------------------------------------------------------------
// Outputs

/** The agent as the API stores it (defaults filled in), camelCased, without the provider's token. */
export const resolvedAgent = z.object({
  name: z.string(),
  model: z.union([z.string(), z.looseObject({ id: z.string() })]),
  system: z.string().nullable(),
  description: z.string().nullable(),
  tools: z.array(z.looseObject({ type: z.string() })),
  mcpServers: z.array(z.looseObject({ name: z.string() })),
  skills: z.array(z.looseObject({ type: z.string() })),
  metadata: z.record(z.string(), z.string()),
  multiagent: z.looseObject({ type: z.string() }).nullable(),
  executionIdentity: z.looseObject({ type: z.string() }).nullable(),
});
export type ResolvedAgent = z.infer<typeof resolvedAgent>;

export const agentOutputs = z.object({
  version: z.number().int(),
  ...timestamps,
  resolved: resolvedAgent,
});
export type AgentOutputs = z.infer<typeof agentOutputs>;

// ---------------------------------------------------------------------------------------------
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
export function modelUpdateBody(model: AgentDefinition["model"], old?: unknown): unknown {
  const hadEffort = isRecord(old) && old["effort"] !== undefined && old["effort"] !== null;
  if (!hadEffort || (typeof model !== "string" && model.effort !== undefined)) return apiCased(model);
  return { ...apiCased(typeof model === "string" ? { id: model } : model), effort: null };
}

// ---------------------------------------------------------------------------------------------
// The spec: what each field's change does

const clears = { removal: "clears" } as const;

export const agentSpec = defineSpec({
  kind: "Agent",
  summary:
    "A versioned definition of model, system prompt, tools, MCP servers and skills. Every change is an update in place: the API makes a new `version` of the same agent (the provider sends the old `version`, so a concurrent change outside Pulumi is detected). A change that makes no real difference makes no call and no new version. Nothing replaces an agent. Destroy archives it (the API has no delete).",
  inputs: agentInputs,
  updateText: "new version",
  fields: {
    name: field.update({ text: "Human-readable name; must be non-empty.", type: "string" }),
    model: field.update(
      {
        text: 'Model identifier (e.g. `"claude-opus-4-7"`) or a model config `{ id, effort?, speed?, inferenceGeo? }`. Without `effort` the model\'s default effort applies (removing `effort` restores it).',
        type: '`"claude-…"` or `{ id, effort?, speed?, inferenceGeo? }`',
        change: "the whole model config is sent (`effort: null` when none is declared)",
      },
      { resolve: resolvedModel, api: { encode: modelUpdateBody } },
    ),
    system: field.update({ text: "System prompt.", type: "string" }, clears),
    description: field.update({ text: "What the agent does.", type: "string" }, clears),
    tools: field.update(
      {
        text: "Tools: the agent toolset (`agent_toolset_20260401`, with `defaultConfig` and per-tool `configs` incl. web fetch/search `allowedDomains` / `blockedDomains` / `urlSources` / `userLocation`), MCP toolsets (`mcp_toolset`, naming a server in `mcpServers`) and custom tools (`custom`, whose `inputSchema` JSON schema is sent as written). At most 256.",
        type: "list of `agent_toolset_20260401`, `mcp_toolset`, `custom` tools",
        change: "full replacement of the list; a default spelled out (e.g. `permissionPolicy: { type: \"always_allow\" }` on the agent toolset) is no change",
      },
      { ...clears, resolve: resolvedTools },
    ),
    mcpServers: field.update(
      {
        text: "MCP servers (`{ type: \"url\", name, url }`), at most 20, names unique, each referenced by an `mcp_toolset` in `tools`.",
        type: "list of `{ type: \"url\", name, url }`",
        change: "full replacement",
      },
      clears,
    ),
    skills: field.update(
      { text: "Skills (`{ type: \"anthropic\" | \"custom\", skillId, version? }`); without `version`, the latest.", type: "list of `{ type, skillId, version? }`", change: "full replacement" },
      { ...clears, resolve: resolvedSkills },
    ),
    metadata: metadataField(),
    multiagent: field.update(
      { text: "Multiagent orchestration (`coordinator` or `multiagent_20261001`).", type: "`{ type: \"coordinator\", agents }` or `{ type: \"multiagent_20261001\", … }`", change: "full replacement" },
      clears,
    ),
    executionIdentity: field.update(
      { text: "Execution principal: `{ type: \"aws_role\", roleArn }` or `{ type: \"service_account\" }` (the default).", type: "`{ type: \"aws_role\", roleArn }` or `{ type: \"service_account\" }`", change: "removing it restores the default" },
      { removal: "clears", serverDefault: { type: "service_account" } },
    ),
    adoptId: field.createOnly({
      text: "Adopt an existing agent (`agent_…`) instead of creating one: create reads it and updates it to the declared state (a new version only if something differs). Dynamic providers cannot use `pulumi import`; this is the replacement.",
      type: "`agent_…`",
    }),
  },
  outputs: agentOutputs,
  outputDocs: {
    version: "The current version: 1 at creation, +1 per real change.",
    ...timestampDocs("agent"),
    resolved: "Not an output: what the provider last saw of the agent, kept in state as hidden digests (refresh compares them).",
  },
});

// ---------------------------------------------------------------------------------------------
// check

function toolsetFailures(tools: AgentDefinition["tools"]): CheckFailure[] {
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
  tools: AgentDefinition["tools"],
  mcpServers: AgentDefinition["mcpServers"],
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

// ---------------------------------------------------------------------------------------------
// Body builders (pure)

/** The create body; the kit stamps it with the create token (kit/create.ts). */
export function buildAgentCreateBody(inputs: AgentInputs): AgentCreateBody & { metadata: Record<string, string> } {
  const { adoptId: _adopt, ...definition } = inputs;
  return { ...apiCased(definition), metadata: inputs.metadata ?? {} };
}

/**
 * The update body: only what changed (the kit adds the old `version` and the write token). Null
 * when nothing the API stores changed, so that no call is made and no version is created.
 */
export function buildAgentUpdateBody(olds: State<AgentInputs, AgentOutputs>, change: Change<AgentInputs>): ApiPatch<AgentDefinition> | null {
  return buildPatch<ApiPatch<AgentDefinition>>(agentSpec, olds.inputs, change.inputs, change.changes);
}

// ---------------------------------------------------------------------------------------------
// Outputs and drift

export function resolvedView(api: ApiAgent): ResolvedAgent {
  return resolvedAgent.parse({
    name: api.name,
    model: fromApiCase(api.model),
    system: api.system ?? null,
    description: api.description ?? null,
    tools: fromApiCase(api.tools ?? []),
    mcpServers: fromApiCase(api.mcp_servers ?? []),
    skills: fromApiCase(api.skills ?? []),
    metadata: userMetadata(api.metadata),
    multiagent: fromApiCase(api.multiagent ?? null),
    executionIdentity: fromApiCase(api.execution_identity ?? null),
  });
}

/** A value the API returned, in the form a user would have declared it. */
function asDeclared(name: string, value: unknown): unknown {
  value = emptyAsAbsent(value);
  if (name === "model" && isRecord(value)) {
    const { effort, ...rest } = value;
    const flat = isRecord(effort) ? effort["type"] : effort;
    return flat === undefined ? rest : { ...rest, effort: flat };
  }
  return value;
}

function outputsOf(api: ApiAgent): AgentOutputs {
  return { version: api.version, createdAt: api.created_at, updatedAt: api.updated_at, archivedAt: api.archived_at ?? null, resolved: resolvedView(api) };
}

/** The agent as state would record it if Pulumi had made it (adoption compares against this). */
function stateOf(api: ApiAgent): State<AgentInputs, AgentOutputs> {
  return stateFromApi({ spec: agentSpec, api, resolved: resolvedView(api), asDeclared, outputs: outputsOf(api) });
}

// ---------------------------------------------------------------------------------------------
// Hooks

const label = (inputs: Partial<AgentInputs>, id?: string) => labelOf("agent", inputs.name, id);

const creatable: Creatable<ApiAgent> = { endpoints: agents };

function conflictHint(id: string, version: number): (status: number) => string | undefined {
  return (status) =>
    status === 409
      ? `Agent ${id} was changed outside Pulumi: its version is no longer ${version}. Run \`pulumi refresh\` to take in the current agent (the next preview then shows the difference), then \`pulumi up\` to apply your program again`
      : undefined;
}

async function updateAgent(ctx: OperationContext, id: string, olds: State<AgentInputs, AgentOutputs>, change: Change<AgentInputs>): Promise<Partial<AgentOutputs>> {
  const version = olds.outputs.version;
  if (version === undefined) throw new Error(`update ${label(change.inputs, id)}: the state records no version; run \`pulumi refresh\``);
  const body = buildAgentUpdateBody(olds, change);
  if (!body) return olds.outputs;
  const operation = `update ${label(change.inputs, id)}`;
  const api = await versionedUpdate({
    spec: agentSpec,
    id,
    version,
    body,
    olds,
    write: (stamped) => agents.update(ctx, operation, id, stamped, conflictHint(id, version)),
    read: () => agents.retrieve(ctx, `${operation} (checking whether the conflict is our own earlier write)`, id),
  });
  return outputsOf(api);
}

async function archive(ctx: OperationContext, operation: string, id: string): Promise<void> {
  try {
    await agents.archive(ctx, operation, id);
  } catch (error) {
    if (error instanceof NotFoundError) return;
    if (error instanceof ApiError && error.status < 500) {
      // Archiving an archived agent is refused; that is the state we want.
      const current = await agents.retrieve(ctx, operation, id);
      if (!current || current.archived_at) return;
    }
    throw error;
  }
}

async function adopt(ctx: OperationContext, id: string, inputs: AgentInputs): Promise<{ id: string; outputs: AgentOutputs }> {
  const operation = `adopt ${label(inputs, id)}`;
  const current = await agents.retrieve(ctx, operation, id);
  if (!current) throw new Error(`${operation}: adoptId ${id} names no agent that this API key can see`);
  if (current.archived_at) throw new Error(`${operation}: agent ${id} is archived (at ${current.archived_at}) and cannot be adopted`);
  return settle(ctx, current, inputs);
}

/** An existing agent brought to the declared state (agents never need replacing). */
async function settle(ctx: OperationContext, api: ApiAgent, inputs: AgentInputs, unrecordedStamp?: string): Promise<{ id: string; outputs: AgentOutputs }> {
  const taken = await takeOver({ spec: agentSpec, ctx, id: api.id, current: stateOf(api), inputs, update: updateAgent, ...(unrecordedStamp ? { unrecordedStamp } : {}) });
  if (taken.kind === "incompatible") throw new Error(`agent ${api.id}: cannot take it over (${taken.fields.join(", ")} would need a new agent)`);
  return { id: api.id, outputs: { ...outputsOf(api), ...taken.outputs } };
}

export const agentResource = defineResource(agentSpec, {
  crossCheck: (inputs) => toolRuleFailures(inputs.tools, inputs.mcpServers),

  async create(ctx, inputs, identity) {
    if (inputs.adoptId !== undefined) return adopt(ctx, inputs.adoptId, inputs);
    return createOrAdopt({
      ctx,
      operation: `create ${label(inputs)}`,
      creatable,
      identity,
      body: buildAgentCreateBody(inputs),
      adopt: (found) => settle(ctx, found, inputs, stampText(identity)),
      dispose: (found) => archive(ctx, `archive a duplicate of ${label(inputs, found.id)}`, found.id),
      outputs: outputsOf,
    });
  },

  async read(ctx, id, state) {
    const api = await agents.retrieve(ctx, `read ${label(state.inputs, id)}`, id);
    if (!api || api.archived_at) return undefined;
    return { inputs: refreshedInputs(agentSpec, state, resolvedView(api), asDeclared), outputs: outputsOf(api) };
  },

  update: updateAgent,

  delete: (ctx, id, state) => archive(ctx, `archive ${label(state.inputs, id)}`, id),
});
