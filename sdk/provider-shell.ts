// The object handed to `dynamic.Resource`. Pulumi serializes it into every resource's state as
// `__provider`, so it must stay tiny and capture nothing but `rt`: each method requires the runtime
// by package name inside the provider process and delegates (DESIGN §1, PULUMI-NOTES.md).
// A test bounds the serialized size at 2 KB. Every function costs ~200 bytes of wrapper text there,
// so: one shell for all kinds (the kind travels as the hidden input `__kind`), `configure` and
// `check` share one function (the runtime tells them apart by arity), and parameter names are short.
import type * as dynamic from "@pulumi/pulumi/dynamic";

// Resolved from the provider process's working directory, through the package's `exports`.
const rt = () => require("pulumi-anthropic-managed-agents/runtime");

const configureOrCheck = (o: any, n?: any) => rt().check(o, n);

export const providerShell: dynamic.ResourceProvider = {
  configure: configureOrCheck,
  check: configureOrCheck,
  diff: (i, o, n) => rt().diff(i, o, n),
  create: (n) => rt().create(n),
  read: (i, p) => rt().read(i, p),
  update: (i, o, n) => rt().update(i, o, n),
  delete: (i, p) => rt().delete(i, p),
};
