// Plain values as the engine hands them to a dynamic provider: property bags that may hold the
// "unknown" sentinel during preview, compared after normalization.
import { quoteKey } from "./quote";

/** The value the engine sends during preview for an input that is not known yet. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

export function isRecord(value: unknown): value is Props {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (isRecord(value)) return Object.values(value).some(containsUnknown);
  return false;
}

/** Pulumi rejects `undefined` anywhere in returned properties ("Unexpected struct type"). */
export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripUndefined) as T;
  if (!isRecord(value)) return value;
  const out: Props = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v);
  return out as T;
}

/** JSON with sorted keys: equal values give equal text whatever the key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (!isRecord(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** Absent, null and an empty map mean the same thing for optional inputs. */
function normalizedForComparison(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (isRecord(value) && Object.keys(value).length === 0) return null;
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(normalizedForComparison(a)) === stableJson(normalizedForComparison(b));
}

/** A server value in the form a user would declare it: empty lists and maps, and null, are absent. */
export function emptyAsAbsent(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (isRecord(value) && Object.keys(value).length === 0) return undefined;
  return value;
}

/** A value with null, empty lists and empty maps left out at every depth (absent means the same). */
export function compact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(compact);
  if (!isRecord(value)) return value;
  const out: Props = {};
  for (const [k, v] of Object.entries(value)) {
    const c = compact(v);
    if (c === undefined || c === null || (Array.isArray(c) && c.length === 0) || (isRecord(c) && Object.keys(c).length === 0)) continue;
    out[k] = c;
  }
  return out;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

/**
 * `tools[0].inputSchema`: how Pulumi users write a path into their inputs. A key that is not an
 * identifier is quoted in brackets (`metadata["a.b"]`, `metadata[""]`), as in Pulumi's own
 * property paths, so that no two paths read alike; a long one is cut short (kit/quote.ts).
 */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else if (typeof part === "string" && IDENTIFIER.test(part)) out += out === "" ? part : `.${part}`;
    else out += `[${quoteKey(String(part))}]`;
  }
  return out;
}

/** The value at a path; unknown as soon as any step is unknown. */
export function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const part of path) {
    if (current === UNKNOWN) return { found: true, value: UNKNOWN };
    if (current === null || typeof current !== "object") return { found: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return { found: true, value: current };
}

function isEmpty(value: unknown): boolean {
  return value === undefined || value === null || (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0);
}

/**
 * Whether an object that holds `actual` (the API's resolved form: defaults filled in, a model id
 * grown into `{ id, speed }`, an effort into `{ type }`) already is what `declared` asks for.
 * What `declared` leaves out is the API's to fill in; nothing declared is satisfied by nothing.
 */
export function satisfies(declared: unknown, actual: unknown): boolean {
  if (declared === undefined || declared === null) return isEmpty(actual);
  if (typeof declared === "string" && isRecord(actual)) return actual["id"] === declared || actual["type"] === declared;
  if (Array.isArray(declared)) return Array.isArray(actual) && actual.length === declared.length && declared.every((d, i) => satisfies(d, actual[i]));
  if (isRecord(declared)) return isRecord(actual) && Object.entries(declared).every(([k, v]) => satisfies(v, actual[k]));
  return sameValue(declared, actual);
}
