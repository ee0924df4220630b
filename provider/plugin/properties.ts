// Property values as the engine sends them to a plugin that accepts secrets (`google.protobuf.Struct`
// turned into plain JSON), and back: the hooks see plain values (the unknown sentinel stays as it
// is, they handle it), and what the plugin answers marks as secret every value that was a secret
// when it came in, every write-only value (its hash) and every field the spec calls secret.
import { secretFieldNames, secretOutputNames, writeOnlyFields, type ResourceSpec } from "../kit/spec";
import { isRecord, type Props } from "../kit/values";
import { UNKNOWN_TO_PULUMI } from "../kit/write-only";

/** The signature key of a special value, and the signature of a secret (Pulumi's `sig` package). */
const SIG = "4dabf18193072939515e22adb298388d";
const SECRET_SIG = "1b47061264138c4ac30d75fd1eb44270";

export type Path = ReadonlyArray<string | number>;

export interface Decoded {
  values: Props;
  /** Where the values held secrets. */
  secrets: Path[];
}

function isSecret(value: unknown): value is { value: unknown } {
  return isRecord(value) && value[SIG] === SECRET_SIG;
}

export function secret(value: unknown): unknown {
  return { [SIG]: SECRET_SIG, value };
}

/** Plain values, with where the secrets were. */
export function decode(struct: Props | undefined): Decoded {
  const secrets: Path[] = [];
  const walk = (value: unknown, path: Array<string | number>): unknown => {
    if (isSecret(value)) {
      secrets.push([...path]);
      return walk(value.value, path);
    }
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    return value;
  };
  const values = walk(struct ?? {}, []);
  return { values: isRecord(values) ? values : {}, secrets };
}

/** Every value under one of `keys` at any depth inside `value`: its path. */
function keyPaths(value: unknown, keys: ReadonlySet<string>, path: Array<string | number>, out: Path[]): void {
  if (Array.isArray(value)) value.forEach((v, i) => keyPaths(v, keys, [...path, i], out));
  else if (isRecord(value)) {
    for (const [k, v] of Object.entries(value)) {
      // The marker of a value Pulumi does not know holds no secret: the code `pulumi import` writes shows it.
      if (keys.has(k) && v !== undefined && v !== null && v !== UNKNOWN_TO_PULUMI) out.push([...path, k]);
      else keyPaths(v, keys, [...path, k], out);
    }
  }
}

/** The paths a resource's spec makes secret in `values`: secret fields and outputs whole, write-only values where they are. */
export function specSecrets(spec: ResourceSpec, values: Props): Path[] {
  const out: Path[] = [...secretFieldNames(spec), ...secretOutputNames(spec)].filter((f) => values[f] !== undefined).map((f) => [f]);
  for (const [f, keys] of writeOnlyFields(spec)) keyPaths(values[f], new Set(keys), [f], out);
  return out;
}

/**
 * `values` with the value at each path wrapped as a secret. A path that no longer exists (a list
 * that shrank) marks its deepest ancestor that does: a secret is never dropped for want of a place.
 */
export function encode(values: Props, secrets: readonly Path[]): Props {
  const marks = new Set<string>();
  for (const path of secrets) {
    let at: unknown = values;
    let depth = 0;
    for (const part of path) {
      const next = Array.isArray(at) && typeof part === "number" ? at[part] : isRecord(at) && typeof part === "string" ? at[part] : undefined;
      if (next === undefined) break;
      at = next;
      depth++;
    }
    // A secret at the top level that is gone entirely marks nothing: there is nothing to hide.
    if (depth > 0) marks.add(JSON.stringify(path.slice(0, depth)));
  }
  const walk = (value: unknown, path: Array<string | number>): unknown => {
    // A secret's insides need no marks of their own.
    if (path.length > 0 && marks.has(JSON.stringify(path))) return secret(value);
    if (Array.isArray(value)) return value.map((v, i) => walk(v, [...path, i]));
    if (isRecord(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, walk(v, [...path, k])]));
    return value;
  };
  const encoded = walk(values, []);
  return isRecord(encoded) ? encoded : {};
}
