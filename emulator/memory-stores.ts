// Memory stores, their memories and memory versions in the emulator, under their own beta header
// or the Managed Agents one.
// A path is unique within a store (and may not be an ancestor or descendant of another memory's
// path): a clash answers 409 `memory_path_conflict_error`. An update's `content_sha256`
// precondition is refused with 409 `memory_precondition_failed_error` unless the memory holds that
// content, or already holds exactly what the update asks for. Every write adds a memory version;
// a redacted version keeps its metadata and loses its content.
import { createHash } from "node:crypto";
import { HttpError, invalid, notFound } from "./http";
import { newId } from "./ids";
import { byCreatedAt, createdAtFilter, paginate } from "./pagination";
import { BETA, type Betas, type EmulatorModule, type Router, unarchivedIds } from "./router";
import { patchMetadata, type PatchRules } from "./rules/metadata";
import { includeArchived } from "./rules/query";
import { isObject, onlyFields, stringFields, text, type Json } from "./rules/values";

export const MEMORY_BETA = "agent-memory-2026-07-22";
const MAX_CONTENT_BYTES = 102_400;
/** A null metadata patch changes nothing; `""` deletes a key, as null does. */
const METADATA_RULES: PatchRules = { emptyDeletes: true };

export interface MemoryStoreRecord extends Json {
  id: string;
  type: "memory_store";
  name: string;
  description: string;
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface MemoryRecord extends Json {
  id: string;
  type: "memory";
  memory_store_id: string;
  memory_version_id: string;
  path: string;
  content: string;
  content_sha256: string;
  content_size_bytes: number;
  created_at: string;
  updated_at: string;
}

export interface MemoryVersionRecord extends Json {
  id: string;
  type: "memory_version";
  memory_id: string;
  memory_store_id: string;
  operation: "created" | "modified" | "deleted";
  path: string | null;
  content: string | null;
  content_sha256: string | null;
  content_size_bytes: number | null;
  created_at: string;
  created_by: Json;
  redacted_at: string | null;
}

const sha256 = (text: string) => createHash("sha256").update(text, "utf8").digest("hex");
const API_ACTOR = { type: "api_actor", api_key_id: "apikey_emulator" };

function validPath(path: unknown): string {
  if (typeof path !== "string" || !path.startsWith("/") || path.endsWith("/") || path.includes("//") || Buffer.byteLength(path) > 1024) {
    throw invalid("path: must start with /, not end with /, and be at most 1024 bytes");
  }
  return path;
}

function validContent(content: unknown): string {
  if (typeof content !== "string") throw invalid("content: must be a string");
  if (Buffer.byteLength(content) > MAX_CONTENT_BYTES) throw invalid(`content: at most ${MAX_CONTENT_BYTES} bytes`);
  return content;
}

/** `view=basic` (the default of creates, updates and lists) leaves the content out. */
function viewed<R extends { content: string | null }>(record: R, view: string | null, defaultView: "basic" | "full"): R {
  return (view ?? defaultView) === "full" ? record : { ...record, content: null };
}

export class MemoryStoresModule implements EmulatorModule {
  readonly name = "memory_stores";
  readonly stores = new Map<string, MemoryStoreRecord>();
  readonly memories = new Map<string, MemoryRecord>();
  readonly versions = new Map<string, MemoryVersionRecord>();

  store(id: string): MemoryStoreRecord {
    const found = this.stores.get(id);
    if (!found) throw notFound(`memory store ${id} not found`);
    return found;
  }

  createStore(body: Json): MemoryStoreRecord {
    onlyFields(body, ["name", "description", "metadata"]);
    stringFields(body, ["description"]);
    if (typeof body["description"] === "string" && body["description"].length > 1_024) throw invalid("description: at most 1,024 characters");
    if (typeof body["name"] !== "string" || body["name"] === "") throw invalid("name: required, a non-empty string");
    const now = new Date().toISOString();
    const record: MemoryStoreRecord = {
      id: newId("memstore"),
      type: "memory_store",
      name: body["name"],
      description: typeof body["description"] === "string" ? body["description"] : "",
      metadata: patchMetadata({}, body["metadata"], METADATA_RULES),
      created_at: now,
      updated_at: now,
      archived_at: null,
    };
    this.stores.set(record.id, record);
    return record;
  }

