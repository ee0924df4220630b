// The Pulumi package schema (DESIGN §11): what the native plugin answers to GetSchema and what every
// other language's SDK is generated from. Nothing in it is written by hand: resources, properties,
// types, descriptions, secrets and replacements come from the field specs and their zod schemas
// (the same ones the TypeScript SDK is generated from, so property names and docs agree), the
// provider config from `SETTINGS`. `npm run generate` writes it to schema.json; a test fails when
// that file is stale.
import { z } from "zod";
import { SETTINGS } from "../config";
import { PUBLIC_SPECS } from "../resources";
import { changeText, computedFieldNames, fieldNames, outputDoc, outputNames, secretFieldNames, secretOutputNames, writeOnlyFields, type FieldSpec, type ResourceSpec } from "../kit/spec";

/** The package's name: type tokens read `anthropic:index:<Kind>`, settings `anthropic:<key>`. */
export const PACKAGE = "anthropic";

type Json = { [k: string]: unknown };
const isJson = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);

/** A property's type as the package schema spells it (`TypeSpec` in Pulumi's `pulumi.json`). */
export interface TypeSpec {
  type?: "string" | "number" | "integer" | "boolean" | "array" | "object";
  $ref?: string;
  items?: TypeSpec;
  additionalProperties?: TypeSpec;
  oneOf?: TypeSpec[];
}

export interface PropertySpec extends TypeSpec {
  description?: string;
  const?: unknown;
  secret?: true;
  replaceOnChanges?: true;
  willReplaceOnChanges?: true;
}

interface ObjectTypeSpec {
  type: "object";
  description?: string;
  properties: Record<string, PropertySpec>;
  required?: string[];
}

interface EnumTypeSpec {
  type: "string";
  description?: string;
  enum: Array<{ value: string; name: string }>;
}

export interface ResourceSchema {
  description: string;
  inputProperties: Record<string, PropertySpec>;
  requiredInputs: string[];
  properties: Record<string, PropertySpec>;
  required: string[];
}

export interface PackageSchema {
  name: string;
  displayName: string;
  version: string;
  description: string;
  keywords: string[];
  homepage: string;
  repository: string;
  license: string;
  publisher: string;
  pluginDownloadURL: string;
  meta: { moduleFormat: string };
  config: { variables: Record<string, PropertySpec> };
  provider: { description: string; inputProperties: Record<string, PropertySpec>; properties: Record<string, PropertySpec> };
  resources: Record<string, ResourceSchema>;
  types: Record<string, ObjectTypeSpec | EnumTypeSpec>;
  language: Record<string, Json>;
}

const ANY: TypeSpec = { $ref: "pulumi.json#/Any" };

/** The repository this package is published from (also where a release publishes the plugin archive). */
export const REPOSITORY = "github.com/anthropic-pulumi/pulumi-anthropic-managed-agents";

/** The module of `anthropic:index:<Name>` tokens. */
export function typeToken(name: string): string {
  return `${PACKAGE}:index:${name}`;
}

function pascal(text: string): string {
  return text
    .split(/[^A-Za-z0-9]+/)
    .filter((p) => p !== "")
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join("");
}

/** A list's element: `resources` → `Resource`, `vaultIds` → `VaultId`, `policies` → `Policy`. */
function singular(name: string): string {
  if (/ies$/.test(name)) return name.replace(/ies$/, "y");
  if (/(ss|us)$/.test(name)) return name;
  return name.replace(/s$/, "");
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => (isJson(v) ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) : v));
}

/**
 * Turns the JSON schemas zod derives from the input and output schemas into the package schema's
 * property types, collecting the named object and enum types they need. Object and enum types
 * are named after where they first appear (`AgentModel`, `SessionResourceGithubRepository`), or
 * after their zod `id` (`Tool`, `McpServer`); two places with the same shape share one type, named
 * after the shortest of their names.
 */
class TypeCollector {
  /** Shape key → the names it appeared under, and its definition (refs still by shape key). */
  private readonly shapes = new Map<string, { names: Set<string>; fixed?: string; definition: ObjectTypeSpec | EnumTypeSpec }>();

