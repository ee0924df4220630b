// Agents in the emulator: create, retrieve (?version=), update with optimistic concurrency (a
// request that changes nothing makes no version), list, versions, archive. Responses carry the
// defaults the API fills in.
import { isDeepStrictEqual } from "node:util";
import { createdAtBounds, CreationOrderedMap, paginate } from "./pagination";
import { listOf, stringFields, text } from "./params";
import { HttpError, invalid, newId, notFound, type Router, type RouteRequest } from "./server";

type Json = Record<string, unknown>;

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

const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** The per-model default effort ("resolved to the per-model default at save time when not supplied"). */
export const DEFAULT_EFFORT = { type: "high" };
const EFFORTS = ["low", "medium", "high", "xhigh", "max"];

/**
 * A model as stored: effort always present. `stored` is the current model on an update, where an
 * omitted effort keeps the stored one and `null` restores the default; `inference_geo` is part of
 * the whole-object replacement (omitted clears it).
 */
export function resolveModel(model: unknown, stored?: Json): Json {
  const config = typeof model === "string" && model !== "" ? { id: model } : model;
  if (isObject(config) && typeof config["id"] === "string" && config["id"] !== "") {
    const effort = config["effort"];
    const level = isObject(effort) ? effort["type"] : effort;
    if (level !== undefined && level !== null && !(typeof level === "string" && EFFORTS.includes(level))) throw invalid(`model.effort: must be one of ${EFFORTS.join(", ")}`);
    return {
      id: config["id"],
      speed: config["speed"] ?? "standard",
      effort: level === null ? DEFAULT_EFFORT : level !== undefined ? { type: level } : (stored?.["effort"] ?? DEFAULT_EFFORT),
      ...(typeof config["inference_geo"] === "string" ? { inference_geo: config["inference_geo"] } : {}),
    };
  }
  throw invalid("model: must be a model id or a model config object with an id");
}

function resolveSwitches(config: Json, fallback: { enabled: unknown; permission_policy: unknown }): Json {
  return {
    enabled: config["enabled"] ?? fallback.enabled,
    permission_policy: config["permission_policy"] ?? fallback.permission_policy,
  };
}

function resolveTool(tool: unknown, index: number): Json {
  if (!isObject(tool)) throw invalid(`tools[${index}]: must be an object`);
  const type = tool["type"];
  if (type === "agent_toolset_20260401" || type === "mcp_toolset") {
    const defaultPolicy = { type: type === "mcp_toolset" ? "always_ask" : "always_allow" };
    const dc = isObject(tool["default_config"]) ? tool["default_config"] : {};
    const defaults = resolveSwitches(dc, { enabled: true, permission_policy: defaultPolicy });
    const configs = Array.isArray(tool["configs"]) ? tool["configs"] : [];
    const resolvedConfigs = configs.map((c, j) => {
      if (!isObject(c) || typeof c["name"] !== "string") throw invalid(`tools[${index}].configs[${j}]: must have a name`);
      if (c["allowed_domains"] !== undefined && c["blocked_domains"] !== undefined) {
        throw invalid(`tools[${index}].configs[${j}]: allowed_domains and blocked_domains cannot be combined`);
      }
      const base = { ...c, ...resolveSwitches(c, defaults as { enabled: unknown; permission_policy: unknown }) };
      if (type === "agent_toolset_20260401") {
        const withType = { ...base, type: c["name"] };
        return c["name"] === "web_fetch" ? { url_sources: null, ...withType } : withType;
      }
      return base;
    });
    if (type === "mcp_toolset" && typeof tool["mcp_server_name"] !== "string") {
      throw invalid(`tools[${index}]: mcp_toolset needs mcp_server_name`);
    }
    return { ...tool, default_config: defaults, configs: resolvedConfigs };
  }
  if (type === "custom") {
    if (typeof tool["name"] !== "string" || !isObject(tool["input_schema"])) {
      throw invalid(`tools[${index}]: a custom tool needs name and input_schema`);
    }
    if (!/^[A-Za-z0-9_-]{1,128}$/.test(tool["name"])) throw invalid(`tools[${index}].name: must match ^[a-zA-Z0-9_-]{1,128}$`);
    return { ...tool, description: tool["description"] ?? "" };
  }
  throw invalid(`tools[${index}].type: unknown tool type ${JSON.stringify(type)}`);
}

export function validateMetadata(metadata: unknown, where = "metadata"): asserts metadata is Record<string, string> {
  if (!isObject(metadata)) throw invalid(`${where}: must be an object of string values`);
  const entries = Object.entries(metadata);
  if (entries.length > 16) throw invalid(`${where}: at most 16 pairs`);
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > 64) throw invalid(`${where}: keys must be 1 to 64 characters`);
    if (typeof v !== "string" || v.length > 512) throw invalid(`${where}.${k}: values must be strings of at most 512 characters`);
  }
}

/** An update's metadata: a patch (a map, its null values removing keys) or null (clear all). */
export function checkMetadataPatch(patch: unknown, where = "metadata"): void {
  if (patch !== undefined && patch !== null && !isObject(patch)) throw invalid(`${where}: must be an object (a patch) or null`);
}

/** Skill references as the API takes them: objects with a `skill_id` (and a `version` string, if any). */
export function skillRefs(value: unknown, where = "skills"): Json[] {
  return listOf(value, where, (s, at) => {
    if (!isObject(s) || typeof s["skill_id"] !== "string") throw invalid(`${at}: each skill needs skill_id`);
    if (s["version"] !== undefined && s["version"] !== null && typeof s["version"] !== "string") throw invalid(`${at}.version: must be a string`);
    return s;
  });
}

