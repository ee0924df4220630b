// Version pinning and session-local tools, side by side:
// - "follows-agent" is pinned to `agent.version`: a change of the agent's definition replaces it
//   with a session on the new version (the old one is archived);
// - "stays-put" is not pinned: it keeps the version it started on, whatever the agent does;
// - "local-tools" overrides the agent's tools for itself only: changing them updates the session
//   in place and never touches the agent.
import * as pulumi from "@pulumi/pulumi";
import { Agent, Environment, Session } from "pulumi-anthropic-managed-agents";

export interface PinnedSessionsOptions {
  systemPrompt: string;
  /** "agent": the session runs the agent's tools; "with-linear": an override adds Linear's MCP server. */
  sessionTools: "agent" | "with-linear";
  networking: "limited" | "unrestricted";
  environmentType: "cloud" | "self_hosted";
  whenRunning?: "wait" | "interrupt";
  waitTimeoutSeconds?: number;
}

export const defaultOptions: PinnedSessionsOptions = {
  systemPrompt: "You are a careful coding agent.",
  sessionTools: "agent",
  networking: "limited",
  environmentType: "cloud",
};

export function pinnedSessions(o: PinnedSessionsOptions) {
  const environment = new Environment("sandbox", {
    name: "sandbox",
    config:
      o.environmentType === "self_hosted"
        ? { type: "self_hosted" }
        : o.networking === "unrestricted"
          ? { type: "cloud", networking: { type: "unrestricted" } }
          : { type: "cloud", networking: { type: "limited", allowedHosts: ["api.github.com"] } },
  });

  const agent = new Agent("coder", {
    name: "coder",
    model: "claude-sonnet-4-6",
    system: o.systemPrompt,
    tools: [{ type: "agent_toolset_20260401" }],
  });

  const followsAgent = new Session("follows-agent", {
    agent: agent.id,
    agentVersion: agent.version,
    environmentId: environment.id,
    title: "follows the agent",
  });

  const staysPut = new Session("stays-put", {
    agent: agent.id,
    environmentId: environment.id,
    title: "stays on its version",
    onDestroy: "delete",
  });

  const localTools = new Session("local-tools", {
    agent: agent.id,
    environmentId: environment.id,
    title: "session-local tools",
    ...(o.sessionTools === "with-linear"
      ? {
          tools: [{ type: "agent_toolset_20260401" as const }, { type: "mcp_toolset" as const, mcpServerName: "linear" }],
          mcpServers: [{ type: "url" as const, name: "linear", url: "https://mcp.linear.app/sse" }],
        }
      : {}),
    ...(o.whenRunning ? { whenRunning: o.whenRunning } : {}),
    ...(o.waitTimeoutSeconds ? { waitTimeoutSeconds: o.waitTimeoutSeconds } : {}),
  });

  return {
    environmentId: environment.id,
    agentId: agent.id,
    agentVersion: agent.version,
    followsAgent: { id: followsAgent.id, agentVersion: followsAgent.agentVersion },
    staysPut: { id: staysPut.id, agentVersion: staysPut.agentVersion },
    localTools: { id: localTools.id, mcpServers: localTools.mcpServers },
  };
}

/** The options from stack config (`pulumi config set pinned-sessions:systemPrompt ...`). */
export function optionsFromConfig(): PinnedSessionsOptions {
  const config = new pulumi.Config("pinned-sessions");
  return {
    systemPrompt: config.get("systemPrompt") ?? defaultOptions.systemPrompt,
    sessionTools: config.get("sessionTools") === "with-linear" ? "with-linear" : "agent",
    networking: config.get("networking") === "unrestricted" ? "unrestricted" : "limited",
    environmentType: config.get("environmentType") === "self_hosted" ? "self_hosted" : "cloud",
  };
}
