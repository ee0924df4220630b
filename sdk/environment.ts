import * as pulumi from "@pulumi/pulumi";
import * as dynamic from "@pulumi/pulumi/dynamic";
import type { EnvironmentInputs } from "../provider/resources/environment";
import { providerShell } from "./provider-shell";

/**
 * The arguments of an {@link Environment}. Everything updates in place except the config type
 * (`cloud` ⇄ `self_hosted`), which replaces the environment.
 */
export interface EnvironmentArgs {
  /** Human-readable name. Updates in place. */
  name: pulumi.Input<string>;
  /** Description. Updates in place; removing it clears it. */
  description?: pulumi.Input<string>;
  /**
   * Free-form string pairs, sent as written. At most 15 pairs (the provider keeps
   * `pulumi-create-token`), keys up to 64 characters, values up to 512. Updated as a patch.
   */
  metadata?: pulumi.Input<NonNullable<EnvironmentInputs["metadata"]>>;
  /** Visibility: `"account"` (the API's default) or `"organization"`. Updates in place. */
  scope?: pulumi.Input<NonNullable<EnvironmentInputs["scope"]>>;
  /**
   * `{ type: "cloud", networking?, packages? }` or `{ type: "self_hosted" }`. Cloud networking is
   * `{ type: "unrestricted" }` or `{ type: "limited", allowedHosts?, allowMcpServers?,
   * allowPackageManagers? }` (the API's default is limited with nothing allowed); `packages` lists
   * apt/cargo/gem/go/npm/pip packages, which under limited networking need
   * `allowPackageManagers: true`. Networking and packages update in place (the whole config is
   * sent); a change of `type` replaces the environment. Omit for the API's default (cloud, limited).
   */
  config?: pulumi.Input<NonNullable<EnvironmentInputs["config"]>>;
  /** What `pulumi destroy` does: `"delete"` (default) or `"archive"` (keeps it, read-only). No API call when changed. */
  onDestroy?: pulumi.Input<"delete" | "archive">;
  /**
   * Adopt an existing environment (`env_...`) instead of creating one: create reads it and updates
   * it to the declared state. Ignored after creation.
   */
  adoptId?: pulumi.Input<string>;
}

/** The environment as the API stores it, defaults filled in, in camelCase. */
export interface ResolvedEnvironment {
  name: string;
  description: string | null;
  metadata: Record<string, string>;
  scope: string | null;
  config: Record<string, unknown>;
}

/**
 * A Claude Managed Agents environment: the container sessions run in. Updates happen in place
 * except a change of config type, which replaces it. Destroy deletes it (or archives it, with
 * `onDestroy: "archive"`).
 */
export class Environment extends dynamic.Resource {
  declare public readonly name: pulumi.Output<string>;
  declare public readonly description: pulumi.Output<string | undefined>;
  declare public readonly metadata: pulumi.Output<EnvironmentInputs["metadata"]>;
  declare public readonly scope: pulumi.Output<EnvironmentInputs["scope"]>;
  declare public readonly config: pulumi.Output<EnvironmentInputs["config"]>;
  declare public readonly onDestroy: pulumi.Output<"delete" | "archive" | undefined>;
  declare public readonly adoptId: pulumi.Output<string | undefined>;
  /** RFC 3339 creation time. */
  declare public readonly createdAt: pulumi.Output<string>;
  /** RFC 3339 time of the last change. */
  declare public readonly updatedAt: pulumi.Output<string>;
  /** RFC 3339 archive time; null while the environment is live. */
  declare public readonly archivedAt: pulumi.Output<string | null>;
  /** The environment as the API stores it, with the resolved config (networking, packages). */
  declare public readonly resolved: pulumi.Output<ResolvedEnvironment>;

  constructor(name: string, args: EnvironmentArgs, opts?: pulumi.CustomResourceOptions) {
    super(
      providerShell,
      name,
      { ...args, __kind: "Environment", createdAt: undefined, updatedAt: undefined, archivedAt: undefined, resolved: undefined },
      opts,
      "anthropic",
      "Environment",
    );
  }
}
