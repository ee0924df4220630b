// Agents in the emulator: create, retrieve (?version=), update with optimistic concurrency (a
// request that changes nothing makes no version), list, versions, archive. Responses carry the
// defaults the API fills in.
import { isDeepStrictEqual } from "node:util";
import { conflict, invalid, notFound } from "./http";
import { newId } from "./ids";
import { createdAtBounds, CreationOrderedMap, paginate } from "./pagination";
import { unarchivedIds, type EmulatorModule, type Router, type RouteRequest } from "./router";
import { resolveModel, resolveToolsAndServers, skillRefs } from "./rules/agent-tools";
import { createMetadata, type Metadata, patchMetadata } from "./rules/metadata";
import { includeArchived } from "./rules/query";
import { isObject, onlyFields, stringFields, text, type Json } from "./rules/values";

export interface AgentRecord extends Json {
  id: string;
  type: "agent";
  version: number;
  name: string;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

const DEFINITION_FIELDS = [
  "name",
  "model",
  "system",
  "description",
  "tools",
  "mcp_servers",
  "skills",
  "metadata",
  "multiagent",
  "execution_identity",
] as const;

/** The agent being written: what a `{type: "self"}` roster entry (or its own id) resolves to. */
interface SelfRef {
  id: string;
  version: number;
}

type AgentLookup = (id: string, version: number | undefined) => AgentRecord | undefined;

/**
 * One roster entry as the API returns it: `{type: "agent", id, version}` with the version resolved
 * (an id alone means its latest version), `{type: "advisor", model}` unchanged.
 */
function resolveRosterEntry(entry: unknown, where: string, self: SelfRef, lookup: AgentLookup, advisorAllowed: boolean): Json {
  if (isObject(entry) && entry["type"] === "advisor") {
    if (!advisorAllowed) throw invalid(`${where}: an advisor entry is only allowed in a coordinator roster`);
    if (typeof entry["model"] !== "string" || entry["model"] === "") throw invalid(`${where}.model: required`);
    return { type: "advisor", model: entry["model"] };
  }
  if (isObject(entry) && entry["type"] === "self") return { type: "agent", id: self.id, version: self.version };
  let id: string;
  let version: number | undefined;
  if (typeof entry === "string") id = entry;
  else if (isObject(entry) && entry["type"] === "agent" && typeof entry["id"] === "string") {
    id = entry["id"];
    if (entry["version"] !== undefined && entry["version"] !== null && !Number.isInteger(entry["version"])) {
      throw invalid(`${where}.version: must be an integer`);
    }
    version = (entry["version"] as number | null | undefined) ?? undefined;
  } else throw invalid(`${where}: must be an agent id, {type: "agent", id, version?}, {type: "self"} or {type: "advisor", model}`);
  // The agent's own id (as a stored roster echoes it) stays a reference to itself.
  if (id === self.id) return { type: "agent", id, version: self.version };
  const found = lookup(id, version);
  if (!found) throw notFound(`${where}: agent ${id}${version === undefined ? "" : ` version ${version}`} not found`);
  return { type: "agent", id, version: found.version };
}

function resolveSwitchable(value: unknown, where: string, self: SelfRef, lookup: AgentLookup): Json {
  if (value === undefined || value === null) return { type: "disabled" };
  if (!isObject(value) || (value["type"] !== "enabled" && value["type"] !== "disabled")) {
    throw invalid(`${where}.type: must be "enabled" or "disabled"`);
  }
  if (value["type"] === "disabled") return { type: "disabled" };
  const inline = value["inline_agents"];
  const inlineType = isObject(inline) ? inline["type"] : "disabled";
  if (inlineType !== "enabled" && inlineType !== "disabled") throw invalid(`${where}.inline_agents.type: must be "enabled" or "disabled"`);
  const predefined = (value["predefined_agents"] as unknown[] | null | undefined) ?? [];
  if (!Array.isArray(predefined)) throw invalid(`${where}.predefined_agents: must be an array`);
  if (predefined.length > 20) throw invalid(`${where}.predefined_agents: at most 20 agents`);
  return {
    type: "enabled",
    inline_agents: { type: inlineType },
    predefined_agents: predefined.map((e, i) => resolveRosterEntry(e, `${where}.predefined_agents[${i}]`, self, lookup, false)),
  };
}

/** `multiagent` as the API returns it: every roster entry resolved to a pinned agent reference. */
function resolveMultiagent(value: unknown, self: SelfRef, lookup: AgentLookup): Json | null {
  if (value === undefined || value === null) return null;
  if (!isObject(value)) throw invalid("multiagent: must be an object");
  if (value["type"] === "coordinator") {
    const agents = value["agents"];
    if (!Array.isArray(agents) || agents.length === 0) throw invalid("multiagent.agents: must be a non-empty array");
    return {
      type: "coordinator",
      agents: agents.map((e, i) => resolveRosterEntry(e, `multiagent.agents[${i}]`, self, lookup, true)),
    };
  }
  if (value["type"] === "multiagent_20261001") {
    const advisor = value["advisor"];
    let resolvedAdvisor: Json = { type: "disabled" };
    if (isObject(advisor) && advisor["type"] === "enabled") {
      if (typeof advisor["model"] !== "string" || advisor["model"] === "") throw invalid("multiagent.advisor.model: required");
      resolvedAdvisor = { type: "enabled", model: advisor["model"] };
    } else if (advisor !== undefined && advisor !== null && !(isObject(advisor) && advisor["type"] === "disabled")) {
      throw invalid('multiagent.advisor.type: must be "enabled" or "disabled"');
    }
    return {
      type: "multiagent_20261001",
      advisor: resolvedAdvisor,
      subagents: resolveSwitchable(value["subagents"], "multiagent.subagents", self, lookup),
      workflows: resolveSwitchable(value["workflows"], "multiagent.workflows", self, lookup),
    };
  }
  throw invalid('multiagent.type: must be "coordinator" or "multiagent_20261001"');
}

/** The stored definition after applying the API's defaults and rules. */
function resolveDefinition(def: Json, self: SelfRef, lookup: AgentLookup): Json {
  if (typeof def["name"] !== "string" || def["name"] === "") throw invalid("name: must be a non-empty string");
  const { tools: resolvedTools, mcp_servers: servers } = resolveToolsAndServers(def["tools"], def["mcp_servers"]);
  const metadata = createMetadata(def["metadata"]);
  const skills = skillRefs(def["skills"]).map((s) => ({ ...s, version: s["version"] ?? "latest" }));
  const emptyToNull = (v: unknown) => (v === undefined || v === "" ? null : v);
  const multiagent = def["multiagent"];
  if (isObject(multiagent) && multiagent["type"] === "coordinator" && Array.isArray(multiagent["agents"]) && multiagent["agents"].length > 20) {
    throw invalid("multiagent.agents: at most 20 agents");
  }
  const identity = def["execution_identity"];
  if (isObject(identity) && typeof identity["role_arn"] === "string" && identity["role_arn"].length > 2048) {
    throw invalid("execution_identity.role_arn: at most 2048 characters");
  }
  return {
    name: def["name"],
    model: resolveModel(def["model"]),
    system: emptyToNull(def["system"]),
    description: emptyToNull(def["description"]),
    tools: resolvedTools,
    mcp_servers: servers,
    skills,
    metadata,
    multiagent: resolveMultiagent(def["multiagent"], self, lookup),
    execution_identity: def["execution_identity"] ?? { type: "service_account" },
  };
}

/** Why a custom skill version may not be referenced (the emulator's skills answer), if it may not. */
export type SkillReferenceCheck = (skillId: string, version: string) => string | undefined;

export class AgentsModule implements EmulatorModule {
  readonly name = "agents";
  readonly core = true;
  /** Every version of every agent, oldest first; the last one is current. */
  readonly versions = new CreationOrderedMap<AgentRecord[]>((versions) => versions[0]!.created_at);

