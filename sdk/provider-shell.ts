// The object handed to `dynamic.Resource`. Pulumi serializes it into every resource's state as
// `__provider`, so it must stay tiny and capture nothing but the kind name: each method requires the
// runtime by package name inside the provider process and delegates (DESIGN §1, PULUMI-NOTES.md).
// Keep this file free of imports that a method could capture by value.
import type * as dynamic from "@pulumi/pulumi/dynamic";

const shells = new Map<string, dynamic.ResourceProvider>();

export function providerShell(kind: string): dynamic.ResourceProvider {
  let shell = shells.get(kind);
  if (!shell) {
    shell = {
      configure: (req) => require("pulumi-anthropic-managed-agents/runtime").configure(kind, req),
      check: (olds, news) => require("pulumi-anthropic-managed-agents/runtime").check(kind, olds, news),
      diff: (id, olds, news) => require("pulumi-anthropic-managed-agents/runtime").diff(kind, id, olds, news),
      create: (inputs) => require("pulumi-anthropic-managed-agents/runtime").create(kind, inputs),
      read: (id, props) => require("pulumi-anthropic-managed-agents/runtime").read(kind, id, props),
      update: (id, olds, news) => require("pulumi-anthropic-managed-agents/runtime").update(kind, id, olds, news),
      delete: (id, props) => require("pulumi-anthropic-managed-agents/runtime").delete(kind, id, props),
    };
    shells.set(kind, shell);
  }
  return shell;
}
