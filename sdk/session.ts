import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import type { SessionArgsShape, SessionInputs } from "../provider/resources/session";
import { providerShell } from "./provider-shell";

/**
 * The arguments of a {@link Session}. `title`, `metadata`, `budget`, `tools` and `mcpServers`
 * update in place; everything the session was created from (agent, pinned version, environment,
 * vaults, resources, initial events) replaces it.
 */
export interface SessionArgs {
  /** The agent's id (e.g. `agent.id`). A change replaces the session. */
  agent: pulumi.Input<string>;
  /**
   * Pin the session to this agent version. Pass `agent.version` to **follow the agent**: when the
   * agent's definition changes, preview shows the agent update and this session's replacement, and
   * `up` creates the new session on the new version. Omit it and the session takes the latest
   * version at creation and is never touched when the agent changes. A different version replaces
   * the session; removing the pin changes nothing.
   */
  agentVersion?: pulumi.Input<number>;
  /** The environment's id (e.g. `environment.id`). A change replaces the session. */
  environmentId: pulumi.Input<string>;
  /** Vaults with credentials for MCP servers. A change replaces the session. */
  vaultIds?: pulumi.Input<pulumi.Input<string>[]>;
  /**
   * Mounted resources: `{ type: "github_repository", url, authorizationToken?, checkout?, mountPath? }`,
   * `{ type: "file", fileId, mountPath? }`, `{ type: "memory_store", memoryStoreId, access?, instructions? }`.
   * Stored as a secret when a GitHub token is present. A change replaces the session.
   */
  resources?: pulumi.Input<NonNullable<SessionInputs["resources"]>>;
  /** Title. Updates in place; removing it clears it. */
  title?: pulumi.Input<string>;
  /** Free-form string pairs (at most 15). Updated in place as a patch: removed keys are deleted. */
  metadata?: pulumi.Input<NonNullable<SessionInputs["metadata"]>>;
  /** Spend limit `{ type: "limit", maxListCost: { amount: "2500", currency?: "USD" } }`: amount in minor units (cents), currency USD (the default). Updates in place. */
  budget?: pulumi.Input<NonNullable<SessionArgsShape["budget"]>>;
  /**
   * Events sent when the session is created: `user.message` (text content) and
   * `user.define_outcome`. Sent once; a change replaces the session. A `user.message` starts work, so
   * the session is `running` right after creation.
   */
  initialEvents?: pulumi.Input<NonNullable<SessionInputs["initialEvents"]>>;
  /**
   * Session-local tools: replace the agent's tools for this session only (same shapes as
   * `Agent.tools`). A change is applied in place with a full replacement, never a new session and
   * never a change to the agent; removing it restores the agent version's own tools.
   */
  tools?: pulumi.Input<NonNullable<SessionInputs["tools"]>>;
  /** Session-local MCP servers, like `tools`: in place, full replacement, the agent untouched. */
  mcpServers?: pulumi.Input<NonNullable<SessionInputs["mcpServers"]>>;
  /**
   * The API refuses changes to a running session. `"wait"` polls until it is idle; `"interrupt"`
   * sends `user.interrupt`, then waits. Default: `"wait"` for updates, `"interrupt"` for destroy.
   */
  whenRunning?: pulumi.Input<"wait" | "interrupt">;
  /** How long to wait for a running session, in seconds (default 600). */
  waitTimeoutSeconds?: pulumi.Input<number>;
  /** What `pulumi destroy` (and a replacement) does: `"archive"` (default; keeps history) or `"delete"`. */
  onDestroy?: pulumi.Input<"archive" | "delete">;
}

/**
 * A Claude Managed Agents session: an agent instance in an environment. See {@link SessionArgs}
 * for what each change does; `agentVersion: agent.version` makes the session follow the agent.
 */
export class Session extends dynamic.Resource {
  declare public readonly agent: pulumi.Output<string>;
  /** The agent version the session runs (the pin, when there is one). */
  declare public readonly agentVersion: pulumi.Output<number>;
  /** The agent the session runs. */
  declare public readonly agentId: pulumi.Output<string>;
  /** Whether the session is pinned (`agentVersion` was given). */
  declare public readonly pinned: pulumi.Output<boolean>;
  declare public readonly environmentId: pulumi.Output<string>;
  declare public readonly vaultIds: pulumi.Output<string[] | undefined>;
  declare public readonly resources: pulumi.Output<SessionInputs["resources"]>;
  declare public readonly title: pulumi.Output<string | undefined>;
  declare public readonly metadata: pulumi.Output<SessionInputs["metadata"]>;
  declare public readonly budget: pulumi.Output<SessionInputs["budget"]>;
  declare public readonly initialEvents: pulumi.Output<SessionInputs["initialEvents"]>;
  declare public readonly tools: pulumi.Output<SessionInputs["tools"]>;
  declare public readonly mcpServers: pulumi.Output<SessionInputs["mcpServers"]>;
  declare public readonly whenRunning: pulumi.Output<"wait" | "interrupt" | undefined>;
  declare public readonly waitTimeoutSeconds: pulumi.Output<number | undefined>;
  declare public readonly onDestroy: pulumi.Output<"archive" | "delete" | undefined>;
  /** `idle`, `running`, `rescheduling` or `terminated`, as of the last create, update or refresh. */
  declare public readonly status: pulumi.Output<string>;
  /** The agent snapshot the session runs: id, version, model, system, and its effective tools and MCP servers. */
  declare public readonly resolvedAgent: pulumi.Output<Record<string, unknown>>;
  /** Token usage and cost so far, as of the last create, update or refresh. */
  declare public readonly usage: pulumi.Output<Record<string, unknown>>;
  /** Active and total seconds, as of the last create, update or refresh. */
  declare public readonly stats: pulumi.Output<Record<string, unknown>>;
  declare public readonly createdAt: pulumi.Output<string>;
  declare public readonly updatedAt: pulumi.Output<string>;
  declare public readonly archivedAt: pulumi.Output<string | null>;

  constructor(name: string, args: SessionArgs, opts?: pulumi.CustomResourceOptions) {
    // A GitHub token must never be stored in plain text: the whole list becomes a secret then (the
    // engine also marks the same-named output secret).
    const resources =
      args.resources === undefined
        ? undefined
        : pulumi.output(args.resources).apply((list) =>
            list.some((r) => r.type === "github_repository" && r.authorizationToken !== undefined) ? pulumi.secret(list) : list,
          );
    super(
      providerShell,
      name,
      {
        ...args,
        resources,
        // Declared even when not given, so that the engine fills the output (the version it runs).
        agentVersion: args.agentVersion,
        __kind: "Session",
        agentId: undefined,
        pinned: undefined,
        status: undefined,
        resolvedAgent: undefined,
        usage: undefined,
        stats: undefined,
        createdAt: undefined,
        updatedAt: undefined,
        archivedAt: undefined,
        resolved: undefined,
      },
      opts,
      "anthropic",
      "Session",
    );
  }
}
