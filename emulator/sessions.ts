// Sessions in the emulator: created from an agent id (latest version), a pinned `{type: "agent"}`
// reference or `{type: "agent_with_overrides"}`, snapshotting the agent version they resolved. A
// `user.message` makes a session `running` for `runMs`, then `idle`; `user.interrupt` makes it
// `idle` at once. A running session refuses changes of `agent` (its tools and MCP servers),
// archive and delete; title, metadata, budget and resources change in any live status.
import { type AgentStore, checkMetadataPatch, resolveModel, resolveToolsAndServers, skillRefs, validateMetadata } from "./agents";
import { listOf, stringFields, stringItem } from "./params";
import type { EnvironmentStore } from "./environments";
import { createdAtBounds, CreationOrderedMap, paginate } from "./pagination";
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
const UPDATE_FIELDS = ["agent", "budget", "metadata", "title"];

/** A resource param's types (the SDK's resource params, which deployments take too): strings where strings are typed. */
export function checkResourceTypes(r: unknown, index: number): asserts r is Json {
  if (!isObject(r)) throw invalid(`resources[${index}]: must be an object`);
  stringFields(r, ["url", "file_id", "memory_store_id", "mount_path", "authorization_token", "access", "instructions"], `resources[${index}].`);
  const checkout = r["checkout"];
  if (checkout !== undefined && checkout !== null && !(isObject(checkout) && ["branch", "commit"].includes(checkout["type"] as string))) {
    throw invalid(`resources[${index}].checkout: must be {type: "branch", name} or {type: "commit", sha}`);
  }
}

/** A mounted resource as the API returns it: its id, times and mount path (the token never). */
function mountResource(r: unknown, index: number, now: string): Json {
  checkResourceTypes(r, index);
  const { authorization_token: _secret, ...visible } = r;
  const common = { id: newId("sesrsc"), created_at: now, updated_at: now };
  switch (r["type"]) {
    case "github_repository": {
      if (typeof r["url"] !== "string") throw invalid(`resources[${index}].url: required`);
      const checkout = r["checkout"];
      if (isObject(checkout) && checkout["type"] === "commit" && !(typeof checkout["sha"] === "string" && /^[0-9a-f]{40}$/.test(checkout["sha"]))) {
        throw invalid(`resources[${index}].checkout.sha: must be a full 40-character commit SHA`);
      }
      const repo = r["url"].replace(/\.git$/, "").split("/").pop() ?? "repo";
      return { ...common, ...visible, checkout: checkout ?? null, mount_path: r["mount_path"] ?? `/workspace/${repo}` };
    }
    case "file":
      if (typeof r["file_id"] !== "string") throw invalid(`resources[${index}].file_id: required`);
      return { ...common, ...visible, mount_path: r["mount_path"] ?? `/mnt/session/uploads/${r["file_id"]}` };
    case "memory_store": {
      if (typeof r["memory_store_id"] !== "string") throw invalid(`resources[${index}].memory_store_id: required`);
      if (typeof r["instructions"] === "string" && r["instructions"].length > 4096) throw invalid(`resources[${index}].instructions: at most 4096 characters`);
      // The API gives a memory store resource no id or times (BetaManagedAgentsMemoryStoreResource).
      return { ...visible, access: r["access"] ?? "read_write", instructions: r["instructions"] ?? null, description: "", name: null, mount_path: null };
    }
    default:
      throw invalid(`resources[${index}].type: unknown resource type ${JSON.stringify(r["type"])}`);
  }
}

const BLOCK_TYPES = new Set(["text", "image", "document", "redacted"]);

/** The checks the API makes of `initial_events` (at most 50; content blocks a user.message takes). */
function validateInitialEvents(events: unknown): Json[] {
  if (events === undefined || events === null) return [];
  if (!Array.isArray(events)) throw invalid("initial_events: must be a list");
  if (events.length > 50) throw invalid("initial_events: at most 50 events");
  events.forEach((e: unknown, i) => {
    if (!isObject(e)) throw invalid(`initial_events[${i}]: must be an object`);
    if (e["type"] === "user.message") {
      const content = e["content"];
      if (!Array.isArray(content) || content.length === 0) throw invalid(`initial_events[${i}].content: must be a non-empty list`);
      content.forEach((b: unknown, j) => {
        if (!isObject(b) || typeof b["type"] !== "string" || !BLOCK_TYPES.has(b["type"])) throw invalid(`initial_events[${i}].content[${j}].type: must be text, image, document or redacted`);
        if ((b["type"] === "image" || b["type"] === "document") && !isObject(b["source"])) throw invalid(`initial_events[${i}].content[${j}].source: required`);
      });
    } else if (e["type"] === "user.define_outcome") {
      const max = e["max_iterations"];
      if (max !== undefined && max !== null && !(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= 20)) {
        throw invalid(`initial_events[${i}].max_iterations: must be between 1 and 20`);
      }
    } else throw invalid(`initial_events[${i}].type: must be user.message or user.define_outcome`);
  });
  return events as Json[];
}

