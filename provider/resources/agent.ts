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
import { buildPatch, defineSpec, field, type ApiPatch } from "../kit/spec";
import { containsUnknown, emptyAsAbsent, isRecord } from "../kit/values";

// ---------------------------------------------------------------------------------------------
// Input schema (camelCase, strict: a typo is an error)

const permissionPolicy = z.strictObject({ type: z.enum(["always_allow", "always_ask", "auto"]) });

const toolSwitches = {
  enabled: z.boolean().optional(),
  permissionPolicy: permissionPolicy.optional(),
};

const domainList = z
  .array(z.string().min(1))
  .min(1, "an empty domain list is rejected by the API; omit the field instead")
  .max(64, "at most 64 domains");

const toolReference = z.strictObject({ type: z.literal("tool_reference"), name: z.string().min(1) });
const urlSourceShorthand = z.enum(["all", "none"]);
const urlSourceToolFilter = z
  .union([
    urlSourceShorthand,
    z.strictObject({ type: urlSourceShorthand }),
    z.strictObject({ type: z.enum(["only", "except"]), tools: z.array(toolReference).min(1).max(128) }),
  ])
  .meta({ id: "UrlSourceToolFilter" });

/** A built-in tool's config; `type`, optional in the API's params, repeats the name. */
const builtin = <N extends string>(name: N) => z.strictObject({ name: z.literal(name), type: z.literal(name).optional(), ...toolSwitches });
const builtinToolConfig = z.union([builtin("bash"), builtin("edit"), builtin("read"), builtin("write"), builtin("glob"), builtin("grep")]);
const webFetchToolConfig = z.strictObject({
  name: z.literal("web_fetch"),
  type: z.literal("web_fetch").optional(),
  ...toolSwitches,
  allowedDomains: domainList.optional(),
  blockedDomains: domainList.optional(),
  maxContentTokens: z.number().int().positive().optional(),
  urlSources: z
    .strictObject({
      clientToolResults: urlSourceToolFilter.optional(),
      serverToolResults: urlSourceToolFilter.optional(),
      userInput: z.union([urlSourceShorthand, z.strictObject({ type: urlSourceShorthand })]).optional(),
    })
    .optional(),
});
const webSearchToolConfig = z.strictObject({
  name: z.literal("web_search"),
  type: z.literal("web_search").optional(),
  ...toolSwitches,
  allowedDomains: domainList.optional(),
  blockedDomains: domainList.optional(),
  userLocation: z
    .strictObject({
      type: z.literal("approximate"),
      city: z.string().optional(),
      country: z.string().optional(),
      region: z.string().optional(),
      timezone: z.string().optional(),
    })
    .optional(),
});

const toolsetDefaultConfig = z.strictObject(toolSwitches);

export const agentToolsetInput = z.strictObject({
  type: z.literal("agent_toolset_20260401"),
  defaultConfig: toolsetDefaultConfig.optional(),
  configs: z.array(z.union([builtinToolConfig, webFetchToolConfig, webSearchToolConfig])).optional(),
});
export const mcpToolsetInput = z.strictObject({
  type: z.literal("mcp_toolset"),
  mcpServerName: z.string().min(1),
  defaultConfig: toolsetDefaultConfig.optional(),
  configs: z.array(z.strictObject({ name: z.string().min(1), ...toolSwitches })).optional(),
});
export const customToolInput = z.strictObject({
  type: z.literal("custom"),
  name: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, "1 to 128 letters, digits, `_` or `-` (the API's rule for custom tool names)"),
  description: z.string(),
  /** A JSON schema; its contents are the user's and are never re-cased. */
  inputSchema: z.looseObject({ type: z.literal("object") }),
});
// An `id` names the type in the generated SDK, where agents and sessions share it.
export const toolInput = z.discriminatedUnion("type", [agentToolsetInput, mcpToolsetInput, customToolInput]).meta({ id: "Tool" });
export const toolsInput = z.array(toolInput).max(256, "at most 256 tools");

export const mcpServerInput = z
  .strictObject({
    type: z.literal("url"),
    name: z.string().min(1).max(255, "at most 255 characters"),
    url: z.url({ protocol: /^https?$/ }),
  })
  .meta({ id: "McpServer" });
export const mcpServersInput = z.array(mcpServerInput).max(20, "at most 20 MCP servers");

export const skillInput = z.strictObject({
  type: z.enum(["anthropic", "custom"]),
  skillId: z.string().min(1),
  version: z.string().min(1).optional(),
});

export const modelInput = z.union([
  z.string().min(1),
  z.strictObject({
    id: z.string().min(1),
    effort: z.enum(["low", "medium", "high", "xhigh", "max"]).optional(),
    speed: z.enum(["standard", "fast"]).optional(),
    inferenceGeo: z.string().min(1).optional(),
  }),
]);

const agentReference = z.strictObject({ type: z.literal("agent"), id: z.string().min(1), version: z.number().int().min(1).optional() });
const selfReference = z.strictObject({ type: z.literal("self") });
const enabledOrDisabled = z.strictObject({ type: z.enum(["enabled", "disabled"]) });
const subagentsOrWorkflows = z
  .union([
    z.strictObject({
      type: z.literal("enabled"),
      inlineAgents: enabledOrDisabled.optional(),
      predefinedAgents: z.array(z.union([z.string().min(1), agentReference, selfReference])).max(20, "at most 20 agents").optional(),
    }),
    z.strictObject({ type: z.literal("disabled") }),
  ])
  .meta({ id: "MultiagentMembers" });
const multiagentInput = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("coordinator"),
    agents: z
      .array(
        z.union([
          z.string().min(1),
          agentReference,
          selfReference,
          z.strictObject({ type: z.literal("advisor"), model: z.string().min(1) }),
        ]),
      )
      .min(1)
      .max(20, "at most 20 agents"),
  }),
  z.strictObject({
    type: z.literal("multiagent_20261001"),
    advisor: z
      .union([z.strictObject({ type: z.literal("enabled"), model: z.string().min(1) }), z.strictObject({ type: z.literal("disabled") })])
      .optional(),
    subagents: subagentsOrWorkflows.optional(),
    workflows: subagentsOrWorkflows.optional(),
  }),
]);

const executionIdentityInput = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("aws_role"), roleArn: z.string().min(1).max(2048, "at most 2,048 characters") }),
  z.strictObject({ type: z.literal("service_account") }),
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
  createdAt: z.string(),
  updatedAt: z.string(),
  archivedAt: z.string().nullable(),
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
    metadata: field.update(
      {
        text: "Free-form string pairs; keys are sent as written. At most 15 pairs (the API allows 16; the provider keeps `pulumi-write-token`), keys up to 64 characters, values up to 512.",
        type: "map of string → string",
        change: "sent as a patch (removed keys are deleted)",
      },
      { api: { patch: true } },
    ),
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
    createdAt: "RFC 3339 creation time.",
    updatedAt: "RFC 3339 time of the last change.",
    archivedAt: "RFC 3339 archive time; null while the agent is live.",
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
