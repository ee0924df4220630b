// Session: an agent instance in an environment. Version pinning decides what a diff means (DESIGN
// §4): with `agentVersion` the session is pinned (`{type: "agent", id, version}`), so a new version
// means a new session; without it the session keeps the version it started on. `tools` and
// `mcpServers` are session-local overrides, changed in place through `POST /v1/sessions/{id}` with
// `agent.tools` / `agent.mcp_servers` (full replacement), never touching the agent. The API refuses
// changes while a session runs; `whenRunning` decides whether to wait or interrupt.
import { z } from "zod";
import { agents } from "../api/agents";
import { mountedOf } from "../api/session-resources";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import { sessions, type ApiSession } from "../api/sessions";
import { ApiError, NotFoundError } from "../client/errors";
import type { CheckFailure } from "../kit/check";
import { takeOver } from "../kit/adopt";
import type { OperationContext } from "../kit/context";
import { createOrAdopt, type Creatable } from "../kit/create";
import { metadataInput, stampText, userMetadata } from "../kit/metadata";
import { checkedUpdate } from "../kit/update";
import { defineResource, labelOf, refreshedInputs, stateFromApi, type Change, type State } from "../kit/resource";
import { buildPatch } from "../kit/diff";
import { apiFieldNames, defineSpec, field, type Effect } from "../kit/spec";
import { emptyAsAbsent } from "../kit/values";
import { metadataField, timestampDocs, timestamps } from "./shared";
import { mcpServersInput, modelInput, resolvedModel, resolvedSkills, resolvedTools, skillInput, toolRuleFailures, toolsInput } from "./agent-tools";
import { applyResources, matchResources, mountedResource, MOUNTED_RESOURCE_SECRETS, resourcesEffect, type MountedResource } from "./session-resources";
import { settleOptions, whenSettled } from "./session-running";
import { budgetInput, defineOutcomeEvent, MAX_INITIAL_EVENTS, userMessageEvent } from "./session-start";
import { agentOverrideFailures } from "./session-agent-rules";

// ---------------------------------------------------------------------------------------------
// Input schema (what a session starts with: session-start.ts; what it mounts: session-resources.ts)

const initialEventInput = z.discriminatedUnion("type", [userMessageEvent, defineOutcomeEvent]);

/** The agent overrides: given at create inside `agent` (`agent_with_overrides`), not beside it. */
const sessionOverrides = z.strictObject({
  model: modelInput.optional(),
  system: z.string().max(100_000, "at most 100,000 characters").optional(),
  skills: z.array(skillInput).optional(),
  tools: toolsInput.optional(),
  mcpServers: mcpServersInput.optional(),
});

export const sessionDefinition = z.strictObject({
  agent: z.string().min(1, "agent must be an agent id"),
  agentVersion: z.number().int().min(1).optional(),
  environmentId: z.string().min(1),
  vaultIds: z.array(z.string().min(1)).optional(),
  resources: z.array(mountedResource).optional(),
  title: z.string().optional(),
  metadata: metadataInput.optional(),
  budget: budgetInput.optional(),
  initialEvents: z.array(initialEventInput).max(MAX_INITIAL_EVENTS, `at most ${MAX_INITIAL_EVENTS} initial events`).optional(),
  ...sessionOverrides.shape,
});

export const sessionInputs = sessionDefinition.extend({
  whenRunning: z.enum(["wait", "interrupt"]).optional(),
  waitTimeoutSeconds: z.number().positive().max(3600).optional(),
  onDestroy: z.enum(["archive", "delete"]).optional(),
});

export type SessionDefinition = z.infer<typeof sessionDefinition>;
export type SessionInputs = z.infer<typeof sessionInputs>;
type Override = keyof z.infer<typeof sessionOverrides>;
const OVERRIDES: readonly Override[] = sessionOverrides.keyof().options;
type SessionCreateFields = Omit<SessionDefinition, "agent" | "agentVersion" | Override>;
export type SessionAgentParam =
  | string
  | { type: "agent"; id: string; version: number }
  | ({ type: "agent_with_overrides"; id: string; version?: number } & Partial<ApiCased<Pick<SessionDefinition, Override>>>);
