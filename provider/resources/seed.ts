// The stack's create-token seed: one per stack, registered by the SDK before any other resource of
// this package. It makes no API call. Its random value, written to state before any create can
// start (every create depends on it), makes the create tokens of this stack unique to it, and its
// time bounds how far back the lookups of interrupted creates reach (kit/create.ts). Destroyed with
// the stack, so a stack that is recreated gets a new one.
import { z } from "zod";
import type { RuntimeHooks } from "../kit/resource";
import { defineSpec } from "../kit/spec";
import { mintSeed } from "../kit/stack-seed";
import { stripUndefined, type Props } from "../kit/values";

export { newSeed } from "../kit/stack-seed";

export const SEED_KIND = "CreateTokenSeed";

export const seedSpec = defineSpec({
  kind: SEED_KIND,
  summary: "The stack's create-token seed (no API object).",
  inputs: z.strictObject({}),
  updateText: "nothing",
  fields: {},
  outputs: z.object({ seed: z.string() }),
  outputDocs: { seed: "`<ISO time>/<random hex>`: when the stack's first `up` ran, and 128 random bits." },
});

export const seedResource: RuntimeHooks = {
  spec: seedSpec,
  check: async (_olds: Props, news: Props) => ({ inputs: stripUndefined({ __kind: news["__kind"] }), failures: [] }),
  diff: async () => ({ changes: false, replaces: [], deleteBeforeReplace: false, detailedDiff: {} }),
  // Made here: `readSeed(seed).fresh` tells this process's creates that the stack has no earlier run.
  create: async () => ({ id: "seed", outs: { seed: mintSeed(), __kind: SEED_KIND } }),
  read: async (_ctx, id, props) => (typeof props["seed"] === "string" ? { id, props, inputs: { __kind: SEED_KIND } } : {}),
  update: async (_ctx, _id, olds) => ({ outs: olds }),
  delete: async () => undefined,
};
