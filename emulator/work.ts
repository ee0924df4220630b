// Self-hosted environment work in the emulator: each session in a `self_hosted` environment is a
// work item, queued when first seen. A worker polls (long poll up to `block_ms`), acks (queued ->
// starting), heartbeats to hold its lease (starting -> active; the first heartbeat claims it with
// `expected_last_heartbeat: "NO_HEARTBEAT"`, each later one names the last; a stale one is a 412),
// and stops it (stopping; stopped when forced, never started, or stopped again).
import type { EnvironmentsModule } from "./environments";
import { conflict, HttpError, invalid, notFound } from "./http";
import { newId } from "./ids";
import { byCreatedAt, paginate } from "./pagination";
import type { EmulatorModule, Router } from "./router";
import { patchMetadata } from "./rules/metadata";
import { isObject, onlyFields, type Json } from "./rules/values";
import type { SessionsModule } from "./sessions";
type WorkState = "queued" | "starting" | "active" | "stopping" | "stopped";

export interface WorkRecord extends Json {
  id: string;
  type: "work";
  environment_id: string;
  data: { type: "session"; id: string };
  state: WorkState;
  metadata: Record<string, string>;
  created_at: string;
  acknowledged_at: string | null;
  started_at: string | null;
  latest_heartbeat_at: string | null;
  stop_requested_at: string | null;
  stopped_at: string | null;
  /** The lease length the last heartbeat asked for. */
  ttl_seconds?: number;
}

const DEFAULT_TTL_SECONDS = 60;
const MAX_BLOCK_MS = 5_000;
/** A worker counts as polling for this long after its last poll. */
const POLLING_WINDOW_MS = 60_000;

/** What a first heartbeat names as the last one: it claims a lease no heartbeat has held yet. */
const NO_HEARTBEAT = "NO_HEARTBEAT";

/**
 * Whether a heartbeat's `expected_last_heartbeat` matches the lease: the last heartbeat's time
 * exactly, or `NO_HEARTBEAT` (or "") when there was none. The API does not compare it once the
 * item is stopping or stopped.
 */
function holdsLease(w: WorkRecord, expected: unknown): boolean {
  if (w.state === "stopping" || w.state === "stopped") return true;
  if (w.latest_heartbeat_at === null) return expected === NO_HEARTBEAT || expected === "";
  return expected === w.latest_heartbeat_at;
}

export class WorkModule implements EmulatorModule {
  readonly name = "work";
  readonly records = new Map<string, WorkRecord>();
  /** Last poll time by worker id (the `Anthropic-Worker-ID` header). */
  private readonly pollers = new Map<string, number>();

  constructor(
    private readonly environments: EnvironmentsModule,
    private readonly sessions: SessionsModule,
    private readonly origin: () => string,
  ) {}

  /** The environment's work items, after queueing one for each of its sessions not yet seen. */
  private itemsOf(environmentId: string): WorkRecord[] {
    const env = this.environments.get(environmentId);
    if (env.config["type"] !== "self_hosted") return [];
    const seen = new Set([...this.records.values()].map((w) => w.data.id));
    for (const s of this.sessions.records.inOrder("asc")) {
      if (s.environment_id !== environmentId || seen.has(s.id) || s.archived_at) continue;
      const w: WorkRecord = {
        id: newId("work"),
        type: "work",
        environment_id: environmentId,
        data: { type: "session", id: s.id },
        state: "queued",
        metadata: {},
        created_at: s.created_at,
        acknowledged_at: null,
        started_at: null,
        latest_heartbeat_at: null,
        stop_requested_at: null,
        stopped_at: null,
      };
      this.records.set(w.id, w);
    }
    return byCreatedAt([...this.records.values()].filter((w) => w.environment_id === environmentId));
  }

  private get(environmentId: string, workId: string): WorkRecord {
    this.environments.get(environmentId);
    const w = this.records.get(workId);
    if (!w || w.environment_id !== environmentId) throw notFound(`work ${workId} not found in environment ${environmentId}`);
    return w;
  }

  /** The work item as the API shows it; `secret` only on the poll that hands it out. */
  private view(w: WorkRecord, secret: string | null = null): Json {
    const { ttl_seconds: _ttl, ...shown } = w;
    return { ...shown, secret };
  }

  private lease(w: WorkRecord, extended: boolean): Json {
    return { last_heartbeat: w.latest_heartbeat_at, lease_extended: extended, state: w.state, ttl_seconds: w.ttl_seconds ?? DEFAULT_TTL_SECONDS };
  }

