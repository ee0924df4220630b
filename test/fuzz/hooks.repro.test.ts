// The provider hooks' robustness repros (issue 21), through the built runtime's exports, as the
// engine calls them at every preview: bad input is a failure naming its path, never a throw, a
// stack overflow, an unbounded reason, a secret in what `check` returns, or a file read from
// outside a skill's folder.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { builtModule, configureRuntime, located, REPO, runtime, sdkProps } from "./built";
import type * as SessionResourcesModule from "../../provider/resources/session-resources";

type Props = Record<string, unknown>;
const rt = runtime();
const failuresOf = async (kind: string, inputs: Props) => located((await rt.check({}, sdkProps(kind, inputs)))!.failures);
const SKILL_FIXTURE = path.join(REPO, "test", "fixtures", "skills", "triage-rules");
const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), "robustness-"));

/** Nested `depth` maps deep under the key `a`. */
function nested(depth: number): Props {
  const root: Props = {};
  let at = root;
  for (let i = 0; i < depth; i++) at = (at["a"] = {}) as Props;
  return root;
}

beforeAll(() => configureRuntime());

describe("diff never throws", () => {
  it("an Environment whose old state has networking: null (as a refresh can leave it) compares as the default", async () => {
    const env = { name: "dev", config: { type: "cloud", networking: null, packages: null } };
    const diff = await rt.diff("env_1", sdkProps("Environment", env), sdkProps("Environment", { name: "dev", config: { type: "cloud" } }));
    expect(diff).toMatchObject({ changes: false, replaces: [], deleteBeforeReplace: false });
  });

  it("a Session resource whose type is not a string", async () => {
    const session = { agent: "agent_1", environmentId: "env_1" };
    const diff = await rt.diff(
      "sesn_1",
      sdkProps("Session", session),
      sdkProps("Session", { ...session, resources: [{ type: { toString: 5 }, fileId: "file_1" }] }),
    );
    // A change of a field holding write-only values is "unknown" to the engine, which then marks the field itself (runtime.ts `hiddenInPreviews`).
    expect(diff).toMatchObject({ changes: undefined, replaces: ["resources"], detailedDiff: { resources: "add-replace" } });
  });
});

describe("the Session resources diff is linear", () => {
  const { planResources } = builtModule<typeof SessionResourcesModule>("provider/resources/session-resources.js");
  /** How many times the planner reads a property of a resource, for n resources of which one is new. */
  function reads(n: number): number {
    let count = 0;
    const counted = (r: Props) => new Proxy(r, { get: (t, k) => ((count += 1), Reflect.get(t, k)) });
    const resource = (i: number) => ({ type: "file", fileId: `file_${i}`, mountPath: `/mnt/${i}` });
    const old = Array.from({ length: n }, (_, i) => counted(resource(i)));
    // The same resources in the reverse order, one removed and one added: every one must be matched.
    const next = Array.from({ length: n }, (_, i) => counted(resource(n - i)));
    const plan = planResources(old, next);
    expect({ add: plan.add.length, remove: plan.remove.length, replace: plan.replace }).toEqual({ add: 1, remove: 1, replace: [] });
    return count;
  }

  it("reads each resource a bounded number of times, whatever their count", () => {
    const small = reads(500);
    const large = reads(4_000);
    // Quadratic matching (a key recomputed for every pair) reads about 8x as much per resource at 8x the count.
    expect(large / 4_000).toBeLessThanOrEqual((small / 500) * 1.2);
    expect(large / 4_000).toBeLessThan(40);
  });

  it("through the runtime, 10,000 resources: unchanged is no change, an added file an update", async () => {
    const resources = Array.from({ length: 10_000 }, (_, i) => ({ type: "file", fileId: `file_${i}` }));
    const session = { agent: "agent_1", environmentId: "env_1", resources };
    const same = await rt.diff("sesn_1", sdkProps("Session", session), sdkProps("Session", { ...session, resources: [...resources].reverse() }));
    expect(same.changes).toBe(false);
    const added = await rt.diff("sesn_1", sdkProps("Session", session), sdkProps("Session", { ...session, resources: [...resources, { type: "file", fileId: "file_new" }] }));
    expect(added).toMatchObject({ changes: undefined, replaces: [], detailedDiff: { resources: "update" } });
  });
});