  /** The write-only keys of the field being converted: nested properties of those names are secrets. */
  writeOnlyKeys: ReadonlySet<string> = new Set();

  /** A property type for `node`; `name` is what a type it needs is called if it has no zod id. */
  property(node: unknown, name: string, defs: Json, io: "input" | "output"): PropertySpec {
    if (!isJson(node)) return { ...ANY };
    const description = typeof node["description"] === "string" ? node["description"] : undefined;
    const spec = this.type(node, name, defs, io);
    return description !== undefined ? { description, ...spec } : spec;
  }

  private type(node: Json, name: string, defs: Json, io: "input" | "output"): PropertySpec {
    if (typeof node["$ref"] === "string") return this.type(deref(node, defs), node["$ref"].replace("#/$defs/", ""), defs, io);
    const fixedName = typeof node["x-id"] === "string" ? node["x-id"] : typeof node["id"] === "string" ? node["id"] : undefined;
    const named = fixedName ?? name;
    const variants = this.variants(node);
    if (variants) return this.union(variants, named, defs, io, fixedName);
    if ("const" in node) return { type: jsonType(node["const"]), const: node["const"] };
    if (Array.isArray(node["enum"])) return this.enumType(node["enum"].map(String), named, node, fixedName);
    const type = node["type"];
    if (Array.isArray(type)) {
      const nonNull = type.filter((t) => t !== "null");
      return nonNull.length === 1 ? this.type({ ...node, type: nonNull[0] }, name, defs, io) : { ...ANY };
    }
    switch (type) {
      case "string":
      case "boolean":
      case "number":
      case "integer":
        return { type };
      case "array":
        return { type: "array", items: this.property(node["items"], singular(named), defs, io) };
      case "object":
        return this.object(node, named, defs, io, fixedName);
      default:
        return { ...ANY };
    }
  }

  /** The alternatives of a union, nested unions flattened and `null` (a nullable output) left out. */
  private variants(node: Json): Json[] | undefined {
    const list = (node["anyOf"] ?? node["oneOf"]) as unknown[] | undefined;
    if (!Array.isArray(list)) return undefined;
    const flat: Json[] = [];
    for (const v of list) {
      if (!isJson(v) || v["type"] === "null") continue;
      flat.push(...(this.variants(v) ?? [v]));
    }
    return flat;
  }

  /**
   * A union. Its string members become one enum (or a plain string); its object members become ONE
   * object type holding every member's properties, each documented with the members it applies
   * to, and only what every member requires required: the languages that generate SDKs from the
   * schema type a union loosely (Go as `interface{}`; Python's dict keys are translated for an
   * object type but not for a union of them), while the provider still checks each member's
   * exact rules at preview. A union of a string and an object stays a union.
   */
  private union(variants: Json[], name: string, defs: Json, io: "input" | "output", fixedName: string | undefined): PropertySpec {
    const members = variants.map((v) => deref(v, defs));
    if (members.length === 1) return this.type({ ...members[0]!, ...(fixedName ? { "x-id": fixedName } : {}) }, name, defs, io);
    const strings = members.filter((v) => v["type"] === "string" || typeof v["const"] === "string");
    const objects = members.filter(isObjectNode);
    const others = members.filter((v) => !strings.includes(v) && !objects.includes(v));
    const types: PropertySpec[] = [];
    if (strings.length > 0) {
      const values = strings.map((v) => (typeof v["const"] === "string" ? [v["const"]] : Array.isArray(v["enum"]) ? v["enum"].map(String) : undefined));
      const only = objects.length === 0 && others.length === 0;
      // Beside objects, the strings are a shorthand for one of them (`"all"` for `{ type: "all" }`).
      const enumName = only ? name : `${name}Shorthand`;
      types.push(values.every((x) => x !== undefined) ? this.enumType(values.flat(), enumName, {}, only ? fixedName : undefined) : { type: "string" });
    }
    if (objects.length > 0) {
      const merged = objects.length === 1 ? objects[0]! : mergeObjects(objects);
      const single = strings.length === 0 && others.length === 0;
      types.push(this.type({ ...merged, ...(single && fixedName ? { "x-id": fixedName } : {}) }, name, defs, io));
    }
    for (const v of others) types.push(this.type(v, name, defs, io));
    return types.length === 1 ? types[0]! : { oneOf: types };
  }

