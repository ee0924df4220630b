// A session's event log and its deterministic agent turn. A `user.message` makes the session
// `running` for `runMs`; then the turn ends: a model request span, either an `agent.message` and
// idle with `end_turn`, or (when the agent has an `always_ask` or custom tool) a tool use and idle
// with `requires_action` until the user answers it. A batch is validated whole before any event
// acts, so a refused batch changes nothing. Events are listed with the API's filters and streamed
// over server-sent events.
import { EventStreamResponse, invalid } from "./http";
import { newId } from "./ids";
import { createdAtFilter, EVENT_PAGE_MAX, paginate } from "./pagination";
import type { Router } from "./router";
import { checkEvent, type SentEvent } from "./rules/events";
import { listParam, orderParam } from "./rules/query";
import { isObject, onlyFields, type Json } from "./rules/values";
import type { SessionRecord, SessionsModule } from "./sessions";

/** Tool uses waiting for an answer, by tool-use event id: what answers each. */
type Pending = Map<string, "confirmation" | "custom_result">;

/** What the agent's turn calls, if anything: the first `always_ask` tool, or the first custom tool. */
interface ToolCall {
  type: "agent.tool_use" | "agent.mcp_tool_use" | "agent.custom_tool_use";
  name: string;
  mcpServerName?: string;
}

function policyOf(config: unknown): string | undefined {
  if (!isObject(config) || config["enabled"] === false) return undefined;
  const policy = config["permission_policy"];
  return isObject(policy) ? (policy["type"] as string | undefined) : undefined;
}

export function toolCallOf(agent: SessionRecord["agent"]): ToolCall | undefined {
  for (const tool of agent.tools) {
    const type = tool["type"];
    if (type === "custom") return { type: "agent.custom_tool_use", name: String(tool["name"]) };
    const configs = Array.isArray(tool["configs"]) ? (tool["configs"] as Json[]) : [];
    const asking = configs.find((c) => policyOf(c) === "always_ask");
    if (type === "agent_toolset_20260401") {
      if (asking) return { type: "agent.tool_use", name: String(asking["name"]) };
      // With every tool on the default policy, the turn uses the toolset's first tool.
      const bashOverridden = configs.some((c) => c["name"] === "bash");
      if (!bashOverridden && policyOf(tool["default_config"]) === "always_ask") return { type: "agent.tool_use", name: "bash" };
    }
    // An MCP server's tool names are only known from its configs.
    if (type === "mcp_toolset" && asking) {
      return { type: "agent.mcp_tool_use", name: String(asking["name"]), mcpServerName: String(tool["mcp_server_name"]) };
    }
  }
  return undefined;
}

/** Tool uses the last `requires_action` stop is still waiting for. */
export function pendingToolUses(events: Json[]): Pending {
  const pending: Pending = new Map();
  const kinds = new Map<string, "confirmation" | "custom_result">();
  for (const e of events) {
    const type = e["type"];
    if (type === "agent.tool_use" || type === "agent.mcp_tool_use") kinds.set(String(e["id"]), "confirmation");
    else if (type === "agent.custom_tool_use") kinds.set(String(e["id"]), "custom_result");
    else if (type === "session.status_idle") {
      const reason = e["stop_reason"] as Json | undefined;
      if (reason?.["type"] === "requires_action") {
        for (const id of reason["event_ids"] as string[]) {
          const kind = kinds.get(id);
          if (kind) pending.set(id, kind);
        }
      }
    } else if (type === "user.tool_confirmation" || type === "user.tool_result") pending.delete(String(e["tool_use_id"]));
    else if (type === "user.custom_tool_result") pending.delete(String(e["custom_tool_use_id"]));
    else if (type === "user.message" || type === "user.interrupt") pending.clear();
  }
  return pending;
}

