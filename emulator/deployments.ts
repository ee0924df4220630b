// Deployments and their runs in the emulator: create (agent by id = its latest version, or pinned
// `{type: "agent", id, version}`), update (the agent too, in place), list, archive, pause /
// unpause, and run (a manual run starts a session on the deployment's agent version, in its
// environment, with its initial events). A cron schedule is checked (five fields, IANA time zone)
// but never executed. Budget, resources and initial events are checked by the rules a session's
// are (rules/budget.ts, resources.ts, events.ts), so what a run starts with was checked when the
// deployment took it.
import type { AgentsModule } from "./agents";
import type { EnvironmentsModule } from "./environments";
import { invalid, notFound } from "./http";
import { newId } from "./ids";
import { byCreatedAt, createdAtFilter, paginate } from "./pagination";
import { unarchivedIds, type EmulatorModule, type Router } from "./router";
import { resolveBudget } from "./rules/budget";
import { checkInitialEvents } from "./rules/events";
import { createMetadata, patchMetadata } from "./rules/metadata";
import { includeArchived } from "./rules/query";
import { checkResource } from "./rules/resources";
import { isObject, listOf, onlyFields, stringFields, stringItem, text, type Json } from "./rules/values";
import type { SessionsModule } from "./sessions";

export interface DeploymentRecord extends Json {
  id: string;
  type: "deployment";
  agent: { type: "agent"; id: string; version: number };
  environment_id: string;
  name: string;
  status: "active" | "paused";
  paused_reason: Json | null;
  metadata: Record<string, string>;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

export interface DeploymentRunRecord extends Json {
  id: string;
  type: "deployment_run";
  deployment_id: string;
  agent: { type: "agent"; id: string; version: number };
  session_id: string | null;
  error: Json | null;
  trigger_context: Json;
  created_at: string;
}

const CREATE_FIELDS = ["agent", "environment_id", "initial_events", "name", "budget", "description", "metadata", "resources", "schedule", "vault_ids"];
const UPDATE_FIELDS = CREATE_FIELDS;
/** The events a run starts its session with (DeploymentCreateParams.initial_events). */
const INITIAL_EVENT_TYPES = ["user.message", "user.define_outcome", "system.message"] as const;

// minute, hour, day of month, month, day of week
const CRON_RANGES: ReadonlyArray<[number, number, readonly string[]]> = [
  [0, 59, []],
  [0, 23, []],
  [1, 31, []],
  [1, 12, ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]],
  [0, 7, ["sun", "mon", "tue", "wed", "thu", "fri", "sat"]],
];

function cronFieldValid(text: string, [min, max, names]: [number, number, readonly string[]], month: boolean): boolean {
  const value = (t: string): number => {
    const i = names.indexOf(t.toLowerCase());
    if (i >= 0) return month ? i + 1 : i;
    return /^\d+$/.test(t) ? Number(t) : NaN;
  };
  return text.split(",").every((item) => {
    const m = /^(\*|[A-Za-z0-9]+(?:-[A-Za-z0-9]+)?)(?:\/(\d+))?$/.exec(item);
    if (!m) return false;
    if (m[2] !== undefined && Number(m[2]) < 1) return false;
    if (m[1] === "*") return true;
    const [a, b] = m[1]!.split("-").map(value);
    const inRange = (v: number | undefined) => v === undefined || (Number.isInteger(v) && v >= min && v <= max);
    return inRange(a) && inRange(b) && (b === undefined || a! <= b);
  });
}

function knownTimeZone(name: string): boolean {
  if (!/^[A-Za-z]/.test(name)) return false;
  try {
    new Intl.DateTimeFormat("en-US", { timeZone: name });
    return true;
  } catch {
    return false;
  }
}

function validateSchedule(schedule: unknown): Json | null {
  if (schedule === undefined || schedule === null) return null;
  if (!isObject(schedule) || schedule["type"] !== "cron") throw invalid('schedule: must be {type: "cron", expression, timezone}');
  const expression = schedule["expression"];
  const timezone = schedule["timezone"];
  if (typeof expression !== "string") throw invalid("schedule.expression: required");
  const fields = expression.trim().split(/\s+/);
  if (fields.length !== 5 || !fields.every((f, i) => cronFieldValid(f, CRON_RANGES[i]!, i === 3))) {
    throw invalid(`schedule.expression: "${expression}" is not a valid 5-field cron expression`);
  }
  if (typeof timezone !== "string" || !knownTimeZone(timezone)) throw invalid(`schedule.timezone: ${JSON.stringify(text(timezone))} is not a known IANA time zone`);
  return { type: "cron", expression, timezone, last_run_at: null, upcoming_runs_at: [] };
}

