// The object handed to `dynamic.Resource`. Pulumi serializes it into every resource's state as
// `__provider`, so it must stay tiny and capture nothing but `rt`: each method requires the runtime
// by package name inside the provider process and delegates (DESIGN §1, PULUMI-NOTES.md).
// A test bounds the serialized size at 2 KB. Every function costs ~200 bytes of wrapper text there,
// so: one shell for all kinds (the kind travels as the hidden input `__kind`).
import type * as dynamic from "@pulumi/pulumi/dynamic";

// Resolved from the provider process's working directory, through the package's `exports`.
const rt = () => require("pulumi-anthropic-managed-agents/runtime");

// Rest parameters keep each serialized wrapper shorter than named ones.
export const providerShell: dynamic.ResourceProvider = {
  configure: (...a: [any]) => rt().configure(...a),
  check: (...a: [any, any]) => rt().check(...a),
  diff: (...a: [any, any, any]) => rt().diff(...a),
  create: (...a: [any]) => rt().create(...a),
  read: (...a: [any, any]) => rt().read(...a),
  update: (...a: [any, any, any]) => rt().update(...a),
  delete: (...a: [any, any]) => rt().delete(...a),
};