/** Checks one event of a batch against the API's rules and what is pending; updates `pending` as it would act. */
function validateEvent(e: unknown, i: number, pending: Pending): asserts e is SentEvent {
  const where = `events[${i}]`;
  checkEvent(e, where);
  switch (e.type) {
    case "user.message":
    case "user.interrupt":
      pending.clear();
      break;
    case "user.tool_confirmation":
    case "user.tool_result":
      answer(pending, e["tool_use_id"], "confirmation", `${where}.tool_use_id`);
      break;
    case "user.custom_tool_result":
      answer(pending, e["custom_tool_use_id"], "custom_result", `${where}.custom_tool_use_id`);
      break;
    default:
      break;
  }
}

function answer(pending: Pending, id: unknown, kind: "confirmation" | "custom_result", where: string): void {
  if (typeof id !== "string") throw invalid(`${where}: required`);
  if (pending.get(id) !== kind) throw invalid(`${where}: ${id} is not a tool use waiting for this answer`);
  pending.delete(id);
}

const textOf = (content: unknown): string =>
  Array.isArray(content)
    ? content
        .filter((b): b is Json => isObject(b) && b["type"] === "text")
        .map((b) => String(b["text"]))
        .join("\n")
    : "";

/**
 * Receives each stored event, and (`preview` true) the streaming previews of one in the making;
 * `end` closes its stream.
 */
interface Listener {
  (event: Json, preview: boolean): void;
  end: () => void;
}

export class SessionTurns {
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly listeners = new Map<string, Set<Listener>>();

  constructor(private readonly store: SessionsModule) {}

  /** Appends an event to the session's log and hands it to open streams. */
  emit(id: string, event: Json): Json {
    const stored = { id: newId("sevt"), ...event, processed_at: new Date().toISOString() };
    this.store.events.get(id)?.push(stored);
    for (const listener of this.listeners.get(id) ?? []) listener(stored, false);
    return stored;
  }

  /** A preview (`event_start`, `event_delta`) of the event `eventId` being produced: streams only, never stored. */
  private preview(id: string, event: Json): void {
    for (const listener of this.listeners.get(id) ?? []) listener(event, true);
  }

  private setStatus(id: string, status: "running" | "idle", stopReason?: Json): void {
    const current = this.store.records.get(id);
    if (!current) return;
    const changes: Partial<SessionRecord> = { status };
    if (status === "idle" && current.status === "running") {
      const stats = current["stats"] as { active_seconds: number; duration_seconds: number };
      const seconds = Math.round(this.store.runMs / 1000);
      changes["stats"] = { active_seconds: stats.active_seconds + seconds, duration_seconds: stats.duration_seconds + seconds };
    }
    this.store.records.set(id, { ...current, ...changes });
    if (status === "running") this.emit(id, { type: "session.status_running" });
    else this.emit(id, { type: "session.status_idle", stop_reason: stopReason ?? { type: "end_turn" }, stop_details: null });
  }

  private run(id: string, turn: () => void): void {
    if (this.store.records.get(id)?.status !== "running") this.setStatus(id, "running");
    clearTimeout(this.timers.get(id));
    this.timers.set(
      id,
      setTimeout(() => {
        this.timers.delete(id);
        if (this.store.records.get(id)?.status !== "running") return;
        // A turn runs outside any request: whatever it throws would end the process. It ends the turn instead.
        try {
          turn();
        } catch {
          this.setStatus(id, "idle", { type: "end_turn" });
        }
      }, this.store.runMs),
    );
  }

  /** One model request: its span around what it produces, with usage counted from the text in and out. */
  private modelRequest(id: string, input: string, output: string, produce: () => void): void {
    const start = this.emit(id, { type: "span.model_request_start" });
    produce();
    const session = this.store.records.get(id)!;
    const usage = { input_tokens: Math.max(1, Math.ceil(input.length / 4)), output_tokens: Math.max(1, Math.ceil(output.length / 4)) };
    this.emit(id, {
      type: "span.model_request_end",
      model_request_start_id: start["id"],
      is_error: false,
      model_usage: {
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        ...usage,
        speed: (session.agent["model"] as Json | undefined)?.["speed"] ?? "standard",
      },
    });
    const total = (session["usage"] as Json | undefined) ?? {};
    this.store.records.set(id, {
      ...session,
      usage: {
        ...total,
        input_tokens: Number(total["input_tokens"] ?? 0) + usage.input_tokens,
        output_tokens: Number(total["output_tokens"] ?? 0) + usage.output_tokens,
      },
    });
  }

