// A TypeScript snippet in the README or docs/ that starts with its imports is a whole program a
// user may paste: each one type-checks against the package as it is (one that left its imports
// out failed when pasted, e.g. with `BlobPart[]` where the global `File` was meant).
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");

function markdownFiles(): string[] {
  const out = ["README.md"];
  const walk = (dir: string) => {
    for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true })) {
      if (entry.isDirectory()) walk(path.join(dir, entry.name));
      else if (entry.name.endsWith(".md")) out.push(path.join(dir, entry.name));
    }
  };
  walk("docs");
  return out;
}

/** The snippets that are whole programs: they begin with imports, all of packages. */
function programs(): Array<{ where: string; code: string }> {
  const out: Array<{ where: string; code: string }> = [];
  for (const file of markdownFiles()) {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    for (const m of text.matchAll(/```ts\n([\s\S]*?)```/g)) {
      const code = m[1]!;
      const first = code.split("\n").find((l) => l.trim() !== "" && !l.trim().startsWith("//")) ?? "";
      const imports = [...code.matchAll(/^import .* from "([^"]+)";$/gm)].map((i) => i[1]!);
      if (!first.startsWith("import ") || imports.some((i) => i.startsWith("."))) continue;
      out.push({ where: `${file}:${text.slice(0, m.index).split("\n").length}`, code });
    }
  }
  return out;
}

it("finds the snippets (the quick starts and the vault, credential and file one among them)", () => {
  const where = programs().map((p) => p.where.split(":")[0]);
  expect(where).toContain("README.md");
  expect(where).toContain(path.join("docs", "reference", "vault.md"));
});

it("every whole-program snippet type-checks against the package", () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "doc-snippets-"));
  const snippets = programs();
  const files = snippets.map((s, i) => {
    const file = path.join(dir, `snippet-${i}.ts`);
    // A module of its own, so that two snippets' names never clash.
    fs.writeFileSync(file, `${s.code}\nexport {};\n`);
    return file;
  });
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.CommonJS,
    moduleResolution: ts.ModuleResolutionKind.Node10,
    strict: true,
    noEmit: true,
    esModuleInterop: true,
    skipLibCheck: true,
    types: ["node", "jest"],
    typeRoots: [path.join(ROOT, "node_modules", "@types")],
    baseUrl: ROOT,
    paths: {
      "pulumi-anthropic-managed-agents": [path.join(ROOT, "sdk", "index.ts")],
      "pulumi-anthropic-managed-agents/testing": [path.join(ROOT, "sdk", "testing.ts")],
      "pulumi-anthropic-managed-agents/emulator": [path.join(ROOT, "emulator", "index.ts")],
      "@pulumi/pulumi": [path.join(ROOT, "node_modules", "@pulumi", "pulumi")],
      "@pulumi/pulumi/*": [path.join(ROOT, "node_modules", "@pulumi", "pulumi", "*")],
    },
  };
  const program = ts.createProgram(files, options);
  const problems = ts
    .getPreEmitDiagnostics(program)
    .filter((d) => d.file !== undefined && files.includes(path.normalize(d.file.fileName)))
    .map((d) => `${snippets[files.indexOf(path.normalize(d.file!.fileName))]!.where}: ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`);
  expect(problems).toEqual([]);
}, 120_000);
