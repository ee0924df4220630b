// The lifecycle every object without versions shares (DESIGN §10), written once: create through
// the create-token lookup (adopting what an interrupted run made, or an object `adoptId` names),
// read with drift, an update checked against what Pulumi last saw, and destroy by archive or
// delete (whichever `onDestroy` and the kind's default say), where an object already gone, or
// already archived, is what destroy wanted. A parent-scoped object (a vault's credential, a
// tunnel's certificate) gets the endpoints of the parent its inputs or state name.
//
// A resource supplies its endpoints, body builders and views, and takes the hooks whole
// (`lifecycleHooks`) or the parts it needs (`objectLifecycle`): an object whose create carries no
// metadata, or whose update is more than one call, writes those hooks itself over the same parts.
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
import { isRecord } from "./values";

/** What the lifecycle reads of an API object. */
export interface LifecycleApiObject {
  id: string;
  created_at: string;
  archived_at?: string | null | undefined;
  metadata?: Record<string, string> | undefined;
}

type Endpoints<A> = ObjectEndpoints<A, object, object, Record<string, QueryValue>>;

type Destroyable = { onDestroy?: "archive" | "delete" | undefined };

/** The update body an object takes: its metadata as a patch (the kit stamps it). */
type UpdateBody = { metadata?: Record<string, string | null> | undefined };

export interface LifecycleDefinition<I extends object, O, A extends LifecycleApiObject> {
  spec: ResourceSpec;
  /** "vault", "memory store": how errors name the object. */
  noun: string;
  /** The endpoints; for a parent-scoped object (`spec.parent`), those of the parent with this id. */
  endpoints: Endpoints<A> | ((parentId: string) => Endpoints<A>);
  label: (inputs: Partial<I>, id?: string) => string;
  /** The create body; the kit stamps its metadata with the create token. */
  createBody?: (inputs: I) => { metadata: Record<string, string> };
  /** The update body, null when nothing the API stores changed. */
  updateBody?: (olds: State<I, O>, change: Change<I>) => UpdateBody | null;
  /** What the update endpoint's refusal means, by HTTP status (a hint appended to the error). */
  updateHint?: (status: number) => string | undefined;
  /** The API's view of the object (the `resolved` output refresh compares). */
  view: (api: A) => object;
  asDeclared: (field: string, value: unknown) => unknown;
  outputs: (api: A) => O;
  destroy: {
    /** What destroy does when `onDestroy` says nothing. */
    default: "archive" | "delete";
    /**
     * How an archive of an object already archived answers: with one of these `error_code`s, or
     * ("confirm") with any other refusal, after which the object is read to confirm it.
     */
    alreadyArchived: readonly string[] | "confirm";
  };
  /** An input naming an existing object to take over instead of creating one (`adoptId`). */
  adopt?: {
    field: keyof I & string;
    /** Why an object whose fixed fields differ cannot be taken over. */
    incompatible: string;
  };
}

interface ObjectLifecycle<I, O, A> {
  /** The endpoints of the object state or inputs describe (its parent's, when it has one). */
  endpointsOf(inputs: Partial<I>, outputs?: Partial<O>): Endpoints<A>;
  /** The object as state would record it had Pulumi made it. */
  stateOf(api: A): State<I, O>;
  /**
   * Sends `body` after comparing the object with what Pulumi last saw (refusing a change made
   * outside Pulumi, naming it); the object as it is afterwards.
   */
  checkedWrite(ctx: OperationContext, operation: string, id: string, olds: State<I, O>, change: Change<I>, body: UpdateBody): Promise<A>;
  /** Destroys the object as `onDestroy` (or the kind's default) says; gone or archived already is done. */
  remove(ctx: OperationContext, id: string, state: State<I, O>): Promise<void>;
  /** Reads the object: undefined when it is gone or archived. */
  retrieve(ctx: OperationContext, operation: string, id: string, inputs: Partial<I>, outputs?: Partial<O>): Promise<A | undefined>;
  hooks: Pick<TypedHooks<I, O>, "read" | "update" | "delete"> & Partial<Pick<TypedHooks<I, O>, "create">>;
}

/** The id a parent-scoped object's inputs (or, failing them, its last-seen view) give its parent. */
function parentIdOf(spec: ResourceSpec, inputs: object, outputs: object | undefined): string | undefined {
  if (spec.parent === undefined) return undefined;
  const declared: unknown = Object.getOwnPropertyDescriptor(inputs, spec.parent)?.value;
  if (typeof declared === "string") return declared;
  const resolved: unknown = outputs === undefined ? undefined : Object.getOwnPropertyDescriptor(outputs, "resolved")?.value;
  const seen = isRecord(resolved) ? resolved[spec.parent] : undefined;
  return typeof seen === "string" ? seen : undefined;
}

