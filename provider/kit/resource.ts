// The typed hook boundary (DESIGN §9). A resource supplies its spec and typed hooks; this module
// turns them into the untyped hooks the runtime calls, doing once, for every kind, what the
// reliability contract needs: configuration checked before any call, write-only secrets replaced
// by hashes in everything the engine sees, inputs parsed once, the create token derived from
// state, the hidden keys carried through, and outputs composed from the echoed inputs.
import type { z } from "zod";
import { configurationProblems } from "../config";
import { parseWithSchema, type CheckFailure } from "./check";
import type { OperationContext } from "./context";
import { claimedByCreate, type CreateIdentity } from "./create";
import { createToken, declarationDigest, LEGACY_TOKEN_KEY } from "./metadata";
import { diffFromChanges, planChanges, type DiffResult, type FieldChange } from "./diff";
import { declaredFrom, inputsAfterRefresh, seenOf, type Seen } from "./drift";
import { apiFieldNames, computedFieldNames, fieldNames, fixedFieldNames, RESOLVED_OUTPUT, writeOnlyFields, type ResourceSpec } from "./spec";
import { bounded, MAX_PROPERTY_CHARS, MAX_REASON_CHARS } from "./quote";
import { shapeFailure, shapeProblems } from "./shape";
import { readSeed } from "./stack-seed";
import { concealWriteOnly, keepRecordedWriteOnly, markUnknownWriteOnly, reveal, unknownWriteOnlyPaths, withoutUnknownWriteOnly } from "./write-only";
import { isRecord, stripUndefined, UNKNOWN, type Props } from "./values";

/**
 * Keys the engine stores but never shows (keys starting with "__" are hidden in previews):
 * - `__kind`: which resource kind the shared provider shell serves (permanent);
 * - `__seed`: the stack's create-token seed (`<ISO time>/<random>`, see resources/seed.ts);
 * - `__urn`: the resource's URN, from the SDK: read by `check` to derive the create token, and not
 *   kept (state has the URN already; release 0.2.0 stored it, twice per resource);
 * - `__createToken`: the token the next create of this resource sends, derived in `check`;
 * - `__context`: what the program declared of the objects this one names (`spec.references`),
 *   from the SDK, read by `check` for the API's rules across objects, and not kept.
 */
export const HIDDEN = { kind: "__kind", seed: "__seed", urn: "__urn", createToken: "__createToken", context: "__context" } as const;
const HIDDEN_KEYS: ReadonlySet<string> = new Set(Object.values(HIDDEN));

/**
 * The output key under which state keeps what Pulumi last saw of the object (spec.ts `Seen`).
 * Resources return the API's view as the `resolved` output; the kit stores only its digests here,
 * hidden, so that a diff never prints it (release 0.2.0 stored `resolved` itself: still read).
 */
const SEEN_KEY = "__seen";

/**
 * What the program declared of the objects a resource names (its spec's `references`), by field:
 * `{ agent: { tools, mcpServers } }` for a session whose `agent` is an Agent of the same program.
 * Empty when they are not declared there (an id from elsewhere), and never trusted past `check`.
 */
export type CheckContext = Readonly<Record<string, Props | undefined>>;

export interface CheckResult {
  inputs: Props;
  failures: CheckFailure[];
}

/**
 * The state of a resource as last recorded. `inputs` are what state records as declared, write-only
 * values as hashes; after a refresh took in a change made outside Pulumi, a field holds the
 * server's value in declared form, which need not pass the input schema (it is compared, never
 * sent as it is). `outputs` hold what parses of the recorded outputs.
 */
export interface State<I, O> {
  inputs: Partial<I>;
  outputs: Partial<O>;
  /** Written by release 0.1 (no create seed): the object may still hold that release's token pair. */
  legacy: boolean;
  /** What Pulumi last saw of the object (absent in state written before the object was read). */
  seen?: Seen;
  /**
   * Set while the object is not in state yet (taken over by a create): its writes stamp it with
   * this create stamp rather than a write token, so that it stays findable by its create token.
   */
  unrecordedStamp?: string;
}

