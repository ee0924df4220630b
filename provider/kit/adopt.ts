// Taking over an object that exists but is not in state: one named by `adoptId`, or one an
// interrupted run created (create.ts). The object is compared with the declared inputs as a diff
// would compare state: a difference in a field that updates in place is applied; a difference in
// a field that replaces means the object cannot be ours as declared, and the caller disposes of it.
import { fromApiCase } from "../casing";
import type { OperationContext } from "./context";
import { claim } from "./create";
import type { Change, State } from "./resource";
import { planChanges } from "./diff";
import type { FieldSpec, ResourceSpec } from "./spec";
import { concealWriteOnly } from "./write-only";
import { sameValue, satisfies, type Props } from "./values";

/**
 * Whether an object that holds `actual` (in the API's resolved form) already is what `declared`
 * asks for. Maps sent as patches must match exactly (a key the program does not declare is one to
 * delete); a field sent encoded (an environment's config, spelled out) is compared as it would be
 * sent; an absent field matches the API's default.
 */
function alreadyAsDeclared(actual: unknown, declared: unknown, field: FieldSpec): boolean {
  if (field.api?.patch) return sameValue(actual ?? {}, declared ?? {});
  if (declared === undefined) return satisfies(undefined, actual) || (field.serverDefault !== undefined && satisfies(field.serverDefault, actual));
  return satisfies(field.api?.encode ? fromApiCase(field.api.encode(declared)) : declared, actual);
}

export type Takeover<O> = { kind: "adopted"; outputs: Partial<O> } | { kind: "incompatible"; fields: string[] };

export async function takeOver<I, O>(args: {
  spec: ResourceSpec;
  ctx: OperationContext;
  id: string;
  /** The object as state would record it. */
  current: State<I, O>;
  inputs: I;
  /** For an object an interrupted run made: the create stamp its writes keep (see `State`). */
  unrecordedStamp?: string;
  update: (ctx: OperationContext, id: string, olds: State<I, O>, news: Change<I>) => Promise<Partial<O>>;
}): Promise<Takeover<O>> {
  // Nothing else in this run may delete what this create takes over (see `claim`).
  claim(args.id);
  const changes = planChanges(
    args.spec,
    concealWriteOnly(args.spec, args.current.inputs as Props),
    concealWriteOnly(args.spec, args.inputs as Props),
    alreadyAsDeclared,
  );
  const replaced = changes.filter((c) => c.effect === "replace").map((c) => c.field);
  if (replaced.length > 0) return { kind: "incompatible", fields: replaced };
  if (changes.length === 0) return { kind: "adopted", outputs: args.current.outputs };
  const current = args.unrecordedStamp === undefined ? args.current : { ...args.current, unrecordedStamp: args.unrecordedStamp };
  return { kind: "adopted", outputs: await args.update(args.ctx, args.id, current, { inputs: args.inputs, changes }) };
}
