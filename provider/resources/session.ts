// Session: an agent instance in an environment. Version pinning decides what a diff means (DESIGN
// §4): with `agentVersion` the session is pinned (`{type: "agent", id, version}`), so a new version
// means a new session; without it the session keeps the version it started on. `tools` and
// `mcpServers` are session-local overrides, changed in place through `POST /v1/sessions/{id}` with
// `agent.tools` / `agent.mcp_servers` (full replacement), never touching the agent. The API refuses
// changes while a session runs; `whenRunning` decides whether to wait or interrupt.
import { z } from "zod";
import { agents } from "../api/agents";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import { sessions, type ApiSession } from "../api/sessions";
import { AnthropicProviderError, ApiError, ConflictError, NotFoundError } from "../client/errors";
import { takeOver } from "../kit/adopt";
import type { OperationContext } from "../kit/context";
import { createOrAdopt, type Creatable } from "../kit/create";
import { metadataInput, stampText, userMetadata } from "../kit/metadata";
import { checkedUpdate } from "../kit/update";
import { defineResource, labelOf, refreshedInputs, stateFromApi, type Change, type State } from "../kit/resource";
import { buildPatch, defineSpec, field } from "../kit/spec";
import { emptyAsAbsent } from "../kit/values";
import { mcpServersInput, toolRuleFailures, toolsInput } from "./agent";

// ---------------------------------------------------------------------------------------------
// Input schema

const resourceInput = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("github_repository"),
    url: z.url({ protocol: /^https$/ }),
    /** Write-only: state keeps a hash. */
    authorizationToken: z.string().min(1).optional(),
    checkout: z
      .discriminatedUnion("type", [
        z.strictObject({ type: z.literal("branch"), name: z.string().min(1) }),
        z.strictObject({ type: z.literal("commit"), sha: z.string().regex(/^[0-9a-f]{7,40}$/, "must be a commit sha") }),
      ])
      .optional(),
    mountPath: z.string().min(1).optional(),
  }),
  z.strictObject({ type: z.literal("file"), fileId: z.string().min(1), mountPath: z.string().min(1).optional() }),
  z.strictObject({
    type: z.literal("memory_store"),
    memoryStoreId: z.string().min(1),
    access: z.enum(["read_write", "read_only"]).optional(),
    instructions: z.string().optional(),
  }),
]);

const initialEventInput = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("user.message"),
    content: z.array(z.strictObject({ type: z.literal("text"), text: z.string().min(1) })).min(1),
  }),
  z.strictObject({
    type: z.literal("user.define_outcome"),
    description: z.string().min(1),
    rubric: z.discriminatedUnion("type", [
      z.strictObject({ type: z.literal("text"), content: z.string().min(1) }),
      z.strictObject({ type: z.literal("file"), fileId: z.string().min(1) }),
    ]),
    maxIterations: z.number().int().min(1).optional(),
  }),
]);

export const sessionDefinition = z.strictObject({
  agent: z.string().min(1, "agent must be an agent id"),
  agentVersion: z.number().int().min(1).optional(),
  environmentId: z.string().min(1),
  vaultIds: z.array(z.string().min(1)).optional(),
  resources: z.array(resourceInput).optional(),
  title: z.string().optional(),
  metadata: metadataInput.optional(),
  budget: z
    .strictObject({
      type: z.literal("limit"),
      maxListCost: z.strictObject({
        amount: z.string().regex(/^(0|[1-9]\d*)$/, 'an integer number of minor units as a string, e.g. "2500" for $25.00'),
        // The API requires it; USD is the only currency it prices.
        currency: z.literal("USD").default("USD"),
      }),
    })
    .optional(),
  initialEvents: z.array(initialEventInput).optional(),
  tools: toolsInput.optional(),
  mcpServers: mcpServersInput.optional(),
});

export const sessionInputs = sessionDefinition.extend({
  whenRunning: z.enum(["wait", "interrupt"]).optional(),
  waitTimeoutSeconds: z.number().positive().max(3600).optional(),
  onDestroy: z.enum(["archive", "delete"]).optional(),
});

export type SessionDefinition = z.infer<typeof sessionDefinition>;
export type SessionInputs = z.infer<typeof sessionInputs>;
type SessionCreateFields = Omit<SessionDefinition, "agent" | "agentVersion" | "tools" | "mcpServers">;
export type SessionAgentParam =
  | string
  | { type: "agent"; id: string; version: number }
  | ({ type: "agent_with_overrides"; id: string; version?: number } & Partial<ApiCased<Pick<SessionDefinition, "tools" | "mcpServers">>>);
