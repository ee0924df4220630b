// Session threads in the emulator: every session has its primary thread (the session's own agent,
// no parent), made when first asked for. Its status, stats and usage are the session's; its events
// are the session's events that name no other thread. Archive is refused while the session runs.
import { conflict, invalid, notFound } from "./http";
import { newId } from "./ids";
import { paginate } from "./pagination";
import type { EmulatorModule, Router } from "./router";
import { listParam } from "./rules/query";
import type { Json } from "./rules/values";
import type { SessionsModule } from "./sessions";

export interface ThreadRecord {
  id: string;
  session_id: string;
  parent_thread_id: string | null;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export class ThreadsModule implements EmulatorModule {
  readonly name = "threads";
  /** By session id, the primary thread first. */
  readonly records = new Map<string, ThreadRecord[]>();

  constructor(private readonly sessions: SessionsModule) {}

  private threadsOf(sessionId: string): ThreadRecord[] {
    const session = this.sessions.get(sessionId);
    let threads = this.records.get(sessionId);
    if (!threads) {
      threads = [
        {
          id: newId("sthr"),
          session_id: sessionId,
          parent_thread_id: null,
          created_at: session.created_at,
          updated_at: session.created_at,
          archived_at: null,
        },
      ];
      this.records.set(sessionId, threads);
    }
    return threads;
  }

  private record(sessionId: string, threadId: string): ThreadRecord {
    const found = this.threadsOf(sessionId).find((t) => t.id === threadId);
    if (!found) throw notFound(`thread ${threadId} not found in session ${sessionId}`);
    return found;
  }

  /** The thread as the API shows it: the session's agent (without its roster), status, stats and usage. */
  private view(t: ThreadRecord): Json {
    const session = this.sessions.get(t.session_id);
    const { multiagent: _roster, ...agent } = session.agent;
    const usage = (session["usage"] as Json | undefined) ?? {};
    return {
      id: t.id,
      type: "session_thread",
      session_id: t.session_id,
      parent_thread_id: t.parent_thread_id,
      agent,
      status: session.status,
      stats: session["stats"] ?? null,
      usage: { input_tokens: usage["input_tokens"] ?? 0, output_tokens: usage["output_tokens"] ?? 0, cache_read_input_tokens: usage["cache_read_input_tokens"] ?? 0 },
      workflow_run_id: null,
      created_at: t.created_at,
      updated_at: t.updated_at > session.updated_at ? t.updated_at : session.updated_at,
      archived_at: t.archived_at,
    };
  }

  /** The session's events that belong to this thread (the primary thread: those naming no thread). */
  private belongs(t: ThreadRecord): (e: Json) => boolean {
    return (e) => {
      const named = e["session_thread_id"];
      return named === t.id || (t.parent_thread_id === null && (named === undefined || named === null));
    };
  }

  register(router: Router): void {
    router.add("GET", "/v1/sessions/:id/threads", (r) => {
      const statuses = listParam(r.query, "statuses");
      const all = this.threadsOf(r.params[0]!)
        .map((t) => this.view(t))
        .filter((t) => statuses === undefined || statuses.includes(String(t["status"])));
      return paginate(all, r.query);
    });
    router.add("GET", "/v1/sessions/:id/threads/:thread", (r) => this.view(this.record(r.params[0]!, r.params[1]!)));
    router.add("POST", "/v1/sessions/:id/threads/:thread/archive", (r) => {
      const t = this.record(r.params[0]!, r.params[1]!);
      if (t.archived_at) throw invalid(`thread ${t.id} is already archived`);
      if (this.sessions.get(t.session_id).status === "running") {
        throw conflict(`session ${t.session_id} is running; its threads cannot be archived until it is idle`);
      }
      const now = new Date().toISOString();
      Object.assign(t, { archived_at: now, updated_at: now });
      return this.view(t);
    });
    router.add("GET", "/v1/sessions/:id/threads/:thread/events", (r) => {
      const t = this.record(r.params[0]!, r.params[1]!);
      return paginate((this.sessions.events.get(t.session_id) ?? []).filter(this.belongs(t)), r.query);
    });
    router.add("GET", "/v1/sessions/:id/threads/:thread/stream", (r) => {
      const t = this.record(r.params[0]!, r.params[1]!);
      return this.sessions.turns.stream(t.session_id, r.query, this.belongs(t));
    });
  }

  dump(): unknown {
    return Object.fromEntries([...this.records].filter(([id]) => this.sessions.records.has(id)));
  }

  load(data: unknown): void {
    for (const [id, threads] of Object.entries(data as Record<string, ThreadRecord[]>)) this.records.set(id, threads);
  }

  /** Threads live and die with their session: not objects a user destroys. */
  live(): Record<string, string[]> {
    return {};
  }
}
