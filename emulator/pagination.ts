import { invalid } from "./server";

/** Cursor pagination as the API does it: `limit` (1..100, default 20) and `page` -> `next_page`. */
export function paginate<T>(items: T[], query: URLSearchParams): { data: T[]; next_page: string | null } {
  const limitText = query.get("limit");
  const limit = limitText === null ? 20 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 1 || limit > 100) throw invalid("limit must be an integer between 1 and 100");
  const page = query.get("page");
  let offset = 0;
  if (page !== null && page !== "") {
    const decoded = /^page_(\d+)$/.exec(Buffer.from(page, "base64url").toString("utf8"));
    if (!decoded) throw invalid("page is not a valid cursor");
    offset = Number(decoded[1]);
  }
  const data = items.slice(offset, offset + limit);
  const next = offset + limit < items.length ? Buffer.from(`page_${offset + limit}`).toString("base64url") : null;
  return { data, next_page: next };
}

/**
 * `paginate` with `prev_page` as well: the cursor of the page before this one, or null on the
 * first page (BidirectionalPageCursor, e.g. sessions).
 */
export function paginateBidirectional<T>(
  items: T[],
  query: URLSearchParams,
): { data: T[]; next_page: string | null; prev_page: string | null } {
  const page = paginate(items, query);
  const limit = query.get("limit") === null ? 20 : Number(query.get("limit"));
  const cursor = query.get("page");
  const offset = cursor === null || cursor === "" ? 0 : Number(/^page_(\d+)$/.exec(Buffer.from(cursor, "base64url").toString("utf8"))![1]);
  const prev = offset > 0 ? Buffer.from(`page_${Math.max(0, offset - limit)}`).toString("base64url") : null;
  return { ...page, prev_page: prev };
}

type Bound = "gt" | "gte" | "lt" | "lte";
const COMPARE: Record<Bound, (value: number, bound: number) => boolean> = {
  gt: (v, b) => v > b,
  gte: (v, b) => v >= b,
  lt: (v, b) => v < b,
  lte: (v, b) => v <= b,
};

/**
 * `created_at[<bound>]` filters for the bounds an endpoint supports; others are ignored, as the
 * API ignores unknown query parameters. Compared as instants, so "…:00Z" and "…:00.000Z" agree.
 */
export function createdAtFilter(
  query: URLSearchParams,
  bounds: readonly Bound[] = ["gte", "lte"],
): (createdAt: string) => boolean {
  const checks = bounds.flatMap((b) => {
    const text = query.get(`created_at[${b}]`);
    if (text === null) return [];
    const at = Date.parse(text);
    if (Number.isNaN(at)) throw invalid(`created_at[${b}] must be an RFC 3339 timestamp`);
    return [(createdAt: number) => COMPARE[b](createdAt, at)];
  });
  return (createdAt) => {
    const at = Date.parse(createdAt);
    return checks.every((check) => check(at));
  };
}

/** Oldest first by created_at; equal timestamps keep insertion order (creates often share a millisecond). */
export function byCreatedAt<T extends { created_at: string }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
}
