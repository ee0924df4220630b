// `npm run sdk-schemas`: JSON schemas of the official SDK's Managed Agents response types, read from
// its .d.ts files with the TypeScript compiler API, written to test/conformance/sdk-schemas.json.
// The conformance suite validates every 2xx body the emulator returns against them (issue 11), so
// the emulator's fidelity is checked against the SDK itself, not against a hand-kept copy.
// A test (test/conformance/sdk-schemas.test.ts) fails when the file is out of date.
//
// What it emits is the subset of JSON Schema that test/conformance/schema-validator.ts checks:
// type, enum, const, anyOf, $ref, properties, required, additionalProperties, items.
// Interfaces are closed (additionalProperties: false): a field the SDK does not declare is a
// fidelity bug of the emulator, not something to let through.
import * as fs from "node:fs";
import * as path from "node:path";
import * as ts from "typescript";

export type Schema = { [k: string]: unknown };

const REPO_ROOT = path.resolve(__dirname, "..");
const SDK_ROOT = path.join(REPO_ROOT, "node_modules", "@anthropic-ai", "sdk");
const BETA_DIR = path.join(SDK_ROOT, "resources", "beta");
export const SCHEMA_FILE = path.join(REPO_ROOT, "test", "conformance", "sdk-schemas.json");

/** The Managed Agents surface: whose exported types are roots (others are included when referenced). */
const SURFACE = [
  "agents",
  "environments",
  "sessions",
  "vaults",
  "skills",
  "memory-stores",
  "files.d.ts",
  "deployments.d.ts",
  "deployment-runs.d.ts",
  "dreams.d.ts",
  "tunnels",
];

function surfaceFiles(): string[] {
  const out: string[] = [];
  const walk = (p: string) => {
    if (fs.statSync(p).isDirectory()) for (const f of fs.readdirSync(p).sort()) walk(path.join(p, f));
    else if (p.endsWith(".d.ts") && !p.endsWith("index.d.ts")) out.push(p);
  };
  for (const s of SURFACE) {
    const p = path.join(BETA_DIR, s);
    if (fs.existsSync(p)) walk(p);
  }
  return out;
}

/** Request-side types: never in a response body. */
const isRequestType = (name: string) => /Params$|Request$/.test(name);

type Decl = ts.InterfaceDeclaration | ts.TypeAliasDeclaration;

/**
 * What an endpoint answers, from its SDK method's return type: one object (`body`, `null` allowed
 * when the SDK says so), a page of items (`page`; `prev_page` too when the cursor is bidirectional),
 * a server-sent event stream of `stream` items, or bytes (`raw`, not JSON).
 */
export type RouteResponse =
  | { body: Schema }
  | { page: Schema; bidirectional: boolean }
  | { stream: Schema }
  | { raw: true };

export interface SdkRoute {
  method: string;
  /** The path with each parameter as `{}`, e.g. `/v1/sessions/{}/events`. */
  path: string;
  /** The SDK method, e.g. `beta.sessions.events.list`. */
  sdkMethod: string;
  beta: string | null;
  response: RouteResponse;
}

const VERBS: Record<string, string> = { get: "GET", post: "POST", delete: "DELETE", put: "PUT", patch: "PATCH", getAPIList: "GET" };

/**
 * Every endpoint of the surface: method, path and beta header from each resource's .js file,
 * the answer's type from the same method in its .d.ts.
 */
