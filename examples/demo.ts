// `npm start`: the story the project exists for, under the real Pulumi engine against the local
// emulator (or, with `--live` and ANTHROPIC_API_KEY, the real API). An environment, an agent and
// three sessions (examples/pinned-sessions): one pinned to the agent's version, one unpinned, one
// with session-local tools. A system-prompt change previews as the agent's update and the pinned
// session's replacement, the unpinned one untouched; a tools change previews as an in-place update
// of one session; then destroy. One screen per step.
import { startEmulator, type Emulator } from "../emulator/server";
import { engineEnv, stackFor } from "../tools/engine";
import { defaultOptions, pinnedSessions, type PinnedSessionsOptions } from "./pinned-sessions/program";

export interface DemoOptions {
  live: boolean;
  write: (text: string) => void;
}

export interface DemoStep {
  title: string;
  /** What the engine printed for this step. */
  text: string;
}

export interface DemoOutputs {
  agentVersion: number;
  followsAgent: { id: string; agentVersion: number };
  staysPut: { id: string; agentVersion: number };
  localTools: { id: string };
}

export interface DemoResult {
  steps: DemoStep[];
  /** The stack outputs after each `up`. */
  outputs: DemoOutputs[];
  emulator: Emulator | undefined;
}

export const NEW_PROMPT = "You are a careful coding agent. Write tests first.";

export async function runDemo({ live, write }: DemoOptions): Promise<DemoResult> {
  let emulator: Emulator | undefined;
  const extraEnv: Record<string, string> = {};
  if (live) {
    if (!process.env["ANTHROPIC_API_KEY"]) throw new Error("--live needs ANTHROPIC_API_KEY in the environment");
    extraEnv["ANTHROPIC_API_KEY"] = process.env["ANTHROPIC_API_KEY"];
  } else {
    emulator = await startEmulator();
    extraEnv["ANTHROPIC_API_KEY"] = "sk-ant-emulator-demo";
    extraEnv["ANTHROPIC_BASE_URL"] = emulator.url;
    write(`Local Managed Agents API emulator listening on ${emulator.url}\n`);
  }
  const env = await engineEnv(extraEnv);
  let options: PinnedSessionsOptions = defaultOptions;
  const stack = await stackFor(env, async () => pinnedSessions(options), "demo", "pinned-sessions");
  const steps: DemoStep[] = [];
  const outputs: DemoOutputs[] = [];

  const step = async (title: string, run: (onOutput: (s: string) => void) => Promise<unknown>) => {
    write(`\n\x1b[1m=== ${title}\x1b[0m\n`);
    const chunks: string[] = [];
    await run((s) => {
      chunks.push(s);
      write(s);
    });
    steps.push({ title, text: chunks.join("") });
  };
  const up = (title: string) =>
    step(title, async (onOutput) => {
      const result = await stack.up({ onOutput, color: "always", suppressOutputs: true });
      const o = Object.fromEntries(Object.entries(result.outputs).map(([k, v]) => [k, v.value])) as unknown as DemoOutputs;
      outputs.push(o);
      write(
        `\nagent version ${o.agentVersion}; follows-agent ${o.followsAgent.id} on version ${o.followsAgent.agentVersion}; ` +
          `stays-put ${o.staysPut.id} on version ${o.staysPut.agentVersion}\n`,
      );
    });

  try {
    await up("pulumi up: an environment, an agent, and three sessions (pinned, unpinned, session-local tools)");

    options = { ...options, systemPrompt: NEW_PROMPT };
    await step("A new system prompt. pulumi preview --diff: the agent gets a new version; the pinned session is replaced; the unpinned one is untouched", (onOutput) =>
      stack.preview({ onOutput, diff: true, color: "always", suppressOutputs: true }),
    );
    await up("pulumi up");

    options = { ...options, sessionTools: "with-linear" };
    await step("Session-local tools for local-tools. pulumi preview --diff: that session is updated in place; the agent is untouched", (onOutput) =>
      stack.preview({ onOutput, diff: true, color: "always", suppressOutputs: true }),
    );
    await up("pulumi up");
  } finally {
    await step("pulumi destroy: sessions and the agent archived, the environment deleted", (onOutput) => stack.destroy({ onOutput, color: "always" }));
    await emulator?.stop();
  }
  return { steps, outputs, emulator };
}

if (require.main === module) {
  runDemo({ live: process.argv.includes("--live"), write: (t) => process.stdout.write(t) }).catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exit(1);
  });
}
