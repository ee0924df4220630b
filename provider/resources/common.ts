// What every resource kind shares: unknown-value handling, check failures in the user's camelCase
// paths, normalized comparison for diff, metadata limits, and the hook interfaces.
import { z } from "zod";
import type { ApiClient } from "../client/http-client";

/** The value the engine sends during preview for an input that is not known yet. */
export const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";

export type Props = Record<string, unknown>;

export interface CheckFailure {
  property: string;
  reason: string;
}
export interface CheckResult {
  inputs: Props;
  failures: CheckFailure[];
}
export interface DiffResult {
  changes: boolean;
  replaces: string[];
  deleteBeforeReplace: boolean;
}
export interface CreateResult {
  id: string;
  outs: Props;
}
export interface ReadResult {
  id?: string;
  props?: Props;
  inputs?: Props;
}
export interface UpdateResult {
  outs: Props;
}

/** What a hook needs from its surroundings; tests pass their own client. */
export interface HookContext {
  client(): ApiClient;
  /** How often to poll a running session (default 1 s). */
  pollIntervalMs?: number;
}

export interface ResourceHooks {
  check(olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(ctx: HookContext, inputs: Props): Promise<CreateResult>;
  read(ctx: HookContext, id: string, props: Props): Promise<ReadResult>;
  update(ctx: HookContext, id: string, olds: Props, news: Props): Promise<UpdateResult>;
  delete(ctx: HookContext, id: string, props: Props): Promise<void>;
}

export function isUnknown(value: unknown): boolean {
  return value === UNKNOWN;
}

export function containsUnknown(value: unknown): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === "object") return Object.values(value).some(containsUnknown);
  return false;
}

/** `tools[0].inputSchema`: how Pulumi users write a path into their inputs. */
export function formatPath(path: ReadonlyArray<PropertyKey>): string {
  let out = "";
  for (const part of path) {
    if (typeof part === "number") out += `[${part}]`;
    else out += out === "" ? String(part) : `.${String(part)}`;
  }
  return out;
}

function valueAt(root: unknown, path: ReadonlyArray<PropertyKey>): { found: boolean; value: unknown } {
  let current: unknown = root;
  for (const part of path) {
    if (current === UNKNOWN) return { found: true, value: UNKNOWN };
    if (current === null || typeof current !== "object") return { found: false, value: undefined };
    current = (current as Record<PropertyKey, unknown>)[part];
  }
  return { found: true, value: current };
}

/**
 * Validates `news` with a strict schema and reports every problem at once. A problem located at, or
 * inside, a value that is unknown during preview is dropped: the real value is checked again at
 * `up`, when it is known.
 */
export function checkWithSchema<S extends z.ZodType>(
  schema: S,
  news: Props,
  crossFieldChecks?: (inputs: z.infer<S>) => CheckFailure[],
): CheckResult {
  const { __provider: _provider, ...userInputs } = news;
  const parsed = schema.safeParse(userInputs);
  if (parsed.success) {
    const failures = crossFieldChecks ? crossFieldChecks(parsed.data) : [];
    return { inputs: stripUndefined(parsed.data as Props), failures };
  }
  const failures: CheckFailure[] = [];
  for (const issue of parsed.error.issues) {
    const at = valueAt(userInputs, issue.path);
    if (at.found && containsUnknown(at.value)) continue;
    failures.push({ property: formatPath(issue.path) || "(inputs)", reason: describeIssue(issue) });
  }
  return { inputs: userInputs, failures };
}

function describeIssue(issue: z.core.$ZodIssue): string {
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
    return `unknown field${issue.keys.length > 1 ? "s" : ""} ${issue.keys.map((k) => JSON.stringify(k)).join(", ")} (check the spelling; inputs are camelCase)`;
  }
  return issue.message;
}

export function stripUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map(stripUndefined) as T;
  if (value === null || typeof value !== "object") return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = stripUndefined(v);
  return out as T;
}

/** JSON with sorted keys: equal values give equal text whatever the key order. */
export function stableJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => {
    if (v === null || typeof v !== "object" || Array.isArray(v)) return v;
    return Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  });
}

/** Absent, null and an empty map mean the same thing for optional inputs. */
function normalizedForComparison(value: unknown): unknown {
  if (value === undefined || value === null) return null;
  if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) return null;
  return value;
}

export function sameValue(a: unknown, b: unknown): boolean {
  return stableJson(normalizedForComparison(a)) === stableJson(normalizedForComparison(b));
}

/** The value at a dotted path ("config.type"); unknown as soon as any step is unknown. */
export function valueAtPath(props: Props, path: string): unknown {
  let current: unknown = props;
  for (const part of path.split(".")) {
    if (current === UNKNOWN) return UNKNOWN;
    if (current === null || typeof current !== "object") return undefined;
    current = (current as Props)[part];
  }
  return current;
}

/**
 * The diff table (DESIGN §8): compares each input field's normalized old and new value. A changed
 * path listed in `replacePaths` (a field, or a dotted path into one such as "config.type") forces
 * replacement of its top-level field. Fields in `keepWhenAbsent` have no say when the program omits
 * them (e.g. a session's `agentVersion`: no pin means "whatever it runs now"). An unknown new value
 * counts as changed.
 */
