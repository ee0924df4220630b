// Sessions in the emulator: created from an agent id (latest version), a pinned `{type: "agent"}`
// reference or `{type: "agent_with_overrides"}`, snapshotting the agent version they resolved. A
// `user.message` makes a session `running` for `runMs`, then `idle`; `user.interrupt` makes it
// `idle` at once. Update, archive and delete of a running session are refused.
import { type AgentStore, resolveToolsAndServers, validateMetadata } from "./agents";
import type { EnvironmentStore } from "./environments";
import { byCreatedAt, createdAtFilter, paginateBidirectional } from "./pagination";
import { checkInitialEvents, listParam, registerSessionEventRoutes, SessionTurns } from "./session-events";
import { HttpError, invalid, newId, notFound, type Router } from "./server";

type Json = Record<string, unknown>;

export interface SessionRecord extends Json {
  id: string;
  type: "session";
  status: "idle" | "running" | "rescheduling" | "terminated";
  agent: Json & { id: string; version: number; tools: Json[]; mcp_servers: Json[] };
  environment_id: string;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const CREATE_FIELDS = ["agent", "environment_id", "budget", "initial_events", "metadata", "resources", "title", "vault_ids"];
const UPDATE_FIELDS = ["agent", "budget", "metadata", "title", "vault_ids"];

function validateBudget(budget: unknown): void {
  if (budget === undefined || budget === null) return;
  const b = budget as Json;
  const cost = b["max_list_cost"] as Json | undefined;
  if (b["type"] !== "limit" || !isObject(cost) || typeof cost["amount"] !== "string" || !/^(0|[1-9]\d*)$/.test(cost["amount"])) {
    throw invalid('budget: must be {type: "limit", max_list_cost: {amount: "<integer minor units>", currency?: "USD"}}');
  }
}

export class SessionStore {
  readonly records = new Map<string, SessionRecord>();
  readonly events = new Map<string, Json[]>();
  /** The event log's behaviour: the agent's turns, filters, streams (session-events.ts). */
  readonly turns: SessionTurns = new SessionTurns(this);

  constructor(
    private readonly agents: AgentStore,
    private readonly environments: EnvironmentStore,
    /** How long a session stays running after a user.message. Tests change it. */
    public runMs: number,
  ) {}

  get(id: string): SessionRecord {
    const found = this.records.get(id);
    if (!found) throw notFound(`session ${id} not found`);
    return found;
  }

  private snapshotAgent(ref: unknown): SessionRecord["agent"] {
    let id: string;
    let version: number | undefined;
    let overrides: Json = {};
    if (typeof ref === "string") id = ref;
    else if (isObject(ref) && (ref["type"] === "agent" || ref["type"] === "agent_with_overrides") && typeof ref["id"] === "string") {
      id = ref["id"];
      version = typeof ref["version"] === "number" ? ref["version"] : undefined;
      if (ref["type"] === "agent_with_overrides") overrides = ref;
    } else throw invalid('agent: must be an agent id, {type: "agent", id, version} or {type: "agent_with_overrides", ...}');
    const versions = this.agents.versions.get(id);
    if (!versions) throw notFound(`agent ${id} not found`);
    const record = version === undefined ? versions[versions.length - 1]! : versions.find((v) => v.version === version);
    if (!record) throw notFound(`agent ${id} has no version ${String(version)}`);
    if (record.archived_at) throw invalid(`agent ${id} is archived`);
    const { created_at: _c, updated_at: _u, archived_at: _a, metadata: _m, ...agent } = record;
    const snapshot = { ...agent } as unknown as SessionRecord["agent"];
    if ("tools" in overrides || "mcp_servers" in overrides) {
      Object.assign(
        snapshot,
        resolveToolsAndServers(overrides["tools"] ?? snapshot.tools, overrides["mcp_servers"] ?? snapshot.mcp_servers),
      );
    }
    for (const k of ["model", "system", "skills"]) if (k in overrides) snapshot[k] = overrides[k];
    return snapshot;
  }

  create(body: Json): SessionRecord {
    for (const k of Object.keys(body)) if (!CREATE_FIELDS.includes(k)) throw invalid(`${k}: unknown field`);
    const envId = body["environment_id"];
    if (typeof envId !== "string") throw invalid("environment_id: required");
    const env = this.environments.get(envId);
    if (env.archived_at) throw invalid(`environment ${envId} is archived`, "environment_archived");
    const metadata = (body["metadata"] as Json | undefined) ?? {};
    validateMetadata(metadata);
    validateBudget(body["budget"]);
    checkInitialEvents(body["initial_events"]);
    const now = new Date().toISOString();
    const record: SessionRecord = {
      id: newId("sesn"),
      type: "session",
      status: "idle",
      agent: this.snapshotAgent(body["agent"]),
      environment_id: envId,
      title: body["title"] ?? null,
      metadata,
      budget: body["budget"] ?? null,
      vault_ids: body["vault_ids"] ?? [],
      resources: ((body["resources"] as Json[] | undefined) ?? []).map((r) => {
        const { authorization_token: _secret, ...visible } = r;
        return { id: newId("sesrsc"), ...visible };
      }),
      outcome_evaluations: [],
      stats: { active_seconds: 0, duration_seconds: 0 },
      usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0 },
      created_at: now,
      updated_at: now,
      archived_at: null,
    };
    this.records.set(record.id, record);
    this.events.set(record.id, []);
    const initial = (body["initial_events"] as Json[] | undefined) ?? [];
    if (initial.length > 0) this.sendEvents(record.id, { events: initial });
    return this.get(record.id);
  }