describe("nesting has a limit", () => {
  it("5,000 levels in metadata: check fails naming the path, diff counts the field as changed", async () => {
    const deep = nested(5_000);
    const failures = await failuresOf("Environment", { name: "dev", metadata: deep });
    expect(failures).toEqual([{ property: expect.stringMatching(/^metadata\.a\.a\.a/), reason: expect.stringContaining("nested more than 64 levels deep") }]);
    const diff = await rt.diff("env_1", sdkProps("Environment", { name: "dev", metadata: deep }), sdkProps("Environment", { name: "dev" }));
    expect(diff).toMatchObject({ changes: true, replaces: [] });
  });

  it("100,000 levels in a custom tool's input schema (a free-form map), in a list", async () => {
    const failures = await failuresOf("Agent", {
      name: "a",
      model: "claude-sonnet-4-6",
      tools: [{ type: "custom", name: "t", description: "d", inputSchema: { type: "object", properties: nested(100_000) } }],
    });
    expect(failures.map((f) => f.property)).toEqual([expect.stringMatching(/^tools\[0\]\.inputSchema\.properties\.a/)]);
  });
});

describe("reasons quote a short prefix of a value", () => {
  const MB = "x".repeat(1 << 20);
  const bounded = (failures: Array<{ property: string; reason: string }>) => {
    expect(failures.length).toBeGreaterThan(0);
    for (const f of failures) expect(f.reason.length).toBeLessThan(400);
  };

  it("a 1 MB time zone, a 1 MB cron expression", async () => {
    const deployment = { agent: "agent_1", environmentId: "env_1", name: "nightly", initialEvents: [{ type: "user.message", content: [{ type: "text", text: "go" }] }] };
    const timezone = await failuresOf("Deployment", { ...deployment, schedule: { type: "cron", expression: "0 3 * * *", timezone: MB } });
    bounded(timezone);
    expect(timezone).toEqual([{ property: "schedule.timezone", reason: expect.stringContaining(`"${"x".repeat(64)}…" (1048576 characters) is not an IANA time zone`) }]);
    bounded(await failuresOf("Deployment", { ...deployment, schedule: { type: "cron", expression: `${MB} * * * *`, timezone: "UTC" } }));
    bounded(await failuresOf("Deployment", { ...deployment, schedule: { type: "cron", expression: MB, timezone: "UTC" } }));
  });

  it("an MCP server name, a File source, a Skill directory, an unknown field's name", async () => {
    const agent = { name: "a", model: "claude-sonnet-4-6" };
    bounded(await failuresOf("Agent", { ...agent, tools: [{ type: "mcp_toolset", mcpServerName: MB }] }));
    bounded(await failuresOf("File", { source: `/tmp/${MB}`, filename: "a.txt" }));
    bounded(await failuresOf("Skill", { directory: `/tmp/${MB}` }));
    const unknown = await failuresOf("Agent", { ...agent, [MB]: 1 });
    bounded(unknown);
    for (const f of unknown) expect(f.property.length).toBeLessThan(300);
  });
});