function surfaceRoutes(files: string[], program: ts.Program, convert: (node: ts.TypeNode) => Schema): SdkRoute[] {
  const routes: SdkRoute[] = [];
  for (const dts of files) {
    const jsFile = dts.replace(/\.d\.ts$/, ".js");
    if (!fs.existsSync(jsFile)) continue;
    const js = ts.createSourceFile(jsFile, fs.readFileSync(jsFile, "utf8"), ts.ScriptTarget.ES2022, true);
    const calls = new Map<string, { method: string; path: string; beta: string | null }>();
    const visit = (node: ts.Node, methodName: string | undefined, methodText: string): void => {
      if (ts.isMethodDeclaration(node) && ts.isIdentifier(node.name)) {
        methodName = node.name.text;
        methodText = node.getText();
      }
      if (
        methodName !== undefined &&
        ts.isCallExpression(node) &&
        ts.isPropertyAccessExpression(node.expression) &&
        node.expression.expression.getText() === "this._client" &&
        VERBS[node.expression.name.text] !== undefined
      ) {
        const first = node.arguments[0];
        let text: string | undefined;
        if (first && ts.isStringLiteral(first)) text = first.text;
        else if (first && ts.isTaggedTemplateExpression(first)) {
          const tpl = first.template;
          text = ts.isNoSubstitutionTemplateLiteral(tpl) ? tpl.text : tpl.head.text + tpl.templateSpans.map((sp) => `{}${sp.literal.text}`).join("");
        }
        const beta = /'anthropic-beta': \[\.\.\.\(betas \?\? \[\]\), '([^']+)'\]/.exec(methodText)?.[1] ?? null;
        if (text !== undefined) {
          if (calls.has(methodName)) throw new Error(`${jsFile}: two requests in ${methodName}`);
          calls.set(methodName, { method: VERBS[node.expression.name.text]!, path: text, beta });
        }
      }
      ts.forEachChild(node, (child) => visit(child, methodName, methodText));
    };
    visit(js, undefined, "");
    const sf = program.getSourceFile(dts)!;
    const owner = path.relative(BETA_DIR, dts).replace(/\.d\.ts$/, "").split(path.sep);
    for (const stmt of sf.statements) {
      if (!ts.isClassDeclaration(stmt)) continue;
      for (const m of stmt.members) {
        if (!ts.isMethodDeclaration(m) || !ts.isIdentifier(m.name) || !m.type || !ts.isTypeReferenceNode(m.type)) continue;
        const call = calls.get(m.name.text);
        if (!call) continue;
        const wrapper = m.type.typeName.getText();
        const arg = m.type.typeArguments?.[0];
        let response: RouteResponse;
        if (wrapper === "PagePromise") {
          const item = m.type.typeArguments?.[1];
          if (!arg || !item) throw new Error(`${dts}: ${m.name.text} has no page item type`);
          response = { page: convert(item), bidirectional: /Bidirectional/.test(arg.getText()) };
        } else if (wrapper === "APIPromise" && arg) {
          if (ts.isTypeReferenceNode(arg) && arg.typeName.getText() === "Response") response = { raw: true };
          else if (ts.isTypeReferenceNode(arg) && arg.typeName.getText() === "Stream" && arg.typeArguments?.[0]) {
            response = { stream: convert(arg.typeArguments[0]) };
          } else response = { body: convert(arg) };
        } else continue;
        // The resource's place under client.beta (its folder's own file is the folder's name).
        const parts = owner[owner.length - 1] === owner[owner.length - 2] ? owner.slice(0, -1) : owner;
        const sdkMethod = ["beta", ...parts.map((p) => p.replace(/-(\w)/g, (_, c: string) => c.toUpperCase())), m.name.text].join(".");
        routes.push({ ...call, sdkMethod, response });
      }
    }
  }
  return routes.sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

