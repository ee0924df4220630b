// What Pulumi stores as `__provider` in every resource's state, inputs and outputs both (DESIGN §1,
// PULUMI-NOTES.md): the source of a module whose `handler()` returns the provider. The
// dynamic-provider process compiles it with `require-from-string` and calls the object's
// configure/check/diff/create/read/update/delete, so the runtime module, which exports exactly
// those functions, is the provider itself: required by package name (resolved from the provider
// process's working directory, through the package's `exports`), nothing captured.
//
// Written by hand rather than serialized by `dynamic.Resource` from an object of delegating
// functions: closure serialization wraps every function in ~200 bytes of scaffolding, and that
// shell was 2 KB of the 6-7 KB each resource took in state, twice over, in every checkpoint the
// engine writes during an `up`. This text is ~80 bytes.
export const PROVIDER_SOURCE = 'exports.handler = () => require("pulumi-anthropic-managed-agents/runtime");\n';

/** The type token prefix `dynamic.Resource` gives its resources: it routes them to the dynamic-provider plugin. */
export const DYNAMIC_TYPE_PREFIX = "pulumi-nodejs:dynamic/anthropic:";