  private reply(id: string, prompt: string): void {
    const text = prompt === "" ? "Done." : `Done: ${prompt}`;
    this.modelRequest(id, prompt, text, () => {
      const messageId = newId("sevt");
      this.preview(id, { type: "event_start", event: { id: messageId, type: "agent.message" } });
      // Word by word, as a model streams: the fragments join to the final text.
      for (const fragment of text.match(/\S+\s*/g) ?? [text]) {
        this.preview(id, { type: "event_delta", event_id: messageId, delta: { type: "content_delta", index: 0, content: { type: "text", text: fragment } } });
      }
      this.emit(id, { id: messageId, type: "agent.message", content: [{ type: "text", text }] });
    });
    this.setStatus(id, "idle", { type: "end_turn" });
  }

  /** The turn after a user message: a tool use that waits for the user, or a reply. */
  private answerMessage(id: string, prompt: string): void {
    const call = toolCallOf(this.store.get(id).agent);
    if (!call) return this.reply(id, prompt);
    let use: Json = {};
    this.modelRequest(id, prompt, call.name, () => {
      use = this.emit(id, {
        type: call.type,
        name: call.name,
        input: {},
        ...(call.mcpServerName !== undefined ? { mcp_server_name: call.mcpServerName } : {}),
        ...(call.type === "agent.custom_tool_use" ? {} : { evaluated_permission: "ask", evaluation: { type: "always_ask" } }),
      });
    });
    this.setStatus(id, "idle", { type: "requires_action", event_ids: [use["id"]] });
  }

  /** The turn after the user answered a tool use: its result, then a reply. */
  private continueAfterTool(id: string, useId: string, answer: Json): void {
    const use = this.store.events.get(id)?.find((e) => e["id"] === useId);
    if (use?.["type"] === "agent.tool_use" || use?.["type"] === "agent.mcp_tool_use") {
      const denied = answer["type"] === "user.tool_confirmation" && answer["result"] === "deny";
      const content =
        answer["type"] === "user.tool_result"
          ? ((answer["content"] as Json[] | undefined) ?? [])
          : [{ type: "text", text: denied ? String(answer["deny_message"] ?? "The user denied this tool use.") : `${String(use["name"])}: ok` }];
      const isError = denied || answer["is_error"] === true;
      if (use["type"] === "agent.tool_use") this.emit(id, { type: "agent.tool_result", tool_use_id: useId, content, is_error: isError });
      else this.emit(id, { type: "agent.mcp_tool_result", mcp_tool_use_id: useId, content, is_error: isError });
    }
    this.reply(id, textOf(answer["content"]) || String(use?.["name"] ?? ""));
  }

  send(id: string, body: Json): { data: Json[] } {
    const session = this.store.get(id);
    if (session.archived_at) throw invalid(`session ${id} is archived; no new events can be sent`);
    const events = body["events"];
    if (!Array.isArray(events) || events.length === 0) throw invalid("events: must be a non-empty list");
    onlyFields(body, ["events"]);
    // The whole batch first: a refused batch acts on nothing.
    const pending = pendingToolUses(this.store.events.get(id) ?? []);
    events.forEach((e, i) => validateEvent(e, i, pending));
    const stored: Json[] = [];
    for (const e of events as SentEvent[]) {
      const event = this.emit(id, this.eventFrom(e));
      stored.push(event);
      this.act(id, event);
    }
    return { data: stored };
  }

  /** The stored form of a sent event: the fields the API fills in. */
  private eventFrom(e: SentEvent): Json {
    if (e.type === "user.define_outcome") {
      return { ...e, outcome_id: newId("outc"), max_iterations: e["max_iterations"] ?? null };
    }
    return { ...e };
  }