export type SessionCreateBody = ApiCased<SessionCreateFields> & { agent: SessionAgentParam };
export type SessionUpdateBody = {
  title?: string | null;
  metadata?: Record<string, string | null>;
  budget?: ApiCased<NonNullable<SessionDefinition["budget"]>> | null;
  agent?: { tools?: ApiCased<NonNullable<SessionDefinition["tools"]>>; mcp_servers?: ApiCased<NonNullable<SessionDefinition["mcpServers"]>> };
};

// ---------------------------------------------------------------------------------------------
// Outputs

export const resolvedSession = z.object({
  title: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  budget: z.looseObject({ type: z.string() }).nullable(),
  vaultIds: z.array(z.string()),
  tools: z.array(z.looseObject({ type: z.string() })),
  mcpServers: z.array(z.looseObject({ name: z.string() })),
});
export type ResolvedSession = z.infer<typeof resolvedSession>;

export const sessionOutputs = z.object({
  agentId: z.string(),
  agentVersion: z.number().int(),
  pinned: z.boolean(),
  status: z.string(),
  outcomeEvaluations: z.array(
    z
      .looseObject({
        outcomeId: z.string().meta({ description: "Server-generated `outc_…` ID of the outcome." }),
        result: z.string().meta({
          description:
            "Current evaluation state: `pending` before the agent begins work, `running` while it produces or revises, `evaluating` while the grader scores; `satisfied`, `max_iterations_reached`, `failed` and `interrupted` are terminal.",
        }),
      })
      .meta({ description: "Evaluation state of one outcome defined by a `user.define_outcome` event, with the API's other fields (`iteration`, `explanation`, `completedAt`, …), camelCased." }),
  ),
  deploymentId: z.string().nullable(),
  resourceIds: z.array(z.string()),
  ...timestamps,
  resolved: resolvedSession,
});
export type SessionOutputs = z.infer<typeof sessionOutputs>;

// ---------------------------------------------------------------------------------------------
// What a change of `budget` or `resources` does: the API decides by the old and the new value.

/** Raising or lowering a budget is an update (while running too); adding or removing one is not possible in place. */
export function budgetEffect(old: unknown, next: unknown): Effect {
  return (old === undefined || old === null) !== (next === undefined || next === null) ? "replace" : "update";
}


// ---------------------------------------------------------------------------------------------
// The spec

const fixed = { drift: false } as const;

