// Agent: a versioned definition (model, system prompt, tools, MCP servers, skills). Every field
// updates in place; each real change makes a new `version` on the server, sent with the old
// `version` for optimistic concurrency. The API has no delete: destroy archives.
import { z } from "zod";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase, snakeCase } from "../casing";
import { ApiError, NotFoundError } from "../client/errors";
import type { ApiClient } from "../client/http-client";
import { encodedPath } from "../client/path";
import {
  checkWithSchema,
  containsUnknown,
  CREATE_TOKEN_KEY,
  emptyAsAbsent,
  inputsAfterRefresh,
  lifecycleOutputs,
  pickDeclared,
  metadataInput,
  metadataPatch,
  diffByTable,
  outputsWithoutCall,
  sameValue,
  toPulumiProps,
  withoutCreateToken,
  type CheckFailure,
  type HookContext,
  type Props,
  type ResourceHooks,
} from "./common";
import { createWithToken, newCreateToken, retrieveOrGone, type WithCreateToken } from "./create-token";

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
const urlSourceToolFilter = z.union([
  urlSourceShorthand,
  z.strictObject({ type: urlSourceShorthand }),
  z.strictObject({ type: z.enum(["only", "except"]), tools: z.array(toolReference).min(1).max(128) }),
]);

const builtinToolConfig = z.strictObject({
  name: z.enum(["bash", "edit", "read", "write", "glob", "grep"]),
  ...toolSwitches,
});
const webFetchToolConfig = z.strictObject({
  name: z.literal("web_fetch"),
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
  name: z.string().min(1),
  description: z.string(),
  /** A JSON schema; its contents are the user's and are never re-cased. */
  inputSchema: z.looseObject({ type: z.literal("object") }),
});
export const toolInput = z.discriminatedUnion("type", [agentToolsetInput, mcpToolsetInput, customToolInput]);

export const mcpServerInput = z.strictObject({
  type: z.literal("url"),
  name: z.string().min(1),
  url: z.url({ protocol: /^https?$/ }),
});

const skillInput = z.strictObject({
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
const subagentsOrWorkflows = z.union([
  z.strictObject({
    type: z.literal("enabled"),
    inlineAgents: enabledOrDisabled.optional(),
    predefinedAgents: z.array(z.union([z.string().min(1), agentReference, selfReference])).optional(),
  }),
  z.strictObject({ type: z.literal("disabled") }),
]);
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
      .min(1),
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
  z.strictObject({ type: z.literal("aws_role"), roleArn: z.string().min(1) }),
  z.strictObject({ type: z.literal("service_account") }),
]);

/** The fields of the API's create call, camelCased. */
export const agentDefinition = z.strictObject({
  name: z.string().min(1, "name must not be empty"),
  model: modelInput,
  system: z.string().optional(),
  description: z.string().optional(),
  tools: z.array(toolInput).max(256, "at most 256 tools").optional(),
  mcpServers: z.array(mcpServerInput).max(20, "at most 20 MCP servers").optional(),
  skills: z.array(skillInput).optional(),
  metadata: metadataInput.optional(),
  multiagent: multiagentInput.optional(),
  executionIdentity: executionIdentityInput.optional(),
});

export const agentInputs = agentDefinition.extend({
  /** Adopt this existing agent instead of creating one (dynamic providers cannot `import`). */
  adoptId: z.string().regex(/^agent_\w+$/, "must be an agent id (agent_...)").optional(),
});

export type AgentDefinition = z.infer<typeof agentDefinition>;
export type AgentInputs = z.infer<typeof agentInputs>;
export type AgentCreateBody = ApiCased<AgentDefinition>;

/** Fields that define the agent; `adoptId` only matters at create. */
export const AGENT_FIELDS = [
  "name",
  "model",
  "system",
  "description",
  "tools",
  "mcpServers",
  "skills",
  "metadata",
  "multiagent",
  "executionIdentity",
] as const satisfies ReadonlyArray<keyof AgentDefinition>;
type AgentField = (typeof AGENT_FIELDS)[number];

