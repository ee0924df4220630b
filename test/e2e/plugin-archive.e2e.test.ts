// The release archive (`npm run package-plugin`, tools/package-plugin.ts) as a user installs it:
// `pulumi plugin install resource anthropic <version> --file <archive>` into a fresh PULUMI_HOME,
// then the plugin answers `pulumi package get-schema` with an empty PATH, and examples/yaml runs
// with it in a real project directory whose CLI sees a PATH of two links, `pulumi` and
// `pulumi-language-yaml`, and nothing else: no `node` (not the machine's, not this repository's),
// no `bin/pulumi-resource-anthropic`, and nothing of this process's environment but HOME. The
// plugin the engine starts is the installed single executable, or nothing.
import { execFile } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator/server";
import { projectDir, pulumiCliRoot, REPO_ROOT, yamlHostDir, type ProjectDir } from "../../tools/engine";
import { pluginVersion } from "../../provider/plugin/version";
import { archivePath, EXECUTABLE } from "../../tools/package-plugin";

jest.setTimeout(15 * 60_000);

const KEY = "sk-ant-archive-canary-3f9d2b";
const EXAMPLE = fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8");
const VERSION = pluginVersion();
const CLI = path.join(pulumiCliRoot(), "bin", "pulumi");

function run(file: string, args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { ...options, encoding: "utf8", maxBuffer: 256 * 1024 * 1024 }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === "number" ? error.code : 1) : 0, stdout, stderr });
    });
  });
}

let archive: string;
let pathDir: string;
let emulator: Emulator;
let project: ProjectDir;
let installed: string;

beforeAll(async () => {
  // `npm run package-plugin`: builds the archive, or reuses it when its inputs did not change.
  const built = await run(process.execPath, [require.resolve("ts-node/dist/bin.js"), "--transpile-only", path.join(REPO_ROOT, "tools", "package-plugin.ts")], { cwd: REPO_ROOT });
  if (built.status !== 0) throw new Error(`npm run package-plugin failed:\n${built.stdout}\n${built.stderr}`);
  archive = built.stdout.split("\n")[0]!;
  process.stderr.write(`package-plugin: ${built.stdout.split("\n")[1]}\n`);

  // The PATH the CLI, the YAML host and so the plugin see: the two programs Pulumi needs, nothing else.
  pathDir = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-no-node-path-"));
  fs.symlinkSync(CLI, path.join(pathDir, "pulumi"));
  fs.symlinkSync(path.join(yamlHostDir(), "pulumi-language-yaml"), path.join(pathDir, "pulumi-language-yaml"));

  emulator = await startEmulator({ apiKey: KEY });
  project = projectDir({ "Pulumi.yaml": EXAMPLE }, {}, { path: [pathDir], bareEnv: true });
  installed = path.join(project.envVars["PULUMI_HOME"]!, "plugins", `resource-anthropic-v${VERSION}`, EXECUTABLE);
});
afterAll(async () => {
  await emulator?.stop();
});

const requests = () => emulator.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
const writes = () => requests().filter((r) => !r.startsWith("GET "));

