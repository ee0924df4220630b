// The registry: resource kind name (as stored in every resource's `__provider` shell) -> hooks.
// Kind names are part of the permanent runtime interface: never rename one.
import { agentHooks } from "./agent";
import type { ResourceHooks } from "./common";
import { environmentHooks } from "./environment";
import { sessionHooks } from "./session";

export const RESOURCE_KINDS = {
  Agent: agentHooks,
  Environment: environmentHooks,
  Session: sessionHooks,
} as const satisfies Record<string, ResourceHooks>;

export type ResourceKind = keyof typeof RESOURCE_KINDS;

export function hooksFor(kind: string): ResourceHooks {
  const hooks = (RESOURCE_KINDS as Record<string, ResourceHooks>)[kind];
  if (!hooks) {
    throw new Error(
      `this version of pulumi-anthropic-managed-agents has no resource kind "${kind}"; the state was written by a newer version: upgrade the package`,
    );
  }
  return hooks;
}
