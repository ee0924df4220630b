// What `npm run generate` derives from the specs (SDK classes, README tables) is committed; this
// fails when a spec changed and the derived files were not regenerated.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { generatedFiles, REPO_ROOT } from "../../tools/generate";

it.each([...generatedFiles()].map(([file, content]) => [file, content] as const))("%s is up to date (run `npm run generate`)", (file, content) => {
  expect(fs.readFileSync(path.join(REPO_ROOT, file), "utf8")).toBe(content);
});

describe("secret fields", () => {
  it("a field the spec marks secret is registered as a secret output (encrypted in state, hidden in logs)", () => {
    const { resourceOptions } = jest.requireActual<typeof import("../../sdk/resource")>("../../sdk/resource");
    const shape = { kind: "Vaultish", fields: ["token", "name"], outputs: [], writeOnly: {}, writeOnlyHolders: {}, secrets: ["token"], secretOutputs: [], references: {} };
    expect(resourceOptions(shape, { protect: true, additionalSecretOutputs: ["name"] })).toEqual({ protect: true, additionalSecretOutputs: ["name", "token"] });
    expect(resourceOptions({ ...shape, secrets: [] }, undefined)).toBeUndefined();
    // A secret output (a tunnel's token) is registered the same way.
    expect(resourceOptions({ ...shape, secrets: [], secretOutputs: ["connectorToken"] }, undefined)).toEqual({ additionalSecretOutputs: ["connectorToken"] });
  });

  it("the program's debug log keeps out the answer for a type with a secret output, and every other message as it is", async () => {
    const resource = jest.requireActual<typeof import("../../sdk/resource")>("../../sdk/resource");
    const pulumi = jest.requireActual<typeof import("@pulumi/pulumi")>("@pulumi/pulumi");
    const message = "RegisterResource RPC finished: resource:edge[pulumi-nodejs:dynamic/anthropic:Tunnel]; err: null, resp: urn:x,,token,,,tnltok_SECRET,,";
    const read = "ReadResource RPC finished: resource:edge[pulumi-nodejs:dynamic/anthropic:Tunnel]; err: null, resp: urn:x,,token,,,tnltok_SECRET,,";
    const other = "RegisterResource RPC finished: resource:a[pulumi-nodejs:dynamic/anthropic:Agent]; err: null, resp: urn:y,,name,,,a,,";
    expect(resource.withheldDebugMessage(message)).toBe(message);
    resource.withholdAnswers("pulumi-nodejs:dynamic/anthropic:Tunnel");
    for (const m of [message, read]) {
      expect(resource.withheldDebugMessage(m)).not.toContain("tnltok_SECRET");
      expect(resource.withheldDebugMessage(m)).toContain(resource.WITHHELD_ANSWER);
    }
    expect(resource.withheldDebugMessage(other)).toBe(other);
    // What @pulumi/pulumi's runtime calls is the guarded function (outside the engine it logs nothing).
    expect(pulumi.log.debug.name).not.toBe("debug");
  });

  it("the generator carries the spec's secret flag into the SDK class", async () => {
    const { z } = await import("zod");
    const { defineSpec, field } = await import("../../provider/kit/spec");
    const { sdkModule } = await import("../../tools/generate");
    const spec = defineSpec({
      kind: "Vaultish",
      summary: "A test object.",
      inputs: z.strictObject({ name: z.string(), token: z.string() }),
      updateText: "update in place",
      fields: { name: field.update({ text: "Name.", type: "string" }), token: field.update({ text: "Token.", type: "string" }, { secret: true }) },
      outputs: z.object({}),
      outputDocs: {},
    });
    expect(sdkModule(spec, "a test", new Set())).toContain('secrets: [\n    "token"\n  ]');
  });
});

