// Session: an agent instance in an environment. Version pinning decides what a diff means (DESIGN
// §4): with `agentVersion` the session is pinned (`{type: "agent", id, version}`), so a new version
// means a new session; without it the session keeps the version it started on. `tools` and
// `mcpServers` are session-local overrides, changed in place through `POST /v1/sessions/{id}` with
// `agent.tools` / `agent.mcp_servers` (full replacement), never touching the agent. The API refuses
// changes while a session runs; `whenRunning` decides whether to wait or interrupt.
import { z } from "zod";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import { AnthropicProviderError, ApiError, ConflictError, NotFoundError } from "../client/errors";
import type { ApiClient } from "../client/http-client";
import { encodedPath } from "../client/path";
import { agentCrossFieldFailures, apiAgent, mcpServerInput, toolInput } from "./agent";
import {
  checkWithSchema,
  CREATE_TOKEN_KEY,
  emptyAsAbsent,
  inputsAfterRefresh,
  lifecycleOutputs,
  metadataInput,
  metadataPatch,
  pickDeclared,
  diffByTable,
  outputsWithoutCall,
  sameValue,
  toPulumiProps,
  withoutCreateToken,
  type CheckFailure,
  type CheckResult,
  type HookContext,
  type Props,
  type ResourceHooks,
} from "./common";
import { createWithToken, newCreateToken, retrieveOrGone, type WithCreateToken } from "./create-token";

// ---------------------------------------------------------------------------------------------
// Input schema

const resourceInput = z.discriminatedUnion("type", [
  z.strictObject({
    type: z.literal("github_repository"),
    url: z.url({ protocol: /^https$/ }),
    /** Secret: the SDK class stores `resources` as a secret when a token is present. */
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
        amount: z.string().regex(/^(0|[1-9]\d*)$/, "an integer number of minor units as a string, e.g. \"2500\" for $25.00"),
        // The API requires it; USD is the only currency it prices.
        currency: z.literal("USD").default("USD"),
      }),
    })
    .optional(),
  initialEvents: z.array(initialEventInput).optional(),
  tools: z.array(toolInput).max(256, "at most 256 tools").optional(),
  mcpServers: z.array(mcpServerInput).max(20, "at most 20 MCP servers").optional(),
});

export const sessionInputs = sessionDefinition.extend({
  whenRunning: z.enum(["wait", "interrupt"]).optional(),
  waitTimeoutSeconds: z.number().positive().max(3600).optional(),
  onDestroy: z.enum(["archive", "delete"]).optional(),
});

export type SessionDefinition = z.infer<typeof sessionDefinition>;
export type SessionInputs = z.infer<typeof sessionInputs>;
/** What a program may write (defaults not yet applied). */
export type SessionArgsShape = z.input<typeof sessionInputs>;
type SessionCreateFields = Omit<SessionDefinition, "agent" | "agentVersion" | "tools" | "mcpServers">;
export type SessionCreateBody = ApiCased<SessionCreateFields> & { agent: SessionAgentParam };
export type SessionAgentParam =
  | string
  | { type: "agent"; id: string; version: number }
  | ({ type: "agent_with_overrides"; id: string; version?: number } & Partial<ApiCased<Pick<SessionDefinition, "tools" | "mcpServers">>>);
export type SessionUpdateBody = {
  title?: string | null;
  metadata?: Record<string, string | null>;
  budget?: ApiCased<NonNullable<SessionDefinition["budget"]>> | null;
  agent?: { tools?: ApiCased<NonNullable<SessionDefinition["tools"]>>; mcp_servers?: ApiCased<NonNullable<SessionDefinition["mcpServers"]>> };
};

/** The pinned agent version's own lists, as the API returns them (it accepts them back as params). */
type AgentDefaults = NonNullable<SessionUpdateBody["agent"]>;

/** Fields the API stores. */
export const SESSION_FIELDS = [
  "agent",
  "agentVersion",
  "environmentId",
  "vaultIds",
  "resources",
  "title",
  "metadata",
  "budget",
  "initialEvents",
  "tools",
  "mcpServers",
] as const satisfies ReadonlyArray<keyof SessionDefinition>;
/** Options of the provider, not of the API: a change is recorded without a call. */
const OPTION_FIELDS = ["whenRunning", "waitTimeoutSeconds", "onDestroy"] as const;
/** The diff table (DESIGN §3): these make a new session; everything else updates in place. */
export const SESSION_REPLACE_FIELDS = ["agent", "agentVersion", "environmentId", "vaultIds", "resources", "initialEvents"] as const;
/** Without a pin the session keeps the version it started on, whatever the agent does. */
const KEEP_WHEN_ABSENT = ["agentVersion"] as const;
const DRIFT_FIELDS = ["title", "metadata", "budget", "tools", "mcpServers"] as const;
type DriftField = (typeof DRIFT_FIELDS)[number];

