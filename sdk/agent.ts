import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import type { AgentInputs } from "../provider/resources/agent";
import { providerShell } from "./provider-shell";

/**
 * The arguments of an {@link Agent}. Every field updates the agent in place: a real change makes a
 * new `version` of the same agent; nothing ever replaces it.
 */
export interface AgentArgs {
  /** Human-readable name. Must be non-empty. A change makes a new version. */
  name: pulumi.Input<AgentInputs["name"]>;
  /**
   * Model identifier (e.g. `"claude-opus-4-7"`) or a model config `{ id, effort, speed, inferenceGeo }`.
   * The resolved config is in the `resolved.model` output. A change makes a new version.
   */
  model: pulumi.Input<AgentInputs["model"]>;
  /** System prompt. Omit to have none; removing it clears it. A change makes a new version. */
  system?: pulumi.Input<string>;
  /** What the agent does. Omit to have none; removing it clears it. A change makes a new version. */
  description?: pulumi.Input<string>;
  /**
   * Tools: the agent toolset (`agent_toolset_20260401`, with `defaultConfig` and per-tool `configs`
   * incl. web fetch/search domain options), MCP toolsets (`mcp_toolset`, naming a server in
   * `mcpServers`) and custom tools (`custom`, whose `inputSchema` JSON schema is sent as written).
   * At most 256. Full replacement: the list is the new value. A change makes a new version.
   */
  tools?: pulumi.Input<NonNullable<AgentInputs["tools"]>>;
  /**
   * MCP servers (`{ type: "url", name, url }`), at most 20, names unique, each referenced by an
   * `mcp_toolset` in `tools`. Full replacement. A change makes a new version.
   */
  mcpServers?: pulumi.Input<NonNullable<AgentInputs["mcpServers"]>>;
  /** Skills (`{ type: "anthropic" | "custom", skillId, version? }`). Full replacement. A change makes a new version. */
  skills?: pulumi.Input<NonNullable<AgentInputs["skills"]>>;
  /**
   * Free-form string pairs; keys are sent as written. At most 15 pairs (the API allows 16; the
   * provider keeps `pulumi-create-token` for safe retries), keys up to 64 characters, values up to
   * 512. Updated as a patch: removed keys are deleted. A change makes a new version.
   */
  metadata?: pulumi.Input<NonNullable<AgentInputs["metadata"]>>;
  /** Multiagent orchestration (`coordinator` or `multiagent_20261001`). Full replacement; removing it clears it. */
  multiagent?: pulumi.Input<NonNullable<AgentInputs["multiagent"]>>;
  /** Execution principal (`{ type: "aws_role", roleArn }` or `{ type: "service_account" }`, the default). */
  executionIdentity?: pulumi.Input<NonNullable<AgentInputs["executionIdentity"]>>;
  /**
   * Adopt an existing agent (`agent_...`) instead of creating one: create reads it and updates it to
   * the declared state (a new version only if something differs). Dynamic providers cannot use
   * `pulumi import`; this is the replacement. Ignored after creation: changing or removing it does nothing.
   */
  adoptId?: pulumi.Input<string>;
}

/** The agent as the API stores it, defaults filled in, in camelCase. */
export interface ResolvedAgent {
  name: string;
  model: { id: string; speed?: string; effort?: { type: string }; inferenceGeo?: string };
  system: string | null;
  description: string | null;
  tools: Array<Record<string, unknown>>;
  mcpServers: Array<{ type: string; name: string; url: string }>;
  skills: Array<{ type: string; skillId: string; version: string }>;
  metadata: Record<string, string>;
  multiagent: Record<string, unknown> | null;
  executionIdentity: Record<string, unknown> | null;
}

/**
 * A Claude Managed Agents agent: a versioned definition of model, system prompt, tools, MCP servers
 * and skills. Updates happen in place, each real change making a new `version` (pass
 * `agentVersion: agent.version` to a session to follow it). Destroy archives the agent (the API has
 * no delete).
 */
export class Agent extends dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly model: pulumi.Output<AgentInputs["model"]>;
  declare public readonly system: pulumi.Output<string | undefined>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly tools: pulumi.Output<AgentInputs["tools"]>;
  declare public readonly mcpServers: pulumi.Output<AgentInputs["mcpServers"]>;
  declare public readonly skills: pulumi.Output<AgentInputs["skills"]>;
  declare public readonly metadata: pulumi.Output<AgentInputs["metadata"]>;
  declare public readonly multiagent: pulumi.Output<AgentInputs["multiagent"]>;
  declare public readonly executionIdentity: pulumi.Output<AgentInputs["executionIdentity"]>;
  declare public readonly adoptId: pulumi.Output<string | undefined>;
  /** The current version; starts at 1 and goes up by one with each real change. */
  declare public readonly version: pulumi.Output<number>;
  /** RFC 3339 creation time. */
  declare public readonly createdAt: pulumi.Output<string>;
  /** RFC 3339 time of the last change. */
  declare public readonly updatedAt: pulumi.Output<string>;
  /** RFC 3339 archive time; null while the agent is live. */
  declare public readonly archivedAt: pulumi.Output<string | null>;
  /** The agent as the API stores it (resolved model config, tool defaults, skill versions). */
  declare public readonly resolved: pulumi.Output<ResolvedAgent>;

  constructor(name: string, args: AgentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShell,
      name,
      {
        ...args,
        __kind: "Agent",
        version: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        archivedAt: undefined,
        resolved: undefined,
      },
      opts,
      "anthropic",
      "Agent",
    );
  }
}
