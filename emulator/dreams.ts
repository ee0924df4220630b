// Dreams in the emulator (beta dreaming-2026-04-21): a dream reads sessions and memory stores and
// writes what it learned to a memory store. It is `pending` when created, `running` one step
// later and `completed` one step after that (a step is the sessions' run time), with its output
// store and token usage. Cancel stops a pending or running dream; archive is refused until it ended.
import { conflict, invalid, notFound } from "./http";
import { newId } from "./ids";
import { byCreatedAt, createdAtFilter, paginate } from "./pagination";
import { unarchivedIds, type EmulatorModule, type Router } from "./router";
import { includeArchived, listParam } from "./rules/query";
import { isObject, listOf, onlyFields, stringItem, type Json } from "./rules/values";
import type { SessionsModule } from "./sessions";

export const DREAMS_BETA = "dreaming-2026-04-21";
type DreamStatus = "pending" | "running" | "completed" | "failed" | "canceled";

export interface DreamRecord extends Json {
  id: string;
  type: "dream";
  status: DreamStatus;
  inputs: Json[];
  output_behavior: Json;
  outputs: Json[];
  created_at: string;
  ended_at: string | null;
  archived_at: string | null;
}

/**
 * The memory stores a dream reads and writes, when the emulator has them: `exists` checks an input
 * or target store, `create` makes the store a `create_new` dream writes to. Without it, store ids
 * are taken as given and a new output store gets a fresh id.
 */
export interface MemoryStoreLink {
  exists(id: string): boolean;
  create(name: string): string;
}

const FIELDS = ["inputs", "model", "instructions", "output_behavior"];
const ENDED: readonly DreamStatus[] = ["completed", "failed", "canceled"];