export function generateSchemas(): { sdkVersion: string; routes: SdkRoute[]; $defs: Record<string, Schema> } {
  const files = surfaceFiles();
  const program = ts.createProgram(files, { noEmit: true, skipLibCheck: true, types: [] });
  const checker = program.getTypeChecker();
  const defs = new Map<string, Schema>();
  const origin = new Map<string, string>();
  const queue: Decl[] = [];

  const declOf = (symbol: ts.Symbol | undefined): Decl | undefined => {
    if (!symbol) return undefined;
    const target = symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
    return target.declarations?.find((d): d is Decl => ts.isInterfaceDeclaration(d) || ts.isTypeAliasDeclaration(d));
  };

  const where = (node: ts.Node) => {
    const sf = node.getSourceFile();
    return `${path.relative(SDK_ROOT, sf.fileName)}:${sf.getLineAndCharacterOfPosition(node.getStart()).line + 1}`;
  };

  /** A named type: a $ref, its definition queued (names must be unique across the surface). */
  const refTo = (decl: Decl): Schema => {
    const name = decl.name.text;
    const from = where(decl);
    const seen = origin.get(name);
    if (seen === undefined) {
      origin.set(name, from);
      queue.push(decl);
    } else if (seen.split(":")[0] !== from.split(":")[0]) {
      throw new Error(`type name ${name} is declared twice (${seen}, ${from}): the schema file keys types by name`);
    }
    return { $ref: `#/$defs/${name}` };
  };

  const objectOf = (members: readonly ts.TypeElement[], bases: Decl[] = []): Schema => {
    const properties: Record<string, Schema> = {};
    const required: string[] = [];
    let additional: Schema | false = false;
    for (const base of bases) {
      const b = convertDecl(base);
      Object.assign(properties, b["properties"] ?? {});
      required.push(...((b["required"] as string[] | undefined) ?? []));
    }
    for (const m of members) {
      if (ts.isPropertySignature(m)) {
        const name = ts.isIdentifier(m.name) || ts.isStringLiteral(m.name) ? m.name.text : m.name.getText();
        properties[name] = m.type ? convert(m.type) : {};
        if (!m.questionToken && !required.includes(name)) required.push(name);
      } else if (ts.isIndexSignatureDeclaration(m)) {
        additional = m.type ? convert(m.type) : {};
      } else if (ts.isMethodSignature(m)) {
        continue;
      } else throw new Error(`unsupported member ${ts.SyntaxKind[m.kind]} at ${where(m)}`);
    }
    return {
      type: "object",
      ...(Object.keys(properties).length > 0 ? { properties } : {}),
      ...(required.length > 0 ? { required } : {}),
      additionalProperties: additional,
    };
  };

  const basesOf = (decl: ts.InterfaceDeclaration): Decl[] =>
    (decl.heritageClauses ?? []).flatMap((h) =>
      h.types.map((t) => {
        const base = declOf(checker.getSymbolAtLocation(t.expression));
        if (!base) throw new Error(`unresolved base ${t.getText()} at ${where(t)}`);
        return base;
      }),
    );

  const convertDecl = (decl: Decl): Schema =>
    ts.isInterfaceDeclaration(decl) ? objectOf(decl.members, basesOf(decl)) : convert(decl.type);

  const union = (all: Schema[]): Schema => {
    // `"a" | "b" | (string & {})` (an open set of names) is any string.
    const anyString = all.some((s) => Object.keys(s).length === 1 && s["type"] === "string");
    const schemas = anyString ? all.filter((s) => typeof s["const"] !== "string") : all;
    if (schemas.length === 1) return schemas[0]!;
    // Literals of one union become an enum; bare primitive types a type list.
    if (schemas.every((s) => "const" in s)) return { enum: schemas.map((s) => s["const"]) };
    if (schemas.every((s) => Object.keys(s).length === 1 && typeof s["type"] === "string")) {
      return { type: [...new Set(schemas.map((s) => s["type"] as string))] };
    }
    return { anyOf: schemas };
  };

  function convert(node: ts.TypeNode): Schema {
    switch (node.kind) {
      case ts.SyntaxKind.StringKeyword:
        return { type: "string" };
      case ts.SyntaxKind.NumberKeyword:
        return { type: "number" };
      case ts.SyntaxKind.BooleanKeyword:
        return { type: "boolean" };
      case ts.SyntaxKind.NullKeyword:
        return { type: "null" };
      case ts.SyntaxKind.UnknownKeyword:
      case ts.SyntaxKind.AnyKeyword:
      case ts.SyntaxKind.ObjectKeyword:
        return {};
    }
    if (ts.isParenthesizedTypeNode(node)) return convert(node.type);
    if (ts.isLiteralTypeNode(node)) {
      const lit = node.literal;
      if (lit.kind === ts.SyntaxKind.NullKeyword) return { type: "null" };
      if (ts.isStringLiteral(lit)) return { const: lit.text };
      if (ts.isNumericLiteral(lit)) return { const: Number(lit.text) };
      if (lit.kind === ts.SyntaxKind.TrueKeyword) return { const: true };
      if (lit.kind === ts.SyntaxKind.FalseKeyword) return { const: false };
    }
    if (ts.isUnionTypeNode(node)) {
      const parts = node.types.filter((t) => t.kind !== ts.SyntaxKind.UndefinedKeyword).map(convert);
      return parts.length === 1 ? parts[0]! : union(parts);
    }
    // `string & {}`: a string that keeps editor completion for the literals beside it.
    if (ts.isIntersectionTypeNode(node) && node.types.length === 2 && node.types[0]!.kind === ts.SyntaxKind.StringKeyword) {
      const other = node.types[1]!;
      if (ts.isTypeLiteralNode(other) && other.members.length === 0) return { type: "string" };
    }
    if (ts.isArrayTypeNode(node)) return { type: "array", items: convert(node.elementType) };
    if (ts.isTypeLiteralNode(node)) return objectOf(node.members);
    if (ts.isTypeReferenceNode(node)) {
      const name = node.typeName.getText();
      const args = node.typeArguments ?? [];
      if ((name === "Array" || name === "ReadonlyArray") && args.length === 1) return { type: "array", items: convert(args[0]!) };
      if (name === "Record" && args.length === 2) return { type: "object", additionalProperties: convert(args[1]!) };
      const decl = declOf(checker.getSymbolAtLocation(node.typeName));
      if (!decl) throw new Error(`unresolved type ${name} at ${where(node)}`);
      if (decl.typeParameters?.length) throw new Error(`generic type ${name} at ${where(node)} is not supported`);
      return refTo(decl);
    }
    throw new Error(`unsupported type ${ts.SyntaxKind[node.kind]} (${node.getText()}) at ${where(node)}`);
  }

  for (const file of files) {
    const sf = program.getSourceFile(file);
    if (!sf) throw new Error(`cannot read ${file}`);
    for (const stmt of sf.statements) {
      if (!(ts.isInterfaceDeclaration(stmt) || ts.isTypeAliasDeclaration(stmt))) continue;
      if (!stmt.modifiers?.some((m) => m.kind === ts.SyntaxKind.ExportKeyword)) continue;
      if (isRequestType(stmt.name.text) || stmt.typeParameters?.length) continue;
      // Page types (PageCursor<X>) are generic classes: list bodies are checked as pages of X.
      if (ts.isTypeAliasDeclaration(stmt) && ts.isTypeReferenceNode(stmt.type) && stmt.type.typeArguments?.length) continue;
      refTo(stmt);
    }
  }
  for (let decl = queue.shift(); decl; decl = queue.shift()) defs.set(decl.name.text, convertDecl(decl));

  const routes = surfaceRoutes(files, program, (node) => convert(node));

  const pkg = JSON.parse(fs.readFileSync(path.join(SDK_ROOT, "package.json"), "utf8")) as { version: string };
  return { sdkVersion: pkg.version, routes, $defs: Object.fromEntries([...defs].sort(([a], [b]) => a.localeCompare(b))) };
}

/** One definition a line: a readable diff when the SDK changes, at a fraction of pretty JSON's size. */
export function schemaFileText(): string {
  const { sdkVersion, routes, $defs } = generateSchemas();
  const lines = Object.entries($defs).map(([name, schema]) => `    ${JSON.stringify(name)}: ${JSON.stringify(schema)}`);
  const routeLines = routes.map((r) => `    ${JSON.stringify(r)}`);
  return `{\n  "generatedBy": "npm run sdk-schemas",\n  "sdkVersion": ${JSON.stringify(sdkVersion)},\n  "routes": [\n${routeLines.join(",\n")}\n  ],\n  "$defs": {\n${lines.join(",\n")}\n  }\n}\n`;
}

if (require.main === module) {
  fs.writeFileSync(SCHEMA_FILE, schemaFileText());
  console.log(`wrote ${path.relative(REPO_ROOT, SCHEMA_FILE)}`);
}
