// The emulator is layered like the provider (DESIGN §6): helpers below (http, router, ids, faults,
// rules, pagination, ...), one EmulatorModule per object family above them, the server on top.
// Read from the sources' runtime imports (`import type`, and imports of types only, aside: the
// compiler drops them): no import cycle, no helper that imports a family or the top, no family that
// imports the top.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..", "emulator");
/** The top: the server and the two entry points that start it. */
const TOP = new Set(["server.ts", "index.ts", "main.ts"]);

function sources(dir = ROOT): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) return sources(p);
    return e.name.endsWith(".ts") ? [path.relative(ROOT, p)] : [];
  });
}

/** Whether an import or export declaration stays in the compiled JavaScript. */
function isRuntime(node: ts.ImportDeclaration | ts.ExportDeclaration): boolean {
  if (ts.isExportDeclaration(node)) {
    if (node.isTypeOnly) return false;
    const clause = node.exportClause;
    return !(clause && ts.isNamedExports(clause) && clause.elements.length > 0 && clause.elements.every((e) => e.isTypeOnly));
  }
  const clause = node.importClause;
  if (!clause) return true; // `import "./x"`: for its effects
  if (clause.isTypeOnly) return false;
  if (clause.name) return true;
  const bindings = clause.namedBindings;
  return !(bindings && ts.isNamedImports(bindings) && bindings.elements.length > 0 && bindings.elements.every((e) => e.isTypeOnly));
}

/** Each file's runtime imports of other emulator files, as paths relative to emulator/. */
function importGraph(): Map<string, string[]> {
  const graph = new Map<string, string[]>();
  for (const file of sources()) {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const source = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, false);
    const targets: string[] = [];
    for (const node of source.statements) {
      if (!(ts.isImportDeclaration(node) || ts.isExportDeclaration(node)) || !node.moduleSpecifier) continue;
      const spec = (node.moduleSpecifier as ts.StringLiteral).text;
      if (!spec.startsWith(".") || !isRuntime(node)) continue;
      targets.push(path.normalize(path.join(path.dirname(file), `${spec}.ts`)));
    }
    graph.set(file, targets);
  }
  return graph;
}

/** The files that declare an object family: a class that `implements EmulatorModule`. */
function families(): Set<string> {
  const out = new Set<string>();
  for (const file of sources()) {
    const source = ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), "utf8"), ts.ScriptTarget.ES2022, false);
    const declares = source.statements.some(
      (s) =>
        ts.isClassDeclaration(s) &&
        (s.heritageClauses ?? []).some((h) => h.token === ts.SyntaxKind.ImplementsKeyword && h.types.some((t) => t.expression.getText(source) === "EmulatorModule")),
    );
    if (declares) out.add(file);
  }
  return out;
}

/** Every cycle, each once, as `a.ts -> b.ts -> a.ts`. */
function cycles(graph: Map<string, string[]>): string[] {
  const found = new Set<string>();
  const state = new Map<string, "open" | "done">();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, "open");
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === "open") {
        const loop = stack.slice(stack.indexOf(next));
        // Written from its smallest file, so that each cycle is reported once.
        const start = loop.indexOf([...loop].sort()[0]!);
        const rotated = [...loop.slice(start), ...loop.slice(0, start)];
        found.add([...rotated, rotated[0]].join(" -> "));
      } else if (!state.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, "done");
  };
  for (const file of [...graph.keys()].sort()) if (!state.has(file)) visit(file);
  return [...found];
}

const graph = importGraph();

it("reads every emulator file and resolves every relative import to one", () => {
  expect(graph.size).toBeGreaterThan(20);
  const unresolved = [...graph].flatMap(([file, targets]) => targets.filter((t) => !graph.has(t)).map((t) => `${file} -> ${t}`));
  expect(unresolved).toEqual([]);
});

it("has no import cycle", () => {
  expect(cycles(graph)).toEqual([]);
});

it("finds a cycle where there is one (the check itself)", () => {
  const looped = new Map([
    ["a.ts", ["b.ts"]],
    ["b.ts", ["c.ts"]],
    ["c.ts", ["a.ts", "d.ts"]],
    ["d.ts", []],
  ]);
  expect(cycles(looped)).toEqual(["a.ts -> b.ts -> c.ts -> a.ts"]);
});

it("layers it: helpers import no family and not the top; families do not import the top", () => {
  const family = families();
  expect([...family].sort()).toEqual(
    expect.arrayContaining(["agents.ts", "environments.ts", "sessions.ts", "deployments.ts", "vaults.ts", "files.ts", "skills.ts", "memory-stores.ts", "tunnels.ts"]),
  );
  const wrong = [...graph].flatMap(([file, targets]) => {
    if (TOP.has(file)) return [];
    return targets
      .filter((t) => TOP.has(t) || (!family.has(file) && family.has(t)))
      .map((t) => `${file} (${family.has(file) ? "family" : "helper"}) imports ${t}`);
  });
  expect(wrong).toEqual([]);
});

it("names every family module one way: <Family>Module, registered by the server", () => {
  const server = fs.readFileSync(path.join(ROOT, "server.ts"), "utf8");
  for (const file of families()) {
    const text = fs.readFileSync(path.join(ROOT, file), "utf8");
    const name = /export class (\w+) implements EmulatorModule/.exec(text)?.[1];
    const expected = `${path.basename(file, ".ts").replace(/(^|-)([a-z])/g, (_m, _d, c: string) => c.toUpperCase())}Module`;
    expect([file, name]).toEqual([file, expected]);
    expect([file, server.includes(`new ${expected}(`)]).toEqual([file, true]);
  }
});
