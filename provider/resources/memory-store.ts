// MemoryStore: a store of text memories that sessions mount (`{ type: "memory_store",
// memoryStoreId }`), behind its own beta header. Every field updates in place. No versions: an
// update first compares the store with what Pulumi last saw (DESIGN §10). Destroy archives it;
// `onDestroy: "delete"` deletes it with its memories.
import { z } from "zod";
import { memoryStores, type ApiMemoryStore } from "../api/memory-stores";
import { lifecycleHooks } from "../kit/lifecycle";
import { metadataInput, userMetadata } from "../kit/metadata";
import { defineResource, labelOf, type Change, type State } from "../kit/resource";
import { buildPatch, type ApiPatch } from "../kit/diff";
import { defineSpec, field } from "../kit/spec";
import { emptyAsAbsent } from "../kit/values";
import { metadataField, timestampDocs, timestamps } from "./shared";

export const memoryStoreDefinition = z.strictObject({
  name: z.string().min(1, "name must not be empty"),
  description: z.string().max(1_024, "at most 1,024 characters").optional(),
  metadata: metadataInput.optional(),
});

export const memoryStoreInputs = memoryStoreDefinition.extend({
  onDestroy: z.enum(["archive", "delete"]).optional(),
});

export type MemoryStoreDefinition = z.infer<typeof memoryStoreDefinition>;
export type MemoryStoreInputs = z.infer<typeof memoryStoreInputs>;
export type MemoryStoreUpdateBody = ApiPatch<MemoryStoreDefinition>;

export const resolvedMemoryStore = z.object({ name: z.string(), description: z.string().nullable(), metadata: z.record(z.string(), z.string()) });
export type ResolvedMemoryStore = z.infer<typeof resolvedMemoryStore>;

export const memoryStoreOutputs = z.object({
  ...timestamps,
  resolved: resolvedMemoryStore,
});
export type MemoryStoreOutputs = z.infer<typeof memoryStoreOutputs>;

export const memoryStoreSpec = defineSpec({
  kind: "MemoryStore",
  refusesDrift: true,
  summary:
    "A store of text memories that sessions mount (`resources: [{ type: \"memory_store\", memoryStoreId }]`) and agents read and write. Every field updates in place; an update first compares the store with what Pulumi last saw and fails, naming the fields, if it was changed outside Pulumi. Destroy archives it; `onDestroy: \"delete\"` deletes it and its memories.",
  inputs: memoryStoreInputs,
  updateText: "update in place",
  fields: {
    name: field.update({ text: "Human-readable name.", type: "string" }),
    description: field.update({ text: "What the store holds (agents see it).", type: "string" }, { removal: "clears" }),
    metadata: metadataField(),
    onDestroy: field.option({ text: 'What `pulumi destroy` does: `"archive"` (default; kept, read-only) or `"delete"` (with every memory).', type: '`"archive"` \\| `"delete"`' }),
  },
  outputs: memoryStoreOutputs,
  outputDocs: {
    ...timestampDocs("store"),
    resolved: "The store as the API keeps it (what refresh compares).",
  },
});

export function buildMemoryStoreCreateBody(inputs: MemoryStoreInputs): { name: string; description?: string; metadata: Record<string, string> } {
  return { name: inputs.name, ...(inputs.description !== undefined ? { description: inputs.description } : {}), metadata: inputs.metadata ?? {} };
}

export function buildMemoryStoreUpdateBody(olds: State<MemoryStoreInputs, MemoryStoreOutputs>, change: Change<MemoryStoreInputs>): MemoryStoreUpdateBody | null {
  return buildPatch<MemoryStoreUpdateBody>(memoryStoreSpec, olds.inputs, change.inputs, change.changes);
}

export function resolvedMemoryStoreView(api: ApiMemoryStore): ResolvedMemoryStore {
  // The API answers "" for a store without a description.
  return { name: api.name, description: api.description ? api.description : null, metadata: userMetadata(api.metadata) };
}

const asDeclared = (_field: string, value: unknown): unknown => emptyAsAbsent(value);

function outputsOf(api: ApiMemoryStore): MemoryStoreOutputs {
  return { createdAt: api.created_at, updatedAt: api.updated_at, archivedAt: api.archived_at ?? null, resolved: resolvedMemoryStoreView(api) };
}

export const memoryStoreResource = defineResource(
  memoryStoreSpec,
  lifecycleHooks({
    spec: memoryStoreSpec,
    noun: "memory store",
    endpoints: memoryStores,
    label: (inputs: Partial<MemoryStoreInputs>, id?: string) => labelOf("memory store", inputs.name, id),
    createBody: buildMemoryStoreCreateBody,
    updateBody: buildMemoryStoreUpdateBody,
    view: resolvedMemoryStoreView,
    asDeclared,
    outputs: outputsOf,
    destroy: { default: "archive", alreadyArchived: ["memory_store_archived"] },
  }),
);
