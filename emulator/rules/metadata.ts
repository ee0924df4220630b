// Metadata as the API keeps it: at most 16 pairs, keys of 1 to 64 characters, string values of at
// most 512. A create takes the whole map; an update takes a patch (a key set to a string upserts
// it, to null deletes it), which families differ on only where the API does: whether a null patch
// clears everything or changes nothing, and whether an empty string deletes a key too.
import { invalid } from "../http";
import { isObject } from "./values";

export type Metadata = Record<string, string>;

export function validateMetadata(metadata: unknown, where = "metadata"): asserts metadata is Metadata {
  if (!isObject(metadata)) throw invalid(`${where}: must be an object of string values`);
  const entries = Object.entries(metadata);
  if (entries.length > 16) throw invalid(`${where}: at most 16 pairs`);
  for (const [k, v] of entries) {
    if (k.length === 0 || k.length > 64) throw invalid(`${where}: keys must be 1 to 64 characters`);
    if (typeof v !== "string" || v.length > 512) throw invalid(`${where}.${k}: values must be strings of at most 512 characters`);
  }
}

/** A create's metadata: absent or null is none. */
export function createMetadata(value: unknown): Metadata {
  const metadata = value ?? {};
  validateMetadata(metadata);
  return metadata;
}

export interface PatchRules {
  /** A `metadata: null` patch removes every key (otherwise it changes nothing). */
  nullClears?: boolean;
  /** A key set to `""` is deleted, as one set to null is (otherwise `""` is stored). */
  emptyDeletes?: boolean;
}

/** `current` with an update's metadata patch applied (absent: unchanged), checked whole. */
export function patchMetadata(current: Metadata, patch: unknown, rules: PatchRules = {}): Metadata {
  if (patch === undefined) return current;
  if (patch === null) return rules.nullClears ? {} : current;
  if (!isObject(patch)) throw invalid("metadata: must be an object (a patch) or null");
  const merged: Record<string, unknown> = { ...current };
  for (const [k, v] of Object.entries(patch)) {
    if (v === null || (rules.emptyDeletes === true && v === "")) delete merged[k];
    else merged[k] = v;
  }
  validateMetadata(merged);
  return merged;
}
