// Write-only secrets (a GitHub token, a credential value): the API never returns them, and
// nothing the engine logs may hold them. `check` replaces each with a hash in what it returns (the
// hash also detects a change; the field is a Pulumi secret, so state holds it encrypted), and keeps
// the value itself in this process, where `create` and `update` of the same run take it back
// (PULUMI-NOTES.md, "Secrets and the event stream"). Refresh and destroy never need it.
//
// The hash is not keyed: a key that could change (the API key) would make every secret look
// changed after a rotation, and one kept in state would protect nothing that state's encryption
// does not already protect.
import { createHash } from "node:crypto";
import { registerSecret } from "../client/redact";
import { AnthropicProviderError } from "../client/errors";
import { writeOnlyFields, type ResourceSpec } from "./spec";
import { isRecord, UNKNOWN } from "./values";

const PREFIX = "sha256:";

/** Plaintext by hash, for this process only. */
const vault = new Map<string, string>();

export function isConcealed(value: unknown): value is string {
  return typeof value === "string" && value.startsWith(PREFIX);
}

const DOMAIN = "pulumi-anthropic-managed-agents write-only value";

export function concealValue(value: string): string {
  const hash = PREFIX + createHash("sha256").update(`${DOMAIN}\u0000${value}`).digest("hex");
  vault.set(hash, value);
  registerSecret(value);
  return hash;
}