export const DEFAULT_WAIT_TIMEOUT_SECONDS = 600;

// ---------------------------------------------------------------------------------------------
// API model

const apiSessionAgent = apiAgent.pick({ id: true, version: true, name: true }).extend({
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
  mcp_servers: z.array(z.looseObject({ name: z.string() })).optional(),
}).loose();

export const apiSession = z.looseObject({
  id: z.string(),
  type: z.literal("session").optional(),
  status: z.string(),
  agent: apiSessionAgent,
  environment_id: z.string(),
  title: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  budget: z.looseObject({ type: z.string() }).nullable().optional(),
  vault_ids: z.array(z.string()).optional(),
  resources: z.array(z.looseObject({ type: z.string() })).optional(),
  usage: z.looseObject({}).optional(),
  stats: z.looseObject({}).optional(),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiSession = z.infer<typeof apiSession>;

// ---------------------------------------------------------------------------------------------
// check

/**
 * Check failures print the value at their property path. A GitHub resource carries a secret token,
 * so a failure inside `resources` points at the entry's `type` and names the real path in the reason.
 */
function shieldResourceFailures(result: CheckResult): CheckResult {
  return {
    ...result,
    failures: result.failures.map((f) => {
      const m = /^resources(\[\d+\])?/.exec(f.property);
      if (!m || f.property.endsWith(".type")) return f;
      const at = m[1] ? `resources${m[1]}.type` : "resources";
      return { property: at, reason: `${f.property}: ${f.reason}` };
    }),
  };
}

export function sessionCrossFieldFailures(inputs: SessionDefinition): CheckFailure[] {
  if (inputs.tools === undefined && inputs.mcpServers === undefined) return [];
  // Overrides replace the agent's lists, so the same MCP rules apply to the pair.
  return agentCrossFieldFailures({ name: "session", model: "override", tools: inputs.tools ?? [], mcpServers: inputs.mcpServers ?? [] });
}

// ---------------------------------------------------------------------------------------------
// Body builders (pure)

function definitionOf(inputs: Props): SessionDefinition {
  return pickDeclared(inputs, SESSION_FIELDS) as SessionDefinition;
}

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

export function buildSessionCreateBody(inputs: SessionDefinition, createToken: string): WithCreateToken<SessionCreateBody> {
  const { agent: _a, agentVersion: _v, tools: _t, mcpServers: _m, ...rest } = inputs;
  return {
    ...apiCased(rest),
    agent: agentParam(inputs),
    metadata: { ...(inputs.metadata ?? {}), [CREATE_TOKEN_KEY]: createToken },
  };
}

/**
 * The in-place part of a change. Removed overrides are restored from `agentDefaults` (the pinned
 * agent version's own tools and MCP servers), since a session-local update is a full replacement.
 * Null when nothing the API stores changed.
 */
export function buildSessionUpdateBody(
  olds: Props,
  news: SessionDefinition,
  agentDefaults?: AgentDefaults,
): SessionUpdateBody | null {
  const body: SessionUpdateBody = {};
  if (!sameValue(olds["title"], news.title)) body.title = news.title ?? null;
  if (!sameValue(olds["metadata"], news.metadata)) {
    body.metadata = metadataPatch(olds["metadata"] as Record<string, string> | undefined, news.metadata);
  }
  if (!sameValue(olds["budget"], news.budget)) body.budget = news.budget ? apiCased(news.budget) : null;
  const agent: NonNullable<SessionUpdateBody["agent"]> = {};
  if (!sameValue(olds["tools"], news.tools)) agent.tools = news.tools ? apiCased(news.tools) : (agentDefaults?.tools ?? []);
  if (!sameValue(olds["mcpServers"], news.mcpServers)) {
    agent.mcp_servers = news.mcpServers ? apiCased(news.mcpServers) : (agentDefaults?.mcp_servers ?? []);
  }
  if (Object.keys(agent).length > 0) body.agent = agent;
  return Object.keys(body).length === 0 ? null : body;
}

/** Whether restoring a removed override needs the agent version's own lists. */
function removesOverride(olds: Props, news: SessionDefinition): boolean {
  return (olds["tools"] !== undefined && news.tools === undefined) || (olds["mcpServers"] !== undefined && news.mcpServers === undefined);
}

// ---------------------------------------------------------------------------------------------
// Outputs and drift

type ResolvedSession = Record<DriftField, unknown>;

export function resolvedSessionView(api: ApiSession): ResolvedSession {
  return {
    title: api.title ?? null,
    metadata: withoutCreateToken(api.metadata ?? {}),
    budget: fromApiCase(api.budget ?? null),
    tools: fromApiCase(api.agent.tools ?? []),
    mcpServers: fromApiCase(api.agent.mcp_servers ?? []),
  };
}

const DECLARED_FIELDS = [...SESSION_FIELDS, ...OPTION_FIELDS];
const COMPUTED_OUTPUTS = ["agentId", "agentVersion", "status", "resolvedAgent", "usage", "stats", "createdAt", "updatedAt", "archivedAt", "resolved"] as const;

export function sessionOutputs(inputs: Props, api: ApiSession): Props {
  return toPulumiProps({
    ...pickDeclared(inputs, DECLARED_FIELDS),
    // The version the session runs; equal to the declared pin when there is one. `pinned` records
    // whether there is one, so that a refresh does not turn the version it runs into a pin.
    agentId: api.agent.id,
    agentVersion: api.agent.version,
    pinned: inputs["agentVersion"] !== undefined,
    status: api.status,
    resolvedAgent: fromApiCase(api.agent),
    usage: fromApiCase(api.usage ?? {}),
    stats: fromApiCase(api.stats ?? {}),
    ...lifecycleOutputs(api),
    resolved: resolvedSessionView(api),
  });
}

export function sessionInputsAfterRefresh(props: Props, api: ApiSession): Props {
  const drifted = inputsAfterRefresh({
    fields: DRIFT_FIELDS,
    declared: props,
    lastSeen: props["resolved"] as Partial<ResolvedSession> | undefined,
    fresh: resolvedSessionView(api),
    asDeclared: (_f, v) => emptyAsAbsent(v),
  });
  const fixedFields = SESSION_FIELDS.filter((f) => !(DRIFT_FIELDS as readonly string[]).includes(f) && (f !== "agentVersion" || props["pinned"] === true));
  const fixed = pickDeclared(props, [...fixedFields, ...OPTION_FIELDS]);
  return { ...fixed, ...drifted };
}

// ---------------------------------------------------------------------------------------------
// Running sessions

/** The session stayed busy past `waitTimeoutSeconds`. */
export class SessionBusyError extends AnthropicProviderError {
  override name = "SessionBusyError";
}

const BUSY = new Set(["running", "rescheduling"]);

function label(inputs: Props, id?: string): string {
  const title = typeof inputs["title"] === "string" ? ` "${inputs["title"]}"` : "";
  return `session${title}${id ? ` (${id})` : ""}`;
}

function retrieve(client: ApiClient, id: string, operation: string): Promise<ApiSession | undefined> {
  return retrieveOrGone(client, encodedPath`/v1/sessions/${id}`, apiSession, operation);
}

interface Settle {
  client: ApiClient;
  id: string;
  operation: string;
  policy: "wait" | "interrupt";
  timeoutSeconds: number;
  pollIntervalMs: number;
}

/**
 * Brings the session to a state the API accepts changes in: waits until it is no longer running,
 * after sending `user.interrupt` first when the policy says so. Returns the session, or undefined if
 * it is gone.
 */
async function settle(s: Settle, deadline: number, interruptSent: { value: boolean }): Promise<ApiSession | undefined> {
  for (;;) {
    const session = await retrieve(s.client, s.id, s.operation);
    if (!session || !BUSY.has(session.status)) return session;
    if (s.policy === "interrupt" && !interruptSent.value && session.status === "running") {
      await s.client.request({
        operation: `${s.operation} (interrupting)`,
        method: "POST",
        path: encodedPath`/v1/sessions/${s.id}/events`,
        body: { events: [{ type: "user.interrupt" }] },
        schema: z.unknown(),
      });
      interruptSent.value = true;
      continue;
    }
    if (Date.now() + s.pollIntervalMs > deadline) {
      throw new SessionBusyError(
        `${s.operation}: session ${s.id} is still ${session.status} after waiting ${s.timeoutSeconds}s (whenRunning: "${s.policy}"); ` +
          `the API refuses changes while a session runs. Nothing was changed: run \`pulumi up\` again later, raise waitTimeoutSeconds, or set whenRunning: "interrupt"`,
      );
    }
    await new Promise((resolve) => setTimeout(resolve, s.pollIntervalMs));
  }
}

/** The API's refusal of a change because the session runs (409, or a 400 that says so). */
function refusedWhileRunning(error: unknown): boolean {
  if (error instanceof ConflictError) return true;
  return error instanceof ApiError && error.status === 400 && /\brunning\b/i.test(error.apiMessage ?? "");
}

/** Runs `act` once the session accepts changes; a refusal because it started running again retries. */
async function whenSettled<T>(s: Settle, act: (session: ApiSession) => Promise<T>): Promise<T | undefined> {
  const deadline = Date.now() + s.timeoutSeconds * 1000;
  const interruptSent = { value: false };
  for (;;) {
    const session = await settle(s, deadline, interruptSent);
    if (!session) return undefined;
    try {
      return await act(session);
    } catch (error) {
      // Raced with a new run between our read and our change: settle again, within the same deadline.
      if (refusedWhileRunning(error) && Date.now() < deadline) {
        interruptSent.value = false;
        continue;
      }
      throw error;
    }
  }
}

function settleOptions(ctx: HookContext, client: ApiClient, id: string, props: Props, operation: string, forDestroy: boolean): Settle {
  const declared = props["whenRunning"];
  return {
    client,
    id,
    operation,
    policy: declared === "wait" || declared === "interrupt" ? declared : forDestroy ? "interrupt" : "wait",
    timeoutSeconds: typeof props["waitTimeoutSeconds"] === "number" ? props["waitTimeoutSeconds"] : DEFAULT_WAIT_TIMEOUT_SECONDS,
    pollIntervalMs: ctx.pollIntervalMs ?? 1_000,
  };
}

// ---------------------------------------------------------------------------------------------
// Hooks

function createSession(client: ApiClient, inputs: SessionDefinition): Promise<ApiSession> {
  return createWithToken({
    client,
    operation: `create ${label(inputs as Props)}`,
    path: "/v1/sessions",
    body: buildSessionCreateBody(inputs, newCreateToken()),
    schema: apiSession,
    lookupQuery: { agent_id: inputs.agent },
  });
}

async function agentDefaults(client: ApiClient, agentId: string, version: unknown, operation: string) {
  const agent = await client.request({
    operation: `${operation} (reading the agent's own tools)`,
    method: "GET",
    path: encodedPath`/v1/agents/${agentId}`,
    query: { version: typeof version === "number" ? version : undefined },
    schema: apiAgent,
  });
  return { tools: agent.tools ?? [], mcp_servers: agent.mcp_servers ?? [] } as AgentDefaults;
}

export const sessionHooks: ResourceHooks = {
  async check(_olds, news) {
    return shieldResourceFailures(checkWithSchema(sessionInputs, news, sessionCrossFieldFailures));
  },

  async diff(_id, olds, news) {
    return diffByTable({
      fields: [...SESSION_FIELDS, ...OPTION_FIELDS],
      replacePaths: SESSION_REPLACE_FIELDS,
      keepWhenAbsent: KEEP_WHEN_ABSENT,
      olds,
      news,
    });
  },

  async create(ctx, inputs) {
    const api = await createSession(ctx.client(), definitionOf(inputs));
    return { id: api.id, outs: sessionOutputs(inputs, api) };
  },

  async read(ctx, id, props) {
    const api = await retrieve(ctx.client(), id, `read ${label(props, id)}`);
    if (!api || api.archived_at) return {};
    const inputs = sessionInputsAfterRefresh(props, api);
    return { id, props: sessionOutputs(inputs, api), inputs };
  },

  async update(ctx, id, olds, news) {
    const client = ctx.client();
    const operation = `update ${label(olds, id)}`;
    const definition = definitionOf(news);
    const defaults = removesOverride(olds, definition)
      ? await agentDefaults(client, String(olds["agentId"] ?? definition.agent), olds["agentVersion"], operation)
      : undefined;
    const body = buildSessionUpdateBody(olds, definition, defaults);
    if (!body) {
      const outs = outputsWithoutCall({ news, olds, declaredFields: DECLARED_FIELDS, computedFields: COMPUTED_OUTPUTS });
      return { outs: { ...outs, pinned: news["agentVersion"] !== undefined } };
    }
    const api = await whenSettled(settleOptions(ctx, client, id, news, operation, false), () =>
      client.request({ operation, method: "POST", path: encodedPath`/v1/sessions/${id}`, body, schema: apiSession }),
    );
    if (!api) throw new Error(`${operation}: the session no longer exists; run \`pulumi refresh\`, then \`pulumi up\` to create it again`);
    return { outs: sessionOutputs(news, api) };
  },

  async delete(ctx, id, props) {
    const client = ctx.client();
    const remove = props["onDestroy"] === "delete";
    const operation = `${remove ? "delete" : "archive"} ${label(props, id)}`;
    try {
      await whenSettled(settleOptions(ctx, client, id, props, operation, true), async (session) => {
        if (remove) {
          await client.request({ operation, method: "DELETE", path: encodedPath`/v1/sessions/${id}`, schema: z.unknown() });
        } else if (!session.archived_at) {
          await client.request({ operation, method: "POST", path: encodedPath`/v1/sessions/${id}/archive`, body: {}, schema: apiSession });
        }
      });
    } catch (error) {
      if (error instanceof NotFoundError) return;
      if (error instanceof ApiError && error.status === 400 && !remove) {
        const current = await retrieve(client, id, operation);
        if (!current || current.archived_at) return;
      }
      throw error;
    }
  },
};