export const sessionSpec = defineSpec({
  kind: "Session",
  refusesDrift: true,
  summary:
    "An agent instance in an environment. `title`, `metadata` and a budget's amount update in place, even while the session runs; `tools` and `mcpServers` update in place once it is idle; files, removed resources and GitHub tokens change in place through the session-resources endpoints. What the session was created from replaces it. Destroy archives it (history kept); `onDestroy: \"delete\"` deletes it.",
  references: { agent: { kind: "Agent", context: ["tools", "mcpServers"] } },
  inputs: sessionInputs,
  updateText: "update in place",
  fields: {
    agent: field.replace({ text: "The agent's id (e.g. `agent.id`).", type: "agent id (`agent.id`)" }, fixed),
    agentVersion: field.replace(
      {
        text: "Pin the session to this agent version. Pass `agent.version` to **follow the agent**: when the agent's definition changes, preview shows the agent update and this session's replacement, and `up` creates the new session on the new version. Omit it and the session takes the latest version at creation and is never touched when the agent changes.",
        type: "number (`agent.version` to follow the agent)",
        change: "unknown during preview (the agent is being updated): **replace**",
      },
      { ...fixed, removal: "keeps" },
    ),
    environmentId: field.replace({ text: "The environment's id (e.g. `environment.id`).", type: "environment id (`environment.id`)" }, fixed),
    vaultIds: field.replace({ text: "Vaults with credentials for MCP servers (the API does not change them after creation).", type: "list of vault ids" }),
    resources: field.rule(
      resourcesEffect,
      "in place through `/v1/sessions/{id}/resources`: adding or removing a `file` (a new `mountPath` moves it: removed, then added), removing a GitHub repository, a GitHub `authorizationToken` rotated (one call each). **Replace**: a new GitHub repository, a memory store added or removed (the API gives it no resource id), a change of a repository's `url`, `checkout` or `mountPath` or of a memory store's `access` or `instructions`, or a removed token",
      {
        text: "Mounted resources: `{ type: \"github_repository\", url, authorizationToken?, checkout?, mountPath? }` (a commit `checkout` takes a full 40-character `sha`), `{ type: \"file\", fileId, mountPath? }`, `{ type: \"memory_store\", memoryStoreId, access?, instructions? }` (`instructions` at most 4,096 characters). A GitHub `authorizationToken` is write-only: state keeps only a hash of it. The ids the API gave them are the `resourceIds` output.",
        type: "list of `github_repository`, `file`, `memory_store` resources",
      },
      { writeOnly: MOUNTED_RESOURCE_SECRETS },
    ),
    title: field.update({ text: "Title.", type: "string", change: "also while the session runs" }, { removal: "clears" }),
    metadata: metadataField("also while the session runs"),
    budget: field.rule(
      budgetEffect,
      "a changed amount: update in place, also while the session runs; adding or removing a budget: **replace** (the API refuses to add one to a session created without one, `budget_create_only`, or to re-add a removed one)",
      {
        text: 'Spend limit `{ type: "limit", maxListCost: { amount: "2500", currency?: "USD" } }`: amount in minor units (cents), currency USD (the default).',
        type: '`{ type: "limit", maxListCost: { amount, currency? } }`',
      },
    ),
    initialEvents: field.replace(
      {
        text: "Events sent when the session is created (at most 50): `user.message` (content blocks `text`, `image`, `document` and `redacted`, each image or document from `base64`, `url` or `file`, a document also from `text`) and `user.define_outcome` (`maxIterations` at most 20). Sent once. A `user.message` starts work, so the session is `running` right after creation.",
        type: "list of `user.message`, `user.define_outcome` events",
      },
      fixed,
    ),
    model: field.replace(
      { text: "Session-only model override (`agent_with_overrides`), as `Agent.model`; the agent is not touched.", type: "as `Agent.model`" },
      { ...fixed, resolve: resolvedModel },
    ),
    system: field.replace({ text: "Session-only system prompt override (`agent_with_overrides`).", type: "string" }, fixed),
    skills: field.replace({ text: "Session-only skills override (`agent_with_overrides`), as `Agent.skills`.", type: "as `Agent.skills`" }, { ...fixed, resolve: resolvedSkills }),
    tools: field.update(
      {
        text: "Session-local tools: replace the agent's tools for this session only (same shapes as `Agent.tools`). Without `mcpServers`, the agent's own MCP servers stay, and these tools may name them.",
        type: "as `Agent.tools`",
        change: "**session-local**: `POST /v1/sessions/{id}` with `agent.tools` (full replacement) once the session is idle (see `whenRunning`); the agent is not touched; removing it restores the agent version's own tools",
      },
      { removal: "restores", api: { key: "agent.tools" }, resolve: resolvedTools },
    ),
    mcpServers: field.update(
      {
        text: "Session-local MCP servers, like `tools`: in place, full replacement, the agent untouched. Without `tools`, the agent's own tools stay and must reference these servers.",
        type: "as `Agent.mcpServers`",
        change: "**session-local**, as `tools`, with `agent.mcp_servers`",
      },
      { removal: "restores", api: { key: "agent.mcp_servers" } },
    ),
    whenRunning: field.option({
      text: 'The API refuses `tools` / `mcpServers` changes while a session runs (everything else changes at once). `"wait"` polls until it is idle; `"interrupt"` sends `user.interrupt`, then waits. Default: `"wait"` for updates, `"interrupt"` for destroy.',
      type: '`"wait"` \\| `"interrupt"`',
    }),
    waitTimeoutSeconds: field.option({ text: "How long to wait for a running session, in seconds (default 600).", type: "number" }),
    onDestroy: field.option({ text: 'What `pulumi destroy` (and a replacement) does: `"archive"` (default; keeps history) or `"delete"`.', type: '`"archive"` \\| `"delete"`' }),
  },
  outputs: sessionOutputs,
  outputDocs: {
    agentId: "The agent the session runs.",
    agentVersion: "The agent version the session runs (the pin, when there is one).",
    pinned: "Whether the session is pinned (`agentVersion` was given).",
    status: "`idle`, `running`, `rescheduling` or `terminated`, as of the last create, update or refresh.",
    outcomeEvaluations: "The outcome evaluations so far (`outcomeId`, `result`, `iteration`, …), as of the last create, update or refresh.",
    deploymentId: "The deployment that started the session, if one did.",
    resourceIds: "The ids the API gave the mounted file and GitHub `resources` (`sesrsc_…`), in their declared order (a memory store resource has none).",
    ...timestampDocs("session"),
    resolved: "Not an output: what the provider last saw of the session, kept in state as hidden digests.",
  },
});

