// Vaults and their credentials in the emulator. A credential's secret values (tokens, client
// secrets, secret values) are kept apart from what the API answers: no response ever carries one,
// as the API's `*AuthResponse` shapes do not. What may change in place follows the SDK's
// `*UpdateParams`; anything else in an update is refused.
import { invalid, notFound } from "./http";
import { newId } from "./ids";
import { byCreatedAt, paginate } from "./pagination";
import { unarchivedIds, type EmulatorModule, type Router } from "./router";
import { patchMetadata, type PatchRules } from "./rules/metadata";
import { includeArchived } from "./rules/query";
import { isObject, onlyFields, stringFields, text, type Json } from "./rules/values";

export interface VaultRecord extends Json {
  id: string;
  type: "vault";
  display_name: string;
  metadata: Record<string, string>;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

export interface CredentialRecord extends Json {
  id: string;
  type: "vault_credential";
  vault_id: string;
  display_name: string | null;
  metadata: Record<string, string>;
  /** The auth object as the API answers it (no secret). */
  auth: Json;
  created_at: string;
  updated_at: string;
  archived_at: string | null;
}

interface StoredCredential {
  record: CredentialRecord;
  /** The write-only values, by their snake_case path ("auth.token"): kept, never answered. */
  secrets: Record<string, string>;
}

/** Vault and credential metadata: a null patch changes nothing; `""` deletes a key, as null does. */
const METADATA_RULES: PatchRules = { emptyDeletes: true };

function requireString(body: Json, key: string, where: string): string {
  const v = body[key];
  if (typeof v !== "string" || v === "") throw invalid(`${where}${key}: required, a non-empty string`);
  return v;
}

function httpsUrl(value: string, where: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(`${where}: must be a URL`);
  }
  if (url.protocol !== "https:") throw invalid(`${where}: must be an https URL`);
  return value;
}

function networking(value: unknown, where: string): Json {
  if (!isObject(value)) throw invalid(`${where}: required, {type: "unrestricted"} or {type: "limited", allowed_hosts}`);
  if (value["type"] === "unrestricted") return { type: "unrestricted" };
  if (value["type"] === "limited" && Array.isArray(value["allowed_hosts"]) && value["allowed_hosts"].length > 16) throw invalid(`${where}.allowed_hosts: at most 16 hosts`);
  if (value["type"] === "limited" && Array.isArray(value["allowed_hosts"]) && value["allowed_hosts"].every((h) => typeof h === "string")) {
    return { type: "limited", allowed_hosts: value["allowed_hosts"] };
  }
  throw invalid(`${where}: must be {type: "unrestricted"} or {type: "limited", allowed_hosts: [...]}`);
}

function tokenEndpointAuth(value: unknown, where: string, secrets: Record<string, string>): Json {
  if (!isObject(value)) throw invalid(`${where}: required`);
  const type = value["type"];
  if (type === "none") {
    onlyFields(value, ["type"], `${where}.`);
    return { type };
  }
  if (type === "client_secret_basic" || type === "client_secret_post") {
    onlyFields(value, ["type", "client_secret"], `${where}.`);
    secrets[`${where}.client_secret`] = requireString(value, "client_secret", `${where}.`);
    return { type };
  }
  throw invalid(`${where}.type: must be "none", "client_secret_basic" or "client_secret_post"`);
}