  updateStore(id: string, body: Json): MemoryStoreRecord {
    onlyFields(body, ["name", "description", "metadata"]);
    stringFields(body, ["name", "description"]);
    if (typeof body["description"] === "string" && body["description"].length > 1_024) throw invalid("description: at most 1,024 characters");
    const current = this.store(id);
    if (current.archived_at) throw invalid(`memory store ${id} is archived`, "memory_store_archived");
    const next: MemoryStoreRecord = { ...current, metadata: patchMetadata(current.metadata, body["metadata"], METADATA_RULES) };
    if (body["name"] !== undefined && body["name"] !== null) {
      if (typeof body["name"] !== "string" || body["name"] === "") throw invalid("name: must be a non-empty string");
      next.name = body["name"];
    }
    if ("description" in body) next.description = typeof body["description"] === "string" ? body["description"] : "";
    next.updated_at = new Date().toISOString();
    this.stores.set(id, next);
    return next;
  }

  archiveStore(id: string): MemoryStoreRecord {
    const current = this.store(id);
    if (current.archived_at) return current;
    const archived = { ...current, archived_at: new Date().toISOString() };
    this.stores.set(id, archived);
    return archived;
  }

  deleteStore(id: string): Json {
    this.store(id);
    this.stores.delete(id);
    for (const [mid, m] of this.memories) if (m.memory_store_id === id) this.memories.delete(mid);
    for (const [vid, v] of this.versions) if (v.memory_store_id === id) this.versions.delete(vid);
    return { id, type: "memory_store_deleted" };
  }

  listStores(query: URLSearchParams): { data: MemoryStoreRecord[]; next_page: string | null } {
    const archivedToo = includeArchived(query);
    const inRange = createdAtFilter(query);
    return paginate(byCreatedAt(this.stores.values()).filter((s) => (archivedToo || !s.archived_at) && inRange(s.created_at)).reverse(), query);
  }

  private liveStore(id: string): MemoryStoreRecord {
    const store = this.store(id);
    if (store.archived_at) throw invalid(`memory store ${id} is archived`, "memory_store_archived");
    return store;
  }

  memory(storeId: string, id: string): MemoryRecord {
    this.store(storeId);
    const found = this.memories.get(id);
    if (!found || found.memory_store_id !== storeId) throw notFound(`memory ${id} not found in memory store ${storeId}`);
    return found;
  }

  private pathConflict(storeId: string, path: string, except?: string): void {
    for (const m of this.memories.values()) {
      if (m.memory_store_id !== storeId || m.id === except) continue;
      if (m.path === path || m.path.startsWith(`${path}/`) || path.startsWith(`${m.path}/`)) {
        throw new HttpError(409, "memory_path_conflict_error", `path ${path} conflicts with memory ${m.id} at ${m.path}`);
      }
    }
  }

  private addVersion(m: MemoryRecord, operation: MemoryVersionRecord["operation"], actor: Json = API_ACTOR): MemoryVersionRecord {
    const deleted = operation === "deleted";
    const v: MemoryVersionRecord = {
      id: newId("memver"),
      type: "memory_version",
      memory_id: m.id,
      memory_store_id: m.memory_store_id,
      operation,
      path: m.path,
      content: deleted ? null : m.content,
      content_sha256: deleted ? null : m.content_sha256,
      content_size_bytes: deleted ? null : m.content_size_bytes,
      created_at: new Date().toISOString(),
      created_by: actor,
      redacted_at: null,
    };
    this.versions.set(v.id, v);
    return v;
  }

