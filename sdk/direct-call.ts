// What the plain functions of the SDK (`runDeployment`, `listAgentVersions`) share: they run in the
// caller's process, not the provider's, so the key comes from their options or the environment
// (ANTHROPIC_API_KEY; never stack config, which only the provider process sees), and the HTTP
// client is loaded on use, so that a Pulumi program importing the SDK does not load it.
import type { OperationContext } from "../provider/kit/context";

export interface DirectCallOptions {
  /** Default: ANTHROPIC_API_KEY. */
  apiKey?: string;
  /** Default: ANTHROPIC_BASE_URL, else https://api.anthropic.com (HTTPS, or a loopback host). */
  baseUrl?: string;
  /** Default: ANTHROPIC_WORKSPACE_ID, if set. */
  workspaceId?: string;
  /** The whole call, retries included (default 60 s). */
  timeoutMs?: number;
}

/**
 * Runs `call` with a client for these options; errors come back redacted.
 * @internal
 */
export async function withApi<T>(options: DirectCallOptions, call: (ctx: OperationContext) => Promise<T>): Promise<T> {
  const env = {
    ...process.env,
    ...(options.apiKey !== undefined ? { ANTHROPIC_API_KEY: options.apiKey } : {}),
    ...(options.baseUrl !== undefined ? { ANTHROPIC_BASE_URL: options.baseUrl } : {}),
    ...(options.workspaceId !== undefined ? { ANTHROPIC_WORKSPACE_ID: options.workspaceId } : {}),
  };
  const [{ ApiClient }, { redactError }, { resolveConnectionSettings }, { OperationContext }] = await Promise.all([
    import("../provider/client/http-client"),
    import("../provider/client/redact"),
    import("../provider/config"),
    import("../provider/kit/context"),
  ]);
  try {
    const ctx = new OperationContext(new ApiClient({ settings: resolveConnectionSettings(env) }), { timeoutMs: options.timeoutMs ?? 60_000 });
    try {
      return await call(ctx);
    } finally {
      ctx.dispose();
    }
  } catch (error) {
    throw redactError(error);
  }
}
