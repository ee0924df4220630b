// Compile-time conformance: the zod-derived types agree with the official SDK's. ts-jest type-checks
// this file, so a disagreement fails the suite before any test runs.
import type {
  AgentCreateParams,
  AgentUpdateParams,
  BetaManagedAgentsAgent,
} from "@anthropic-ai/sdk/resources/beta/agents/agents";
import { apiAgent, type ApiAgent } from "../../provider/api/agents";
import { planChanges } from "../../provider/kit/diff";
import { agentSpec, buildAgentCreateBody, buildAgentUpdateBody, type AgentCreateBody, type AgentUpdateBody } from "../../provider/resources/agent";
import type { Assert, Extends, KnownFields } from "./type-assertions";

// Every body we build is a valid SDK create/update request.
export type CreateBodyConforms = Assert<Extends<AgentCreateBody, AgentCreateParams>>;
export type UpdateBodyConforms = Assert<Extends<AgentUpdateBody, AgentUpdateParams>>;
// Every agent the SDK says the API can return is accepted by our (loose) response schema.
export type ResponseSchemaAccepts = Assert<Extends<BetaManagedAgentsAgent, KnownFields<ApiAgent>>>;

describe("agent types agree with @anthropic-ai/sdk", () => {
  it("parses an agent shaped exactly as the SDK types it", () => {
    const agent: BetaManagedAgentsAgent = {
      id: "agent_01HqR2k7vXbZ9mNpL3wYcT8f",
      type: "agent",
      name: "Coding Assistant",
      model: { id: "claude-sonnet-4-6", speed: "standard" },
      system: "You are a helpful coding agent.",
      description: null,
      tools: [
        {
          type: "agent_toolset_20260401",
          configs: [],
          default_config: { enabled: true, permission_policy: { type: "always_allow" } },
        },
      ],
      skills: [],
      mcp_servers: [],
      metadata: {},
      multiagent: null,
      execution_identity: { type: "service_account" },
      version: 1,
      created_at: "2026-04-03T18:24:10.412Z",
      updated_at: "2026-04-03T18:24:10.412Z",
      archived_at: null,
    };
    expect(apiAgent.parse(agent)).toEqual(agent);
  });

  it("builds bodies that are SDK params at run time too", () => {
    const create: AgentCreateParams = buildAgentCreateBody({ name: "n", model: "claude-sonnet-4-6" });
    const olds = { name: "n", model: "m" };
    const news = { name: "n2", model: "m" };
    const patch = buildAgentUpdateBody({ inputs: olds, outputs: {}, legacy: false }, { inputs: news, changes: planChanges(agentSpec, olds, news) });
    const update: AgentUpdateParams = { ...patch, version: 1 };
    expect(create).toEqual({ name: "n", model: "claude-sonnet-4-6", metadata: {} });
    expect(update).toEqual({ name: "n2", version: 1 });
  });
});
