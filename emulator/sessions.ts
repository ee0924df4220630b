// Sessions in the emulator: created from an agent id (latest version), a pinned `{type: "agent"}`
// reference or `{type: "agent_with_overrides"}`, snapshotting the agent version they resolved. A
// `user.message` makes a session `running` for `runMs`, then `idle`; `user.interrupt` makes it
// `idle` at once. A running session refuses changes of `agent` (its tools and MCP servers),
// archive and delete; title, metadata, budget and resources change in any live status.
import type { AgentsModule } from "./agents";
import type { EnvironmentsModule } from "./environments";
import { conflict, invalid, notFound } from "./http";
import { newId } from "./ids";
import { createdAtBounds, CreationOrderedMap, paginate } from "./pagination";
import { unarchivedIds, type EmulatorModule, type Router } from "./router";
import { resolveModel, resolveToolsAndServers, skillRefs } from "./rules/agent-tools";
import { resolveBudget } from "./rules/budget";
import { checkInitialEvents } from "./rules/events";
import { createMetadata, type Metadata, patchMetadata } from "./rules/metadata";
import { includeArchived, listParam, orderParam } from "./rules/query";
import { checkResource } from "./rules/resources";
import { isObject, listOf, onlyFields, stringFields, stringItem, type Json } from "./rules/values";
import { registerSessionEventRoutes, SessionTurns } from "./session-events";

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

const CREATE_FIELDS = ["agent", "environment_id", "budget", "initial_events", "metadata", "resources", "title", "vault_ids"];
const UPDATE_FIELDS = ["agent", "budget", "metadata", "title"];

/** The event types a session starts with (SessionCreateParams.initial_events). */
const INITIAL_EVENT_TYPES = ["user.message", "user.define_outcome"] as const;

/** A mounted resource as the API returns it: its id, times and mount path (the token never). */
function mountResource(r: unknown, index: number, now: string): Json {
  const visible = checkResource(r, index);
  const common = { id: newId("sesrsc"), created_at: now, updated_at: now };
  switch (visible["type"]) {
    case "github_repository": {
      const repo = String(visible["url"]).replace(/\.git$/, "").split("/").pop() ?? "repo";
      return { ...common, ...visible, checkout: visible["checkout"] ?? null, mount_path: visible["mount_path"] ?? `/workspace/${repo}` };
    }
    case "file":
      return { ...common, ...visible, mount_path: visible["mount_path"] ?? `/mnt/session/uploads/${String(visible["file_id"])}` };
    default:
      // A memory store (BetaManagedAgentsMemoryStoreResource) has no id or times.
      return { ...visible, access: visible["access"] ?? "read_write", instructions: visible["instructions"] ?? null, description: "", name: null, mount_path: null };
  }
}

export class SessionsModule implements EmulatorModule {
  readonly name = "sessions";
  readonly core = true;
  readonly records = new CreationOrderedMap<SessionRecord>((s) => s.created_at);
  readonly events = new Map<string, Json[]>();
  /** The event log's behaviour: the agent's turns, filters, streams (session-events.ts). */
  readonly turns: SessionTurns = new SessionTurns(this);

  constructor(
    private readonly agents: AgentsModule,
    private readonly environments: EnvironmentsModule,
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
    const { created_at: _c, updated_at: _u, archived_at: _a, metadata: _m, ...agent } = this.agents.pinned(id, version);
    const snapshot = { ...agent } as unknown as SessionRecord["agent"];
    if ("tools" in overrides || "mcp_servers" in overrides) {
      Object.assign(
        snapshot,
        resolveToolsAndServers(overrides["tools"] ?? snapshot.tools, overrides["mcp_servers"] ?? snapshot.mcp_servers),
      );
    }
    if ("model" in overrides) snapshot["model"] = resolveModel(overrides["model"]);
    if ("system" in overrides) {
      const system = overrides["system"];
      if (system !== null && system !== undefined && (typeof system !== "string" || system.length > 100_000)) throw invalid("agent.system: a string of at most 100,000 characters, or null");
      snapshot["system"] = system ?? null;
    }
    if ("skills" in overrides) snapshot["skills"] = skillRefs(overrides["skills"], "agent.skills").map((k) => ({ ...k, version: k["version"] ?? "latest" }));
    return snapshot;
  }

