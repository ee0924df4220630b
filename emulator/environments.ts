// Environments in the emulator: create, retrieve, update (the config type cannot change), list,
// delete, archive.
import { invalid, notFound } from "./http";
import { newId } from "./ids";
import { CreationOrderedMap } from "./pagination";
import { unarchivedIds, type EmulatorModule, type Router } from "./router";
import { createMetadata, type Metadata, patchMetadata } from "./rules/metadata";
import { includeArchived } from "./rules/query";
import { isObject, onlyFields, stringFields, type Json } from "./rules/values";

export interface EnvironmentRecord extends Json {
  id: string;
  type: "environment";
  name: string;
  config: Json;
  archived_at: string | null;
  created_at: string;
  updated_at: string;
}

const PACKAGE_MANAGERS = ["apt", "cargo", "gem", "go", "npm", "pip"] as const;
const FIELDS = ["name", "description", "metadata", "scope", "config"];

function resolveConfig(config: unknown): Json {
  if (config === undefined || config === null) return resolveConfig({ type: "cloud" });
  if (!isObject(config)) throw invalid("config: must be an object");
  if (config["type"] === "self_hosted") return { type: "self_hosted" };
  if (config["type"] !== "cloud") throw invalid(`config.type: must be "cloud" or "self_hosted"`);
  const n = (config["networking"] ?? { type: "limited" }) as Json;
  let networking: Json;
  if (n["type"] === "unrestricted") networking = { type: "unrestricted" };
  else if (n["type"] === "limited") {
    networking = {
      type: "limited",
      allowed_hosts: n["allowed_hosts"] ?? [],
      allow_mcp_servers: n["allow_mcp_servers"] ?? false,
      allow_package_managers: n["allow_package_managers"] ?? false,
    };
  } else throw invalid(`config.networking.type: must be "unrestricted" or "limited"`);
  const p = (config["packages"] ?? {}) as Json;
  const packages: Json = { type: "packages" };
  for (const m of PACKAGE_MANAGERS) {
    const list = p[m] ?? [];
    if (!Array.isArray(list) || list.some((x) => typeof x !== "string")) throw invalid(`config.packages.${m}: must be a list of strings`);
    packages[m] = list;
  }
  const anyPackages = PACKAGE_MANAGERS.some((m) => (packages[m] as unknown[]).length > 0);
  if (anyPackages && networking["type"] === "limited" && networking["allow_package_managers"] !== true) {
    throw invalid("config.networking.allow_package_managers must be true when packages are specified");
  }
  return { type: "cloud", networking, packages };
}

const SCOPES = ["organization", "account"];

function checkScalars(body: Json): void {
  stringFields(body, ["description"]);
  if (body["scope"] !== undefined && body["scope"] !== null && !SCOPES.includes(body["scope"] as string)) throw invalid(`scope: must be one of ${SCOPES.join(", ")}`);
}

export class EnvironmentsModule implements EmulatorModule {
  readonly name = "environments";
  readonly core = true;
  readonly records = new CreationOrderedMap<EnvironmentRecord>((e) => e.created_at);

  get(id: string): EnvironmentRecord {
    const found = this.records.get(id);
    if (!found) throw notFound(`environment ${id} not found`);
    return found;
  }

  /** An environment a new session or deployment may use: one that exists and is not archived. */
  usable(id: string): EnvironmentRecord {
    const env = this.get(id);
    if (env.archived_at) throw invalid(`environment ${id} is archived`, "environment_archived");
    return env;
  }

  create(body: Json): EnvironmentRecord {
    onlyFields(body, FIELDS);
    checkScalars(body);
    if (typeof body["name"] !== "string" || body["name"] === "") throw invalid("name: must be a non-empty string");
    const metadata = createMetadata(body["metadata"]);
    const now = new Date().toISOString();
    const record: EnvironmentRecord = {
      id: newId("env"),
      type: "environment",
      name: body["name"],
      description: body["description"] ?? null,
      metadata,
      // The API's default depends on the organization; "account" is one of its possible answers.
      // The default depends on the organization type; an API organization (which this stands in for) has only "organization".
      scope: body["scope"] ?? "organization",
      config: resolveConfig(body["config"]),
      created_at: now,
      updated_at: now,
      archived_at: null,
    };
    this.records.set(record.id, record);
    return record;
  }

  update(id: string, body: Json): EnvironmentRecord {
    onlyFields(body, FIELDS);
    checkScalars(body);
    const current = this.get(id);
    if (current.archived_at) throw invalid(`environment ${id} is archived`, "environment_archived");
    const next: EnvironmentRecord = { ...current };
    if ("name" in body && body["name"] !== null) {
      if (typeof body["name"] !== "string" || body["name"] === "") throw invalid("name: must be a non-empty string");
      next.name = body["name"];
    }
    if ("description" in body) next["description"] = body["description"];
    if ("scope" in body && body["scope"] !== null) next["scope"] = body["scope"];
    // "Set a value to null or empty string to delete it" (EnvironmentUpdateParams).
    next["metadata"] = patchMetadata(current["metadata"] as Metadata, body["metadata"], { emptyDeletes: true });
    if (body["config"] !== undefined && body["config"] !== null) {
      const config = resolveConfig(body["config"]);
      if (config["type"] !== current.config["type"]) {
        throw invalid(
          `config.type cannot change from ${String(current.config["type"])} to ${String(config["type"])}`,
          "invalid_config_type_change",
        );
      }
      next.config = config;
    }
    next.updated_at = new Date().toISOString();
    this.records.set(id, next);
    return next;
  }

  archive(id: string): EnvironmentRecord {
    const current = this.get(id);
    if (current.archived_at) throw invalid(`environment ${id} is already archived`, "environment_archived");
    const archived = { ...current, archived_at: new Date().toISOString() };
    this.records.set(id, archived);
    return archived;
  }

  delete(id: string): Json {
    this.get(id);
    this.records.delete(id);
    return { id, type: "environment_deleted" };
  }

  list(query: URLSearchParams): { data: EnvironmentRecord[]; next_page: string | null } {
    const archivedToo = includeArchived(query);
    // Only limit, page and include_archived (EnvironmentListParams): created_at bounds are ignored.
    // Newest first (EnvironmentListParams has no order).
    const { data, next_page } = this.records.page(query, { direction: "desc", match: (e) => archivedToo || !e.archived_at });
    return { data, next_page };
  }

  register(router: Router): void {
    router.add("POST", "/v1/environments", (r) => this.create(r.body));
    router.add("GET", "/v1/environments", (r) => this.list(r.query));
    router.add("GET", "/v1/environments/:id", (r) => this.get(r.params[0]!));
    router.add("POST", "/v1/environments/:id", (r) => this.update(r.params[0]!, r.body));
    router.add("DELETE", "/v1/environments/:id", (r) => this.delete(r.params[0]!));
    router.add("POST", "/v1/environments/:id/archive", (r) => this.archive(r.params[0]!));
  }

  /** By id: `EmulatorDump.environments`. */
  dump(): { environments: Record<string, EnvironmentRecord> } {
    return { environments: Object.fromEntries(this.records) };
  }

  load(data: unknown): void {
    const { environments } = data as { environments?: Record<string, EnvironmentRecord> };
    for (const [id, record] of Object.entries(environments ?? {})) this.records.set(id, record);
  }

  live(): Record<string, string[]> {
    return { environments: unarchivedIds(this.records.values()) };
  }
}
