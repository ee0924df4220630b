// The registry: resource kind name (as stored in every resource's `__kind`) -> hooks. Kind names
// are part of the permanent runtime interface: never rename one.
import { quote } from "../kit/quote";
import type { RuntimeHooks } from "../kit/resource";
import type { ResourceSpec } from "../kit/spec";
import { agentResource } from "./agent";
import { deploymentResource } from "./deployment";
import { environmentResource } from "./environment";
import { SEED_KIND, seedResource } from "./seed";
import { sessionResource } from "./session";
import { skillResource } from "./skill";
import { vaultResource } from "./vault";
import { vaultCredentialResource } from "./vault-credential";
import { fileResource } from "./file";
import { memoryStoreResource } from "./memory-store";
import { memoryResource } from "./memory";
import { tunnelResource } from "./tunnel";
import { tunnelCertificateResource } from "./tunnel-certificate";

/**
 * Every kind's hooks, in the order the README, the SDK's index and the package schema list them;
 * each is registered under its spec's kind.
 */
const RESOURCES: readonly RuntimeHooks[] = [
  agentResource,
  environmentResource,
  sessionResource,
  skillResource,
  deploymentResource,
  vaultResource,
  vaultCredentialResource,
  fileResource,
  memoryStoreResource,
  memoryResource,
  tunnelResource,
  tunnelCertificateResource,
  seedResource,
];

/** The registry: kind (as stored in `__kind`) -> hooks, keyed by each spec's own kind. */
export const RESOURCE_KINDS: Readonly<Record<string, RuntimeHooks>> = Object.fromEntries(RESOURCES.map((hooks) => [hooks.spec.kind, hooks]));

/** Every resource users declare: the registry's kinds but the internal create-token seed. */
export const PUBLIC_SPECS: readonly ResourceSpec[] = RESOURCES.map((hooks) => hooks.spec).filter((spec) => spec.kind !== SEED_KIND);

export function hooksFor(kind: string): RuntimeHooks {
  // Own keys only: "constructor" or "toString" name no kind, whatever Object.prototype holds.
  const hooks = Object.hasOwn(RESOURCE_KINDS, kind) ? RESOURCE_KINDS[kind] : undefined;
  if (!hooks) {
    throw new Error(
      `this version of pulumi-anthropic-managed-agents has no resource kind ${quote(kind)}; the state was written by a newer version: upgrade the package`,
    );
  }
  return hooks;
}
