// One operation context per hook call, passed from the runtime down to every request (DESIGN §9):
// the client, the deadline that retries, rate-limit pauses, polls and create-token lookups all
// spend, the abort signal that fires at that deadline, and the clock. Tests build their own.
import { systemClock, type Clock, type RequestContext } from "../client/clock";
import type { ApiClient } from "../client/http-client";
import { DEFAULT_RECOVERY_WINDOW_HOURS } from "../config";
import { LookupCache } from "./lookups";

export const DEFAULT_OPERATION_TIMEOUT_MS = 5 * 60_000;
const DEFAULT_RECOVERY_WINDOW_MS = DEFAULT_RECOVERY_WINDOW_HOURS * 3_600_000;

export interface OperationSettings {
  /** The whole operation, every retry and wait included (default 5 minutes). */
  timeoutMs?: number;
  clock?: Clock;
  /** How often to poll a running session (default 1 s). */
  pollIntervalMs?: number;
  /**
   * After an ambiguous create failure, how long to keep looking for the object before sending the
   * create again: a commit may land after the client gave up on the request (default 10 s).
   */
  lateCommitWindowMs?: number;
  /** Shared by the operations of one process: what earlier, interrupted runs created. */
  lookups?: LookupCache;
  /**
   * How far back a create looks for what an interrupted run made and never recorded (default
   * 72 hours; 0: no lookup at all).
   */
  recoveryWindowMs?: number;
}

export class OperationContext implements RequestContext {
  readonly clock: Clock;
  readonly deadline: number;
  readonly signal: AbortSignal;
  readonly pollIntervalMs: number;
  readonly lateCommitWindowMs: number;
  readonly lookups: LookupCache;
  readonly recoveryWindowMs: number;
  /** The operation's whole deadline, for messages. */
  readonly timeoutMs: number;
  private readonly controller = new AbortController();
  private readonly timer: NodeJS.Timeout;
  private readonly extensions: OperationContext[] = [];

  constructor(
    readonly client: ApiClient,
    private readonly settings: OperationSettings = {},
  ) {
    this.clock = settings.clock ?? systemClock;
    const timeoutMs = settings.timeoutMs ?? DEFAULT_OPERATION_TIMEOUT_MS;
    this.deadline = this.clock.now() + timeoutMs;
    this.signal = this.controller.signal;
    // Real time: a clock that tests speed up never waits long enough for this to matter.
    this.timer = setTimeout(() => this.controller.abort(new Error(`operation deadline of ${timeoutMs} ms passed`)), timeoutMs);
    this.timer.unref();
    this.pollIntervalMs = settings.pollIntervalMs ?? 1_000;
    this.lateCommitWindowMs = settings.lateCommitWindowMs ?? 10_000;
    this.lookups = settings.lookups ?? new LookupCache();
    this.recoveryWindowMs = settings.recoveryWindowMs ?? DEFAULT_RECOVERY_WINDOW_MS;
    this.timeoutMs = timeoutMs;
  }

  remainingMs(): number {
    return this.deadline - this.clock.now();
  }

  /**
   * A context for work that may legitimately take longer than the default deadline (waiting for a
   * running session): at least `ms` from now, sharing the client, clock and lookups.
   */
  atLeast(ms: number): OperationContext {
    if (this.remainingMs() >= ms) return this;
    const longer = new OperationContext(this.client, { ...this.settings, timeoutMs: ms, lookups: this.lookups });
    this.extensions.push(longer);
    return longer;
  }

  /** Aborts the operation: its requests and waits end with `reason`. */
  cancel(reason: Error): void {
    this.controller.abort(reason);
    for (const e of this.extensions) e.cancel(reason);
  }

  /** Ends the deadline's timers; the runtime calls it when the hook returns. */
  dispose(): void {
    clearTimeout(this.timer);
    for (const e of this.extensions) e.dispose();
  }
}
