// A validator for the subset of JSON Schema that tools/sdk-schemas.ts emits (type, enum, const,
// anyOf, $ref, properties, required, additionalProperties, items), and the SDK route table it
// writes: which schema each endpoint's answer must match. No dependency: what it checks is small
// enough to read in full.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import type { RouteResponse, Schema, SdkRoute } from "../../tools/sdk-schemas";

export const SCHEMA_FILE = path.join(__dirname, "sdk-schemas.json");

interface SchemaFile {
  sdkVersion: string;
  routes: SdkRoute[];
  $defs: Record<string, Schema>;
}

let loaded: SchemaFile | undefined;
export function schemaFile(): SchemaFile {
  loaded ??= JSON.parse(readFileSync(SCHEMA_FILE, "utf8")) as SchemaFile;
  return loaded;
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === "object" && !Array.isArray(v);

function typeOf(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "array";
  return typeof value;
}

function resolve(schema: Schema, defs: Record<string, Schema>): Schema {
  let s = schema;
  for (let i = 0; typeof s["$ref"] === "string" && i < 50; i += 1) {
    const name = (s["$ref"] as string).replace("#/$defs/", "");
    const found = defs[name];
    if (!found) throw new Error(`schema $ref to unknown ${name}`);
    s = found;
  }
  return s;
}

/** The problems with `value` against `schema`, each as `<path>: <what>`; empty when it matches. */
export function validate(schema: Schema, value: unknown, defs: Record<string, Schema> = schemaFile().$defs, at = "$"): string[] {
  const s = resolve(schema, defs);
  if ("const" in s && value !== s["const"]) return [`${at}: expected ${JSON.stringify(s["const"])}, got ${JSON.stringify(value)}`];
  if (Array.isArray(s["enum"]) && !s["enum"].includes(value)) {
    return [`${at}: expected one of ${JSON.stringify(s["enum"])}, got ${JSON.stringify(value)}`];
  }
  if (Array.isArray(s["anyOf"])) {
    const branches = s["anyOf"] as Schema[];
    const results = branches.map((b) => validate(b, value, defs, at));
    if (results.some((r) => r.length === 0)) return [];
    // Report against the branch the object says it is (its `type` tag), else all of them.
    if (isObject(value) && typeof value["type"] === "string") {
      const tagged = branches.findIndex((b) => {
        const props = resolve(b, defs)["properties"] as Record<string, Schema> | undefined;
        const tag = props?.["type"];
        return tag !== undefined && (tag["const"] === value["type"] || (Array.isArray(tag["enum"]) && tag["enum"].includes(value["type"])));
      });
      if (tagged >= 0) return results[tagged]!;
    }
    return [`${at}: matches none of ${branches.length} alternatives (${results.map((r) => r[0]).join(" | ")})`];
  }
  const type = s["type"];
  if (type !== undefined) {
    const types = Array.isArray(type) ? (type as string[]) : [type as string];
    const actual = typeOf(value);
    if (!types.includes(actual) && !(actual === "number" && types.includes("integer") && Number.isInteger(value))) {
      return [`${at}: expected ${types.join(" or ")}, got ${actual}`];
    }
  }
  const problems: string[] = [];
  if (Array.isArray(value) && isObject(s["items"])) {
    value.forEach((item, i) => problems.push(...validate(s["items"] as Schema, item, defs, `${at}[${i}]`)));
  }
  if (isObject(value) && (s["type"] === "object" || s["properties"] !== undefined)) {
    const props = (s["properties"] as Record<string, Schema> | undefined) ?? {};
    for (const key of (s["required"] as string[] | undefined) ?? []) {
      if (!(key in value)) problems.push(`${at}.${key}: required by the SDK type, missing`);
    }
    for (const [key, v] of Object.entries(value)) {
      const prop = props[key];
      if (prop) problems.push(...validate(prop, v, defs, `${at}.${key}`));
      else if (s["additionalProperties"] === false) problems.push(`${at}.${key}: not in the SDK type`);
      else if (isObject(s["additionalProperties"])) problems.push(...validate(s["additionalProperties"] as Schema, v, defs, `${at}.${key}`));
    }
  }
  return problems;
}

/** The schema a whole 2xx body must match for this answer kind (pages wrap their item). */
export function bodySchema(response: RouteResponse): Schema | undefined {
  if ("body" in response) return response.body;
  if ("page" in response) {
    const cursor = { type: ["string", "null"] };
    return {
      type: "object",
      properties: { data: { type: "array", items: response.page }, next_page: cursor, ...(response.bidirectional ? { prev_page: cursor } : {}) },
      required: ["data", "next_page", ...(response.bidirectional ? ["prev_page"] : [])],
      additionalProperties: false,
    };
  }
  return undefined;
}

/** The SDK's route for a request, parameters matching one path segment; literal segments win. */
export function routeFor(method: string, pathname: string): SdkRoute | undefined {
  const candidates = schemaFile().routes.filter((r) => {
    if (r.method !== method) return false;
    const pattern = new RegExp(`^${r.path.replace(/[.*+?^$()|[\]\\]/g, "\\$&").replace(/\{\}/g, "[^/]+")}$`);
    return pattern.test(pathname);
  });
  return candidates.sort((a, b) => a.path.split("{}").length - b.path.split("{}").length)[0];
}