  private async poll(environmentId: string, query: URLSearchParams, workerId: string | undefined): Promise<Json | null> {
    const block = Math.min(Number(query.get("block_ms") ?? 0) || 0, MAX_BLOCK_MS);
    const reclaimText = query.get("reclaim_older_than_ms");
    const reclaimMs = reclaimText === null ? undefined : Number(reclaimText);
    if (workerId !== undefined) this.pollers.set(workerId, Date.now());
    const deadline = Date.now() + block;
    for (;;) {
      const now = Date.now();
      const found = this.itemsOf(environmentId).find(
        (w) =>
          w.state === "queued" ||
          // An acked item whose worker went quiet is handed out again when the poller asks for it.
          (reclaimMs !== undefined &&
            w.state === "starting" &&
            now - Date.parse(w.latest_heartbeat_at ?? w.acknowledged_at ?? w.created_at) > reclaimMs),
      );
      if (found) {
        const secret = { sessions_token: `sk-ant-wrk-${found.id}`, api_base_url: this.origin() };
        return this.view(found, Buffer.from(JSON.stringify(secret)).toString("base64url"));
      }
      if (now >= deadline) return null;
      await new Promise((r) => setTimeout(r, Math.min(25, deadline - now)));
    }
  }

  register(router: Router): void {
    router.add("GET", "/v1/environments/:id/work", (r) => paginate(this.itemsOf(r.params[0]!).reverse().map((w) => this.view(w)), r.query));
    router.add("GET", "/v1/environments/:id/work/poll", (r) => {
      const worker = r.headers["anthropic-worker-id"];
      return this.poll(r.params[0]!, r.query, typeof worker === "string" ? worker : undefined);
    });
    router.add("GET", "/v1/environments/:id/work/stats", (r) => {
      const items = this.itemsOf(r.params[0]!);
      const queued = items.filter((w) => w.state === "queued");
      const now = Date.now();
      const polling = [...this.pollers.values()].filter((t) => now - t < POLLING_WINDOW_MS).length;
      return {
        type: "work_queue_stats",
        depth: queued.length,
        oldest_queued_at: queued[0]?.created_at ?? null,
        pending: items.filter((w) => w.state === "starting").length,
        workers_polling: this.pollers.size === 0 ? null : polling,
      };
    });
    router.add("GET", "/v1/environments/:id/work/:work", (r) => this.view(this.get(r.params[0]!, r.params[1]!)));
    router.add("POST", "/v1/environments/:id/work/:work", (r) => {
      const w = this.get(r.params[0]!, r.params[1]!);
      const patch = r.body["metadata"];
      onlyFields(r.body, ["metadata"]);
      if (!isObject(patch)) throw invalid("metadata: required, an object");
      w.metadata = patchMetadata(w.metadata, patch);
      return this.view(w);
    });
    router.add("POST", "/v1/environments/:id/work/:work/ack", (r) => {
      const w = this.get(r.params[0]!, r.params[1]!);
      if (w.state !== "queued") throw conflict(`work ${w.id} is ${w.state}, not queued`);
      Object.assign(w, { state: "starting", acknowledged_at: new Date().toISOString() });
      return this.view(w);
    });
    router.add("POST", "/v1/environments/:id/work/:work/heartbeat", (r) => {
      const w = this.get(r.params[0]!, r.params[1]!);
      // The SDK sends both as query parameters; a body is read too.
      const fromQuery = (k: string) => r.query.get(k) ?? r.body[k];
      const expected = fromQuery("expected_last_heartbeat");
      if (expected !== undefined && expected !== null && !holdsLease(w, expected)) {
        throw new HttpError(
          412,
          "invalid_request_error",
          `work ${w.id}: expected_last_heartbeat does not match the lease; another worker may hold it`,
          {},
          "heartbeat_precondition_failed",
          { current_state: this.lease(w, false) },
        );
      }
      if (w.state === "queued") throw conflict(`work ${w.id} is queued: ack it first`);
      if (w.state === "stopped") return { type: "work_heartbeat", ...this.lease(w, false), last_heartbeat: w.latest_heartbeat_at ?? "" };
      const ttlValue = fromQuery("desired_ttl_seconds");
      if (ttlValue !== undefined && ttlValue !== null) {
        const ttl = Number(ttlValue);
        if (!Number.isInteger(ttl) || ttl < 1) throw invalid("desired_ttl_seconds: must be a positive integer");
        w.ttl_seconds = ttl;
      }
      const now = new Date().toISOString();
      w.latest_heartbeat_at = now;
      if (w.state === "starting") Object.assign(w, { state: "active", started_at: now });
      return { type: "work_heartbeat", ...this.lease(w, true), last_heartbeat: now };
    });
    router.add("POST", "/v1/environments/:id/work/:work/stop", (r) => {
      const w = this.get(r.params[0]!, r.params[1]!);
      if (w.state === "stopped") return this.view(w);
      const now = new Date().toISOString();
      w.stop_requested_at ??= now;
      // Nothing runs yet for a queued item, a forced stop does not wait for the worker, and a
      // second stop of a stopping item is the worker saying it has wound down.
      if (r.body["force"] === true || w.state === "queued" || w.state === "stopping") Object.assign(w, { state: "stopped", stopped_at: now });
      else w.state = "stopping";
      return this.view(w);
    });
  }

  dump(): unknown {
    return Object.fromEntries(this.records);
  }

  load(data: unknown): void {
    for (const [id, w] of Object.entries(data as Record<string, WorkRecord>)) this.records.set(id, w);
  }

  /** Work items come and go with sessions: not objects a user destroys. */
  live(): Record<string, string[]> {
    return {};
  }
}
