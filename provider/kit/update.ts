// Updates that lose nothing (DESIGN §10). Every update stamps the object with a write token that
// is a function of the object, the state it was based on and the change itself, so that a lost
// answer to our own update (retried in the same run, or repeated by a rerun from the same state)
// is recognised as ours instead of being reported as a conflict.
import { ConflictError } from "../client/errors";
import { stampPatch, writeToken, writeTokenOf } from "./metadata";
import { refuseDrift, type ResourceSpec } from "./spec";

type Stamped<B> = B & { metadata: Record<string, string | null> };
type WithMetadata = { metadata?: Record<string, string> | undefined };

/**
 * An update of a versioned object (an agent): sent with the version it was based on, so the API
 * refuses it (409) if the object changed since; a 409 that our own earlier write explains is
 * resolved by reading the object.
 */
export async function versionedUpdate<A extends WithMetadata, B extends { metadata?: Record<string, string | null> | undefined }>(args: {
  spec: ResourceSpec;
  id: string;
  version: number;
  body: B;
  /** The object may still hold release 0.1's token pair. */
  legacy: boolean;
  write: (body: Stamped<B> & { version: number }) => Promise<A>;
  read: () => Promise<A | undefined>;
}): Promise<A> {
  const token = writeToken(args.spec.kind, args.id, args.version, args.body);
  try {
    return await args.write({ ...args.body, metadata: stampPatch(args.body.metadata ?? undefined, token, args.legacy), version: args.version });
  } catch (error) {
    if (!(error instanceof ConflictError)) throw error;
    const current = await args.read();
    if (current && writeTokenOf(current) === token) return current;
    throw error;
  }
}

/**
 * An update of an object without versions: `current`, just read, is compared with what Pulumi last
 * saw (`lastSeen`, in the form `view` gives). Our own earlier write of this very change is
 * recognised by its token; a change made outside Pulumi refuses the update, naming the fields.
 */
export async function checkedUpdate<A extends WithMetadata, B extends { metadata?: Record<string, string | null> | undefined }>(args: {
  spec: ResourceSpec;
  operation: string;
  id: string;
  body: B;
  legacy: boolean;
  lastSeen: object | undefined;
  current: A;
  view: (api: A) => object;
  write: (body: Stamped<B>) => Promise<A>;
}): Promise<A> {
  const token = writeToken(args.spec.kind, args.id, args.lastSeen, args.body);
  if (writeTokenOf(args.current) === token) return args.current;
  refuseDrift(args.spec, args.operation, args.lastSeen, args.view(args.current));
  return args.write({ ...args.body, metadata: stampPatch(args.body.metadata ?? undefined, token, args.legacy) });
}