/** A budget as stored: the currency the API prices in filled in. */
function storedBudget(budget: unknown): unknown {
  if (!isObject(budget) || !isObject(budget["max_list_cost"])) return budget ?? null;
  return { ...budget, max_list_cost: { currency: "USD", ...budget["max_list_cost"] } };
}

function validateBudget(budget: unknown): void {
  if (budget === undefined || budget === null) return;
  const b = budget as Json;
  const cost = b["max_list_cost"] as Json | undefined;
  if (b["type"] !== "limit" || !isObject(cost) || typeof cost["amount"] !== "string" || !/^(0|[1-9]\d*)$/.test(cost["amount"])) {
    throw invalid('budget: must be {type: "limit", max_list_cost: {amount: "<integer minor units>", currency?: "USD"}}');
  }
}

export class SessionStore {
  readonly records = new CreationOrderedMap<SessionRecord>((s) => s.created_at);
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
    for (const k of Object.keys(body)) if (!CREATE_FIELDS.includes(k)) throw invalid(`${k}: unknown field`);
    stringFields(body, ["title"]);
    const envId = body["environment_id"];
    if (typeof envId !== "string") throw invalid("environment_id: required");
    const env = this.environments.get(envId);
    if (env.archived_at) throw invalid(`environment ${envId} is archived`, "environment_archived");
    const metadata = body["metadata"] ?? {};
    validateMetadata(metadata);
    const vaultIds = listOf(body["vault_ids"], "vault_ids", stringItem);
    const resources = listOf(body["resources"], "resources", (r) => r);
    validateBudget(body["budget"]);
    const initial = validateInitialEvents(body["initial_events"]);
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
      budget: storedBudget(body["budget"]),
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
      throw new HttpError(409, "invalid_request_error", `session ${s.id} is running; ${action} is not allowed until it is idle (send user.interrupt to stop it)`);
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
    for (const k of Object.keys(body)) if (!UPDATE_FIELDS.includes(k)) throw invalid(`${k}: unknown field`);
    stringFields(body, ["title"]);
    const current = this.changeable(id);
    // Only what the agent runs must wait for an idle session; title, metadata and budget change in any live status.
    if ("agent" in body) this.refuseWhileRunning(current, "changing agent.tools or agent.mcp_servers");
    const next: SessionRecord = { ...current };
    if ("title" in body) next["title"] = body["title"];
    if ("budget" in body) {
      validateBudget(body["budget"]);
      if (body["budget"] !== null && current["budget"] === null) {
        throw invalid("budget: a budget cannot be added to a session created without one, and a removed budget cannot be re-added", "budget_create_only");
      }
      next["budget"] = storedBudget(body["budget"]);
    }
    if ("metadata" in body) {
      const merged: Json = { ...(current["metadata"] as Json) };
      const patch = body["metadata"];
      checkMetadataPatch(patch);
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
    for (const k of Object.keys(body)) if (!["type", "file_id", "mount_path"].includes(k)) throw invalid(`${k}: unknown field`);
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
    for (const k of Object.keys(body)) if (k !== "authorization_token") throw invalid(`${k}: unknown field`);
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
    const includeArchived = query.get("include_archived") === "true";
    const agentId = query.get("agent_id");
    // Only meaningful together with agent_id, as in SessionListParams.
    const versionText = agentId === null ? null : query.get("agent_version");
    const agentVersion = versionText === null ? undefined : Number(versionText);
    if (agentVersion !== undefined && !Number.isInteger(agentVersion)) throw invalid("agent_version must be an integer");
    const deploymentId = query.get("deployment_id");
    const memoryStoreId = query.get("memory_store_id");
    const statuses = listParam(query, "statuses");
    const order = query.get("order") ?? "desc";
    if (order !== "asc" && order !== "desc") throw invalid('order must be "asc" or "desc"');
    const resourcesOf = (s: SessionRecord) => (s["resources"] as Json[] | undefined) ?? [];
    return this.records.page(query, {
      direction: order,
      createdAt: createdAtBounds(query, ["gt", "gte", "lt", "lte"]),
      match: (s) =>
        (includeArchived || !s.archived_at) &&
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
  router.add("POST", "/v1/sessions/:id/resources", (r) => store.addResource(r.params[0]!, r.body));
  router.add("GET", "/v1/sessions/:id/resources", (r) => paginate((store.get(r.params[0]!)["resources"] as Json[] | undefined) ?? [], r.query));
  router.add("GET", "/v1/sessions/:id/resources/:rid", (r) => store.resource(r.params[0]!, r.params[1]!));
  router.add("POST", "/v1/sessions/:id/resources/:rid", (r) => store.updateResource(r.params[0]!, r.params[1]!, r.body));
  router.add("DELETE", "/v1/sessions/:id/resources/:rid", (r) => store.deleteResource(r.params[0]!, r.params[1]!));
  registerSessionEventRoutes(router, store);
}
