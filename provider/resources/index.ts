// The registry: resource kind name (as stored in every resource's `__kind`) -> hooks. Kind names
// are part of the permanent runtime interface: never rename one.
import type { RuntimeHooks } from "../kit/resource";
import type { ResourceSpec } from "../kit/spec";
import { agentResource } from "./agent";
import { deploymentResource } from "./deployment";
import { environmentResource } from "./environment";
import { seedResource, SEED_KIND } from "./seed";
import { sessionResource } from "./session";
import { skillResource } from "./skill";
import { vaultResource } from "./vault";
import { vaultCredentialResource } from "./vault-credential";
import { fileResource } from "./file";
import { memoryStoreResource } from "./memory-store";
import { memoryResource } from "./memory";

export const RESOURCE_KINDS = {
  Agent: agentResource,
  Environment: environmentResource,
  Session: sessionResource,
  Skill: skillResource,
  Deployment: deploymentResource,
  Vault: vaultResource,
  VaultCredential: vaultCredentialResource,
  File: fileResource,
  MemoryStore: memoryStoreResource,
  Memory: memoryResource,
  [SEED_KIND]: seedResource,
} as const satisfies Record<string, RuntimeHooks>;

export type ResourceKind = keyof typeof RESOURCE_KINDS;

/** Every resource users declare: the registry's kinds but the internal create-token seed. */
export const PUBLIC_SPECS: readonly ResourceSpec[] = Object.values(RESOURCE_KINDS)
  .map((hooks) => hooks.spec)
  .filter((spec) => spec.kind !== SEED_KIND);

export function hooksFor(kind: string): RuntimeHooks {
  const hooks = (RESOURCE_KINDS as Record<string, RuntimeHooks | undefined>)[kind];
  if (!hooks) {
    throw new Error(
      `this version of pulumi-anthropic-managed-agents has no resource kind "${kind}"; the state was written by a newer version: upgrade the package`,
    );
  }
  return hooks;
}
