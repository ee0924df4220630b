// Seeded fuzzing of what the engine calls at every preview, `check` and `diff`, for every resource
// kind, through the built runtime's exports. Inputs are a valid declaration of the kind with a few
// values replaced, added or removed (random JSON, the preview's unknown sentinel, values nested
// 5,000 levels deep, 100 KB strings, `__proto__` and other odd keys, objects whose `toString` is
// not a function). Whatever the input: no throw, every failure a short one naming a path, no
// write-only secret in anything returned, and 0 API requests. Fixed seeds and run counts: the same
// inputs every run, in bounded time.
import * as fc from "fast-check";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type * as Registry from "../../provider/resources/index";
import { builtModule, configureRuntime, emulatorPackage, REPO, runtime, sdkProps } from "./built";

type Props = Record<string, unknown>;
type Path = Array<string | number>;

const rt = runtime();
const UNKNOWN = "04da6b54-80e4-46f7-96ec-b56ff0331ba9";
/** In every write-only place of the declarations: never to appear in what `check` or `diff` returns. */
const CANARY = "ghp_fuzzCanary0123456789abcdefghijklmnop";
/** Runs per property; `FUZZ_RUNS=5000 npx jest test/fuzz` explores further (same seeds, longer). */
const RUNS = Number(process.env["FUZZ_RUNS"] ?? 120);

const work = fs.mkdtempSync(path.join(os.tmpdir(), "hooks-fuzz-"));
const skillDir = path.join(work, "triage-rules");
fs.cpSync(path.join(REPO, "test", "fixtures", "skills", "triage-rules"), skillDir, { recursive: true });
const sourceFile = path.join(work, "notes.md");
fs.writeFileSync(sourceFile, "# notes\n");

const text = (t: string) => ({ type: "user.message", content: [{ type: "text", text: t }] });
const linear = { type: "url", name: "linear", url: "https://mcp.linear.app/sse" };
const github = { type: "github_repository", url: "https://github.com/acme/app", authorizationToken: CANARY, checkout: { type: "branch", name: "main" } };

/** A valid declaration of each kind (checked below), the start of every fuzzed input. */
const BASES: Record<string, Props> = {
  Agent: {
    name: "coder",
    model: { id: "claude-sonnet-4-6", effort: "high" },
    system: "You write code.",
    tools: [
      { type: "agent_toolset_20260401", configs: [{ name: "web_fetch", allowedDomains: ["example.com"] }] },
      { type: "mcp_toolset", mcpServerName: "linear" },
      { type: "custom", name: "lookup", description: "d", inputSchema: { type: "object", properties: { q: { type: "string" } } } },
    ],
    mcpServers: [linear],
    skills: [{ type: "anthropic", skillId: "xlsx" }],
    metadata: { team: "platform" },
  },
  Environment: {
    name: "dev",
    description: "d",
    metadata: { team: "platform" },
    config: { type: "cloud", networking: { type: "limited", allowedHosts: ["example.com"], allowPackageManagers: true }, packages: { pip: ["requests"] } },
  },
  Session: {
    agent: "agent_01",
    agentVersion: 2,
    environmentId: "env_01",
    resources: [github, { type: "file", fileId: "file_01", mountPath: "/mnt/a" }, { type: "memory_store", memoryStoreId: "memstore_01", access: "read_only" }],
    title: "triage",
    metadata: { run: "1" },
    budget: { type: "limit", maxListCost: { amount: "2500" } },
    initialEvents: [text("start")],
    tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcpServerName: "linear" }],
    mcpServers: [linear],
  },
  Skill: { directory: skillDir, displayName: "Triage rules" },
  Deployment: {
    agent: "agent_01",
    agentVersion: 1,
    environmentId: "env_01",
    name: "nightly",
    initialEvents: [text("go")],
    schedule: { type: "cron", expression: "0 3 * * MON-FRI", timezone: "Europe/Paris" },
    resources: [github],
    vaultIds: ["vlt_01"],
    metadata: { team: "platform" },
  },
  Vault: { displayName: "mcp", metadata: { team: "platform" } },
  VaultCredential: { vaultId: "vlt_01", displayName: "linear", auth: { type: "static_bearer", mcpServerUrl: "https://mcp.linear.app/sse", token: CANARY } },
  File: { source: sourceFile, filename: "notes.md" },
  MemoryStore: { name: "notes", description: "d", metadata: { team: "platform" } },
  Memory: { memoryStoreId: "memstore_01", path: "/projects/notes.md", content: "remember" },
  Tunnel: { displayName: "on-prem MCP", tokenRotation: "q1" },
  TunnelCertificate: { tunnelId: "tnl_01", caCertificatePem: fs.readFileSync(path.join(REPO, "test", "fixtures", "tunnel-ca.pem"), "utf8") },
  CreateTokenSeed: {},
};