/** An update: the new inputs (write-only secrets in plain form, as the API receives them), and what changed. */
export interface Change<I> {
  inputs: I;
  /** Field by field, compared with write-only secrets as hashes. */
  changes: FieldChange[];
}

export interface Observed<I, O> {
  inputs: Partial<I>;
  outputs: O;
}

/** What a resource supplies: its hooks, typed by its spec's schemas. */
export interface TypedHooks<I, O> {
  /** The API's cross-field rules, after the schema passed (values may still be unknown). */
  crossCheck?(inputs: I, context: CheckContext): CheckFailure[];
  /**
   * The values of the spec's `computed` fields, from the parsed inputs (values may be unknown),
   * at every check: what preview shows and what `up` then creates or updates from. Reads nothing
   * from the API (bad input fails with 0 requests); failures name the field they come from.
   */
  derive?(inputs: I): Promise<{ values: Partial<I>; failures: CheckFailure[] }>;
  create(ctx: OperationContext, inputs: I, identity: CreateIdentity): Promise<{ id: string; outputs: O }>;
  /** Undefined when the object is gone (deleted, or archived). */
  read(ctx: OperationContext, id: string, state: State<I, O>): Promise<Observed<I, O> | undefined>;
  update(ctx: OperationContext, id: string, olds: State<I, O>, news: Change<I>): Promise<Partial<O>>;
  delete(ctx: OperationContext, id: string, state: State<I, O>): Promise<void>;
}

/** The untyped hooks the runtime calls, for one kind. */
export interface RuntimeHooks {
  readonly spec: ResourceSpec;
  check(olds: Props, news: Props): Promise<CheckResult>;
  diff(id: string, olds: Props, news: Props): Promise<DiffResult>;
  create(ctx: OperationContext, props: Props): Promise<{ id: string; outs: Props }>;
  read(ctx: OperationContext, id: string, props: Props): Promise<{ id?: string; props?: Props; inputs?: Props }>;
  update(ctx: OperationContext, id: string, olds: Props, news: Props): Promise<{ outs: Props }>;
  delete(ctx: OperationContext, id: string, props: Props): Promise<void>;
}

function splitHidden(props: Props): { user: Props; hidden: Props } {
  const user: Props = {};
  const hidden: Props = {};
  for (const [k, v] of Object.entries(props)) {
    if (k === "__provider") continue;
    if (HIDDEN_KEYS.has(k)) hidden[k] = v;
    else if (!k.startsWith("__")) user[k] = v;
  }
  return { user, hidden };
}

/**
 * The props with every value that nothing may recurse into (nested past MAX_DEPTH, a `__proto__`
 * key: kit/shape.ts) replaced by the unknown sentinel, and a failure for each. Whatever reads
 * them next tolerates an unknown already: `check` fails on the failure alone (the schema skips
 * unknowns), and `diff` counts the field as changed, as it would a value not known yet.
 */
function readable(props: Props): { user: Props; hidden: Props; malformed: CheckFailure[] } {
  const { user, hidden } = splitHidden(props);
  const malformed: CheckFailure[] = [];
  for (const bag of [user, hidden]) {
    for (const [field, problem] of shapeProblems(bag)) {
      bag[field] = UNKNOWN;
      malformed.push(shapeFailure(problem));
    }
  }
  return { user, hidden, malformed };
}

/** Every failure short enough to print (a reason quoting a value quotes a prefix: kit/quote.ts). */
function boundedFailure(failure: CheckFailure): CheckFailure {
  return { property: bounded(failure.property, MAX_PROPERTY_CHARS), reason: bounded(failure.reason, MAX_REASON_CHARS) };
}

function isSeen(value: unknown): value is Seen {
  return isRecord(value) && Object.values(value).every((v) => typeof v === "string");
}

function knownString(value: unknown): string | undefined {
  return typeof value === "string" && value !== UNKNOWN ? value : undefined;
}

/**
 * The create token of the object state records for each URN, as `check` saw it with old inputs in
 * this process. The engine checks a replacement twice: with the old inputs (for the diff), then,
 * for the new object's create, without them; this is how the second check knows it is not a first
 * create.
 */
const recordedTokens = new Map<string, string>();

