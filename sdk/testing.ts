// `pulumi-anthropic-managed-agents/testing`: a Pulumi program of yours under the real engine,
// offline, in one call, for your own tests (Jest, node:test, …): the local emulator, a local
// backend with a passphrase, a temporary Pulumi home, and the stack of your program, whose
// provider process runs the Node.js that runs the test (the engine starts it with the first `node`
// on its PATH; an older one there fails at load). What it needs of the machine: the Pulumi CLI
// (`pulumi` on PATH, or `PULUMI_CLI_ROOT`, 3.181 or newer) and Node.js 22 or newer.
import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { LocalWorkspace, PulumiCommand, type ConfigValue, type PulumiFn, type Stack } from "@pulumi/pulumi/automation";
import { startEmulator, type Emulator, type EmulatorOptions } from "../emulator/server";

export type { Emulator, EmulatorOptions } from "../emulator/server";

export interface TestStackOptions {
  /** Default "test". */
  stackName?: string;
  /** Default "test-project". */
  projectName?: string;
  /** Options of the emulator started for the stack (`apiKey`, `rateLimit`, `latencyMs`, …). */
  emulator?: EmulatorOptions;
  /** More stack config (`anthropic:apiKey` and `anthropic:baseUrl` are set to the emulator's). */
  config?: Record<string, ConfigValue>;
  /** More environment for the engine and the provider process. */
  env?: Record<string, string>;
  /** The directory holding `bin/pulumi`; default `PULUMI_CLI_ROOT`, else the `pulumi` on PATH. */
  pulumiCliRoot?: string;
}

export interface TestStack {
  /** The stack of your program: `up()`, `preview()`, `refresh()`, `destroy()`, `outputs()`. */
  readonly stack: Stack;
  /** The emulator it talks to: `count()`, `requests`, `live()`, `resetCounts()`, the stores. */
  readonly emulator: Emulator;
  /** Stops the emulator and removes the backend and home (destroy the stack first if you want it gone). */
  close(): Promise<void>;
}

const PASSPHRASE = "pulumi-anthropic-managed-agents/testing";

/**
 * A file backend and a Pulumi home under `base`, and the environment that makes the engine use
 * them offline (no update check, no plugin download), the state encrypted with `passphrase`.
 * @internal
 */
export function offlineEngine(base: string, passphrase: string): Record<string, string> {
  fs.mkdirSync(path.join(base, "backend"), { recursive: true });
  fs.mkdirSync(path.join(base, "home"), { recursive: true });
  return {
    PULUMI_BACKEND_URL: `file://${path.join(base, "backend")}`,
    PULUMI_CONFIG_PASSPHRASE: passphrase,
    PULUMI_SKIP_UPDATE_CHECK: "true",
    PULUMI_DISABLE_AUTOMATIC_PLUGIN_ACQUISITION: "true",
    PULUMI_HOME: path.join(base, "home"),
  };
}

/** The `node_modules` that holds this package: the provider process must resolve it from its working directory. */
function nodeModulesDir(): string {
  let root = __dirname;
  while (!fs.existsSync(path.join(root, "package.json"))) {
    const up = path.dirname(root);
    if (up === root) throw new Error(`testing: no package.json above ${__dirname}`);
    root = up;
  }
  const parent = path.dirname(root);
  if (path.basename(parent) === "node_modules") return parent;
  if (path.basename(path.dirname(parent)) === "node_modules" && path.basename(parent).startsWith("@")) return path.dirname(parent);
  return path.join(root, "node_modules");
}

/** Inline programs' refresh and destroy need a CLI that reports its version to the Automation API. */
const MIN_CLI_VERSION = [3, 181, 0] as const;

function usableVersion(bin: string): boolean {
  try {
    const out = execFileSync(bin, ["version"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"], timeout: 30_000 }).trim();
    const m = /^v?(\d+)\.(\d+)\.(\d+)/.exec(out);
    if (!m) return false;
    const v = [Number(m[1]), Number(m[2]), Number(m[3])];
    for (let i = 0; i < 3; i++) if (v[i] !== MIN_CLI_VERSION[i]) return v[i]! > MIN_CLI_VERSION[i]!;
    return true;
  } catch {
    return false;
  }
}

/**
 * The root (the directory holding bin/pulumi) of a Pulumi CLI this machine already has:
 * `PULUMI_CLI_ROOT`, else the first `pulumi` on PATH (from pulumi.com, a package manager or `npx
 * pulumi`); undefined when there is none recent enough. A CLI outside a `bin/` folder gets a
 * temporary root holding a link to it.
 * @internal
 */
export function installedCli(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const given = env["PULUMI_CLI_ROOT"];
  if (given && usableVersion(path.join(given, "bin", "pulumi"))) return given;
  for (const dir of (env["PATH"] ?? "").split(path.delimiter)) {
    if (dir === "") continue;
    const bin = path.join(dir, "pulumi");
    if (!fs.existsSync(bin)) continue;
    const real = fs.realpathSync(bin);
    if (!usableVersion(real)) continue;
    // PulumiCommand runs <root>/bin/pulumi.
    if (path.basename(path.dirname(real)) === "bin") return path.dirname(path.dirname(real));
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "pulumi-cli-"));
    fs.mkdirSync(path.join(root, "bin"));
    fs.symlinkSync(real, path.join(root, "bin", "pulumi"));
    return root;
  }
  return undefined;
}

/** Starts the emulator and a stack of `program` against it; see `TestStack`. */
export async function testStack(program: PulumiFn, options: TestStackOptions = {}): Promise<TestStack> {
  // The provider process runs this Node.js: the provider's own check, at the call, not at import.
  await import("../provider/node-version");
  const emulator = await startEmulator({ apiKey: "sk-ant-testing", ...options.emulator });
  const base = fs.mkdtempSync(path.join(os.tmpdir(), "anthropic-testing-"));
  try {
    const workDir = path.join(base, "project");
    fs.mkdirSync(workDir);
    fs.symlinkSync(nodeModulesDir(), path.join(workDir, "node_modules"), "dir");
    const root = options.pulumiCliRoot ?? installedCli();
    if (root === undefined) {
      throw new Error("testing: no Pulumi CLI 3.181 or newer: put `pulumi` on PATH (https://www.pulumi.com/docs/install/) or set PULUMI_CLI_ROOT to the directory holding bin/pulumi");
    }
    // The engine starts the dynamic-provider plugin with the first `node` on its PATH: this one.
    const env: Record<string, string> = {
      PATH: [path.dirname(process.execPath), path.join(root, "bin"), process.env["PATH"] ?? ""].join(path.delimiter),
      ...offlineEngine(base, PASSPHRASE),
      ...options.env,
    };
    const projectName = options.projectName ?? "test-project";
    const stack = await LocalWorkspace.createOrSelectStack(
      { stackName: options.stackName ?? "test", projectName, program },
      {
        workDir,
        pulumiHome: env["PULUMI_HOME"]!,
        envVars: env,
        pulumiCommand: await PulumiCommand.get({ root, skipVersionCheck: true }),
        projectSettings: { name: projectName, runtime: "nodejs", backend: { url: env["PULUMI_BACKEND_URL"]! } },
      },
    );
    await stack.setAllConfig({
      "anthropic:apiKey": { value: options.emulator?.apiKey ?? "sk-ant-testing", secret: true },
      "anthropic:baseUrl": { value: emulator.url },
      ...options.config,
    });
    return {
      stack,
      emulator,
      async close() {
        await emulator.stop();
        fs.rmSync(base, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await emulator.stop();
    fs.rmSync(base, { recursive: true, force: true });
    throw error;
  }
}
