// The stack's create-token seed (`<ISO time>/<random hex>`), as creates use it: its random part
// makes the stack's create tokens its own, its time bounds how far back the lookup of an
// interrupted run's creates reaches, and whether this very provider process made it decides
// whether there can be an interrupted run at all.
//
// Who makes the seed is up to the front door: the dynamic provider's seed resource
// (resources/seed.ts) calls `mintSeed` in its create; a front door that keeps the seed elsewhere
// (the native plugin's provider configuration) calls `mintSeed` when it has none yet, and passes
// an existing one through unchanged. Either way `readSeed(seed).fresh` is true only for a seed
// minted in this process.
import { randomBytes } from "node:crypto";

/** The seed as a create sees it. */
export interface StackSeed {
  /** `<ISO time>/<random hex>`. */
  readonly text: string;
  /** When it was made (the stack's first `up`): nothing the stack created is older. */
  readonly createdAt: string;
  /**
   * Made by this very provider process: the stack has had no run before this one, interrupted or
   * not, so nothing can have been created and left unrecorded, and creates need no lookup.
   */
  readonly fresh: boolean;
}

/** Seeds made by this process. */
const minted = new Set<string>();

/** A new seed's text, not remembered as fresh (fixtures, tests). */
export function newSeed(now: Date = new Date()): string {
  return `${now.toISOString()}/${randomBytes(16).toString("hex")}`;
}

/** A new seed for a stack that has none, remembered as made by this process. */
export function mintSeed(now: Date = new Date()): string {
  const seed = newSeed(now);
  minted.add(seed);
  return seed;
}

export function readSeed(text: string): StackSeed {
  return { text, createdAt: text.split("/")[0] ?? text, fresh: minted.has(text) };
}