  private enumType(values: string[], name: string, node: Json, fixedName: string | undefined): PropertySpec {
    const unique = [...new Set(values)];
    if (unique.length === 1) return { type: "string", const: unique[0] };
    // Each value's name in the SDKs (`self_hosted`: Go `…SelfHosted`, Python `…SELF_HOSTED`).
    const definition: EnumTypeSpec = { type: "string", enum: unique.map((value) => ({ value, name: pascal(value) || value })) };
    if (typeof node["description"] === "string" && fixedName) definition.description = node["description"];
    // An enum's values are its whole meaning: a description would tie its shape to one use of it.
    return { type: "string", $ref: this.register(definition, name, fixedName) };
  }

  private object(node: Json, name: string, defs: Json, io: "input" | "output", fixedName: string | undefined): PropertySpec {
    const properties = isJson(node["properties"]) ? node["properties"] : {};
    const extra = node["additionalProperties"];
    // A map of free-form keys (metadata), or an object whose contents are the user's own (a custom
    // tool's JSON schema, passed through as written).
    if (Object.keys(properties).length === 0) return isJson(extra) && Object.keys(extra).length > 0 ? { type: "object", additionalProperties: this.property(extra, singular(name), defs, io) } : { ...ANY };
    if (io === "input" && isJson(extra)) return { ...ANY };
    const required = ((node["required"] as string[] | undefined) ?? []).filter((r) => r in properties);
    const definition: ObjectTypeSpec = {
      type: "object",
      ...(typeof node["description"] === "string" ? { description: node["description"] } : {}),
      properties: Object.fromEntries(
        Object.entries(properties).map(([key, sub]) => {
          const prop = this.property(sub, `${name}${pascal(key)}`, defs, io);
          return [key, this.writeOnlyKeys.has(key) ? { ...prop, secret: true as const } : prop];
        }),
      ),
      ...(required.length > 0 ? { required } : {}),
    };
    return { $ref: this.register(definition, name, fixedName) };
  }

  /** A shape's type token; the name is final only in `types()`, so refs hold the shape key until then. */
  private register(definition: ObjectTypeSpec | EnumTypeSpec, name: string, fixedName: string | undefined): string {
    const key = stable(definition);
    const known = this.shapes.get(key);
    if (known) {
      known.names.add(name);
      if (fixedName) known.fixed = fixedName;
    } else this.shapes.set(key, { names: new Set([name]), definition, ...(fixedName ? { fixed: fixedName } : {}) });
    return `#shape:${key}`;
  }

  /** The named types, and a function that rewrites shape refs in anything to their final tokens. */
  types(): { types: Record<string, ObjectTypeSpec | EnumTypeSpec>; resolve: <T>(value: T) => T } {
    const shortest = (names: Set<string>) => [...names].sort((a, b) => a.length - b.length || (a < b ? -1 : 1))[0]!;
    // A shape used in several places is named for what they share (`SessionOnDestroy` and
    // `VaultOnDestroy`: `OnDestroy`), when that is more than one word and no other shape's name.
    const candidates = new Map<string, string>();
    for (const [key, shape] of this.shapes) candidates.set(key, shape.fixed ?? (shape.names.size > 1 ? sharedName(shape.names) : undefined) ?? shortest(shape.names));
    const counts = new Map<string, number>();
    for (const name of candidates.values()) counts.set(name, (counts.get(name) ?? 0) + 1);
    const tokens = new Map<string, string>();
    const taken = new Map<string, string>();
    for (const [key, shape] of this.shapes) {
      const candidate = candidates.get(key)!;
      const name = counts.get(candidate)! > 1 && !shape.fixed ? shortest(shape.names) : candidate;
      if (taken.has(name)) {
        throw new Error(`package schema: two different types would both be called ${name}; give one of the zod schemas a .meta({ id })`);
      }
      taken.set(name, key);
      tokens.set(key, typeToken(name));
    }
    const resolve = <T>(value: T): T =>
      JSON.parse(JSON.stringify(value), (k, v: unknown) => {
        if (typeof v === "string" && v.startsWith("#shape:")) return `#/types/${tokens.get(v.slice("#shape:".length))!}`;
        return v;
      }) as T;
    const types: Record<string, ObjectTypeSpec | EnumTypeSpec> = {};
    for (const [key, shape] of this.shapes) types[tokens.get(key)!] = resolve(shape.definition);
    return { types: Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : 1))), resolve };
  }
}

