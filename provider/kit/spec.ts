// The resource kit's field specs (DESIGN §9): one spec per input field, next to its zod schema,
// saying what a change does, what removing the field does, whether refresh reports drift for it,
// and whether it is secret or write-only. Field lists, the diff, the drift set, update bodies, the
// SDK's declared outputs and the README's "a change does" column are all derived from it. The
// spec's type requires an entry for every field of the schema: a field without one does not
// compile.
import type { z } from "zod";
import { apiCased, type ApiCased, type SnakeKey } from "../api-case";
import { AnthropicProviderError } from "../client/errors";
import { snakeCase } from "../casing";
import { declarationDigest } from "./metadata";
import { compact, containsUnknown, isRecord, sameValue, type Props } from "./values";

/** What a change of one field does to the API object. */
export type Effect = "update" | "replace" | "none";

export type ChangeRule =
  /** Sent to the API as an in-place update. */
  | { readonly kind: "update" }
  /** A new object replaces the old one. */
  | { readonly kind: "replace" }
  /** The provider's own option: recorded in state without an API call. */
  | { readonly kind: "option" }
  /** Read once, at create: later changes do nothing. */
  | { readonly kind: "create-only" }
  /**
   * The API decides by the old *and* the new value (DESIGN §3): `decide` is called only when the
   * values differ; a value unknown during preview is passed as the unknown sentinel, which no
   * rule mistakes for an equal value.
   */
  | { readonly kind: "rule"; readonly decide: (old: unknown, next: unknown) => Effect; readonly doc: string };

export interface FieldSpec {
  readonly change: ChangeRule;
  /**
   * What removing an optional API field from the program does: "clears" it on the object, "keeps"
   * whatever the object has (the program has no opinion), or "restores" a default the resource
   * computes.
   */
  readonly removal?: "clears" | "keeps" | "restores";
  /** Whether refresh reports a change made outside Pulumi (API fields; default true). */
  readonly drift?: boolean;
  /** What the API holds when the field is absent (taking over an object that holds it is no change). */
  readonly serverDefault?: unknown;
  /**
   * The API's resolved form of a declared value: the defaults it fills in, filled in (and a value
   * already in resolved form unchanged). The diff compares resolved forms, so that spelling out a
   * default, or a refresh that brought back the server's defaults, shows no change.
   */
  readonly resolve?: (declared: never) => unknown;
  /** Stored as a Pulumi secret (encrypted in state, hidden in previews). */
  readonly secret?: boolean;
  /**
   * Property names, anywhere inside the value, that hold write-only secrets: the API never returns
   * them, and state keeps only a hash (which also detects a change; see kit/write-only.ts).
   */
  readonly writeOnly?: readonly string[];
  /**
   * Computed by the provider at every `check` (preview and `up`) from the other inputs, e.g. a
   * skill folder's content hash: not an argument (a value given is discarded), but recorded and
   * compared like an input, so a change shows in the preview. See `TypedHooks.derive`.
   */
  readonly computed?: true;
  /** How the value travels to the API in an update (default: the snake_case key, re-cased value). */
  readonly api?: {
    /** The body key, dotted for nesting ("agent.tools"). */
    readonly key?: string;
    /** Sent as a patch of keys: changed keys with their value, removed keys as null. */
    readonly patch?: true;
    /** The value as sent; `old` is the value state holds (undefined when there is none, as at adoption). */
    readonly encode?: (value: never, old?: unknown) => unknown;
  };
  /** Documentation: what the field is (JSDoc), its short type (README), what a change adds. */
  readonly doc: { readonly text: string; readonly type: string; readonly change?: string };
}

/** One spec per field of the input type: a missing or extra key is a compile error. */
export type FieldSpecs<I> = { readonly [K in keyof I]-?: FieldSpec };

export interface ResourceSpec<S extends z.ZodObject = z.ZodObject, O extends z.ZodObject = z.ZodObject> {
  /** The kind stored in state (`__kind`) and the class name: permanent. */
  readonly kind: string;
  /** What the object is, for the README and the class JSDoc. */
  readonly summary: string;
  readonly inputs: S;
  readonly fields: FieldSpecs<z.infer<S>>;
  /** What an in-place update means for this object ("new version", "update in place"). */
  readonly updateText: string;
  /** What the provider computes or reads back: outputs next to the echoed inputs. */
  readonly outputs: O;
  readonly outputDocs: { readonly [K in keyof z.infer<O>]-?: string };
  /**
   * For an object that lives inside another (a vault's credential, a store's memory): the input
   * field holding the parent's id. `pulumi import` and `get` then address the object as
   * `<parentId>/<id>`; its id stays the API's own.
   */
  readonly parent?: keyof z.infer<S> & string;
  /**
   * Fields that name another object of this package: when that object is declared in the same
   * program, the SDK hands `check` its declared `context` inputs (kit/resource.ts `CheckContext`),
   * so that a rule the API applies across the two fails preview, not `up`.
   */
  readonly references?: { readonly [F in keyof z.infer<S> & string]?: { readonly kind: string; readonly context: readonly string[] } };
}

