// Typing guarantees that only the compiler can show: a resource spec must name every field of its
// schema (and no other), the SDK's Args take Outputs at any depth, and the published declaration
// files type-check in a user's project as `pulumi new typescript` sets it up (no skipLibCheck).
//
// The first two type-check in-memory snippets against the real sources with the compiler API, each
// next to a control that differs by one edit, so that a pass means the types, not the harness,
// decided. The third builds and packs the package and runs tsc in a scratch project.
import { execFileSync, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { stripVTControlCharacters } from "node:util";
import * as ts from "typescript";

const ROOT = path.resolve(__dirname, "..", "..");
const PACKAGE = "pulumi-anthropic-managed-agents";

// ---------------------------------------------------------------------------------------------
// Type-checking in-memory snippets against the sources

/** The repository's compiler options (tsconfig.json), emitting nothing. */
function repoCompilerOptions(): ts.CompilerOptions {
  const configPath = path.join(ROOT, "tsconfig.json");
  const read = ts.readConfigFile(configPath, ts.sys.readFile);
  if (read.error) throw new Error(ts.flattenDiagnosticMessageText(read.error.messageText, "\n"));
  const parsed = ts.parseJsonConfigFileContent(read.config, ts.sys, ROOT, { noEmit: true }, configPath);
  if (parsed.errors.length > 0) throw new Error(parsed.errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, "\n")).join("\n"));
  return { ...parsed.options, noEmit: true };
}

interface Found {
  code: number;
  message: string;
  /** 1-based line in the snippet. */
  line: number;
}

/**
 * Type-checks snippets (name -> source) as files of test/types/ that exist only in memory; every
 * other file comes from disk. One program for all of them: each snippet is its own module, and
 * its diagnostics are its own file's.
 */
function typeCheck(snippets: Record<string, string>): Record<string, Found[]> {
  const options = repoCompilerOptions();
  const fileOf = (name: string) => path.join(ROOT, "test", "types", `${name}.snippet.ts`);
  const memory = new Map(Object.entries(snippets).map(([name, text]) => [fileOf(name), text]));
  const host = ts.createCompilerHost(options, true);
  const disk = { getSourceFile: host.getSourceFile, fileExists: host.fileExists, readFile: host.readFile };
  host.getSourceFile = (fileName, languageVersion, onError, shouldCreateNewSourceFile) => {
    const text = memory.get(path.resolve(fileName));
    if (text !== undefined) return ts.createSourceFile(fileName, text, languageVersion, true);
    return disk.getSourceFile.call(host, fileName, languageVersion, onError, shouldCreateNewSourceFile);
  };
  host.fileExists = (fileName) => memory.has(path.resolve(fileName)) || disk.fileExists.call(host, fileName);
  host.readFile = (fileName) => memory.get(path.resolve(fileName)) ?? disk.readFile.call(host, fileName);

  const program = ts.createProgram({ rootNames: [...memory.keys()], options, host });
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  if (global.length > 0) throw new Error(ts.formatDiagnostics(global, host));

  const result: Record<string, Found[]> = {};
  for (const name of Object.keys(snippets)) {
    const sourceFile = program.getSourceFile(fileOf(name));
    if (!sourceFile) throw new Error(`snippet ${name} is not in the program`);
    const diagnostics = [...program.getSyntacticDiagnostics(sourceFile), ...program.getSemanticDiagnostics(sourceFile)];
    result[name] = diagnostics.map((d) => ({
      code: d.code,
      message: ts.flattenDiagnosticMessageText(d.messageText, "\n"),
      line: d.start === undefined ? 0 : sourceFile.getLineAndCharacterOfPosition(d.start).line + 1,
    }));
  }
  return result;
}

/** The 1-based line of `snippet` that holds `text`. */
function lineOf(snippet: string, text: string): number {
  const index = snippet.indexOf(text);
  if (index < 0) throw new Error(`no ${JSON.stringify(text)} in the snippet`);
  return snippet.slice(0, index).split("\n").length;
}

/** `text` with `from` replaced by `to`, which must occur exactly once (so a control stays a control). */
function edit(text: string, from: string, to: string): string {
  const parts = text.split(from);
  if (parts.length !== 2) throw new Error(`expected exactly one ${JSON.stringify(from)} in the snippet, found ${parts.length - 1}`);
  return parts.join(to);
}

