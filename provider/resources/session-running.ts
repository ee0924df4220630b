// A running session (DESIGN §4): the API refuses updates, archive and delete while a session is
// `running`; `whenRunning` decides whether to wait until it is idle or to interrupt it first, within
// `waitTimeoutSeconds`.
import type { ApiSession } from "../api/sessions";
import { sessions } from "../api/sessions";
import { AnthropicProviderError, ApiError, ConflictError } from "../client/errors";
import type { OperationContext } from "../kit/context";
import type { SessionInputs } from "./session";

const DEFAULT_WAIT_TIMEOUT_SECONDS = 600;

/** The session stayed busy past `waitTimeoutSeconds`. */
export class SessionBusyError extends AnthropicProviderError {
  override name = "SessionBusyError";
}

const BUSY = new Set(["running", "rescheduling"]);

export interface Settle {
  id: string;
  operation: string;
  policy: "wait" | "interrupt";
  timeoutSeconds: number;
}

export function settleOptions(id: string, inputs: Partial<SessionInputs>, operation: string, forDestroy: boolean): Settle {
  return {
    id,
    operation,
    policy: inputs.whenRunning ?? (forDestroy ? "interrupt" : "wait"),
    timeoutSeconds: inputs.waitTimeoutSeconds ?? DEFAULT_WAIT_TIMEOUT_SECONDS,
  };
}

/**
 * Brings the session to a state the API accepts changes in: waits until it is no longer running,
 * after sending `user.interrupt` first when the policy says so. Returns the session, or undefined
 * if it is gone. Polls on the operation's clock, within its deadline.
 */
async function settle(ctx: OperationContext, s: Settle, waitUntil: number, interruptSent: { value: boolean }): Promise<ApiSession | undefined> {
  for (;;) {
    const session = await sessions.retrieve(ctx, s.operation, s.id);
    if (!session || !BUSY.has(session.status)) return session;
    if (s.policy === "interrupt" && !interruptSent.value && session.status === "running") {
      await sessions.sendEvents(ctx, `${s.operation} (interrupting)`, s.id, [{ type: "user.interrupt" }]);
      interruptSent.value = true;
      continue;
    }
    if (ctx.clock.now() + ctx.pollIntervalMs > waitUntil) {
      throw new SessionBusyError(
        `${s.operation}: session ${s.id} is still ${session.status} after waiting ${s.timeoutSeconds}s (whenRunning: "${s.policy}"); ` +
          `the API refuses changes while a session runs. Nothing was changed: run \`pulumi up\` again later, raise waitTimeoutSeconds, or set whenRunning: "interrupt"`,
      );
    }
    await ctx.clock.sleep(ctx.pollIntervalMs, ctx.signal);
  }
}

/** The API's refusal of a change because the session runs (409, or a 400 that says so). */
function refusedWhileRunning(error: unknown): boolean {
  if (error instanceof ConflictError) return true;
  return error instanceof ApiError && error.status === 400 && /\brunning\b/i.test(error.apiMessage ?? "");
}

/** Runs `act` once the session accepts changes; a refusal because it started running again settles again. */
export async function whenSettled<T>(outer: OperationContext, s: Settle, act: (ctx: OperationContext, session: ApiSession) => Promise<T>): Promise<T | undefined> {
  // Waiting may take longer than the default deadline: the operation gets the wait plus a margin.
  const ctx = outer.atLeast(s.timeoutSeconds * 1000 + 60_000);
  const waitUntil = ctx.clock.now() + s.timeoutSeconds * 1000;
  const interruptSent = { value: false };
  for (;;) {
    const session = await settle(ctx, s, waitUntil, interruptSent);
    if (!session) return undefined;
    try {
      return await act(ctx, session);
    } catch (error) {
      // Raced with a new run between our read and our change: settle again, within the same wait.
      if (refusedWhileRunning(error) && ctx.clock.now() < waitUntil) {
        interruptSent.value = false;
        continue;
      }
      throw error;
    }
  }
}
