// Memory: one memory seeded into a memory store. Its path and content update in place, and every
// update carries the API's `content_sha256` precondition (the digest of what Pulumi last wrote or
// saw), so that a memory an agent rewrote since is never overwritten unseen: `up` fails naming the
// path, unless `overwrite: true`. A path is unique within a store, which makes the create safe to
// repeat: after a lost answer the repeat meets its own memory (same content) and takes it over.
import { createHash } from "node:crypto";
import { z } from "zod";
import { storeMemories, type ApiMemory } from "../api/memories";
import { AnthropicProviderError, ConflictError, isAmbiguousFailure, NotFoundError } from "../client/errors";
import type { OperationContext } from "../kit/context";
import { defineResource, labelOf, refreshedInputs, type Change, type State } from "../kit/resource";
import { defineSpec, field } from "../kit/spec";

const MAX_CONTENT_BYTES = 102_400;

export const memoryInputs = z.strictObject({
  memoryStoreId: z.string().min(1, "memoryStoreId must be a memory store id (memoryStore.id)"),
  path: z
    .string()
    .regex(/^\/(?:[^/]+\/)*[^/]+$/, "an absolute path such as /projects/notes.md (starts with /, no empty segment, no trailing /)")
    .refine((p) => Buffer.byteLength(p) <= 1024, "at most 1024 bytes"),
  content: z.string().refine((c) => Buffer.byteLength(c) <= MAX_CONTENT_BYTES, `at most ${MAX_CONTENT_BYTES} bytes (UTF-8)`),
  overwrite: z.boolean().optional(),
});
export type MemoryInputs = z.infer<typeof memoryInputs>;

export const resolvedMemory = z.object({ memoryStoreId: z.string(), path: z.string(), content: z.string() });
export type ResolvedMemory = z.infer<typeof resolvedMemory>;

export const memoryOutputs = z.object({
  contentSha256: z.string(),
  contentSizeBytes: z.number().int(),
  memoryVersionId: z.string(),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolved: resolvedMemory,
});
export type MemoryOutputs = z.infer<typeof memoryOutputs>;

export const memorySpec = defineSpec({
  kind: "Memory",
  summary:
    "One memory seeded into a memory store: a text document at a path. Path and content update in place, each update conditioned on the content Pulumi last wrote or saw (the API's `content_sha256` precondition): when an agent or another client changed the memory since, `up` fails naming the path and overwrites nothing, unless `overwrite: true` (or a `pulumi refresh` takes the change in first). Destroy deletes the memory (its versions stay, as the API keeps them).",
  parent: "memoryStoreId",
  inputs: memoryInputs,
  updateText: "update in place",
  fields: {
    memoryStoreId: field.replace({ text: "The memory store's id (e.g. `memoryStore.id`).", type: "memory store id (`memoryStore.id`)" }, { drift: false }),
    path: field.update({ text: "Where the memory lives in the store, e.g. `/projects/notes.md` (unique within the store; at most 1024 bytes).", type: "string", change: "a rename" }),
    content: field.update({
      text: "The memory's text (at most 100 kB of UTF-8).",
      type: "string",
      change: "conditioned on the content last written or seen: fails, naming the path, when it was changed outside Pulumi, unless `overwrite`",
    }),
    overwrite: field.option({
      text: "Overwrite the memory even when it was changed outside Pulumi since the last `up` or `refresh` (an agent's edits are lost). Default false.",
      type: "boolean",
    }),
  },
  outputs: memoryOutputs,
  outputDocs: {
    contentSha256: "SHA-256 (hex) of the content the memory holds.",
    contentSizeBytes: "Size of the content in UTF-8 bytes.",
    memoryVersionId: "The memory version holding the current content (`memver_…`).",
    createdAt: "RFC 3339 creation time.",
    updatedAt: "RFC 3339 time of the last change.",
    resolved: "The memory as the API holds it (what refresh compares).",
  },
});

export const contentSha256 = (content: string) => createHash("sha256").update(content, "utf8").digest("hex");

function resolvedView(api: ApiMemory, storeId: string): ResolvedMemory {
  return { memoryStoreId: storeId, path: api.path, content: api.content ?? "" };
}

function outputsOf(api: ApiMemory, content: string): MemoryOutputs {
  return {
    contentSha256: api.content_sha256,
    contentSizeBytes: api.content_size_bytes,
    memoryVersionId: api.memory_version_id,
    createdAt: api.created_at,
    updatedAt: api.updated_at,
    resolved: { memoryStoreId: api.memory_store_id, path: api.path, content: api.content ?? content },
  };
}

const label = (inputs: Partial<MemoryInputs>, id?: string) => labelOf("memory", inputs.path, id);

