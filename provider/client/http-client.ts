// The undici transport: auth and beta headers, keep-alive, per-attempt and per-operation timeouts,
// retries (retry.ts), typed errors (errors.ts) and response validation with zod.
import { Agent, type Dispatcher, request as undiciRequest } from "undici";
import type { z } from "zod";
import type { ConnectionSettings } from "../config";
import {
  apiErrorFor,
  ConnectionError,
  isAmbiguousFailure,
  ResponseShapeError,
  TimeoutError,
  type AnthropicProviderError,
  type RequestDescription,
} from "./errors";
import { withQuery, type QueryValue } from "./path";
import { DEFAULT_RETRY_POLICY, isRetryableResponse, planRetry, type RetryPolicy } from "./retry";

export const ANTHROPIC_VERSION = "2023-06-01";
export const MANAGED_AGENTS_BETA = "managed-agents-2026-04-01";
const USER_AGENT = "pulumi-anthropic-managed-agents/0.1.0";

export interface ClientOptions {
  settings: ConnectionSettings;
  /** One HTTP attempt, headers and body included. */
  attemptTimeoutMs?: number;
  /** The whole operation, retries and their waits included. */
  operationTimeoutMs?: number;
  retryPolicy?: RetryPolicy;
  dispatcher?: Dispatcher;
  /** Injected for tests with fake timers. */
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

/**
 * "safe": the request may be repeated after any retryable failure (reads, deletes, archives and
 * version-checked updates). "rejected-only": repeat only when the server surely did not act on it
 * (429, 529, a refused connection): the rule for creates, which are not idempotent in the API.
 */
export type RetryMode = "safe" | "rejected-only";

export interface ApiRequest<T> {
  operation: string;
  method: "GET" | "POST" | "DELETE";
  path: string;
  query?: Record<string, QueryValue>;
  body?: unknown;
  schema: z.ZodType<T>;
  retryMode?: RetryMode;
  /** Added to a 4xx error message: how the user can fix it (e.g. "run `pulumi refresh`"). */
  hintFor?: (status: number) => string | undefined;
}

let sharedDispatcher: Agent | undefined;

/** One keep-alive pool per provider process: the hooks of every resource share its connections. */
function defaultDispatcher(): Agent {
  sharedDispatcher ??= new Agent({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 16 });
  return sharedDispatcher;
}

function flattenHeaders(headers: Record<string, string | string[] | undefined>): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(headers)) out[k.toLowerCase()] = Array.isArray(v) ? v.join(", ") : v;
  return out;
}

interface ErrorBody {
  type?: unknown;
  message?: unknown;
  details?: { error_code?: unknown };
}

function parseErrorBody(text: string): { type?: string; message?: string; code?: string } {
  try {
    const parsed = JSON.parse(text) as { error?: ErrorBody };
    const e = parsed.error;
    return {
      ...(typeof e?.type === "string" ? { type: e.type } : {}),
      ...(typeof e?.message === "string" ? { message: e.message } : {}),
      ...(typeof e?.details?.error_code === "string" ? { code: e.details.error_code } : {}),
    };
  } catch {
    return text.trim() === "" ? {} : { message: text.slice(0, 500) };
  }
}

const REFUSED_CODES = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "ENOTFOUND", "EAI_AGAIN"]);

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === "string") return e.code;
  if (typeof e?.cause?.code === "string") return e.cause.code;
  return undefined;
}

export class ApiClient {
  private readonly settings: ConnectionSettings;
  private readonly attemptTimeoutMs: number;
  private readonly operationTimeoutMs: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly dispatcher: Dispatcher;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly now: () => number;

  constructor(options: ClientOptions) {
    this.settings = options.settings;
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 60_000;
    this.operationTimeoutMs = options.operationTimeoutMs ?? 5 * 60_000;
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.dispatcher = options.dispatcher ?? defaultDispatcher();
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.now = options.now ?? Date.now;
  }

  private headers(hasBody: boolean): Record<string, string> {
    const h: Record<string, string> = {
      "x-api-key": this.settings.apiKey,
      "anthropic-version": ANTHROPIC_VERSION,
      "anthropic-beta": MANAGED_AGENTS_BETA,
      accept: "application/json",
      "user-agent": USER_AGENT,
    };
    if (hasBody) h["content-type"] = "application/json";
    if (this.settings.workspaceId !== undefined) h["anthropic-workspace-id"] = this.settings.workspaceId;
    return h;
  }

