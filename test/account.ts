// A busy account for tests and the bench: objects other teams and applications created, at times
// spread over a span, put straight into the emulator's stores (what their creates would have
// made, with the created_at they would have had); and a stack made old.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { runCli, type EngineEnv } from "../tools/engine";
import type { Emulator } from "../emulator/server";

const DAY = 24 * 3_600_000;

/** Moves the stack's create-token seed `days` back in its state: the stack's first `up` was that long ago. */
export function ageStack(env: EngineEnv, stack: string, days: number): void {
  const exported = runCli(env, ["stack", "export", "--stack", stack]);
  const seed = /"seed":\s*"([^"]+)"/.exec(exported)?.[1];
  if (!seed) throw new Error("the stack's state has no create-token seed");
  const [time, random] = seed.split("/");
  const aged = `${new Date(Date.parse(time!) - days * DAY).toISOString()}/${random!}`;
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "aged-stack-")), "state.json");
  fs.writeFileSync(file, exported.split(seed).join(aged));
  runCli(env, ["stack", "import", "--stack", stack, "--file", file]);
}

export interface Span {
  /** Epoch ms of the oldest and the newest object (spread evenly between). */
  from: number;
  to: number;
}

const at = (span: Span, i: number, count: number) => new Date(count <= 1 ? span.to : span.from + ((span.to - span.from) * i) / (count - 1)).toISOString();

/** `count` agents created over `span`. */
export function addAgents(emulator: Emulator, count: number, span: Span): void {
  for (let i = 0; i < count; i++) {
    const agent = emulator.agents.create({ name: `other-team-${i}`, model: "claude-sonnet-4-6" });
    const createdAt = at(span, i, count);
    emulator.agents.versions.set(agent.id, [{ ...agent, created_at: createdAt, updated_at: createdAt }]);
  }
}

/** `count` environments created over `span`. */
export function addEnvironments(emulator: Emulator, count: number, span: Span): void {
  for (let i = 0; i < count; i++) {
    const environment = emulator.environments.create({ name: `other-team-${i}` });
    const createdAt = at(span, i, count);
    emulator.environments.records.set(environment.id, { ...environment, created_at: createdAt, updated_at: createdAt });
  }
}

/** `count` sessions of `agent` (its current version) in `environmentId`, created over `span`. */
export function addSessions(emulator: Emulator, count: number, span: Span, agent: string, environmentId: string): void {
  for (let i = 0; i < count; i++) {
    const session = emulator.sessions.create({ agent, environment_id: environmentId, title: `application run ${i}` });
    const createdAt = at(span, i, count);
    emulator.sessions.records.set(session.id, { ...session, created_at: createdAt, updated_at: createdAt });
  }
}