  private act(id: string, event: Json): void {
    switch (event["type"]) {
      case "user.message": {
        const prompt = textOf(event["content"]);
        this.run(id, () => this.answerMessage(id, prompt));
        break;
      }
      case "user.tool_confirmation":
      case "user.tool_result":
        this.run(id, () => this.continueAfterTool(id, String(event["tool_use_id"]), event));
        break;
      case "user.custom_tool_result":
        this.run(id, () => this.continueAfterTool(id, String(event["custom_tool_use_id"]), event));
        break;
      case "user.interrupt":
        clearTimeout(this.timers.get(id));
        this.timers.delete(id);
        if (this.store.get(id).status === "running") this.setStatus(id, "idle", { type: "end_turn" });
        break;
      default:
        break;
    }
  }

  /** `GET /v1/sessions/{id}/events`: `types[]`, `order` and `created_at` bounds, then the cursor. */
  list(id: string, query: URLSearchParams): { data: Json[]; next_page: string | null } {
    this.store.get(id);
    const types = listParam(query, "types");
    const order = orderParam(query, "asc");
    const inRange = createdAtFilter(query, ["gt", "gte", "lt", "lte"]);
    const all = (this.store.events.get(id) ?? []).filter(
      (e) => (types === undefined || types.includes(String(e["type"]))) && inRange(String(e["processed_at"])),
    );
    return paginate(order === "desc" ? [...all].reverse() : all, query, EVENT_PAGE_MAX);
  }

  /**
   * `GET /v1/sessions/{id}/events/stream`: each event from now on, as `event: <type>` + JSON data;
   * with `event_deltas` naming `agent.message`, also its `event_start` and `event_delta` previews.
   */
  stream(id: string, query: URLSearchParams, filter: (e: Json) => boolean = () => true): EventStreamResponse {
    this.store.get(id);
    const deltas = listParam(query, "event_deltas") ?? [];
    for (const d of deltas) if (d !== "agent.message" && d !== "agent.thinking") throw invalid(`event_deltas: unknown event type ${JSON.stringify(d)}`);
    return new EventStreamResponse((send, end) => {
      const listener: Listener = Object.assign(
        (e: Json, preview: boolean) => {
          if (preview) {
            const previewed = e["type"] === "event_start" ? (e["event"] as Json)["type"] : "agent.message";
            if (deltas.includes(String(previewed))) send(String(e["type"]), e);
          } else if (filter(e)) send(String(e["type"]), e);
        },
        { end },
      );
      let set = this.listeners.get(id);
      if (!set) this.listeners.set(id, (set = new Set()));
      set.add(listener);
      return () => set.delete(listener);
    });
  }

  /** The session is being deleted: its open streams get `session.deleted` (never stored) and end. */
  deleted(id: string): void {
    this.forget(id);
    const event = { id: newId("sevt"), type: "session.deleted", processed_at: new Date().toISOString() };
    for (const listener of this.listeners.get(id) ?? []) {
      listener(event, false);
      listener.end();
    }
    this.listeners.delete(id);
  }

  /** Forgets a session's timer (restored from a dump: a loaded status stays). */
  forget(id: string): void {
    clearTimeout(this.timers.get(id));
    this.timers.delete(id);
  }

  stop(): void {
    for (const t of this.timers.values()) clearTimeout(t);
    this.timers.clear();
    this.listeners.clear();
  }
}

export function registerSessionEventRoutes(router: Router, store: SessionsModule): void {
  router.add("POST", "/v1/sessions/:id/events", (r) => store.turns.send(r.params[0]!, r.body));
  router.add("GET", "/v1/sessions/:id/events", (r) => store.turns.list(r.params[0]!, r.query));
  router.add("GET", "/v1/sessions/:id/events/stream", (r) => store.turns.stream(r.params[0]!, r.query));
}
