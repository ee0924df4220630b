// The vaults endpoints (`/v1/vaults`). No versions: an update sets absolute values (metadata as a
// patch of absolute values), so repeating it is harmless. The list takes no created_at filter
// (VaultListParams).
import { z } from "zod";
import { MANAGED_AGENTS_BETA, objectEndpoints } from "./endpoints";

export const apiVault = z.looseObject({
  id: z.string(),
  type: z.literal("vault").optional(),
  display_name: z.string(),
  metadata: z.record(z.string(), z.string()).optional(),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiVault = z.infer<typeof apiVault>;

export type VaultListQuery = { include_archived?: boolean };

export const vaults = objectEndpoints<ApiVault, object, object, VaultListQuery>({
  noun: "vault",
  collection: "/v1/vaults",
  beta: MANAGED_AGENTS_BETA,
  listsSince: false,
  schema: apiVault,
});
