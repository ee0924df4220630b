// The events a client sends (SDK `BetaManagedAgentsEventParams`), checked as the API checks them
// wherever they are sent: `events.send`, a session's `initial_events` and a deployment's. Each type
// takes its own fields only; content blocks are the kinds its type takes (an image or a document
// has a source); an outcome has a description, a rubric and at most 20 iterations. Whether a tool
// answer answers a pending tool use is the session's to check (session-events.ts).
import { invalid } from "../http";
import { isObject, onlyFields, type Json } from "./values";

export const SENDABLE = [
  "user.message",
  "user.interrupt",
  "user.tool_confirmation",
  "user.custom_tool_result",
  "user.define_outcome",
  "user.tool_result",
  "system.message",
] as const;
export type Sendable = (typeof SENDABLE)[number];
export type SentEvent = Json & { type: Sendable };

/** Fields each sendable event may carry besides `type` (the API refuses others). */
const EVENT_FIELDS: Record<Sendable, readonly string[]> = {
  "user.message": ["content"],
  "user.interrupt": ["session_thread_id"],
  "user.tool_confirmation": ["result", "tool_use_id", "deny_message"],
  "user.custom_tool_result": ["custom_tool_use_id", "content", "is_error"],
  "user.define_outcome": ["description", "rubric", "max_iterations"],
  "user.tool_result": ["tool_use_id", "content", "is_error"],
  "system.message": ["content"],
};

const USER_BLOCKS = ["text", "image", "document", "redacted"];
const RESULT_BLOCKS = ["text", "image", "document", "search_result"];
const MAX_ITERATIONS = 20;
const MAX_INITIAL_EVENTS = 50;

function checkContent(content: unknown, where: string, allowed: readonly string[], required: boolean): void {
  if (content === undefined && !required) return;
  if (!Array.isArray(content) || (required && content.length === 0)) throw invalid(`${where}.content: must be a non-empty list of content blocks`);
  content.forEach((block, i) => {
    if (!isObject(block) || !allowed.includes(String(block["type"]))) {
      throw invalid(`${where}.content[${i}].type: must be one of ${allowed.join(", ")}`);
    }
    if (block["type"] === "text" && typeof block["text"] !== "string") throw invalid(`${where}.content[${i}].text: required`);
    if ((block["type"] === "image" || block["type"] === "document") && !isObject(block["source"])) throw invalid(`${where}.content[${i}].source: required`);
  });
}

/** An outcome to work towards (`user.define_outcome`). */
function checkOutcome(e: Json, where: string): void {
  if (typeof e["description"] !== "string" || e["description"] === "") throw invalid(`${where}.description: required`);
  const rubric = e["rubric"];
  const ok =
    isObject(rubric) &&
    ((rubric["type"] === "text" && typeof rubric["content"] === "string") || (rubric["type"] === "file" && typeof rubric["file_id"] === "string"));
  if (!ok) throw invalid(`${where}.rubric: must be {type: "text", content} or {type: "file", file_id}`);
  const max = e["max_iterations"];
  if (max !== undefined && max !== null && !(Number.isInteger(max) && (max as number) >= 1 && (max as number) <= MAX_ITERATIONS)) {
    throw invalid(`${where}.max_iterations: must be an integer between 1 and ${MAX_ITERATIONS}`);
  }
}

/** One event's type, fields and values, at `where` (e.g. `events[0]`). */
export function checkEvent(e: unknown, where: string): asserts e is SentEvent {
  if (!isObject(e)) throw invalid(`${where}: must be an object`);
  const type = e["type"];
  if (!SENDABLE.includes(type as Sendable)) throw invalid(`${where}.type: unsupported event type ${JSON.stringify(type)}`);
  const allowed = EVENT_FIELDS[type as Sendable];
  onlyFields(e, ["type", ...allowed], `${where}.`);
  switch (type as Sendable) {
    case "user.message":
      checkContent(e["content"], where, USER_BLOCKS, true);
      break;
    case "system.message":
      checkContent(e["content"], where, ["text"], true);
      break;
    case "user.define_outcome":
      checkOutcome(e, where);
      break;
    case "user.tool_confirmation":
      if (e["result"] !== "allow" && e["result"] !== "deny") throw invalid(`${where}.result: must be "allow" or "deny"`);
      if (e["deny_message"] !== undefined && e["deny_message"] !== null && e["result"] !== "deny") {
        throw invalid(`${where}.deny_message: only allowed with result "deny"`);
      }
      if (e["deny_message"] !== undefined && e["deny_message"] !== null && typeof e["deny_message"] !== "string") throw invalid(`${where}.deny_message: must be a string`);
      break;
    case "user.tool_result":
    case "user.custom_tool_result":
      checkContent(e["content"], where, RESULT_BLOCKS, false);
      break;
    case "user.interrupt":
      break;
  }
}

/**
 * The events an object starts a session with (`initial_events`): at most 50, each of one of
 * `types` and checked as `events.send` checks it. `required`: at least one (a deployment's).
 */
export function checkInitialEvents(events: unknown, types: readonly Sendable[], required = false): SentEvent[] {
  if (events === undefined || events === null || (required && Array.isArray(events) && events.length === 0)) {
    if (required) throw invalid("initial_events: required, a non-empty list of events");
    return [];
  }
  if (!Array.isArray(events)) throw invalid("initial_events: must be a list");
  if (events.length > MAX_INITIAL_EVENTS) throw invalid(`initial_events: at most ${MAX_INITIAL_EVENTS} events`);
  events.forEach((e: unknown, i) => {
    const type = isObject(e) ? e["type"] : undefined;
    if (!types.includes(type as Sendable)) throw invalid(`initial_events[${i}].type: must be one of ${types.join(", ")}`);
    checkEvent(e, `initial_events[${i}]`);
  });
  return events as SentEvent[];
}
