// The session-resources endpoints (`/v1/sessions/{id}/resources`): what is mounted in a session,
// changed without replacing it. The API adds only `file` resources, updates only a GitHub
// repository's `authorization_token`, and deletes any kind.
import { z } from "zod";
import { NotFoundError } from "../client/errors";
import { pathWith } from "../client/path";
import { MANAGED_AGENTS_BETA, type Call } from "./endpoints";

export const apiSessionResource = z.looseObject({
  /** Absent on a memory store resource. */
  id: z.string().optional(),
  type: z.string(),
  url: z.string().optional(),
  file_id: z.string().optional(),
  memory_store_id: z.string().optional(),
  mount_path: z.string().nullable().optional(),
});
export type ApiSessionResource = z.infer<typeof apiSessionResource>;

/** The resources a session's answer lists (`resources`); an unreadable list counts as none. */
export function mountedOf(session: { resources?: unknown } | undefined): ApiSessionResource[] {
  return z.array(apiSessionResource).catch([]).parse(session?.resources ?? []);
}

const collection = (sessionId: string) => pathWith("/v1/sessions", sessionId, "resources");
const page = z.looseObject({ data: z.array(apiSessionResource), next_page: z.string().nullable().optional() });

export const sessionResources = {
  /** Not idempotent (a second add mounts the file twice): retried only when surely refused. */
  add: (call: Call, operation: string, sessionId: string, body: { type: "file"; file_id: string; mount_path?: string }) =>
    call.client.request(call, {
      operation,
      method: "POST",
      path: collection(sessionId),
      beta: MANAGED_AGENTS_BETA,
      body,
      schema: apiSessionResource,
      retry: "rejected-only",
    }),

  list: (call: Call, operation: string, sessionId: string) =>
    call.client.paginate(call, { operation, path: collection(sessionId), beta: MANAGED_AGENTS_BETA, query: {}, schema: page }),

  /** Sets the token: repeating it is harmless. */
  update: (call: Call, operation: string, sessionId: string, resourceId: string, body: { authorization_token: string }) =>
    call.client.request(call, {
      operation,
      method: "POST",
      path: pathWith("/v1/sessions", sessionId, "resources", resourceId),
      beta: MANAGED_AGENTS_BETA,
      body,
      schema: apiSessionResource,
    }),

  /** Gone already counts as done. */
  async delete(call: Call, operation: string, sessionId: string, resourceId: string): Promise<void> {
    try {
      await call.client.request(call, {
        operation,
        method: "DELETE",
        path: pathWith("/v1/sessions", sessionId, "resources", resourceId),
        beta: MANAGED_AGENTS_BETA,
        schema: z.unknown(),
      });
    } catch (error) {
      if (!(error instanceof NotFoundError)) throw error;
    }
  },
};