export function defineSpec<S extends z.ZodObject, O extends z.ZodObject>(spec: ResourceSpec<S, O>): ResourceSpec<S, O> {
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Field kinds, as the specs write them

type Extra = Omit<FieldSpec, "change" | "doc">;
type Doc = FieldSpec["doc"];

export const field = {
  update: (doc: Doc, extra: Extra = {}): FieldSpec => ({ change: { kind: "update" }, doc, ...extra }),
  replace: (doc: Doc, extra: Extra = {}): FieldSpec => ({ change: { kind: "replace" }, doc, ...extra }),
  option: (doc: Doc, extra: Extra = {}): FieldSpec => ({ change: { kind: "option" }, doc, ...extra }),
  createOnly: (doc: Doc, extra: Extra = {}): FieldSpec => ({ change: { kind: "create-only" }, doc, ...extra }),
  rule: (decide: (old: unknown, next: unknown) => Effect, ruleDoc: string, doc: Doc, extra: Extra = {}): FieldSpec => ({
    change: { kind: "rule", decide, doc: ruleDoc },
    doc,
    ...extra,
  }),
};

// ---------------------------------------------------------------------------------------------
// Derived lists

export function fieldNames(spec: ResourceSpec): string[] {
  return Object.keys(spec.fields);
}

function specOf(spec: ResourceSpec, name: string): FieldSpec {
  const found = (spec.fields as Record<string, FieldSpec | undefined>)[name];
  if (!found) throw new Error(`${spec.kind} has no field ${name}`);
  return found;
}

const API_KINDS = new Set(["update", "replace", "rule"]);

/** Fields the API stores. */
export function apiFieldNames(spec: ResourceSpec): string[] {
  return fieldNames(spec).filter((f) => API_KINDS.has(specOf(spec, f).change.kind));
}

/** Fields whose change may replace the object (a replacement or a rule of old and new value). */
export function fixedFieldNames(spec: ResourceSpec): string[] {
  return fieldNames(spec).filter((f) => ["replace", "rule"].includes(specOf(spec, f).change.kind));
}

/** Fields whose change the API would see (refresh compares them with the server). */
export function driftFieldNames(spec: ResourceSpec): string[] {
  return apiFieldNames(spec).filter((f) => specOf(spec, f).drift !== false && !specOf(spec, f).writeOnly);
}

/**
 * The output a resource's hooks return with the API's view of the object: the kit keeps it in
 * state only as hidden digests (resource.ts), so it is not an output users see.
 */
export const RESOLVED_OUTPUT = "resolved";

/** The computed outputs' names (declared by the SDK class next to the echoed inputs). */
export function outputNames(spec: ResourceSpec): string[] {
  return Object.keys(spec.outputs.shape).filter((o) => o !== RESOLVED_OUTPUT);
}

/** Write-only property names per field. */
export function writeOnlyFields(spec: ResourceSpec): Array<[string, readonly string[]]> {
  return fieldNames(spec).flatMap((f): Array<[string, readonly string[]]> => {
    const keys = specOf(spec, f).writeOnly;
    return keys ? [[f, keys]] : [];
  });
}

/** Fields the provider computes at `check` (not arguments). */
export function computedFieldNames(spec: ResourceSpec): string[] {
  return fieldNames(spec).filter((f) => specOf(spec, f).computed === true);
}

/** Fields that are always secrets (a write-only field is one whenever it holds a write-only value). */
export function secretFieldNames(spec: ResourceSpec): string[] {
  return fieldNames(spec).filter((f) => specOf(spec, f).secret === true);
}

// ---------------------------------------------------------------------------------------------
// The diff

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
export function sameDeclared(old: unknown, next: unknown, fs: FieldSpec): boolean {
  if (sameValue(old, next)) return true;
  if (!fs.resolve && fs.serverDefault === undefined) return false;
  const resolve = (fs.resolve as ((d: unknown) => unknown) | undefined) ?? ((d: unknown) => d);
  const resolved = (v: unknown) => {
    const value = v ?? fs.serverDefault;
    return value === undefined || value === null ? null : compact(resolve(value));
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
    } else setAt(body, key, fs.api?.encode ? (fs.api.encode as (v: unknown, old: unknown) => unknown)(next, olds[name]) : apiCased(next));
  }
  // One cast, here: the body's keys and values come from the spec, whose fields are the schema's;
  // conformance tests hold each resource's body type to the SDK's params.
  return Object.keys(body).length === 0 ? null : (body as B);
}

// ---------------------------------------------------------------------------------------------
// Drift

