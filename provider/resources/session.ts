// Session: an agent instance in an environment. Version pinning decides what a diff means (DESIGN
// §4): with `agentVersion` the session is pinned (`{type: "agent", id, version}`), so a new version
// means a new session; without it the session keeps the version it started on. `tools` and
// `mcpServers` are session-local overrides, changed in place through `POST /v1/sessions/{id}` with
// `agent.tools` / `agent.mcp_servers` (full replacement), never touching the agent. The API refuses
// changes while a session runs; `whenRunning` decides whether to wait or interrupt.
import { z } from "zod";
import { agents } from "../api/agents";
import { apiSessionResource, sessionResources, type ApiSessionResource } from "../api/session-resources";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import { sessions, type ApiSession } from "../api/sessions";
import { AnthropicProviderError, ApiError, ConflictError, isAmbiguousFailure, NotFoundError } from "../client/errors";
import type { CheckFailure } from "../kit/check";
import { takeOver } from "../kit/adopt";
import type { OperationContext } from "../kit/context";
import { createOrAdopt, type Creatable } from "../kit/create";
import { metadataInput, stampText, userMetadata } from "../kit/metadata";
import { checkedUpdate } from "../kit/update";
import { defineResource, labelOf, refreshedInputs, stateFromApi, type Change, type State } from "../kit/resource";
import { buildPatch } from "../kit/diff";
import { defineSpec, field, type Effect } from "../kit/spec";
import { containsUnknown, emptyAsAbsent, isRecord, sameValue, stableJson, UNKNOWN } from "../kit/values";
import { quote } from "../kit/quote";
import { concealWriteOnly } from "../kit/write-only";
import { metadataField, timestampDocs, timestamps } from "./shared";
import { always } from "./docs";
import { mcpServersInput, modelInput, resolvedModel, resolvedSkills, resolvedTools, skillInput, toolRuleFailures, toolsInput } from "./agent";

// ---------------------------------------------------------------------------------------------
// Input schema

const githubResource = z
  .strictObject({
    type: always("github_repository"),
    url: z.url({ protocol: /^https$/ }).meta({ description: "GitHub URL of the repository (https)." }),
    /** Write-only: state keeps a hash. */
    authorizationToken: z.string().min(1).optional().meta({
      description: "GitHub authorization token used to clone the repository: required for private repositories, optional for public ones. Write-only: state keeps only a hash of it.",
    }),
    checkout: z
      .discriminatedUnion("type", [
        z
          .strictObject({ type: always("branch"), name: z.string().min(1).meta({ description: "Branch name to check out." }) })
          .meta({ description: "Check out a branch." }),
        z
          .strictObject({
            type: always("commit"),
            sha: z
              .string()
              .regex(/^[0-9a-f]{40}$/, "must be a full 40-character commit SHA (the API refuses abbreviated ones)")
              .meta({ description: "Full 40-character commit SHA to check out (lowercase hex)." }),
          })
          .meta({ description: "Check out a commit." }),
      ])
      .optional()
      .meta({ description: "Branch or commit to check out. Defaults to the repository's default branch." }),
    mountPath: z.string().min(1).optional().meta({ description: "Mount path in the container. Defaults to `/workspace/<repo-name>`." }),
  })
  .meta({ description: "A GitHub repository mounted into the session's container." });
const fileResource = z
  .strictObject({
    type: always("file"),
    fileId: z.string().min(1).meta({ description: "ID of a file uploaded through the Files API (e.g. `file.id`)." }),
    mountPath: z.string().min(1).optional().meta({ description: "Mount path in the container. Defaults to `/mnt/session/uploads/<fileId>`." }),
  })
  .meta({ description: "A file uploaded through the Files API, mounted into the session's container." });