/** A `$ref` member replaced by its definition (its zod id kept as `x-id`). */
function deref(node: Json, defs: Json): Json {
  if (typeof node["$ref"] !== "string") return node;
  const id = node["$ref"].replace("#/$defs/", "");
  return { ...(defs[id] as Json), "x-id": id };
}

function isObjectNode(node: Json): boolean {
  return node["type"] === "object" && isJson(node["properties"]) && Object.keys(node["properties"]).length > 0;
}

/** How a member of a union is called in docs: the value of its `type` (or `name`), else its position. */
function memberLabel(node: Json, index: number): string {
  for (const key of ["type", "name"]) {
    const c = constOf(node, key);
    if (typeof c === "string") return `\`${c}\``;
  }
  const props = isJson(node["properties"]) ? node["properties"] : {};
  const type = props["type"];
  if (isJson(type) && Array.isArray(type["enum"])) return type["enum"].map((v) => `\`${String(v)}\``).join("/");
  // Nothing names it: what it is, from its description.
  if (typeof node["description"] === "string") return `the ${node["description"][0]!.toLowerCase()}${node["description"].slice(1).replace(/\.$/, "")}`;
  return `kind ${index + 1}`;
}

const withoutDescription = (node: unknown): unknown => (isJson(node) ? Object.fromEntries(Object.entries(node).filter(([k]) => k !== "description")) : node);

/**
 * The members of a union of objects as one object (in JSON schema terms, converted like any
 * other): every property of any member, its type the union of the members' (merged again when
 * those are objects or lists), required where every member requires it; each property's
 * description says which members take it when not all do.
 */
function mergeObjects(objects: Json[]): Json {
  const labels = objects.map((o, i) => memberLabel(o, i));
  const keys: string[] = [];
  for (const o of objects) for (const k of Object.keys(o["properties"] as Json)) if (!keys.includes(k)) keys.push(k);
  const properties: Json = {};
  for (const key of keys) {
    const holders = objects.map((o, i) => ({ node: (o["properties"] as Json)[key], label: labels[i]! })).filter((h): h is { node: Json; label: string } => isJson(h.node));
    const nodes = holders.map((h) => h.node);
    const same = nodes.every((n) => stable(withoutDescription(n)) === stable(withoutDescription(nodes[0])));
    let merged: Json;
    if (same) merged = { ...nodes[0]! };
    else if (nodes.every((n) => n["type"] === "array")) merged = { type: "array", items: { anyOf: nodes.map((n) => n["items"]) } };
    else merged = { anyOf: nodes.map(withoutDescription) };
    const descriptions = holders.map((h) => (typeof h.node["description"] === "string" ? h.node["description"] : ""));
    const allSame = descriptions.every((d) => d === descriptions[0]);
    const consts = nodes.map((n) => n["const"]);
    const constList = consts.filter((c) => typeof c === "string").map((c) => `\`${String(c)}\``).join(", ");
    if (consts.every((c) => typeof c === "string")) merged["description"] = `One of ${constList}: which kind this is.`;
    else if (consts.some((c) => typeof c === "string")) {
      const rest = holders.filter((_h, i) => typeof consts[i] !== "string");
      merged["description"] = `One of ${constList}; or, for ${rest.map((h) => h.label).join(", ")}: ${rest.map((h) => (typeof h.node["description"] === "string" ? h.node["description"] : "")).join(" ")}`;
    }
    else if (allSame && holders.length === objects.length) merged["description"] = descriptions[0];
    else if (allSame) merged["description"] = `${descriptions[0]!.replace(/\.$/, "")} (${holders.map((h) => h.label).join(", ")} only).`;
    else merged["description"] = holders.map((h, i) => `For ${h.label}: ${descriptions[i]}`).join(" ");
    properties[key] = merged;
  }
  const required = keys.filter((k) => objects.every((o) => ((o["required"] as string[] | undefined) ?? []).includes(k)));
  const described = objects.map((o, i) => (typeof o["description"] !== "string" ? labels[i]! : labels[i]!.startsWith("the ") ? o["description"] : `${labels[i]}: ${o["description"]}`));
  return {
    type: "object",
    description: `One of these kinds: ${described.join(" ")}`,
    properties,
    required,
    additionalProperties: false,
  };
}

