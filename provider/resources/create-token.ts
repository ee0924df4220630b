// Creates are not idempotent in the API (DESIGN §7). Every create carries a token in `metadata`;
// after an ambiguous failure (connection lost, timeout, 5xx) we look the token up and adopt what we
// find instead of creating a duplicate, or create again when the first attempt never landed.
import { randomUUID } from "node:crypto";
import { z } from "zod";
import { isAmbiguousFailure, NotFoundError } from "../client/errors";
import type { ApiClient } from "../client/http-client";
import type { QueryValue } from "../client/path";
import { CREATE_TOKEN_KEY } from "./common";

const MAX_CREATE_ATTEMPTS = 3;
/** Listing from a little before the first attempt tolerates clock skew between us and the API. */
const LOOKUP_SKEW_MS = 5 * 60_000;

/** A create body, which always carries metadata (with the token). */
export type WithCreateToken<B> = B & { metadata: Record<string, string> };

export function newCreateToken(): string {
  return randomUUID();
}

export async function createWithToken<T extends { metadata?: Record<string, string> | undefined }>(args: {
  client: ApiClient;
  operation: string;
  path: string;
  body: { metadata: Record<string, string> };
  schema: z.ZodType<T>;
  /** Narrows the token look-up list (e.g. a session's agent_id). */
  lookupQuery?: Record<string, QueryValue>;
}): Promise<T> {
  const token = args.body.metadata[CREATE_TOKEN_KEY];
  const since = new Date(Date.now() - LOOKUP_SKEW_MS).toISOString();
  const page = z.looseObject({ data: z.array(args.schema), next_page: z.string().nullable().optional() });
  for (let attempt = 1; ; attempt++) {
    try {
      return await args.client.request({
        operation: args.operation,
        method: "POST",
        path: args.path,
        body: args.body,
        schema: args.schema,
        retryMode: "rejected-only",
      });
    } catch (error) {
      if (!isAmbiguousFailure(error) || attempt >= MAX_CREATE_ATTEMPTS) throw error;
      for await (const item of args.client.paginate({
        operation: `${args.operation} (looking up create token)`,
        path: args.path,
        query: { ...args.lookupQuery, "created_at[gte]": since },
        schema: page,
      })) {
        if (item.metadata?.[CREATE_TOKEN_KEY] === token) return item;
      }
    }
  }
}

/** GET an object; undefined when the API says it does not exist. */
export async function retrieveOrGone<T>(client: ApiClient, path: string, schema: z.ZodType<T>, operation: string): Promise<T | undefined> {
  try {
    return await client.request({ operation, method: "GET", path, schema });
  } catch (error) {
    if (error instanceof NotFoundError) return undefined;
    throw error;
  }
}
