// Vault: a named collection of credentials that sessions use (`vaultIds`). Both fields update in
// place. Vaults have no versions: an update first compares the vault with what Pulumi last saw and
// refuses to overwrite a change made outside Pulumi (DESIGN §10). Destroy archives it (which
// archives its credentials too); `onDestroy: "delete"` deletes it.
import { z } from "zod";
import { vaults, type ApiVault } from "../api/vaults";
import { lifecycleHooks } from "../kit/lifecycle";
import { metadataInput, userMetadata } from "../kit/metadata";
import { defineResource, labelOf, type Change, type State } from "../kit/resource";
import { buildPatch, type ApiPatch } from "../kit/diff";
import { defineSpec, field } from "../kit/spec";
import { emptyAsAbsent } from "../kit/values";
import { metadataField, timestampDocs, timestamps } from "./shared";

export const vaultDefinition = z.strictObject({
  displayName: z.string().min(1, "displayName must not be empty"),
  metadata: metadataInput.optional(),
});

export const vaultInputs = vaultDefinition.extend({
  onDestroy: z.enum(["archive", "delete"]).optional(),
});

export type VaultDefinition = z.infer<typeof vaultDefinition>;
export type VaultInputs = z.infer<typeof vaultInputs>;
export type VaultUpdateBody = ApiPatch<VaultDefinition>;

export const resolvedVault = z.object({ displayName: z.string(), metadata: z.record(z.string(), z.string()) });
export type ResolvedVault = z.infer<typeof resolvedVault>;

export const vaultOutputs = z.object({
  ...timestamps,
  resolved: resolvedVault,
});
export type VaultOutputs = z.infer<typeof vaultOutputs>;

export const vaultSpec = defineSpec({
  kind: "Vault",
  refusesDrift: true,
  summary:
    "A collection of credentials for MCP servers and environment secrets, used by sessions through `vaultIds`. `displayName` and `metadata` update in place; an update first compares the vault with what Pulumi last saw and fails, naming the fields, if it was changed outside Pulumi. Destroy archives it (the API archives its credentials with it); `onDestroy: \"delete\"` deletes it.",
  inputs: vaultInputs,
  updateText: "update in place",
  fields: {
    displayName: field.update({ text: "Human-readable name.", type: "string" }),
    metadata: metadataField(),
    onDestroy: field.option({ text: 'What `pulumi destroy` does: `"archive"` (default; read-only, kept) or `"delete"`.', type: '`"archive"` \\| `"delete"`' }),
  },
  outputs: vaultOutputs,
  outputDocs: {
    ...timestampDocs("vault"),
    resolved: "The vault as the API stores it (what refresh compares).",
  },
});

export function buildVaultCreateBody(inputs: VaultInputs): { display_name: string; metadata: Record<string, string> } {
  return { display_name: inputs.displayName, metadata: inputs.metadata ?? {} };
}

export function buildVaultUpdateBody(olds: State<VaultInputs, VaultOutputs>, change: Change<VaultInputs>): VaultUpdateBody | null {
  return buildPatch<VaultUpdateBody>(vaultSpec, olds.inputs, change.inputs, change.changes);
}

export function resolvedVaultView(api: ApiVault): ResolvedVault {
  return { displayName: api.display_name, metadata: userMetadata(api.metadata) };
}

const asDeclared = (_field: string, value: unknown): unknown => emptyAsAbsent(value);

function outputsOf(api: ApiVault): VaultOutputs {
  return { createdAt: api.created_at, updatedAt: api.updated_at, archivedAt: api.archived_at ?? null, resolved: resolvedVaultView(api) };
}

export const vaultResource = defineResource(
  vaultSpec,
  lifecycleHooks({
    spec: vaultSpec,
    noun: "vault",
    endpoints: vaults,
    label: (inputs: Partial<VaultInputs>, id?: string) => labelOf("vault", inputs.displayName, id),
    createBody: buildVaultCreateBody,
    updateBody: buildVaultUpdateBody,
    view: resolvedVaultView,
    asDeclared,
    outputs: outputsOf,
    destroy: { default: "archive", alreadyArchived: ["vault_archived"] },
  }),
);
