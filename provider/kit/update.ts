// Updates that lose nothing (DESIGN §10). Every update stamps the object with a write token that
// is a function of the object, the state it was based on and the change itself, so that a lost
// answer to our own update (retried in the same run, or repeated by a rerun from the same state)
// is recognised as ours instead of being reported as a conflict.
import { ConflictError } from "../client/errors";
import { stampPatch, writeToken, writeTokenOf } from "./metadata";
import { madeVersion } from "./provenance";
import type { Change, State } from "./resource";
import { refuseDrift } from "./drift";
import type { ResourceSpec } from "./spec";

type Stamped<B> = B & { metadata: Record<string, string | null> };
type WithMetadata = { metadata?: Record<string, string> | undefined };

/** The token an update stamps: a write token, or the create stamp of an object not in state yet. */
function tokenOf(spec: ResourceSpec, id: string, base: unknown, body: unknown, unrecordedStamp: string | undefined): string {
  return unrecordedStamp ?? writeToken(spec.kind, id, base, body);
}

/**
 * An update of a versioned object (an agent): sent with the version it was based on, so the API
 * refuses it (409) if the object changed since. A 409 that our own earlier write explains (the
 * object carries our token, one version on) is resolved by reading the object; any later change
 * makes it a conflict again.
 */
export async function versionedUpdate<A extends WithMetadata & { version: number }, B extends { metadata?: Record<string, string | null> | undefined }>(args: {
  spec: ResourceSpec;
  id: string;
  version: number;
  body: B;
  olds: State<unknown, unknown>;
  write: (body: Stamped<B> & { version: number }) => Promise<A>;
  read: () => Promise<A | undefined>;
}): Promise<A> {
  const token = tokenOf(args.spec, args.id, args.version, args.body, args.olds.unrecordedStamp);
  try {
    const written = await args.write({ ...args.body, metadata: stampPatch(args.body.metadata ?? undefined, token, args.olds.legacy), version: args.version });
    if (written.version > args.version) madeVersion(args.id, written.version);
    return written;
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = await args.read();
    if (current && writeTokenOf(current) === token && current.version === args.version + 1) return current;
    throw error;
  }
}

/**
 * An update of an object without versions: `current`, just read, is compared with what Pulumi last
 * saw (`lastSeen`, in the form `view` gives); a change made outside Pulumi refuses the update,
 * naming the fields. Our own earlier write of this very change (its answer lost) is recognised by
 * its token; the fields it changed are then ours, and only a change to any other refuses.
 */
export async function checkedUpdate<A extends WithMetadata, B extends { metadata?: Record<string, string | null> | undefined }>(args: {
  spec: ResourceSpec;
  operation: string;
  id: string;
  body: B;
  /** State as recorded; `seen` is what Pulumi last saw of the object. */
  olds: State<unknown, unknown>;
  change: Change<unknown>;
  current: A;
  view: (api: A) => object;
  write: (body: Stamped<B>) => Promise<A>;
}): Promise<A> {
  const lastSeen = args.olds.seen;
  const token = tokenOf(args.spec, args.id, lastSeen, args.body, args.olds.unrecordedStamp);
  const ours = writeTokenOf(args.current) === token;
  const changed = args.change.changes.filter((c) => c.effect === "update").map((c) => c.field);
  refuseDrift(args.spec, args.operation, lastSeen, args.view(args.current), ours ? changed : []);
  if (ours) return args.current;
  return args.write({ ...args.body, metadata: stampPatch(args.body.metadata ?? undefined, token, args.olds.legacy) });
}
