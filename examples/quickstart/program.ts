// The quickstart: one agent with the agent toolset, a web-fetch allow-list and a custom tool.
// `quickstart:systemPrompt` (stack config) changes its system prompt: a new version, in place.
import * as pulumi from "@pulumi/pulumi";
import { Agent } from "pulumi-anthropic-managed-agents";

export function quickstart() {
  const config = new pulumi.Config("quickstart");
  const agent = new Agent("triage", {
    name: "issue-triage",
    model: "claude-sonnet-4-6",
    system: config.get("systemPrompt") ?? "You triage incoming GitHub issues and suggest labels.",
    tools: [
      {
        type: "agent_toolset_20260401",
        defaultConfig: { permissionPolicy: { type: "always_ask" } },
        configs: [{ name: "web_fetch", enabled: true, allowedDomains: ["docs.github.com"] }],
      },
      {
        type: "custom",
        name: "apply_label",
        description: "Apply a label to an issue",
        inputSchema: {
          type: "object",
          properties: { issueNumber: { type: "integer" }, label: { type: "string" } },
          required: ["issueNumber", "label"],
        },
      },
    ],
    metadata: { team: "platform", managedBy: "pulumi" },
  });
  return { agentId: agent.id, agentVersion: agent.version, model: agent.model };
}