// Snippets sit in test/types/ (in memory), so "../../" is the repository root.

const completeSpec = `
import { z } from "zod";
import { defineSpec, field } from "../../provider/kit/spec";

export const spec = defineSpec({
  kind: "Thing",
  summary: "A test object.",
  inputs: z.strictObject({ name: z.string(), extra: z.string().optional() }),
  updateText: "update in place",
  fields: {
    name: field.update({ text: "Name.", type: "string" }),
    extra: field.replace({ text: "Something else.", type: "string" }, { removal: "clears" }),
  },
  outputs: z.object({ createdAt: z.string() }),
  outputDocs: { createdAt: "When it was made." },
});
`;

const missingField = edit(completeSpec, `    extra: field.replace({ text: "Something else.", type: "string" }, { removal: "clears" }),\n`, "");
const unknownField = edit(completeSpec, `    name: field.update(`, `    bogus: field.option({ text: "Not in the schema.", type: "string" }),\n    name: field.update(`);

// The real agent spec with one field's entry taken out.
const realSpecMissingField = `
import { defineSpec } from "../../provider/kit/spec";
import { agentSpec } from "../../provider/resources/agent";

const { system: _dropped, ...fields } = agentSpec.fields;
export const incomplete = defineSpec({ ...agentSpec, fields });
export const complete = defineSpec({ ...agentSpec, fields: { ...fields, system: _dropped } });
`;

const nestedOutputs = `
import * as pulumi from "@pulumi/pulumi";
import type { Agent, AgentArgs, Environment, EnvironmentArgs, SessionArgs } from "${PACKAGE}";

declare const worker: Agent;
declare const env: Environment;
declare const fileId: pulumi.Output<string>;

export const coordinator: AgentArgs = {
  name: "lead",
  model: "claude-opus-4-7",
  multiagent: { type: "coordinator", agents: [worker.id] },
  metadata: { team: worker.name },
  tools: [{ type: "mcp_toolset", mcpServerName: worker.name }],
  mcpServers: [{ type: "url", name: worker.name, url: "https://mcp.example.com/mcp" }],
};

export const session: SessionArgs = {
  agent: worker.id,
  agentVersion: worker.version,
  environmentId: env.id,
  resources: [{ type: "file", fileId }],
};

export const environment: EnvironmentArgs = {
  name: "sandbox",
  config: { type: "cloud", networking: { type: "limited", allowedHosts: [pulumi.output("a.example")] } },
};
`;

const typoDiscriminant = edit(nestedOutputs, `type: "coordinator"`, `type: "coordinatr"`);
const stringVersion = edit(nestedOutputs, `agentVersion: worker.version`, `agentVersion: "2"`);

let checked: Record<string, Found[]> | undefined;
/** All snippets, checked once, in one program (5-10 s: it loads zod, @pulumi/pulumi and the sources). */
function checkAll(): void {
  checked ??= typeCheck({
    completeSpec,
    missingField,
    unknownField,
    realSpecMissingField,
    nestedOutputs,
    typoDiscriminant,
    stringVersion,
  });
}
const CHECK_TIMEOUT = 60_000;

function diagnostics(name: string): Found[] {
  const found = checked?.[name];
  if (!found) throw new Error(`no snippet ${name}`);
  return found;
}

describe("a resource spec names every schema field, and only those", () => {
  beforeAll(checkAll, CHECK_TIMEOUT);

  it("compiles when every field has a spec (the control)", () => {
    expect(diagnostics("completeSpec")).toEqual([]);
  });

  it("does not compile when a schema field has no spec, and names the field", () => {
    const found = diagnostics("missingField");
    expect(found).toEqual([expect.objectContaining({ code: 2741, line: lineOf(missingField, "fields:"), message: expect.stringContaining("Property 'extra' is missing") })]);
  });

  it("does not compile when a spec names a field the schema does not have", () => {
    const found = diagnostics("unknownField");
    expect(found).toEqual([expect.objectContaining({ code: 2353, line: lineOf(unknownField, "bogus:"), message: expect.stringContaining("'bogus'") })]);
  });

  it("holds for the real agent spec: dropping one field's entry does not compile", () => {
    const found = diagnostics("realSpecMissingField");
    // Only the incomplete spec fails; the same spec with the entry put back compiles.
    const line = lineOf(realSpecMissingField, "export const incomplete");
    expect(found).toEqual([expect.objectContaining({ code: 2741, line, message: expect.stringContaining("Property 'system' is missing") })]);
  });
});