export type SessionCreateBody = ApiCased<SessionCreateFields> & { agent: SessionAgentParam };
export type SessionUpdateBody = {
  title?: string | null;
  metadata?: Record<string, string | null>;
  budget?: ApiCased<NonNullable<SessionDefinition["budget"]>> | null;
  agent?: { tools?: ApiCased<NonNullable<SessionDefinition["tools"]>>; mcp_servers?: ApiCased<NonNullable<SessionDefinition["mcpServers"]>> };
};

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 600;

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
  resolvedAgent: z.looseObject({ id: z.string(), version: z.number() }),
  usage: z.looseObject({}),
  stats: z.looseObject({}),
  createdAt: z.string(),
  updatedAt: z.string(),
  archivedAt: z.string().nullable(),
  resolved: resolvedSession,
});
export type SessionOutputs = z.infer<typeof sessionOutputs>;

// ---------------------------------------------------------------------------------------------
// The spec

const fixed = { drift: false } as const;

export const sessionSpec = defineSpec({
  kind: "Session",
  summary:
    "An agent instance in an environment. `title`, `metadata`, `budget`, `tools` and `mcpServers` update in place; everything the session was created from replaces it. Destroy archives it (history kept); `onDestroy: \"delete\"` deletes it.",
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
    vaultIds: field.replace({ text: "Vaults with credentials for MCP servers.", type: "list of vault ids" }),
    resources: field.replace(
      {
        text: "Mounted resources: `{ type: \"github_repository\", url, authorizationToken?, checkout?, mountPath? }`, `{ type: \"file\", fileId, mountPath? }`, `{ type: \"memory_store\", memoryStoreId, access?, instructions? }`. A GitHub `authorizationToken` is write-only: state keeps only a hash of it.",
        type: "list of `github_repository`, `file`, `memory_store` resources",
      },
      { writeOnly: ["authorizationToken"] },
    ),
    title: field.update({ text: "Title.", type: "string" }, { removal: "clears" }),
    metadata: field.update(
      { text: "Free-form string pairs (at most 15; the provider keeps `pulumi-write-token`).", type: "map of string → string", change: "sent as a patch" },
      { api: { patch: true } },
    ),
    budget: field.update(
      {
        text: 'Spend limit `{ type: "limit", maxListCost: { amount: "2500", currency?: "USD" } }`: amount in minor units (cents), currency USD (the default).',
        type: '`{ type: "limit", maxListCost: { amount, currency? } }`',
      },
      { removal: "clears" },
    ),
    initialEvents: field.replace(
      {
        text: "Events sent when the session is created: `user.message` (text content) and `user.define_outcome`. Sent once. A `user.message` starts work, so the session is `running` right after creation.",
        type: "list of `user.message`, `user.define_outcome` events",
      },
      fixed,
    ),
    tools: field.update(
      {
        text: "Session-local tools: replace the agent's tools for this session only (same shapes as `Agent.tools`).",
        type: "as `Agent.tools`",
        change: "**session-local**: `POST /v1/sessions/{id}` with `agent.tools` (full replacement); the agent is not touched; removing it restores the agent version's own tools",
      },
      { removal: "restores", api: { key: "agent.tools" } },
    ),
    mcpServers: field.update(
      {
        text: "Session-local MCP servers, like `tools`: in place, full replacement, the agent untouched.",
        type: "as `Agent.mcpServers`",
        change: "**session-local**, as `tools`, with `agent.mcp_servers`",
      },
      { removal: "restores", api: { key: "agent.mcp_servers" } },
    ),
    whenRunning: field.option({
      text: 'The API refuses changes to a running session. `"wait"` polls until it is idle; `"interrupt"` sends `user.interrupt`, then waits. Default: `"wait"` for updates, `"interrupt"` for destroy.',
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
    resolvedAgent: "The agent snapshot the session runs: id, version, model, system, and its effective tools and MCP servers.",
    usage: "Token usage and cost so far, as of the last create, update or refresh.",
    stats: "Active and total seconds, as of the last create, update or refresh.",
    createdAt: "RFC 3339 creation time.",
    updatedAt: "RFC 3339 time of the last change.",
    archivedAt: "RFC 3339 archive time; null while the session is live.",
    resolved: "The session's changeable fields as the API stores them (what refresh compares).",
  },
});

// ---------------------------------------------------------------------------------------------
// Body builders (pure)

export function agentParam(inputs: SessionDefinition): SessionAgentParam {
  if (inputs.tools !== undefined || inputs.mcpServers !== undefined) {
    return {
      type: "agent_with_overrides",
      id: inputs.agent,
      ...(inputs.agentVersion !== undefined ? { version: inputs.agentVersion } : {}),
      ...(inputs.tools !== undefined ? { tools: apiCased(inputs.tools) } : {}),
      ...(inputs.mcpServers !== undefined ? { mcp_servers: apiCased(inputs.mcpServers) } : {}),
    };
  }
  if (inputs.agentVersion !== undefined) return { type: "agent", id: inputs.agent, version: inputs.agentVersion };
  return inputs.agent;
}

/** The create body; the kit stamps it with the create token (kit/create.ts). */
export function buildSessionCreateBody(inputs: SessionInputs): SessionCreateBody & { metadata: Record<string, string> } {
  const { agent: _a, agentVersion: _v, tools: _t, mcpServers: _m, whenRunning: _w, waitTimeoutSeconds: _s, onDestroy: _d, ...rest } = inputs;
  return { ...apiCased(rest), agent: agentParam(inputs), metadata: inputs.metadata ?? {} };
}

/**
 * The in-place part of a change. Removed overrides are restored from `agentDefaults` (the pinned
 * agent version's own tools and MCP servers), since a session-local update is a full replacement.
 * Null when nothing the API stores changed.
 */
export function buildSessionUpdateBody(
  olds: State<SessionInputs, SessionOutputs>,
  change: Change<SessionInputs>,
  agentDefaults: { tools: unknown[]; mcp_servers: unknown[] } = { tools: [], mcp_servers: [] },
): SessionUpdateBody | null {
  return buildPatch<SessionUpdateBody>(sessionSpec, olds.inputs, change.inputs, change.changes, {
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

function outputsOf(api: ApiSession, pinned: boolean): SessionOutputs {
  return sessionOutputs.parse({
    // The version the session runs; equal to the declared pin when there is one. `pinned` records
    // whether there is one, so that a refresh does not turn the version it runs into a pin.
    agentId: api.agent.id,
    agentVersion: api.agent.version,
    pinned,
    status: api.status,
    resolvedAgent: fromApiCase(api.agent),
    usage: fromApiCase(api.usage ?? {}),
    stats: fromApiCase(api.stats ?? {}),
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

/** The session as state would record it had Pulumi made it from `inputs`. */
function stateOf(api: ApiSession, inputs: SessionInputs): State<SessionInputs, SessionOutputs> {
  const state = stateFromApi<SessionInputs, SessionOutputs>({
    spec: sessionSpec,
    api,
    resolved: resolvedSessionView(api),
    asDeclared,
    outputs: outputsOf(api, inputs.agentVersion !== undefined),
  });
  // Resources and initial events are not readable back, and tools the session runs are its
  // overrides only when some were declared: the create stamp vouches for what cannot be told.
  const { tools, mcpServers, ...fromServer } = state.inputs;
  return {
    ...state,
    inputs: {
      ...fromServer,
      ...(inputs.tools !== undefined && tools !== undefined ? { tools } : {}),
      ...(inputs.mcpServers !== undefined && mcpServers !== undefined ? { mcpServers } : {}),
      agent: api.agent.id,
      environmentId: api.environment_id,
      ...(inputs.agentVersion !== undefined ? { agentVersion: api.agent.version } : {}),
      ...(inputs.resources !== undefined ? { resources: inputs.resources } : {}),
      ...(inputs.initialEvents !== undefined ? { initialEvents: inputs.initialEvents } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Running sessions

/** The session stayed busy past `waitTimeoutSeconds`. */
export class SessionBusyError extends AnthropicProviderError {
  override name = "SessionBusyError";
}

const BUSY = new Set(["running", "rescheduling"]);

const label = (inputs: Partial<SessionInputs>, id?: string) => labelOf("session", inputs.title, id);

interface Settle {
  id: string;
  operation: string;
  policy: "wait" | "interrupt";
  timeoutSeconds: number;
}

function settleOptions(id: string, inputs: Partial<SessionInputs>, operation: string, forDestroy: boolean): Settle {
  return {
    id,
    operation,
    policy: inputs.whenRunning ?? (forDestroy ? "interrupt" : "wait"),
    timeoutSeconds: inputs.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS,
  };
}

/**
 * Brings the session to a state the API accepts changes in: waits until it is no longer running,
 * after sending `user.interrupt` first when the policy says so. Returns the session, or undefined
 * if it is gone. Polls on the operation's clock, within its deadline.
 */
async function settle(ctx: OperationContext, s: Settle, waitUntil: number, interruptSent: { value: boolean }): Promise<ApiSession | undefined> {
  for (;;) {
    const session = await sessions.retrieve(ctx, s.operation, s.id);
    if (!session || !BUSY.has(session.status)) return session;
    if (s.policy === "interrupt" && !interruptSent.value && session.status === "running") {
      await sessions.sendEvents(ctx, `${s.operation} (interrupting)`, s.id, [{ type: "user.interrupt" }]);
      interruptSent.value = true;
      continue;
    }
    if (ctx.clock.now() + ctx.pollIntervalMs > waitUntil) {
      throw new SessionBusyError(
        `${s.operation}: session ${s.id} is still ${session.status} after waiting ${s.timeoutSeconds}s (whenRunning: "${s.policy}"); ` +
          `the API refuses changes while a session runs. Nothing was changed: run \`pulumi up\` again later, raise waitTimeoutSeconds, or set whenRunning: "interrupt"`,
      );
    }
    await ctx.clock.sleep(ctx.pollIntervalMs, ctx.signal);
  }
}

/** The API's refusal of a change because the session runs (409, or a 400 that says so). */
function refusedWhileRunning(error: unknown): boolean {
  if (error instanceof ConflictError) return true;
  return error instanceof ApiError && error.status === 400 && /\brunning\b/i.test(error.apiMessage ?? "");
}

/** Runs `act` once the session accepts changes; a refusal because it started running again settles again. */
async function whenSettled<T>(outer: OperationContext, s: Settle, act: (ctx: OperationContext, session: ApiSession) => Promise<T>): Promise<T | undefined> {
  // Waiting may take longer than the default deadline: the operation gets the wait plus a margin.
  const ctx = outer.atLeast(s.timeoutSeconds * 1000 + 60_000);
  const waitUntil = ctx.clock.now() + s.timeoutSeconds * 1000;
  const interruptSent = { value: false };
  for (;;) {
    const session = await settle(ctx, s, waitUntil, interruptSent);
    if (!session) return undefined;
    try {
      return await act(ctx, session);
    } catch (error) {
      // Raced with a new run between our read and our change: settle again, within the same wait.
      if (refusedWhileRunning(error) && ctx.clock.now() < waitUntil) {
        interruptSent.value = false;
        continue;
      }
      throw error;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Hooks

function creatableFor(agentId: string): Creatable<ApiSession> {
  return { endpoints: sessions, lookupQuery: { agent_id: agentId } };
}

async function agentDefaults(ctx: OperationContext, agentId: string, version: number | undefined, operation: string) {
  const agent = await agents.retrieveVersion(ctx, `${operation} (reading the agent's own tools)`, agentId, version);
  return { tools: agent.tools ?? [], mcp_servers: agent.mcp_servers ?? [] };
}

/** Whether restoring a removed override needs the agent version's own lists. */
function removesOverride(change: Change<SessionInputs>): boolean {
  return change.changes.some((c) => (c.field === "tools" || c.field === "mcpServers") && change.inputs[c.field] === undefined);
}

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
  if (!body) return { ...olds.outputs, pinned };
  const api = await whenSettled(ctx, settleOptions(id, change.inputs, operation, false), (inner, current) =>
    checkedUpdate({
      spec: sessionSpec,
      operation,
      id,
      body,
      olds,
      change,
      current,
      view: resolvedSessionView,
      write: (stamped) => sessions.update(inner, operation, id, stamped),
    }),
  );
  if (!api) throw new Error(`${operation}: the session no longer exists; run \`pulumi refresh\`, then \`pulumi up\` to create it again`);
  return outputsOf(api, pinned);
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

export const sessionResource = defineResource(sessionSpec, {
  crossCheck: (inputs) => (inputs.tools === undefined && inputs.mcpServers === undefined ? [] : toolRuleFailures(inputs.tools ?? [], inputs.mcpServers ?? [])),

  async create(ctx, inputs, identity) {
    const pinned = inputs.agentVersion !== undefined;
    return createOrAdopt({
      ctx,
      operation: `create ${label(inputs)}`,
      creatable: creatableFor(inputs.agent),
      identity,
      body: buildSessionCreateBody(inputs),
      // Made from the same fixed fields (the stamp says so); the rest is brought to the declared state.
      adopt: async (found) => {
        const current = stateOf(found, inputs);
        const taken = await takeOver({ spec: sessionSpec, ctx, id: found.id, current, inputs, update: updateSession, unrecordedStamp: stampText(identity) });
        return taken.kind === "adopted" ? { id: found.id, outputs: { ...outputsOf(found, pinned), ...taken.outputs } } : undefined;
      },
      // As the program says destroy goes (archive by default: whatever it ran stays readable).
      dispose: (found) => remove(ctx, found.id, { ...inputs, whenRunning: "interrupt" }),
      outputs: (api) => outputsOf(api, pinned),
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
    return { inputs, outputs: outputsOf(api, state.outputs.pinned === true) };
  },

  update: updateSession,

  delete: (ctx, id, state) => remove(ctx, id, declaredOf(state)),
});