const memoryStoreResource = z
  .strictObject({
    type: always("memory_store"),
    memoryStoreId: z.string().min(1).meta({ description: "The memory store's id (`memstore_…`, e.g. `memoryStore.id`); it must belong to the caller's organization and workspace." }),
    access: z
      .enum(["read_write", "read_only"])
      .optional()
      .meta({ description: "Access mode for the mounted store: `read_write` (the default) or `read_only` (mounted as a read-only filesystem)." }),
    instructions: z
      .string()
      .max(4096, "at most 4,096 characters")
      .optional()
      .meta({ description: "Guidance for the agent on how to use this store, rendered into the memory section of the system prompt. At most 4,096 characters." }),
  })
  .meta({ description: "A memory store attached to the session." });
const resourceInput = z.discriminatedUnion("type", [githubResource, fileResource, memoryStoreResource]);
type ResourceInput = z.infer<typeof resourceInput>;

// The content blocks a `user.message` takes (BetaManagedAgentsUserMessageEventParams).
const fileSource = (what: string) =>
  z
    .strictObject({ type: always("file"), fileId: z.string().min(1).meta({ description: "ID of a file uploaded through the Files API." }) })
    .meta({ description: `${what} referenced by file ID.` });
const urlSource = (what: string) =>
  z.strictObject({ type: always("url"), url: z.url().meta({ description: `URL of the ${what.toLowerCase()} to fetch.` }) }).meta({ description: `${what} referenced by URL.` });
const base64Source = (what: string, mediaTypes: string) =>
  z
    .strictObject({
      type: always("base64"),
      mediaType: z.string().min(1).meta({ description: `MIME type of the ${what.toLowerCase()} (${mediaTypes}).` }),
      data: z.string().min(1).meta({ description: `Base64-encoded ${what.toLowerCase()} data.` }),
    })
    .meta({ description: `Base64-encoded ${what.toLowerCase()} data.` });
const contentBlock = z.discriminatedUnion("type", [
  z.strictObject({ type: always("text"), text: z.string().min(1).meta({ description: "The text content." }) }).meta({ description: "Text content." }),
  z
    .strictObject({
      type: always("image"),
      source: z
        .discriminatedUnion("type", [base64Source("Image", 'e.g. "image/png", "image/jpeg", "image/gif", "image/webp"'), urlSource("Image"), fileSource("Image")])
        .meta({ description: "The source of the image data: `base64`, `url` or `file`." }),
    })
    .meta({ description: "Image content, given as base64 data, a URL or a file." }),
  z
    .strictObject({
      type: always("document"),
      source: z
        .discriminatedUnion("type", [
          base64Source("Document", 'e.g. "application/pdf"'),
          z
            .strictObject({
              type: always("text"),
              mediaType: z.literal("text/plain").meta({ description: "MIME type of the text content: always `text/plain`." }),
              data: z.string().meta({ description: "The plain text content." }),
            })
            .meta({ description: "Plain text document content." }),
          urlSource("Document"),
          fileSource("Document"),
        ])
        .meta({ description: "The source of the document data: `base64`, `text`, `url` or `file`." }),
      context: z.string().optional().meta({ description: "Additional context about the document for the model." }),
      title: z.string().optional().meta({ description: "The title of the document." }),
    })
    .meta({ description: "Document content, given as base64 data, plain text, a URL or a file." }),
]);

const initialEventInput = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: always("user.message"),
      content: z.array(contentBlock).min(1).meta({ description: "The message's content blocks (`text`, `image`, `document`); at least one." }),
    })
    .meta({ description: "A user message; it starts the agent's work." }),
  z
    .strictObject({
      type: always("user.define_outcome"),
      description: z.string().min(1).meta({ description: "What the agent should produce: the task specification." }),
      rubric: z
        .discriminatedUnion("type", [
          z
            .strictObject({
              type: always("text"),
              content: z.string().min(1).meta({ description: "Rubric content, plain text or markdown (the grader treats it as freeform text). The API allows at most 262,144 characters." }),
            })
            .meta({ description: "A rubric given inline as text." }),
          z
            .strictObject({ type: always("file"), fileId: z.string().min(1).meta({ description: "ID of the rubric file, uploaded through the Files API." }) })
            .meta({ description: "A rubric in a file uploaded through the Files API." }),
        ])
        .meta({ description: "How to grade the outcome: a text or a file rubric." }),
      maxIterations: z
        .number()
        .int()
        .min(1)
        .max(20, "at most 20 iterations")
        .optional()
        .meta({ description: "Evaluation and revision cycles before giving up: 1 to 20; the API's default is 3." }),
    })
    .meta({ description: "An outcome the agent should work toward, graded by a rubric; the agent begins work on receipt." }),
]);