/** The words every name ends with (`SessionModelEffort`, `AgentModelEffort`: `ModelEffort`), when at least two. */
function sharedName(names: ReadonlySet<string>): string | undefined {
  const words = [...names].map((n) => n.match(/[A-Z][a-z0-9]*|[0-9]+/g) ?? [n]);
  const suffix: string[] = [];
  for (let i = 1; ; i++) {
    const word = words[0]![words[0]!.length - i];
    if (word === undefined || !words.every((w) => w[w.length - i] === word)) break;
    suffix.unshift(word);
  }
  return suffix.length >= 2 ? suffix.join("") : undefined;
}

function jsonType(value: unknown): NonNullable<TypeSpec["type"]> {
  return typeof value === "number" ? (Number.isInteger(value) ? "integer" : "number") : typeof value === "boolean" ? "boolean" : "string";
}

function constOf(node: Json, key: string): unknown {
  const props = node["properties"];
  if (!isJson(props) || !isJson(props[key])) return undefined;
  return props[key]["const"];
}

function jsonSchema(schema: z.ZodType, io: "input" | "output"): Json {
  return z.toJSONSchema(schema, { io, unrepresentable: "any" }) as Json;
}

function fieldSpec(spec: ResourceSpec, name: string): FieldSpec {
  return (spec.fields as Record<string, FieldSpec>)[name]!;
}

/** What the docs of an input say: what it is and what a change does (the TypeScript SDK's JSDoc, word for word). */
export function inputDescription(spec: ResourceSpec, name: string): string {
  return `${fieldSpec(spec, name).doc.text}\n\nA change: ${changeText(spec, name).replace(/\*\*/g, "")}.`;
}

