// The fields and outputs several resources declare alike, spelled once: the metadata field (its
// input schema, of which the provider keeps one pair, is kit/metadata.ts's) and the API's timestamps.
import { z } from "zod";
import { field } from "../kit/spec";

/** The `metadata` field of an object that has one: a map sent as a patch. */
export function metadataField(change?: string) {
  return field.update<Record<string, string>>(
    {
      text: "Free-form string pairs, sent as written (keys are never re-cased). At most 15 pairs (the API allows 16; the provider keeps `pulumi-write-token`), keys up to 64 characters, values up to 512.",
      type: "map of string → string",
      change: ["sent as a patch (removed keys are deleted)", change].filter((t) => t !== undefined).join("; "),
    },
    { api: { patch: true } },
  );
}

/** A display name as the API takes one where it has no other rule: 1 to 255 characters, one line (a skill's, a tunnel's). */
export const displayNameInput = z
  .string()
  .min(1)
  .max(255, "at most 255 characters")
  .regex(/^[^\r\n]*$/, "must be a single line");

/** The API's timestamps of an object that is archived rather than deleted (or both). */
export const timestamps = {
  createdAt: z.string(),
  updatedAt: z.string(),
  archivedAt: z.string().nullable(),
};

/** What the timestamps mean, for an object called `noun` (`lastChange`: what counts as a change, if it needs saying). */
export function timestampDocs(noun: string, lastChange?: string): { createdAt: string; updatedAt: string; archivedAt: string } {
  return {
    createdAt: "RFC 3339 creation time.",
    updatedAt: `RFC 3339 time of the last change${lastChange ? ` (${lastChange})` : ""}.`,
    archivedAt: `RFC 3339 archive time; null while the ${noun} is live.`,
  };
}