function vaultIdsOf(value: unknown): string[] {
  const ids = listOf(value, "vault_ids", stringItem);
  if (ids.length > 50) throw invalid("vault_ids: at most 50 vaults");
  return ids;
}

export class DeploymentsModule implements EmulatorModule {
  readonly name = "deployments";
  readonly records = new Map<string, DeploymentRecord>();
  readonly runs = new Map<string, DeploymentRunRecord>();

  constructor(
    private readonly agents: AgentsModule,
    private readonly environments: EnvironmentsModule,
    private readonly sessions: SessionsModule,
  ) {}

  register(router: Router): void {
    router.add("POST", "/v1/deployments", (r) => this.create(r.body));
    router.add("GET", "/v1/deployments", (r) => this.list(r.query));
    router.add("GET", "/v1/deployments/:id", (r) => this.get(r.params[0]!));
    router.add("POST", "/v1/deployments/:id", (r) => this.update(r.params[0]!, r.body));
    router.add("POST", "/v1/deployments/:id/archive", (r) => this.archive(r.params[0]!));
    router.add("POST", "/v1/deployments/:id/pause", (r) => this.setPaused(r.params[0]!, true));
    router.add("POST", "/v1/deployments/:id/unpause", (r) => this.setPaused(r.params[0]!, false));
    router.add("POST", "/v1/deployments/:id/run", (r) => this.run(r.params[0]!));
    router.add("GET", "/v1/deployment_runs", (r) => this.listRuns(r.query));
    router.add("GET", "/v1/deployment_runs/:id", (r) => this.getRun(r.params[0]!));
  }

  get(id: string): DeploymentRecord {
    const found = this.records.get(id);
    if (!found) throw notFound(`deployment ${id} not found`);
    return found;
  }

  getRun(id: string): DeploymentRunRecord {
    const found = this.runs.get(id);
    if (!found) throw notFound(`deployment run ${id} not found`);
    return found;
  }

  /** An agent reference resolved to a version: an id means its latest version. */
  private resolveAgent(ref: unknown): DeploymentRecord["agent"] {
    let id: string;
    let version: number | undefined;
    if (typeof ref === "string") id = ref;
    else if (isObject(ref) && ref["type"] === "agent" && typeof ref["id"] === "string") {
      id = ref["id"];
      if (ref["version"] !== undefined && typeof ref["version"] !== "number") throw invalid("agent.version: must be a number");
      version = ref["version"] as number | undefined;
    } else throw invalid('agent: must be an agent id or {type: "agent", id, version?}');
    return { type: "agent", id, version: this.agents.pinned(id, version).version };
  }

  private environment(id: unknown): string {
    if (typeof id !== "string") throw invalid("environment_id: required");
    return this.environments.usable(id).id;
  }

  private resources(list: unknown): Json[] {
    // Checked as a session's (each run mounts them); tokens are write-only: never returned.
    if (Array.isArray(list) && list.length > 500) throw invalid("resources: at most 500 resources");
    return listOf(list, "resources", (r) => r).map(checkResource);
  }

  create(body: Json): DeploymentRecord {
    onlyFields(body, CREATE_FIELDS);
    stringFields(body, ["description"]);
    if (typeof body["name"] !== "string" || body["name"] === "") throw invalid("name: must be a non-empty string");
    const metadata = createMetadata(body["metadata"]);
    const budget = resolveBudget(body["budget"]);
    const now = new Date().toISOString();
    const record: DeploymentRecord = {
      id: newId("depl"),
      type: "deployment",
      agent: this.resolveAgent(body["agent"]),
      environment_id: this.environment(body["environment_id"]),
      name: body["name"],
      description: body["description"] ?? null,
      metadata,
      initial_events: checkInitialEvents(body["initial_events"], INITIAL_EVENT_TYPES, true),
      schedule: validateSchedule(body["schedule"]),
      budget,
      vault_ids: vaultIdsOf(body["vault_ids"]),
      resources: this.resources(body["resources"]),
      status: "active",
      paused_reason: null,
      created_at: now,
      updated_at: now,
      archived_at: null,
    };
    this.records.set(record.id, record);
    return record;
  }