describe("computed fields", () => {
  it("are outputs of the SDK class, not arguments", async () => {
    const { z } = await import("zod");
    const { defineSpec, field } = await import("../../provider/kit/spec");
    const { sdkModule } = await import("../../tools/generate");
    const spec = defineSpec({
      kind: "Folderish",
      summary: "A test object.",
      inputs: z.strictObject({ directory: z.string(), contentHash: z.string().optional() }),
      updateText: "update in place",
      fields: {
        directory: field.option({ text: "Folder.", type: "path" }),
        contentHash: field.update({ text: "Hash, computed.", type: "string" }, { computed: true }),
      },
      outputs: z.object({}),
      outputDocs: {},
    });
    const text = sdkModule(spec, "a test", new Set());
    const inputs = text.slice(text.indexOf("export interface FolderishInputs"), text.indexOf("export type FolderishArgs"));
    expect(inputs).toContain("directory: string;");
    expect(inputs).not.toContain("contentHash");
    expect(text).toContain("declare public readonly contentHash: pulumi.Output<string>;");
  });
});

describe("nested documentation", () => {
  it("a nested property's description (`.meta({ description })`) becomes its JSDoc, wrapped and indented", async () => {
    const { z } = await import("zod");
    const { tsType } = await import("../../tools/generate");
    const schema = z.strictObject({
      networking: z
        .strictObject({
          allowedHosts: z.array(z.string()).optional().meta({ description: "Hosts the container can reach. A long description that needs more than one line of JSDoc to be read in full, wrapped like every other." }),
          plain: z.boolean(),
        })
        .meta({ description: "Network policy." }),
    });
    const text = tsType(z.toJSONSchema(schema, { io: "input" }), "  ");
    expect(text).toBe(
      [
        "{",
        "    /**",
        "     * Network policy.",
        "     */",
        "    networking: {",
        "      /**",
        "       * Hosts the container can reach. A long description that needs more than one line of JSDoc",
        "       * to be read in full, wrapped like every other.",
        "       */",
        "      allowedHosts?: string[];",
        "      plain: boolean;",
        "    };",
        "  }",
      ].join("\n"),
    );
  });

  it("a description never ends its comment early", async () => {
    const { z } = await import("zod");
    const { tsType } = await import("../../tools/generate");
    const text = tsType(z.toJSONSchema(z.strictObject({ glob: z.string().meta({ description: "A pattern such as `src/**/*.ts`." }) })));
    expect(text).toContain("src/**\\/*.ts");
    expect(text.match(/\*\//g)).toHaveLength(1);
  });
});

describe("the Python and Go SDKs (sdk/python, sdk/go)", () => {
  /** What building or running a package leaves beside its sources (sdk/python/.gitignore): not generated. */
  const BUILT = /^(build|dist|__pycache__|\.mypy_cache|.*\.egg-info|.*\.pyc)$/;

  /** Every file under `dir`, by its path relative to it. */
  function tree(dir: string): Map<string, string> {
    const files = new Map<string, string>();
    const walk = (at: string) => {
      for (const entry of fs.readdirSync(at, { withFileTypes: true })) {
        const full = path.join(at, entry.name);
        if (BUILT.test(entry.name)) continue;
        if (entry.isDirectory()) walk(full);
        else files.set(path.relative(dir, full), fs.readFileSync(full, "utf8"));
      }
    };
    walk(dir);
    return files;
  }

  it("are what Pulumi's generators make of the current schema (run `npm run generate`)", async () => {
    const { generateSdks } = await import("../../tools/generate");
    const out = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "sdkgen-"));
    const schemaFile = path.join(out, "schema.json");
    fs.writeFileSync(schemaFile, generatedFiles().get("schema.json")!);
    generateSdks(schemaFile, out);
    for (const language of ["python", "go"]) {
      const fresh = tree(path.join(out, language));
      // What a build leaves in the tree (pip's build/, *.egg-info) is ignored by git, and here too.
      const listed = new Set(
        execFileSync("git", ["ls-files", "--cached", "--others", "--exclude-standard", "--", `sdk/${language}`], { cwd: REPO_ROOT, encoding: "utf8" })
          .split("\n")
          .filter((f) => f !== "")
          .map((f) => path.relative(`sdk/${language}`, f)),
      );
      const committed = new Map([...tree(path.join(REPO_ROOT, "sdk", language))].filter(([file]) => listed.has(file)));
      expect([language, [...committed.keys()].sort()]).toEqual([language, [...fresh.keys()].sort()]);
      for (const [file, content] of fresh) expect([language, file, committed.get(file)]).toEqual([language, file, content]);
    }
  }, 20 * 60_000);
});
