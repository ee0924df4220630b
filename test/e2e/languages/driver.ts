// Runs the other languages' stories (test/e2e/languages/) as their users run them, against an
// emulator the calling test owns: the Python SDK from a venv (tools/python/venv.sh) with
// sdk/python installed, the Go SDK from a throw-away module that requires sdk/go through a
// `replace`; the native plugin from this repository's bin/ on PATH (with its Node 24).
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pulumiCliRoot, REPO_ROOT } from "../../../tools/engine";
import { backendFiles } from "../stack-helpers";

export interface Story {
  /** Runs one step (`preview`, `up`, `destroy`) with these settings; its JSON answer. */
  run(action: string, settings: Record<string, string>): Promise<Record<string, unknown>>;
  /** Every file the story's backend holds (checkpoints, their backups and history), as one text. */
  state(): string;
}

function exec(file: string, args: string[], options: { cwd?: string; env: NodeJS.ProcessEnv }): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(file, args, { ...options, encoding: "utf8", maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`${path.basename(file)} ${args.join(" ")} failed: ${error.message}\n${stdout}\n${stderr}`));
      else resolve(stdout);
    });
  });
}

/** What every story's process gets: the plugin and Node 24 first on PATH, an offline backend of its own. */
function baseEnv(emulatorUrl: string, apiKey: string): { env: NodeJS.ProcessEnv; settings: Record<string, string>; state: () => string } {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "languages-"));
  for (const d of ["work", "backend", "home"]) fs.mkdirSync(path.join(base, d));
  const env: NodeJS.ProcessEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("ANTHROPIC_") && !k.startsWith("PULUMI_")));
  env["PATH"] = [path.join(REPO_ROOT, "bin"), path.join(REPO_ROOT, "node_modules", ".bin"), path.join(pulumiCliRoot(), "bin"), process.env["PATH"] ?? ""].join(path.delimiter);
  const settings = {
    WORK_DIR: path.join(base, "work"),
    BACKEND_URL: `file://${path.join(base, "backend")}`,
    PULUMI_HOME: path.join(base, "home"),
    CLI_ROOT: pulumiCliRoot(),
    API_KEY: apiKey,
    BASE_URL: emulatorUrl,
  };
  return { env, settings, state: () => backendFiles(path.join(base, "backend")) };
}

/** The Python story, with sdk/python installed by pip into the cached venv. */
export function pythonStory(emulatorUrl: string, apiKey: string): Story {
  const venv = execFileSync("bash", [path.join(REPO_ROOT, "tools", "python", "venv.sh")], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 20 * 60_000 }).trim().split("\n").pop()!;
  const python = path.join(venv, "bin", "python");
  // pip builds in the source tree (build/, *.egg-info): install from a copy, so sdk/python stays as generated.
  const copy = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "sdk-python-")), "python");
  fs.cpSync(path.join(REPO_ROOT, "sdk", "python"), copy, { recursive: true });
  execFileSync(python, ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--no-input", "--no-deps", "--no-build-isolation", "--force-reinstall", copy], {
    stdio: ["ignore", "inherit", "inherit"],
    timeout: 10 * 60_000,
  });
  const { env, settings, state } = baseEnv(emulatorUrl, apiKey);
  const script = path.join(__dirname, "pinned_sessions.py");
  return {
    state,
    async run(action, extra) {
      const out = await exec(python, [script, action], { env: { ...env, ...settings, ...extra } });
      return JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>;
    },
  };
}

/** The Go story, built once in a throw-away module that requires sdk/go through a `replace`. */
export async function goStory(emulatorUrl: string, apiKey: string): Promise<Story> {
  const mod = fs.mkdtempSync(path.join(os.tmpdir(), "go-story-"));
  const sdk = path.join(REPO_ROOT, "sdk", "go");
  const sdkModule = /^module (\S+)/m.exec(fs.readFileSync(path.join(sdk, "go.mod"), "utf8"))![1]!;
  fs.copyFileSync(path.join(__dirname, "pinned_sessions.go"), path.join(mod, "main.go"));
  fs.writeFileSync(
    path.join(mod, "go.mod"),
    `module example.com/pinned-sessions\n\ngo 1.25\n\nrequire ${sdkModule} v0.0.0\n\nreplace ${sdkModule} => ${sdk}\n`,
  );
  const goEnv = { ...process.env, GOFLAGS: "-mod=mod" };
  await exec("go", ["mod", "tidy"], { cwd: mod, env: goEnv });
  await exec("go", ["build", "-o", "story", "."], { cwd: mod, env: goEnv });
  const { env, settings, state } = baseEnv(emulatorUrl, apiKey);
  return {
    state,
    async run(action, extra) {
      const out = await exec(path.join(mod, "story"), [action], { env: { ...env, ...settings, ...extra } });
      return JSON.parse(out.trim().split("\n").pop()!) as Record<string, unknown>;
    },
  };
}
