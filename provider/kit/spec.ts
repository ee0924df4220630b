// The resource kit's field specs (DESIGN §9): one spec per input field, next to its zod schema,
// saying what a change does, what removing the field does, whether refresh reports drift for it,
// and whether it is secret or write-only. Field lists, the diff (diff.ts), the drift set
// (drift.ts), update bodies, the SDK's declared outputs and the README's "a change does" column are
// all derived from it. The spec's type requires an entry for every field of the schema, typed by
// the field's value: a field without one, or a `resolve` / `encode` of another type, does not
// compile.
import type { z } from "zod";

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

/**
 * The spec of one field whose declared value is `V` (`undefined` for an absent optional field is
 * left out of the hooks' parameter types: they are called with a value only).
 */
export interface FieldSpec<V = unknown> {
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
   * default, or a refresh that brought back the server's defaults, shows no change. State may hold
   * a value that is not `V` (a refresh's view of a change made outside Pulumi): a `resolve` reads
   * such a value defensively, and one that throws counts the field as changed.
   */
  resolve?(declared: Exclude<V, undefined>): unknown;
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
  readonly api?: FieldApi<V>;
  /** Documentation: what the field is (JSDoc), its short type (README), what a change adds. */
  readonly doc: { readonly text: string; readonly type: string; readonly change?: string };
}

export interface FieldApi<V> {
  /** The body key, dotted for nesting ("agent.tools"). */
  readonly key?: string;
  /** Sent as a patch of keys: changed keys with their value, removed keys as null. */
  readonly patch?: true;
  /** The value as sent; `old` is the value state holds (undefined when there is none, as at adoption). */
  encode?(value: Exclude<V, undefined>, old?: unknown): unknown;
}

/** One spec per field of the input type, typed by the field's value: a missing or extra key is a compile error. */
export type FieldSpecs<I> = { readonly [K in keyof I]-?: FieldSpec<I[K]> };

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
  /**
   * Whether an update refuses to overwrite a change made outside Pulumi (an object without
   * versions, DESIGN §10): state then keeps digests deep enough to name the changed leaf paths
   * (drift.ts), not only the fields.
   */
  readonly refusesDrift?: true;
  /**
   * Outputs that hold a secret the API gives (a tunnel's connector token): stored as Pulumi
   * secrets (encrypted in state, `[secret]` in previews), marked so by both front doors, and kept
   * out of the program's debug log by the SDK (sdk/resource.ts).
   */
  readonly secretOutputs?: ReadonlyArray<keyof z.infer<O> & string>;
}

export function defineSpec<S extends z.ZodObject, O extends z.ZodObject>(spec: ResourceSpec<S, O>): ResourceSpec<S, O> {
  return spec;
}

// ---------------------------------------------------------------------------------------------
// Field kinds, as the specs write them

type Extra<V> = Omit<FieldSpec<V>, "change" | "doc">;
type Doc = FieldSpec["doc"];

export const field = {
  update: <V = unknown>(doc: Doc, extra: Extra<V> = {}): FieldSpec<V> => ({ change: { kind: "update" }, doc, ...extra }),
  replace: <V = unknown>(doc: Doc, extra: Extra<V> = {}): FieldSpec<V> => ({ change: { kind: "replace" }, doc, ...extra }),
  option: <V = unknown>(doc: Doc, extra: Extra<V> = {}): FieldSpec<V> => ({ change: { kind: "option" }, doc, ...extra }),
  createOnly: <V = unknown>(doc: Doc, extra: Extra<V> = {}): FieldSpec<V> => ({ change: { kind: "create-only" }, doc, ...extra }),
  rule: <V = unknown>(decide: (old: unknown, next: unknown) => Effect, ruleDoc: string, doc: Doc, extra: Extra<V> = {}): FieldSpec<V> => ({
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

/** The spec of one field, by name. */
export function specOf(spec: ResourceSpec, name: string): FieldSpec {
  const found: FieldSpec | undefined = Object.hasOwn(spec.fields, name) ? spec.fields[name] : undefined;
  if (!found) throw new Error(`${spec.kind} has no field ${name}`);
  return found;
}

/** The doc of one computed output, by name. */
export function outputDoc(spec: ResourceSpec, name: string): string {
  const found: string | undefined = Object.hasOwn(spec.outputDocs, name) ? spec.outputDocs[name] : undefined;
  if (found === undefined) throw new Error(`${spec.kind} has no output ${name}`);
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

/** The computed outputs that hold a secret (`spec.secretOutputs`). */
export function secretOutputNames(spec: ResourceSpec): string[] {
  return [...(spec.secretOutputs ?? [])];
}

/** Fields that are always secrets (a write-only field is one whenever it holds a write-only value). */
export function secretFieldNames(spec: ResourceSpec): string[] {
  return fieldNames(spec).filter((f) => specOf(spec, f).secret === true);
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
