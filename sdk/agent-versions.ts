// `listAgentVersions`: an agent's version history (`GET /v1/agents/{id}/versions`), for scripts and
// tests after `pulumi up` (which version a pinned session runs, what changed between two). A plain
// function, not a resource: it runs in the caller's process (see direct-call.ts).
import type { ApiAgent } from "../provider/api/agents";
import { withApi, type DirectCallOptions } from "./direct-call";

/** One version of an agent, as the API stores it, camelCased. */
export interface AgentVersion {
  id: string;
  version: number;
  name: string;
  model: unknown;
  system: string | null;
  description: string | null;
  tools: Array<Record<string, unknown>>;
  mcpServers: Array<Record<string, unknown>>;
  skills: Array<Record<string, unknown>>;
  metadata: Record<string, string>;
  createdAt: string;
  updatedAt: string;
  archivedAt: string | null;
}

/** Every version of the agent, newest first (as the API lists them). */
export async function listAgentVersions(agentId: string, options: DirectCallOptions = {}): Promise<AgentVersion[]> {
  return withApi(options, async (ctx) => {
    const [{ agents }, { fromApiCase }, { userMetadata }] = await Promise.all([
      import("../provider/api/agents"),
      import("../provider/casing"),
      import("../provider/kit/metadata"),
    ]);
    const out: AgentVersion[] = [];
    for await (const v of agents.versions(ctx, `list the versions of agent ${agentId}`, agentId)) out.push(camelVersion(v, fromApiCase, userMetadata));
    return out;
  });
}

function camelVersion(v: ApiAgent, fromApiCase: (x: unknown) => unknown, userMetadata: (m: unknown) => Record<string, string>): AgentVersion {
  return {
    id: v.id,
    version: v.version,
    name: v.name,
    model: fromApiCase(v.model),
    system: v.system ?? null,
    description: v.description ?? null,
    tools: (fromApiCase(v.tools ?? []) as AgentVersion["tools"]),
    mcpServers: (fromApiCase(v.mcp_servers ?? []) as AgentVersion["mcpServers"]),
    skills: (fromApiCase(v.skills ?? []) as AgentVersion["skills"]),
    // The provider's own pairs (its write token) are not the user's metadata.
    metadata: userMetadata(v.metadata),
    createdAt: v.created_at,
    updatedAt: v.updated_at,
    archivedAt: v.archived_at ?? null,
  };
}
