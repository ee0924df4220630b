// The provider's layering (DESIGN §1, issue 20): no import cycle among provider/'s modules (runtime
// imports only: `import type` is erased at compile time), no `as` cast in provider/resources beyond
// `as const` (the lint rule keeps it so; this reads the sources the lint reads), and no `as Error`
// anywhere in provider/ (errors are read through `messageOf`).
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "../../provider");

function sources(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : e.name.endsWith(".ts") ? [path.join(dir, e.name)] : []));
}

function parse(file: string): ts.SourceFile {
  return ts.createSourceFile(file, fs.readFileSync(file, "utf8"), ts.ScriptTarget.Latest, true);
}

/** The local modules a file imports at run time (type-only imports and exports left out). */
export function runtimeImports(file: string): string[] {
  const deps: string[] = [];
  for (const s of parse(file).statements) {
    if (!(ts.isImportDeclaration(s) || ts.isExportDeclaration(s)) || !s.moduleSpecifier || !ts.isStringLiteral(s.moduleSpecifier)) continue;
    if (ts.isExportDeclaration(s) && s.isTypeOnly) continue;
    if (ts.isImportDeclaration(s)) {
      const clause = s.importClause;
      if (clause?.isTypeOnly) continue;
      const named = clause?.namedBindings;
      if (clause && !clause.name && named && ts.isNamedImports(named) && named.elements.length > 0 && named.elements.every((e) => e.isTypeOnly)) continue;
    }
    const spec = s.moduleSpecifier.text;
    if (!spec.startsWith(".")) continue;
    const base = path.resolve(path.dirname(file), spec);
    const target = [`${base}.ts`, path.join(base, "index.ts")].find((t) => fs.existsSync(t));
    if (target) deps.push(target);
  }
  return deps;
}

/** Every cycle found by a depth-first walk, as `a.ts -> b.ts -> a.ts`. */
export function importCycles(files: readonly string[], root: string): string[] {
  const graph = new Map(files.map((f) => [f, runtimeImports(f)]));
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const cycles: string[] = [];
  const visit = (n: string) => {
    state.set(n, "open");
    stack.push(n);
    for (const d of graph.get(n) ?? []) {
      if (state.get(d) === "open") cycles.push([...stack.slice(stack.indexOf(d)), d].map((p) => path.relative(root, p)).join(" -> "));
      else if (!state.has(d)) visit(d);
    }
    stack.pop();
    state.set(n, "done");
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return cycles;
}

/** `as` expressions other than `as const`, with where they stand. */
function casts(file: string): string[] {
  const src = parse(file);
  const found: string[] = [];
  const walk = (node: ts.Node) => {
    if (ts.isAsExpression(node) && !(ts.isTypeReferenceNode(node.type) && node.type.typeName.getText(src) === "const")) {
      found.push(`${path.relative(ROOT, file)}:${src.getLineAndCharacterOfPosition(node.getStart(src)).line + 1}: ${node.getText(src).slice(0, 80)}`);
    }
    ts.forEachChild(node, walk);
  };
  walk(src);
  return found;
}

describe("provider/", () => {
  const files = sources(ROOT);

  it("has no import cycle", () => {
    expect(importCycles(files, ROOT)).toEqual([]);
  });

  it("finds a cycle where there is one (the check itself)", () => {
    const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "cycle-"));
    fs.writeFileSync(path.join(dir, "a.ts"), 'import { b } from "./b";\nimport type { C } from "./c";\nexport const a = b;\n');
    fs.writeFileSync(path.join(dir, "b.ts"), 'import { a } from "./a";\nexport const b = 1; void a;\n');
    fs.writeFileSync(path.join(dir, "c.ts"), 'import { a } from "./a";\nexport type C = typeof a;\n');
    expect(importCycles(["a.ts", "b.ts", "c.ts"].map((f) => path.join(dir, f)), dir)).toEqual(["a.ts -> b.ts -> a.ts"]);
  });

  it("holds no `as` cast in provider/resources (but `as const`)", () => {
    expect(files.filter((f) => f.startsWith(path.join(ROOT, "resources") + path.sep)).flatMap(casts)).toEqual([]);
  });

  it("reads no error `as Error` anywhere", () => {
    expect(files.flatMap((f) => casts(f).filter((c) => /\bas Error\b/.test(c)))).toEqual([]);
  });
});
