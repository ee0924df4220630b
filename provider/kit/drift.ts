// Drift (DESIGN §10): what Pulumi last saw of an object, kept in state as digests, and what a
// change made outside Pulumi since then is, to the field and, for an object whose updates refuse
// drift, to the leaf (`config.networking.allowedHosts`).
import { AnthropicProviderError } from "../client/errors";
import { declarationDigest } from "./metadata";
import { apiFieldNames, driftFieldNames, fieldNames, type ResourceSpec } from "./spec";
import { formatPath, isRecord, type Props } from "./values";

/**
 * What Pulumi last saw of an object: a digest of each field refresh compares, as the API returned
 * it, and for an object whose updates refuse drift (`spec.refusesDrift`) a shorter digest of each
 * of the field's parts (`config.networking`, `config.networking.allowedHosts`, `tools[0]`), down as
 * far as a budget allows. State keeps these (hidden, `__seen`) rather than the values: enough to
 * tell that a field changed outside Pulumi and where, small, and never shown in a diff.
 */
export type Seen = Record<string, string>;

/** How many parts of one field are recorded at most (state size per resource stays bounded). */
export const MAX_PARTS_PER_FIELD = 16;
/** How many changed paths a refusal names before "and N more". */
const MAX_NAMED_PATHS = 5;

// Short: a part's digest only says where a change is (the field's own digest says that it is).
const partDigest = (value: unknown) => declarationDigest(value ?? null).slice(0, 6);

/** Absent, null, an empty list or map: not recorded as a part (what is empty holds nothing to name). */
const isEmpty = (value: unknown) => value === undefined || value === null || (Array.isArray(value) && value.length === 0) || (isRecord(value) && Object.keys(value).length === 0);

interface Part {
  path: string;
  value: unknown;
}

/** A value's direct parts that hold something: a map's keys, a list's elements (a list of plain values is one leaf). */
function childrenOf(at: readonly PropertyKey[], value: unknown): Array<{ at: PropertyKey[]; value: unknown }> {
  const all = Array.isArray(value)
    ? value.some((v) => isRecord(v) || Array.isArray(v))
      ? value.map((v, i) => ({ at: [...at, i], value: v }))
      : []
    : isRecord(value)
      ? Object.keys(value).map((k) => ({ at: [...at, k], value: value[k] }))
      : [];
  return all.filter((c) => !isEmpty(c.value));
}

/**
 * A field's parts, breadth first, each part's children taken whole or not at all (so that a part
 * with any child recorded has all of its non-empty ones recorded), within `budget` parts.
 */
function partsOf(field: string, value: unknown, budget: number): Part[] {
  const parts: Part[] = [];
  const queue: Array<{ at: PropertyKey[]; value: unknown }> = [{ at: [field], value }];
  for (let node = queue.shift(); node !== undefined; node = queue.shift()) {
    const children = childrenOf(node.at, node.value);
    if (children.length === 0 || parts.length + children.length > budget) continue;
    for (const child of children) {
      parts.push({ path: formatPath(child.at), value: child.value });
      queue.push(child);
    }
  }
  return parts;
}

export function seenOf(spec: ResourceSpec, resolved: object): Seen {
  const values: Props = isRecord(resolved) ? resolved : {};
  const seen: Seen = {};
  for (const f of driftFieldNames(spec)) {
    seen[f] = declarationDigest(values[f] ?? null);
    if (spec.refusesDrift) for (const part of partsOf(f, values[f], MAX_PARTS_PER_FIELD)) seen[part.path] = partDigest(part.value);
  }
  return seen;
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
  const values: Props = isRecord(fresh) ? fresh : {};
  return driftFieldNames(spec).filter((f) => changedSince(lastSeen, values, f));
}

/**
 * Where a drifted field changed: the deepest recorded parts whose digest differs, the parts added
 * beside recorded ones, the parts removed; the field itself when its record holds no part that
 * tells (state written before parts were recorded, or a change deeper than the budget reached).
 */
function changedPaths(field: string, lastSeen: Seen, value: unknown): string[] {
  const fresh = new Map<string, unknown>();
  const children = new Map<string, string[]>();
  const walk = (at: PropertyKey[], v: unknown) => {
    const parent = formatPath(at);
    const kids = childrenOf(at, v);
    children.set(parent, kids.map((k) => formatPath(k.at)));
    for (const k of kids) {
      fresh.set(formatPath(k.at), k.value);
      walk(k.at, k.value);
    }
  };
  walk([field], value);
  const recorded = (path: string) => path in lastSeen;
  const recordedChildren = (path: string) => Object.keys(lastSeen).filter((p) => p !== path && isChildPath(path, p));
  const changed = (path: string): string[] => {
    const kids = recordedChildren(path);
    if (kids.length === 0) return [path];
    const out: string[] = [];
    for (const kid of kids) {
      if (!fresh.has(kid)) out.push(kid);
      else if (lastSeen[kid] !== partDigest(fresh.get(kid))) out.push(...changed(kid));
    }
    for (const added of children.get(path) ?? []) if (!recorded(added)) out.push(added);
    return out.length > 0 ? out : [path];
  };
  return changed(field);
}

/** Whether `child` is a direct part of `parent` (`a.b` of `a`, `a[0]` of `a`, `a["x.y"]` of `a`). */
function isChildPath(parent: string, child: string): boolean {
  if (!child.startsWith(parent) || child.length === parent.length) return false;
  const rest = child.slice(parent.length);
  const m = /^(\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\]|\[[^\]]*\])/.exec(rest);
  return m !== null && m[0].length === rest.length;
}

/** The changed paths in `fields`' order, each field's as `changedPaths` names them. */
export function driftedPaths(spec: ResourceSpec, lastSeen: Seen | undefined, fresh: object, except: readonly string[] = []): string[] {
  if (lastSeen === undefined) return [];
  const values: Props = isRecord(fresh) ? fresh : {};
  return driftedFields(spec, lastSeen, fresh)
    .filter((f) => !except.includes(f))
    .flatMap((f) => changedPaths(f, lastSeen, values[f] ?? null));
}

/** A list of paths as a refusal names it: at most a handful, then how many more. */
export function namedPaths(paths: readonly string[]): string {
  const shown = paths.slice(0, MAX_NAMED_PATHS).join(", ");
  return paths.length > MAX_NAMED_PATHS ? `${shown} and ${paths.length - MAX_NAMED_PATHS} more` : shown;
}

/** The object changed outside Pulumi since it was last seen; nothing was written. */
export class DriftError extends AnthropicProviderError {
  override name = "DriftError";
}

/** Refuses an update of an object changed outside Pulumi since `lastSeen` (in fields other than `except`), naming the changed paths. */
export function refuseDrift(spec: ResourceSpec, operation: string, lastSeen: Seen | undefined, fresh: object, except: readonly string[] = []): void {
  const paths = driftedPaths(spec, lastSeen, fresh, except);
  if (paths.length === 0) return;
  throw new DriftError(
    `${operation}: the ${spec.kind.toLowerCase()} was changed outside Pulumi since the last \`pulumi up\` or \`pulumi refresh\` (${namedPaths(paths)}); ` +
      "nothing was changed, so that change is not overwritten unseen. Run `pulumi refresh` to take it in (the next preview then shows the difference), then `pulumi up`",
  );
}
