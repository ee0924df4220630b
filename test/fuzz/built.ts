// The package as users run it, for the robustness suites: the runtime's exports
// (`dist/provider/runtime.js`, what every resource's `__provider` shell calls) and the emulator's
// bin (`dist/emulator/main.js`) over HTTP. Both need `npm run build` first (`npm test` builds).
import * as fs from "node:fs";
import * as path from "node:path";
import type * as Runtime from "../../provider/runtime";
import type * as EmulatorPackage from "../../emulator/index";
import { startCli, type RunningCli } from "../emulator-cli";

export const REPO = path.resolve(__dirname, "..", "..");
const DIST = path.join(REPO, "dist");

function built<T>(relative: string): T {
  const file = path.join(DIST, relative);
  if (!fs.existsSync(file)) throw new Error(`${file} is missing: run \`npm run build\` before this suite (it tests the built package)`);
  return require(file) as T;
}

export const runtime = (): typeof Runtime => built<typeof Runtime>("provider/runtime.js");
export const emulatorPackage = (): typeof EmulatorPackage => built<typeof EmulatorPackage>("emulator/index.js");
/** A module of the build other than the two entry points (for tests that count work inside one function). */
export const builtModule = <T>(relative: string): T => built<T>(relative);

/** The emulator's bin, as `npx anthropic-agents-emulator` runs it, on a port of its own. */
export function startBin(args: string[] = []): Promise<RunningCli> {
  const bin = path.join(DIST, "emulator", "main.js");
  if (!fs.existsSync(bin)) throw new Error(`${bin} is missing: run \`npm run build\` before this suite`);
  return startCli(process.execPath, [bin, "--port", "0", ...args], REPO);
}

export const HIDDEN_INPUTS = { __seed: "2026-01-01T00:00:00.000Z/fuzz", __urn: "urn:pulumi:fuzz::robustness::pulumi-nodejs:dynamic/anthropic:X::r" };

/** What the SDK sends for a resource of `kind`: the inputs and the hidden keys. */
export const sdkProps = (kind: string, inputs: Record<string, unknown>): Record<string, unknown> => ({ ...inputs, __kind: kind, ...HIDDEN_INPUTS });

/** Gives the built runtime a key (`check` reports a missing one as a failure) and a base URL. */
export async function configureRuntime(baseUrl = "https://api.anthropic.com"): Promise<void> {
  const config: Record<string, string> = { "anthropic:apiKey": "sk-ant-fuzz-0000", "anthropic:baseUrl": baseUrl };
  await runtime().configure({ config: { get: (k: string) => config[k] } });
}

/**
 * The runtime's check failures as the engine gets them (on the resource, the path leading the
 * reason: provider/runtime.ts `asReported`), read back as a path and a reason.
 */
export function located(failures: ReadonlyArray<{ property: string; reason: string }>): Array<{ property: string; reason: string }> {
  return failures.map((f) => {
    if (f.property !== "") throw new Error(`a failure the engine would print on a property: ${JSON.stringify(f)}`);
    const m = /^((?:[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])(?:\.[A-Za-z_$][\w$]*|\[\d+\]|\["(?:[^"\\]|\\.)*"\])*): ([\s\S]*)$/.exec(f.reason);
    return m ? { property: m[1]!, reason: m[2]! } : { property: "", reason: f.reason };
  });
}
