// Finding what an interrupted run created and never recorded (DESIGN §10). The API offers no
// idempotency key and no metadata filter, and the engine's record of pending operations is not
// visible to a provider, so a create lists the recent objects of its kind and looks its token up
// among them. That lookup's cost follows the interrupted work, not the account:
// - none at all where nothing can be found: on a stack whose seed this very process made (a new
//   stack: no earlier run), with the recovery window set to 0, for an object that refers to one
//   this process made (a session of a new agent), or pinned to a version this process made (then
//   the only version an interrupted run can have pinned is the one before);
// - otherwise one listing per kind and filter per process, shared by every create of the `up`,
//   reaching back only as far as an interrupted run plausibly is (the recovery window, never
//   before the stack's seed), narrowed by what the API filters (a session's agent and pinned
//   version), newest first where the API orders or is seen to, and stopped at the window's start;
// - a listing that cannot finish within the operation's deadline fails, once for the process,
//   saying what it was doing, how far it got and what to set.
import { AnthropicProviderError, DeadlineError, messageOf, OverloadedError, RateLimitError, TimeoutError } from "../client/errors";
import type { QueryValue } from "../client/path";
import type { OperationContext } from "./context";
import type { Creatable, CreateIdentity, Listed } from "./create";
import { stampOf } from "./metadata";
import { madeByThisProcess, versionMadeByThisProcess } from "./provenance";

/** How far before the stack's first `up` lookups reach: clocks of provider hosts and API differ. */
export const LOOKUP_MARGIN_MS = 60 * 60_000;

/** The lookup of an interrupted run's creates did not finish in time; nothing was created. */
export class RecoveryLookupError extends AnthropicProviderError {
  override name = "RecoveryLookupError";
  constructor(
    /** What happened, without the operation (each create that shared the listing names its own). */
    readonly detail: string,
    operation: string,
  ) {
    super(`${operation}: ${detail}`);
  }
}

/** How far a listing got. */
interface Progress {
  read: number;
  /** The oldest created_at read (epoch ms). */
  oldestMs: number | undefined;
  /** Whether the listing ran newest first, as requested or as seen so far. */
  newestFirst: boolean;
  startedAt: number;
}

const iso = (ms: number) => new Date(ms).toISOString();
const hours = (ms: number) => `${Number((ms / 3_600_000).toFixed(2))} h`;
const seconds = (ms: number) => `${Math.round(ms / 1000)} s`;

/**
 * The query that lists `c`'s recent objects: its own narrowing, the pinned version to look for,
 * and the API's created_at bound and order where it takes them.
 */
function listQuery(c: Creatable<Listed>, since: number, pinnedVersion: number | undefined): Record<string, QueryValue> {
  return {
    ...c.lookupQuery,
    ...(c.pinned && pinnedVersion !== undefined ? { [c.pinned.param]: pinnedVersion } : {}),
    ...(c.endpoints.listsSince ? { "created_at[gte]": iso(since) } : {}),
    ...(c.endpoints.listsInOrder ? { order: "desc" } : {}),
  };
}

/**
 * Reads `c`'s objects created since `since` (epoch ms), as the API lists them, handing each to
 * `visit` (which may end the listing by returning true); older objects are passed over. Where the
 * listing runs newest first (the API was asked to, or every item so far was older than the one
 * before), it ends at the first object older than `since`: the rest are older still.
 */
async function scan<A extends Listed>(
  ctx: OperationContext,
  operation: string,
  c: Creatable<A>,
  query: Record<string, QueryValue>,
  since: number,
  progress: Progress,
  visit: (item: A) => boolean | void,
): Promise<void> {
  let previous: number | undefined;
  let seenDescending = false;
  let seenAscending = false;
  for await (const item of c.endpoints.list(ctx, operation, query)) {
    progress.read += 1;
    const at = Date.parse(item.created_at);
    if (Number.isFinite(at)) {
      if (previous !== undefined) {
        if (at < previous) seenDescending = true;
        else if (at > previous) seenAscending = true;
      }
      previous = at;
      progress.oldestMs = Math.min(progress.oldestMs ?? at, at);
      progress.newestFirst = !seenAscending && (c.endpoints.listsInOrder || seenDescending);
    }
    // Older than the window: not looked at, whatever the API returns (the window is the bound,
    // for the kinds the API filters by time and for the others alike).
    if (Number.isFinite(at) && at < since) {
      if (progress.newestFirst) return;
      continue;
    }
    if (visit(item) === true) return;
  }
}

/** Whether a listing failed because the operation's deadline ran out (or would have during a wait). */
function ranOutOfTime(ctx: OperationContext, error: unknown): boolean {
  if (ctx.signal.aborted || ctx.remainingMs() <= 0) return true;
  if (error instanceof DeadlineError) return true;
  if (error instanceof TimeoutError && error.scope === "operation") return true;
  // The client gives a 429 or 529 up only when the wait it asks for would pass the deadline.
  return error instanceof RateLimitError || error instanceof OverloadedError;
}