describe("the release archive", () => {
  it(`is ${path.relative(REPO_ROOT, archivePath())}, one executable at its top level, mode 0755`, async () => {
    expect(archive).toBe(archivePath());
    const listing = await run("tar", ["-tvzf", archive]);
    expect(listing.status).toBe(0);
    const entries = listing.stdout.trim().split("\n");
    expect(entries).toHaveLength(1);
    expect(entries[0]).toMatch(new RegExp(`^-rwxr-xr-x .* ${EXECUTABLE}$`));
  });

  it("installs with `pulumi plugin install resource anthropic <version> --file` into the stack's PULUMI_HOME", async () => {
    await project.cli(["plugin", "install", "resource", "anthropic", VERSION, "--file", archive]);
    expect(fs.statSync(installed).mode & 0o777).toBe(0o755);
    const plugins = JSON.parse(await project.cli(["plugin", "ls", "--json"])) as Array<{ name: string; kind: string; version: string }>;
    expect(plugins.map((p) => `${p.kind} ${p.name} ${p.version}`)).toEqual([`resource anthropic ${VERSION}`]);
  });

  it("answers `pulumi package get-schema` with an empty PATH", async () => {
    const { status, stdout, stderr } = await run(CLI, ["package", "get-schema", installed, "--non-interactive"], { cwd: project.dir, env: { ...project.envVars, PATH: "" } });
    expect({ status, stderr }).toEqual({ status: 0, stderr: "" });
    const schema = JSON.parse(stdout) as { name: string; version: string; pluginDownloadURL: string; resources: Record<string, unknown> };
    expect(schema.name).toBe("anthropic");
    expect(schema.version).toBe(VERSION);
    // Every resource of the committed schema (12, tunnels included).
    const committed = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")) as { resources: Record<string, unknown> };
    expect(Object.keys(schema.resources).sort()).toEqual(Object.keys(committed.resources).sort());
    expect(Object.keys(schema.resources)).toHaveLength(12);
    expect(schema.pluginDownloadURL).toMatch(/^github:\/\//);
  });
});

describe("examples/yaml with the installed plugin and no Node on the PATH the CLI and the plugin see", () => {
  it("that PATH holds `pulumi` and `pulumi-language-yaml` only: no node, no plugin", () => {
    const dirs = project.envVars["PATH"]!.split(path.delimiter);
    expect(dirs).toEqual([pathDir]);
    expect(fs.readdirSync(pathDir).sort()).toEqual(["pulumi", "pulumi-language-yaml"]);
    // The CLI also looks beside its own executable, for the plugins it bundles (not ours).
    expect(fs.existsSync(path.join(path.dirname(fs.realpathSync(CLI)), EXECUTABLE))).toBe(false);
    expect(Object.keys(project.envVars).filter((k) => !k.startsWith("PULUMI_")).sort()).toEqual(process.env["HOME"] ? ["HOME", "PATH"] : ["PATH"]);
  });

  it("sets the key with `pulumi config set --secret anthropic:apiKey`", async () => {
    await project.cli(["stack", "init", "dev"]);
    await project.cli(["config", "set", "--secret", "anthropic:apiKey", KEY]);
    await project.cli(["config", "set", "anthropic:baseUrl", emulator.url]);
  });

  it("previews the five creates with no request, the engine starting the installed plugin (not one from $PATH)", async () => {
    emulator.resetCounts();
    // What the project's `cli` runs, with the engine's log on stderr.
    const { status, stdout, stderr } = await run(CLI, ["preview", "--json", "--logtostderr", "-v=9", "--non-interactive"], { cwd: project.dir, env: project.envVars });
    expect(status).toBe(0);
    // The engine's log (JSON lines): every start of the anthropic plugin, and where it found it.
    const messages = stderr.split("\n").flatMap((line) => {
      try {
        return [(JSON.parse(line) as { msg?: string }).msg ?? ""];
      } catch {
        return [line];
      }
    });
    const launched = messages.flatMap((m) => /^newPlugin\(\): Launching plugin 'anthropic \(resource\)' from '([^']+)'/.exec(m)?.[1] ?? []);
    expect(launched.length).toBeGreaterThan(0);
    expect(new Set(launched)).toEqual(new Set([installed]));
    const found = messages.filter((m) => m.startsWith("GetPluginPath(resource, anthropic,") && m.includes(": found "));
    expect(new Set(found.map((m) => m.replace(/^.*?: found /, "found ")))).toEqual(new Set([`found in cache at ${installed}`]));
    expect(`${stdout}${stderr}`).not.toContain("from $PATH");
    const plan = JSON.parse(stdout) as { steps?: Array<{ op: string; urn: string }> };
    const ops = Object.fromEntries((plan.steps ?? []).filter((s) => s.urn.includes("::anthropic:index:")).map((s) => [s.urn.split("::").pop()!, s.op]));
    expect(ops).toEqual({ sandbox: "create", coder: "create", followsAgent: "create", staysPut: "create", localTools: "create" });
    expect(emulator.count()).toBe(0);
  });

  it("`up` creates the environment, the agent and three sessions", async () => {
    emulator.resetCounts();
    const { status, output } = await project.tryCli(["up", "--yes", "--skip-preview"]);
    expect(status).toBe(0);
    expect(output).not.toContain("from $PATH");
    expect(writes().sort()).toEqual(["POST /v1/agents", "POST /v1/environments", "POST /v1/sessions", "POST /v1/sessions", "POST /v1/sessions"]);
    const live = emulator.live();
    expect([live.environments.length, live.agents.length, live.sessions.length]).toEqual([1, 1, 3]);
    const o = JSON.parse(await project.cli(["stack", "output", "--json"])) as Record<string, unknown>;
    expect(o).toMatchObject({ agentVersion: 1, followsAgentVersion: 1, staysPutVersion: 1 });
    expect(await project.cli(["stack", "export"])).not.toContain(KEY);
  });

  it("`destroy` leaves nothing live", async () => {
    await project.cli(["destroy", "--yes", "--skip-preview"]);
    expect(Object.values(emulator.live()).flat()).toEqual([]);
  });
});