/**
 * What Pulumi last saw of an object: a digest of each field refresh compares, as the API returned
 * it. State keeps these (hidden, `__seen`) rather than the values: enough to tell that a field
 * changed outside Pulumi, small, and never shown in a diff.
 */
export type Seen = Record<string, string>;

export function seenOf(spec: ResourceSpec, resolved: object): Seen {
  const values = resolved as Props;
  return Object.fromEntries(driftFieldNames(spec).map((f) => [f, declarationDigest(values[f] ?? null)]));
}

function changedSince(seen: Seen, fresh: Props, f: string): boolean {
  return f in seen && seen[f] !== declarationDigest(fresh[f] ?? null);
}

/**
 * The inputs that describe the object after a refresh. `lastSeen` is what the last create, update
 * or refresh saw; `fresh` is the server's view now. A field the server did not change keeps the
 * user's declaration (so defaults the API filled in never show as drift); a field changed outside
 * Pulumi takes the server's value, in declared form, so that the next preview shows the
 * difference. Fields refresh cannot see (options, write-only values) keep theirs.
 */
export function inputsAfterRefresh<I>(args: {
  spec: ResourceSpec;
  declared: Partial<I>;
  /** "none": nothing recorded (a `get`): every field the server has is taken from it. */
  lastSeen: Seen | "none" | undefined;
  fresh: Props;
  asDeclared: (field: string, value: unknown) => unknown;
}): Partial<I> {
  const drift = new Set(driftFieldNames(args.spec));
  const api = new Set(apiFieldNames(args.spec));
  const declared: Props = args.declared;
  const inputs: Props = {};
  for (const f of fieldNames(args.spec)) {
    const seen = args.lastSeen;
    // With nothing recorded, the object is what the server says, write-only fields included (the
    // secrets inside them are the caller's to mark unknown). A field the record does not hold (an
    // older release's) cannot be said to have drifted.
    const drifted = seen === "none" ? api.has(f) && args.fresh[f] !== undefined : drift.has(f) && seen !== undefined && changedSince(seen, args.fresh, f);
    const value = drifted ? args.asDeclared(f, args.fresh[f]) : declared[f];
    if (value !== undefined && value !== null) inputs[f] = value;
  }
  return inputs as Partial<I>;
}

/** An object as state would declare it had Pulumi made it: each API field's value in declared form. */
export function declaredFrom<I>(spec: ResourceSpec, resolved: Props, asDeclared: (field: string, value: unknown) => unknown): Partial<I> {
  const inputs: Props = {};
  for (const f of apiFieldNames(spec)) {
    const v = asDeclared(f, resolved[f]);
    if (v !== undefined && v !== null) inputs[f] = v;
  }
  return inputs as Partial<I>;
}

/** The fields changed outside Pulumi since `lastSeen`: what an update of an object without versions must not overwrite unseen (DESIGN §10). */
export function driftedFields(spec: ResourceSpec, lastSeen: Seen | undefined, fresh: object): string[] {
  if (lastSeen === undefined) return [];
  return driftFieldNames(spec).filter((f) => changedSince(lastSeen, fresh as Props, f));
}

/** The object changed outside Pulumi since it was last seen; nothing was written. */
export class DriftError extends AnthropicProviderError {
  override name = "DriftError";
}

/** Refuses an update of an object changed outside Pulumi since `lastSeen` (in fields other than `except`), naming the fields. */
export function refuseDrift(spec: ResourceSpec, operation: string, lastSeen: Seen | undefined, fresh: object, except: readonly string[] = []): void {
  const paths = driftedFields(spec, lastSeen, fresh).filter((f) => !except.includes(f));
  if (paths.length === 0) return;
  throw new DriftError(
    `${operation}: the ${spec.kind.toLowerCase()} was changed outside Pulumi since the last \`pulumi up\` or \`pulumi refresh\` (${paths.join(", ")}); ` +
      "nothing was changed, so that change is not overwritten unseen. Run `pulumi refresh` to take it in (the next preview then shows the difference), then `pulumi up`",
  );
}

// ---------------------------------------------------------------------------------------------
// Documentation

/** The README's "a change does" text for one field, from its spec. */
export function changeText(spec: ResourceSpec, name: string): string {
  const fs = specOf(spec, name);
  const rule = fs.change;
  const base =
    rule.kind === "update"
      ? spec.updateText
      : rule.kind === "replace"
        ? "**replace**"
        : rule.kind === "option"
          ? "recorded, no API call"
          : rule.kind === "create-only"
            ? "nothing: only read at create"
            : rule.doc;
  const removal =
    fs.doc.change?.includes("removing it") === true
      ? undefined
      : fs.removal === "clears"
        ? "removing it clears it"
        : fs.removal === "keeps"
          ? "removing it keeps the current value"
          : undefined;
  return [base, fs.doc.change, removal].filter((t) => t !== undefined).join("; ");
}
