// The undici transport: auth and beta headers, keep-alive, per-attempt timeouts inside the
// operation's deadline, retries (retry.ts), the process-wide rate-limit gate (rate-gate.ts), typed
// errors (errors.ts) and response validation with zod.
import type { Agent, Dispatcher, FormData } from "undici";
import type { z } from "zod";
import type { ConnectionSettings } from "../config";
import type { RequestContext } from "./clock";
import {
  apiErrorFor,
  ConnectionError,
  DeadlineError,
  ResponseShapeError,
  TimeoutError,
  type AnthropicProviderError,
  type ApiError,
  type RequestDescription,
} from "./errors";
import { withQuery, type QueryValue } from "./path";
import { processRateGate, type RateGate } from "./rate-gate";
import { registerSecret } from "./redact";
import { backoffDelayMs, classifyResponse, DEFAULT_RETRY_POLICY, planRetry, serverRequestedDelayMs, type RetryPolicy } from "./retry";

export const ANTHROPIC_VERSION = "2023-06-01";
const USER_AGENT = "pulumi-anthropic-managed-agents/0.2.0";

export interface ClientOptions {
  settings: ConnectionSettings;
  /** One HTTP attempt, headers and body included (also bounded by the operation's deadline). */
  attemptTimeoutMs?: number;
  retryPolicy?: RetryPolicy;
  dispatcher?: Dispatcher;
  gate?: RateGate;
}

/**
 * "safe": the request may be repeated after any retryable failure (reads, deletes, archives,
 * version-checked or idempotent updates). "rejected-only": repeat only when the server surely did
 * not act (429, 529, 408, a refused connection): the rule for creates, which are not idempotent in
 * the API; an ambiguous failure is thrown for the caller to resolve (create-token lookup).
 */
export type RetryMode = "safe" | "rejected-only";

export interface ApiRequest<T> {
  operation: string;
  method: "GET" | "POST" | "DELETE";
  path: string;
  /** The `anthropic-beta` header of the object's endpoints. */
  beta: string;
  query?: Record<string, QueryValue>;
  /** JSON, or a `FormData` sent as multipart/form-data (file and skill uploads; Blob parts, so a
   * retry can send it again). */
  body?: unknown;
  schema: z.ZodType<T>;
  retry?: RetryMode;
  /** Added to a 4xx error message: how the user can fix it (e.g. "run `pulumi refresh`"). */
  hintFor?: (status: number) => string | undefined;
}

/**
 * undici, loaded on the first request: loading it takes ~0.4 s of the provider process's start,
 * and a `preview` without changes, or any run whose hooks send nothing, never needs it.
 */
let undiciModule: typeof import("undici") | undefined;
function undici(): typeof import("undici") {
  undiciModule ??= require("undici") as typeof import("undici");
  return undiciModule;
}

/** An empty undici `FormData` (the multipart body `request` sends), loading undici only then. */
export function newFormData(): FormData {
  return new (undici().FormData)();
}

let sharedDispatcher: Agent | undefined;

