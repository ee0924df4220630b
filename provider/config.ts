// Credentials and endpoint resolution (DESIGN §5). Everything here is read at call time inside the
// dynamic-provider process, never at program time, so that no key reaches `__provider` or state.

export const DEFAULT_BASE_URL = "https://api.anthropic.com";

/**
 * One provider setting: its stack-config name (`anthropic:<key>`), its environment variable, and
 * what it is. The one list the resolution below, the package schema's provider config and the docs
 * all read.
 */
export interface SettingSpec {
  readonly key: string;
  readonly env: string;
  readonly type: "string" | "number";
  /** Encrypted in state and hidden in previews (set it with `pulumi config set --secret`). */
  readonly secret?: true;
  readonly description: string;
}

/** A day: past that a deadline is a typo, not a plan. */
const MAX_OPERATION_TIMEOUT_SECONDS = 24 * 60 * 60;

/**
 * How far back an `up` looks for what an interrupted run created, by default: long enough to
 * cover an `up` killed at the end of a working week and run again at the start of the next
 * (Friday evening to Monday morning is about 64 hours), the longest gap that is routine.
 */
export const DEFAULT_RECOVERY_WINDOW_HOURS = 72;
/** A year: a window this long lists everything, which is what 0 is not. */
const MAX_RECOVERY_WINDOW_HOURS = 365 * 24;

export const SETTINGS = {
  apiKey: {
    key: "apiKey",
    env: "ANTHROPIC_API_KEY",
    type: "string",
    secret: true,
    description: "The Anthropic API key. Required: stack config (set it with `--secret`) wins over the environment. Read by the provider at call time, never stored in state in plain form.",
  },
  baseUrl: {
    key: "baseUrl",
    env: "ANTHROPIC_BASE_URL",
    type: "string",
    description: `The API's base URL. Default \`${DEFAULT_BASE_URL}\`. HTTPS only, except loopback hosts (\`http://127.0.0.1:…\` for the emulator).`,
  },
  workspaceId: {
    key: "workspaceId",
    env: "ANTHROPIC_WORKSPACE_ID",
    type: "string",
    description: "Optional; sent as `anthropic-workspace-id`.",
  },
  operationTimeoutSeconds: {
    key: "operationTimeoutSeconds",
    env: "ANTHROPIC_OPERATION_TIMEOUT_SECONDS",
    type: "number",
    description: `How long one operation (a create, an update, …) may take, every retry and rate-limit wait included. Default 300, at most ${MAX_OPERATION_TIMEOUT_SECONDS}. Raise it for a large stack under a low rate limit: requests wait their turn in one queue per provider process, and one whose turn would come after its deadline fails.`,
  },
  recoveryWindowHours: {
    key: "recoveryWindowHours",
    env: "ANTHROPIC_RECOVERY_WINDOW_HOURS",
    type: "number",
    description: `How far back, in hours, an \`up\` looks for objects an interrupted \`up\` created and never recorded, to take them over instead of creating them again. Default ${DEFAULT_RECOVERY_WINDOW_HOURS} (an \`up\` killed on a Friday evening and run again on Monday morning); \`0\` turns the lookup off; at most ${MAX_RECOVERY_WINDOW_HOURS}. It costs, before the first create of each object kind in an \`up\`, one list request (sessions: per agent), and one more per 100 objects of that kind created in the window by anyone; nothing on a new stack. Rerunning an interrupted \`up\` later than the window risks a duplicate (see "After an interrupted \`up\`").`,
  },
} as const satisfies Record<string, SettingSpec>;

export type SettingName = keyof typeof SETTINGS;

/** `anthropic:<key>`: the setting's name in stack config. */
export function configKey(name: SettingName): string {
  return `anthropic:${SETTINGS[name].key}`;
}

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
  /** How far back a create looks for what an interrupted run made (0: not at all), when set. */
  recoveryWindowMs?: number;
}

function parseOperationTimeout(raw: string): number {
  const seconds = Number(raw);
  if (!Number.isFinite(seconds) || seconds <= 0 || seconds > MAX_OPERATION_TIMEOUT_SECONDS) {
    throw new ConfigurationError(
      `anthropic:operationTimeoutSeconds must be a number of seconds between 1 and ${MAX_OPERATION_TIMEOUT_SECONDS}, not ${JSON.stringify(raw)}`,
      "operationTimeoutSeconds",
    );
  }
  return Math.round(seconds * 1000);
}