/** A create's auth: the answered form, with the secrets set aside. */
function createAuth(auth: unknown): { auth: Json; secrets: Record<string, string> } {
  if (!isObject(auth)) throw invalid("auth: required");
  const secrets: Record<string, string> = {};
  switch (auth["type"]) {
    case "static_bearer":
      onlyFields(auth, ["type", "mcp_server_url", "token"], "auth.");
      secrets["auth.token"] = requireString(auth, "token", "auth.");
      return { auth: { type: "static_bearer", mcp_server_url: httpsUrl(requireString(auth, "mcp_server_url", "auth."), "auth.mcp_server_url") }, secrets };
    case "mcp_oauth": {
      onlyFields(auth, ["type", "mcp_server_url", "access_token", "expires_at", "refresh"], "auth.");
      secrets["auth.access_token"] = requireString(auth, "access_token", "auth.");
      const out: Json = { type: "mcp_oauth", mcp_server_url: httpsUrl(requireString(auth, "mcp_server_url", "auth."), "auth.mcp_server_url"), expires_at: auth["expires_at"] ?? null, refresh: null };
      const r = auth["refresh"];
      if (r !== undefined && r !== null) {
        if (!isObject(r)) throw invalid("auth.refresh: must be an object");
        onlyFields(r, ["client_id", "refresh_token", "token_endpoint", "token_endpoint_auth", "resource", "scope"], "auth.refresh.");
        secrets["auth.refresh.refresh_token"] = requireString(r, "refresh_token", "auth.refresh.");
        out["refresh"] = {
          client_id: requireString(r, "client_id", "auth.refresh."),
          token_endpoint: httpsUrl(requireString(r, "token_endpoint", "auth.refresh."), "auth.refresh.token_endpoint"),
          token_endpoint_auth: tokenEndpointAuth(r["token_endpoint_auth"], "auth.refresh.token_endpoint_auth", secrets),
          resource: r["resource"] ?? null,
          scope: r["scope"] ?? null,
        };
      }
      return { auth: out, secrets };
    }
    case "environment_variable": {
      onlyFields(auth, ["type", "secret_name", "secret_value", "networking", "injection_location"], "auth.");
      secrets["auth.secret_value"] = requireString(auth, "secret_value", "auth.");
      const secretName = requireString(auth, "secret_name", "auth.");
      if (!/^[A-Z_][A-Z0-9_]*$/.test(secretName)) throw invalid("auth.secret_name: must be an environment variable name (A-Z, 0-9, _)");
      const loc = isObject(auth["injection_location"]) ? auth["injection_location"] : {};
      return {
        auth: {
          type: "environment_variable",
          secret_name: secretName,
          networking: networking(auth["networking"], "auth.networking"),
          injection_location: { body: loc["body"] === true, header: loc["header"] !== false },
        },
        secrets,
      };
    }
    default:
      throw invalid('auth.type: must be "mcp_oauth", "static_bearer" or "environment_variable"');
  }
}

/** An update's auth applied to the stored one: only what the `*UpdateParams` of its type allow. */
function updateAuth(stored: StoredCredential, auth: unknown): void {
  if (!isObject(auth)) throw invalid("auth: must be an object");
  const current = stored.record.auth;
  if (auth["type"] !== current["type"]) throw invalid(`auth.type: cannot change from ${text(current["type"])} to ${text(auth["type"])}`);
  const next: Json = structuredClone(current);
  const secrets = { ...stored.secrets };
  const setSecret = (body: Json, key: string, path: string) => {
    if (body[key] === undefined || body[key] === null) return;
    if (typeof body[key] !== "string" || body[key] === "") throw invalid(`${path}: must be a non-empty string`);
    secrets[path] = body[key];
  };
  switch (auth["type"]) {
    case "static_bearer":
      onlyFields(auth, ["type", "token"], "auth.");
      setSecret(auth, "token", "auth.token");
      break;
    case "mcp_oauth": {
      onlyFields(auth, ["type", "access_token", "expires_at", "refresh"], "auth.");
      setSecret(auth, "access_token", "auth.access_token");
      if ("expires_at" in auth) next["expires_at"] = auth["expires_at"] ?? null;
      const r = auth["refresh"];
      if (r === null) {
        next["refresh"] = null;
        delete secrets["auth.refresh.refresh_token"];
        delete secrets["auth.refresh.token_endpoint_auth.client_secret"];
      } else if (r !== undefined) {
        if (!isObject(r)) throw invalid("auth.refresh: must be an object");
        onlyFields(r, ["refresh_token", "scope", "token_endpoint_auth"], "auth.refresh.");
        const refresh = next["refresh"];
        if (!isObject(refresh)) throw invalid("auth.refresh: the credential has no refresh configuration to update");
        setSecret(r, "refresh_token", "auth.refresh.refresh_token");
        if ("scope" in r) refresh["scope"] = r["scope"] ?? null;
        const tea = r["token_endpoint_auth"];
        if (tea !== undefined) {
          if (!isObject(tea) || (tea["type"] !== "client_secret_basic" && tea["type"] !== "client_secret_post")) {
            throw invalid('auth.refresh.token_endpoint_auth.type: must be "client_secret_basic" or "client_secret_post"');
          }
          onlyFields(tea, ["type", "client_secret"], "auth.refresh.token_endpoint_auth.");
          refresh["token_endpoint_auth"] = { type: tea["type"] };
          setSecret(tea, "client_secret", "auth.refresh.token_endpoint_auth.client_secret");
        }
      }
      break;
    }
    case "environment_variable": {
      onlyFields(auth, ["type", "secret_value", "networking", "injection_location"], "auth.");
      setSecret(auth, "secret_value", "auth.secret_value");
      if (auth["networking"] !== undefined && auth["networking"] !== null) next["networking"] = networking(auth["networking"], "auth.networking");
      const loc = auth["injection_location"];
      if (isObject(loc)) {
        const was = next["injection_location"] as Json;
        next["injection_location"] = { body: typeof loc["body"] === "boolean" ? loc["body"] : was["body"], header: typeof loc["header"] === "boolean" ? loc["header"] : was["header"] };
      }
      break;
    }
  }
  stored.record.auth = next;
  stored.secrets = secrets;
}