/** No field of an agent forces replacement: each change is a new version of the same agent. */
export const AGENT_REPLACE_FIELDS: readonly AgentField[] = [];

// ---------------------------------------------------------------------------------------------
// API model (snake_case, loose: a new server field never breaks a refresh)

export const apiAgent = z.looseObject({
  id: z.string(),
  type: z.literal("agent").optional(),
  version: z.number().int(),
  name: z.string(),
  model: z.union([z.string(), z.looseObject({ id: z.string() })]),
  system: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
  mcp_servers: z.array(z.looseObject({ name: z.string() })).optional(),
  skills: z.array(z.looseObject({ type: z.string() })).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  multiagent: z.looseObject({ type: z.string() }).nullable().optional(),
  execution_identity: z.looseObject({ type: z.string() }).nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiAgent = z.infer<typeof apiAgent>;

// ---------------------------------------------------------------------------------------------
// check

function toolsetFailures(tools: AgentDefinition["tools"]): CheckFailure[] {
  const failures: CheckFailure[] = [];
  (tools ?? []).forEach((tool, i) => {
    if (tool.type !== "agent_toolset_20260401") return;
    (tool.configs ?? []).forEach((config, j) => {
      if ((config.name === "web_fetch" || config.name === "web_search") && config.allowedDomains && config.blockedDomains) {
        failures.push({
          property: `tools[${i}].configs[${j}]`,
          reason: "allowedDomains and blockedDomains cannot be combined",
        });
      }
      if (config.name === "web_fetch" && config.urlSources) {
        const s = config.urlSources;
        const none = (v: unknown) => v === "none" || (typeof v === "object" && v !== null && (v as { type?: unknown }).type === "none");
        if (none(s.clientToolResults) && none(s.serverToolResults) && none(s.userInput)) {
          failures.push({
            property: `tools[${i}].configs[${j}].urlSources`,
            reason: 'setting all three url sources to "none" is rejected by the API',
          });
        }
      }
    });
  });
  return failures;
}

/** The API's cross-field rules, checked before any call so that `preview` fails early. */
export function agentCrossFieldFailures(inputs: AgentDefinition): CheckFailure[] {
  const failures = toolsetFailures(inputs.tools);
  const servers = inputs.mcpServers ?? [];
  const tools = inputs.tools ?? [];
  if (containsUnknown(servers) || containsUnknown(tools)) return failures;
  const seen = new Set<string>();
  servers.forEach((s, i) => {
    if (seen.has(s.name)) failures.push({ property: `mcpServers[${i}].name`, reason: `duplicate MCP server name "${s.name}"` });
    seen.add(s.name);
  });
  const referenced = new Set<string>();
  tools.forEach((t, i) => {
    if (t.type !== "mcp_toolset") return;
    referenced.add(t.mcpServerName);
    if (!seen.has(t.mcpServerName)) {
      failures.push({
        property: `tools[${i}].mcpServerName`,
        reason: `no MCP server named "${t.mcpServerName}" in mcpServers`,
      });
    }
  });
  servers.forEach((s, i) => {
    if (!referenced.has(s.name)) {
      failures.push({
        property: `mcpServers[${i}]`,
        reason: `MCP server "${s.name}" is not referenced by any mcp_toolset in tools (the API rejects unreferenced servers)`,
      });
    }
  });
  const customNames = new Set<string>();
  tools.forEach((t, i) => {
    if (t.type !== "custom") return;
    if (customNames.has(t.name)) failures.push({ property: `tools[${i}].name`, reason: `duplicate custom tool name "${t.name}"` });
    customNames.add(t.name);
  });
  return failures;
}

// ---------------------------------------------------------------------------------------------
// Body builders (pure)

function definitionOf(inputs: Props): AgentDefinition {
  return pickDeclared(inputs, AGENT_FIELDS) as AgentDefinition;
}

export function buildAgentCreateBody(inputs: AgentDefinition, createToken: string): WithCreateToken<AgentCreateBody> {
  return { ...apiCased(definitionOf(inputs as Props)), metadata: { ...(inputs.metadata ?? {}), [CREATE_TOKEN_KEY]: createToken } };
}

/** Fields an update may clear with null; `name` and `model` cannot be cleared. */
type ClearableField = "system" | "description" | "tools" | "mcp_servers" | "skills" | "multiagent" | "execution_identity";

export type AgentUpdateBody = Partial<Pick<AgentCreateBody, "name" | "model">> &
  Partial<{ [K in ClearableField]: AgentCreateBody[K] | null }> & {
    metadata?: Record<string, string | null>;
    version: number;
  };

/**
 * The update body: only what changed, with the old `version`. An optional field that was removed is
 * cleared (null); metadata is a patch (removed keys are sent as null). Returns null when nothing
 * changed, so that no call is made and no version is created.
 */
export function buildAgentUpdateBody(olds: Props, news: AgentDefinition, version: number): AgentUpdateBody | null {
  const body: Record<string, unknown> = {};
  const newProps = news as Props;
  for (const f of AGENT_FIELDS) {
    if (sameValue(olds[f], newProps[f])) continue;
    if (f === "metadata") {
      body["metadata"] = metadataPatch(
        olds["metadata"] as Record<string, string> | undefined,
        news.metadata,
      );
      continue;
    }
    const value = newProps[f];
    body[snakeCase(f)] = value === undefined ? null : apiCased(value);
  }
  if (Object.keys(body).length === 0) return null;
  return { ...body, version } as AgentUpdateBody;
}

// ---------------------------------------------------------------------------------------------
// Outputs and drift

type ResolvedAgent = Record<AgentField, unknown>;

/** The agent as the API stores it (defaults filled in), camelCased, without our create token. */
export function resolvedView(api: ApiAgent): ResolvedAgent {
  return {
    name: api.name,
    model: fromApiCase(api.model),
    system: api.system ?? null,
    description: api.description ?? null,
    tools: fromApiCase(api.tools ?? []),
    mcpServers: fromApiCase(api.mcp_servers ?? []),
    skills: fromApiCase(api.skills ?? []),
    metadata: withoutCreateToken(api.metadata ?? {}),
    multiagent: fromApiCase(api.multiagent ?? null),
    executionIdentity: fromApiCase(api.execution_identity ?? null),
  };
}

/** A value the API returned, in the form a user would have declared it. */
function asDeclared(field: AgentField, value: unknown): unknown {
  value = emptyAsAbsent(value);
  if (field === "model" && typeof value === "object" && value !== null) {
    const { effort, ...rest } = value as { effort?: { type?: string } | string };
    const flat = typeof effort === "object" && effort !== null ? effort.type : effort;
    return flat === undefined ? rest : { ...rest, effort: flat };
  }
  return value;
}

const DECLARED_FIELDS = [...AGENT_FIELDS, "adoptId"];


const COMPUTED_OUTPUTS = ["version", "createdAt", "updatedAt", "archivedAt", "resolved"] as const;

export function agentOutputs(inputs: Props, api: ApiAgent): Props {
  return toPulumiProps({
    // Inputs are echoed into outputs under the same keys, so that diff compares like with like.
    ...pickDeclared(inputs, DECLARED_FIELDS),
    version: api.version,
    ...lifecycleOutputs(api),
    resolved: resolvedView(api),
  });
}

/** The inputs that describe what the agent holds now (see `inputsAfterRefresh` in common.ts). */
export function agentInputsAfterRefresh(props: Props, api: ApiAgent): Props {
  const inputs = inputsAfterRefresh({
    fields: AGENT_FIELDS,
    declared: props,
    lastSeen: props["resolved"] as Partial<ResolvedAgent> | undefined,
    fresh: resolvedView(api),
    asDeclared,
  });
  return props["adoptId"] === undefined ? inputs : { ...inputs, adoptId: props["adoptId"] };
}

// ---------------------------------------------------------------------------------------------
// Hooks

function label(inputs: Props, id?: string): string {
  const name = typeof inputs["name"] === "string" ? ` "${inputs["name"]}"` : "";
  return `agent${name}${id ? ` (${id})` : ""}`;
}

function retrieve(client: ApiClient, id: string, operation: string): Promise<ApiAgent | undefined> {
  return retrieveOrGone(client, encodedPath`/v1/agents/${id}`, apiAgent, operation);
}

function createAgent(client: ApiClient, inputs: AgentDefinition): Promise<ApiAgent> {
  return createWithToken({
    client,
    operation: `create ${label(inputs as Props)}`,
    path: "/v1/agents",
    body: buildAgentCreateBody(inputs, newCreateToken()),
    schema: apiAgent,
  });
}

function conflictHint(id: string, version: unknown): (status: number) => string | undefined {
  return (status) =>
    status === 409
      ? `Agent ${id} was changed outside Pulumi: its version is no longer ${String(version)}. Run \`pulumi refresh\` to take in the current agent (the next preview then shows the difference), then \`pulumi up\` to apply your program again`
      : undefined;
}

async function adoptAgent(client: ApiClient, id: string, inputs: AgentDefinition): Promise<ApiAgent> {
  const operation = `adopt ${label(inputs as Props, id)}`;
  const current = await retrieve(client, id, operation);
  if (!current) throw new Error(`${operation}: adoptId ${id} names no agent that this API key can see`);
  if (current.archived_at) throw new Error(`${operation}: agent ${id} is archived (at ${current.archived_at}) and cannot be adopted`);
  // Compare against the server's view so that only real differences are sent.
  const serverAsInputs: Props = {};
  const fresh = resolvedView(current);
  for (const f of AGENT_FIELDS) serverAsInputs[f] = asDeclared(f, fresh[f]);
  const body = buildAgentUpdateBody(serverAsInputs, inputs, current.version);
  if (!body) return current;
  return client.request({
    operation,
    method: "POST",
    path: encodedPath`/v1/agents/${id}`,
    body,
    schema: apiAgent,
    hintFor: conflictHint(id, current.version),
  });
}

export const agentHooks: ResourceHooks = {
  async check(_olds, news) {
    return checkWithSchema(agentInputs, news, agentCrossFieldFailures);
  },

  async diff(_id, olds, news) {
    return diffByTable({
      fields: AGENT_FIELDS,
      replacePaths: AGENT_REPLACE_FIELDS,
      olds,
      news,
    });
  },

  async create(ctx: HookContext, inputs) {
    const client = ctx.client();
    const definition = definitionOf(inputs);
    const adoptId = inputs["adoptId"];
    const api = typeof adoptId === "string" ? await adoptAgent(client, adoptId, definition) : await createAgent(client, definition);
    return { id: api.id, outs: agentOutputs(inputs, api) };
  },

  async read(ctx, id, props) {
    const api = await retrieve(ctx.client(), id, `read ${label(props, id)}`);
    if (!api || api.archived_at) return {};
    const inputs = agentInputsAfterRefresh(props, api);
    return { id, props: agentOutputs(inputs, api), inputs };
  },

  async update(ctx, id, olds, news) {
    const version = olds["version"];
    const body = buildAgentUpdateBody(olds, definitionOf(news), Number(version));
    if (!body) {
      // Nothing the API stores changed (e.g. only adoptId): keep the server's view we already have.
      return { outs: outputsWithoutCall({ news, olds, declaredFields: DECLARED_FIELDS, computedFields: COMPUTED_OUTPUTS }) };
    }
    const api = await ctx.client().request({
      operation: `update ${label(news, id)}`,
      method: "POST",
      path: encodedPath`/v1/agents/${id}`,
      body,
      schema: apiAgent,
      hintFor: conflictHint(id, version),
    });
    return { outs: agentOutputs(news, api) };
  },

  async delete(ctx, id, props) {
    const client = ctx.client();
    const operation = `archive ${label(props, id)}`;
    try {
      await client.request({ operation, method: "POST", path: encodedPath`/v1/agents/${id}/archive`, body: {}, schema: apiAgent });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      if (error instanceof ApiError && error.status < 500) {
        // Archiving an archived agent is refused; that is the state we want.
        const current = await retrieve(client, id, operation);
        if (!current || current.archived_at) return;
      }
      throw error;
    }
  },
};
