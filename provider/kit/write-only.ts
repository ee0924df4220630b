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
import { isRecord, stableJson, UNKNOWN } from "./values";

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
  // Own properties whatever the key: an assignment of "__proto__" would set the prototype instead.
  return Object.fromEntries(
    Object.entries(value).map(([k, v]) => {
      const at = `${path}.${k}`;
      return [k, keys.includes(k) && v !== undefined ? f(v, at) : mapKeys(v, keys, f, at)];
    }),
  );
}

/**
 * A write-only value that is not a string (a list, a number: what a program got wrong) may still
 * hold the secret, so it is hashed too, into a form no string schema takes: `check` fails on it
 * without ever showing it (kit/check.ts says "must be a string").
 */
const NOT_A_STRING = "writeOnlyValueNotAString";

export function isConcealedNonString(value: unknown): boolean {
  return isRecord(value) && Object.keys(value).length === 1 && isConcealed(value[NOT_A_STRING]);
}

function concealNonString(value: unknown): Record<string, string> {
  return { [NOT_A_STRING]: PREFIX + createHash("sha256").update(`${DOMAIN}\u0000${stableJson(value)}`).digest("hex") };
}

/** `value` with each write-only secret replaced by its hash; hashes (from state), unknowns and nulls stay. */
export function conceal(value: unknown, keys: readonly string[], path: string): unknown {
  return mapKeys(value, keys, (secret) => (secret === UNKNOWN || secret === null || isConcealed(secret) || isConcealedNonString(secret) ? secret : typeof secret === "string" ? concealValue(secret) : concealNonString(secret)), path);
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