function nested(depth: number): Props {
  const root: Props = {};
  let at = root;
  for (let i = 0; i < depth; i++) at = (at["k"] = {}) as Props;
  return root;
}

// Made afresh for every use: a mutation may add keys to a value another one placed.
const nasty = fc
  .constantFrom<() => unknown>(
    () => UNKNOWN,
    // A write-only value Pulumi does not know (after an import).
    () => "(unknown to Pulumi: set the real value to manage it)",
    () => null,
    () => "",
    () => "x".repeat(100_000),
    () => ({ toString: 5 }),
    () => JSON.parse('{"__proto__": {"type": "cloud"}}'),
    () => nested(5_000),
    () => [nested(100)],
    () => Array.from({ length: 2_000 }, (_, i) => ({ type: "file", fileId: `f${i}` })),
    () => -1,
    () => 2 ** 53,
    () => "0 3 * * *",
    () => "Europe/Paris",
    () => "/proc/self/mem",
    () => ".",
  )
  .map((make) => make());
const anyValue = fc.oneof({ weight: 3, arbitrary: fc.jsonValue({ maxDepth: 3 }) }, { weight: 2, arbitrary: nasty });
const anyKey = fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom("__proto__", "constructor", "toString", "a.b", "", "[0]", "type", "authorizationToken", "token"));

/** Every path into a value (maps and lists), the root included. */
function pathsOf(value: unknown, at: Path = []): Path[] {
  const out: Path[] = [at];
  if (Array.isArray(value)) value.forEach((v, i) => out.push(...pathsOf(v, [...at, i])));
  else if (value !== null && typeof value === "object") for (const [k, v] of Object.entries(value)) out.push(...pathsOf(v, [...at, k]));
  return out;
}

type Mutation = { kind: "set"; path: Path; value: unknown } | { kind: "add"; path: Path; key: string; value: unknown } | { kind: "remove"; path: Path };