/**
 * The token of the next create of a resource (see metadata.ts `createToken`). With state, the
 * recorded object's own token is kept; without, the token follows the one of the object being
 * replaced, or starts the chain. A token that cannot be known yet (a preview before the stack's
 * seed exists) is unknown.
 */
function tokenFor(olds: Props, hidden: Props): string | undefined {
  const urn = knownString(hidden[HIDDEN.urn]);
  const seed = hidden[HIDDEN.seed];
  if (Object.keys(splitHidden(olds).user).length > 0) {
    const recorded = knownString(splitHidden(olds).hidden[HIDDEN.createToken]);
    if (urn !== undefined) recordedTokens.set(urn, recorded ?? "created by release 0.1");
    return recorded;
  }
  if (seed === undefined) return undefined;
  if (urn === undefined || typeof seed !== "string" || seed === UNKNOWN) return UNKNOWN;
  return createToken(seed, urn, recordedTokens.get(urn));
}

/**
 * The digests a create stamp carries (metadata.ts `CreateStamp`): of every field the API stores,
 * and of the fields whose change replaces the object; write-only values as their hashes.
 */
export function declarationDigests(spec: ResourceSpec, declared: Props): { declared: string; fixed: string } {
  const concealed = concealWriteOnly(spec, declared);
  const pick = (fields: readonly string[]) => Object.fromEntries(fields.map((f) => [f, concealed[f] ?? null]));
  return { declared: declarationDigest(pick(apiFieldNames(spec))), fixed: declarationDigest(pick(fixedFieldNames(spec))) };
}

