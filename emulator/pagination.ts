import { invalid } from "./http";

/**
 * Cursor pagination as the API does it: `limit` (1..100, default 20; a session's event log takes
 * up to `EVENT_PAGE_MAX`) and `page` -> `next_page`.
 */
export function paginate<T>(items: T[], query: URLSearchParams, maxLimit = 100): { data: T[]; next_page: string | null } {
  const limit = limitOf(query, maxLimit);
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

type Bound = "gt" | "gte" | "lt" | "lte";

/**
 * `created_at[<bound>]` filters for the bounds an endpoint supports; others are ignored, as the
 * API ignores unknown query parameters. Compared as instants, so "…:00Z" and "…:00.000Z" agree.
 */
export function createdAtFilter(
  query: URLSearchParams,
  bounds: readonly Bound[] = ["gte", "lte"],
): (createdAt: string) => boolean {
  const { from, to } = createdAtBounds(query, bounds);
  if (from === undefined && to === undefined) return () => true;
  return (createdAt) => {
    const at = Date.parse(createdAt);
    return at >= (from ?? -Infinity) && at <= (to ?? Infinity);
  };
}

/**
 * The largest page of a session's events: the SDK's own session tool runner (and so its
 * environment worker) reads a session's history with `limit: 1000`.
 */
export const EVENT_PAGE_MAX = 1000;

/** `limit` as the API takes it: 1..`max` (100 unless the list says), default 20. */
function limitOf(query: URLSearchParams, max = 100): number {
  const text = query.get("limit");
  const limit = text === null ? 20 : Number(text);
  if (!Number.isInteger(limit) || limit < 1 || limit > max) throw invalid(`limit must be an integer between 1 and ${max}`);
  return limit;
}

/** A page of an ordered collection: the items after (or before) the item a cursor names. */
interface Cursor {
  side: "after" | "before";
  at: number;
  key: string;
}

function encodeCursor(c: Cursor): string {
  return Buffer.from(JSON.stringify([c.side, c.at, c.key])).toString("base64url");
}

function decodeCursor(text: string | null): Cursor | undefined {
  if (text === null || text === "") return undefined;
  try {
    const [side, at, key] = JSON.parse(Buffer.from(text, "base64url").toString("utf8")) as unknown[];
    if ((side === "after" || side === "before") && typeof at === "number" && typeof key === "string") return { side, at, key };
  } catch {
    // Falls through to the refusal.
  }
  throw invalid("page is not a valid cursor");
}

/**
 * A map of records that also keeps their keys in creation order (created_at, then insertion: creates
 * often share a millisecond), as records are set and deleted, so that a list route reads one page
 * of its collection without sorting or filtering all of it: a cursor names the last item a page
 * returned (a page of 50,000 sessions costs what a page of 50 does), and created_at bounds are
 * found by binary search.
 */
export class CreationOrderedMap<V> extends Map<string, V> {
  /** Keys oldest first, with their created_at as epoch ms. */
  private readonly order: Array<{ key: string; at: number }> = [];
  private readonly at = new Map<string, number>();

  constructor(private readonly createdAtOf: (value: V) => string) {
    super();
  }

  override set(key: string, value: V): this {
    const at = Date.parse(this.createdAtOf(value));
    const known = this.at.get(key);
    if (known !== undefined && known !== at) this.unindex(key);
    super.set(key, value);
    if (known === at) return this;
    this.at.set(key, at);
    // After every key created at the same instant or earlier: insertion order among equals.
    this.order.splice(this.firstAfter(at), 0, { key, at });
    return this;
  }

  override delete(key: string): boolean {
    if (this.at.has(key)) this.unindex(key);
    return super.delete(key);
  }

  override clear(): void {
    this.order.length = 0;
    this.at.clear();
    super.clear();
  }

  /** The first position whose key was created at or after `at`. */
  private firstAtOrAfter(at: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.order[mid]!.at < at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The first position whose key was created after `at`. */
  private firstAfter(at: number): number {
    let lo = 0;
    let hi = this.order.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.order[mid]!.at <= at) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** The position of `key` created at `at`, or where it would be (keys of one instant are few). */
  private positionOf(at: number, key: string): { index: number; found: boolean } {
    let i = this.firstAtOrAfter(at);
    const end = this.firstAfter(at);
    for (; i < end; i++) if (this.order[i]!.key === key) return { index: i, found: true };
    return { index: end, found: false };
  }

  private unindex(key: string): void {
    const at = this.at.get(key)!;
    this.at.delete(key);
    const { index, found } = this.positionOf(at, key);
    if (found) this.order.splice(index, 1);
  }

  /** The values, newest first (the API's default order), or oldest first. */
  *inOrder(direction: "desc" | "asc" = "desc"): Generator<V> {
    if (direction === "asc") for (const { key } of this.order) yield super.get(key)!;
    else for (let i = this.order.length - 1; i >= 0; i--) yield super.get(this.order[i]!.key)!;
  }

  /**
   * One page (`limit`, `page` as the API takes them) of the values that `match`, in `direction`,
   * created within `createdAt` (inclusive bounds, epoch ms): `next_page` when more follow,
   * `prev_page` when some come before.
   */
  page(
    query: URLSearchParams,
    args: { direction: "desc" | "asc"; match: (value: V) => boolean; createdAt?: { from?: number; to?: number } },
  ): { data: V[]; next_page: string | null; prev_page: string | null } {
    const limit = limitOf(query);
    const cursor = decodeCursor(query.get("page"));
    // The positions within the created_at bounds: [lo, hi).
    const lo = args.createdAt?.from === undefined ? 0 : this.firstAtOrAfter(args.createdAt.from);
    const hi = args.createdAt?.to === undefined ? this.order.length : this.firstAfter(args.createdAt.to);
    const forward = args.direction === "asc" ? 1 : -1;
    // Where the page starts, walking in `step` direction (the page's own, or back for a previous page).
    let start: number;
    let step: 1 | -1;
    if (cursor === undefined) {
      step = forward;
      start = step === 1 ? lo : hi - 1;
    } else {
      step = cursor.side === "after" ? forward : (-forward as 1 | -1);
      const { index, found } = this.positionOf(cursor.at, cursor.key);
      // A key deleted since sits between its neighbours: `index` is the one after it.
      start = step === 1 ? (found ? index + 1 : index) : index - 1;
    }
    const picked: Array<{ key: string; at: number; value: V }> = [];
    let more = false;
    for (let i = start; i >= lo && i < hi; i += step) {
      const entry = this.order[i]!;
      const value = super.get(entry.key)!;
      if (!args.match(value)) continue;
      if (picked.length === limit) {
        more = true;
        break;
      }
      picked.push({ ...entry, value });
    }
    if (step !== forward) picked.reverse();
    const first = picked[0];
    const last = picked[picked.length - 1];
    // Walking back for a previous page, "more" means more before it; going on, more after it.
    const moreAfter = step === forward ? more : true;
    const moreBefore = step === forward ? cursor !== undefined : more;
    return {
      data: picked.map((p) => p.value),
      next_page: moreAfter && last ? encodeCursor({ side: "after", at: last.at, key: last.key }) : null,
      prev_page: moreBefore && first ? encodeCursor({ side: "before", at: first.at, key: first.key }) : null,
    };
  }
}

/**
 * The `created_at[<bound>]` filters an endpoint supports, as inclusive bounds in epoch ms (the
 * API's timestamps have millisecond precision); others are ignored, as the API ignores unknown
 * query parameters.
 */
export function createdAtBounds(query: URLSearchParams, bounds: readonly Bound[] = ["gte", "lte"]): { from?: number; to?: number } {
  let from: number | undefined;
  let to: number | undefined;
  for (const b of bounds) {
    const text = query.get(`created_at[${b}]`);
    if (text === null) continue;
    const at = Date.parse(text);
    if (Number.isNaN(at)) throw invalid(`created_at[${b}] must be an RFC 3339 timestamp`);
    if (b === "gt" || b === "gte") from = Math.max(from ?? -Infinity, b === "gt" ? Math.floor(at) + 1 : Math.ceil(at));
    else to = Math.min(to ?? Infinity, b === "lt" ? Math.ceil(at) - 1 : Math.floor(at));
  }
  return { ...(from !== undefined ? { from } : {}), ...(to !== undefined ? { to } : {}) };
}

/** Oldest first by created_at; equal timestamps keep insertion order (creates often share a millisecond). */
export function byCreatedAt<T extends { created_at: string }>(items: Iterable<T>): T[] {
  return [...items].sort((a, b) => Date.parse(a.created_at) - Date.parse(b.created_at));
}
