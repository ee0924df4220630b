// Bounded quotes of the values a failure or an error names. A value is as large as its program
// made it (a 1 MB time zone, a path of a megabyte), and a failure reason is printed in every
// preview: it quotes a short prefix, says how long the value was, and never throws, whatever the
// value (a `toString` that is not a function, a cycle, a getter that throws).

/** Characters of a value a reason quotes. */
export const QUOTE_CHARS = 64;
/** The longest property path and reason a `check` failure carries (kit/resource.ts bounds every one). */
export const MAX_PROPERTY_CHARS = 256;
export const MAX_REASON_CHARS = 1_024;

/**
 * `"Europe/Paris"`; past `max` characters `"Europe/Pa…" (1048576 characters)`. Other values as
 * short JSON (`5`, `["a","b"]`, `{"toString":5}`), bounded the same way.
 */
export function quote(value: unknown, max = QUOTE_CHARS): string {
  if (typeof value === "string") {
    if (value.length <= max) return JSON.stringify(value);
    return `${cut(value, max)} (${value.length} characters)`;
  }
  const text = preview(value, max);
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

/** A path segment in brackets: the quoted key, bounded, without the length note. */
export function quoteKey(key: string, max = QUOTE_CHARS): string {
  return key.length <= max ? JSON.stringify(key) : cut(key, max);
}

/** The first `max` characters, quoted, the ellipsis inside the quotes. */
function cut(text: string, max: number): string {
  return `${JSON.stringify(text.slice(0, max)).slice(0, -1)}…"`;
}

/** `text` cut to `max` characters, saying how long it was. */
export function bounded(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} characters in all)`;
}

/** Short JSON of any value: at most `budget` characters are produced (a little more, then cut). */
function preview(value: unknown, budget: number): string {
  let out = "";
  const write = (s: string) => {
    out += s;
    return out.length <= budget;
  };
  const visit = (v: unknown, depth: number): boolean => {
    if (v === null || typeof v === "number" || typeof v === "boolean") return write(String(v));
    if (typeof v === "string") return write(JSON.stringify(v.length > budget ? v.slice(0, budget) : v));
    if (typeof v !== "object") return write(typeof v);
    if (depth > 3) return write(Array.isArray(v) ? "[…]" : "{…}");
    try {
      if (Array.isArray(v)) {
        if (!write("[")) return false;
        for (const [i, item] of v.entries()) if (!(i === 0 || write(",")) || !visit(item, depth + 1)) return false;
        return write("]");
      }
      if (!write("{")) return false;
      for (const [i, [k, item]] of Object.entries(v).entries()) {
        if (!(i === 0 || write(",")) || !write(`${JSON.stringify(k.length > budget ? k.slice(0, budget) : k)}:`) || !visit(item, depth + 1)) return false;
      }
      return write("}");
    } catch {
      return write("(unreadable)");
    }
  };
  visit(value, 0);
  return out;
}
