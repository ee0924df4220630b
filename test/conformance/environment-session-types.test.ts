// Compile-time conformance of the Environment and Session bodies and response schemas with the
// official SDK's types (ts-jest type-checks this file).
import type {
  BetaEnvironment,
  EnvironmentCreateParams,
  EnvironmentUpdateParams,
} from "@anthropic-ai/sdk/resources/beta/environments/environments";
import type {
  BetaManagedAgentsSession,
  SessionCreateParams,
  SessionUpdateParams,
} from "@anthropic-ai/sdk/resources/beta/sessions/sessions";
import { apiEnvironment, type ApiEnvironment } from "../../provider/api/environments";
import { apiSession, type ApiSession } from "../../provider/api/sessions";
import { planChanges } from "../../provider/kit/diff";
import {
  buildEnvironmentCreateBody,
  buildEnvironmentUpdateBody,
  environmentSpec,
  type EnvironmentCreateBody,
  type EnvironmentUpdateBody,
} from "../../provider/resources/environment";
import {
  buildSessionCreateBody,
  buildSessionUpdateBody,
  sessionSpec,
  type SessionCreateBody,
  type SessionUpdateBody,
} from "../../provider/resources/session";
import type { Assert, Extends, KnownFields } from "./type-assertions";

export type EnvironmentCreateConforms = Assert<Extends<EnvironmentCreateBody, EnvironmentCreateParams>>;
export type EnvironmentUpdateConforms = Assert<Extends<EnvironmentUpdateBody, EnvironmentUpdateParams>>;
export type EnvironmentResponseAccepted = Assert<Extends<BetaEnvironment, KnownFields<ApiEnvironment>>>;
export type SessionCreateConforms = Assert<Extends<SessionCreateBody, SessionCreateParams>>;
export type SessionUpdateConforms = Assert<Extends<SessionUpdateBody, SessionUpdateParams>>;
export type SessionResponseAccepted = Assert<Extends<BetaManagedAgentsSession, KnownFields<ApiSession>>>;

describe("environment and session types agree with @anthropic-ai/sdk", () => {
  it("builds bodies that are SDK params", () => {
    const envCreate: EnvironmentCreateParams = buildEnvironmentCreateBody({ name: "e", config: { type: "self_hosted" } });
    const envOlds = { name: "e" };
    const envNews = { name: "f" };
    const envUpdate: EnvironmentUpdateParams | null = buildEnvironmentUpdateBody(
      { inputs: envOlds, outputs: {}, legacy: false },
      { inputs: envNews, changes: planChanges(environmentSpec, envOlds, envNews) },
    );
    const sessionCreate: SessionCreateParams = buildSessionCreateBody({ agent: "agent_1", agentVersion: 2, environmentId: "env_1" });
    const sessionOlds = { agent: "agent_1", environmentId: "env_1" };
    const sessionNews = { ...sessionOlds, title: "x", tools: [{ type: "agent_toolset_20260401" as const }] };
    const sessionUpdate: SessionUpdateParams | null = buildSessionUpdateBody(
      { inputs: sessionOlds, outputs: {}, legacy: false },
      { inputs: sessionNews, changes: planChanges(sessionSpec, sessionOlds, sessionNews) },
    );
    expect(envCreate).toEqual({ name: "e", config: { type: "self_hosted" }, metadata: {} });
    expect(envUpdate).toEqual({ name: "f" });
    expect(sessionCreate).toEqual({
      agent: { type: "agent", id: "agent_1", version: 2 },
      environment_id: "env_1",
      metadata: {},
    });
    expect(sessionUpdate).toEqual({ title: "x", agent: { tools: [{ type: "agent_toolset_20260401" }] } });
  });

  it("parses responses shaped as the SDK types them", () => {
    const environment: BetaEnvironment = {
      id: "env_1",
      type: "environment",
      name: "e",
      description: null,
      metadata: {},
      config: { type: "cloud", networking: { type: "unrestricted" }, packages: { apt: [], cargo: [], gem: [], go: [], npm: [], pip: [] } },
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      archived_at: null,
    };
    expect(apiEnvironment.parse(environment)).toEqual(environment);
    const session: BetaManagedAgentsSession = {
      id: "sesn_1",
      type: "session",
      status: "idle",
      agent: {
        id: "agent_1",
        type: "agent",
        version: 1,
        name: "a",
        description: null,
        system: null,
        model: { id: "claude-sonnet-4-6", speed: "standard" },
        tools: [],
        mcp_servers: [],
        skills: [],
        multiagent: null,
        execution_identity: { type: "service_account" },
      },
      environment_id: "env_1",
      title: null,
      metadata: {},
      budget: null,
      vault_ids: [],
      resources: [],
      outcome_evaluations: [],
      stats: {},
      usage: {},
      created_at: "2026-01-01T00:00:00Z",
      updated_at: "2026-01-01T00:00:00Z",
      archived_at: null,
    };
    expect(apiSession.parse(session)).toEqual(session);
  });
});