describe("Args take Outputs at any depth", () => {
  beforeAll(checkAll, CHECK_TIMEOUT);

  it("compiles Agent, Session and Environment args with nested Outputs", () => {
    expect(diagnostics("nestedOutputs")).toEqual([]);
  });

  it("still rejects a misspelled discriminant (the control)", () => {
    const found = diagnostics("typoDiscriminant");
    // TS2820: "Type '"coordinatr"' is not assignable to type 'Input<"coordinator">'. Did you mean …?"
    const line = lineOf(typoDiscriminant, "coordinatr");
    expect(found).toEqual([expect.objectContaining({ code: 2820, line, message: expect.stringContaining('"coordinatr"') })]);
  });

  it("still rejects a value of the wrong type (the control)", () => {
    const found = diagnostics("stringVersion");
    // TS2322: "Type 'string' is not assignable to type 'number | … | OutputInstance<number>'."
    const line = lineOf(stringVersion, `agentVersion: "2"`);
    expect(found).toEqual([expect.objectContaining({ code: 2322, line, message: expect.stringMatching(/^Type 'string' is not assignable to type '.*\bnumber\b/) })]);
  });
});

// ---------------------------------------------------------------------------------------------
// The packed package in a stock project

/**
 * typescript/tsconfig.json of github.com/pulumi/templates (what `pulumi new typescript` writes),
 * as of commit 81e6522 (2026-03-25, "Use moduleResolution: nodenext").
 */
const TEMPLATE_TSCONFIG = {
  compilerOptions: {
    strict: true,
    outDir: "bin",
    target: "es2020",
    module: "nodenext",
    moduleResolution: "nodenext",
    sourceMap: true,
    experimentalDecorators: true,
    pretty: true,
    noFallthroughCasesInSwitch: true,
    noImplicitReturns: true,
    forceConsistentCasingInFileNames: true,
  },
  files: ["index.ts"],
};

/** The same template before that commit (2024-04 to 2026-03): what existing projects have. */
const EARLIER_TEMPLATE_TSCONFIG = {
  ...TEMPLATE_TSCONFIG,
  compilerOptions: { ...TEMPLATE_TSCONFIG.compilerOptions, module: "commonjs", moduleResolution: "node" },
};

/** The template's package.json, named: no "type", so index.ts is CommonJS under nodenext. */
const TEMPLATE_PACKAGE_JSON = {
  name: "typing-check",
  main: "index.ts",
  devDependencies: { "@types/node": "^18", typescript: "^5.0.0" },
  dependencies: { "@pulumi/pulumi": "^3.113.0" },
};

const PROGRAM = `import * as pulumi from "@pulumi/pulumi";
import { Agent, Environment, Session } from "${PACKAGE}";

const config = new pulumi.Config();

const environment = new Environment("sandbox", {
    name: "sandbox",
    config: { type: "cloud", networking: { type: "limited", allowedHosts: ["api.example.com"], allowMcpServers: true } },
});

const agent = new Agent("reviewer", {
    name: "reviewer",
    model: { id: "claude-opus-4-7", effort: "high" },
    system: "You review pull requests.",
    tools: [
        { type: "agent_toolset_20260401", defaultConfig: { permissionPolicy: { type: "always_allow" } } },
        { type: "mcp_toolset", mcpServerName: "docs" },
    ],
    mcpServers: [{ type: "url", name: "docs", url: "https://mcp.example.com/mcp" }],
    metadata: { team: "platform" },
});

const session = new Session("review", {
    agent: agent.id,
    agentVersion: agent.version,
    environmentId: environment.id,
    resources: [{ type: "file", fileId: config.requireSecret("fileId") }],
    metadata: { reviewer: agent.name },
});

const existing = Agent.get("x", "agent_01abc");

export const agentId = agent.id;
export const agentVersion = agent.version;
export const sessionId = session.id;
export const existingModel = existing.model;
`;

function execOrExplain(file: string, args: string[], cwd: string, timeout: number): void {
  try {
    execFileSync(file, args, { cwd, encoding: "utf8", stdio: "pipe", timeout });
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${file} ${args.join(" ")} failed: ${err.message}\n${err.stdout ?? ""}\n${err.stderr ?? ""}`, { cause: e });
  }
}

function filesUnder(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const full = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(full) : [full];
  });
}

/** Module specifiers of a declaration file: imports, exports, import types, requires, type references. */
function specifiers(text: string): string[] {
  const patterns = [
    /\bfrom\s*["']([^"']+)["']/g,
    /\bimport\s*["']([^"']+)["']/g,
    /\bimport\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\brequire\s*\(\s*["']([^"']+)["']\s*\)/g,
    /\/\/\/\s*<reference\s+(?:types|path)\s*=\s*["']([^"']+)["']/g,
  ];
  return patterns.flatMap((p) => [...text.matchAll(p)].map((m) => m[1]!));
}

describe("the packed package in a stock `pulumi new typescript` project", () => {
  let tmp: string;
  let project: string;
  let installed: string;

  beforeAll(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "typing-pack-"));
    execOrExplain("npm", ["run", "build"], ROOT, 90_000);
    execOrExplain("npm", ["pack", "--pack-destination", tmp], ROOT, 60_000);
    const tarballs = fs.readdirSync(tmp).filter((f) => f.endsWith(".tgz"));
    expect(tarballs).toHaveLength(1);

    project = path.join(tmp, "project");
    const nodeModules = path.join(project, "node_modules");
    fs.mkdirSync(nodeModules, { recursive: true });
    // Everything else the project needs (@pulumi/pulumi and the typings it pulls in) from the repo.
    for (const entry of fs.readdirSync(path.join(ROOT, "node_modules"))) {
      if (entry === PACKAGE) continue; // in the repo, a link to the repo itself
      fs.symlinkSync(path.join(ROOT, "node_modules", entry), path.join(nodeModules, entry));
    }
    installed = path.join(nodeModules, PACKAGE);
    fs.mkdirSync(installed);
    // The tarball's top folder is package/.
    execOrExplain("tar", ["-xzf", path.join(tmp, tarballs[0]!), "-C", installed, "--strip-components=1"], tmp, 30_000);

    fs.writeFileSync(path.join(project, "package.json"), JSON.stringify(TEMPLATE_PACKAGE_JSON, null, 4) + "\n");
    fs.writeFileSync(path.join(project, "index.ts"), PROGRAM);
  }, 150_000);

  afterAll(() => {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  });

  function tsc(tsconfig: object): { status: number | null; output: string } {
    fs.writeFileSync(path.join(project, "tsconfig.json"), JSON.stringify(tsconfig, null, 4) + "\n");
    const run = spawnSync(process.execPath, [path.join(ROOT, "node_modules", "typescript", "bin", "tsc"), "-p", project], {
      cwd: project,
      encoding: "utf8",
      timeout: 90_000,
    });
    if (run.error) throw run.error;
    // The template sets "pretty": keep the report readable.
    return { status: run.status, output: stripVTControlCharacters(`${run.stdout}${run.stderr}`) };
  }

  it("type-checks with the template's tsconfig (nodenext), without skipLibCheck", () => {
    expect(tsc(TEMPLATE_TSCONFIG)).toEqual({ status: 0, output: "" });
  }, 90_000);

  it("type-checks with the template's earlier tsconfig (commonjs, node resolution)", () => {
    expect(tsc(EARLIER_TEMPLATE_TSCONFIG)).toEqual({ status: 0, output: "" });
  }, 90_000);

  it("ships SDK declarations that import neither zod nor the provider", () => {
    const sdkDir = path.join(installed, "dist", "sdk");
    const providerDir = path.join(installed, "dist", "provider");
    const declarations = filesUnder(sdkDir).filter((f) => f.endsWith(".d.ts"));
    expect(declarations).toContain(path.join(sdkDir, "index.d.ts"));
    const offending = declarations.flatMap((file) =>
      specifiers(fs.readFileSync(file, "utf8"))
        .filter((s) => {
          if (s === "zod" || s.startsWith("zod/")) return true;
          if (s === `${PACKAGE}/runtime` || s.startsWith(`${PACKAGE}/dist/provider`)) return true;
          if (!s.startsWith(".")) return false;
          const target = path.resolve(path.dirname(file), s);
          return target === providerDir || target.startsWith(providerDir + path.sep);
        })
        .map((s) => `${path.relative(installed, file)}: ${s}`),
    );
    expect(offending).toEqual([]);
  });
});