export class VaultStore {
  readonly vaults = new Map<string, VaultRecord>();
  readonly credentials = new Map<string, StoredCredential>();
  /** How many mcp_oauth_validate probes were made (tests look). */
  validations = 0;

  vault(id: string): VaultRecord {
    const found = this.vaults.get(id);
    if (!found) throw notFound(`vault ${id} not found`);
    return found;
  }

  createVault(body: Json): VaultRecord {
    onlyFields(body, ["display_name", "metadata"]);
    const now = new Date().toISOString();
    const record: VaultRecord = {
      id: newId("vlt"),
      type: "vault",
      display_name: requireString(body, "display_name", ""),
      metadata: patchMetadata({}, body["metadata"], METADATA_RULES),
      created_at: now,
      updated_at: now,
      archived_at: null,
    };
    this.vaults.set(record.id, record);
    return record;
  }

  updateVault(id: string, body: Json): VaultRecord {
    onlyFields(body, ["display_name", "metadata"]);
    const current = this.vault(id);
    if (current.archived_at) throw invalid(`vault ${id} is archived`, "vault_archived");
    const next: VaultRecord = { ...current, metadata: patchMetadata(current.metadata, body["metadata"], METADATA_RULES) };
    if (body["display_name"] !== undefined && body["display_name"] !== null) next.display_name = requireString(body, "display_name", "");
    next.updated_at = new Date().toISOString();
    this.vaults.set(id, next);
    return next;
  }

  archiveVault(id: string): VaultRecord {
    const current = this.vault(id);
    if (current.archived_at) return current;
    const now = new Date().toISOString();
    // Archiving a vault archives its credentials (and purges their secrets).
    for (const c of this.credentials.values()) {
      if (c.record.vault_id === id && !c.record.archived_at) {
        c.record = { ...c.record, archived_at: now, updated_at: now };
        c.secrets = {};
      }
    }
    const archived = { ...current, archived_at: now, updated_at: now };
    this.vaults.set(id, archived);
    return archived;
  }

  deleteVault(id: string): Json {
    this.vault(id);
    this.vaults.delete(id);
    for (const [cid, c] of this.credentials) if (c.record.vault_id === id) this.credentials.delete(cid);
    return { id, type: "vault_deleted" };
  }

  listVaults(query: URLSearchParams): { data: VaultRecord[]; next_page: string | null } {
    const archivedToo = includeArchived(query);
    return paginate(byCreatedAt(this.vaults.values()).filter((v) => archivedToo || !v.archived_at).reverse(), query);
  }

  credential(vaultId: string, id: string): StoredCredential {
    this.vault(vaultId);
    const found = this.credentials.get(id);
    if (!found || found.record.vault_id !== vaultId) throw notFound(`credential ${id} not found in vault ${vaultId}`);
    return found;
  }

  createCredential(vaultId: string, body: Json): CredentialRecord {
    onlyFields(body, ["auth", "display_name", "metadata"]);
    stringFields(body, ["display_name"]);
    const vault = this.vault(vaultId);
    if (vault.archived_at) throw invalid(`vault ${vaultId} is archived`, "vault_archived");
    const { auth, secrets } = createAuth(body["auth"]);
    const now = new Date().toISOString();
    const record: CredentialRecord = {
      id: newId("vcrd"),
      type: "vault_credential",
      vault_id: vaultId,
      display_name: (body["display_name"] as string | null | undefined) ?? null,
      metadata: patchMetadata({}, body["metadata"], METADATA_RULES),
      auth,
      created_at: now,
      updated_at: now,
      archived_at: null,
    };
    this.credentials.set(record.id, { record, secrets });
    return record;
  }

  updateCredential(vaultId: string, id: string, body: Json): CredentialRecord {
    onlyFields(body, ["auth", "display_name", "metadata"]);
    stringFields(body, ["display_name"]);
    const stored = this.credential(vaultId, id);
    if (stored.record.archived_at) throw invalid(`credential ${id} is archived`, "credential_archived");
    const before = structuredClone(stored);
    try {
      if (body["auth"] !== undefined) updateAuth(stored, body["auth"]);
      stored.record = { ...stored.record, metadata: patchMetadata(stored.record.metadata, body["metadata"], METADATA_RULES) };
      if ("display_name" in body) stored.record.display_name = (body["display_name"] as string | null) ?? null;
    } catch (error) {
      this.credentials.set(id, before);
      throw error;
    }
    stored.record.updated_at = new Date().toISOString();
    return stored.record;
  }

