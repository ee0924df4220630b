// A vault's credentials (`/v1/vaults/{vault_id}/credentials`): the collection belongs to one
// vault, so the endpoints are built per vault. Responses never carry a secret value (the auth
// object echoes only its non-secret parts). The list takes no created_at filter.
import { z } from "zod";
import { pathWith } from "../client/path";
import { MANAGED_AGENTS_BETA, objectEndpoints } from "./endpoints";

export const apiCredential = z.looseObject({
  id: z.string(),
  type: z.literal("vault_credential").optional(),
  vault_id: z.string(),
  display_name: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  auth: z.looseObject({ type: z.string() }),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiCredential = z.infer<typeof apiCredential>;

export type CredentialListQuery = { include_archived?: boolean };

export function vaultCredentials(vaultId: string) {
  return objectEndpoints<ApiCredential, object, object, CredentialListQuery>({
    // The lookup cache keys listings by noun: one listing per vault.
    noun: `credential of vault ${vaultId}`,
    collection: pathWith("/v1/vaults", vaultId, "credentials"),
    beta: MANAGED_AGENTS_BETA,
    listsSince: false,
    schema: apiCredential,
  });
}