// ---------------------------------------------------------------------------------------------
// Body builders (pure)

export function agentParam(inputs: SessionDefinition): SessionAgentParam {
  if (OVERRIDES.some((k) => inputs[k] !== undefined)) {
    return {
      type: "agent_with_overrides",
      id: inputs.agent,
      ...(inputs.agentVersion !== undefined ? { version: inputs.agentVersion } : {}),
      ...(inputs.model !== undefined ? { model: apiCased(inputs.model) } : {}),
      ...(inputs.system !== undefined ? { system: inputs.system } : {}),
      ...(inputs.skills !== undefined ? { skills: apiCased(inputs.skills) } : {}),
      ...(inputs.tools !== undefined ? { tools: apiCased(inputs.tools) } : {}),
      ...(inputs.mcpServers !== undefined ? { mcp_servers: apiCased(inputs.mcpServers) } : {}),
    };
  }
  if (inputs.agentVersion !== undefined) return { type: "agent", id: inputs.agent, version: inputs.agentVersion };
  return inputs.agent;
}

/** The create body; the kit stamps it with the create token (kit/create.ts). */
export function buildSessionCreateBody(inputs: SessionInputs): SessionCreateBody & { metadata: Record<string, string> } {
  const { agent: _a, agentVersion: _v, model: _mo, system: _sy, skills: _sk, tools: _t, mcpServers: _m, whenRunning: _w, waitTimeoutSeconds: _s, onDestroy: _d, ...rest } =
    inputs;
  return { ...apiCased(rest), agent: agentParam(inputs), metadata: inputs.metadata ?? {} };
}

/**
 * The `POST /v1/sessions/{id}` part of a change (resources go through their own endpoints).
 * Removed overrides are restored from `agentDefaults` (the pinned agent version's own tools and
 * MCP servers), since a session-local update is a full replacement. Null when nothing it sends
 * changed.
 */
export function buildSessionUpdateBody(
  olds: State<SessionInputs, SessionOutputs>,
  change: Change<SessionInputs>,
  agentDefaults: { tools: unknown[]; mcp_servers: unknown[] } = { tools: [], mcp_servers: [] },
): SessionUpdateBody | null {
  const sent = change.changes.filter((c) => c.field !== "resources");
  return buildPatch<SessionUpdateBody>(sessionSpec, olds.inputs, change.inputs, sent, {
    tools: agentDefaults.tools,
    mcpServers: agentDefaults.mcp_servers,
  });
}

// ---------------------------------------------------------------------------------------------
// Outputs and drift

export function resolvedSessionView(api: ApiSession): ResolvedSession {
  return resolvedSession.parse({
    title: api.title ?? null,
    metadata: userMetadata(api.metadata),
    budget: fromApiCase(api.budget ?? null),
    vaultIds: api.vault_ids ?? [],
    tools: fromApiCase(api.agent.tools ?? []),
    mcpServers: fromApiCase(api.agent.mcp_servers ?? []),
  });
}

function asDeclared(_field: string, value: unknown): unknown {
  return emptyAsAbsent(value);
}

function outputsOf(api: ApiSession, pinned: boolean, declaredResources: readonly MountedResource[] | undefined): SessionOutputs {
  const mounted = mountedOf(api);
  return sessionOutputs.parse({
    // The version the session runs; equal to the declared pin when there is one. `pinned` records
    // whether there is one, so that a refresh does not turn the version it runs into a pin.
    agentId: api.agent.id,
    agentVersion: api.agent.version,
    pinned,
    status: api.status,
    outcomeEvaluations: fromApiCase(api.outcome_evaluations ?? []),
    deploymentId: api.deployment_id ?? null,
    resourceIds: matchResources(mounted, declaredResources).flatMap((m) => (m?.id ? [m.id] : [])),
    createdAt: api.created_at,
    updatedAt: api.updated_at,
    archivedAt: api.archived_at ?? null,
    resolved: resolvedSessionView(api),
  });
}

/** The declared inputs state records (`agentVersion` is only a pin when `pinned`). */
function declaredOf(state: State<SessionInputs, SessionOutputs>): Partial<SessionInputs> {
  if (state.outputs.pinned !== false) return state.inputs;
  const { agentVersion: _running, ...rest } = state.inputs;
  return rest;
}

