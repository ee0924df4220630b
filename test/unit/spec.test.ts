// The resource kit's pure logic: diffs planned from field specs (including old/new-value rules and
// unknowns), update bodies, drift, documentation text, write-only values and tokens.
import fc from "fast-check";
import { z } from "zod";
import { createToken, userMetadata, WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import { buildPatch, diffFromChanges, mapPatch, planChanges } from "../../provider/kit/diff";
import { driftedFields, inputsAfterRefresh, seenOf } from "../../provider/kit/drift";
import { apiFieldNames, changeText, defineSpec, driftFieldNames, field, outputNames, secretFieldNames } from "../../provider/kit/spec";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { conceal, isConcealed, reveal, SecretNotAvailableError } from "../../provider/kit/write-only";
import { redact, registerSecret } from "../../provider/client/redact";

const spec = defineSpec({
  kind: "Thing",
  summary: "A test object.",
  inputs: z.strictObject({
    name: z.string(),
    note: z.string().optional(),
    tags: z.record(z.string(), z.string()).optional(),
    shape: z.strictObject({ type: z.enum(["round", "square"]), size: z.number().optional() }).optional(),
    pin: z.number().optional(),
    home: z.string().optional(),
    secretThing: z.strictObject({ token: z.string(), label: z.string() }).optional(),
    overrides: z.array(z.string()).optional(),
    mode: z.enum(["a", "b"]).optional(),
    adopt: z.string().optional(),
  }),
  updateText: "update in place",
  fields: {
    name: field.update({ text: "Name.", type: "string" }),
    note: field.update({ text: "Note.", type: "string" }, { removal: "clears" }),
    tags: field.update({ text: "Tags.", type: "map", change: "sent as a patch" }, { api: { patch: true } }),
    shape: field.rule((o, n) => (typeOf(o) === typeOf(n) ? "update" : "replace"), "size: in place; `type`: **replace**", { text: "Shape.", type: "object" }),
    pin: field.replace({ text: "Pin.", type: "number" }, { removal: "keeps", drift: false }),
    home: field.replace({ text: "Home.", type: "string" }),
    secretThing: field.update({ text: "Secret.", type: "object" }, { writeOnly: ["token"] }),
    overrides: field.update({ text: "Overrides.", type: "list" }, { removal: "restores", api: { key: "nested.overrides" } }),
    mode: field.option({ text: "Mode.", type: "enum" }),
    adopt: field.createOnly({ text: "Adopt.", type: "string" }),
  },
  outputs: z.object({ version: z.number(), resolved: z.object({}).loose() }),
  outputDocs: { version: "The version.", resolved: "What the API has." },
});

function typeOf(shape: unknown): unknown {
  return shape !== null && typeof shape === "object" ? (shape as Props)["type"] : shape === undefined ? "round" : shape;
}

describe("derived lists", () => {
  it("come from the spec, never a hand-kept list", () => {
    expect(apiFieldNames(spec)).toEqual(["name", "note", "tags", "shape", "pin", "home", "secretThing", "overrides"]);
    expect(driftFieldNames(spec)).toEqual(["name", "note", "tags", "shape", "home", "overrides"]);
    // Write-only fields are secrets only while they hold a write-only value (the SDK decides).
    expect(secretFieldNames(spec)).toEqual([]);
    // `resolved` is kept as hidden digests, never an output users see.
    expect(outputNames(spec)).toEqual(["version"]);
  });
});

describe("planChanges", () => {
  const olds: Props = { name: "n", shape: { type: "round", size: 1 }, pin: 3, home: "h", mode: "a", adopt: "x", tags: { a: "1" } };
  it.each<[string, Props, Array<[string, string]>]>([
    ["nothing", {}, []],
    ["a key order change in a map", { tags: { a: "1" } }, []],
    ["an in-place field", { name: "m" }, [["name", "update"]]],
    ["a removed field that clears", { note: undefined }, []],
    ["the rule's in-place half", { shape: { type: "round", size: 2 } }, [["shape", "update"]]],
    ["the rule's replacing half", { shape: { type: "square" } }, [["shape", "replace"]]],
    ["the rule with an unknown type", { shape: { type: UNKNOWN } }, [["shape", "replace"]]],
    ["the rule with a removed value (the default)", { shape: undefined }, [["shape", "update"]]],
    ["a replacing field", { home: "elsewhere" }, [["home", "replace"]]],
    ["a replacing field, unknown during preview", { home: UNKNOWN }, [["home", "replace"]]],
    ["a pin removed (no opinion)", { pin: undefined }, []],
    ["a pin changed", { pin: 4 }, [["pin", "replace"]]],
    ["a pin unknown during preview", { pin: UNKNOWN }, [["pin", "replace"]]],
    ["an option", { mode: "b" }, [["mode", "record"]]],
    ["a create-only field", { adopt: "y" }, []],
    ["an unknown deep inside an in-place field", { tags: { a: UNKNOWN } }, [["tags", "update"]]],
  ])("%s", (_label, change, expected) => {
    const changes = planChanges(spec, olds, { ...olds, ...change });
    expect(changes.map((c) => [c.field, c.effect])).toEqual(expected);
    const diff = diffFromChanges(changes);
    expect(diff.changes).toBe(expected.length > 0);
    expect(diff.replaces).toEqual(expected.filter(([, e]) => e === "replace").map(([f]) => f));
  });

  it("finds no change between a value and itself (property)", () => {
    const values = fc.record({ name: fc.string(), note: fc.option(fc.string(), { nil: undefined }), tags: fc.dictionary(fc.string(), fc.string()) });
    fc.assert(fc.property(values, (props) => planChanges(spec, props, structuredClone(props)).length === 0));
  });
});

describe("buildPatch", () => {
  it("keys, nests, patches and clears as each field's spec says; null when nothing the API stores changed", () => {
    const olds: Props = { name: "n", note: "x", tags: { a: "1", b: "2" }, overrides: ["o"] };
    const news: Props = { name: "m", tags: { a: "9", c: "3" } };
    expect(buildPatch(spec, olds, news, undefined, { overrides: ["restored"] })).toEqual({
      name: "m",
      note: null,
      tags: { a: "9", c: "3", b: null },
      nested: { overrides: ["restored"] },
    });
    expect(buildPatch(spec, olds, { ...olds, mode: "b" })).toBeNull();
  });

  it("never sends what replaces the object", () => {
    expect(buildPatch(spec, { name: "n", home: "a" }, { name: "n", home: "b" })).toBeNull();
  });

  it("a metadata patch of any two maps turns one into the other (property)", () => {
    const map = fc.dictionary(fc.string({ minLength: 1, maxLength: 4 }), fc.string({ maxLength: 3 }), { maxKeys: 5 });
    fc.assert(
      fc.property(map, map, (before, after) => {
        const merged: Record<string, string> = { ...before };
        for (const [k, v] of Object.entries(mapPatch(before, after))) {
          if (v === null) delete merged[k];
          else merged[k] = v;
        }
        expect(merged).toEqual(after);
      }),
    );
  });
});

describe("drift", () => {
  const asDeclared = (_f: string, v: unknown) => v;
  it("keeps declarations where the server did not change, takes the server's value where it did", () => {
    const declared: Props = { name: "n", shape: { type: "round" }, pin: 3, mode: "a" };
    const lastSeen = seenOf(spec, { name: "n", note: null, shape: { type: "round", size: 1 } });
    const fresh: Props = { name: "n2", note: null, shape: { type: "round", size: 1 }, pin: 9 };
    expect(inputsAfterRefresh({ spec, declared, lastSeen, fresh, asDeclared })).toEqual({ name: "n2", shape: { type: "round" }, pin: 3, mode: "a" });
    // A field the record does not hold (an older release's record) is not called drifted.
    const { name: _name, ...withoutName } = lastSeen;
    expect(inputsAfterRefresh({ spec, declared, lastSeen: withoutName, fresh, asDeclared })["name"]).toBe("n");
    // Nothing recorded (a `get`, an import): the server's values, of every field it stores (a
    // field refresh never reports as drift, such as the pin, included: the object is what it is).
    expect(inputsAfterRefresh({ spec, declared: {}, lastSeen: "none", fresh, asDeclared })).toEqual({ name: "n2", shape: { type: "round", size: 1 }, pin: 9 });
  });

  it("names drifted fields; what was seen is kept as digests, not values", () => {
    const seenValues: Props = { name: "n", shape: { type: "round", size: 1 }, tags: { a: "1" } };
    const lastSeen = seenOf(spec, seenValues);
    expect(Object.values(lastSeen).every((d) => /^[0-9a-f]{16}$/.test(d))).toBe(true);
    expect(driftedFields(spec, lastSeen, { name: "n", shape: { type: "round", size: 2 }, tags: { a: "1", b: "2" } })).toEqual(["tags", "shape"]);
    expect(driftedFields(spec, lastSeen, seenValues)).toEqual([]);
    expect(driftedFields(spec, undefined, seenValues)).toEqual([]);
  });
});

describe("documentation", () => {
  it.each([
    ["name", "update in place"],
    ["note", "update in place; removing it clears it"],
    ["tags", "update in place; sent as a patch"],
    ["shape", "size: in place; `type`: **replace**"],
    ["pin", "**replace**; removing it keeps the current value"],
    ["mode", "recorded, no API call"],
    ["adopt", "nothing: only read at create"],
  ])("%s: %s", (name, text) => {
    expect(changeText(spec, name)).toBe(text);
  });
});

describe("write-only values", () => {
  it("hashes every value under a write-only key, keeps hashes and unknowns, and reveals within the process", () => {
    const value = [{ token: "tok-1234567890", label: "a" }, { token: UNKNOWN, label: "b" }];
    const hidden = conceal(value, ["token"], "secretThing") as Array<Props>;
    expect(isConcealed(hidden[0]!["token"])).toBe(true);
    expect(hidden[0]!["label"]).toBe("a");
    expect(hidden[1]!["token"]).toBe(UNKNOWN);
    expect(conceal(hidden, ["token"], "secretThing")).toEqual(hidden);
    expect(reveal(hidden, ["token"], "secretThing", "x")).toEqual(value);
    expect(() => reveal([{ token: `sha256:${"0".repeat(64)}` }], ["token"], "secretThing", "update thing")).toThrow(SecretNotAvailableError);
  });

  it("the same value always hashes the same (a change is detected from state alone)", () => {
    expect(conceal({ token: "tok-abcdefghij" }, ["token"], "f")).toEqual(conceal({ token: "tok-abcdefghij" }, ["token"], "f"));
    expect(conceal({ token: "tok-abcdefghij" }, ["token"], "f")).not.toEqual(conceal({ token: "tok-abcdefghik" }, ["token"], "f"));
  });
});

describe("redaction", () => {
  it("replaces a registered secret anywhere in a message, whole or truncated", () => {
    registerSecret("ghp_redactionCanary0123456789");
    expect(redact("invalid authorization_token ghp_redactionCanary0123456789 for repo")).toBe("invalid authorization_token [secret] for repo");
    expect(redact('token "ghp_redactionCan…" refused')).toBe('token "[secret]…" refused');
    expect(redact("nothing secret here")).toBe("nothing secret here");
  });
});

describe("tokens and metadata", () => {
  it("create tokens depend only on the seed, the URN and the previous token", () => {
    const t = createToken("seed", "urn", undefined);
    expect(createToken("seed", "urn", undefined)).toBe(t);
    expect(new Set([t, createToken("seed2", "urn", undefined), createToken("seed", "urn2", undefined), createToken("seed", "urn", t)]).size).toBe(4);
  });

  it("the user's metadata never shows the provider's pairs", () => {
    expect(userMetadata({ a: "1", [WRITE_TOKEN_KEY]: "t", "pulumi-create-token": "x" })).toEqual({ a: "1" });
  });
});