const budgetInput = z.strictObject({
  type: always("limit"),
  maxListCost: z
    .strictObject({
      amount: z
        .string()
        .regex(/^(0|[1-9]\d*)$/, 'an integer number of minor units as a string, e.g. "2500" for $25.00')
        .meta({ description: 'Amount in minor units of the currency, as an integer decimal string without leading zeros: `"2500"` is $25.00, `"50"` fifty cents.' }),
      // The API requires it; USD is the only currency it prices.
      currency: z.literal("USD").default("USD").meta({ description: "Uppercase ISO 4217 currency code: `USD`, the only currency the API supports (and the default here)." }),
    })
    .meta({
      description: "Maximum list cost the session may accrue; once the tracked list cost reaches it, the session stops issuing model requests. List price is used regardless of any negotiated discount.",
    }),
});

export const sessionDefinition = z.strictObject({
  agent: z.string().min(1, "agent must be an agent id"),
  agentVersion: z.number().int().min(1).optional(),
  environmentId: z.string().min(1),
  vaultIds: z.array(z.string().min(1)).optional(),
  resources: z.array(resourceInput).optional(),
  title: z.string().optional(),
  metadata: metadataInput.optional(),
  budget: budgetInput.optional(),
  initialEvents: z.array(initialEventInput).max(50, "at most 50 initial events").optional(),
  model: modelInput.optional(),
  system: z.string().max(100_000, "at most 100,000 characters").optional(),
  skills: z.array(skillInput).optional(),
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
/** The agent overrides: given at create inside `agent` (`agent_with_overrides`), not beside it. */
const OVERRIDES = ["model", "system", "skills", "tools", "mcpServers"] as const;
type Override = (typeof OVERRIDES)[number];
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

/** Which declared resource a mounted one is: GitHub by URL (and mount path), a file by id (and mount path), a memory store by id. */
function resourceKey(r: unknown): string | undefined {
  if (!isRecord(r) || containsUnknown(r["type"])) return undefined;
  const parts =
    r["type"] === "github_repository" ? [r["url"], r["mountPath"]] : r["type"] === "file" ? [r["fileId"], r["mountPath"]] : [r["memoryStoreId"]];
  return containsUnknown(parts) ? undefined : stableJson([r["type"], ...parts.map((p) => p ?? null)]);
}

export interface ResourcePlan {
  /** Old declarations no longer in the program: deleted from the session. */
  remove: unknown[];
  /** New file resources: added to the session. */
  add: unknown[];
  /** GitHub repositories whose token changed: `[old, new]`. */
  rotate: Array<[unknown, unknown]>;
  /** What cannot change in place (a new repository or memory store, a changed checkout, access, …), by reason. */
  replace: string[];
}

/**
 * The resource changes between two declarations (tokens as hashes). The session-resources
 * endpoints add only files, update only a repository's token and delete anything.
 */
export function planResources(old: unknown, next: unknown): ResourcePlan {
  const plan: ResourcePlan = { remove: [], add: [], rotate: [], replace: [] };
  if (next === UNKNOWN) return { ...plan, replace: ["resources (not known yet)"] };
  const olds: unknown[] = Array.isArray(old) ? old : [];
  // Each key computed once: a new declaration takes the first old one with its key not taken yet.
  const byKey = new Map<string, { at: number[]; next: number }>();
  olds.forEach((o, i) => {
    const key = resourceKey(o);
    if (key === undefined) return;
    const slot = byKey.get(key);
    if (slot) slot.at.push(i);
    else byKey.set(key, { at: [i], next: 0 });
  });
  const matched = new Set<number>();
  for (const r of Array.isArray(next) ? next : []) {
    const key = resourceKey(r);
    const slot = key === undefined ? undefined : byKey.get(key);
    const i = slot?.at[slot.next];
    const type = isRecord(r) ? quote(r["type"]) : "malformed";
    if (slot === undefined || i === undefined) {
      if (isRecord(r) && r["type"] === "file") plan.add.push(r);
      else plan.replace.push(`a new ${type} resource`);
      continue;
    }
    slot.next += 1;
    matched.add(i);
    const o = olds[i];
    // Both have a key, so both are maps (`resourceKey`).
    const { authorizationToken: newToken, ...rest } = isRecord(r) ? r : {};
    const { authorizationToken: oldToken, ...oldRest } = isRecord(o) ? o : {};
    if (containsUnknown(rest) || !sameValue(oldRest, rest)) plan.replace.push(`a changed ${type} resource`);
    else if (!sameValue(oldToken, newToken)) {
      if (newToken === undefined) plan.replace.push("a removed authorizationToken");
      else plan.rotate.push([o, r]);
    }
  }
  const unmatched = olds.filter((_, i) => !matched.has(i));
  // A mounted memory store has no resource id in the API, so it cannot be deleted on its own.
  for (const o of unmatched) {
    if (isRecord(o) && o["type"] === "memory_store") plan.replace.push("a removed memory_store resource");
    else plan.remove.push(o);
  }
  return plan;
}

export function resourcesEffect(old: unknown, next: unknown): Effect {
  const plan = planResources(old, next);
  if (plan.replace.length > 0) return "replace";
  return plan.remove.length + plan.add.length + plan.rotate.length > 0 ? "update" : "none";
}

// ---------------------------------------------------------------------------------------------
// The spec

const fixed = { drift: false } as const;

export const sessionSpec = defineSpec({
  kind: "Session",
  summary:
    "An agent instance in an environment. `title`, `metadata` and a budget's amount update in place, even while the session runs; `tools` and `mcpServers` update in place once it is idle; files, removed resources and GitHub tokens change in place through the session-resources endpoints. What the session was created from replaces it. Destroy archives it (history kept); `onDestroy: \"delete\"` deletes it.",
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
      { writeOnly: ["authorizationToken"] },
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
        text: "Events sent when the session is created (at most 50): `user.message` (content blocks `text`, `image` and `document`, each image or document from `base64`, `url` or `file`, a document also from `text`) and `user.define_outcome` (`maxIterations` at most 20). Sent once. A `user.message` starts work, so the session is `running` right after creation.",
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

/** Whether a mounted resource is the declared one (a mount path the program leaves out is the API's). */
function mounts(api: ApiSessionResource, declared: ResourceInput): boolean {
  if (api.type !== declared.type) return false;
  const mountPath = "mountPath" in declared ? declared.mountPath : undefined;
  if (mountPath !== undefined && api.mount_path !== mountPath) return false;
  if (declared.type === "github_repository") return api.url === declared.url;
  if (declared.type === "file") return api.file_id === declared.fileId;
  return api.memory_store_id === declared.memoryStoreId;
}

/** The mounted resource of each declaration, in declared order (none declared: every mounted one). */
function matchResources(mounted: readonly ApiSessionResource[], declared: readonly ResourceInput[] | undefined): Array<ApiSessionResource | undefined> {
  if (declared === undefined) return [...mounted];
  // Grouped by what `mounts` compares first, so that thousands of resources match in linear time.
  const free = new Map<string, ApiSessionResource[]>();
  const groupOf = (type: string, id: unknown) => `${type}\u0000${String(id)}`;
  for (const m of mounted) {
    const group = groupOf(m.type, m.type === "github_repository" ? m.url : m.type === "file" ? m.file_id : m.memory_store_id);
    const list = free.get(group);
    if (list) list.push(m);
    else free.set(group, [m]);
  }
  return declared.map((d) => {
    const candidates = free.get(groupOf(d.type, d.type === "github_repository" ? d.url : d.type === "file" ? d.fileId : d.memoryStoreId)) ?? [];
    const i = candidates.findIndex((m) => mounts(m, d));
    return i < 0 ? undefined : candidates.splice(i, 1)[0];
  });
}

function outputsOf(api: ApiSession, pinned: boolean, declaredResources: readonly ResourceInput[] | undefined): SessionOutputs {
  const mounted = z.array(apiSessionResource).catch([]).parse(api.resources ?? []);
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

/** Fields the API does not return as declared: the create stamp vouches for them. */
const AS_CREATED = ["resources", "initialEvents", "model", "system", "skills"] as const;

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
  const asCreated = Object.fromEntries(AS_CREATED.flatMap((k) => (inputs[k] !== undefined ? [[k, inputs[k]]] : [])));
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

/** Where each element first stands (`indexOf` for every element at once). */
function firstIndexOf(list: readonly unknown[]): Map<unknown, number> {
  const at = new Map<unknown, number>();
  list.forEach((item, i) => {
    if (!at.has(item)) at.set(item, i);
  });
  return at;
}

/**
 * Resource changes through the session-resources endpoints: removed ones deleted, new files added,
 * rotated tokens set. Each step first looks at what is mounted, so that a rerun after an
 * interruption neither adds a file twice nor fails on one already removed.
 */
async function applyResources(
  ctx: OperationContext,
  operation: string,
  id: string,
  olds: State<SessionInputs, SessionOutputs>,
  change: Change<SessionInputs>,
  mountedNow: readonly ApiSessionResource[],
): Promise<boolean> {
  const declaredNow = change.inputs.resources ?? [];
  // Compared as state holds them (tokens as hashes); each concealed entry stands for the plain one at its index.
  const hashed = concealWriteOnly(sessionSpec, { resources: declaredNow })["resources"];
  const concealed: unknown[] = Array.isArray(hashed) ? hashed : [];
  const plan = planResources(olds.inputs.resources, concealed);
  if (plan.remove.length + plan.add.length + plan.rotate.length === 0) return false;
  const mounted = [...mountedNow];
  const oldMatches = matchResources(mounted, olds.inputs.resources);
  const stillDeclared = new Set(matchResources(mounted, declaredNow).flatMap((m) => (m ? [m.id] : [])));
  const oldIndex = firstIndexOf(olds.inputs.resources ?? []);
  for (const removed of plan.remove) {
    const found = oldMatches[oldIndex.get(removed) ?? -1];
    if (found?.id !== undefined && !stillDeclared.has(found.id)) await sessionResources.delete(ctx, `${operation} (removing resource ${found.id})`, id, found.id);
  }
  const concealedIndex = firstIndexOf(concealed);
  const plainOf = (r: unknown) => declaredNow[concealedIndex.get(r) ?? -1];
  for (const added of plan.add) {
    const file = plainOf(added);
    if (file?.type !== "file") continue;
    if (mounted.some((m) => mounts(m, file))) continue;
    const body = { type: "file" as const, file_id: file.fileId, ...(file.mountPath !== undefined ? { mount_path: file.mountPath } : {}) };
    try {
      mounted.push(await sessionResources.add(ctx, `${operation} (adding file ${file.fileId})`, id, body));
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      // The add may have happened: look before trying again.
      const now = await sessions.retrieve(ctx, `${operation} (checking whether file ${file.fileId} was added)`, id);
      const listed = z.array(apiSessionResource).catch([]).parse(now?.resources ?? []);
      if (!listed.some((m) => mounts(m, file))) throw error;
    }
  }
  for (const [, rotated] of plan.rotate) {
    const repo = plainOf(rotated);
    if (repo?.type !== "github_repository" || repo.authorizationToken === undefined) continue;
    const found = mounted.find((m) => mounts(m, repo));
    if (found?.id === undefined) throw new Error(`${operation}: the session no longer mounts ${repo.url}; run \`pulumi refresh\``);
    await sessionResources.update(ctx, `${operation} (setting the token of ${repo.url})`, id, found.id, { authorization_token: repo.authorizationToken });
  }
  return true;
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
  const mounted = z.array(apiSessionResource).catch([]).parse(api.resources ?? []);
  if (resourcesChange && (await applyResources(ctx, operation, id, olds, change, mounted))) {
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
  crossCheck: overrideFailures,

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