function outOfTime(ctx: OperationContext, c: Creatable<Listed>, query: Record<string, QueryValue>, since: number, windowIsSeed: boolean, progress: Progress, cause: unknown): string {
  const noun = c.endpoints.noun;
  const now = ctx.clock.now();
  const elapsed = now - progress.startedAt;
  const filters = Object.entries(query)
    .filter(([k]) => k !== "created_at[gte]" && k !== "order")
    .map(([k, v]) => `${k}=${String(v)}`)
    .join(", ");
  const reach = windowIsSeed ? `since ${iso(since)} (the stack's first \`up\`, less an hour)` : `in the ${hours(ctx.recoveryWindowMs)} recovery window (since ${iso(since)})`;
  let howFar = `it read ${progress.read} ${noun}s in ${seconds(elapsed)}`;
  // The last request's own words, without the operation it names and the query (both said above).
  const why = messageOf(cause).replace(/^.*?\): /, "").replace(/\?\S*/g, "");
  let raiseTo = "";
  if (progress.newestFirst && progress.oldestMs !== undefined && progress.read > 0) {
    const covered = Math.max(now - progress.oldestMs, 1);
    const span = Math.max(now - since, covered);
    howFar += `, newest first, back to ${iso(progress.oldestMs)}: the last ${hours(covered)} of the ${hours(span)} to read`;
    raiseTo = ` to about ${seconds(Math.ceil((((elapsed * span) / covered) * 1.25) / 1000) * 1000)}`;
  }
  return (
    `not created: looking for ${noun}s an interrupted \`up\` may have created and not recorded` +
    ` (${filters === "" ? "" : `${filters}, `}created ${reach}) did not finish within the operation's deadline of ${seconds(ctx.timeoutMs)}: ${howFar}` +
    ` (${why}). Raise anthropic:operationTimeoutSeconds (ANTHROPIC_OPERATION_TIMEOUT_SECONDS)${raiseTo},` +
    ` or lower anthropic:recoveryWindowHours (ANTHROPIC_RECOVERY_WINDOW_HOURS; now ${hours(ctx.recoveryWindowMs).replace(" h", "")}; 0 turns the lookup off), but not below the time since` +
    ` this stack's last interrupted \`up\`: what that run created and left out of state would be created again. Then run \`pulumi up\` again.`
  );
}

/**
 * The version an interrupted run can have pinned `c` to, or undefined when there is none (or no
 * pin): the declared one, unless this process made it (its update answered with it), in which
 * case the one before, which that update started from.
 */
function pinnedByAnEarlierRun(c: Creatable<Listed>): number | undefined | "none" {
  if (!c.pinned) return undefined;
  const { id, version } = c.pinned;
  if (!versionMadeByThisProcess(id, version)) return version;
  return version > 1 && !madeByThisProcess(id) ? version - 1 : "none";
}

/**
 * What earlier runs of this stack created with `identity.token` and never recorded (oldest
 * first): usually nothing; one object after an interrupted run.
 */
export async function findUnrecorded<A extends Listed>(ctx: OperationContext, operation: string, c: Creatable<A>, identity: CreateIdentity): Promise<A[]> {
  if (identity.seed.fresh || ctx.recoveryWindowMs <= 0) return [];
  if ((c.references ?? []).some(madeByThisProcess)) return [];
  const pinned = pinnedByAnEarlierRun(c);
  if (pinned === "none") return [];
  const seeded = Date.parse(identity.seed.createdAt);
  const fromSeed = Number.isFinite(seeded) ? seeded - LOOKUP_MARGIN_MS : 0;
  // One window per process: every create of the `up` shares the listing it starts.
  const fromWindow = ctx.lookups.startedAt(ctx.clock.now()) - ctx.recoveryWindowMs;
  const since = Math.max(fromSeed, fromWindow);
  const query = listQuery(c, since, pinned);
  const key = `${c.endpoints.noun}?${JSON.stringify({ ...c.lookupQuery, pinned })}@${identity.seed.createdAt}`;
  let byToken: Map<string, A[]>;
  try {
    byToken = await ctx.lookups.byToken(key, async () => {
      const progress: Progress = { read: 0, oldestMs: undefined, newestFirst: c.endpoints.listsInOrder, startedAt: ctx.clock.now() };
      const found = new Map<string, A[]>();
      try {
        await scan(ctx, `${operation} (looking for objects an interrupted run created)`, c, query, since, progress, (item) => {
          const token = stampOf(item)?.token;
          if (token !== undefined) found.set(token, [...(found.get(token) ?? []), item]);
        });
      } catch (error) {
        if (ranOutOfTime(ctx, error)) throw new RecoveryLookupError(outOfTime(ctx, c, query, since, since === fromSeed, progress, error), operation);
        throw error;
      }
      return found;
    }, (error) => error instanceof RecoveryLookupError);
  } catch (error) {
    // Shared by every create of the kind: each reports it under its own name.
    if (error instanceof RecoveryLookupError) throw new RecoveryLookupError(error.detail, operation);
    throw error;
  }
  return [...(byToken.get(identity.token) ?? [])].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
}

/**
 * The object this process's own create made with `stamp`, if the API has it: read newest first
 * (where it can be), back to a little before the create was sent.
 */
export async function findOwnCreate<A extends Listed>(
  ctx: OperationContext,
  operation: string,
  c: Creatable<A>,
  stamp: string,
  sentAt: number,
  writeTokenOf: (item: A) => string | undefined,
): Promise<A | undefined> {
  const since = sentAt - LOOKUP_MARGIN_MS;
  const progress: Progress = { read: 0, oldestMs: undefined, newestFirst: c.endpoints.listsInOrder, startedAt: ctx.clock.now() };
  let found: A | undefined;
  await scan(ctx, operation, c, listQuery(c, since, c.pinned?.version), since, progress, (item) => {
    if (writeTokenOf(item) !== stamp) return false;
    found = item;
    return true;
  });
  return found;
}
