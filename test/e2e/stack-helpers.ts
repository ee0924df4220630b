// What the end-to-end tests ask of a stack under the real engine, once: its outputs as plain
// values, the step the engine plans for each resource, a refresh that must find nothing, and
// everything its backend holds.
import * as fs from "node:fs";
import * as path from "node:path";
import type { EngineEvent, PreviewOptions, Stack } from "@pulumi/pulumi/automation";

export async function outputsOf<T>(stack: Stack): Promise<T> {
  const o = await stack.outputs();
  return Object.fromEntries(Object.entries(o).map(([k, v]) => [k, v.value])) as T;
}

/**
 * The step the engine plans for each resource (by name), e.g. { coder: "update", "follows-agent":
 * "replace" }, from a preview run with `options`. The stack, providers and the create-token seed
 * (which never changes after the first `up`) are left out; a replacement, which shows as several
 * steps (create-replacement, replace, delete-replaced), is "replace".
 */
export async function plannedSteps(stack: Stack, options: PreviewOptions = {}): Promise<Record<string, string>> {
  const ops: Record<string, Set<string>> = {};
  await stack.preview({
    ...options,
    onEvent: (e: EngineEvent) => {
      options.onEvent?.(e);
      const m = e.resourcePreEvent?.metadata;
      if (!m || m.type === "pulumi:pulumi:Stack" || m.type.startsWith("pulumi:providers:") || m.type.endsWith(":CreateTokenSeed")) return;
      (ops[m.urn.split("::").pop()!] ??= new Set()).add(m.op);
    },
  });
  return Object.fromEntries(Object.entries(ops).map(([name, set]) => [name, set.has("replace") ? "replace" : [...set].join("+")]));
}

/** After every `up`: a refresh that finds nothing to change catches diff, read and echo mismatches at once. */
export async function expectNoChangesOnRefresh(stack: Stack): Promise<void> {
  const result = await stack.refresh({ expectNoChanges: true });
  expect(result.summary.result).toBe("succeeded");
}

/** Every file a local backend's directory holds (checkpoints, their backups, history), as one text. */
export function backendFiles(dir: string): string {
  return fs
    .readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => fs.readFileSync(path.join(e.parentPath, e.name), "latin1"))
    .join("\n");
}