export function objectLifecycle<I extends object & Destroyable, O, A extends LifecycleApiObject>(d: LifecycleDefinition<I, O, A>): ObjectLifecycle<I, O, A> {
  const stateOf = (api: A): State<I, O> => stateFromApi<I, O>({ spec: d.spec, api, resolved: d.view(api), asDeclared: d.asDeclared, outputs: d.outputs(api) });

  const endpointsOf = (inputs: Partial<I>, outputs?: Partial<O>): Endpoints<A> => {
    if (typeof d.endpoints !== "function") return d.endpoints;
    const parentId = parentIdOf(d.spec, inputs, outputs);
    if (parentId === undefined) throw new Error(`${d.noun}: state records no ${d.spec.parent ?? "parent"}`);
    return d.endpoints(parentId);
  };

  async function retrieve(ctx: OperationContext, operation: string, id: string, inputs: Partial<I>, outputs?: Partial<O>): Promise<A | undefined> {
    const api = await endpointsOf(inputs, outputs).retrieve(ctx, operation, id);
    return !api || api.archived_at ? undefined : api;
  }

  async function checkedWrite(ctx: OperationContext, operation: string, id: string, olds: State<I, O>, change: Change<I>, body: UpdateBody): Promise<A> {
    const endpoints = endpointsOf(change.inputs, olds.outputs);
    const current = await retrieve(ctx, `${operation} (comparing with the last-seen state)`, id, change.inputs, olds.outputs);
    if (!current) throw new Error(`${operation}: the ${d.noun} no longer exists (or is archived); run \`pulumi refresh\`, then \`pulumi up\` to create it again`);
    return checkedUpdate({
      spec: d.spec,
      operation,
      id,
      body,
      olds,
      change,
      current,
      view: d.view,
      write: (stamped) => endpoints.update(ctx, operation, id, stamped, d.updateHint),
    });
  }

  async function update(ctx: OperationContext, id: string, olds: State<I, O>, change: Change<I>): Promise<Partial<O>> {
    const body = d.updateBody?.(olds, change) ?? null;
    if (!body) return olds.outputs;
    return d.outputs(await checkedWrite(ctx, `update ${d.label(change.inputs, id)}`, id, olds, change, body));
  }

  async function remove(ctx: OperationContext, id: string, state: State<I, O>): Promise<void> {
    const archiving = (state.inputs.onDestroy ?? d.destroy.default) === "archive";
    const operation = `${archiving ? "archive" : "delete"} ${d.label(state.inputs, id)}`;
    const endpoints = endpointsOf(state.inputs, state.outputs);
    try {
      if (archiving) await endpoints.archive(ctx, operation, id);
      else await endpoints.delete(ctx, operation, id);
    } catch (error) {
      // Gone (a parent that is gone took its children with it): what destroy wanted.
      if (error instanceof NotFoundError) return;
      if (!archiving || !(error instanceof ApiError)) throw error;
      const archived = d.destroy.alreadyArchived;
      if (archived !== "confirm" && archived.includes(error.errorCode ?? "")) return;
      // Archiving what is archived is refused: that is the state destroy wanted.
      if (archived === "confirm" && error.status < 500 && (await retrieve(ctx, operation, id, state.inputs, state.outputs)) === undefined) return;
      throw error;
    }
  }

  /** An existing object brought to the declared state; undefined when its fixed fields differ. */
  async function settle(ctx: OperationContext, api: A, inputs: I, unrecordedStamp?: string): Promise<{ id: string; outputs: O } | undefined> {
    const taken = await takeOver({ spec: d.spec, ctx, id: api.id, current: stateOf(api), inputs, update, ...(unrecordedStamp ? { unrecordedStamp } : {}) });
    return taken.kind === "adopted" ? { id: api.id, outputs: { ...d.outputs(api), ...taken.outputs } } : undefined;
  }

  const createBody = d.createBody;
  const create: TypedHooks<I, O>["create"] | undefined =
    createBody === undefined
      ? undefined
      : async (ctx, inputs, identity) => {
          const adoptId: unknown = d.adopt === undefined ? undefined : inputs[d.adopt.field];
          if (d.adopt !== undefined && typeof adoptId === "string") {
            const operation = `adopt ${d.label(inputs, adoptId)}`;
            const current = await endpointsOf(inputs).retrieve(ctx, operation, adoptId);
            if (!current) throw new Error(`${operation}: ${d.adopt.field} ${adoptId} names no ${d.noun} that this API key can see`);
            if (current.archived_at) throw new Error(`${operation}: ${d.noun} ${adoptId} is archived and cannot be adopted`);
            const adopted = await settle(ctx, current, inputs);
            if (!adopted) throw new Error(`${operation}: ${d.adopt.incompatible}`);
            return adopted;
          }
          return createOrAdopt({
            ctx,
            operation: `create ${d.label(inputs)}`,
            creatable: { endpoints: endpointsOf(inputs) },
            identity,
            body: createBody(inputs),
            // Ours, unless a field that replaces it no longer fits.
            adopt: (found) => settle(ctx, found, inputs, stampText(identity)),
            dispose: (found) => remove(ctx, found.id, stateOf(found)),
            outputs: d.outputs,
          });
        };

  return {
    endpointsOf,
    stateOf,
    checkedWrite,
    remove,
    retrieve,
    hooks: {
      ...(create ? { create } : {}),
      async read(ctx, id, state) {
        const api = await retrieve(ctx, `read ${d.label(state.inputs, id)}`, id, state.inputs, state.outputs);
        if (!api) return undefined;
        return { inputs: refreshedInputs(d.spec, state, d.view(api), d.asDeclared), outputs: d.outputs(api) };
      },
      update,
      delete: remove,
    },
  };
}

/** The four hooks of an object that fits the lifecycle whole (a create body and an update body). */
export function lifecycleHooks<I extends object & Destroyable, O, A extends LifecycleApiObject>(
  d: LifecycleDefinition<I, O, A> & { createBody: (inputs: I) => { metadata: Record<string, string> } },
): Pick<TypedHooks<I, O>, "create" | "read" | "update" | "delete"> {
  const { hooks } = objectLifecycle(d);
  const create = hooks.create;
  if (!create) throw new Error(`${d.noun}: a lifecycle without a create body has no create hook`);
  return { ...hooks, create };
}