export class DreamsModule implements EmulatorModule {
  readonly name = "dreams";
  readonly records = new Map<string, DreamRecord>();
  private readonly timers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly sessions: SessionsModule,
    /** The length of one step (pending -> running -> completed). */
    private readonly stepMs: () => number,
    public memoryStores?: MemoryStoreLink,
  ) {}

  get(id: string): DreamRecord {
    const found = this.records.get(id);
    if (!found) throw notFound(`dream ${id} not found`);
    return found;
  }

  private checkStore(id: unknown, where: string): string {
    if (typeof id !== "string" || id === "") throw invalid(`${where}: required`);
    if (this.memoryStores && !this.memoryStores.exists(id)) throw notFound(`${where}: memory store ${id} not found`);
    return id;
  }

  private resolveInputs(inputs: unknown): Json[] {
    if (!Array.isArray(inputs) || inputs.length === 0) throw invalid("inputs: must be a non-empty list");
    return inputs.map((input, i) => {
      const where = `inputs[${i}]`;
      if (isObject(input) && input["type"] === "memory_store") {
        return { type: "memory_store", memory_store_id: this.checkStore(input["memory_store_id"], `${where}.memory_store_id`) };
      }
      if (isObject(input) && input["type"] === "sessions") {
        const ids = input["session_ids"];
        if (!Array.isArray(ids) || ids.length === 0) throw invalid(`${where}.session_ids: must be a non-empty list`);
        const sessionIds = listOf(ids, `${where}.session_ids`, stringItem);
        for (const id of sessionIds) this.sessions.get(id);
        return { type: "sessions", session_ids: sessionIds };
      }
      throw invalid(`${where}.type: must be "memory_store" or "sessions"`);
    });
  }

  create(body: Json): DreamRecord {
    onlyFields(body, FIELDS);
    const model = body["model"];
    let resolvedModel: Json;
    if (typeof model === "string" && model !== "") resolvedModel = { id: model, speed: "standard" };
    else if (isObject(model) && typeof model["id"] === "string" && model["id"] !== "") {
      resolvedModel = { id: model["id"], speed: model["speed"] ?? "standard" };
    } else throw invalid("model: must be a model id or {id, speed?}");
    const behavior = body["output_behavior"] ?? { type: "create_new" };
    let outputBehavior: Json;
    if (isObject(behavior) && behavior["type"] === "create_new") outputBehavior = { type: "create_new" };
    else if (isObject(behavior) && behavior["type"] === "update_existing") {
      outputBehavior = { type: "update_existing", memory_store_id: this.checkStore(behavior["memory_store_id"], "output_behavior.memory_store_id") };
    } else throw invalid('output_behavior.type: must be "create_new" or "update_existing"');
    const instructions = body["instructions"];
    if (instructions !== undefined && instructions !== null && typeof instructions !== "string") throw invalid("instructions: must be a string");
    const record: DreamRecord = {
      id: newId("dream"),
      type: "dream",
      status: "pending",
      inputs: this.resolveInputs(body["inputs"]),
      model: resolvedModel,
      instructions: instructions ?? null,
      output_behavior: outputBehavior,
      outputs: [],
      session_id: null,
      error: null,
      usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, input_tokens: 0, output_tokens: 0 },
      created_at: new Date().toISOString(),
      ended_at: null,
      archived_at: null,
    };
    this.records.set(record.id, record);
    this.schedule(record.id);
    return record;
  }

  private schedule(id: string): void {
    this.timers.set(
      id,
      setTimeout(() => {
        const d = this.records.get(id);
        if (!d) return;
        if (d.status === "pending") {
          this.records.set(id, { ...d, status: "running" });
          this.schedule(id);
        } else if (d.status === "running") this.complete(d);
      }, this.stepMs()),
    );
  }

  private complete(d: DreamRecord): void {
    this.timers.delete(d.id);
    const target =
      d.output_behavior["type"] === "update_existing"
        ? String(d.output_behavior["memory_store_id"])
        : (this.memoryStores?.create(`dream ${d.id}`) ?? newId("memstore"));
    const read = d.inputs.reduce((n, input) => n + (Array.isArray(input["session_ids"]) ? input["session_ids"].length : 1), 0);
    this.records.set(d.id, {
      ...d,
      status: "completed",
      outputs: [{ type: "memory_store", memory_store_id: target }],
      usage: { cache_creation_input_tokens: 0, cache_read_input_tokens: 0, input_tokens: 1000 * read, output_tokens: 200 * read },
      ended_at: new Date().toISOString(),
    });
  }

  cancel(id: string): DreamRecord {
    const d = this.get(id);
    if (ENDED.includes(d.status)) throw conflict(`dream ${id} has already ended (${d.status})`);
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
    const canceled = { ...d, status: "canceled" as const, ended_at: new Date().toISOString() };
    this.records.set(id, canceled);
    return canceled;
  }

  archive(id: string): DreamRecord {
    const d = this.get(id);
    if (d.archived_at) throw invalid(`dream ${id} is already archived`);
    if (!ENDED.includes(d.status)) throw conflict(`dream ${id} is ${d.status}; cancel it or wait until it ends`);
    const archived = { ...d, archived_at: new Date().toISOString() };
    this.records.set(id, archived);
    return archived;
  }

  list(query: URLSearchParams): { data: DreamRecord[]; next_page: string | null } {
    const archivedToo = includeArchived(query);
    const statuses = listParam(query, "statuses");
    const inRange = createdAtFilter(query, ["gt", "lt"]);
    const all = byCreatedAt(this.records.values())
      .filter((d) => (archivedToo || !d.archived_at) && inRange(d.created_at) && (statuses === undefined || statuses.includes(d.status)))
      .reverse();
    return paginate(all, query);
  }

  register(router: Router): void {
    router.add("POST", "/v1/dreams", (r) => this.create(r.body), DREAMS_BETA);
    router.add("GET", "/v1/dreams", (r) => this.list(r.query), DREAMS_BETA);
    router.add("GET", "/v1/dreams/:id", (r) => this.get(r.params[0]!), DREAMS_BETA);
    router.add("POST", "/v1/dreams/:id/archive", (r) => this.archive(r.params[0]!), DREAMS_BETA);
    router.add("POST", "/v1/dreams/:id/cancel", (r) => this.cancel(r.params[0]!), DREAMS_BETA);
  }

  dump(): unknown {
    return Object.fromEntries(this.records);
  }

  /** Loaded dreams keep their status: a loaded pending or running dream moves on only when canceled. */
  load(data: unknown): void {
    for (const [id, d] of Object.entries(data as Record<string, DreamRecord>)) this.records.set(id, d);
  }

  live(): Record<string, string[]> {
    return { dreams: unarchivedIds(this.records.values()) };
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
  }
}