function parseRecoveryWindow(raw: string): number {
  const hours = Number(raw);
  if (!Number.isFinite(hours) || hours < 0 || hours > MAX_RECOVERY_WINDOW_HOURS) {
    throw new ConfigurationError(
      `anthropic:recoveryWindowHours must be a number of hours between 0 (no lookup) and ${MAX_RECOVERY_WINDOW_HOURS}, not ${JSON.stringify(raw)}`,
      "recoveryWindowHours",
    );
  }
  return Math.round(hours * 3_600_000);
}

export class ConfigurationError extends Error {
  override name = "ConfigurationError";
  constructor(
    message: string,
    /** The setting at fault. */
    readonly setting?: SettingName,
  ) {
    super(message);
  }
}

/** Every problem of a configuration at once (each also a `ConfigurationError` of its own, in `problems`). */
export class ConfigurationErrors extends ConfigurationError {
  override name = "ConfigurationError";
  constructor(readonly problems: readonly ConfigurationError[]) {
    super(problems.map((p) => p.message).join("; "), problems.length === 1 ? problems[0]!.setting : undefined);
  }
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
function setting(name: SettingName, env: NodeJS.ProcessEnv, config: StackConfigReader | undefined): string | undefined {
  const key = configKey(name);
  const envKey = SETTINGS[name].env;
  for (const [where, value] of [
    [key, config?.get(key)],
    [envKey, env[envKey]],
  ] as const) {
    if (value === undefined) continue;
    if (value.trim() === "") throw new ConfigurationError(`${where} is set but empty`, name);
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
    throw new ConfigurationError(`anthropic:baseUrl ${JSON.stringify(raw)} is not a valid URL (expected e.g. https://api.anthropic.com)`, "baseUrl");
  }
  if (url.username !== "" || url.password !== "") {
    throw new ConfigurationError("anthropic:baseUrl must not carry credentials; set the key with `pulumi config set --secret anthropic:apiKey <key>`", "baseUrl");
  }
  if (url.protocol === "https:") return url;
  if (url.protocol === "http:" && isLoopbackHost(url.hostname)) return url;
  throw new ConfigurationError(
    `anthropic:baseUrl must use https (plain http is allowed only for loopback hosts); got ${url.protocol}//${url.host}`,
    "baseUrl",
  );
}

/**
 * The configuration's problems, every one at once, checked before any call so that `preview`
 * fails with 0 requests (DESIGN §10); empty when the settings resolve.
 */
export function configurationProblems(env: NodeJS.ProcessEnv = process.env, config: StackConfigReader | undefined = stackConfig): string[] {
  return settingProblems(env, config).map((p) => p.message);
}

/** `configurationProblems`, each with the setting it is about. */
export function settingProblems(env: NodeJS.ProcessEnv = process.env, config: StackConfigReader | undefined = stackConfig): ConfigurationError[] {
  try {
    resolveConnectionSettings(env, config);
    return [];
  } catch (error) {
    if (error instanceof ConfigurationErrors) return [...error.problems];
    if (error instanceof ConfigurationError) return [error];
    throw error;
  }
}

export function resolveConnectionSettings(env: NodeJS.ProcessEnv = process.env, config: StackConfigReader | undefined = stackConfig): ConnectionSettings {
  const problems: ConfigurationError[] = [];
  const attempt = <T>(work: () => T): T | undefined => {
    try {
      return work();
    } catch (error) {
      if (!(error instanceof ConfigurationError)) throw error;
      problems.push(error);
      return undefined;
    }
  };
  const apiKey = attempt(() => {
    const key = setting("apiKey", env, config);
    if (key === undefined) {
      throw new ConfigurationError(
        "no Anthropic API key: set it with `pulumi config set --secret anthropic:apiKey <key>` or the ANTHROPIC_API_KEY environment variable",
        "apiKey",
      );
    }
    return key;
  });
  const baseUrl = attempt(() => parseBaseUrl(setting("baseUrl", env, config) ?? DEFAULT_BASE_URL));
  const workspaceId = attempt(() => setting("workspaceId", env, config));
  const timeout = attempt(() => {
    const raw = setting("operationTimeoutSeconds", env, config);
    return raw === undefined ? undefined : parseOperationTimeout(raw);
  });
  const window = attempt(() => {
    const raw = setting("recoveryWindowHours", env, config);
    return raw === undefined ? undefined : parseRecoveryWindow(raw);
  });
  if (problems.length > 0 || apiKey === undefined || baseUrl === undefined) throw problems.length === 1 ? problems[0]! : new ConfigurationErrors(problems);
  return {
    apiKey,
    baseUrl,
    workspaceId,
    ...(timeout !== undefined ? { operationTimeoutMs: timeout } : {}),
    ...(window !== undefined ? { recoveryWindowMs: window } : {}),
  };
}