  createMemory(storeId: string, body: Json): MemoryRecord {
    onlyFields(body, ["path", "content"]);
    this.liveStore(storeId);
    const path = validPath(body["path"]);
    const content = validContent(body["content"] ?? "");
    this.pathConflict(storeId, path);
    const now = new Date().toISOString();
    const m: MemoryRecord = {
      id: newId("mem"),
      type: "memory",
      memory_store_id: storeId,
      memory_version_id: "",
      path,
      content,
      content_sha256: sha256(content),
      content_size_bytes: Buffer.byteLength(content),
      created_at: now,
      updated_at: now,
    };
    m.memory_version_id = this.addVersion(m, "created").id;
    this.memories.set(m.id, m);
    return m;
  }

  /** `actor`: who wrote it (an agent's session, in tests that play the agent). */
  updateMemory(storeId: string, id: string, body: Json, actor: Json = API_ACTOR): MemoryRecord {
    onlyFields(body, ["path", "content", "precondition"]);
    this.liveStore(storeId);
    const current = this.memory(storeId, id);
    const path = body["path"] === undefined || body["path"] === null ? current.path : validPath(body["path"]);
    const content = body["content"] === undefined || body["content"] === null ? current.content : validContent(body["content"]);
    const pre = body["precondition"];
    if (pre !== undefined) {
      if (!isObject(pre) || pre["type"] !== "content_sha256") throw invalid('precondition: must be {type: "content_sha256", content_sha256}');
      const already = current.path === path && current.content === content;
      if (pre["content_sha256"] !== current.content_sha256 && !already) {
        throw new HttpError(409, "memory_precondition_failed_error", `memory ${id} no longer has content_sha256 ${text(pre["content_sha256"])}`);
      }
    }
    if (path === current.path && content === current.content) return current;
    if (path !== current.path) this.pathConflict(storeId, path, id);
    const next: MemoryRecord = { ...current, path, content, content_sha256: sha256(content), content_size_bytes: Buffer.byteLength(content), updated_at: new Date().toISOString() };
    next.memory_version_id = this.addVersion(next, "modified", actor).id;
    this.memories.set(id, next);
    return next;
  }

  deleteMemory(storeId: string, id: string, query: URLSearchParams): Json {
    const current = this.memory(storeId, id);
    const expected = query.get("expected_content_sha256");
    if (expected !== null && expected !== current.content_sha256) {
      throw new HttpError(409, "memory_precondition_failed_error", `memory ${id} no longer has content_sha256 ${expected}`);
    }
    this.addVersion(current, "deleted");
    this.memories.delete(id);
    return { id, type: "memory_deleted" };
  }

