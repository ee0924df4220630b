// The dynamic provider's entry point inside the Pulumi provider process. Every resource's
// `__provider` shell (sdk/provider-shell.ts) calls these functions by name through
// `require("pulumi-anthropic-managed-agents/runtime")`, so their names and signatures are a
// PERMANENT interface: resources created by an older version keep calling them on refresh and
// destroy. Add functions; never rename or remove one. (Release 0.1's shell calls `check` with one
// argument for `configure`; that still works.)
//
// Each call gets one operation context (kit/context.ts); every error leaving here is redacted.
// First: on a Node.js too old for this package, fail at once, saying so.
import "./node-version";
import { ApiClient } from "./client/http-client";
import { redactError } from "./client/redact";
import { rememberStackConfig, resolveConnectionSettings, type StackConfigReader } from "./config";
import { OperationContext } from "./kit/context";
import { LookupCache } from "./kit/lookups";
import { HIDDEN, type CheckResult, type RuntimeHooks } from "./kit/resource";
import type { DiffResult } from "./kit/diff";
import { secretFieldNames, writeOnlyFields } from "./kit/spec";
import { isRecord, type Props } from "./kit/values";
import { hooksFor } from "./resources/index";

/** One listing per object kind per provider process (one process serves a whole `up`). */
const lookups = new LookupCache();

function kindOf(props: Props): RuntimeHooks {
  const kind = isRecord(props) ? props[HIDDEN.kind] : undefined;
  if (typeof kind !== "string") throw new Error(`resource state has no ${HIDDEN.kind}: it was not written by pulumi-anthropic-managed-agents`);
  return hooksFor(kind);
}

async function guarded<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    throw redactError(error);
  }
}

/** The operations in flight, so that a cancellation reaches each of them. */
const inFlight = new Set<OperationContext>();

/** Settings are read at call time, never captured: a rotated key or base URL applies at once. */
async function withContext<T>(work: (ctx: OperationContext) => Promise<T>): Promise<T> {
  return guarded(async () => {
    const settings = resolveConnectionSettings();
    const ctx = new OperationContext(new ApiClient({ settings }), {
      lookups,
      ...(settings.operationTimeoutMs !== undefined ? { timeoutMs: settings.operationTimeoutMs } : {}),
      ...(settings.recoveryWindowMs !== undefined ? { recoveryWindowMs: settings.recoveryWindowMs } : {}),
    });
    inFlight.add(ctx);
    try {
      return await work(ctx);
    } finally {
      inFlight.delete(ctx);
      ctx.dispose();
    }
  });
}

/**
 * Ends every operation in flight as soon as it can (its requests and waits are aborted), as the
 * engine asks when the user interrupts an `up` (the native plugin's Cancel). Nothing half-made is
 * forgotten: a create cut short is found again by the next `up` (DESIGN §10).
 */
export function cancel(): void {
  for (const ctx of inFlight) ctx.cancel(new Error("the operation was cancelled (the Pulumi engine asked the provider to stop)"));
}

export async function configure(req: { config?: StackConfigReader } | undefined): Promise<void> {
  rememberStackConfig(req?.config);
}

/** `check(olds, news)`; called with one argument it is `configure(req)` (release 0.1's shell). */
export async function check(olds: Props, news?: Props): Promise<CheckResult | void> {
  if (news === undefined) return configure(olds as { config?: StackConfigReader });
  const result = await guarded(() => kindOf(news).check(olds, news));
  return { ...result, failures: result.failures.map(asReported) };
}

/**
 * A failure as the engine prints it: on the resource, the path leading the reason. The engine
 * prints a failure on a property as `property <path> value {<its value>} has a problem: …`, and
 * finds no value at a nested path (`{<nil>}`) while it would print a top-level one as it is.
 */
function asReported(failure: { property: string; reason: string }): { property: string; reason: string } {
  const at = failure.property === "(inputs)" ? "" : failure.property;
  return { property: "", reason: at === "" ? failure.reason : `${at}: ${failure.reason}` };
}

/** A diff as the dynamic-provider protocol takes it: `changes` undefined is "unknown" (see `hiddenInPreviews`). */
export type RuntimeDiff = Omit<DiffResult, "changes"> & { changes: boolean | undefined };

export function diff(id: string, olds: Props, news: Props): Promise<RuntimeDiff> {
  return guarded(async () => {
    const hooks = kindOf(news);
    const result = await hooks.diff(id, olds, news);
    const hidden = hiddenInPreviews(hooks.spec);
    return result.changes && Object.keys(result.detailedDiff).some((f) => hidden.has(f)) ? { ...result, changes: undefined } : result;
  });
}

/**
 * The fields whose values are Pulumi secrets in state (a secret field, or one holding write-only
 * values): the engine masks secrets before it compares old and new inputs for the preview, so the
 * change of a rotated token would show as nothing. The dynamic-provider protocol carries no
 * detailed diff; a diff that says its changes are "unknown" makes the engine compute one itself
 * from the inputs with secrets unwrapped, which marks the field (`[diff: ~auth]`), values still
 * hidden. Only then: elsewhere the provider's own answer stands (a spelled-out default is no change).
 * The replacements are the provider's either way.
 */
function hiddenInPreviews(spec: RuntimeHooks["spec"]): ReadonlySet<string> {
  let fields = hiddenFields.get(spec);
  if (fields === undefined) {
    fields = new Set([...secretFieldNames(spec), ...writeOnlyFields(spec).map(([f]) => f)]);
    hiddenFields.set(spec, fields);
  }
  return fields;
}
const hiddenFields = new WeakMap<RuntimeHooks["spec"], ReadonlySet<string>>();

export function create(inputs: Props): Promise<{ id: string; outs: Props }> {
  return withContext((ctx) => kindOf(inputs).create(ctx, inputs));
}

export function read(id: string, props: Props): Promise<{ id?: string; props?: Props; inputs?: Props }> {
  return withContext((ctx) => kindOf(props).read(ctx, id, props));
}

export function update(id: string, olds: Props, news: Props): Promise<{ outs: Props }> {
  return withContext((ctx) => kindOf(news).update(ctx, id, olds, news));
}

function remove(id: string, props: Props): Promise<void> {
  return withContext((ctx) => kindOf(props).delete(ctx, id, props));
}
export { remove as delete };