  constructor(private readonly customSkillProblem: SkillReferenceCheck = () => undefined) {}

  private checkCustomSkills(skills: unknown): void {
    for (const [i, s] of skillRefs(skills).entries()) {
      if (s["type"] !== "custom") continue;
      const problem = this.customSkillProblem(s["skill_id"] as string, (s["version"] as string | null | undefined) ?? "latest");
      if (problem) throw invalid(`skills[${i}]: ${problem}`);
    }
  }

  current(id: string): AgentRecord {
    const list = this.versions.get(id);
    if (!list) throw notFound(`agent ${id} not found`);
    return list[list.length - 1]!;
  }

  get(id: string): AgentRecord | undefined {
    const list = this.versions.get(id);
    return list?.[list.length - 1];
  }

  /** What a session or deployment runs: that version of the agent, or its latest; never an archived agent. */
  pinned(id: string, version: number | undefined): AgentRecord {
    const versions = this.versions.get(id);
    if (!versions) throw notFound(`agent ${id} not found`);
    const record = version === undefined ? versions[versions.length - 1]! : versions.find((v) => v.version === version);
    if (!record) throw notFound(`agent ${id} has no version ${String(version)}`);
    if (record.archived_at) throw invalid(`agent ${id} is archived`);
    return record;
  }

  /** A roster entry's target: that version, or the latest; archived agents cannot be added. */
  private readonly lookup: AgentLookup = (id, version) => {
    const list = this.versions.get(id);
    const found = version === undefined ? list?.[list.length - 1] : list?.find((a) => a.version === version);
    if (found?.archived_at) throw invalid(`agent ${id} is archived and cannot be added to a multiagent roster`);
    return found;
  };