describe("a Skill folder never follows links out of itself", () => {
  function skillFolder(): string {
    const dir = path.join(tmp(), "triage-rules");
    fs.cpSync(SKILL_FIXTURE, dir, { recursive: true });
    return dir;
  }

  it("a link to a file outside fails check, naming the link", async () => {
    const dir = skillFolder();
    const outside = path.join(tmp(), "secret.txt");
    fs.writeFileSync(outside, "not for upload");
    fs.symlinkSync(outside, path.join(dir, "scripts", "leak.txt"));
    const failures = await failuresOf("Skill", { directory: dir });
    expect(failures).toEqual([{ property: "directory", reason: expect.stringMatching(/"scripts\/leak\.txt" .* is a symbolic link out of the skill's folder/) }]);
  });

  it("a link to a folder outside, and a link to nothing, fail too", async () => {
    const out = skillFolder();
    fs.symlinkSync(os.tmpdir(), path.join(out, "tmp"));
    expect((await failuresOf("Skill", { directory: out }))[0]?.reason).toMatch(/"tmp" .* symbolic link out of the skill's folder/);
    const dangling = skillFolder();
    fs.symlinkSync(path.join(dangling, "absent"), path.join(dangling, "gone"));
    expect((await failuresOf("Skill", { directory: dangling }))[0]?.reason).toMatch(/"gone" .* symbolic link to nothing/);
  });

  it("a link inside the folder is followed: its target's bytes under the link's name", async () => {
    const linked = skillFolder();
    fs.symlinkSync(path.join(linked, "scripts", "labels.py"), path.join(linked, "labels-link.py"));
    const copied = skillFolder();
    fs.copyFileSync(path.join(copied, "scripts", "labels.py"), path.join(copied, "labels-link.py"));
    const hash = async (dir: string) => (await rt.check({}, sdkProps("Skill", { directory: dir })))!.inputs["contentHash"];
    expect(await hash(linked)).toMatch(/^sha256:/);
    expect(await hash(linked)).toBe(await hash(copied));
  });

  it("a folder without SKILL.md fails before its walk (a link cycle in it is never followed)", async () => {
    const root = tmp();
    fs.symlinkSync(".", path.join(root, "loop"));
    expect(await failuresOf("Skill", { directory: root })).toEqual([{ property: "directory", reason: `${JSON.stringify(root)} has no SKILL.md at its root (the API requires one)` }]);
  });
});

describe("File check never throws when the source cannot be read", () => {
  it("a regular file whose read fails with an I/O error (/proc/self/mem)", async () => {
    expect(fs.statSync("/proc/self/mem").isFile()).toBe(true);
    expect(await failuresOf("File", { source: "/proc/self/mem", filename: "mem" })).toEqual([{ property: "source", reason: 'cannot read "/proc/self/mem": EIO' }]);
  });

  it("a file over 2 GiB (sparse)", async () => {
    const big = path.join(tmp(), "big.bin");
    fs.writeFileSync(big, "");
    fs.truncateSync(big, 2 ** 31 + 1);
    const failures = await failuresOf("File", { source: big, filename: "big.bin" });
    expect(failures).toEqual([{ property: "source", reason: expect.stringContaining("this provider uploads at most 2 GiB") }]);
  });
});

describe("write-only values", () => {
  const SECRET = "ghp_canary0123456789abcdefghijklmnopqrst";
  const session = { agent: "agent_1", environmentId: "env_1" };

  it("a token that is not a string is hashed in what check returns, and fails naming its path", async () => {
    const result = (await rt.check({}, sdkProps("Session", { ...session, resources: [{ type: "github_repository", url: "https://github.com/a/b", authorizationToken: [SECRET] }] })))!;
    expect(JSON.stringify(result)).not.toContain(SECRET);
    expect(located(result.failures)).toEqual([{ property: "resources[0].authorizationToken", reason: expect.stringContaining("must be a string") }]);
  });

  it("a __proto__ key inside a write-only field fails (it would become the object's prototype)", async () => {
    const auth = JSON.parse(`{"__proto__": {"type": "static_bearer", "mcpServerUrl": "https://mcp.example.com", "token": "${SECRET}"}}`) as Props;
    const result = (await rt.check({}, sdkProps("VaultCredential", { vaultId: "vlt_1", auth })))!;
    expect(located(result.failures)).toEqual([{ property: "auth.__proto__", reason: expect.stringContaining('"__proto__" cannot be a key') }]);
    expect(JSON.stringify(result)).not.toContain(SECRET);
  });

  it("an own __proto__ key in metadata fails instead of being dropped", async () => {
    const metadata = JSON.parse('{"__proto__": "x", "team": "a"}') as Props;
    expect(await failuresOf("Environment", { name: "dev", metadata })).toEqual([{ property: "metadata.__proto__", reason: expect.stringContaining("cannot be a key") }]);
  });

  it('__kind: "constructor" names no kind (not "check is not a function")', async () => {
    await expect(rt.check({}, { name: "dev", __kind: "constructor" })).rejects.toThrow('has no resource kind "constructor"');
    await expect(rt.diff("x", {}, { __kind: "toString" })).rejects.toThrow('has no resource kind "toString"');
  });
});

it("failure paths are unambiguous for metadata keys holding a dot, a bracket or nothing", async () => {
  const failures = await failuresOf("Environment", { name: "dev", metadata: { "a.b": 1, "x[0]": 2, "": "v" } });
  expect(failures.map((f) => f.property).sort()).toEqual(['metadata[""]', 'metadata["a.b"]', 'metadata["x[0]"]']);
});
