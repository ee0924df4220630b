// Drift named to the field's leaves (issue 18): what state keeps of an object whose updates refuse
// drift (`__seen`: a digest per field, a shorter one per part, within a budget), and the paths a
// refusal names: changed, added and removed parts, a handful at most.
import { z } from "zod";
import { DriftError, driftedPaths, MAX_PARTS_PER_FIELD, namedPaths, refuseDrift, seenOf } from "../../provider/kit/drift";
import { defineSpec, field } from "../../provider/kit/spec";

const spec = defineSpec({
  kind: "Widget",
  summary: "A test object.",
  refusesDrift: true,
  inputs: z.strictObject({ name: z.string(), config: z.unknown().optional(), tags: z.record(z.string(), z.string()).optional(), items: z.array(z.unknown()).optional() }),
  updateText: "update in place",
  fields: {
    name: field.update({ text: "Name.", type: "string" }),
    config: field.update({ text: "Config.", type: "object" }),
    tags: field.update({ text: "Tags.", type: "map" }),
    items: field.update({ text: "Items.", type: "list" }),
  },
  outputs: z.object({}),
  outputDocs: {},
});
const { refusesDrift: _, ...unrefusing } = spec;

const before = {
  name: "w",
  config: { type: "cloud", networking: { type: "limited", allowedHosts: ["pypi.org"], allowMcpServers: false }, packages: { pip: ["pandas"] } },
  tags: { team: "data" },
  items: [{ id: "a", size: 1 }, { id: "b", size: 2 }],
};

describe("what state keeps", () => {
  it("a digest per field, and per part only for a kind whose updates refuse drift", () => {
    expect(Object.keys(seenOf(unrefusing, before))).toEqual(["name", "config", "tags", "items"]);
    const seen = seenOf(spec, before);
    expect(Object.keys(seen)).toEqual(expect.arrayContaining(["config.networking.allowedHosts", "config.packages.pip", "tags.team", "items[1].size"]));
    expect(seen["config"]).toMatch(/^[0-9a-f]{16}$/);
    expect(seen["config.networking"]).toMatch(/^[0-9a-f]{6}$/);
  });

  it("at most MAX_PARTS_PER_FIELD parts per field, the coarse ones first", () => {
    const wide = { name: "w", items: Array.from({ length: 100 }, (_v, i) => ({ id: `i${i}` })) };
    const seen = seenOf(spec, wide);
    expect(Object.keys(seen).filter((k) => k.startsWith("items")).length).toBeLessThanOrEqual(MAX_PARTS_PER_FIELD + 1);
    // A change deep where nothing was recorded is named at the field.
    const after = { ...wide, items: wide.items.map((x, i) => (i === 50 ? { id: "changed" } : x)) };
    expect(driftedPaths(spec, seen, after)).toEqual(["items"]);
  });
});

describe("the paths a refusal names", () => {
  const seen = seenOf(spec, before);

  it.each([
    ["a changed leaf", { config: { ...before.config, networking: { ...before.config.networking, allowedHosts: ["evil.example"] } } }, ["config.networking.allowedHosts"]],
    ["a changed switch and a changed list", { config: { ...before.config, networking: { type: "limited", allowedHosts: ["pypi.org"], allowMcpServers: true }, packages: { pip: [] } } }, ["config.networking.allowMcpServers", "config.packages.pip"]],
    ["an added key", { tags: { team: "data", owner: "x" } }, ["tags.owner"]],
    ["a removed key", { tags: {} }, ["tags.team"]],
    ["a changed element's part", { items: [{ id: "a", size: 1 }, { id: "b", size: 3 }] }, ["items[1].size"]],
    ["an added element", { items: [...before.items, { id: "c", size: 3 }] }, ["items[2]"]],
    ["a changed scalar field", { name: "renamed" }, ["name"]],
  ])("%s", (_what, change, paths) => {
    expect(driftedPaths(spec, seen, { ...before, ...change })).toEqual(paths);
  });

  it("nothing when nothing changed, or nothing was seen; the fields of our own write are left out", () => {
    expect(driftedPaths(spec, seen, before)).toEqual([]);
    expect(driftedPaths(spec, undefined, { ...before, name: "x" })).toEqual([]);
    expect(driftedPaths(spec, seen, { ...before, name: "x", tags: {} }, ["name"])).toEqual(["tags.team"]);
  });

  it("state written before parts were kept names the field", () => {
    const old = seenOf(unrefusing, before);
    expect(driftedPaths(spec, old, { ...before, config: { type: "self_hosted" } })).toEqual(["config"]);
  });

  it("a handful, then how many more", () => {
    expect(namedPaths(["a", "b"])).toBe("a, b");
    expect(namedPaths(["a", "b", "c", "d", "e", "f", "g"])).toBe("a, b, c, d, e and 2 more");
    const many = { tags: Object.fromEntries(Array.from({ length: 8 }, (_v, i) => [`k${i}`, "v"])) };
    const seenMany = seenOf(spec, { ...before, ...many });
    expect(() => refuseDrift(spec, "update widget", seenMany, { ...before, tags: {} })).toThrow(DriftError);
    expect(() => refuseDrift(spec, "update widget", seenMany, { ...before, tags: {} })).toThrow(/\(tags\.k0, tags\.k1, tags\.k2, tags\.k3, tags\.k4 and 3 more\)/);
  });
});