/**
 * Fields the API does not return as declared (none of the session's view, nor what the session was
 * made from, which the view gives apart): the create stamp vouches for them.
 */
const AS_CREATED: ReadonlySet<string> = new Set(
  apiFieldNames(sessionSpec).filter((f) => !Object.hasOwn(resolvedSession.shape, f) && !["agent", "agentVersion", "environmentId"].includes(f)),
);

/** The session as state would record it had Pulumi made it from `inputs`. */
function stateOf(api: ApiSession, inputs: SessionInputs): State<SessionInputs, SessionOutputs> {
  const state = stateFromApi<SessionInputs, SessionOutputs>({
    spec: sessionSpec,
    api,
    resolved: resolvedSessionView(api),
    asDeclared,
    outputs: outputsOf(api, inputs.agentVersion !== undefined, inputs.resources),
  });
  // The tools a session runs are its overrides only when some were declared.
  const { tools, mcpServers, ...fromServer } = state.inputs;
  const asCreated = Object.fromEntries(Object.entries(inputs).filter(([k, v]) => AS_CREATED.has(k) && v !== undefined));
  return {
    ...state,
    inputs: {
      ...fromServer,
      ...(inputs.tools !== undefined && tools !== undefined ? { tools } : {}),
      ...(inputs.mcpServers !== undefined && mcpServers !== undefined ? { mcpServers } : {}),
      agent: api.agent.id,
      environmentId: api.environment_id,
      ...(inputs.agentVersion !== undefined ? { agentVersion: api.agent.version } : {}),
      ...asCreated,
    },
  };
}

const label = (inputs: Partial<SessionInputs>, id?: string) => labelOf("session", inputs.title, id);

// ---------------------------------------------------------------------------------------------
// Hooks

function creatableFor(inputs: SessionInputs): Creatable<ApiSession> {
  const pinned = inputs.agentVersion === undefined ? {} : { pinned: { param: "agent_version", id: inputs.agent, version: inputs.agentVersion } };
  return { endpoints: sessions, lookupQuery: { agent_id: inputs.agent }, references: [inputs.agent, inputs.environmentId], ...pinned };
}

async function agentDefaults(ctx: OperationContext, agentId: string, version: number | undefined, operation: string) {
  const agent = await agents.retrieveVersion(ctx, `${operation} (reading the agent's own tools)`, agentId, version);
  return { tools: agent.tools ?? [], mcp_servers: agent.mcp_servers ?? [] };
}

/** Whether restoring a removed override needs the agent version's own lists. */
function removesOverride(change: Change<SessionInputs>): boolean {
  return change.changes.some((c) => (c.field === "tools" || c.field === "mcpServers") && change.inputs[c.field] === undefined);
}

/** Only a change of what the session's agent runs waits for an idle session; the API takes the rest in any live status. */
function needsIdle(change: Change<SessionInputs>): boolean {
  return change.changes.some((c) => c.effect === "update" && (c.field === "tools" || c.field === "mcpServers"));
}

const sessionHint = (status: number) =>
  status === 400
    ? "A session's tools and MCP servers are checked together with the agent's own: tools may name only MCP servers the session has (its override, or the agent's), and every server must be named by an mcp_toolset"
    : undefined;

async function updateSession(
  ctx: OperationContext,
  id: string,
  olds: State<SessionInputs, SessionOutputs>,
  change: Change<SessionInputs>,
): Promise<Partial<SessionOutputs>> {
  const operation = `update ${label(olds.inputs, id)}`;
  const pinned = change.inputs.agentVersion !== undefined;
  const defaults = removesOverride(change)
    ? await agentDefaults(ctx, olds.outputs.agentId ?? change.inputs.agent, olds.outputs.agentVersion, operation)
    : undefined;
  const body = buildSessionUpdateBody(olds, change, defaults);
  const resourcesChange = change.changes.some((c) => c.field === "resources" && c.effect === "update");
  if (!body && !resourcesChange) return { ...olds.outputs, pinned };
  const write = (inner: OperationContext, current: ApiSession): Promise<ApiSession> =>
    body
      ? checkedUpdate({ spec: sessionSpec, operation, id, body, olds, change, current, view: resolvedSessionView, write: (stamped) => sessions.update(inner, operation, id, stamped, sessionHint) })
      : Promise.resolve(current);
  let api = needsIdle(change)
    ? await whenSettled(ctx, settleOptions(id, change.inputs, operation, false), write)
    : await sessions.retrieve(ctx, `${operation} (comparing with the last-seen state)`, id).then((current) => (current ? write(ctx, current) : undefined));
  if (!api) throw new Error(`${operation}: the session no longer exists; run \`pulumi refresh\`, then \`pulumi up\` to create it again`);
  const mounted = mountedOf(api);
  if (resourcesChange && (await applyResources(ctx, operation, id, olds.inputs.resources, change.inputs.resources ?? [], mounted))) {
    api = (await sessions.retrieve(ctx, `${operation} (reading the mounted resources)`, id)) ?? api;
  }
  return outputsOf(api, pinned, change.inputs.resources);
}