  update(id: string, body: Json): DeploymentRecord {
    onlyFields(body, UPDATE_FIELDS);
    stringFields(body, ["description"]);
    const current = this.get(id);
    if (current.archived_at) throw invalid(`deployment ${id} is archived`);
    const next: DeploymentRecord = { ...current };
    if (body["agent"] !== undefined) next.agent = this.resolveAgent(body["agent"]);
    if (body["environment_id"] !== undefined) next.environment_id = this.environment(body["environment_id"]);
    if (body["name"] !== undefined) {
      if (typeof body["name"] !== "string" || body["name"] === "") throw invalid("name: must be a non-empty string");
      next.name = body["name"];
    }
    if ("description" in body) next["description"] = body["description"];
    if ("initial_events" in body) next["initial_events"] = checkInitialEvents(body["initial_events"], INITIAL_EVENT_TYPES, true);
    if ("schedule" in body) next["schedule"] = validateSchedule(body["schedule"]);
    if ("budget" in body) next["budget"] = resolveBudget(body["budget"]);
    if ("vault_ids" in body) next["vault_ids"] = vaultIdsOf(body["vault_ids"]);
    if ("resources" in body) next["resources"] = this.resources(body["resources"]);
    next.metadata = patchMetadata(current.metadata, body["metadata"], { nullClears: true, emptyDeletes: true });
    next.updated_at = new Date().toISOString();
    this.records.set(id, next);
    return next;
  }

  setPaused(id: string, paused: boolean): DeploymentRecord {
    const current = this.get(id);
    if (current.archived_at) throw invalid(`deployment ${id} is archived`);
    const next: DeploymentRecord = {
      ...current,
      status: paused ? "paused" : "active",
      paused_reason: paused ? { type: "manual" } : null,
      updated_at: new Date().toISOString(),
    };
    this.records.set(id, next);
    return next;
  }

  archive(id: string): DeploymentRecord {
    const current = this.get(id);
    if (current.archived_at) throw invalid(`deployment ${id} is already archived`);
    const archived = { ...current, archived_at: new Date().toISOString() };
    this.records.set(id, archived);
    return archived;
  }

  /** A manual run: a session on the deployment's agent version, with its initial events. */
  run(id: string): DeploymentRunRecord {
    const d = this.get(id);
    if (d.archived_at) throw invalid(`deployment ${id} is archived`);
    const now = new Date().toISOString();
    let sessionId: string | null = null;
    let error: Json | null = null;
    try {
      const session = this.sessions.create({
        agent: d.agent,
        environment_id: d.environment_id,
        ...(d["budget"] ? { budget: d["budget"] } : {}),
        vault_ids: d["vault_ids"] ?? [],
        resources: d["resources"] ?? [],
        initial_events: ((d["initial_events"] as Json[] | undefined) ?? []).filter((e) => e["type"] !== "system.message"),
        metadata: {},
      });
      sessionId = session.id;
    } catch (e) {
      error = { type: "session_creation_rejected_error", message: e instanceof Error ? e.message : String(e) };
    }
    const run: DeploymentRunRecord = {
      id: newId("drun"),
      type: "deployment_run",
      deployment_id: id,
      agent: d.agent,
      session_id: sessionId,
      error,
      trigger_context: { type: "manual" },
      created_at: now,
    };
    this.runs.set(run.id, run);
    return run;
  }

  list(query: URLSearchParams): { data: DeploymentRecord[]; next_page: string | null } {
    const archivedToo = includeArchived(query);
    const agentId = query.get("agent_id");
    const status = query.get("status");
    const inRange = createdAtFilter(query);
    const all = byCreatedAt(this.records.values())
      .filter((d) => (archivedToo || !d.archived_at) && (agentId === null || d.agent.id === agentId) && (status === null || d.status === status) && inRange(d.created_at))
      .reverse();
    return paginate(all, query);
  }

  listRuns(query: URLSearchParams): { data: DeploymentRunRecord[]; next_page: string | null } {
    const deploymentId = query.get("deployment_id");
    const trigger = query.get("trigger_type");
    const hasError = query.get("has_error");
    const inRange = createdAtFilter(query, ["gt", "gte", "lt", "lte"]);
    const all = byCreatedAt(this.runs.values())
      .filter(
        (r) =>
          (deploymentId === null || r.deployment_id === deploymentId) &&
          (trigger === null || r.trigger_context["type"] === trigger) &&
          (hasError === null || (r.error !== null) === (hasError === "true")) &&
          inRange(r.created_at),
      )
      .reverse();
    return paginate(all, query);
  }

  /** Undefined when it holds nothing, so that a dump has only the families in use. */
  dump(): unknown {
    if (this.records.size === 0 && this.runs.size === 0) return undefined;
    return { deployments: Object.fromEntries(this.records), runs: Object.fromEntries(this.runs) };
  }

  load(data: unknown): void {
    const d = data as { deployments?: Record<string, DeploymentRecord>; runs?: Record<string, DeploymentRunRecord> };
    for (const [id, r] of Object.entries(d.deployments ?? {})) this.records.set(id, r);
    for (const [id, r] of Object.entries(d.runs ?? {})) this.runs.set(id, r);
  }

  live(): Record<string, string[]> {
    return { deployments: unarchivedIds(this.records.values()) };
  }
}
