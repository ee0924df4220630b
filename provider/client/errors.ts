// The typed error hierarchy. Every message carries what a user needs to act on it (operation, method,
// path, HTTP status, API error type, message, request id) and nothing secret: the key is never part
// of any of those fields.

export interface RequestDescription {
  /** What we were doing, in the user's terms: "create agent \"triage\"". */
  operation: string;
  method: string;
  path: string;
}

export class AnthropicProviderError extends Error {
  override name = "AnthropicProviderError";
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
    const text = details.apiMessage ?? "(no message)";
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
    this.apiMessage = details.apiMessage;
    this.errorCode = details.errorCode;
    this.requestId = details.requestId;
  }
}

export class BadRequestError extends ApiError {
  override name = "BadRequestError";
}
export class AuthenticationError extends ApiError {
  override name = "AuthenticationError";
}
export class PermissionDeniedError extends ApiError {
  override name = "PermissionDeniedError";
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

/** No HTTP response at all: refused, reset, or dropped connection. */
export class ConnectionError extends AnthropicProviderError {
  override name = "ConnectionError";
  constructor(
    readonly request: RequestDescription,
    readonly causeMessage: string,
  ) {
    super(`${request.operation}: ${request.method} ${request.path} failed: connection error: ${causeMessage}`);
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

/** The response was not what the API documents (bad JSON or a shape the schema rejects). */
export class ResponseShapeError extends AnthropicProviderError {
  override name = "ResponseShapeError";
}

/**
 * A failure after which we cannot know whether the server applied the request: the connection was
 * lost or timed out after sending, or the server answered 5xx. Creates use this to decide whether
 * to look up their token before trying again (DESIGN §7).
 */
export function isAmbiguousFailure(error: unknown): boolean {
  if (error instanceof ConnectionError || error instanceof TimeoutError) return true;
  return error instanceof ApiError && error.status >= 500;
}
