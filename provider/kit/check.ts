// `check`: every problem at once, in the user's camelCase paths, tolerant of values unknown during
// preview (they are checked again at `up`, when known).
import type { z } from "zod";
import { quoteKey } from "./quote";
import { containsUnknown, formatPath, valueAt, type Props } from "./values";
import { isConcealedNonString } from "./write-only";

export interface CheckFailure {
  /** The user's path ("tools[0].inputSchema"); empty for a problem of the resource as a whole. */
  property: string;
  reason: string;
}

/** Parses with a strict schema; on failure, every problem not located at an unknown value. */
export function parseWithSchema<S extends z.ZodType>(
  schema: S,
  inputs: Props,
): { ok: true; value: z.infer<S> } | { ok: false; failures: CheckFailure[] } {
  const parsed = schema.safeParse(inputs);
  if (parsed.success) return { ok: true, value: parsed.data };
  const failures: CheckFailure[] = [];
  for (const issue of parsed.error.issues) {
    const at = valueAt(inputs, issue.path);
    if (at.found && containsUnknown(at.value)) continue;
    // A write-only value of another type was hashed where it stood (kit/write-only.ts): never shown.
    const reason = at.found && isConcealedNonString(at.value) ? "must be a string (the value given is another type; write-only values are never shown)" : describeIssue(issue);
    failures.push({ property: formatPath(issue.path) || "(inputs)", reason });
  }
  return { ok: false, failures };
}

export function describeIssue(issue: z.core.$ZodIssue): string {
  // Record keys and unions wrap the real problem; show the one the user can act on.
  if (issue.code === "invalid_key" && issue.issues[0]) return describeIssue(issue.issues[0]);
  if (issue.code === "invalid_union" && issue.errors.length > 0) {
    const closest = [...issue.errors].sort((a, b) => a.length - b.length)[0]!;
    if (closest[0]) {
      const where = formatPath(closest[0].path);
      return `${where ? `${where}: ` : ""}${describeIssue(closest[0])}`;
    }
  }
  if (issue.code === "unrecognized_keys") {
    const keys = issue.keys.slice(0, 5).map((k) => quoteKey(k)).join(", ") + (issue.keys.length > 5 ? `, and ${issue.keys.length - 5} more` : "");
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${keys} (check the spelling; inputs are camelCase)`;
  }
  return issue.message;
}