export function defineResource<S extends z.ZodObject, O extends z.ZodObject>(
  spec: ResourceSpec<S, O>,
  hooks: TypedHooks<z.infer<S>, z.infer<O>>,
): RuntimeHooks {
  type I = z.infer<S>;
  type Out = z.infer<O>;
  const writeOnly = writeOnlyFields(spec);
  const names = fieldNames(spec);
  const computed = computedFieldNames(spec);

  /** Write-only values as hashes (release 0.1 kept some in state as Pulumi secrets, in plain form). */
  const concealAll = (user: Props): Props => concealWriteOnly(spec, user);
  /** Write-only values in plain form, for the fields a call sends (the others may stay hashes). */
  const revealFields = (user: Props, fields: ReadonlySet<string>, label: string): Props => {
    const out = { ...user };
    for (const [f, keys] of writeOnly) if (fields.has(f) && out[f] !== undefined) out[f] = reveal(out[f], keys, f, label);
    return out;
  };

  /**
   * State as recorded: the declared values as they are (compared exactly as `diff` compares them;
   * see `State`), the outputs as far as they parse.
   */
  const stateOf = (props: Props): State<I, Out> => {
    const { user, hidden } = splitHidden(props);
    const inputs: Props = {};
    for (const f of names) if (user[f] !== undefined && user[f] !== null) inputs[f] = user[f];
    const outputs: Props = {};
    for (const [k, schema] of Object.entries(spec.outputs.shape as Record<string, z.ZodType>)) {
      if (k === RESOLVED_OUTPUT) continue;
      const parsed = schema.safeParse(user[k]);
      if (parsed.success && parsed.data !== undefined) outputs[k] = parsed.data;
    }
    const recorded = props[SEEN_KEY];
    const legacyResolved = user[RESOLVED_OUTPUT];
    const seen: Seen | undefined = isSeen(recorded) ? recorded : isRecord(legacyResolved) ? seenOf(spec, legacyResolved) : undefined;
    return {
      inputs: concealAll(inputs) as Partial<I>,
      outputs: outputs as Partial<Out>,
      legacy: hidden[HIDDEN.seed] === undefined,
      ...(seen ? { seen } : {}),
    };
  };

  const parseInputs = (user: Props, label: string): I => {
    const parsed = parseWithSchema(spec.inputs, user);
    if (!parsed.ok) {
      throw new Error(`${label}: inputs did not pass the provider's checks: ${parsed.failures.map((f) => `${f.property}: ${f.reason}`).join("; ")}`);
    }
    return parsed.value;
  };

  /** The output bag: echoed inputs, outputs, hidden keys, and the `resolved` view as digests. */
  const compose = (declared: Props, outputs: Partial<Out>, hidden: Props, seen?: Seen): Props => {
    const { [RESOLVED_OUTPUT]: resolved, ...shown } = outputs as Props;
    const digests = isRecord(resolved) ? seenOf(spec, resolved) : seen;
    return stripUndefined({ ...declared, ...shown, ...hidden, ...(digests ? { [SEEN_KEY]: digests } : {}) });
  };

  /** The declared inputs an output bag echoes, concealed. */
  const declaredOf = (user: Props): Props => {
    const picked: Props = {};
    for (const f of names) if (user[f] !== undefined && user[f] !== null) picked[f] = user[f];
    return concealAll(picked);
  };

  return {
    spec,

    async check(olds, news) {
      const { user, hidden, malformed } = readable(news);
      const concealed = keepRecordedWriteOnly(spec, concealAll(readable(olds).user), concealAll(user));
      // Computed fields are the provider's alone: whatever the program passed is discarded.
      for (const f of computed) delete concealed[f];
      const failures: CheckFailure[] = configurationProblems().map((reason) => ({ property: "", reason }));
      failures.push(...malformed);
      const parsed = parseWithSchema(spec.inputs, concealed);
      let inputs: Props = concealed;
      if (parsed.ok) {
        inputs = stripUndefined(parsed.value as Props);
        const context = hidden[HIDDEN.context];
        failures.push(...(hooks.crossCheck?.(parsed.value, isRecord(context) ? (context as CheckContext) : {}) ?? []));
        if (hooks.derive) {
          const derived = await hooks.derive(parsed.value);
          inputs = stripUndefined({ ...inputs, ...(derived.values as Props) });
          failures.push(...derived.failures);
        }
      } else failures.push(...parsed.failures);
      const { [HIDDEN.urn]: _urn, [HIDDEN.context]: _context, ...kept } = hidden;
      return { inputs: stripUndefined({ ...inputs, ...kept, [HIDDEN.createToken]: tokenFor(olds, hidden) }), failures: failures.map(boundedFailure) };
    },

    async diff(_id, olds, news) {
      // Both sides as hashes: a refresh diffs the inputs state holds, which release 0.1 kept in plain form.
      const before = concealAll(readable(olds).user);
      const after = concealAll(readable(news).user);
      return diffFromChanges(planChanges(spec, before, after), before, after);
    },

    async create(ctx, props) {
      const { user, hidden } = splitHidden(props);
      const label = `create ${spec.kind}`;
      const token = knownString(hidden[HIDDEN.createToken]);
      const seed = knownString(hidden[HIDDEN.seed]);
      if (token === undefined || seed === undefined) {
        throw new Error(`${label}: the resource has no create token; it must be declared with this package's ${spec.kind} class`);
      }
      const unknown = unknownWriteOnlyPaths(spec, user);
      if (unknown.length > 0) {
        throw new Error(
          `${label}: ${unknown.join(", ")} ${unknown.length > 1 ? "are" : "is"} declared as unknown to Pulumi (as \`pulumi import\` wrote it); a new object needs the real value: set it in the program`,
        );
      }
      const inputs = parseInputs(revealFields(user, new Set(names), label), label);
      const identity = { token, seed: readSeed(seed), ...declarationDigests(spec, user) };
      const result = await hooks.create(ctx, inputs, identity);
      return { id: result.id, outs: compose(declaredOf(user), result.outputs, hidden) };
    },

    async read(ctx, address, props) {
      const { hidden } = splitHidden(props);
      const { id, parent } = splitAddress(spec, address);
      const known = parent !== undefined && props[parent.field] === undefined ? { ...props, [parent.field]: parent.id } : props;
      if (spec.parent !== undefined && known[spec.parent] === undefined && isRecord(known) && nothingRecorded(spec, stateOf(known).inputs)) {
        throw new Error(`${spec.kind} ${id}: import it as <${spec.parent}>/<id> (the id of the object it belongs to, a slash, then its own id)`);
      }
      const state = stateOf(known);
      const result = await hooks.read(ctx, id, state);
      if (result === undefined) return {};
      const read = stripUndefined(result.inputs as Props);
      // With nothing recorded (an import, a `get`), the secrets the API never returns are unknown.
      const declared = concealAll(nothingRecorded(spec, state.inputs) ? markUnknownWriteOnly(spec, read) : read);
      return { id, props: compose(declared, result.outputs, hidden), inputs: { ...declared, ...hidden } };
    },

    async update(ctx, id, olds, news) {
      const { user, hidden } = splitHidden(news);
      const label = `update ${spec.kind} (${id})`;
      const state = stateOf(olds);
      const changes = planChanges(spec, state.inputs as Props, user);
      // Only what the update sends needs its secret: a write-only value it leaves alone (one that
      // `ignoreChanges` kept as the hash from state) is never asked of this process.
      const sent = new Set(changes.filter((c) => c.effect === "update").map((c) => c.field));
      // A write-only value unknown to Pulumi is left as the object holds it: never sent.
      const inputs = withoutUnknownWriteOnly(spec, parseInputs(revealFields(user, sent, label), label) as Props) as I;
      const outputs = await hooks.update(ctx, id, state, { inputs, changes });
      // An update that made no call returns no fresh view: what was last seen stays.
      return { outs: compose(declaredOf(user), outputs, hidden, state.seen) };
    },

    async delete(ctx, id, props) {
      if (claimedByCreate(id)) return;
      return hooks.delete(ctx, id, stateOf(props));
    },
  };
}


