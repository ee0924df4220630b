// URL paths are built with this tag, never by concatenation: every interpolated value is one
// encoded path segment, so an id such as "../x" or "a/b" can never address another endpoint.

export function encodedPath(strings: TemplateStringsArray, ...values: Array<string | number>): string {
  let out = strings[0] ?? "";
  values.forEach((value, i) => {
    out += encodeSegment(value) + (strings[i + 1] ?? "");
  });
  return out;
}

function encodeSegment(value: string | number): string {
  const text = String(value);
  if (text === "" || text === "." || text === "..") throw new TypeError(`invalid path segment ${JSON.stringify(text)}`);
  return encodeURIComponent(text);
}

export type QueryValue = string | number | boolean | undefined;

export function withQuery(path: string, query: Record<string, QueryValue> | undefined): string {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value !== undefined) params.append(key, String(value));
  }
  const text = params.toString();
  return text === "" ? path : `${path}?${text}`;
}

/** `base` followed by each value as one encoded path segment (same rules as `encodedPath`). */
export function pathWith(base: string, ...segments: Array<string | number>): string {
  return base + segments.map((s) => `/${encodeSegment(s)}`).join("");
}