  archiveCredential(vaultId: string, id: string): CredentialRecord {
    const stored = this.credential(vaultId, id);
    if (!stored.record.archived_at) {
      const now = new Date().toISOString();
      stored.record = { ...stored.record, archived_at: now, updated_at: now };
      stored.secrets = {};
    }
    return stored.record;
  }

  deleteCredential(vaultId: string, id: string): Json {
    this.credential(vaultId, id);
    this.credentials.delete(id);
    return { id, type: "vault_credential_deleted" };
  }

  listCredentials(vaultId: string, query: URLSearchParams): { data: CredentialRecord[]; next_page: string | null } {
    this.vault(vaultId);
    const archivedToo = includeArchived(query);
    const records = [...this.credentials.values()].map((c) => c.record).filter((c) => c.vault_id === vaultId && (archivedToo || !c.archived_at));
    return paginate(byCreatedAt(records).reverse(), query);
  }

  /** The emulator cannot reach an MCP server: a live mcp_oauth credential validates as "unknown". */
  validate(vaultId: string, id: string): Json {
    const stored = this.credential(vaultId, id);
    if (stored.record.auth["type"] !== "mcp_oauth") throw invalid(`credential ${id} is not an mcp_oauth credential`);
    if (stored.record.archived_at) throw invalid(`credential ${id} is archived`, "credential_archived");
    this.validations += 1;
    return {
      type: "vault_credential_validation",
      credential_id: id,
      vault_id: vaultId,
      status: "unknown",
      has_refresh_token: "auth.refresh.refresh_token" in stored.secrets,
      mcp_probe: null,
      refresh: null,
      validated_at: new Date().toISOString(),
    };
  }

  /** The secrets a credential holds now (tests check what a rotation stored). */
  secretsOf(id: string): Record<string, string> {
    return { ...(this.credentials.get(id)?.secrets ?? {}) };
  }
}

export class VaultsModule implements EmulatorModule {
  readonly name = "vaults";
  readonly store = new VaultStore();

  register(router: Router): void {
    const s = this.store;
    router.add("POST", "/v1/vaults", (r) => s.createVault(r.body));
    router.add("GET", "/v1/vaults", (r) => s.listVaults(r.query));
    router.add("GET", "/v1/vaults/:id", (r) => s.vault(r.params[0]!));
    router.add("POST", "/v1/vaults/:id", (r) => s.updateVault(r.params[0]!, r.body));
    router.add("DELETE", "/v1/vaults/:id", (r) => s.deleteVault(r.params[0]!));
    router.add("POST", "/v1/vaults/:id/archive", (r) => s.archiveVault(r.params[0]!));
    router.add("POST", "/v1/vaults/:id/credentials", (r) => s.createCredential(r.params[0]!, r.body));
    router.add("GET", "/v1/vaults/:id/credentials", (r) => s.listCredentials(r.params[0]!, r.query));
    router.add("GET", "/v1/vaults/:id/credentials/:cid", (r) => s.credential(r.params[0]!, r.params[1]!).record);
    router.add("POST", "/v1/vaults/:id/credentials/:cid", (r) => s.updateCredential(r.params[0]!, r.params[1]!, r.body));
    router.add("DELETE", "/v1/vaults/:id/credentials/:cid", (r) => s.deleteCredential(r.params[0]!, r.params[1]!));
    router.add("POST", "/v1/vaults/:id/credentials/:cid/archive", (r) => s.archiveCredential(r.params[0]!, r.params[1]!));
    router.add("POST", "/v1/vaults/:id/credentials/:cid/mcp_oauth_validate", (r) => s.validate(r.params[0]!, r.params[1]!));
  }

  dump(): unknown {
    if (this.store.vaults.size === 0 && this.store.credentials.size === 0) return undefined;
    return { vaults: Object.fromEntries(this.store.vaults), credentials: Object.fromEntries(this.store.credentials) };
  }

  load(data: unknown): void {
    const d = data as { vaults?: Record<string, VaultRecord>; credentials?: Record<string, StoredCredential> };
    for (const [id, v] of Object.entries(d.vaults ?? {})) this.store.vaults.set(id, v);
    for (const [id, c] of Object.entries(d.credentials ?? {})) this.store.credentials.set(id, c);
  }

  live(): Record<string, string[]> {
    return {
      vaults: unarchivedIds(this.store.vaults.values()),
      credentials: unarchivedIds([...this.store.credentials.values()].map((c) => c.record)),
    };
  }
}
