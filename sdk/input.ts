import type * as pulumi from "@pulumi/pulumi";

/**
 * A value, or an Output or promise of it, at any depth: `{ agents: [worker.id] }` where `worker.id`
 * is an `Output<string>`, or a metadata value taken from another resource.
 */
export type DeepInput<T> = T extends string | number | boolean | null | undefined
  ? pulumi.Input<T>
  : T extends ReadonlyArray<infer U>
    ? pulumi.Input<Array<DeepInput<U>>>
    : T extends object
      ? pulumi.Input<{ [K in keyof T]: DeepInput<T[K]> }>
      : pulumi.Input<T>;

/** Every property of `T` as a `DeepInput`: the Args of a resource from its plain inputs. */
export type DeepInputs<T> = { [K in keyof T]: DeepInput<T[K]> };
