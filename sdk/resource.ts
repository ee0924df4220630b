// What every resource class shares: the provider source, the hidden inputs the provider needs
// (kind, the stack's create-token seed, the URN), output properties for every field, secrets
// wrapped before they leave the program, and `get`. The classes themselves are generated from
// the provider's specs (`npm run generate`).
import * as pulumi from "@pulumi/pulumi";
import { HIDDEN, SEED_KIND } from "./protocol";
import { DYNAMIC_TYPE_PREFIX, PROVIDER_SOURCE } from "./provider-shell";

export type { DeepInput, DeepInputs } from "./input";

/** What a generated class tells its base about itself. */
export interface ResourceShape {
  readonly kind: string;
  /** Declared inputs, echoed as outputs. */
  readonly fields: readonly string[];
  /** Computed outputs. */
  readonly outputs: readonly string[];
  /** Write-only property names per field: such a field is a secret whenever one is present. */
  readonly writeOnly: Readonly<Record<string, readonly string[]>>;
  /** Per write-only field, the properties under which one of its keys may be nested. */
  readonly writeOnlyHolders: Readonly<Record<string, readonly string[]>>;
  /** Fields that are always secrets (encrypted in state, hidden in previews and logs). */
  readonly secrets: readonly string[];
  /**
   * Fields naming another object of this package, and which of its declared inputs the provider
   * checks this one against when that object is declared in the same program.
   */
  readonly references: Readonly<Record<string, { readonly kind: string; readonly context: readonly string[] }>>;
  /** Computed outputs that hold a secret the API gives (a tunnel's connector token). */
  readonly secretOutputs: readonly string[];
}

/**
 * What the program declared of each resource of this package, by its `id` output: an input that
 * is that output (a session's `agent: agent.id`) tells `check` what the named object declares.
 */
const declared = new WeakMap<object, { kind: string; args: Readonly<Record<string, unknown>> }>();

/** The declared inputs of the objects `args` names, for `check`'s rules across objects (HIDDEN.context). */
function contextOf(shape: ResourceShape, args: Readonly<Record<string, unknown>>): pulumi.Output<unknown> | undefined {
  const context: Record<string, unknown> = {};
  for (const [field, ref] of Object.entries(shape.references)) {
    const value = args[field];
    const named = value !== null && typeof value === "object" ? declared.get(value) : undefined;
    if (named?.kind !== ref.kind) continue;
    context[field] = Object.fromEntries(ref.context.filter((k) => named.args[k] !== undefined).map((k) => [k, named.args[k]]));
  }
  return Object.keys(context).length > 0 ? pulumi.output(context) : undefined;
}

/**
 * A resource of Pulumi's dynamic-provider plugin, as `dynamic.Resource` makes one (its type token
 * routes it to the plugin, `__provider` says what to load there), with our own provider source
 * instead of a serialized closure (see provider-shell.ts).
 *
 * `@pulumi/pulumi` records a stack trace, formatted through any source-map hook the program has,
 * for each of the four promises it makes per declared property (`debuggablePromise`: only read
 * when it reports a leaked promise). With ~20 declared outputs per resource that was most of
 * the program's own time (3.4 s for 101 resources under ts-node). Registration therefore runs
 * with no stack frames captured: the engine's source position is unaffected (Pulumi raises the
 * limit itself to take it); an error raised by the registration itself keeps its message but
 * loses its frames, which pointed into @pulumi/pulumi.
 */
abstract class DynamicResource extends pulumi.CustomResource {
  protected constructor(kind: string, name: string, props: pulumi.Inputs, opts: pulumi.CustomResourceOptions | undefined) {
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      super(DYNAMIC_TYPE_PREFIX + kind, name, { ...props, __provider: PROVIDER_SOURCE }, opts);
    } finally {
      Error.stackTraceLimit = limit;
    }
  }
}

class CreateTokenSeed extends DynamicResource {
  declare public readonly seed: pulumi.Output<string>;
  constructor() {
    super(SEED_KIND, "create-token-seed", { [HIDDEN.kind]: SEED_KIND, seed: undefined }, {});
  }
}

/** One seed per stack (per program run: inline programs run several stacks in one process). */
const seeds = new WeakMap<object, pulumi.Output<string>>();
let seedOutsideAStack: pulumi.Output<string> | undefined;

function stackSeed(): pulumi.Output<string> {
  const stack = pulumi.runtime.getStackResource();
  const known = stack ? seeds.get(stack) : seedOutsideAStack;
  if (known) return known;
  warnAboutPlainKey();
  const seed = new CreateTokenSeed().seed;
  if (stack) seeds.set(stack, seed);
  else seedOutsideAStack = seed;
  return seed;
}

function warnAboutPlainKey(): void {
  const key = "anthropic:apiKey";
  // `isConfigSecret` is not in @pulumi/pulumi's typings; it is how the SDK itself tells.
  const config = require("@pulumi/pulumi/runtime/config") as { isConfigSecret?: (k: string) => boolean };
  if (pulumi.runtime.getConfig(key) !== undefined && config.isConfigSecret?.(key) === false) {
    void pulumi.log.warn(
      `${key} is stored in plain text in this stack's configuration; encrypt it with \`pulumi config set --secret ${key} <key>\``,
    );
  }
}

function containsKey(value: unknown, keys: readonly string[]): boolean {
  if (Array.isArray(value)) return value.some((v) => containsKey(v, keys));
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([k, v]) => (keys.includes(k) && v !== undefined) || containsKey(v, keys));
}