  create(body: Json): SessionRecord {
    onlyFields(body, CREATE_FIELDS);
    stringFields(body, ["title"]);
    const envId = body["environment_id"];
    if (typeof envId !== "string") throw invalid("environment_id: required");
    this.environments.usable(envId);
    const metadata = createMetadata(body["metadata"]);
    const vaultIds = listOf(body["vault_ids"], "vault_ids", stringItem);
    const resources = listOf(body["resources"], "resources", (r) => r);
    const budget = resolveBudget(body["budget"]);
    const initial = checkInitialEvents(body["initial_events"], INITIAL_EVENT_TYPES);
    const now = new Date().toISOString();
    const record: SessionRecord = {
      id: newId("sesn"),
      type: "session",
      status: "idle",
      agent: this.snapshotAgent(body["agent"]),
      environment_id: envId,
      title: body["title"] ?? null,
      metadata,
      budget,
      vault_ids: vaultIds,
      resources: resources.map((r, i) => mountResource(r, i, now)),
      outcome_evaluations: [],
      deployment_id: null,
      stats: { active_seconds: 0, duration_seconds: 0 },
      usage: { input_tokens: 0, output_tokens: 0, cache_read_input_tokens: 0 },
      created_at: now,
      updated_at: now,
      archived_at: null,
    };
    this.records.set(record.id, record);
    this.events.set(record.id, []);
    if (initial.length > 0) this.sendEvents(record.id, { events: initial });
    return this.get(record.id);
  }

  private refuseWhileRunning(s: SessionRecord, action: string): void {
    if (s.status === "running") {
      throw conflict(`session ${s.id} is running; ${action} is not allowed until it is idle (send user.interrupt to stop it)`);
    }
  }

  /** A live session, for the changes the API takes in any status but terminated. */
  private changeable(id: string): SessionRecord {
    const current = this.get(id);
    if (current.archived_at) throw invalid(`session ${id} is archived`);
    if (current.status === "terminated") throw invalid(`session ${id} is terminated and cannot be changed`);
    return current;
  }