/** The memory was changed outside Pulumi; nothing was written. */
export class MemoryChangedError extends AnthropicProviderError {
  override name = "MemoryChangedError";
}

function changedOutside(operation: string, inputs: Partial<MemoryInputs>, detail: string, cause?: unknown): MemoryChangedError {
  return new MemoryChangedError(
    `${operation}: memory ${inputs.path ?? "(unknown path)"} in memory store ${inputs.memoryStoreId ?? "(unknown)"} ${detail}; nothing was overwritten. ` +
      "Run `pulumi refresh` to take its current content in (the next preview shows the difference), or set `overwrite: true` to replace it",
    { cause },
  );
}

/** The API's 409 of error type `type` (`memory_path_conflict_error`). */
const isConflict = (error: unknown, type: string): error is ConflictError => error instanceof ConflictError && error.errorType === type;

async function createMemory(ctx: OperationContext, inputs: MemoryInputs): Promise<{ id: string; outputs: MemoryOutputs }> {
  const api = storeMemories(inputs.memoryStoreId);
  const operation = `create ${label(inputs)}`;
  for (let attempt = 0; ; attempt++) {
    try {
      const created = await api.create(ctx, operation, { path: inputs.path, content: inputs.content });
      return { id: created.id, outputs: outputsOf(created, inputs.content) };
    } catch (error) {
      // A lost answer: the repeat meets the memory (if it was made) as a path conflict.
      if (isAmbiguousFailure(error) && attempt < 2) continue;
      if (!isConflict(error, "memory_path_conflict_error")) throw error;
      const found = await api.findByPath(ctx, `${operation} (its path is taken: reading what holds it)`, inputs.path);
      if (!found) throw error; // an ancestor or descendant path: the API's message says which
      if (found.content_sha256 === contentSha256(inputs.content)) return { id: found.id, outputs: outputsOf(found, inputs.content) };
      if (!inputs.overwrite) throw changedOutside(operation, inputs, `already exists (${found.id}) with other content`);
      const written = await api.update(ctx, operation, found.id, { content: inputs.content, precondition: { type: "content_sha256", content_sha256: found.content_sha256 } });
      return { id: written.id, outputs: outputsOf(written, inputs.content) };
    }
  }
}

async function updateMemory(ctx: OperationContext, id: string, olds: State<MemoryInputs, MemoryOutputs>, change: Change<MemoryInputs>): Promise<Partial<MemoryOutputs>> {
  const sent = new Set(change.changes.filter((c) => c.effect === "update").map((c) => c.field));
  if (sent.size === 0) return olds.outputs;
  const inputs = change.inputs;
  const api = storeMemories(inputs.memoryStoreId);
  const operation = `update ${label(inputs, id)}`;
  const lastSha = olds.outputs.contentSha256;
  const body = {
    ...(sent.has("path") ? { path: inputs.path } : {}),
    ...(sent.has("content") ? { content: inputs.content } : {}),
    ...(!inputs.overwrite && lastSha ? { precondition: { type: "content_sha256" as const, content_sha256: lastSha } } : {}),
  };
  try {
    const written = await api.update(ctx, operation, id, body);
    return outputsOf(written, inputs.content);
  } catch (error) {
    if (isConflict(error, "memory_precondition_failed_error")) {
      throw changedOutside(operation, { ...olds.inputs, ...inputs }, `was changed outside Pulumi (by an agent or another client) since the last \`pulumi up\` or \`pulumi refresh\` (request-id: ${error.requestId ?? "none"})`, error);
    }
    if (error instanceof NotFoundError) throw new Error(`${operation}: the memory no longer exists; run \`pulumi refresh\`, then \`pulumi up\` to create it again`, { cause: error });
    throw error;
  }
}

export const memoryResource = defineResource(memorySpec, {
  create: (ctx, inputs) => createMemory(ctx, inputs),

  async read(ctx, id, state) {
    const storeId = state.inputs.memoryStoreId ?? state.outputs.resolved?.memoryStoreId;
    if (storeId === undefined) return undefined;
    const api = await storeMemories(storeId).retrieve(ctx, `read ${label(state.inputs, id)}`, id);
    if (!api) return undefined;
    const resolved = resolvedView(api, storeId);
    const inputs = refreshedInputs(memorySpec, state, resolved, (_f, v) => v);
    return { inputs, outputs: outputsOf(api, resolved.content) };
  },

  update: updateMemory,

  async delete(ctx, id, state) {
    const storeId = state.inputs.memoryStoreId ?? state.outputs.resolved?.memoryStoreId;
    if (storeId === undefined) return;
    try {
      await storeMemories(storeId).delete(ctx, `delete ${label(state.inputs, id)}`, id);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      throw error;
    }
  },
});
