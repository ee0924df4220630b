// The environments endpoints (`/v1/environments`). No versions: an update sets absolute values, so
// repeating it is harmless; the resource compares with the last-seen state before writing. The
// list takes no created_at filter (EnvironmentListParams).
import { z } from "zod";
import { MANAGED_AGENTS_BETA, objectEndpoints } from "./endpoints";

export const apiEnvironment = z.looseObject({
  id: z.string(),
  type: z.literal("environment").optional(),
  name: z.string(),
  description: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  scope: z.string().nullable().optional(),
  config: z.looseObject({ type: z.string() }),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiEnvironment = z.infer<typeof apiEnvironment>;

export type EnvironmentListQuery = { include_archived?: boolean };

export const environments = objectEndpoints<ApiEnvironment, object, object, EnvironmentListQuery>({
  noun: "environment",
  collection: "/v1/environments",
  beta: MANAGED_AGENTS_BETA,
  listsSince: false,
  schema: apiEnvironment,
});
