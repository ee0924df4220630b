// What a handler answers with, and how it refuses: the API's errors (`HttpError`, written as
// `{type: "error", error: {type, message, details?}, request_id}`), and the two answers that are
// not JSON objects (raw bytes, server-sent event streams). Nothing here knows a route or an object.

export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly type: string,
    message: string,
    readonly headers: Record<string, string> = {},
    /** `error.details.error_code`, as the API sends for specific refusals. */
    readonly errorCode?: string,
    /** Further `error.details` fields (e.g. a heartbeat refusal's `current_state`). */
    readonly details: Record<string, unknown> = {},
  ) {
    super(message);
  }
}

export const invalid = (message: string, errorCode?: string) => new HttpError(400, "invalid_request_error", message, {}, errorCode);
export const notFound = (message: string) => new HttpError(404, "not_found_error", message);
/** A 409 of the API's invalid_request_error type: the object's state does not allow this now. */
export const conflict = (message: string, headers: Record<string, string> = {}) => new HttpError(409, "invalid_request_error", message, headers);
/** What escaped a handler that is not an HttpError: a 500 naming it, never a crash. */
export const emulatorBug = (e: unknown) => new HttpError(500, "api_error", `emulator bug: ${e instanceof Error ? e.message : String(e)}`);

/** The API's error body for `e`. */
export function errorBody(e: HttpError, requestId: string): Record<string, unknown> {
  const details = e.errorCode ? { details: { ...e.details, error_code: e.errorCode } } : {};
  return { type: "error", error: { type: e.type, message: e.message, ...details }, request_id: requestId };
}

/** A non-JSON answer (file and skill downloads). */
export class RawResponse {
  constructor(
    readonly bytes: Uint8Array,
    readonly contentType: string,
  ) {}
}

/**
 * A server-sent event stream (session event streams). `open` gets a function that sends one event
 * and one that ends the stream, and returns the function that ends the subscription when the
 * client goes away.
 */
export class EventStreamResponse {
  constructor(readonly open: (send: (event: string, data: unknown) => void, end: () => void) => () => void) {}
}

/**
 * The request target as a URL: a path (`//x` included, which `new URL(target, base)` would read as
 * a host) or an absolute URL; undefined when it is neither.
 */
export function requestUrl(target: string): URL | undefined {
  try {
    return target.startsWith("/") ? new URL(`http://127.0.0.1${target}`) : new URL(target, "http://127.0.0.1/");
  } catch {
    return undefined;
  }
}
