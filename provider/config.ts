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
}

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
}

let stackConfig: StackConfigReader | undefined;

/** Remembers the stack config for this provider process; called from the runtime's `configure`. */
export function rememberStackConfig(config: StackConfigReader | undefined): void {
  stackConfig = config;
}

function firstNonEmpty(...values: Array<string | undefined>): string | undefined {
  return values.find((v) => v !== undefined && v.trim() !== "")?.trim();
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
    throw new ConfigurationError(`anthropic:baseUrl ${JSON.stringify(raw)} is not a valid URL`);
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url;
  throw new ConfigurationError(
    `anthropic:baseUrl must use https (plain http is allowed only for loopback hosts); got ${url.protocol}//${url.host}`,
  );
}

export function resolveConnectionSettings(env: NodeJS.ProcessEnv = process.env): ConnectionSettings {
  const apiKey = firstNonEmpty(stackConfig?.get("anthropic:apiKey"), env["ANTHROPIC_API_KEY"]);
  if (apiKey === undefined) {
    throw new ConfigurationError(
      "no Anthropic API key: set it with `pulumi config set --secret anthropic:apiKey <key>` or the ANTHROPIC_API_KEY environment variable",
    );
  }
  const baseUrl = parseBaseUrl(
    firstNonEmpty(stackConfig?.get("anthropic:baseUrl"), env["ANTHROPIC_BASE_URL"]) ?? DEFAULT_BASE_URL,
  );
  const workspaceId = firstNonEmpty(stackConfig?.get("anthropic:workspaceId"), env["ANTHROPIC_WORKSPACE_ID"]);
  return { apiKey, baseUrl, workspaceId };
}
