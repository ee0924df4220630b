// The dynamic provider's entry point inside the Pulumi provider process. Every resource's
// `__provider` shell calls these functions by name through `require("<package>/runtime")`, so
// their names and signatures are a PERMANENT interface: resources created by an older version keep
// calling them on refresh and destroy. Add functions; never rename or remove one.
import { ApiClient } from "./client/http-client";
import { rememberStackConfig, resolveConnectionSettings, type StackConfigReader } from "./config";
import type { CheckResult, CreateResult, DiffResult, HookContext, Props, ReadResult, UpdateResult } from "./resources/common";
import { hooksFor } from "./resources/index";

/** Settings are read at call time, never captured: a rotated key or base URL applies at once. */
const processContext: HookContext = {
  client: () => new ApiClient({ settings: resolveConnectionSettings() }),
};

export async function configure(_kind: string, req: { config?: StackConfigReader } | undefined): Promise<void> {
  rememberStackConfig(req?.config);
}

export function check(kind: string, olds: Props, news: Props): Promise<CheckResult> {
  return hooksFor(kind).check(olds, news);
}

export function diff(kind: string, id: string, olds: Props, news: Props): Promise<DiffResult> {
  return hooksFor(kind).diff(id, olds, news);
}

export function create(kind: string, inputs: Props): Promise<CreateResult> {
  return hooksFor(kind).create(processContext, inputs);
}

export function read(kind: string, id: string, props: Props): Promise<ReadResult> {
  return hooksFor(kind).read(processContext, id, props);
}

export function update(kind: string, id: string, olds: Props, news: Props): Promise<UpdateResult> {
  return hooksFor(kind).update(processContext, id, olds, news);
}

function remove(kind: string, id: string, props: Props): Promise<void> {
  return hooksFor(kind).delete(processContext, id, props);
}
export { remove as delete };
