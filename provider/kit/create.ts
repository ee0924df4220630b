// Crash-safe creates (DESIGN §10). The API's creates are not idempotent, so every create carries a
// token in metadata (metadata.ts) that is derived from state alone:
// - before creating, the token is looked up among what earlier runs made (one listing per object
//   kind per `up`, shared by every create of the run): a run killed between the API's commit and
//   the state write is found again by the next `up` and adopted, never created twice;
// - after an ambiguous failure (connection lost or timed out after sending, 5xx, an unreadable
//   2xx), the token is looked up again, for a while, since a commit can land after the client
//   gave up; only when nothing turns up is the create sent again.
import { AnthropicProviderError, isAmbiguousFailure } from "../client/errors";
import type { QueryValue } from "../client/path";
import type { Call } from "../api/endpoints";
import type { OperationContext } from "./context";
import { stampOf, stampText, WRITE_TOKEN_KEY, writeTokenOf, type CreateStamp } from "./metadata";

/** How far before the stack's first `up` lookups reach: clocks of provider hosts and API differ. */
export const LOOKUP_MARGIN_MS = 60 * 60_000;

/** Where a create stands in the stack's history, and what it declares (the kit derives both). */
export interface CreateIdentity extends CreateStamp {
  /** When the stack's seed was made: nothing this stack created is older. */
  seededAt: string;
}

/** What the create flow needs of an object kind. */
export interface Creatable<A extends { id: string; created_at: string; metadata?: Record<string, string> | undefined }> {
  readonly endpoints: {
    readonly noun: string;
    /** Whether the list endpoint filters by `created_at[gte]` (environments' does not). */
    readonly listsSince: boolean;
    create(call: Call, operation: string, body: object): Promise<A>;
    list(call: Call, operation: string, query: Record<string, QueryValue>): AsyncGenerator<A>;
  };
  /** Narrows the lookup (a session's agent). */
  readonly lookupQuery?: Record<string, QueryValue>;
}

function since(iso: string, marginMs: number): string {
  const at = Date.parse(iso);
  return new Date((Number.isFinite(at) ? at : 0) - marginMs).toISOString();
}

function query<A extends { id: string; created_at: string }>(c: Creatable<A & { metadata?: Record<string, string> | undefined }>, from: string): Record<string, QueryValue> {
  return { ...c.lookupQuery, ...(c.endpoints.listsSince ? { "created_at[gte]": from } : {}) };
}

/**
 * Objects a create of this process found by its token and took over. Nothing else in one run may
 * delete them: when `pulumi up --replace` replaces an object that still carries its first token,
 * the new create finds that very object (the provider cannot tell it from one an interrupted run
 * left behind), and the engine's delete of the old one must not remove what is now the new one.
 */
const claimed = new Set<string>();

/** Marks an object a create of this process took over (found by its token, or named by `adoptId`). */
export function claim(id: string): void {
  claimed.add(id);
}

export function claimedByCreate(id: string): boolean {
  return claimed.has(id);
}

/**
 * What earlier runs of this stack created with `identity.token` and never recorded (oldest
 * first): usually nothing; one object after an interrupted run.
 */
export async function findUnrecorded<A extends { id: string; created_at: string; metadata?: Record<string, string> | undefined }>(
  ctx: OperationContext,
  operation: string,
  c: Creatable<A>,
  identity: CreateIdentity,
): Promise<A[]> {
  const q = query(c, since(identity.seededAt, LOOKUP_MARGIN_MS));
  const key = `${c.endpoints.noun}?${JSON.stringify(q)}`;
  const byToken = await ctx.lookups.byToken(
    key,
    () => c.endpoints.list(ctx, `${operation} (looking for objects an interrupted run created)`, q),
    (item) => stampOf(item)?.token,
  );
  const found = [...(byToken.get(identity.token) ?? [])].sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
  for (const item of found) claimed.add(item.id);
  return found;
}