/**
 * Whether a value as the program wrote it may hold a write-only key. An Output or a promise in
 * place of a whole field or a list element may hold anything until it resolves; one in place of a
 * property holds what the property's type says: a key only if it is one of the `holders`.
 */
function mayHoldKey(value: unknown, keys: readonly string[], holders: readonly string[], property?: string): boolean {
  if (pulumi.Output.isInstance(value) || value instanceof Promise) return property === undefined || holders.includes(property);
  if (Array.isArray(value)) return value.some((v) => mayHoldKey(v, keys, holders));
  if (value === null || typeof value !== "object") return false;
  return Object.entries(value).some(([k, v]) => (keys.includes(k) && v !== undefined) || mayHoldKey(v, keys, holders, k));
}

function inputProps(shape: ResourceShape, name: string, args: object | undefined, opts: pulumi.CustomResourceOptions | undefined): pulumi.Inputs {
  const props: Record<string, unknown> = {};
  for (const key of [...shape.fields, ...shape.outputs]) props[key] = undefined;
  props[HIDDEN.kind] = shape.kind;
  if (opts?.id !== undefined) return props; // `get`: read only, nothing is created
  Object.assign(props, args);
  // A write-only secret must not leave the program in the clear (the provider replaces it by a hash).
  // Only a value that may hold one is resolved to look: resolving turns the whole field unknown
  // during preview whenever any part of it is (a new file's id), and the diff could then not tell
  // an in-place change from a replacement.
  for (const [field, keys] of Object.entries(shape.writeOnly)) {
    if (props[field] !== undefined && mayHoldKey(props[field], keys, shape.writeOnlyHolders[field] ?? [])) {
      props[field] = pulumi.output(props[field]).apply((v) => (containsKey(v, keys) ? pulumi.secret(v) : v));
    }
  }
  for (const field of shape.secrets) if (props[field] !== undefined) props[field] = pulumi.secret(props[field]);
  const context = args ? contextOf(shape, args as Record<string, unknown>) : undefined;
  if (context) props[HIDDEN.context] = context;
  props[HIDDEN.seed] = stackSeed();
  props[HIDDEN.urn] = pulumi.createUrn(name, DYNAMIC_TYPE_PREFIX + shape.kind, opts?.parent);
  return props;
}

/** The options a resource registers with: the caller's, with the spec's secret fields and secret outputs kept secret as outputs. */
export function resourceOptions(shape: ResourceShape, opts: pulumi.CustomResourceOptions | undefined): pulumi.CustomResourceOptions | undefined {
  const secret = [...shape.secrets, ...shape.secretOutputs];
  if (secret.length === 0) return opts;
  return { ...opts, additionalSecretOutputs: [...new Set([...(opts?.additionalSecretOutputs ?? []), ...secret])] };
}

/**
 * The dynamic types whose outputs hold a secret the API gives. `@pulumi/pulumi` logs the text of
 * every RegisterResource and ReadResource answer at debug level, secret values in plain form, and
 * the engine forwards the program's debug log into its event stream and `--debug` output
 * (PULUMI-NOTES.md, "Secrets and the event stream"): for these types the answer is withheld from
 * that log, which keeps only that it arrived. Programs that declare none are left untouched.
 */
const withheldTypes = new Set<string>();
let logGuarded = false;

/** The text that stands for a withheld answer in the program's debug log. */
export const WITHHELD_ANSWER = "(withheld: the answer holds a secret output)";

/** A debug message with the answer of a withheld type replaced, any other as it is. */
export function withheldDebugMessage(msg: string): string {
  const answer = /^(?:RegisterResource|ReadResource) RPC finished: resource:.*?\[([^\]]+)\]; err: .*?, resp: /s.exec(msg);
  return answer && withheldTypes.has(answer[1]!) ? `${answer[0]}${WITHHELD_ANSWER}` : msg;
}

/** Keeps the answers for `type` out of the program's debug log (installing the guard once). */
export function withholdAnswers(type: string): void {
  withheldTypes.add(type);
  if (logGuarded) return;
  logGuarded = true;
  // The same module object @pulumi/pulumi's runtime calls `debug` on (it looks the function up at each call).
  const log: { debug: typeof pulumi.log.debug } = pulumi.log;
  const debug = log.debug;
  log.debug = function guardedDebug(msg, ...rest) {
    return debug(withheldDebugMessage(msg), ...rest);
  };
}

export abstract class ManagedResource extends DynamicResource {
  protected constructor(shape: ResourceShape, name: string, args: object | undefined, opts?: pulumi.CustomResourceOptions) {
    if (shape.secretOutputs.length > 0) withholdAnswers(DYNAMIC_TYPE_PREFIX + shape.kind);
    super(shape.kind, name, inputProps(shape, name, args, opts), resourceOptions(shape, opts));
    if (args && opts?.id === undefined) declared.set(this.id, { kind: shape.kind, args: args as Record<string, unknown> });
  }

  /**
   * Reads an existing object by id into the program, without managing it: its outputs hold the
   * object as the API has it, and `pulumi destroy` leaves it alone (`Agent.get("triage", "agent_…")`).
   */
  static get<T extends ManagedResource>(
    this: new (name: string, args: undefined, opts: pulumi.CustomResourceOptions & { id: pulumi.Input<pulumi.ID> }) => T,
    name: string,
    id: pulumi.Input<pulumi.ID>,
    opts?: pulumi.CustomResourceOptions,
  ): T {
    return new this(name, undefined, { ...opts, id });
  }
}
