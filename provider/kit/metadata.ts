// Metadata: the API's free-form string pairs, of which the provider keeps one for itself. Every
// write the provider makes (create or update) stamps the object with a token in that pair, so that
// a create whose answer was lost, or a process killed mid-create, is found again instead of made
// twice, and a lost answer to an update is recognised as our own write (DESIGN §10).
import { createHash } from "node:crypto";
import { z } from "zod";
import { isRecord, stableJson } from "./values";

// The API's limits: at most 16 pairs, keys up to 64 characters, values up to 512.
export const METADATA_MAX_PAIRS = 16;
export const METADATA_MAX_KEY = 64;
export const METADATA_MAX_VALUE = 512;

/** The pair this provider keeps: the token of its last write to the object. */
export const WRITE_TOKEN_KEY = "pulumi-write-token";
/** Where release 0.1 kept its create token; freed on the first update. */
export const LEGACY_TOKEN_KEY = "pulumi-create-token";
const RESERVED = [WRITE_TOKEN_KEY, LEGACY_TOKEN_KEY];

export const metadataInput = z
  .record(
    z.string().min(1, "metadata keys must not be empty").max(METADATA_MAX_KEY, `metadata keys are at most ${METADATA_MAX_KEY} characters`),
    z.string().max(METADATA_MAX_VALUE, `metadata values are at most ${METADATA_MAX_VALUE} characters`),
  )
  .refine((m) => Object.keys(m).length <= METADATA_MAX_PAIRS - 1, {
    message: `at most ${METADATA_MAX_PAIRS - 1} metadata pairs (the API allows ${METADATA_MAX_PAIRS}; this provider keeps one, "${WRITE_TOKEN_KEY}", to make creates and updates safe to retry)`,
  })
  .refine((m) => !RESERVED.some((k) => k in m), { message: `the metadata keys ${RESERVED.map((k) => `"${k}"`).join(" and ")} are reserved by this provider` });

/** The user's pairs, without the provider's own. */
export function userMetadata(metadata: unknown): Record<string, string> {
  if (!isRecord(metadata)) return {};
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(metadata)) if (!RESERVED.includes(k) && typeof v === "string") out[k] = v;
  return out;
}

/** The token of the provider's last write to an object, if any. */
export function writeTokenOf(api: { metadata?: Record<string, string> | undefined }): string | undefined {
  return api.metadata?.[WRITE_TOKEN_KEY];
}

/**
 * What a create stamps on the object (`<token>.<declared>.<fixed>`): its create token, a digest of
 * everything declared that the API stores, and a digest of the fields that replace the object
 * when they change (write-only values as their hashes, never in plain form). A rerun after an
 * interrupted create can then tell whether what that run made is exactly what is declared now, or
 * differs only in what an update can change, or cannot be the declared object at all.
 */
export interface CreateStamp {
  token: string;
  declared: string;
  fixed: string;
}

export function stampText(stamp: CreateStamp): string {
  return `${stamp.token}.${stamp.declared}.${stamp.fixed}`;
}

/** The create stamp an object carries, if its last write was a create (or an adoption) of ours. */
export function stampOf(api: { metadata?: Record<string, string> | undefined }): CreateStamp | undefined {
  const [token, declared, fixed, ...rest] = (writeTokenOf(api) ?? "").split(".");
  return token && declared && fixed && rest.length === 0 ? { token, declared, fixed } : undefined;
}

/** A digest of declared values (16 hex characters: for telling declarations apart, not for secrecy). */
export function declarationDigest(values: unknown): string {
  return digest("declared", stableJson(values)).slice(0, 16);
}

function digest(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

/**
 * The token a create sends. It depends only on what state holds before the create (the stack's
 * seed, the resource's URN, and the token the previous create used), so a run that repeats an
 * interrupted one derives the same token and finds what that run made; a replacement derives a
 * new one, so it can never mistake the object it replaces for its own.
 */
export function createToken(seed: string, urn: string, previous: string | undefined): string {
  return digest("create", seed, urn, previous ?? "");
}

/**
 * The token an update sends: a function of the object, the state it was last seen in and the
 * change itself, so that a rerun of an update whose answer was lost recognises its own write.
 */
export function writeToken(kind: string, id: string, base: unknown, body: unknown): string {
  return digest("write", kind, id, stableJson(base), stableJson(body));
}

/** A metadata patch that stamps `token`, freeing release 0.1's pair when the object may hold it. */
export function stampPatch(patch: Record<string, string | null> | undefined, token: string, mayHoldLegacyToken: boolean): Record<string, string | null> {
  return { ...patch, [WRITE_TOKEN_KEY]: token, ...(mayHoldLegacyToken ? { [LEGACY_TOKEN_KEY]: null } : {}) };
}
