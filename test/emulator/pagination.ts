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

export function createdAtFilter(query: URLSearchParams): (createdAt: string) => boolean {
  const gte = query.get("created_at[gte]");
  const lte = query.get("created_at[lte]");
  return (createdAt) => (gte === null || createdAt >= gte) && (lte === null || createdAt <= lte);
}