/** The create could not be confirmed either way; nothing will be sent again in this run. */
export class UnconfirmedCreateError extends AnthropicProviderError {
  override name = "UnconfirmedCreateError";
}

/**
 * Sends the create; after an ambiguous failure looks its stamp up, for up to the late-commit
 * window, and sends it again only when nothing with the stamp exists. Bounded by the deadline.
 */
export async function createOnce<A extends { id: string; created_at: string; metadata?: Record<string, string> | undefined }>(
  ctx: OperationContext,
  operation: string,
  c: Creatable<A>,
  body: object,
  stamp: string,
): Promise<A> {
  for (;;) {
    const sentAt = new Date(ctx.clock.now()).toISOString();
    try {
      return await c.endpoints.create(ctx, operation, body);
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      const found = await lookUpAfterAmbiguity(ctx, operation, c, stamp, sentAt, error);
      if (found) return found;
    }
  }
}

async function lookUpAfterAmbiguity<A extends { id: string; created_at: string; metadata?: Record<string, string> | undefined }>(
  ctx: OperationContext,
  operation: string,
  c: Creatable<A>,
  stamp: string,
  sentAt: string,
  failure: unknown,
): Promise<A | undefined> {
  const q = query(c, since(sentAt, LOOKUP_MARGIN_MS));
  const until = Math.min(ctx.clock.now() + ctx.lateCommitWindowMs, ctx.deadline);
  for (let wait = 250; ; wait = Math.min(wait * 2, 4_000)) {
    try {
      for await (const item of c.endpoints.list(ctx, `${operation} (looking up its create token after: ${(failure as Error).message})`, q)) {
        if (writeTokenOf(item) === stamp) return item;
      }
    } catch (lookupError) {
      throw new UnconfirmedCreateError(
        `${operation}: the create's answer was lost (${(failure as Error).message}) and looking it up failed too ` +
          `(${(lookupError as Error).message}). Nothing was sent again; the next \`pulumi up\` finds the object if it was made.`,
      );
    }
    const now = ctx.clock.now();
    if (now + wait > until) return undefined;
    await ctx.clock.sleep(wait, ctx.signal);
  }
}

/**
 * A create that is safe to repeat. What an interrupted run made with this create token is taken
 * over when it can be the declared object: as it is when its stamp says it was made exactly as
 * declared now; through `adopt` (an update of what may change in place) when only such fields
 * differ. Anything else found (made from other fixed fields, or a further copy) is disposed of.
 * Otherwise the object is created (`createOnce`), stamped.
 */
export async function createOrAdopt<A extends { id: string; created_at: string; metadata?: Record<string, string> | undefined }, O>(args: {
  ctx: OperationContext;
  operation: string;
  creatable: Creatable<A>;
  identity: CreateIdentity;
  body: { metadata: Record<string, string> };
  /** Brings a found object to the declared state, stamping it (`stampText(identity)`) as it writes. */
  adopt: (found: A) => Promise<{ id: string; outputs: O } | undefined>;
  dispose: (found: A) => Promise<void>;
  outputs: (created: A) => O;
}): Promise<{ id: string; outputs: O }> {
  const stamp = stampText(args.identity);
  let adopted: { id: string; outputs: O } | undefined;
  for (const found of await findUnrecorded(args.ctx, args.operation, args.creatable, args.identity)) {
    if (adopted === undefined) {
      const made = stampOf(found);
      if (writeTokenOf(found) === stamp) adopted = { id: found.id, outputs: args.outputs(found) };
      else if (made?.fixed === args.identity.fixed) adopted = await args.adopt(found);
      if (adopted !== undefined) continue;
    }
    await args.dispose(found);
  }
  if (adopted) return adopted;
  const body = { ...args.body, metadata: { ...args.body.metadata, [WRITE_TOKEN_KEY]: stamp } };
  const created = await createOnce(args.ctx, args.operation, args.creatable, body, stamp);
  return { id: created.id, outputs: args.outputs(created) };
}
