// The agents endpoints (`/v1/agents`): versioned objects; an update carries the version it
// expects, so a retried update is safe (a repeat answers 409, which the resource resolves).
import { z } from "zod";
import { pathWith } from "../client/path";
import { MANAGED_AGENTS_BETA, objectEndpoints, type Call } from "./endpoints";

/** The API's agent (snake_case, loose: a new server field never breaks a refresh). */
export const apiAgent = z.looseObject({
  id: z.string(),
  type: z.literal("agent").optional(),
  version: z.number().int(),
  name: z.string(),
  model: z.union([z.string(), z.looseObject({ id: z.string() })]),
  system: z.string().nullable().optional(),
  description: z.string().nullable().optional(),
  tools: z.array(z.looseObject({ type: z.string() })).optional(),
  mcp_servers: z.array(z.looseObject({ name: z.string() })).optional(),
  skills: z.array(z.looseObject({ type: z.string() })).optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  multiagent: z.looseObject({ type: z.string() }).nullable().optional(),
  execution_identity: z.looseObject({ type: z.string() }).nullable().optional(),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiAgent = z.infer<typeof apiAgent>;

/** AgentListParams: newest first. */
export type AgentListQuery = { "created_at[gte]"?: string; "created_at[lte]"?: string; include_archived?: boolean };

const endpoints = objectEndpoints<ApiAgent, object, object, AgentListQuery>({
  noun: "agent",
  collection: "/v1/agents",
  beta: MANAGED_AGENTS_BETA,
  listsSince: true,
  schema: apiAgent,
});

export const agents = {
  ...endpoints,
  /** One version of the agent (the session-local tool defaults of a pinned version). */
  retrieveVersion: (call: Call, operation: string, id: string, version: number | undefined) =>
    call.client.request(call, {
      operation,
      method: "GET",
      path: pathWith("/v1/agents", id),
      beta: MANAGED_AGENTS_BETA,
      query: { version },
      schema: apiAgent,
    }),
  /** Every version, newest first (`/v1/agents/{id}/versions`). */
  versions: (call: Call, operation: string, id: string) =>
    call.client.paginate(call, {
      operation,
      path: pathWith("/v1/agents", id, "versions"),
      beta: MANAGED_AGENTS_BETA,
      query: {},
      schema: z.looseObject({ data: z.array(apiAgent), next_page: z.string().nullable().optional() }),
    }),
};
