// The typed error hierarchy. Every message carries what a user needs to act on it (operation, method,
// path, HTTP status, API error type, message, request id) and nothing secret: the key is never part
// of any of those fields, and the API's own message is redacted (it may quote a value it refuses).
import { redact } from "./redact";

export interface RequestDescription {
  /** What we were doing, in the user's terms: "create agent \"triage\"". */
  operation: string;
  method: string;
  path: string;
}

export class AnthropicProviderError extends Error {
  override name = "AnthropicProviderError";
  /**
   * Set by the client on an answer that invites a retry without proving that the server did not
   * act (408, or `x-should-retry: true` on a 4xx): a create must look itself up before resending.
   */
  mayHaveActed = false;
}

export interface ApiErrorDetails extends RequestDescription {
  status: number;
  errorType: string | undefined;
  apiMessage: string | undefined;
  errorCode: string | undefined;
  requestId: string | undefined;
}

export class ApiError extends AnthropicProviderError {
  override name = "ApiError";
  readonly operation: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly errorType: string | undefined;
  readonly apiMessage: string | undefined;
  readonly errorCode: string | undefined;
  readonly requestId: string | undefined;

  constructor(details: ApiErrorDetails, hint?: string) {
    const type = details.errorType ?? "unknown_error";
    const text = details.apiMessage === undefined ? "(no message)" : redact(details.apiMessage);
    const rid = details.requestId ?? "none";
    super(
      `${details.operation}: ${details.method} ${details.path} failed with HTTP ${details.status} ${type}: ${text} (request-id: ${rid})` +
        (hint ? `. ${hint}` : ""),
    );
    this.operation = details.operation;
    this.method = details.method;
    this.path = details.path;
    this.status = details.status;
    this.errorType = details.errorType;
    this.apiMessage = details.apiMessage === undefined ? undefined : redact(details.apiMessage);
    this.errorCode = details.errorCode;
    this.requestId = details.requestId;
  }
}

export class BadRequestError extends ApiError {
  override name = "BadRequestError";
}
/**
 * 401: the key itself was refused, whatever the call was for (a create-token lookup, a refresh): the
 * message leads with that and names the settings to check, then what was being done.
 */
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
  constructor(details: ApiErrorDetails, hint?: string) {
    super(details, hint);
    this.message = `the Anthropic API refused the API key (HTTP 401 ${details.errorType ?? "authentication_error"}, request-id: ${details.requestId ?? "none"}): check anthropic:apiKey (\`pulumi config set --secret anthropic:apiKey <key>\`) or ANTHROPIC_API_KEY. It happened during: ${this.message}`;
  }
}
/** 403: the key is valid but may not do this (another workspace's object, a missing permission). */
export class PermissionDeniedError extends ApiError {
  override name = "PermissionDeniedError";
  constructor(details: ApiErrorDetails, hint?: string) {
    super(details, hint);
    this.message = `the API key may not do this (HTTP 403 ${details.errorType ?? "permission_error"}, request-id: ${details.requestId ?? "none"}): check that anthropic:apiKey or ANTHROPIC_API_KEY is a key of the workspace that holds the object (and anthropic:workspaceId, if set). It happened during: ${this.message}`;
  }
}
export class NotFoundError extends ApiError {
  override name = "NotFoundError";
}
/** 409: for versioned objects, the `version` we sent is no longer the current one. */
export class ConflictError extends ApiError {
  override name = "ConflictError";
}
export class UnprocessableEntityError extends ApiError {
  override name = "UnprocessableEntityError";
}
export class RateLimitError extends ApiError {
  override name = "RateLimitError";
}
export class InternalServerError extends ApiError {
  override name = "InternalServerError";
}
export class OverloadedError extends ApiError {
  override name = "OverloadedError";
}

export function apiErrorFor(details: ApiErrorDetails, hint?: string): ApiError {
  const s = details.status;
  if (s === 400) return new BadRequestError(details, hint);
  if (s === 401) return new AuthenticationError(details, hint);
  if (s === 403) return new PermissionDeniedError(details, hint);
  if (s === 404) return new NotFoundError(details, hint);
  if (s === 409) return new ConflictError(details, hint);
  if (s === 422) return new UnprocessableEntityError(details, hint);
  if (s === 429) return new RateLimitError(details, hint);
  if (s === 529) return new OverloadedError(details, hint);
  if (s >= 500) return new InternalServerError(details, hint);
  return new ApiError(details, hint);
}

/**
 * No HTTP response at all. `refused`: the connection was never established, so nothing was sent
 * and the request surely did not act; otherwise it was reset or dropped after sending.
 */
export class ConnectionError extends AnthropicProviderError {
  override name = "ConnectionError";
  constructor(
    readonly request: RequestDescription,
    readonly causeMessage: string,
    readonly refused: boolean,
  ) {
    super(
      `${request.operation}: ${request.method} ${request.path} failed: ` +
        (refused ? `could not connect (nothing was sent): ${causeMessage}` : `connection lost: ${causeMessage}`),
    );
  }
}

/** An attempt or the whole operation ran out of time. */
export class TimeoutError extends AnthropicProviderError {
  override name = "TimeoutError";
  constructor(
    readonly request: RequestDescription,
    readonly timeoutMs: number,
    readonly scope: "attempt" | "operation",
  ) {
    super(
      `${request.operation}: ${request.method} ${request.path} timed out after ${timeoutMs} ms` +
        (scope === "operation" ? " (operation deadline, retries included)" : " (single attempt)"),
    );
  }
}

/**
 * A success status whose body cannot be read (not JSON, or a shape the schema rejects). The server
 * acted on the request, but we cannot tell what it made of it.
 */
export class ResponseShapeError extends AnthropicProviderError {
  override name = "ResponseShapeError";
}

/** The operation's deadline ended retries (or a wait) before the request got an answer. */
export class DeadlineError extends AnthropicProviderError {
  override name = "DeadlineError";
}

/**
 * A failure after which we cannot know whether the server applied the request: the connection was
 * lost or timed out after sending, the server answered 5xx (but not 529, which refuses before
 * acting), or it answered 2xx with a body we cannot read. Creates use this to look their token up
 * instead of creating twice (DESIGN §10). A refused connection is not ambiguous: nothing was sent.
 */
export function isAmbiguousFailure(error: unknown): boolean {
  if (error instanceof AnthropicProviderError && error.mayHaveActed) return true;
  if (error instanceof ConnectionError) return !error.refused;
  if (error instanceof TimeoutError || error instanceof ResponseShapeError) return true;
  return error instanceof ApiError && error.status >= 500 && error.status !== 529;
}

/**
 * What an error says, whatever was thrown: an error's message (of this realm's `Error` or another's,
 * as Node's own errors are under a test runner's VM), anything else as text.
 */
export function messageOf(error: unknown): string {
  if (error !== null && typeof error === "object" && "message" in error && typeof error.message === "string") return error.message;
  return String(error);
}

/** A Node.js system error's code (`ENOENT`, `EACCES`), if the error is one. */
export function systemErrorCode(error: unknown): string | undefined {
  if (error === null || typeof error !== "object" || !("code" in error)) return undefined;
  return typeof error.code === "string" ? error.code : undefined;
}

