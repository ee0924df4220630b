// The sessions endpoints (`/v1/sessions`), with events (to interrupt a running session). No
// versions: updates set absolute values or patches of absolute values, so a repeat is harmless.
import { z } from "zod";
import { pathWith } from "../client/path";
import { apiAgent } from "./agents";
import { MANAGED_AGENTS_BETA, objectEndpoints, type Call } from "./endpoints";

const apiSessionAgent = apiAgent
  .pick({ id: true, version: true, name: true })
  .extend({
    tools: z.array(z.looseObject({ type: z.string() })).optional(),
    mcp_servers: z.array(z.looseObject({ name: z.string() })).optional(),
  })
  .loose();

export const apiSession = z.looseObject({
  id: z.string(),
  type: z.literal("session").optional(),
  status: z.string(),
  agent: apiSessionAgent,
  environment_id: z.string(),
  title: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  budget: z.looseObject({ type: z.string() }).nullable().optional(),
  vault_ids: z.array(z.string()).optional(),
  resources: z.array(z.looseObject({ type: z.string() })).optional(),
  outcome_evaluations: z.array(z.looseObject({ outcome_id: z.string(), result: z.string() })).optional(),
  deployment_id: z.string().nullable().optional(),
  usage: z.looseObject({}).optional(),
  stats: z.looseObject({}).optional(),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiSession = z.infer<typeof apiSession>;

/** SessionListParams (newest first by default). */
export type SessionListQuery = {
  agent_id?: string;
  agent_version?: number;
  "created_at[gte]"?: string;
  include_archived?: boolean;
  order?: "asc" | "desc";
};

const endpoints = objectEndpoints<ApiSession, object, object, SessionListQuery>({
  noun: "session",
  collection: "/v1/sessions",
  beta: MANAGED_AGENTS_BETA,
  listsSince: true,
  listsInOrder: true,
  schema: apiSession,
});

export const sessions = {
  ...endpoints,
  sendEvents: (call: Call, operation: string, id: string, events: Array<Record<string, unknown>>) =>
    call.client.request(call, {
      operation,
      method: "POST",
      path: pathWith("/v1/sessions", id, "events"),
      beta: MANAGED_AGENTS_BETA,
      body: { events },
      schema: z.unknown(),
    }),
};