  private refuseWhileRunning(s: SessionRecord, action: string): void {
    if (s.status === "running") {
      throw new HttpError(409, "invalid_request_error", `session ${s.id} is running; ${action} is not allowed until it is idle (send user.interrupt to stop it)`);
    }
  }

  update(id: string, body: Json): SessionRecord {
    for (const k of Object.keys(body)) if (!UPDATE_FIELDS.includes(k)) throw invalid(`${k}: unknown field`);
    const current = this.get(id);
    if (current.archived_at) throw invalid(`session ${id} is archived`);
    this.refuseWhileRunning(current, "update");
    const next: SessionRecord = { ...current };
    if ("title" in body) next["title"] = body["title"];
    if ("budget" in body) {
      validateBudget(body["budget"]);
      next["budget"] = body["budget"];
    }
    if ("vault_ids" in body) next["vault_ids"] = body["vault_ids"];
    if ("metadata" in body) {
      const merged: Json = { ...(current["metadata"] as Json) };
      const patch = body["metadata"];
      if (patch === null) for (const k of Object.keys(merged)) delete merged[k];
      else if (isObject(patch)) {
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) delete merged[k];
          else merged[k] = v;
        }
      }
      validateMetadata(merged);
      next["metadata"] = merged;
    }
    if (isObject(body["agent"])) {
      const a = body["agent"];
      for (const k of Object.keys(a)) if (k !== "tools" && k !== "mcp_servers") throw invalid(`agent.${k}: only tools and mcp_servers can be updated`);
      // Full replacement of each list given; the agent itself is never touched.
      next.agent = {
        ...current.agent,
        ...resolveToolsAndServers(a["tools"] ?? current.agent.tools, a["mcp_servers"] ?? current.agent.mcp_servers),
      };
    }
    next.updated_at = new Date().toISOString();
    this.records.set(id, next);
    return next;
  }

  archive(id: string): SessionRecord {
    const current = this.get(id);
    if (current.archived_at) throw invalid(`session ${id} is already archived`);
    this.refuseWhileRunning(current, "archive");
    const archived = { ...current, archived_at: new Date().toISOString() };
    this.records.set(id, archived);
    return archived;
  }

  delete(id: string): Json {
    const current = this.get(id);
    this.refuseWhileRunning(current, "delete");
    this.turns.deleted(id);
    this.records.delete(id);
    this.events.delete(id);
    return { id, type: "session_deleted" };
  }

  sendEvents(id: string, body: Json): { data: Json[] } {
    return this.turns.send(id, body);
  }

  list(query: URLSearchParams): { data: SessionRecord[]; next_page: string | null; prev_page: string | null } {
    const includeArchived = query.get("include_archived") === "true";
    const agentId = query.get("agent_id");
    // Only meaningful together with agent_id, as in SessionListParams.
    const versionText = agentId === null ? null : query.get("agent_version");
    const agentVersion = versionText === null ? undefined : Number(versionText);
    if (agentVersion !== undefined && !Number.isInteger(agentVersion)) throw invalid("agent_version must be an integer");
    const statuses = listParam(query, "statuses");
    const order = query.get("order") ?? "desc";
    if (order !== "asc" && order !== "desc") throw invalid('order must be "asc" or "desc"');
    const inRange = createdAtFilter(query, ["gt", "gte", "lt", "lte"]);
    const all = byCreatedAt(this.records.values()).filter(
      (s) =>
        (includeArchived || !s.archived_at) &&
        inRange(s.created_at) &&
        (agentId === null || s.agent.id === agentId) &&
        (agentVersion === undefined || s.agent.version === agentVersion) &&
        (statuses === undefined || statuses.includes(s.status)),
    );
    return paginateBidirectional(order === "desc" ? all.reverse() : all, query);
  }

  /** Puts a dumped session back as it was: no timer, so a loaded status stays until something changes it. */
  restore(record: SessionRecord, events: Json[] | undefined): void {
    this.turns.forget(record.id);
    this.records.set(record.id, { ...record, status: record.status ?? "idle" });
    this.events.set(record.id, events ?? this.events.get(record.id) ?? []);
  }

  stopTimers(): void {
    this.turns.stop();
  }
}

export function registerSessionRoutes(router: Router, store: SessionStore): void {
  router.add("POST", "/v1/sessions", (r) => store.create(r.body));
  router.add("GET", "/v1/sessions", (r) => store.list(r.query));
  router.add("GET", "/v1/sessions/:id", (r) => store.get(r.params[0]!));
  router.add("POST", "/v1/sessions/:id", (r) => store.update(r.params[0]!, r.body));
  router.add("DELETE", "/v1/sessions/:id", (r) => store.delete(r.params[0]!));
  router.add("POST", "/v1/sessions/:id/archive", (r) => store.archive(r.params[0]!));
  registerSessionEventRoutes(router, store);
}
