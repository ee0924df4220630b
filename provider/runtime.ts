// The dynamic provider's entry point inside the Pulumi provider process. Every resource's
// `__provider` shell (sdk/provider-shell.ts) calls these functions by name through
// `require("pulumi-anthropic-managed-agents/runtime")`, so their names and signatures are a
// PERMANENT interface: resources created by an older version keep calling them on refresh and
// destroy. Add functions; never rename or remove one.
//
// The resource kind travels in the hidden input `__kind` (keys starting with "__" are not shown in
// previews), echoed into outputs so that read and delete see it too. Hooks never see it.
import { ApiClient } from "./client/http-client";
import { rememberStackConfig, resolveConnectionSettings, type StackConfigReader } from "./config";
import type { CheckResult, CreateResult, DiffResult, HookContext, Props, ReadResult, UpdateResult } from "./resources/common";
import { hooksFor } from "./resources/index";

export const KIND_KEY = "__kind";

/** Settings are read at call time, never captured: a rotated key or base URL applies at once. */
const processContext: HookContext = {
  client: () => new ApiClient({ settings: resolveConnectionSettings() }),
};

function split(props: Props): { kind: string; rest: Props } {
  const { [KIND_KEY]: kind, ...rest } = props;
  if (typeof kind !== "string") throw new Error(`resource state has no ${KIND_KEY}: it was not written by pulumi-anthropic-managed-agents`);
  return { kind, rest };
}

function withKind(kind: string, props: Props): Props {
  return { ...props, [KIND_KEY]: kind };
}

export async function configure(req: { config?: StackConfigReader } | undefined): Promise<void> {
  rememberStackConfig(req?.config);
}

/**
 * `check(olds, news)`; called with one argument it is `configure(req)`, because the shell shares
 * one function between the two to stay small.
 */
export async function check(olds: Props, news?: Props): Promise<CheckResult | void> {
  if (news === undefined) return configure(olds as { config?: StackConfigReader });
  const { kind, rest } = split(news);
  const { [KIND_KEY]: _oldKind, ...oldRest } = olds;
  const result = await hooksFor(kind).check(oldRest, rest);
  return { ...result, inputs: withKind(kind, result.inputs) };
}

export function diff(id: string, olds: Props, news: Props): Promise<DiffResult> {
  const { kind, rest } = split(news);
  const { [KIND_KEY]: _oldKind, ...oldRest } = olds;
  return hooksFor(kind).diff(id, oldRest, rest);
}

export async function create(inputs: Props): Promise<CreateResult> {
  const { kind, rest } = split(inputs);
  const result = await hooksFor(kind).create(processContext, rest);
  return { ...result, outs: withKind(kind, result.outs) };
}

export async function read(id: string, props: Props): Promise<ReadResult> {
  const { kind, rest } = split(props);
  const result = await hooksFor(kind).read(processContext, id, rest);
  if (result.id === undefined) return {};
  return {
    id: result.id,
    ...(result.props ? { props: withKind(kind, result.props) } : {}),
    ...(result.inputs ? { inputs: withKind(kind, result.inputs) } : {}),
  };
}

export async function update(id: string, olds: Props, news: Props): Promise<UpdateResult> {
  const { kind, rest } = split(news);
  const { [KIND_KEY]: _oldKind, ...oldRest } = olds;
  const result = await hooksFor(kind).update(processContext, id, oldRest, rest);
  return { outs: withKind(kind, result.outs) };
}

function remove(id: string, props: Props): Promise<void> {
  const { kind, rest } = split(props);
  return hooksFor(kind).delete(processContext, id, rest);
}
export { remove as delete };
