// Credentials and endpoint resolution (DESIGN §5). Everything here is read at call time inside the
// dynamic-provider process, never at program time, so that no key reaches `__provider` or state.

export const DEFAULT_BASE_URL = "https://api.anthropic.com";

/** What `configure` hands us: the stack config with namespaces ("anthropic:apiKey"). */
export interface StackConfigReader {
  get(key: string): string | undefined;
}

export interface ConnectionSettings {
  apiKey: string;
  baseUrl: URL;
  workspaceId: string | undefined;
  /** The deadline of one operation (create, update, …), every retry and rate-limit wait included, when set. */
  operationTimeoutMs?: number;
}

/** A day: past that a deadline is a typo, not a plan. */
const MAX_OPERATION_TIMEOUT_SECONDS = 24 * 60 * 60;

function parseOperationTimeout(raw: string): number {
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_OPERATION_TIMEOUT_SECONDS) {
    throw new ConfigurationError(
      `anthropic:operationTimeoutSeconds must be a number of seconds between 1 and ${MAX_OPERATION_TIMEOUT_SECONDS}, not ${JSON.stringify(raw)}`,
    );
  }
  return Math.round(seconds * 1000);
}

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

let stackConfig: StackConfigReader | undefined;

/** Remembers the stack config for this provider process; called from the runtime's `configure`. */
export function rememberStackConfig(config: StackConfigReader | undefined): void {
  stackConfig = config;
}

/**
 * A setting from stack config, else from the environment. A value that is set but blank is a
 * mistake (an empty `pulumi config set`, an exported empty variable), not "unset".
 */
function setting(configKey: string, envKey: string, env: NodeJS.ProcessEnv): string | undefined {
  for (const [where, value] of [
    [configKey, stackConfig?.get(configKey)],
    [envKey, env[envKey]],
  ] as const) {
    if (value === undefined) continue;
    if (value.trim() === "") throw new ConfigurationError(`${where} is set but empty`);
    return value.trim();
  }
  return undefined;
}

const LOOPBACK_HOSTS = new Set(["localhost", "127.0.0.1", "[::1]", "::1"]);

export function isLoopbackHost(hostname: string): boolean {
  return LOOPBACK_HOSTS.has(hostname) || /^127(\.\d{1,3}){3}$/.test(hostname);
}

/** HTTPS only, except loopback hosts (checked on the parsed URL, not by string prefix). */
export function parseBaseUrl(raw: string): URL {
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new ConfigurationError(`anthropic:baseUrl ${JSON.stringify(raw)} is not a valid URL (expected e.g. https://api.anthropic.com)`);
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigurationError("anthropic:baseUrl must not carry credentials; set the key with `pulumi config set --secret anthropic:apiKey <key>`");
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url;
  throw new ConfigurationError(
    `anthropic:baseUrl must use https (plain http is allowed only for loopback hosts); got ${url.protocol}//${url.host}`,
  );
}

/**
 * The configuration's problems, checked before any call so that `preview` fails with 0 requests
 * (DESIGN §10); empty when the settings resolve.
 */
export function configurationProblems(env: NodeJS.ProcessEnv = process.env): string[] {
  try {
    resolveConnectionSettings(env);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationError) return [error.message];
    throw error;
  }
}

export function resolveConnectionSettings(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const apiKey = setting("anthropic:apiKey", "ANTHROPIC_API_KEY", env);
  if (apiKey === undefined) {
    throw new ConfigurationError(
      "no Anthropic API key: set it with `pulumi config set --secret anthropic:apiKey <key>` or the ANTHROPIC_API_KEY environment variable",
    );
  }
  const baseUrl = parseBaseUrl(setting("anthropic:baseUrl", "ANTHROPIC_BASE_URL", env) ?? DEFAULT_BASE_URL);
  const workspaceId = setting("anthropic:workspaceId", "ANTHROPIC_WORKSPACE_ID", env);
  const timeout = setting("anthropic:operationTimeoutSeconds", "ANTHROPIC_OPERATION_TIMEOUT_SECONDS", env);
  return { apiKey, baseUrl, workspaceId, ...(timeout !== undefined ? { operationTimeoutMs: parseOperationTimeout(timeout) } : {}) };
}