export function planDiff(args: {
  fields: readonly string[];
  replacePaths: readonly string[];
  keepWhenAbsent?: readonly string[];
  olds: Props;
  news: Props;
}): DiffResult & { changed: string[] } {
  const differs = (path: string) => {
    const next = valueAtPath(args.news, path);
    if (next === undefined && args.keepWhenAbsent?.includes(path)) return false;
    return containsUnknown(next) || !sameValue(valueAtPath(args.olds, path), next);
  };
  const changed = args.fields.filter(differs);
  const replaces = [...new Set(args.replacePaths.filter(differs).map((p) => p.split(".")[0]!))];
  return { changes: changed.length > 0, replaces, deleteBeforeReplace: false, changed };
}

/** The diff hook's answer: the table's verdict without the list of changed fields. */
export function diffByTable(args: Parameters<typeof planDiff>[0]): DiffResult {
  const { changed: _changed, ...result } = planDiff(args);
  return result;
}

/**
 * Outputs of an update that needed no API call (only provider options changed): the new declared
 * inputs next to the server's view we already had.
 */
export function outputsWithoutCall(args: {
  news: Props;
  olds: Props;
  declaredFields: readonly string[];
  computedFields: readonly string[];
}): Props {
  const kept = Object.fromEntries(args.computedFields.map((k) => [k, args.olds[k]]));
  return toPulumiProps({ ...pickDeclared(args.news, args.declaredFields), ...kept });
}

/**
 * Drift after a refresh. `lastSeen` is the server's view recorded at the last create, update or
 * refresh; `fresh` is the server's view now. A field the server did not change keeps the user's own
 * declaration (so defaults the API filled in never show as drift); a field changed outside Pulumi
 * takes the server's value, in declared form, so that the next preview shows the difference.
 */
export function inputsAfterRefresh<F extends string>(args: {
  fields: readonly F[];
  declared: Props;
  lastSeen: Partial<Record<F, unknown>> | undefined;
  fresh: Record<F, unknown>;
  asDeclared: (field: F, value: unknown) => unknown;
}): Props {
  const inputs: Props = {};
  for (const f of args.fields) {
    const drifted = args.lastSeen !== undefined && !sameValue(args.lastSeen[f], args.fresh[f]);
    const value = drifted ? args.asDeclared(f, args.fresh[f]) : args.declared[f];
    if (value !== undefined && value !== null) inputs[f] = value;
  }
  return inputs;
}

/** The declared inputs among `props` (outputs echo inputs under the same keys). */
export function pickDeclared(props: Props, fields: readonly string[]): Props {
  const out: Props = {};
  for (const f of fields) if (props[f] !== undefined && props[f] !== null) out[f] = props[f];
  return out;
}

/** A server value in the form a user would declare it: empty lists and maps, and null, are absent. */
export function emptyAsAbsent(value: unknown): unknown {
  if (value === null) return undefined;
  if (Array.isArray(value) && value.length === 0) return undefined;
  if (typeof value === "object" && !Array.isArray(value) && Object.keys(value).length === 0) return undefined;
  return value;
}

// Metadata limits of the API: at most 16 pairs, keys up to 64 characters, values up to 512.
export const METADATA_MAX_PAIRS = 16;
export const METADATA_MAX_KEY = 64;
export const METADATA_MAX_VALUE = 512;

/**
 * The metadata key that carries a create's idempotency token (DESIGN §7). It uses one of the API's
 * 16 pairs, so users get 15.
 */
export const CREATE_TOKEN_KEY = "pulumi-create-token";

export const metadataInput = z
  .record(
    z.string().min(1, "metadata keys must not be empty").max(METADATA_MAX_KEY, `metadata keys are at most ${METADATA_MAX_KEY} characters`),
    z.string().max(METADATA_MAX_VALUE, `metadata values are at most ${METADATA_MAX_VALUE} characters`),
  )
  .refine((m) => Object.keys(m).length <= METADATA_MAX_PAIRS - 1, {
    message: `at most ${METADATA_MAX_PAIRS - 1} metadata pairs (the API allows ${METADATA_MAX_PAIRS}; this provider keeps one, "${CREATE_TOKEN_KEY}", for safe retries of creates)`,
  })
  .refine((m) => !(CREATE_TOKEN_KEY in m), { message: `the metadata key "${CREATE_TOKEN_KEY}" is reserved by this provider` });

/** The metadata patch: changed or added keys with their value, removed keys with null. */
export function metadataPatch(
  olds: Record<string, string> | undefined,
  news: Record<string, string> | undefined,
): Record<string, string | null> {
  const patch: Record<string, string | null> = {};
  for (const [k, v] of Object.entries(news ?? {})) if (olds?.[k] !== v) patch[k] = v;
  for (const k of Object.keys(olds ?? {})) if (!(news && k in news)) patch[k] = null;
  return patch;
}

export function withoutCreateToken(metadata: Record<string, string>): Record<string, string> {
  const { [CREATE_TOKEN_KEY]: _token, ...rest } = metadata;
  return rest;
}

/** The timestamps every API object carries, as outputs. */
export function lifecycleOutputs(api: { created_at: string; updated_at: string; archived_at?: string | null | undefined }): Props {
  return { createdAt: api.created_at, updatedAt: api.updated_at, archivedAt: api.archived_at ?? null };
}

/** Pulumi rejects `undefined` anywhere in returned properties ("Unexpected struct type"). */
export function toPulumiProps(value: Props): Props {
  return stripUndefined(value);
}
