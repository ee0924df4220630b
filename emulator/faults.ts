// Faults injected on demand (`emulator.injectFault`): what the next matching requests get instead
// of, or besides, their normal answer.
import { HttpError } from "./http";

/**
 * A fault applies to the next `times` requests matching `method` and `path` (a prefix, or a regex).
 * - status: answer with that status and an error body (e.g. 429 with retry-after, 500, 529)
 * - drop: close the connection without answering and without acting on the request
 * - commit-then-drop: act on the request, then close the connection without answering
 * - commit-then-garbage: act on the request, then answer 200 `application/json` with a truncated,
 *   unparseable body
 * - delay: wait `delayMs`, then act normally. If the client disconnected during the wait, the
 *   request still commits and the answer is dropped: a commit that lands after the client gave up.
 */
export interface Fault {
  method?: string;
  path?: string | RegExp;
  kind: "status" | "drop" | "commit-then-drop" | "commit-then-garbage" | "delay";
  status?: number;
  errorType?: string;
  /** The error message of a `status` fault (default `injected fault: HTTP <status>`). */
  message?: string;
  headers?: Record<string, string>;
  delayMs?: number;
  times?: number;
}

/** The faults waiting for their requests, first injected first applied. */
export class FaultQueue {
  private faults: Array<Fault & { remaining: number }> = [];

  inject(fault: Fault): void {
    this.faults.push({ ...fault, remaining: fault.times ?? 1 });
  }

  clear(): void {
    this.faults = [];
  }

  /** The first fault matching this request, counted as applied once. */
  take(method: string, path: string): Fault | undefined {
    const i = this.faults.findIndex(
      (f) =>
        (f.method === undefined || f.method === method) &&
        (f.path === undefined || (typeof f.path === "string" ? path.startsWith(f.path) : f.path.test(path))),
    );
    if (i < 0) return undefined;
    const fault = this.faults[i]!;
    fault.remaining -= 1;
    if (fault.remaining <= 0) this.faults.splice(i, 1);
    return fault;
  }
}

/** The error a `status` fault answers with. */
export function faultError(fault: Fault): HttpError {
  const status = fault.status ?? 500;
  const type = fault.errorType ?? (status === 429 ? "rate_limit_error" : status === 529 ? "overloaded_error" : "api_error");
  return new HttpError(status, type, fault.message ?? `injected fault: HTTP ${status}`, fault.headers ?? {});
}
