// Runs Pulumi programs (the end-to-end tests and the demo) under the real engine through the
// Automation API, fully offline: a local file backend, a passphrase, a temporary PULUMI_HOME, and
// the CLI built from Go modules by tools/pulumi/install.sh (built once, then reused from its cache).
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PASSPHRASE = "e2e-passphrase";

let cliRoot: string | undefined;

/** The directory holding bin/pulumi; builds the CLI on first use if the cache is empty. */
export function pulumiCliRoot(): string {
  if (cliRoot) return cliRoot;
  const script = path.join(REPO_ROOT, "tools", "pulumi", "install.sh");
  const out = execFileSync("bash", [script], { encoding: "utf8", stdio: ["ignore", "pipe", "inherit"], timeout: 40 * 60_000 });
  cliRoot = out.trim().split("\n").pop()!;
  return cliRoot;
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
  fs.mkdirSync(path.join(base, "backend"));
  fs.mkdirSync(path.join(base, "home"));
  const root = pulumiCliRoot();
  const pathEntries = [
    path.join(REPO_ROOT, "node_modules", ".bin"),
    path.join(root, "bin"),
    process.env["PATH"] ?? "",
  ];
  const envVars: Record<string, string> = {
    PATH: pathEntries.join(path.delimiter),
    PULUMI_BACKEND_URL: `file://${path.join(base, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: PASSPHRASE,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: path.join(base, "home"),
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
