// camelCase (Pulumi inputs) <-> snake_case (the API). Free-form maps are never re-cased: their
// contents belong to the user (metadata keys, a custom tool's JSON schema), so the value under an
// opaque key is copied as it is while the key itself is still renamed.
import type { CamelCased } from "./api-case";

export function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
}

export function camelCase(name: string): string {
  return name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());
}

/** Keys, in either casing, whose values are free-form and copied untouched. */
const OPAQUE = ["metadata", "inputSchema", "input_schema"] as const;
/** The opaque keys as a type (api-case.ts types the re-cased shapes with it). */
export type OpaqueKey = (typeof OPAQUE)[number];
export const OPAQUE_KEYS: ReadonlySet<string> = new Set(OPAQUE);

function mapKeysDeep(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((v) => mapKeysDeep(v, rename));
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value)) {
    if (v === undefined) continue;
    out[rename(key)] = OPAQUE_KEYS.has(key) ? v : mapKeysDeep(v, rename);
  }
  return out;
}

export function toApiCase(value: unknown): unknown {
  return mapKeysDeep(value, snakeCase);
}

/** An API value in camelCase, typed as such (api-case.ts `CamelCased`). */
export function fromApiCase<T>(value: T): CamelCased<T> {
  return mapKeysDeep(value, camelCase) as CamelCased<T>;
}
