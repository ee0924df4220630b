// The emulator as users get it: `npm pack`, the tarball installed in an empty folder (offline:
// its two dependencies are packed from this repository's node_modules), then
// `npx anthropic-agents-emulator --port N --rate-limit 2` and the `./emulator` export.
// Needs `npm run build` first (the tarball ships dist/).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { freePort, startCli, type RunningCli } from "../emulator-cli";

const REPO = path.resolve(__dirname, "..", "..");
const HEADERS = { "x-api-key": "k", "anthropic-beta": "managed-agents-2026-04-01" };

let work: string;
let app: string;
let cli: RunningCli | undefined;

function npm(args: string[], cwd: string): string {
  return execFileSync("npm", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 180_000 });
}

beforeAll(() => {
  if (!fs.existsSync(path.join(REPO, "dist", "emulator", "main.js"))) throw new Error("run `npm run build` before this test");
  work = fs.mkdtempSync(path.join(os.tmpdir(), "emulator-package-"));
  app = path.join(work, "app");
  fs.mkdirSync(app);
  fs.writeFileSync(path.join(app, "package.json"), JSON.stringify({ name: "app", version: "1.0.0", private: true }));
  const tarballs = [path.join(REPO, "node_modules", "undici"), path.join(REPO, "node_modules", "zod"), REPO].map((dir) =>
    path.join(work, npm(["pack", "--ignore-scripts", "--pack-destination", work, dir], work).trim().split("\n").pop()!),
  );
  // Peers (@pulumi/pulumi) are the user's; the emulator does not need them.
  npm(["install", "--offline", "--no-audit", "--no-fund", "--ignore-scripts", "--legacy-peer-deps", ...tarballs], app);
}, 240_000);

afterAll(async () => {
  await cli?.stop();
  fs.rmSync(work, { recursive: true, force: true });
});

it("npx anthropic-agents-emulator --port N serves the API and --rate-limit 2 answers 429 with retry-after", async () => {
  const port = await freePort();
  cli = await startCli("npx", ["--no-install", "anthropic-agents-emulator", "--port", String(port), "--rate-limit", "2"], app);
  expect(cli.url).toBe(`http://127.0.0.1:${port}`);
  const statuses = [];
  let refused: Response | undefined;
  for (let i = 0; i < 3; i += 1) {
    const res = await fetch(`${cli.url}/v1/agents`, { headers: HEADERS });
    statuses.push(res.status);
    if (res.status === 429) refused = res;
  }
  expect(statuses).toEqual([200, 200, 429]);
  expect(Number(refused!.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
  expect(await refused!.json()).toMatchObject({ type: "error", error: { type: "rate_limit_error" } });
  await cli.stop();
  cli = undefined;
}, 60_000);

it("startEmulator() from pulumi-anthropic-managed-agents/emulator runs in the user's project", () => {
  const script = `
    const { startEmulator, BETA } = require("pulumi-anthropic-managed-agents/emulator");
    (async () => {
      const emulator = await startEmulator({ apiKey: "sk-test" });
      const res = await fetch(emulator.url + "/v1/agents", { method: "POST", headers: { "x-api-key": "sk-test", "anthropic-beta": BETA, "content-type": "application/json" }, body: JSON.stringify({ name: "a", model: "claude-sonnet-4-6" }) });
      console.log(res.status, emulator.live().agents.length);
      await emulator.stop();
    })();`;
  expect(execFileSync(process.execPath, ["-e", script], { cwd: app, encoding: "utf8" }).trim()).toBe("200 1");
});

it("the package's entries type-check under Pulumi's classic TypeScript template (module commonjs, moduleResolution node)", () => {
  // The template's tsconfig (`pulumi new typescript`), with no skipLibCheck: every published .d.ts is checked.
  const project = path.join(work, "classic");
  fs.mkdirSync(project);
  fs.writeFileSync(
    path.join(project, "tsconfig.json"),
    JSON.stringify({
      compilerOptions: { strict: true, outDir: "bin", target: "es2020", module: "commonjs", moduleResolution: "node", sourceMap: true, experimentalDecorators: true, pretty: false, noFallthroughCasesInSwitch: true, noImplicitReturns: true, forceConsistentCasingInFileNames: true },
      files: ["index.ts"],
    }),
  );
  fs.writeFileSync(
    path.join(project, "index.ts"),
    [
      'import { Agent, Session } from "pulumi-anthropic-managed-agents";',
      'import { startEmulator } from "pulumi-anthropic-managed-agents/emulator";',
      'import { testStack, type TestStack } from "pulumi-anthropic-managed-agents/testing";',
      'const agent = new Agent("a", { name: "a", model: "claude-sonnet-4-6" });',
      'new Session("s", { agent: agent.id, agentVersion: agent.version, environmentId: "env_1" });',
      "export const started: Promise<unknown> = startEmulator({});",
      "export const run: (p: () => Promise<void>) => Promise<TestStack> = (p) => testStack(p);",
      "",
    ].join("\n"),
  );
  // The user's project has the package (the tarball, installed above) and its peers (@pulumi/pulumi and its types).
  fs.symlinkSync(path.join(app, "node_modules"), path.join(project, "node_modules"), "dir");
  for (const dep of ["@pulumi", "@types", "@grpc", "google-protobuf", "@opentelemetry", "@logdna", "@npmcli", "execa", "ini", "js-yaml", "minimist", "normalize-package-data", "require-from-string", "semver", "source-map-support", "upath"]) {
    const at = path.join(app, "node_modules", dep);
    if (!fs.existsSync(at)) fs.symlinkSync(path.join(REPO, "node_modules", dep), at, "dir");
  }
  const tsc = path.join(REPO, "node_modules", "typescript", "bin", "tsc");
  let out: string;
  try {
    out = execFileSync(process.execPath, [tsc, "-p", project, "--noEmit"], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  } catch (error) {
    out = String((error as { stdout?: string }).stdout ?? error);
  }
  expect(out).toBe("");
}, 120_000);
