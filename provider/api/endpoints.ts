// The endpoints every API object shares (retrieve, create, update, list, archive, delete), built
// from the object's collection path, beta header and response schema. Resource files call these;
// they never spell a path or a header (DESIGN §9).
import { z } from "zod";
import type { RequestContext } from "../client/clock";
import { NotFoundError } from "../client/errors";
import type { ApiClient, RetryMode } from "../client/http-client";
import { pathWith, type QueryValue } from "../client/path";

export const MANAGED_AGENTS_BETA = "managed-agents-2026-04-01";

/** What an endpoint call needs: the operation's context, its client, and the user-facing label. */
export interface Call extends RequestContext {
  readonly client: ApiClient;
}

export interface ObjectEndpoints<A, CreateBody, UpdateBody, ListQuery extends Record<string, QueryValue>> {
  readonly noun: string;
  readonly beta: string;
  /** Whether the list takes `created_at[gte]` (environments' does not). */
  readonly listsSince: boolean;
  /** Whether the list takes `order` (`asc` / `desc` by created_at; sessions'). */
  readonly listsInOrder: boolean;
  readonly schema: z.ZodType<A>;
  /** The object, or undefined when the API says it does not exist (404). */
  retrieve(call: Call, operation: string, id: string, query?: Record<string, QueryValue>): Promise<A | undefined>;
  /** Not idempotent: retried only when surely refused; the caller resolves ambiguous failures. */
  create(call: Call, operation: string, body: CreateBody): Promise<A>;
  update(call: Call, operation: string, id: string, body: UpdateBody, hintFor?: (status: number) => string | undefined): Promise<A>;
  list(call: Call, operation: string, query: ListQuery): AsyncGenerator<A>;
  archive(call: Call, operation: string, id: string): Promise<A>;
  delete(call: Call, operation: string, id: string): Promise<void>;
}

export function objectEndpoints<A, CreateBody, UpdateBody, ListQuery extends Record<string, QueryValue>>(def: {
  noun: string;
  collection: string;
  beta: string;
  schema: z.ZodType<A>;
  listsSince: boolean;
  /** Whether the list takes `order` (default: no). */
  listsInOrder?: boolean;
  /** How a retried update behaves: "safe" when it is version-checked or sets absolute values. */
  updateRetry?: RetryMode;
}): ObjectEndpoints<A, CreateBody, UpdateBody, ListQuery> {
  const { collection, beta, schema } = def;
  const page = z.looseObject({ data: z.array(schema), next_page: z.string().nullable().optional() });
  return {
    noun: def.noun,
    beta,
    listsSince: def.listsSince,
    listsInOrder: def.listsInOrder ?? false,
    schema,
    async retrieve(call, operation, id, query) {
      try {
        return await call.client.request(call, { operation, method: "GET", path: pathWith(collection, id), beta, schema, ...(query ? { query } : {}) });
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },
    create: (call, operation, body) =>
      call.client.request(call, { operation, method: "POST", path: collection, beta, body, schema, retry: "rejected-only" }),
    update: (call, operation, id, body, hintFor) =>
      call.client.request(call, {
        operation,
        method: "POST",
        path: pathWith(collection, id),
        beta,
        body,
        schema,
        retry: def.updateRetry ?? "safe",
        ...(hintFor ? { hintFor } : {}),
      }),
    list: (call, operation, query) => call.client.paginate(call, { operation, path: collection, beta, query, schema: page }),
    archive: (call, operation, id) =>
      call.client.request(call, { operation, method: "POST", path: pathWith(collection, id, "archive"), beta, body: {}, schema }),
    async delete(call, operation, id) {
      await call.client.request(call, { operation, method: "DELETE", path: pathWith(collection, id), beta, schema: z.unknown() });
    },
  };
}
