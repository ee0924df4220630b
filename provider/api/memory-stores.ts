// The memory stores endpoints (`/v1/memory_stores`), with their own beta header. No versions: an
// update sets absolute values (metadata as a patch), so repeating it is harmless.
import { z } from "zod";
import { objectEndpoints } from "./endpoints";

export const AGENT_MEMORY_BETA = "agent-memory-2026-07-22";

export const apiMemoryStore = z.looseObject({
  id: z.string(),
  type: z.literal("memory_store").optional(),
  name: z.string(),
  description: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiMemoryStore = z.infer<typeof apiMemoryStore>;

export type MemoryStoreListQuery = { "created_at[gte]"?: string; "created_at[lte]"?: string; include_archived?: boolean };

export const memoryStores = objectEndpoints<ApiMemoryStore, object, object, MemoryStoreListQuery>({
  noun: "memory store",
  collection: "/v1/memory_stores",
  beta: AGENT_MEMORY_BETA,
  listsSince: true,
  schema: apiMemoryStore,
});