  create(body: Json): AgentRecord {
    onlyFields(body, DEFINITION_FIELDS);
    stringFields(body, ["system", "description"]);
    if (body["model"] === undefined) throw invalid("model: required");
    this.checkCustomSkills(body["skills"]);
    const now = new Date().toISOString();
    const id = newId("agent");
    const record: AgentRecord = {
      id,
      type: "agent",
      ...resolveDefinition(body, { id, version: 1 }, this.lookup),
      version: 1,
      created_at: now,
      updated_at: now,
      archived_at: null,
    } as AgentRecord;
    this.versions.set(record.id, [record]);
    return record;
  }

  /** Omit = keep; null or empty = clear; metadata is a patch; a no-op makes no version. */
  update(id: string, body: Json): AgentRecord {
    onlyFields(body, [...DEFINITION_FIELDS, "version"]);
    stringFields(body, ["system", "description"]);
    const current = this.current(id);
    if (current.archived_at) throw invalid(`agent ${id} is archived and cannot be updated`);
    if (body["version"] !== undefined && body["version"] !== current.version) {
      throw conflict(`version ${text(body["version"])} does not match the agent's current version ${current.version}`, { "x-should-retry": "false" });
    }
    if ("name" in body && (body["name"] === null || body["name"] === "")) throw invalid("name: cannot be cleared");
    if ("model" in body && body["model"] === null) throw invalid("model: cannot be cleared");
    if ("skills" in body) this.checkCustomSkills(body["skills"]);
    const next: Json = {};
    for (const f of DEFINITION_FIELDS) next[f] = current[f];
    if ("model" in body && body["model"] !== null) body = { ...body, model: resolveModel(body["model"], current["model"] as Json) };
    for (const f of DEFINITION_FIELDS) {
      if (!(f in body) || f === "metadata") continue;
      next[f] = body[f] ?? (f === "name" || f === "model" ? current[f] : null);
    }
    next["metadata"] = patchMetadata(current["metadata"] as Metadata, body["metadata"], { nullClears: true });
    // Resolved as if kept at the current version first: a roster naming the agent itself is no change.
    const asCurrent = resolveDefinition(next, { id, version: current.version }, this.lookup);
    const unchanged = DEFINITION_FIELDS.every((f) => isDeepStrictEqual(asCurrent[f], current[f]));
    if (unchanged) return current;
    const record = {
      ...current,
      ...resolveDefinition(next, { id, version: current.version + 1 }, this.lookup),
      version: current.version + 1,
      updated_at: new Date().toISOString(),
    } as AgentRecord;
    this.versions.get(id)!.push(record);
    return record;
  }

  archive(id: string): AgentRecord {
    const current = this.current(id);
    if (current.archived_at) throw invalid(`agent ${id} is already archived`);
    const archived = { ...current, archived_at: new Date().toISOString() };
    const list = this.versions.get(id)!;
    list[list.length - 1] = archived;
    return archived;
  }

  list(query: URLSearchParams): { data: AgentRecord[]; next_page: string | null } {
    const archivedToo = includeArchived(query);
    // Newest first (AgentListParams has no order).
    const { data, next_page } = this.versions.page(query, {
      direction: "desc",
      createdAt: createdAtBounds(query),
      match: (versions) => archivedToo || !versions[versions.length - 1]!.archived_at,
    });
    return { data: data.map((versions) => versions[versions.length - 1]!), next_page };
  }

  register(router: Router): void {
    router.add("POST", "/v1/agents", (r) => this.create(r.body));
    router.add("GET", "/v1/agents", (r) => this.list(r.query));
    router.add("GET", "/v1/agents/:id", (r: RouteRequest) => {
      const id = r.params[0]!;
      const version = r.query.get("version");
      if (version === null) return this.current(id);
      const found = this.versions.get(id)?.find((a) => a.version === Number(version));
      if (!found) throw notFound(`agent ${id} has no version ${version}`);
      return found;
    });
    router.add("POST", "/v1/agents/:id", (r) => this.update(r.params[0]!, r.body));
    router.add("GET", "/v1/agents/:id/versions", (r) => {
      const id = r.params[0]!;
      this.current(id);
      return paginate([...this.versions.get(id)!].reverse(), r.query);
    });
    router.add("POST", "/v1/agents/:id/archive", (r) => this.archive(r.params[0]!));
  }

  /** Every version, oldest first, by agent id: `EmulatorDump.agents`. */
  dump(): { agents: Record<string, AgentRecord[]> } {
    return { agents: Object.fromEntries(this.versions) };
  }

  load(data: unknown): void {
    const { agents } = data as { agents?: Record<string, AgentRecord[]> };
    for (const [id, versions] of Object.entries(agents ?? {})) this.versions.set(id, versions);
  }

  live(): Record<string, string[]> {
    return { agents: unarchivedIds([...this.versions.values()].map((l) => l[l.length - 1]!)) };
  }
}