function resourceSchema(spec: ResourceSpec, types: TypeCollector): ResourceSchema {
  const inputs = jsonSchema(spec.inputs, "input");
  const outputs = jsonSchema(spec.outputs, "output");
  const inputDefs = isJson(inputs["$defs"]) ? inputs["$defs"] : {};
  const outputDefs = isJson(outputs["$defs"]) ? outputs["$defs"] : {};
  const inputProps = inputs["properties"] as Record<string, Json>;
  const outputProps = outputs["properties"] as Record<string, Json>;
  const requiredInputs = new Set((inputs["required"] as string[] | undefined) ?? []);
  const computed = new Set(computedFieldNames(spec));
  const secrets = new Set(secretFieldNames(spec));
  const writeOnly = new Map(writeOnlyFields(spec));
  const parent = spec.parent;

  const inputProperties: Record<string, PropertySpec> = {};
  const properties: Record<string, PropertySpec> = {};
  for (const f of fieldNames(spec)) {
    types.writeOnlyKeys = new Set(writeOnly.get(f) ?? []);
    const type = types.property({ ...inputProps[f], description: undefined }, `${spec.kind}${pascal(f)}`, inputDefs, "input");
    const marks: Partial<PropertySpec> = {
      ...(secrets.has(f) ? { secret: true } : {}),
      ...(fieldSpec(spec, f).change.kind === "replace" ? { replaceOnChanges: true } : {}),
    };
    properties[f] = { description: fieldSpec(spec, f).doc.text, ...type, ...marks };
    if (!computed.has(f)) inputProperties[f] = { description: inputDescription(spec, f), ...type, ...marks };
  }
  types.writeOnlyKeys = new Set();
  // Echoed inputs are always there when declared required; computed ones always.
  const requiredOutputs = new Set([...requiredInputs, ...computed]);
  for (const o of outputNames(spec)) {
    const node = outputProps[o]!;
    properties[o] = {
      description: outputDoc(spec, o),
      ...types.property({ ...node, description: undefined }, `${spec.kind}${pascal(o)}`, outputDefs, "output"),
      ...(secretOutputNames(spec).includes(o) ? { secret: true as const } : {}),
    };
    const nullable = (Array.isArray(node["anyOf"]) && node["anyOf"].some((v) => isJson(v) && v["type"] === "null")) || (Array.isArray(node["type"]) && node["type"].includes("null"));
    if (((outputs["required"] as string[] | undefined) ?? []).includes(o) && !nullable) requiredOutputs.add(o);
  }
  const importNote = parent
    ? `\n\n## Import\n\nImport an existing one by \`<${parent}>/<id>\`:\n\n\`\`\`sh\npulumi import ${typeToken(spec.kind)} <name> <${parent}>/<id>\n\`\`\``
    : `\n\n## Import\n\n\`\`\`sh\npulumi import ${typeToken(spec.kind)} <name> <id>\n\`\`\``;
  return {
    description: spec.summary + importNote,
    inputProperties,
    requiredInputs: [...requiredInputs].filter((f) => !computed.has(f)),
    properties,
    required: [...requiredOutputs].sort(),
  };
}

function settingsProperties(): Record<string, PropertySpec> {
  return Object.fromEntries(
    Object.values(SETTINGS).map((s) => [
      s.key,
      { type: s.type, description: `${s.description} Environment variable: \`${s.env}\`.`, ...("secret" in s ? { secret: true as const } : {}) },
    ]),
  );
}

/** The whole package schema, for a plugin of `version`. */
export function packageSchema(version: string): PackageSchema {
  const collector = new TypeCollector();
  const resources = Object.fromEntries(PUBLIC_SPECS.map((spec) => [typeToken(spec.kind), resourceSchema(spec, collector)]));
  const { types, resolve } = collector.types();
  const [owner, repo] = REPOSITORY.split("/").slice(1);
  return {
    name: PACKAGE,
    displayName: "Anthropic Managed Agents",
    version,
    description: "Claude Managed Agents: agents, environments and sessions with version pinning and session-local tool updates, and the vaults, credentials, files, memory stores, skills and deployments around them.",
    keywords: ["pulumi", "anthropic", "claude", "agents", "category/ai"],
    homepage: `https://${REPOSITORY}`,
    repository: `https://${REPOSITORY}`,
    license: "Apache-2.0",
    publisher: "anthropic-pulumi",
    pluginDownloadURL: `github://api.github.com/${owner}/${repo}`,
    meta: { moduleFormat: "(.*)" },
    config: { variables: settingsProperties() },
    provider: {
      description: "The provider of Anthropic Managed Agents resources. Its settings are the `anthropic:*` stack config (the default provider) or, for an explicit provider, its arguments; each falls back to its environment variable at call time.",
      inputProperties: settingsProperties(),
      properties: settingsProperties(),
    },
    resources: resolve(resources),
    types,
    language: {
      nodejs: { packageName: "@anthropic-pulumi/anthropic", dependencies: { "@pulumi/pulumi": "^3.0.0" }, respectSchemaVersion: true },
      // 3.260.0 is the first Python SDK that keeps a stack's exported secrets (a tunnel's `token`)
      // out of `--debug` output (pulumi/pulumi#24479); tools/python/venv.sh tests with it.
      python: { packageName: "pulumi_anthropic_managed_agents", requires: { pulumi: ">=3.260.0,<4.0.0" }, pyproject: { enabled: true }, respectSchemaVersion: true },
      go: { importBasePath: `${REPOSITORY}/sdk/go/anthropic`, generateResourceContainerTypes: true, respectSchemaVersion: true },
    },
  };
}