/** Tools and MCP servers with the API's defaults and cross-checks (also used for session overrides). */
export function resolveToolsAndServers(toolsIn: unknown, serversIn: unknown): { tools: Json[]; mcp_servers: Json[] } {
  const tools = (toolsIn as unknown[] | null | undefined) ?? [];
  const servers = (serversIn as unknown[] | null | undefined) ?? [];
  if (!Array.isArray(tools)) throw invalid("tools: must be an array");
  if (!Array.isArray(servers)) throw invalid("mcp_servers: must be an array");
  if (tools.length > 256) throw invalid("tools: at most 256 tools");
  if (servers.length > 20) throw invalid("mcp_servers: at most 20 servers");
  const names = new Set<string>();
  for (const s of servers) {
    if (!isObject(s) || s["type"] !== "url" || typeof s["name"] !== "string" || typeof s["url"] !== "string") {
      throw invalid("mcp_servers: each server needs type \"url\", name and url");
    }
    if (s["name"].length > 255) throw invalid("mcp_servers: a name has at most 255 characters");
    if (names.has(s["name"])) throw invalid(`mcp_servers: duplicate name "${s["name"]}"`);
    names.add(s["name"]);
  }
  const resolvedTools = tools.map(resolveTool);
  const referenced = new Set(resolvedTools.filter((t) => t["type"] === "mcp_toolset").map((t) => t["mcp_server_name"] as string));
  for (const r of referenced) if (!names.has(r)) throw invalid(`tools: mcp_toolset references unknown MCP server "${r}"`);
  for (const n of names) if (!referenced.has(n)) throw invalid(`mcp_servers: server "${n}" is not referenced by any mcp_toolset`);
  return { tools: resolvedTools, mcp_servers: servers as Json[] };
}

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
  const metadata = def["metadata"] ?? {};
  validateMetadata(metadata);
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

function rejectUnknownFields(body: Json, allowed: readonly string[]): void {
  for (const k of Object.keys(body)) if (!allowed.includes(k)) throw invalid(`${k}: unknown field`);
}

export class AgentStore {
  /** Every version of every agent, oldest first; the last one is current. */
  readonly versions = new CreationOrderedMap<AgentRecord[]>((versions) => versions[0]!.created_at);
  /** Why a custom skill reference is refused (the emulator's skills module answers), if it is. */
  customSkillProblem: (skillId: string, version: string) => string | undefined = () => undefined;

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

  /** A roster entry's target: that version, or the latest; archived agents cannot be added. */
  private readonly lookup: AgentLookup = (id, version) => {
    const list = this.versions.get(id);
    const found = version === undefined ? list?.[list.length - 1] : list?.find((a) => a.version === version);
    if (found?.archived_at) throw invalid(`agent ${id} is archived and cannot be added to a multiagent roster`);
    return found;
  };

  create(body: Json): AgentRecord {
    rejectUnknownFields(body, DEFINITION_FIELDS);
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
    rejectUnknownFields(body, [...DEFINITION_FIELDS, "version"]);
    stringFields(body, ["system", "description"]);
    const current = this.current(id);
    if (current.archived_at) throw invalid(`agent ${id} is archived and cannot be updated`);
    if (body["version"] !== undefined && body["version"] !== current.version) {
      throw new HttpError(
        409,
        "invalid_request_error",
        `version ${text(body["version"])} does not match the agent's current version ${current.version}`,
        { "x-should-retry": "false" },
      );
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
    if ("metadata" in body) {
      const patch = body["metadata"];
      const merged: Json = { ...(current["metadata"] as Json) };
      if (patch === null) for (const k of Object.keys(merged)) delete merged[k];
      else if (isObject(patch)) {
        for (const [k, v] of Object.entries(patch)) {
          if (v === null) delete merged[k];
          else merged[k] = v;
        }
      }
      else throw invalid("metadata: must be an object");
      next["metadata"] = merged;
    }
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
    const includeArchived = query.get("include_archived") === "true";
    // Newest first (AgentListParams has no order).
    const { data, next_page } = this.versions.page(query, {
      direction: "desc",
      createdAt: createdAtBounds(query),
      match: (versions) => includeArchived || !versions[versions.length - 1]!.archived_at,
    });
    return { data: data.map((versions) => versions[versions.length - 1]!), next_page };
  }
}

export function registerAgentRoutes(router: Router, store: AgentStore): void {
  router.add("POST", "/v1/agents", (r) => store.create(r.body));
  router.add("GET", "/v1/agents", (r) => store.list(r.query));
  router.add("GET", "/v1/agents/:id", (r: RouteRequest) => {
    const id = r.params[0]!;
    const version = r.query.get("version");
    if (version === null) return store.current(id);
    const found = store.versions.get(id)?.find((a) => a.version === Number(version));
    if (!found) throw notFound(`agent ${id} has no version ${version}`);
    return found;
  });
  router.add("POST", "/v1/agents/:id", (r) => store.update(r.params[0]!, r.body));
  router.add("GET", "/v1/agents/:id/versions", (r) => {
    const id = r.params[0]!;
    store.current(id);
    return paginate([...store.versions.get(id)!].reverse(), r.query);
  });
  router.add("POST", "/v1/agents/:id/archive", (r) => store.archive(r.params[0]!));
}
