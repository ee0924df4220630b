// Agent: a versioned definition (model, system prompt, tools, MCP servers, skills). Every field
// updates in place; each real change makes a new `version` on the server, sent with the old
// `version` for optimistic concurrency. The API has no delete: destroy archives.
import { z } from "zod";
import { agents, type ApiAgent } from "../api/agents";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import { ApiError, NotFoundError } from "../client/errors";
import { takeOver } from "../kit/adopt";
import type { OperationContext } from "../kit/context";
import { createOrAdopt, type Creatable } from "../kit/create";
import { metadataInput, stampText, userMetadata } from "../kit/metadata";
import { versionedUpdate } from "../kit/update";
import { defineResource, labelOf, refreshedInputs, stateFromApi, type Change, type State } from "../kit/resource";
import { buildPatch, type ApiPatch } from "../kit/diff";
import { defineSpec, field } from "../kit/spec";
import { emptyAsAbsent, isRecord } from "../kit/values";
import { metadataField, timestampDocs, timestamps } from "./shared";
import { always } from "./docs";
import { mcpServersInput, modelInput, modelUpdateBody, resolvedModel, resolvedSkills, resolvedTools, skillInput, toolRuleFailures, toolsInput } from "./agent-tools";

// ---------------------------------------------------------------------------------------------
// Input schema (camelCase, strict: a typo is an error); what a session may override too is in
// agent-tools.ts

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