  async request<T>(req: ApiRequest<T>): Promise<T> {
    const path = withQuery(req.path, req.query);
    const description: RequestDescription = { operation: req.operation, method: req.method, path };
    const deadline = this.now() + this.operationTimeoutMs;
    const mode = req.retryMode ?? "safe";
    for (let retryNumber = 1; ; retryNumber++) {
      const outcome = await this.attempt(req, description, deadline);
      if (outcome.ok) return this.validate(req, description, outcome.json);
      const { error, headers, retryable } = outcome;
      const allowed = retryable && (mode === "safe" || !isAmbiguousFailure(error) || outcome.rejected);
      if (!allowed) throw error;
      const decision = planRetry({ retryNumber, policy: this.retryPolicy, headers, now: this.now(), deadline });
      if (!decision.retry) throw error;
      await this.sleep(decision.delayMs);
    }
  }

  /** Every item of a cursor-paginated list (`limit`, `page` → `next_page`). */
  async *paginate<T>(
    req: Omit<ApiRequest<{ data: T[]; next_page?: string | null | undefined }>, "method">,
    pageSize = 100,
  ): AsyncGenerator<T> {
    let page: string | undefined;
    do {
      const result = await this.request({
        ...req,
        method: "GET",
        query: { ...req.query, limit: pageSize, page },
      });
      yield* result.data;
      page = result.next_page ?? undefined;
    } while (page !== undefined);
  }

  private validate<T>(req: ApiRequest<T>, description: RequestDescription, json: unknown): T {
    const parsed = req.schema.safeParse(json);
    if (parsed.success) return parsed.data;
    const problems = parsed.error.issues
      .slice(0, 5)
      .map((i) => `${i.path.join(".") || "(root)"}: ${i.message}`)
      .join("; ");
    throw new ResponseShapeError(
      `${description.operation}: ${description.method} ${description.path} returned a response this provider does not understand: ${problems}`,
    );
  }

  private async attempt(
    req: ApiRequest<unknown>,
    description: RequestDescription,
    deadline: number,
  ): Promise<
    | { ok: true; json: unknown }
    | {
        ok: false;
        error: AnthropicProviderError;
        headers: Record<string, string | undefined>;
        retryable: boolean;
        rejected: boolean;
      }
  > {
    const remaining = deadline - this.now();
    if (remaining <= 0) {
      return {
        ok: false,
        error: new TimeoutError(description, this.operationTimeoutMs, "operation"),
        headers: {},
        retryable: false,
        rejected: false,
      };
    }
    const timeoutMs = Math.min(this.attemptTimeoutMs, remaining);
    const scope = timeoutMs < this.attemptTimeoutMs ? "operation" : "attempt";
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const hasBody = req.body !== undefined;
    try {
      const url = new URL(description.path, this.settings.baseUrl);
      const res = await undiciRequest(url, {
        method: req.method,
        headers: this.headers(hasBody),
        ...(hasBody ? { body: JSON.stringify(req.body) } : {}),
        dispatcher: this.dispatcher,
        signal: controller.signal,
      });
      const text = await res.body.text();
      const headers = flattenHeaders(res.headers);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        try {
          return { ok: true, json: text === "" ? {} : JSON.parse(text) };
        } catch {
          throw new ResponseShapeError(
            `${description.operation}: ${description.method} ${description.path} returned invalid JSON (request-id: ${headers["request-id"] ?? "none"})`,
          );
        }
      }
      const body = parseErrorBody(text);
      const facts = { status: res.statusCode, headers, errorType: body.type, errorCode: body.code };
      const error = apiErrorFor(
        {
          ...description,
          status: res.statusCode,
          errorType: body.type,
          apiMessage: body.message,
          errorCode: body.code,
          requestId: headers["request-id"],
        },
        req.hintFor?.(res.statusCode),
      );
      const rejected = res.statusCode === 429 || res.statusCode === 529 || res.statusCode === 408;
      return { ok: false, error, headers, retryable: isRetryableResponse(facts), rejected };
    } catch (cause) {
      if (cause instanceof ResponseShapeError) throw cause;
      if (controller.signal.aborted) {
        return {
          ok: false,
          error: new TimeoutError(description, timeoutMs, scope),
          headers: {},
          retryable: true,
          rejected: false,
        };
      }
      const code = errorCode(cause);
      const message = cause instanceof Error ? cause.message : String(cause);
      return {
        ok: false,
        error: new ConnectionError(description, code ? `${code}: ${message}` : message),
        headers: {},
        retryable: true,
        rejected: code !== undefined && REFUSED_CODES.has(code),
      };
    } finally {
      clearTimeout(timer);
    }
  }
}