/**
 * The inputs a refresh reports (see `inputsAfterRefresh`): drift measured against what the last
 * create, update or refresh saw (`State.seen`); with no state at all (a `get`), every field
 * the server has.
 */
export function refreshedInputs<I, O>(
  spec: ResourceSpec,
  state: State<I, O>,
  fresh: object,
  asDeclared: (field: string, value: unknown) => unknown,
): Partial<I> {
  const lastSeen: Seen | "none" | undefined = nothingRecorded(spec, state.inputs) ? "none" : state.seen;
  return inputsAfterRefresh<I>({ spec, declared: state.inputs, lastSeen, fresh: fresh as Props, asDeclared });
}

/**
 * Whether state records nothing of an object's declaration (an import, a `get`): at most the
 * parent's id, which the address gave.
 */
export function nothingRecorded(spec: ResourceSpec, inputs: object): boolean {
  return Object.keys(inputs).every((k) => k === spec.parent);
}

/**
 * The object an id names. A parent-scoped object (`spec.parent`) may be addressed as
 * `<parentId>/<id>`, as `pulumi import` and `get` do: API ids hold no "/".
 */
export function splitAddress(spec: ResourceSpec, address: string): { id: string; parent?: { field: string; id: string } } {
  const at = address.indexOf("/");
  if (spec.parent === undefined || at < 0) return { id: address };
  const parentId = address.slice(0, at);
  const id = address.slice(at + 1);
  if (parentId === "" || id === "" || id.includes("/")) {
    throw new Error(`${spec.kind} id ${JSON.stringify(address)}: expected <${spec.parent}>/<id> (e.g. the parent's id, a slash, then the object's own id)`);
  }
  return { id, parent: { field: spec.parent, id: parentId } };
}

/** How errors name a resource: its noun, its name as declared (if any), its id (if any). */
export function labelOf(noun: string, name: unknown, id?: string): string {
  return `${noun}${typeof name === "string" ? ` "${name}"` : ""}${id ? ` (${id})` : ""}`;
}

/** An object as state would record it had Pulumi made it (what adoption compares against). */
export function stateFromApi<I, O>(args: {
  spec: ResourceSpec;
  api: { metadata?: Record<string, string> | undefined };
  resolved: object;
  asDeclared: (field: string, value: unknown) => unknown;
  outputs: O;
}): State<I, O> {
  return {
    inputs: declaredFrom<I>(args.spec, args.resolved as Props, args.asDeclared),
    outputs: args.outputs,
    legacy: LEGACY_TOKEN_KEY in (args.api.metadata ?? {}),
    seen: seenOf(args.spec, args.resolved),
  };
}
