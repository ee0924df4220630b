// What the emulator records of each request (`emulator.requests`, what `count` counts): method,
// path, query and the body, bounded. A body of at most `logBodyBytes` bytes (64 KiB unless set)
// is kept as it was parsed; a larger one only as a text prefix of that many bytes, with
// `truncated: true` and its size (`bytes`): a test can still look at what was sent, and a long run of
// large requests (or refused ones) no longer keeps every byte it was sent.

export const DEFAULT_LOG_BODY_BYTES = 64 * 1024;

export interface RecordedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  /**
   * The JSON body as parsed (`{}` when there was none; undefined when it was not JSON), a
   * multipart body's field names (each `"(multipart)"`), or, past the size bound, the first
   * `logBodyBytes` bytes of the body as text.
   */
  body: unknown;
  /** Set (with the body's size in bytes) when `body` is a prefix of a body larger than the bound. */
  truncated?: true;
  bytes?: number;
}

/** The record of one request: `parsed` kept when the raw body is within `limit` bytes. */
export function recordOf(
  request: { method: string; path: string; query: URLSearchParams },
  raw: Buffer,
  parsed: unknown,
  form: FormData | undefined,
  limit: number,
): RecordedRequest {
  const base = { method: request.method, path: request.path, query: Object.fromEntries(request.query) };
  if (form) {
    // Field names only (each upload's bytes are never kept), at most a few hundred of them.
    const names = [...new Set(form.keys())].slice(0, 256).map((k) => k.slice(0, 256));
    return { ...base, body: Object.fromEntries(names.map((k) => [k, "(multipart)"])) };
  }
  if (raw.length <= limit) return { ...base, body: parsed };
  return { ...base, body: raw.subarray(0, limit).toString("utf8"), truncated: true, bytes: raw.length };
}
