// `npm start`: the quickstart program under the real Pulumi engine, against the local emulator
// (or, with `--live` and ANTHROPIC_API_KEY, against the real API): preview, up, a change and its
// preview, the update, then destroy, printing what a Pulumi user would see.
import { startEmulator, type Emulator } from "../emulator/server";
import { engineEnv, stackFor } from "../tools/engine";
import { quickstart } from "./quickstart/program";

export interface DemoOptions {
  live: boolean;
  write: (text: string) => void;
}

export interface DemoResult {
  versions: number[];
  emulator: Emulator | undefined;
}

export async function runDemo({ live, write }: DemoOptions): Promise<DemoResult> {
  const banner = (text: string) => write(`\n\x1b[1m=== ${text}\x1b[0m\n`);
  let emulator: Emulator | undefined;
  const extraEnv: Record<string, string> = {};
  if (live) {
    if (!process.env["ANTHROPIC_API_KEY"]) throw new Error("--live needs ANTHROPIC_API_KEY in the environment");
    extraEnv["ANTHROPIC_API_KEY"] = process.env["ANTHROPIC_API_KEY"];
  } else {
    emulator = await startEmulator();
    extraEnv["ANTHROPIC_API_KEY"] = "sk-ant-emulator-demo";
    extraEnv["ANTHROPIC_BASE_URL"] = emulator.url;
    banner(`Local Managed Agents API emulator listening on ${emulator.url}`);
  }
  banner("Preparing the Pulumi CLI (built from Go modules on first use; cached afterwards)");
  const env = await engineEnv(extraEnv);
  const stack = await stackFor(env, async () => quickstart(), "demo", "quickstart");
  const onOutput = (text: string) => write(text);
  const versions: number[] = [];
  try {
    banner("pulumi preview");
    await stack.preview({ onOutput, color: "always" });
    banner("pulumi up");
    const first = await stack.up({ onOutput, color: "always" });
    versions.push(first.outputs["agentVersion"]!.value as number);

    banner("Changing the system prompt (stack config quickstart:systemPrompt), then pulumi preview --diff");
    await stack.setConfig("quickstart:systemPrompt", { value: "You triage GitHub issues, suggest labels and find duplicates." });
    await stack.preview({ onOutput, diff: true, color: "always" });
    banner("pulumi up: the agent is updated in place and gets a new version");
    const second = await stack.up({ onOutput, color: "always" });
    versions.push(second.outputs["agentVersion"]!.value as number);
    write(`\nagent version: ${versions[0]} -> ${versions[1]}\n`);
  } finally {
    banner("pulumi destroy: the agent is archived (the API has no delete)");
    await stack.destroy({ onOutput, color: "always" });
    await emulator?.stop();
  }
  return { versions, emulator };
}

if (require.main === module) {
  runDemo({ live: process.argv.includes("--live"), write: (t) => process.stdout.write(t) }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