/** One keep-alive pool per provider process: the hooks of every resource share its connections. */
function defaultDispatcher(): Agent {
  sharedDispatcher ??= new (undici().Agent)({ keepAliveTimeout: 10_000, keepAliveMaxTimeout: 60_000, connections: 16 });
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

/** Connection failures before anything was sent. */
const REFUSED_CODES = new Set(["ECONNREFUSED", "UND_ERR_CONNECT_TIMEOUT", "ENOTFOUND", "EAI_AGAIN", "EHOSTUNREACH", "ENETUNREACH"]);

function errorCode(error: unknown): string | undefined {
  const e = error as { code?: unknown; cause?: { code?: unknown } };
  if (typeof e?.code === "string") return e.code;
  if (typeof e?.cause?.code === "string") return e.cause.code;
  return undefined;
}

type Attempt =
  | { ok: true; json: unknown }
  | {
      ok: false;
      error: AnthropicProviderError;
      /** The HTTP status, when the server answered at all. */
      status?: number;
      headers: Record<string, string | undefined>;
      /** How to go on: from the HTTP answer, or "refused" / "retry" for transport failures. */
      verdict: "rate-limited" | "retry" | "refused" | "fail";
    };

export class ApiClient {
  private readonly settings: ConnectionSettings;
  private readonly attemptTimeoutMs: number;
  private readonly retryPolicy: RetryPolicy;
  private readonly explicitDispatcher: Dispatcher | undefined;
  private readonly gate: RateGate;

  constructor(options: ClientOptions) {
    this.settings = options.settings;
    registerSecret(options.settings.apiKey);
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 60_000;
    this.retryPolicy = options.retryPolicy ?? DEFAULT_RETRY_POLICY;
    this.explicitDispatcher = options.dispatcher;
    this.gate = options.gate ?? processRateGate;
  }

  private get host(): string {
    return this.settings.baseUrl.host;
  }

  private headers(beta: string, hasJsonBody: boolean): Record<string, string> {
    const h: Record<string, string> = {
      "x-api-key": this.settings.apiKey,
      "anthropic-version": ANTHROPIC_VERSION,
      "anthropic-beta": beta,
      accept: "application/json",
      "user-agent": USER_AGENT,
    };
    // A multipart body sets its own content-type with the boundary.
    if (hasJsonBody) h["content-type"] = "application/json";
    if (this.settings.workspaceId !== undefined) h["anthropic-workspace-id"] = this.settings.workspaceId;
    return h;
  }

  async request<T>(ctx: RequestContext, req: ApiRequest<T>): Promise<T> {
    const path = withQuery(req.path, req.query);
    const description: RequestDescription = { operation: req.operation, method: req.method, path };
    const mode = req.retry ?? "safe";
    for (let retryNumber = 1; ; retryNumber++) {
      if (!(await this.gate.pass(this.host, ctx))) throw this.pausedPastDeadline(description, ctx);
      const sentAt = ctx.clock.now();
      const outcome = await this.attempt(ctx, req, description);
      const status = outcome.ok ? 200 : outcome.status;
      // What the server answered teaches the gate its rate; a refusal for the rate does not count.
      if (status !== undefined && status !== 429 && status !== 529) this.gate.answered(this.host, ctx.clock.now(), sentAt);
      if (outcome.ok) return this.validate(req, description, outcome.json);
      const { error, headers, verdict } = outcome;
      if (verdict === "fail") throw error;
      if (mode === "rejected-only" && verdict === "retry") {
        // Only a refusal proves the create did not act; anything else is for the caller to resolve.
        error.mayHaveActed = true;
        throw error;
      }
      const now = ctx.clock.now();
      if (verdict === "rate-limited") {
        const requested = serverRequestedDelayMs(headers, now) ?? backoffDelayMs(retryNumber, this.retryPolicy, ctx.clock.random);
        if (status === 429) this.gate.refused(this.host, now, requested, headers, sentAt);
        else this.gate.pause(this.host, now + requested);
        if (now + requested >= ctx.deadline) throw withNote(error, `the API asked to wait ${seconds(requested)} before retrying, past this operation's deadline`);
        continue;
      }
      const decision = planRetry({ retryNumber, verdict, policy: this.retryPolicy, headers, now, deadline: ctx.deadline, random: ctx.clock.random });
      if (!decision.retry) throw error;
      await ctx.clock.sleep(decision.delayMs, ctx.signal);
    }
  }

  /** Every item of a cursor-paginated list (`limit`, `page` → `next_page`). */
  async *paginate<T>(
    ctx: RequestContext,
    req: Omit<ApiRequest<{ data: T[]; next_page?: string | null | undefined }>, "method">,
    pageSize = 100,
  ): AsyncGenerator<T> {
    let page: string | undefined;
    do {
      const result = await this.request(ctx, { ...req, method: "GET", query: { ...req.query, limit: pageSize, page } });
      yield* result.data;
      page = result.next_page ?? undefined;
    } while (page !== undefined);
  }

  private pausedPastDeadline(description: RequestDescription, ctx: RequestContext): DeadlineError {
    const wait = this.gate.pausedUntil(this.host) - ctx.clock.now();
    return new DeadlineError(
      `${description.operation}: ${description.method} ${description.path} was not sent: the API rate-limited this provider ` +
        `and its turn would come in ${seconds(wait)}, past this operation's deadline`,
    );
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

  private async attempt(ctx: RequestContext, req: ApiRequest<unknown>, description: RequestDescription): Promise<Attempt> {
    const remaining = ctx.deadline - ctx.clock.now();
    if (remaining <= 0 || ctx.signal.aborted) {
      // Not sent at all: not ambiguous, nothing to look up.
      const error = new DeadlineError(`${description.operation}: ${description.method} ${description.path} was not sent: the operation's deadline has passed`);
      return { ok: false, error, headers: {}, verdict: "fail" };
    }
    const timeoutMs = Math.min(this.attemptTimeoutMs, remaining);
    const scope = timeoutMs < this.attemptTimeoutMs ? "operation" : "attempt";
    // One controller per attempt, fed by a timer and by the operation's signal. (AbortSignal.any
    // and AbortSignal.timeout cost more than the rest of the client together once many requests
    // share an operation: every composite stays registered on the operation's signal until
    // garbage collection.)
    const controller = new AbortController();
    const signal = controller.signal;
    const onOperationAbort = () => controller.abort(ctx.signal.reason);
    ctx.signal.addEventListener("abort", onOperationAbort, { once: true });
    const attemptTimer = setTimeout(() => controller.abort(new Error(`attempt timed out after ${timeoutMs} ms`)), timeoutMs);
    attemptTimer.unref();
    const { request: undiciRequest, FormData: UndiciFormData } = undici();
    const hasBody = req.body !== undefined;
    const multipart = req.body instanceof UndiciFormData;
    try {
      const url = new URL(description.path, this.settings.baseUrl);
      const res = await undiciRequest(url, {
        method: req.method,
        headers: this.headers(req.beta, hasBody && !multipart),
        ...(hasBody ? { body: multipart ? (req.body as FormData) : JSON.stringify(req.body) } : {}),
        dispatcher: this.explicitDispatcher ?? defaultDispatcher(),
        signal,
      });
      const text = await res.body.text();
      const headers = flattenHeaders(res.headers);
      if (res.statusCode >= 200 && res.statusCode < 300) {
        try {
          return { ok: true, json: text === "" ? {} : JSON.parse(text) };
        } catch {
          // The server acted; only its answer is lost. A read may simply ask again.
          const error = new ResponseShapeError(
            `${description.operation}: ${description.method} ${description.path} answered HTTP ${res.statusCode} with a body that is not JSON (request-id: ${headers["request-id"] ?? "none"})`,
          );
          return { ok: false, error, status: res.statusCode, headers, verdict: "retry" };
        }
      }
      const body = parseErrorBody(text);
      const facts = { status: res.statusCode, headers, errorType: body.type, errorCode: body.code };
      const error = apiErrorFor(
        { ...description, status: res.statusCode, errorType: body.type, apiMessage: body.message, errorCode: body.code, requestId: headers["request-id"] },
        req.hintFor?.(res.statusCode),
      );
      return { ok: false, error, status: res.statusCode, headers, verdict: classifyResponse(facts) };
    } catch (cause) {
      if (signal.aborted) {
        if (ctx.signal.aborted) return { ok: false, error: new TimeoutError(description, timeoutMs, "operation"), headers: {}, verdict: "fail" };
        return { ok: false, error: new TimeoutError(description, timeoutMs, scope), headers: {}, verdict: "retry" };
      }
      const code = errorCode(cause);
      const message = cause instanceof Error ? cause.message : String(cause);
      const refused = code !== undefined && REFUSED_CODES.has(code);
      return {
        ok: false,
        error: new ConnectionError(description, code ? `${code}: ${message}` : message, refused),
        headers: {},
        verdict: refused ? "refused" : "retry",
      };
    } finally {
      clearTimeout(attemptTimer);
      ctx.signal.removeEventListener("abort", onOperationAbort);
    }
  }
}

function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

function withNote<E extends AnthropicProviderError | ApiError>(error: E, note: string): E {
  error.message = `${error.message}; ${note}`;
  return error;
}