/** Maps every value under one of `keys`, anywhere inside `value`. */
function mapKeys(value: unknown, keys: readonly string[], f: (secret: unknown, path: string) => unknown, path: string): unknown {
  if (Array.isArray(value)) return value.map((v, i) => mapKeys(v, keys, f, `${path}[${i}]`));
  if (!isRecord(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    const at = `${path}.${k}`;
    out[k] = keys.includes(k) && v !== undefined ? f(v, at) : mapKeys(v, keys, f, at);
  }
  return out;
}

/** `value` with each write-only secret replaced by its hash; hashes (from state) and unknowns stay. */
export function conceal(value: unknown, keys: readonly string[], path: string): unknown {
  return mapKeys(
    value,
    keys,
    (secret) => (secret === UNKNOWN || secret === UNKNOWN_TO_PULUMI || isConcealed(secret) || typeof secret !== "string" ? secret : concealValue(secret)),
    path,
  );
}

export class SecretNotAvailableError extends AnthropicProviderError {
  override name = "SecretNotAvailableError";
}

/** `value` with each hash replaced by the secret `check` saw in this process. */
export function reveal(value: unknown, keys: readonly string[], path: string, label: string): unknown {
  return mapKeys(value, keys, (secret, at) => {
    if (!isConcealed(secret)) return secret;
    const plain = vault.get(secret);
    if (plain === undefined) {
      throw new SecretNotAvailableError(
        `${label}: the value of ${at} was not given to this provider process (write-only secrets travel from \`check\` to \`create\`/\`update\` within one run and are never stored): run \`pulumi up\` again`,
      );
    }
    return plain;
  }, path);
}

/** Every write-only value of a resource's declared inputs as its hash (see `conceal`). */
export function concealWriteOnly(spec: ResourceSpec, props: Record<string, unknown>): Record<string, unknown> {
  const out = { ...props };
  for (const [f, keys] of writeOnlyFields(spec)) if (out[f] !== undefined) out[f] = conceal(out[f], keys, f);
  return out;
}

// ---------------------------------------------------------------------------------------------
// Write-only values Pulumi does not know (an imported object)

/**
 * What a write-only value reads as when Pulumi never saw it: an object taken in by `pulumi import`
 * or `get` holds a secret the API never returns. Declared as it is (the code `pulumi import`
 * writes), it means "whatever the object holds": no change, and nothing sent. Declared as a real
 * value, it is sent (a rotation in place), and from then on state keeps its hash. A create cannot
 * use it: a new object needs the value itself.
 */
export const UNKNOWN_TO_PULUMI = "(unknown to Pulumi: set the real value to manage it)";

type Segment = string | number;

function at(value: unknown, path: readonly Segment[]): unknown {
  let current = value;
  for (const part of path) {
    if (Array.isArray(current) && typeof part === "number") current = current[part];
    else if (isRecord(current) && typeof part === "string") current = current[part];
    else return undefined;
  }
  return current;
}

function setAt(value: unknown, path: readonly Segment[], next: unknown): void {
  const parent = at(value, path.slice(0, -1));
  const last = path[path.length - 1];
  if (Array.isArray(parent) && typeof last === "number") parent[last] = next;
  else if (isRecord(parent) && typeof last === "string") parent[last] = next;
}

/** The paths of write-only values in `props` (field first), with their values. */
function writeOnlyValues(spec: ResourceSpec, props: Record<string, unknown>): Array<{ path: Segment[]; value: unknown }> {
  const out: Array<{ path: Segment[]; value: unknown }> = [];
  for (const [f, keys] of writeOnlyFields(spec)) {
    mapKeys(props[f], keys, (value, dotted) => {
      out.push({ path: parsePath(dotted), value });
      return value;
    }, f);
  }
  return out;
}

/** `auth.refresh.refreshToken`, `resources[1].authorizationToken` → segments. */
function parsePath(dotted: string): Segment[] {
  return [...dotted.matchAll(/([^.[\]]+)|\[(\d+)\]/g)].map((m) => (m[2] !== undefined ? Number(m[2]) : m[1]!));
}

/**
 * Inputs read from the API with no state to take write-only values from (an import): each one the
 * input schema requires is filled in as `UNKNOWN_TO_PULUMI`, so that the inputs describe the object
 * (and the code `pulumi import` writes from them passes the schema).
 */
export function markUnknownWriteOnly(spec: ResourceSpec, inputs: Record<string, unknown>): Record<string, unknown> {
  const keys = new Set(writeOnlyFields(spec).flatMap(([, k]) => k));
  const out = structuredClone(inputs);
  // Each round fills what the schema asks for at the depth it reached (a union reports the
  // variant's missing keys only once its discriminator is known).
  for (let round = 0; round < 8; round++) {
    const parsed = spec.inputs.safeParse(out);
    if (parsed.success) break;
    const missing = parsed.error.issues.filter((i) => {
      const last = i.path[i.path.length - 1];
      return i.code === "invalid_type" && typeof last === "string" && keys.has(last) && at(out, i.path as Segment[]) === undefined && isRecord(at(out, i.path.slice(0, -1) as Segment[]));
    });
    if (missing.length === 0) break;
    for (const issue of missing) setAt(out, issue.path as Segment[], UNKNOWN_TO_PULUMI);
  }
  return out;
}

/**
 * `news` with each write-only value declared as `UNKNOWN_TO_PULUMI` replaced by what `olds` (both
 * concealed) holds at the same place: "whatever the object holds" is what state recorded.
 */
export function keepRecordedWriteOnly(spec: ResourceSpec, olds: Record<string, unknown>, news: Record<string, unknown>): Record<string, unknown> {
  const marked = writeOnlyValues(spec, news).filter((v) => v.value === UNKNOWN_TO_PULUMI);
  if (marked.length === 0) return news;
  const out = structuredClone(news);
  for (const { path } of marked) {
    const recorded = at(olds, path);
    if (typeof recorded === "string") setAt(out, path, recorded);
  }
  return out;
}

/** Where `props` declares a write-only value as unknown to Pulumi (`auth.token`). */
export function unknownWriteOnlyPaths(spec: ResourceSpec, props: Record<string, unknown>): string[] {
  return writeOnlyValues(spec, props)
    .filter((v) => v.value === UNKNOWN_TO_PULUMI)
    .map((v) => v.path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join(""));
}

/** `props` without the write-only values unknown to Pulumi: an update leaves what the object holds. */
export function withoutUnknownWriteOnly<T extends Record<string, unknown>>(spec: ResourceSpec, props: T): T {
  const marked = writeOnlyValues(spec, props).filter((v) => v.value === UNKNOWN_TO_PULUMI);
  if (marked.length === 0) return props;
  const out = structuredClone(props);
  for (const { path } of marked) {
    const parent = at(out, path.slice(0, -1));
    const last = path[path.length - 1];
    if (isRecord(parent) && typeof last === "string") delete parent[last];
  }
  return out;
}
