// Runs Pulumi programs (the end-to-end tests and the demo) under the real engine through the
// Automation API, fully offline: a local file backend, a passphrase, a temporary PULUMI_HOME, and
// the Pulumi CLI the machine has (`PULUMI_CLI_ROOT`, or `pulumi` on PATH), else one built from Go
// modules by tools/pulumi/install.sh (built once, then reused from its cache).
import { execFile, execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { installedCli, offlineEngine } from "../sdk/testing";

export { installedCli } from "../sdk/testing";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PASSPHRASE = "e2e-passphrase";

let cliRoot: string | undefined;
let builtRoot: string | undefined;

/** The directory holding bin/pulumi: the machine's own CLI, else one built from Go modules on first use. */
export function pulumiCliRoot(): string {
  cliRoot ??= installedCli() ?? builtCliRoot();
  return cliRoot;
}

/** The root of the CLI tools/pulumi/install.sh builds, with the YAML language host beside it (built once, then cached). */
function builtCliRoot(): string {
  if (builtRoot) return builtRoot;
  const script = path.join(REPO_ROOT, "tools", "pulumi", "install.sh");
  const out = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 40 * 60_000 });
  builtRoot = out.trim().split("\n").pop()!;
  return builtRoot;
}

export interface EngineEnv {
  workDir: string;
  envVars: Record<string, string>;
  command: PulumiCommand;
}

/** Runs the CLI itself, as a user would type it, in the workspace (e.g. `stack export`). */
export function runCli(env: EngineEnv, args: string[]): string {
  return execFileSync(path.join(pulumiCliRoot(), "bin", "pulumi"), [...args, "--non-interactive"], {
    cwd: env.workDir,
    env: { ...process.env, ...env.envVars },
    encoding: "utf8",
    maxBuffer: 64 * 1024 * 1024,
  });
}

/**
 * A fresh workspace directory whose node_modules points at this repository's, so that the provider
 * process (whose working directory it is) resolves `pulumi-anthropic-managed-agents/runtime` and the
 * dynamic-provider script, and runs the Node 24 from node_modules/.bin.
 */
export async function engineEnv(extraEnv: Record<string, string>): Promise<EngineEnv> {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-e2e-"));
  const workDir = path.join(base, "project");
  fs.mkdirSync(workDir);
  fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(workDir, "node_modules"), "dir");
  const root = pulumiCliRoot();
  const pathEntries = [
    path.join(REPO_ROOT, "node_modules", ".bin"),
    path.join(root, "bin"),
    process.env["PATH"] ?? "",
  ];
  const envVars: Record<string, string> = {
    PATH: pathEntries.join(path.delimiter),
    ...offlineEngine(base, PASSPHRASE),
    ...extraEnv,
  };
  const command = await PulumiCommand.get({ root, skipVersionCheck: true });
  return { workDir, envVars, command };
}

export async function stackFor(env: EngineEnv, program: PulumiFn, stackName = "dev", projectName = "e2e"): Promise<Stack> {
  return LocalWorkspace.createOrSelectStack(
    { stackName, projectName, program },
    {
      workDir: env.workDir,
      pulumiHome: env.envVars["PULUMI_HOME"]!,
      envVars: env.envVars,
      pulumiCommand: env.command,
      projectSettings: { name: projectName, runtime: "nodejs", backend: { url: env.envVars["PULUMI_BACKEND_URL"]! } },
    },
  );
}

/** Output of a preview/up, for assertions on what the engine showed the user. */
export function collector(): { lines: string[]; onOutput: (s: string) => void; text: () => string } {
  const lines: string[] = [];
  return { lines, onOutput: (s) => void lines.push(s), text: () => lines.join("") };
}

/**
 * The directory holding `pulumi-language-yaml`, the language host `pulumi up` needs in a
 * `runtime: yaml` project directory: next to the CLI, else on PATH, else the one
 * tools/pulumi/install.sh builds next to its own CLI (once, then cached).
 */
export function yamlHostDir(env: NodeJS.ProcessEnv = process.env): string {
  const besideCli = path.join(pulumiCliRoot(), "bin");
  if (fs.existsSync(path.join(besideCli, "pulumi-language-yaml"))) return besideCli;
  for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
    if (dir !== "" && fs.existsSync(path.join(dir, "pulumi-language-yaml"))) return dir;
  }
  return path.join(builtCliRoot(), "bin");
}

/** A Pulumi project directory run by the CLI itself, as a user runs one (`pulumi up` in it). */
export interface ProjectDir {
  dir: string;
  envVars: Record<string, string>;
  /**
   * `pulumi <args>` in the directory; rejects with the CLI's output when it fails. Asynchronous, so
   * that an emulator in the calling process keeps answering while the CLI runs.
   */
  cli(args: string[]): Promise<string>;
  /** `pulumi <args>`, failing or not. */
  tryCli(args: string[]): Promise<{ status: number; output: string }>;
}

/** What a caller of `projectDir` may change about the environment the CLI runs in. */
export interface ProjectDirOptions {
  /**
   * The PATH the CLI sees, and so every language host and plugin it starts, instead of this
   * repository's `bin/` and Node 24, the CLI's `bin/`, the YAML host's directory and this process's PATH.
   */
  path?: string[];
  /** Pass on nothing of this process's environment but HOME (default: all of it but ANTHROPIC_* and PULUMI_*). */
  bareEnv?: boolean;
}

/**
 * A project directory holding `files`, with an offline backend and a temporary PULUMI_HOME
 * (`envVars.PULUMI_HOME`; `extraEnv` may name another), the CLI, the YAML host, this repository's
 * Node 24 and its native plugin (`bin/`) on PATH (`options.path` replaces them), and no Anthropic
 * settings in the environment (they come from stack config).
 */
export function projectDir(files: Record<string, string>, extraEnv: Record<string, string> = {}, options: ProjectDirOptions = {}): ProjectDir {
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-project-"));
  const dir = path.join(base, "project");
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  const inherited = Object.fromEntries(Object.entries(process.env).filter(([k, v]) => v !== undefined && !k.startsWith("ANTHROPIC_") && !k.startsWith("PULUMI_") && (!options.bareEnv || k === "HOME"))) as Record<string, string>;
  const envVars: Record<string, string> = {
    ...inherited,
    PATH: (options.path ?? [path.join(REPO_ROOT, "bin"), path.join(REPO_ROOT, "node_modules", ".bin"), path.join(pulumiCliRoot(), "bin"), yamlHostDir(), process.env["PATH"] ?? ""]).join(path.delimiter),
    ...offlineEngine(base, PASSPHRASE),
    ...extraEnv,
  };
  const bin = path.join(pulumiCliRoot(), "bin", "pulumi");
  const run = (args: string[]) =>
    new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
      execFile(bin, [...args, "--non-interactive"], { cwd: dir, env: envVars, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 }, (error, stdout, stderr) => {
        const status = error ? (typeof error.code === "number" ? error.code : 1) : 0;
        resolve({ status, stdout, stderr });
      });
    });
  return {
    dir,
    envVars,
    async cli(args) {
      const { status, stdout, stderr } = await run(args);
      if (status !== 0) throw new Error(`pulumi ${args.join(" ")} failed (${status}):\n${stdout}\n${stderr}`);
      return stdout;
    },
    async tryCli(args) {
      const { status, stdout, stderr } = await run(args);
      return { status, output: `${stdout}${stderr}` };
    },
  };
}
