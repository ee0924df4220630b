// Crash-safe creates (DESIGN §10). The API's creates are not idempotent, so every create carries a
// token in metadata (metadata.ts) that is derived from state alone:
// - before creating, the token is looked up among what earlier runs made (recovery.ts: within the
//   recovery window, one listing per object kind per `up`, shared by every create of the run, and
//   none where nothing can be found): a run killed between the API's commit and the state write is
//   found again by the next `up` and adopted, never created twice;
// - after an ambiguous failure (connection lost or timed out after sending, 5xx, an unreadable
//   2xx), the token is looked up again, for a while, since a commit can land after the client
//   gave up; only when nothing turns up is the create sent again.
import { AnthropicProviderError, isAmbiguousFailure, messageOf } from "../client/errors";
import type { QueryValue } from "../client/path";
import type { Call } from "../api/endpoints";
import type { OperationContext } from "./context";
import { stampOf, stampText, WRITE_TOKEN_KEY, writeTokenOf, type CreateStamp } from "./metadata";
import { madeByThisProcess, madeObject } from "./provenance";
import { findOwnCreate, findUnrecorded } from "./recovery";
import type { StackSeed } from "./stack-seed";

export { LOOKUP_MARGIN_MS, RecoveryLookupError } from "./recovery";

/** Where a create stands in the stack's history, and what it declares (the kit derives both). */
export interface CreateIdentity extends CreateStamp {
  /** The stack's seed: when it was made (nothing this stack created is older), and whether this process made it. */
  seed: StackSeed;
}

/** What the create flow reads of an API object. */
export type Listed = { id: string; created_at: string; metadata?: Record<string, string> | undefined };

/** What the create flow needs of an object kind. */
export interface Creatable<A extends Listed> {
  readonly endpoints: {
    readonly noun: string;
    /** Whether the list endpoint filters by `created_at[gte]` (environments' does not). */
    readonly listsSince: boolean;
    /** Whether the list endpoint takes `order` (by created_at; sessions'). */
    readonly listsInOrder: boolean;
    create(call: Call, operation: string, body: object): Promise<A>;
    list(call: Call, operation: string, query: Record<string, QueryValue>): AsyncGenerator<A>;
  };
  /** Narrows the lookup (a session's agent). */
  readonly lookupQuery?: Record<string, QueryValue>;
  /**
   * The ids of the objects the create refers to (a session's agent and environment): when this
   * process made one of them, no earlier run can have made this object, and nothing is looked up.
   */
  readonly references?: readonly string[];
  /**
   * The version of a referred object the create pins, and the list parameter that filters by it
   * (a session pinned to its agent's version: `agent_version`).
   */
  readonly pinned?: { readonly param: string; readonly id: string; readonly version: number };
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
 * Whether a lookup after a lost answer must pass over this object: this process made it, or
 * another create of this process took it over.
 */
export function takenByThisProcess(id: string): boolean {
  return claimed.has(id) || madeByThisProcess(id);
}

/** The create could not be confirmed either way; nothing will be sent again in this run. */
export class UnconfirmedCreateError extends AnthropicProviderError {
  override name = "UnconfirmedCreateError";
}

/**
 * Sends the create; after an ambiguous failure looks its stamp up, for up to the late-commit
 * window, and sends it again only when nothing with the stamp exists. Bounded by the deadline.
 */
async function createOnce<A extends Listed>(
  ctx: OperationContext,
  operation: string,
  c: Creatable<A>,
  body: object,
  stamp: string,
): Promise<A> {
  for (;;) {
    const sentAt = ctx.clock.now();
    try {
      const created = await c.endpoints.create(ctx, operation, body);
      madeObject(created.id);
      return created;
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      const found = await lookUpAfterAmbiguity(ctx, operation, c, stamp, sentAt, error);
      if (found) {
        madeObject(found.id);
        return found;
      }
    }
  }
}

async function lookUpAfterAmbiguity<A extends Listed>(
  ctx: OperationContext,
  operation: string,
  c: Creatable<A>,
  stamp: string,
  sentAt: number,
  failure: unknown,
): Promise<A | undefined> {
  const until = Math.min(ctx.clock.now() + ctx.lateCommitWindowMs, ctx.deadline);
  for (let wait = 250; ; wait = Math.min(wait * 2, 4_000)) {
    try {
      const found = await findOwnCreate(ctx, `${operation} (looking up its create token after: ${messageOf(failure)})`, c, stamp, sentAt, writeTokenOf);
      if (found) return found;
    } catch (lookupError) {
      throw new UnconfirmedCreateError(
        `${operation}: the create's answer was lost (${messageOf(failure)}) and looking it up failed too ` +
          `(${messageOf(lookupError)}). Nothing was sent again; the next \`pulumi up\` finds the object if it was made.`,
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
export async function createOrAdopt<A extends Listed, O>(args: {
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
    claim(found.id);
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

/**
 * A create of an object that can carry no token (no metadata: a skill, a tunnel, a certificate):
 * sent once; after an ambiguous failure the object is looked for (`find`, given when the attempt
 * was sent), for up to the late-commit window, and sent again only when nothing turns up. What
 * `find` returns must be what this create would have made and not `takenByThisProcess`; it is
 * claimed here, so that nothing else in this run takes it, or deletes it (see `claim`). A process
 * killed between the create and the state write leaves the object behind (nothing ties it to the
 * resource), as each such resource documents.
 */
export async function createUntokened<T extends { id: string }>(ctx: OperationContext, send: () => Promise<T>, find: (sentAt: number) => Promise<T | undefined>): Promise<T> {
  for (;;) {
    const sentAt = ctx.clock.now();
    try {
      const made = await send();
      madeObject(made.id);
      return made;
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      const until = Math.min(ctx.clock.now() + ctx.lateCommitWindowMs, ctx.deadline);
      for (let wait = 250; ; wait = Math.min(wait * 2, 4_000)) {
        const found = await find(sentAt);
        if (found !== undefined) {
          claim(found.id);
          madeObject(found.id);
          return found;
        }
        if (ctx.clock.now() + wait > until) break;
        await ctx.clock.sleep(wait, ctx.signal);
      }
    }
  }
}
