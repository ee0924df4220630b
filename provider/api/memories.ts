// A memory store's memories (`/v1/memory_stores/{id}/memories`). A path is unique within a store,
// so a create that is repeated (its answer lost) answers 409 `memory_path_conflict_error`; an
// update may carry a `content_sha256` precondition, refused with 409
// `memory_precondition_failed_error` when the memory no longer holds that content, and accepted
// when it already holds exactly what is asked (so a repeated update is harmless).
import { z } from "zod";
import { NotFoundError } from "../client/errors";
import { pathWith } from "../client/path";
import type { Call } from "./endpoints";
import { AGENT_MEMORY_BETA } from "./memory-stores";

export const apiMemory = z.looseObject({
  id: z.string(),
  type: z.literal("memory").optional(),
  memory_store_id: z.string(),
  memory_version_id: z.string(),
  path: z.string(),
  content: z.string().nullable().optional(),
  content_sha256: z.string(),
  content_size_bytes: z.number().int(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ApiMemory = z.infer<typeof apiMemory>;

const listItem = z.union([apiMemory, z.looseObject({ type: z.literal("memory_prefix"), path: z.string() })]);

export interface MemoryUpdateBody {
  content?: string;
  path?: string;
  precondition?: { type: "content_sha256"; content_sha256: string };
}

export function storeMemories(storeId: string) {
  const collection = pathWith("/v1/memory_stores", storeId, "memories");
  const beta = AGENT_MEMORY_BETA;
  return {
    /** With its content (`view=full`); undefined when the memory (or its store) does not exist. */
    async retrieve(call: Call, operation: string, id: string): Promise<ApiMemory | undefined> {
      try {
        return await call.client.request(call, { operation, method: "GET", path: pathWith(collection, id), beta, query: { view: "full" }, schema: apiMemory });
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },
    /** Repeated after a lost answer, a create meets its own memory as a path conflict (409): the caller resolves it. */
    create: (call: Call, operation: string, body: { path: string; content: string }) =>
      call.client.request(call, { operation, method: "POST", path: collection, beta, query: { view: "full" }, body, schema: apiMemory, retry: "rejected-only" }),
    update: (call: Call, operation: string, id: string, body: MemoryUpdateBody) =>
      call.client.request(call, { operation, method: "POST", path: pathWith(collection, id), beta, query: { view: "full" }, body, schema: apiMemory }),
    /** The memory at exactly `path`, if any. */
    async findByPath(call: Call, operation: string, path: string): Promise<ApiMemory | undefined> {
      const page = z.looseObject({ data: z.array(listItem), next_page: z.string().nullable().optional() });
      for await (const item of call.client.paginate(call, { operation, path: collection, beta, query: { path_prefix: path }, schema: page })) {
        if (item.type !== "memory_prefix" && item.path === path) return item as ApiMemory;
      }
      return undefined;
    },
    async delete(call: Call, operation: string, id: string): Promise<void> {
      await call.client.request(call, { operation, method: "DELETE", path: pathWith(collection, id), beta, schema: z.unknown() });
    },
  };
}
