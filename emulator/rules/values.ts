// Checks of request values the API's types fix (SDK `*Params`): a list where a list is typed, a
// map where a map is, a string where a string is. A value of another type is a 400 naming where
// it is, never a TypeError (a 500) further in, and never taken as something else (a string's
// characters as a list, `"abc"` as metadata).
import { invalid } from "../http";

export type Json = Record<string, unknown>;

export const isObject = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** A request value as text for a message: a string as it is, anything else as JSON; never throws, at most 200 characters. */
export function text(value: unknown): string {
  let out: string;
  try {
    out = typeof value === "string" ? value : (JSON.stringify(value) ?? String(value));
  } catch {
    out = "(unreadable)";
  }
  return out.length > 200 ? `${out.slice(0, 200)}…` : out;
}

/** An optional list (absent or null: empty) whose items pass `check`. */
export function listOf<T>(value: unknown, where: string, check: (item: unknown, at: string) => T): T[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) throw invalid(`${where}: must be a list`);
  return value.map((item, i) => check(item, `${where}[${i}]`));
}

export const stringItem = (item: unknown, at: string): string => {
  if (typeof item !== "string") throw invalid(`${at}: must be a string`);
  return item;
};

/** Each of `fields` that the body gives (not null) must be a string; `where` prefixes the field in the message. */
export function stringFields(body: Json, fields: readonly string[], where = ""): void {
  for (const f of fields) if (body[f] !== undefined && body[f] !== null && typeof body[f] !== "string") throw invalid(`${where}${f}: must be a string`);
}

/** A 400 for the first field of `body` not in `allowed` (the API refuses unknown fields); `where` prefixes it. */
export function onlyFields(body: Json, allowed: readonly string[], where = ""): void {
  for (const k of Object.keys(body)) if (!allowed.includes(k)) throw invalid(`${where}${k}: unknown field`);
}
