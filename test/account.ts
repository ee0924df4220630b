// A busy account for tests and the bench: objects other teams and applications created, at times
// spread over a span, put straight into the emulator's stores (what their creates would have
// made, with the created_at they would have had).
import type { Emulator } from "../emulator/server";

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
