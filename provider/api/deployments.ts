// The deployments endpoints (`/v1/deployments`) with pause, unpause and run, and the deployment
// runs they make (`/v1/deployment_runs`). No versions: an update sets absolute values (metadata
// as a patch of absolute values), so a repeat is harmless; the resource compares with the
// last-seen state before writing.
import { z } from "zod";
import { pathWith } from "../client/path";
import { MANAGED_AGENTS_BETA, objectEndpoints, type Call } from "./endpoints";

export const apiDeployment = z.looseObject({
  id: z.string(),
  type: z.literal("deployment").optional(),
  agent: z.looseObject({ id: z.string(), type: z.string().optional(), version: z.number().int() }),
  environment_id: z.string(),
  name: z.string(),
  description: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  initial_events: z.array(z.looseObject({ type: z.string() })).optional(),
  resources: z.array(z.looseObject({ type: z.string() })).optional(),
  schedule: z
    .looseObject({
      type: z.string(),
      expression: z.string(),
      timezone: z.string(),
      /** The next run times the API computed (RFC 3339). */
      upcoming_runs_at: z.array(z.string()).catch([]).optional(),
      /** When the schedule last ran; null before its first run. */
      last_run_at: z.string().nullable().catch(null).optional(),
    })
    .nullable()
    .optional(),
  budget: z.looseObject({ type: z.string() }).nullable().optional(),
  vault_ids: z.array(z.string()).optional(),
  status: z.string(),
  paused_reason: z.looseObject({ type: z.string() }).nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiDeployment = z.infer<typeof apiDeployment>;

export const apiDeploymentRun = z.looseObject({
  id: z.string(),
  type: z.literal("deployment_run").optional(),
  deployment_id: z.string(),
  agent: z.looseObject({ id: z.string(), version: z.number().int() }),
  session_id: z.string().nullable(),
  error: z.looseObject({ type: z.string() }).nullable().optional(),
  trigger_context: z.looseObject({ type: z.string() }),
  created_at: z.string(),
});
export type ApiDeploymentRun = z.infer<typeof apiDeploymentRun>;

/** DeploymentListParams. */
export type DeploymentListQuery = { agent_id?: string; "created_at[gte]"?: string; include_archived?: boolean; status?: "active" | "paused" };

const endpoints = objectEndpoints<ApiDeployment, object, object, DeploymentListQuery>({
  noun: "deployment",
  collection: "/v1/deployments",
  beta: MANAGED_AGENTS_BETA,
  listsSince: true,
  schema: apiDeployment,
});

const runPage = z.looseObject({ data: z.array(apiDeploymentRun), next_page: z.string().nullable().optional() });

/** DeploymentRunListParams (newest first). */
export type DeploymentRunListQuery = { deployment_id?: string; trigger_type?: "schedule" | "manual"; has_error?: boolean };

const action = (verb: "pause" | "unpause") => (call: Call, operation: string, id: string) =>
  call.client.request(call, { operation, method: "POST", path: pathWith("/v1/deployments", id, verb), beta: MANAGED_AGENTS_BETA, body: {}, schema: apiDeployment });

export const deployments = {
  ...endpoints,
  /** Pausing a paused deployment (or unpausing an active one) changes nothing: safe to repeat. */
  pause: action("pause"),
  unpause: action("unpause"),
  /** Starts a run now; not idempotent (each call is a run), so only a surely refused one is repeated. */
  run: (call: Call, operation: string, id: string) =>
    call.client.request(call, {
      operation,
      method: "POST",
      path: pathWith("/v1/deployments", id, "run"),
      beta: MANAGED_AGENTS_BETA,
      body: {},
      schema: apiDeploymentRun,
      retry: "rejected-only",
    }),
  runs: {
    retrieve: (call: Call, operation: string, id: string) =>
      call.client.request(call, { operation, method: "GET", path: pathWith("/v1/deployment_runs", id), beta: MANAGED_AGENTS_BETA, schema: apiDeploymentRun }),
    list: (call: Call, operation: string, query: DeploymentRunListQuery, pageSize?: number) =>
      call.client.paginate(call, { operation, path: "/v1/deployment_runs", beta: MANAGED_AGENTS_BETA, query, schema: runPage }, pageSize),
  },
};