  listMemories(storeId: string, query: URLSearchParams): { data: Json[]; next_page: string | null } {
    this.store(storeId);
    const prefix = query.get("path_prefix") ?? "";
    const depthText = query.get("depth");
    const view = query.get("view");
    const items: Json[] = [];
    const prefixes = new Set<string>();
    const all = [...this.memories.values()].filter((m) => m.memory_store_id === storeId && m.path.startsWith(prefix)).sort((a, b) => (a.path < b.path ? -1 : 1));
    for (const m of all) {
      if (depthText !== null) {
        const rest = m.path.slice(prefix.length).replace(/^\//, "").split("/");
        const depth = Number(depthText);
        if (rest.length > depth) {
          const p = `${prefix.replace(/\/$/, "")}/${rest.slice(0, depth).join("/")}/`;
          if (!prefixes.has(p)) items.push({ type: "memory_prefix", path: p });
          prefixes.add(p);
          continue;
        }
      }
      items.push(viewed(m, view, "basic"));
    }
    return paginate(items, query);
  }

  version(storeId: string, id: string): MemoryVersionRecord {
    this.store(storeId);
    const found = this.versions.get(id);
    if (!found || found.memory_store_id !== storeId) throw notFound(`memory version ${id} not found in memory store ${storeId}`);
    return found;
  }

  listVersions(storeId: string, query: URLSearchParams): { data: MemoryVersionRecord[]; next_page: string | null } {
    this.store(storeId);
    const inRange = createdAtFilter(query);
    const memoryId = query.get("memory_id");
    const operation = query.get("operation");
    const view = query.get("view");
    const list = byCreatedAt(this.versions.values())
      .filter((v) => v.memory_store_id === storeId && inRange(v.created_at) && (memoryId === null || v.memory_id === memoryId) && (operation === null || v.operation === operation))
      .reverse()
      .map((v) => viewed(v, view, "basic"));
    return paginate(list, query);
  }

  redact(storeId: string, id: string): MemoryVersionRecord {
    const v = this.version(storeId, id);
    const current = this.memories.get(v.memory_id);
    if (current?.memory_version_id === id) throw invalid(`memory version ${id} holds the memory's current content; write a new version first`);
    if (v.redacted_at) return v;
    const redacted: MemoryVersionRecord = { ...v, content: null, content_sha256: null, content_size_bytes: null, path: null, redacted_at: new Date().toISOString(), redacted_by: API_ACTOR };
    this.versions.set(id, redacted);
    return redacted;
  }

  register(router: Router): void {
    // "agent-memory-2026-07-22 or managed-agents-2026-04-01 in this header" (the SDK's memory store docs); the SDK sends the first.
    const b: Betas = [MEMORY_BETA, BETA];
    router.add("POST", "/v1/memory_stores", (r) => this.createStore(r.body), b);
    router.add("GET", "/v1/memory_stores", (r) => this.listStores(r.query), b);
    router.add("GET", "/v1/memory_stores/:id", (r) => this.store(r.params[0]!), b);
    router.add("POST", "/v1/memory_stores/:id", (r) => this.updateStore(r.params[0]!, r.body), b);
    router.add("DELETE", "/v1/memory_stores/:id", (r) => this.deleteStore(r.params[0]!), b);
    router.add("POST", "/v1/memory_stores/:id/archive", (r) => this.archiveStore(r.params[0]!), b);
    router.add("POST", "/v1/memory_stores/:id/memories", (r) => viewed(this.createMemory(r.params[0]!, r.body), r.query.get("view"), "basic"), b);
    router.add("GET", "/v1/memory_stores/:id/memories", (r) => this.listMemories(r.params[0]!, r.query), b);
    router.add("GET", "/v1/memory_stores/:id/memories/:mid", (r) => viewed(this.memory(r.params[0]!, r.params[1]!), r.query.get("view"), "full"), b);
    router.add("POST", "/v1/memory_stores/:id/memories/:mid", (r) => viewed(this.updateMemory(r.params[0]!, r.params[1]!, r.body), r.query.get("view"), "basic"), b);
    router.add("DELETE", "/v1/memory_stores/:id/memories/:mid", (r) => this.deleteMemory(r.params[0]!, r.params[1]!, r.query), b);
    router.add("GET", "/v1/memory_stores/:id/memory_versions", (r) => this.listVersions(r.params[0]!, r.query), b);
    router.add("GET", "/v1/memory_stores/:id/memory_versions/:vid", (r) => viewed(this.version(r.params[0]!, r.params[1]!), r.query.get("view"), "full"), b);
    router.add("POST", "/v1/memory_stores/:id/memory_versions/:vid/redact", (r) => this.redact(r.params[0]!, r.params[1]!), b);
  }

  dump(): unknown {
    if (this.stores.size === 0 && this.memories.size === 0 && this.versions.size === 0) return undefined;
    return { stores: Object.fromEntries(this.stores), memories: Object.fromEntries(this.memories), versions: Object.fromEntries(this.versions) };
  }

  load(data: unknown): void {
    const d = data as { stores?: Record<string, MemoryStoreRecord>; memories?: Record<string, MemoryRecord>; versions?: Record<string, MemoryVersionRecord> };
    for (const [id, s] of Object.entries(d.stores ?? {})) this.stores.set(id, s);
    for (const [id, m] of Object.entries(d.memories ?? {})) this.memories.set(id, m);
    for (const [id, v] of Object.entries(d.versions ?? {})) this.versions.set(id, v);
  }

  live(): Record<string, string[]> {
    const liveStores = unarchivedIds(this.stores.values());
    return { memory_stores: liveStores, memories: [...this.memories.values()].filter((m) => liveStores.includes(m.memory_store_id)).map((m) => m.id) };
  }
}
