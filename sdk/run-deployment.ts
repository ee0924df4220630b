// `runDeployment`: starts a run of a deployment now (`POST /v1/deployments/{id}/run`), for tests
// and scripts after `pulumi up`; a run is an event, not something a program declares. Not a
// resource, so it runs in the caller's process: the key comes from its options or from
// ANTHROPIC_API_KEY (never from stack config, which only the provider process sees).
import type { ApiDeploymentRun } from "../provider/api/deployments";
import { withApi, type DirectCallOptions } from "./direct-call";

export type RunDeploymentOptions = DirectCallOptions;

/** A deployment run, camelCased (`BetaManagedAgentsDeploymentRun`). */
export interface DeploymentRun {
  id: string;
  deploymentId: string;
  agent: { id: string; version: number; type?: string };
  /** The session the run started; null when it could not start one (see `error`). */
  sessionId: string | null;
  error: { type: string; message?: string } | null;
  triggerContext: { type: string; scheduledAt?: string };
  createdAt: string;
}

function camelRun(run: ApiDeploymentRun): DeploymentRun {
  return {
    id: run.id,
    deploymentId: run.deployment_id,
    agent: run.agent,
    sessionId: run.session_id,
    error: (run.error as DeploymentRun["error"] | undefined) ?? null,
    triggerContext: {
      type: run.trigger_context.type,
      ...(typeof run.trigger_context["scheduled_at"] === "string" ? { scheduledAt: run.trigger_context["scheduled_at"] } : {}),
    },
    createdAt: run.created_at,
  };
}

/**
 * Starts a run of the deployment now and resolves to it. A run is not idempotent: the request is
 * repeated only when the API surely refused it (429, 529, a refused connection); after any other
 * failure it rejects rather than risk a second run.
 */
export async function runDeployment(deploymentId: string, options: RunDeploymentOptions = {}): Promise<DeploymentRun> {
  return withApi(options, async (ctx) => {
    const { deployments } = await import("../provider/api/deployments");
    return camelRun(await deployments.run(ctx, `run deployment ${deploymentId}`, deploymentId));
  });
}
