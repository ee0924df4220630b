// The Files API (`/v1/files`), with its own beta header. A file is uploaded as multipart/form-data
// (undici's `FormData`, so a retry can send the same parts again) and never changes afterwards:
// there is no update, and no metadata to carry a create token.
import { z } from "zod";
import { NotFoundError } from "../client/errors";
import { newFormData } from "../client/http-client";
import { pathWith } from "../client/path";
import type { Call } from "./endpoints";

export const FILES_API_BETA = "files-api-2025-04-14";
const COLLECTION = "/v1/files";

export const apiFile = z.looseObject({
  id: z.string(),
  type: z.literal("file").optional(),
  filename: z.string(),
  mime_type: z.string(),
  size_bytes: z.number().int(),
  created_at: z.string(),
  downloadable: z.boolean().optional(),
  expires_at: z.string().nullable().optional(),
});
export type ApiFile = z.infer<typeof apiFile>;

export type FileListQuery = { scope_id?: string };

export const files = {
  noun: "file",
  beta: FILES_API_BETA,
  /** Not idempotent: retried only when surely refused; the caller resolves ambiguous failures. */
  upload(call: Call, operation: string, upload: { bytes: Uint8Array; filename: string; mimeType: string; expiresInSeconds?: number | undefined }): Promise<ApiFile> {
    const form = newFormData();
    form.set("file", new Blob([upload.bytes], { type: upload.mimeType }), upload.filename);
    if (upload.expiresInSeconds !== undefined) form.set("expires_in_seconds", String(upload.expiresInSeconds));
    return call.client.request(call, { operation, method: "POST", path: COLLECTION, beta: FILES_API_BETA, body: form, schema: apiFile, retry: "rejected-only" });
  },
  async retrieve(call: Call, operation: string, id: string): Promise<ApiFile | undefined> {
    try {
      return await call.client.request(call, { operation, method: "GET", path: pathWith(COLLECTION, id), beta: FILES_API_BETA, schema: apiFile });
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  },
  list: (call: Call, operation: string, query: FileListQuery) =>
    call.client.paginate(call, {
      operation,
      path: COLLECTION,
      beta: FILES_API_BETA,
      query,
      schema: z.looseObject({ data: z.array(apiFile), next_page: z.string().nullable().optional() }),
    }),
  async delete(call: Call, operation: string, id: string): Promise<void> {
    await call.client.request(call, { operation, method: "DELETE", path: pathWith(COLLECTION, id), beta: FILES_API_BETA, schema: z.unknown() });
  },
};