/** An own property, whatever the key (an assignment of "__proto__" would set the prototype). */
function put(target: Props | unknown[], key: string | number, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

function apply(base: Props, mutations: Mutation[]): Props {
  const root = JSON.parse(JSON.stringify(base)) as Props;
  for (const m of mutations) {
    const parentPath = m.kind === "add" ? m.path : m.path.slice(0, -1);
    let parent: unknown = root;
    for (const step of parentPath) parent = parent !== null && typeof parent === "object" ? (parent as Props)[step as string] : undefined;
    if (parent === null || typeof parent !== "object") continue;
    const target = parent as Props;
    // Lists take no keys (the engine's values are JSON).
    if (m.kind === "add") {
      if (!Array.isArray(target)) put(target, m.key, m.value);
    } else if (m.path.length === 0) continue;
    else if (m.kind === "set") put(target, m.path[m.path.length - 1]!, m.value);
    else if (Array.isArray(target)) target.splice(m.path[m.path.length - 1] as number, 1);
    else delete target[m.path[m.path.length - 1]!];
  }
  return root;
}

function mutated(base: Props): fc.Arbitrary<Props> {
  const paths = pathsOf(base);
  const mutation: fc.Arbitrary<Mutation> = fc.oneof(
    fc.record({ kind: fc.constant("set" as const), path: fc.constantFrom(...paths), value: anyValue }),
    fc.record({ kind: fc.constant("add" as const), path: fc.constantFrom(...paths), key: anyKey, value: anyValue }),
    fc.record({ kind: fc.constant("remove" as const), path: fc.constantFrom(...paths) }),
  );
  return fc.array(mutation, { minLength: 1, maxLength: 3 }).map((ms) => apply(base, ms));
}

const KINDS = Object.keys(BASES);
let emulator: Awaited<ReturnType<ReturnType<typeof emulatorPackage>["startEmulator"]>>;

beforeAll(async () => {
  emulator = await emulatorPackage().startEmulator();
  await configureRuntime(emulator.url);
});
afterAll(async () => {
  await emulator.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

it("covers every kind the runtime serves, from a declaration that passes check", async () => {
  const { RESOURCE_KINDS } = builtModule<typeof Registry>("provider/resources/index.js");
  expect(KINDS.sort()).toEqual(Object.keys(RESOURCE_KINDS).sort());
  for (const kind of KINDS) expect({ kind, failures: (await rt.check({}, sdkProps(kind, BASES[kind]!)))!.failures }).toEqual({ kind, failures: [] });
});

function expectWellFormed(result: unknown): void {
  const text = JSON.stringify(result);
  expect(text).not.toContain(CANARY);
}

describe.each(KINDS.map((kind, i) => [kind, i] as const))("%s", (kind, i) => {
  const base = BASES[kind]!;
  const fields = Object.keys(builtModule<typeof Registry>("provider/resources/index.js").hooksFor(kind).spec.fields);

  it("check: no throw, short failures naming a path, no secret in what it returns", async () => {
    await fc.assert(
      fc.asyncProperty(mutated(base), fc.option(mutated(base), { nil: undefined }), async (news, olds) => {
        const result = (await rt.check(olds === undefined ? {} : sdkProps(kind, olds), sdkProps(kind, news)))!;
        expect(result.inputs).toEqual(expect.any(Object));
        for (const f of result.failures) {
          expect(f).toEqual({ property: expect.any(String), reason: expect.any(String) });
          expect(f.reason.length).toBeGreaterThan(0);
          expect(f.reason.length).toBeLessThanOrEqual(1_100);
          expect(f.property.length).toBeLessThanOrEqual(300);
          // A field, an index, a quoted key, or the resource as a whole.
          expect(f.property).toMatch(/^$|^\(inputs\)$|^[A-Za-z_$]|^\[/);
        }
        expectWellFormed(result);
      }),
      { seed: 2_100 + i, numRuns: RUNS },
    );
  });

  it("diff: no throw, a well-formed answer", async () => {
    await fc.assert(
      fc.asyncProperty(mutated(base), mutated(base), async (olds, news) => {
        const result = await rt.diff("id_1", sdkProps(kind, olds), sdkProps(kind, news));
        expect(result).toEqual({ changes: result.changes === undefined ? undefined : expect.any(Boolean), replaces: expect.any(Array), deleteBeforeReplace: expect.any(Boolean), detailedDiff: expect.any(Object) });
        // "Unknown" only for a change the engine must mark itself: some field changed.
        if (result.changes === undefined) expect(Object.keys(result.detailedDiff).length).toBeGreaterThan(0);
        for (const r of result.replaces) expect(fields).toContain(r);
        for (const [field, kind] of Object.entries(result.detailedDiff)) {
          expect(fields).toContain(field);
          expect(["add", "add-replace", "update", "update-replace", "delete", "delete-replace"]).toContain(kind);
        }
        expectWellFormed(result);
      }),
      { seed: 2_200 + i, numRuns: RUNS },
    );
  });
});

it("made no API request", () => {
  expect(emulator.count()).toBe(0);
});
