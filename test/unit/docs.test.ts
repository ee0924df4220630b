// Every nested property of every public resource carries a description on its zod schema
// (`.meta({ description })`): the one source of the SDK's JSDoc and of the package schema's
// property descriptions (DESIGN §11). Top-level fields are documented by their spec
// (`doc.text`, `outputDocs`), so depth 0 is skipped; the hidden `resolved` output is never shown.
import { z } from "zod";
import { RESOLVED_OUTPUT, type ResourceSpec } from "../../provider/kit/spec";
import { PUBLIC_SPECS } from "../../tools/generate";

type Json = { [k: string]: unknown };
const isJson = (v: unknown): v is Json => v !== null && typeof v === "object" && !Array.isArray(v);
const described = (s: Json) => typeof s["description"] === "string" && s["description"].trim() !== "";

interface Gaps {
  /** Nested properties without a description. */
  properties: string[];
  /** Object variants of a union without a description of their own. */
  variants: string[];
  /** Shared types (`$defs`, zod schemas with an `id`) without a description. */
  types: string[];
}

/** A union variant's name in a path: its `type` constant when it has one. */
function variantName(s: unknown, i: number): string {
  const type = isJson(s) && isJson(s["properties"]) ? s["properties"]["type"] : undefined;
  if (isJson(type) && "const" in type) return String(type["const"]);
  if (isJson(type) && Array.isArray(type["enum"])) return type["enum"].join("|");
  return `#${i}`;
}

const isObjectSchema = (s: unknown): s is Json => isJson(s) && s["type"] === "object" && isJson(s["properties"]) && Object.keys(s["properties"]).length > 0;

/** Walks one resource's input or output JSON schema, through `$ref`s into its `$defs`. */
function gapsOf(root: Json, prefix: string, gaps: Gaps): void {
  const defs = (root["$defs"] as Record<string, Json> | undefined) ?? {};
  const seenDefs = new Set<string>();

  const visit = (s: unknown, path: string, depth: number): void => {
    if (!isJson(s)) return;
    if (typeof s["$ref"] === "string") {
      const name = s["$ref"].replace("#/$defs/", "");
      if (seenDefs.has(name)) return;
      seenDefs.add(name);
      const def = defs[name];
      if (def === undefined) return;
      if (!described(def)) gaps.types.push(`${prefix}: type ${name}`);
      visit(def, name, 1);
      return;
    }
    for (const key of ["anyOf", "oneOf"] as const) {
      const variants = s[key];
      if (!Array.isArray(variants)) continue;
      // `T | null` (a nullable value) is no choice between kinds: its one variant is the value.
      const choice = variants.filter((v) => !(isJson(v) && v["type"] === "null")).length > 1;
      variants.forEach((v, i) => {
        const named = choice && isObjectSchema(v);
        const at = named ? `${path}(${variantName(v, i)})` : path;
        if (named && !described(v)) gaps.variants.push(`${prefix}: ${at}`);
        visit(v, at, depth);
      });
    }
    for (const sub of (s["allOf"] as unknown[] | undefined) ?? []) visit(sub, path, depth);
    if (s["items"] !== undefined) visit(s["items"], `${path}[]`, depth);
    if (isJson(s["additionalProperties"])) visit(s["additionalProperties"], `${path}{}`, depth);
    for (const [name, sub] of Object.entries(isJson(s["properties"]) ? s["properties"] : {})) {
      const at = path === "" ? name : `${path}.${name}`;
      if (depth > 0 && isJson(sub) && !described(sub)) gaps.properties.push(`${prefix}: ${at}`);
      visit(sub, at, depth + 1);
    }
  };
  visit(root, "", 0);
}

function gapsOfSpecs(specs: readonly ResourceSpec[]): Gaps {
  const gaps: Gaps = { properties: [], variants: [], types: [] };
  for (const spec of specs) {
    const inputs = z.toJSONSchema(spec.inputs, { io: "input", unrepresentable: "any" }) as Json;
    const outputs = z.toJSONSchema(spec.outputs, { io: "output", unrepresentable: "any" }) as Json;
    const { [RESOLVED_OUTPUT]: _hidden, ...shown } = outputs["properties"] as Json;
    gapsOf(inputs, `${spec.kind} input`, gaps);
    gapsOf({ ...outputs, properties: shown }, `${spec.kind} output`, gaps);
  }
  return gaps;
}

describe("nested documentation", () => {
  const gaps = gapsOfSpecs(PUBLIC_SPECS);

  it("every nested property of every public resource's inputs and outputs has a description", () => {
    expect(gaps.properties).toEqual([]);
  });

  it("every object variant of a union has a description of its own", () => {
    expect(gaps.variants).toEqual([]);
  });

  it("every shared type has a description", () => {
    expect(gaps.types).toEqual([]);
  });

  it("top-level fields carry no description of their own: their spec documents them, once", () => {
    const described = PUBLIC_SPECS.flatMap((spec) =>
      [z.toJSONSchema(spec.inputs, { io: "input", unrepresentable: "any" }), z.toJSONSchema(spec.outputs, { io: "output", unrepresentable: "any" })].flatMap((schema) =>
        Object.entries((schema as Json)["properties"] as Record<string, Json>)
          .filter(([, s]) => "description" in s)
          .map(([name]) => `${spec.kind}.${name}`),
      ),
    );
    expect(described).toEqual([]);
  });

  it("the walk finds what it is meant to find (a spec with undocumented nesting)", async () => {
    const { defineSpec, field } = await import("../../provider/kit/spec");
    const shared = z.strictObject({ a: z.string() }).meta({ id: "DocsTestShared" });
    const spec = defineSpec({
      kind: "Docish",
      summary: "A test object.",
      inputs: z.strictObject({
        top: z.strictObject({ inner: z.string(), list: z.array(z.strictObject({ deep: z.number() }).meta({ description: "An item." })).meta({ description: "A list." }) }),
        pick: z.union([z.strictObject({ type: z.literal("x"), x: z.string().meta({ description: "X." }) }), z.strictObject({ type: z.literal("y") }).meta({ description: "Y." })]),
        map: z.record(z.string(), z.strictObject({ v: z.string() })),
        ref: shared.optional(),
        maybe: z.strictObject({ m: z.string() }).nullable().optional(),
      }),
      updateText: "update in place",
      fields: {
        top: field.update({ text: "Top.", type: "object" }),
        pick: field.update({ text: "Pick.", type: "union" }),
        map: field.update({ text: "Map.", type: "map" }),
        ref: field.update({ text: "Ref.", type: "shared" }),
        maybe: field.update({ text: "Maybe.", type: "nullable" }),
      },
      outputs: z.object({ shown: z.object({ o: z.string() }), resolved: z.object({ hidden: z.object({ h: z.string() }) }) }),
      outputDocs: { shown: "Shown.", resolved: "Hidden." },
    });
    expect(gapsOfSpecs([spec])).toEqual({
      properties: [
        "Docish input: top.inner",
        "Docish input: top.list[].deep",
        "Docish input: pick(x).type",
        "Docish input: pick(y).type",
        "Docish input: map{}.v",
        "Docish input: DocsTestShared.a",
        "Docish input: maybe.m",
        "Docish output: shown.o",
      ],
      variants: ["Docish input: pick(x)"],
      types: ["Docish input: type DocsTestShared"],
    });
  });
});
