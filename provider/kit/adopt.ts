// Taking over an object that exists but is not in state: one named by `adoptId`, or one an
// interrupted run created (create.ts). The object is compared with the declared inputs as a diff
// would compare state: a difference in a field that updates in place is applied; a difference in
// a field that replaces means the object cannot be ours as declared, and the caller disposes of it.
import type { OperationContext } from "./context";
import type { Change, State } from "./resource";
import { planChanges, writeOnlyFields, type FieldSpec, type ResourceSpec } from "./spec";
import { conceal } from "./write-only";
import { satisfies, type Props } from "./values";

export type Takeover<O> = { kind: "adopted"; outputs: Partial<O> } | { kind: "incompatible"; fields: string[] };

export async function takeOver<I, O>(args: {
  spec: ResourceSpec;
  ctx: OperationContext;
  id: string;
  /** The object as state would record it. */
  current: State<I, O>;
  inputs: I;
  update: (ctx: OperationContext, id: string, olds: State<I, O>, news: Change<I>) => Promise<Partial<O>>;
}): Promise<Takeover<O>> {
  const concealed = (props: Props): Props => {
    const out = { ...props };
    for (const [f, keys] of writeOnlyFields(args.spec)) if (out[f] !== undefined) out[f] = conceal(out[f], keys, f);
    return out;
  };
  // The object holds the API's resolved form: what the declaration asks for may be there already.
  const same = (actual: unknown, declared: unknown, field: FieldSpec) =>
    satisfies(declared, actual) || (declared === undefined && field.serverDefault !== undefined && satisfies(field.serverDefault, actual));
  const changes = planChanges(args.spec, concealed(args.current.inputs), concealed(args.inputs as Props), same);
  const replaced = changes.filter((c) => c.effect === "replace").map((c) => c.field);
  if (replaced.length > 0) return { kind: "incompatible", fields: replaced };
  if (changes.length === 0) return { kind: "adopted", outputs: args.current.outputs };
  return { kind: "adopted", outputs: await args.update(args.ctx, args.id, args.current, { inputs: args.inputs, changes }) };
}