async function remove(ctx: OperationContext, id: string, inputs: Partial<SessionInputs>): Promise<void> {
  const deleting = inputs.onDestroy === "delete";
  const operation = `${deleting ? "delete" : "archive"} ${label(inputs, id)}`;
  try {
    await whenSettled(ctx, settleOptions(id, inputs, operation, true), async (inner, session) => {
      if (deleting) await sessions.delete(inner, operation, id);
      else if (!session.archived_at) await sessions.archive(inner, operation, id);
    });
  } catch (error) {
    if (error instanceof NotFoundError) return;
    if (error instanceof ApiError && error.status === 400 && !deleting) {
      const current = await sessions.retrieve(ctx, operation, id);
      if (!current || current.archived_at) return;
    }
    throw error;
  }
}

/**
 * The API's rules across the session's tools and MCP servers. A list the session leaves out is
 * the agent's own, unknown at preview: only what the declared lists decide is checked here; the
 * API checks the rest at `up` (its refusal names the session and the rule).
 */
export function overrideFailures(inputs: Pick<SessionInputs, "tools" | "mcpServers">): CheckFailure[] {
  if (inputs.tools === undefined && inputs.mcpServers === undefined) return [];
  return toolRuleFailures(inputs.tools, inputs.mcpServers, {
    serversKnown: inputs.mcpServers !== undefined,
    toolsKnown: inputs.tools !== undefined,
  });
}

export const sessionResource = defineResource(sessionSpec, {
  crossCheck: (inputs, context) => [...overrideFailures(inputs), ...agentOverrideFailures(inputs, context["agent"])],

  async create(ctx, inputs, identity) {
    const pinned = inputs.agentVersion !== undefined;
    const operation = `create ${label(inputs)}`;
    return createOrAdopt({
      ctx,
      operation,
      creatable: creatableFor(inputs),
      identity,
      body: buildSessionCreateBody(inputs),
      // Made from the same fixed fields (the stamp says so); the rest is brought to the declared state.
      adopt: async (found) => {
        const current = stateOf(found, inputs);
        const taken = await takeOver({ spec: sessionSpec, ctx, id: found.id, current, inputs, update: updateSession, unrecordedStamp: stampText(identity) });
        return taken.kind === "adopted" ? { id: found.id, outputs: { ...outputsOf(found, pinned, inputs.resources), ...taken.outputs } } : undefined;
      },
      // As the program says destroy goes (archive by default: whatever it ran stays readable).
      dispose: (found) => remove(ctx, found.id, { ...inputs, whenRunning: "interrupt" }),
      outputs: (api) => outputsOf(api, pinned, inputs.resources),
    });
  },

  async read(ctx, id, state) {
    const api = await sessions.retrieve(ctx, `read ${label(state.inputs, id)}`, id);
    if (!api || api.archived_at) return undefined;
    const fresh = resolvedSessionView(api);
    const inputs =
      Object.keys(state.inputs).length > 0
        ? refreshedInputs(sessionSpec, { ...state, inputs: declaredOf(state) }, fresh, asDeclared)
        : // With no state (a `get`): what the API returns, and the fields the session was made from.
          { ...refreshedInputs(sessionSpec, state, fresh, asDeclared), agent: api.agent.id, environmentId: api.environment_id };
    return { inputs, outputs: outputsOf(api, state.outputs.pinned === true, state.inputs.resources) };
  },

  update: updateSession,

  delete: (ctx, id, state) => remove(ctx, id, declaredOf(state)),
});
