// The diff (DESIGN §8, §9): what each field's change does, from the field specs (spec.ts), and
// the in-place part of a change as the API's update body. `diff` is a table plus a comparison of
// normalized values, never a chain of ifs.
import { apiCased, type ApiCased, type SnakeKey } from "../api-case";
import { snakeCase } from "../casing";
import { fieldNames, specOf, type FieldSpec, type ResourceSpec } from "./spec";
import { compact, containsUnknown, isRecord, sameValue, type Props } from "./values";

export interface FieldChange {
  field: string;
  /** "record": an option or a no-call change, stored without touching the object. */
  effect: "update" | "replace" | "record";
}

/**
 * Whether two declared values of a field make the same object: equal, or equal once the API's
 * defaults are filled in (`resolve`; an absent value is the `serverDefault`), absent, null and
 * empty alike.
 */
function sameDeclared(old: unknown, next: unknown, fs: FieldSpec): boolean {
  if (sameValue(old, next)) return true;
  if (!fs.resolve && fs.serverDefault === undefined) return false;
  const resolved = (v: unknown) => {
    const value = v ?? fs.serverDefault;
    return value === undefined || value === null ? null : compact(fs.resolve ? fs.resolve(value) : value);
  };
  return sameValue(resolved(old), resolved(next));
}

/**
 * What each field's change does, comparing old and new values as `sameDeclared` does. A value
 * unknown during preview counts as changed (and so, for a field that replaces, as a replacement).
 */
export function planChanges(
  spec: ResourceSpec,
  olds: Props,
  news: Props,
  same: (old: unknown, next: unknown, field: FieldSpec) => boolean = sameDeclared,
): FieldChange[] {
  const changes: FieldChange[] = [];
  for (const name of fieldNames(spec)) {
    const fs = specOf(spec, name);
    const rule = fs.change;
    if (rule.kind === "create-only") continue;
    const next = news[name];
    const old = olds[name];
    // Old values come from state and need not be what the schema takes: one that a comparison or
    // a rule cannot read counts as changed (a rule's answer then is a replacement).
    if (!containsUnknown(next) && orElse(() => same(old, next, fs), false)) continue;
    if (next === undefined && fs.removal === "keeps") continue;
    if (rule.kind === "option") changes.push({ field: name, effect: "record" });
    else if (rule.kind === "update") changes.push({ field: name, effect: "update" });
    else if (rule.kind === "replace") changes.push({ field: name, effect: "replace" });
    else {
      const effect = orElse(() => rule.decide(old, next), "replace");
      if (effect !== "none") changes.push({ field: name, effect });
    }
  }
  return changes;
}

function orElse<T>(f: () => T, fallback: T): T {
  try {
    return f();
  } catch {
    return fallback;
  }
}

/** How one property changes, in the terms of Pulumi's detailed diff (`PropertyDiff.Kind`). */
export type PropertyDiffKind = "add" | "add-replace" | "update" | "update-replace" | "delete" | "delete-replace";

export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
  /**
   * Every changed field and what its change does: the detailed diff the native plugin reports, so
   * that `preview --diff` marks each property, a rotated secret's included (the dynamic-provider
   * protocol has no place for it and passes only the three keys above).
   */
  detailedDiff: Record<string, PropertyDiffKind>;
}

const absent = (v: unknown) => v === undefined || v === null;

export function diffFromChanges(changes: readonly FieldChange[], olds: Props = {}, news: Props = {}): DiffResult {
  const detailedDiff: Record<string, PropertyDiffKind> = {};
  for (const { field, effect } of changes) {
    const kind = absent(olds[field]) ? "add" : absent(news[field]) ? "delete" : "update";
    detailedDiff[field] = effect === "replace" ? `${kind}-replace` : kind;
  }
  return {
    changes: changes.length > 0,
    replaces: changes.filter((c) => c.effect === "replace").map((c) => c.field),
    deleteBeforeReplace: false,
    detailedDiff,
  };
}

// ---------------------------------------------------------------------------------------------
// Update bodies

/** The API's update body for a definition `D`: changed fields re-cased, removed optional ones as null. */
export type ApiPatch<D> = {
  [K in keyof D as K extends string ? SnakeKey<K> : never]?: K extends "metadata"
    ? Record<string, string | null>
    : undefined extends D[K]
      ? ApiCased<Exclude<D[K], undefined>> | null
      : ApiCased<D[K]>;
};

/** The metadata patch: changed or added keys with their value, removed keys with null. */
export function mapPatch(olds: unknown, news: unknown): Record<string, string | null> {
  const before = isRecord(olds) ? olds : {};
  const after = isRecord(news) ? news : {};
  const patch: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(after)) if (before[k] !== v) patch[k] = String(v);
  for (const k of Object.keys(before)) if (!(k in after)) patch[k] = null;
  return patch;
}

function setAt(body: Props, dotted: string, value: unknown): void {
  const parts = dotted.split(".");
  let target = body;
  for (const part of parts.slice(0, -1)) {
    const next = target[part];
    target = isRecord(next) ? next : (target[part] = {});
  }
  target[parts[parts.length - 1]!] = value;
}

/**
 * The in-place part of a change: each field whose change is an update, keyed and encoded as its
 * spec says. A removed field is sent as null when it "clears"; one that "restores" takes its value
 * from `restored`. Null when nothing the API stores changed, so that no call is made.
 */
export function buildPatch<B = Props>(
  spec: ResourceSpec,
  olds: Props,
  news: Props,
  changes: readonly FieldChange[] = planChanges(spec, olds, news),
  restored: Record<string, unknown> = {},
): B | null {
  const body: Props = {};
  for (const { field: name, effect } of changes) {
    if (effect !== "update") continue;
    const fs = specOf(spec, name);
    const key = fs.api?.key ?? snakeCase(name);
    const next = news[name];
    if (fs.api?.patch) setAt(body, key, mapPatch(olds[name], next));
    else if (next === undefined) {
      if (fs.removal === "restores") setAt(body, key, restored[name]);
      else setAt(body, key, null);
    } else setAt(body, key, fs.api?.encode ? fs.api.encode(next, olds[name]) : apiCased(next));
  }
  // One cast, here: the body's keys and values come from the spec, whose fields are the schema's;
  // conformance tests hold each resource's body type to the SDK's params.
  return Object.keys(body).length === 0 ? null : (body as B);
}
