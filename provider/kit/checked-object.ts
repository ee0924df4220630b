// The hooks of an object without versions whose update is checked against what Pulumi last saw
// (DESIGN §10): create through the create-token lookup (adopting what an interrupted run made),
// read with drift, a checked update, and destroy by archive or delete. A resource supplies its
// endpoints, body builders and views; what every such object does the same way lives here once.
import type { ObjectEndpoints } from "../api/endpoints";
import { ApiError, NotFoundError } from "../client/errors";
import type { QueryValue } from "../client/path";
import { takeOver } from "./adopt";
import type { OperationContext } from "./context";
import { createOrAdopt } from "./create";
import { stampText } from "./metadata";
import { refreshedInputs, stateFromApi, type Change, type State, type TypedHooks } from "./resource";
import type { ResourceSpec } from "./spec";
import { checkedUpdate } from "./update";

interface CheckedApiObject {
  id: string;
  created_at: string;
  archived_at?: string | null | undefined;
  metadata?: Record<string, string> | undefined;
}

type Destroyable = { onDestroy?: "archive" | "delete" | undefined };

export interface CheckedObjectDefinition<I extends Destroyable, O, A extends CheckedApiObject, L extends Record<string, QueryValue>> {
  spec: ResourceSpec;
  /** "vault", "memory store": how errors name the object. */
  noun: string;
  endpoints: ObjectEndpoints<A, object, object, L>;
  label: (inputs: Partial<I>, id?: string) => string;
  /** The create body; the kit stamps its metadata with the create token. */
  createBody: (inputs: I) => { metadata: Record<string, string> };
  /** The update body, null when nothing the API stores changed. */
  updateBody: (olds: State<I, O>, change: Change<I>) => { metadata?: Record<string, string | null> | undefined } | null;
  /** The API's view of the object (the `resolved` output refresh compares). */
  view: (api: A) => object;
  asDeclared: (field: string, value: unknown) => unknown;
  outputs: (api: A) => O;
  /** The `error_code` the API answers when archiving an object already archived. */
  archivedCode: string;
}

export function checkedObjectHooks<I extends Destroyable, O, A extends CheckedApiObject, L extends Record<string, QueryValue>>(
  d: CheckedObjectDefinition<I, O, A, L>,
): Pick<TypedHooks<I, O>, "create" | "read" | "update" | "delete"> {
  const stateOf = (api: A): State<I, O> => stateFromApi<I, O>({ spec: d.spec, api, resolved: d.view(api), asDeclared: d.asDeclared, outputs: d.outputs(api) });

  async function update(ctx: OperationContext, id: string, olds: State<I, O>, change: Change<I>): Promise<Partial<O>> {
    const body = d.updateBody(olds, change);
    if (!body) return olds.outputs;
    const operation = `update ${d.label(change.inputs, id)}`;
    const current = await d.endpoints.retrieve(ctx, `${operation} (comparing with the last-seen state)`, id);
    if (!current || current.archived_at) {
      throw new Error(`${operation}: the ${d.noun} no longer exists (or is archived); run \`pulumi refresh\`, then \`pulumi up\` to create it again`);
    }
    const api = await checkedUpdate({
      spec: d.spec,
      operation,
      id,
      body,
      olds,
      change,
      current,
      view: d.view,
      write: (stamped) => d.endpoints.update(ctx, operation, id, stamped),
    });
    return d.outputs(api);
  }

  async function remove(ctx: OperationContext, id: string, state: State<I, O>): Promise<void> {
    const deleting = state.inputs.onDestroy === "delete";
    const operation = `${deleting ? "delete" : "archive"} ${d.label(state.inputs, id)}`;
    try {
      if (deleting) await d.endpoints.delete(ctx, operation, id);
      else await d.endpoints.archive(ctx, operation, id);
    } catch (error) {
      if (error instanceof NotFoundError) return;
      if (!deleting && error instanceof ApiError && error.errorCode === d.archivedCode) return;
      throw error;
    }
  }

  return {
    async create(ctx, inputs, identity) {
      return createOrAdopt({
        ctx,
        operation: `create ${d.label(inputs)}`,
        creatable: { endpoints: d.endpoints },
        identity,
        body: d.createBody(inputs),
        adopt: async (found) => {
          const taken = await takeOver({ spec: d.spec, ctx, id: found.id, current: stateOf(found), inputs, update, unrecordedStamp: stampText(identity) });
          return taken.kind === "adopted" ? { id: found.id, outputs: { ...d.outputs(found), ...taken.outputs } } : undefined;
        },
        dispose: (found) => remove(ctx, found.id, stateOf(found)),
        outputs: d.outputs,
      });
    },

    async read(ctx, id, state) {
      const api = await d.endpoints.retrieve(ctx, `read ${d.label(state.inputs, id)}`, id);
      if (!api || api.archived_at) return undefined;
      return { inputs: refreshedInputs(d.spec, state, d.view(api), d.asDeclared), outputs: d.outputs(api) };
    },

    update,
    delete: remove,
  };
}