  update(id: string, body: Json): SessionRecord {
    if ("vault_ids" in body) throw invalid("vault_ids: cannot be changed after the session is created");
    onlyFields(body, UPDATE_FIELDS);
    stringFields(body, ["title"]);
    const current = this.changeable(id);
    // Only what the agent runs must wait for an idle session; title, metadata and budget change in any live status.
    if ("agent" in body) this.refuseWhileRunning(current, "changing agent.tools or agent.mcp_servers");
    const next: SessionRecord = { ...current };
    if ("title" in body) next["title"] = body["title"];
    if ("budget" in body) {
      const budget = resolveBudget(body["budget"]);
      if (budget !== null && current["budget"] === null) {
        throw invalid("budget: a budget cannot be added to a session created without one, and a removed budget cannot be re-added", "budget_create_only");
      }
      next["budget"] = budget;
    }
    next["metadata"] = patchMetadata(current["metadata"] as Metadata, body["metadata"], { nullClears: true });
    if ("agent" in body && !isObject(body["agent"])) throw invalid("agent: must be {tools?, mcp_servers?}");
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

  resource(sessionId: string, resourceId: string): Json {
    const found = ((this.get(sessionId)["resources"] as Json[] | undefined) ?? []).find((r) => r["id"] === resourceId);
    if (!found) throw notFound(`session ${sessionId} has no resource ${resourceId}`);
    return found;
  }

  /** `POST /v1/sessions/{id}/resources`: only files can be added (ResourceAddParams). */
  addResource(sessionId: string, body: Json): Json {
    const current = this.changeable(sessionId);
    onlyFields(body, ["type", "file_id", "mount_path"]);
    if (body["type"] !== "file") throw invalid('type: only "file" resources can be added to a session');
    const now = new Date().toISOString();
    const mounted = mountResource(body, 0, now);
    this.records.set(sessionId, { ...current, resources: [...((current["resources"] as Json[]) ?? []), mounted], updated_at: now });
    return mounted;
  }

  /** `POST /v1/sessions/{id}/resources/{rid}`: a GitHub repository's token, nothing else. */
  updateResource(sessionId: string, resourceId: string, body: Json): Json {
    const current = this.changeable(sessionId);
    const found = this.resource(sessionId, resourceId);
    onlyFields(body, ["authorization_token"]);
    if (typeof body["authorization_token"] !== "string" || body["authorization_token"] === "") throw invalid("authorization_token: required");
    if (found["type"] !== "github_repository") throw invalid("authorization_token: only a github_repository resource has one");
    const now = new Date().toISOString();
    const updated = { ...found, updated_at: now };
    this.records.set(sessionId, {
      ...current,
      resources: (current["resources"] as Json[]).map((r) => (r["id"] === resourceId ? updated : r)),
    });
    return updated;
  }

  deleteResource(sessionId: string, resourceId: string): Json {
    const current = this.changeable(sessionId);
    this.resource(sessionId, resourceId);
    this.records.set(sessionId, {
      ...current,
      resources: (current["resources"] as Json[]).filter((r) => r["id"] !== resourceId),
      updated_at: new Date().toISOString(),
    });
    return { id: resourceId, type: "session_resource_deleted" };
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

  /** SessionListParams: every filter it has, `order` by created_at (default newest first). */
  list(query: URLSearchParams): { data: SessionRecord[]; next_page: string | null; prev_page: string | null } {
    const archivedToo = includeArchived(query);
    const agentId = query.get("agent_id");
    // Only meaningful together with agent_id, as in SessionListParams.
    const versionText = agentId === null ? null : query.get("agent_version");
    const agentVersion = versionText === null ? undefined : Number(versionText);
    if (agentVersion !== undefined && !Number.isInteger(agentVersion)) throw invalid("agent_version must be an integer");
    const deploymentId = query.get("deployment_id");
    const memoryStoreId = query.get("memory_store_id");
    const statuses = listParam(query, "statuses");
    const order = orderParam(query, "desc");
    const resourcesOf = (s: SessionRecord) => (s["resources"] as Json[] | undefined) ?? [];
    return this.records.page(query, {
      direction: order,
      createdAt: createdAtBounds(query, ["gt", "gte", "lt", "lte"]),
      match: (s) =>
        (archivedToo || !s.archived_at) &&
        (agentId === null || s.agent.id === agentId) &&
        (agentVersion === undefined || s.agent.version === agentVersion) &&
        (deploymentId === null || s["deployment_id"] === deploymentId) &&
        (memoryStoreId === null || resourcesOf(s).some((r) => r["type"] === "memory_store" && r["memory_store_id"] === memoryStoreId)) &&
        (statuses === undefined || statuses.includes(s.status)),
    });
  }

  /** Puts a dumped session back as it was: no timer, so a loaded status stays until something changes it. */
  restore(record: SessionRecord, events: Json[] | undefined): void {
    this.turns.forget(record.id);
    this.records.set(record.id, { ...record, status: record.status ?? "idle" });
    this.events.set(record.id, events ?? this.events.get(record.id) ?? []);
  }

  stop(): void {
    this.turns.stop();
  }

  register(router: Router): void {
    router.add("POST", "/v1/sessions", (r) => this.create(r.body));
    router.add("GET", "/v1/sessions", (r) => this.list(r.query));
    router.add("GET", "/v1/sessions/:id", (r) => this.get(r.params[0]!));
    router.add("POST", "/v1/sessions/:id", (r) => this.update(r.params[0]!, r.body));
    router.add("DELETE", "/v1/sessions/:id", (r) => this.delete(r.params[0]!));
    router.add("POST", "/v1/sessions/:id/archive", (r) => this.archive(r.params[0]!));
    router.add("POST", "/v1/sessions/:id/resources", (r) => this.addResource(r.params[0]!, r.body));
    router.add("GET", "/v1/sessions/:id/resources", (r) => paginate((this.get(r.params[0]!)["resources"] as Json[] | undefined) ?? [], r.query));
    router.add("GET", "/v1/sessions/:id/resources/:rid", (r) => this.resource(r.params[0]!, r.params[1]!));
    router.add("POST", "/v1/sessions/:id/resources/:rid", (r) => this.updateResource(r.params[0]!, r.params[1]!, r.body));
    router.add("DELETE", "/v1/sessions/:id/resources/:rid", (r) => this.deleteResource(r.params[0]!, r.params[1]!));
    registerSessionEventRoutes(router, this);
  }

  /** Sessions and their event logs, by session id: `EmulatorDump.sessions` and `.events`. */
  dump(): { sessions: Record<string, SessionRecord>; events: Record<string, Json[]> } {
    return { sessions: Object.fromEntries(this.records), events: Object.fromEntries(this.events) };
  }

  load(data: unknown): void {
    const { sessions = {}, events = {} } = data as { sessions?: Record<string, SessionRecord>; events?: Record<string, Json[]> };
    for (const [id, record] of Object.entries(sessions)) this.restore(record, events[id]);
    for (const [id, log] of Object.entries(events)) if (!(id in sessions)) this.events.set(id, log);
  }

  live(): Record<string, string[]> {
    return { sessions: unarchivedIds(this.records.values()) };
  }
}
