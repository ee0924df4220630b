// The resources a session mounts (GitHub repositories, files, memory stores), as a Session
// declares them and a Deployment declares them for each run's session: one schema for both
// (BetaManagedAgentsSessionResourceParams), and how a Session changes them in place through the
// session-resources endpoints (which add only files, update only a repository's token and delete
// anything): the plan of a change, which declared resource a mounted one is, and the calls.
import { z } from "zod";
import { mountedOf, sessionResources, type ApiSessionResource } from "../api/session-resources";
import { sessions } from "../api/sessions";
import { isAmbiguousFailure } from "../client/errors";
import type { OperationContext } from "../kit/context";
import { quote } from "../kit/quote";
import type { Effect } from "../kit/spec";
import { containsUnknown, isRecord, sameValue, stableJson, UNKNOWN } from "../kit/values";
import { conceal } from "../kit/write-only";
import { always } from "./docs";

// ---------------------------------------------------------------------------------------------
// Input schema

const githubResource = z
  .strictObject({
    type: always("github_repository"),
    url: z.url({ protocol: /^https$/ }).meta({ description: "GitHub URL of the repository (https)." }),
    /** Write-only: state keeps a hash. */
    authorizationToken: z.string().min(1).optional().meta({
      description: "GitHub authorization token used to clone the repository: required for private repositories, optional for public ones. Write-only: state keeps only a hash of it.",
    }),
    checkout: z
      .discriminatedUnion("type", [
        z
          .strictObject({ type: always("branch"), name: z.string().min(1).meta({ description: "Branch name to check out." }) })
          .meta({ description: "Check out a branch." }),
        z
          .strictObject({
            type: always("commit"),
            sha: z
              .string()
              .regex(/^[0-9a-f]{40}$/, "must be a full 40-character commit SHA (the API refuses abbreviated ones)")
              .meta({ description: "Full 40-character commit SHA to check out (lowercase hex)." }),
          })
          .meta({ description: "Check out a commit." }),
      ])
      .optional()
      .meta({ description: "Branch or commit to check out. Defaults to the repository's default branch." }),
    mountPath: z.string().min(1).optional().meta({ description: "Mount path in the container. Defaults to `/workspace/<repo-name>`." }),
  })
  .meta({ description: "A GitHub repository mounted into the session's container." });
const fileResource = z
  .strictObject({
    type: always("file"),
    fileId: z.string().min(1).meta({ description: "ID of a file uploaded through the Files API (e.g. `file.id`)." }),
    mountPath: z.string().min(1).optional().meta({ description: "Mount path in the container. Defaults to `/mnt/session/uploads/<fileId>`." }),
  })
  .meta({ description: "A file uploaded through the Files API, mounted into the session's container." });
const memoryStoreResource = z
  .strictObject({
    type: always("memory_store"),
    memoryStoreId: z.string().min(1).meta({ description: "The memory store's id (`memstore_…`, e.g. `memoryStore.id`); it must belong to the caller's organization and workspace." }),
    access: z
      .enum(["read_write", "read_only"])
      .optional()
      .meta({ description: "Access mode for the mounted store: `read_write` (the default) or `read_only` (mounted as a read-only filesystem)." }),
    instructions: z
      .string()
      .max(4096, "at most 4,096 characters")
      .optional()
      .meta({ description: "Guidance for the agent on how to use this store, rendered into the memory section of the system prompt. At most 4,096 characters." }),
  })
  .meta({ description: "A memory store attached to the session." });
/** A resource mounted in a session (for a deployment, in each run's session). */
export const mountedResource = z
  .discriminatedUnion("type", [githubResource, fileResource, memoryStoreResource])
  .meta({ id: "MountedResource", description: "A resource mounted in the session's container: a GitHub repository, a file or a memory store." });
export type MountedResource = z.infer<typeof mountedResource>;

/** The property names inside a mounted resource that hold write-only secrets. */
export const MOUNTED_RESOURCE_SECRETS = ["authorizationToken"] as const;

// ---------------------------------------------------------------------------------------------
// What a change does: the API decides by the old and the new value

/** Which declared resource a mounted one is: GitHub by URL (and mount path), a file by id (and mount path), a memory store by id. */
function resourceKey(r: unknown): string | undefined {
  if (!isRecord(r) || containsUnknown(r["type"])) return undefined;
  const parts =
    r["type"] === "github_repository" ? [r["url"], r["mountPath"]] : r["type"] === "file" ? [r["fileId"], r["mountPath"]] : [r["memoryStoreId"]];
  return containsUnknown(parts) ? undefined : stableJson([r["type"], ...parts.map((p) => p ?? null)]);
}

export interface ResourcePlan {
  /** Old declarations no longer in the program: deleted from the session. */
  remove: unknown[];
  /** New file resources: added to the session. */
  add: unknown[];
  /** GitHub repositories whose token changed: `[old, new]`. */
  rotate: Array<[unknown, unknown]>;
  /** What cannot change in place (a new repository or memory store, a changed checkout, access, …), by reason. */
  replace: string[];
}

/**
 * The resource changes between two declarations (tokens as hashes). The session-resources
 * endpoints add only files, update only a repository's token and delete anything.
 */
export function planResources(old: unknown, next: unknown): ResourcePlan {
  const plan: ResourcePlan = { remove: [], add: [], rotate: [], replace: [] };
  if (next === UNKNOWN) return { ...plan, replace: ["resources (not known yet)"] };
  const olds: unknown[] = Array.isArray(old) ? old : [];
  // Each key computed once: a new declaration takes the first old one with its key not taken yet.
  const byKey = new Map<string, { at: number[]; next: number }>();
  olds.forEach((o, i) => {
    const key = resourceKey(o);
    if (key === undefined) return;
    const slot = byKey.get(key);
    if (slot) slot.at.push(i);
    else byKey.set(key, { at: [i], next: 0 });
  });
  const matched = new Set<number>();
  for (const r of Array.isArray(next) ? next : []) {
    const key = resourceKey(r);
    const slot = key === undefined ? undefined : byKey.get(key);
    const i = slot?.at[slot.next];
    const type = isRecord(r) ? quote(r["type"]) : "malformed";
    if (slot === undefined || i === undefined) {
      if (isRecord(r) && r["type"] === "file") plan.add.push(r);
      else plan.replace.push(`a new ${type} resource`);
      continue;
    }
    slot.next += 1;
    matched.add(i);
    const o = olds[i];
    // Both have a key, so both are maps (`resourceKey`).
    const { authorizationToken: newToken, ...rest } = isRecord(r) ? r : {};
    const { authorizationToken: oldToken, ...oldRest } = isRecord(o) ? o : {};
    if (containsUnknown(rest) || !sameValue(oldRest, rest)) plan.replace.push(`a changed ${type} resource`);
    else if (!sameValue(oldToken, newToken)) {
      if (newToken === undefined) plan.replace.push("a removed authorizationToken");
      else plan.rotate.push([o, r]);
    }
  }
  const unmatched = olds.filter((_, i) => !matched.has(i));
  // A mounted memory store has no resource id in the API, so it cannot be deleted on its own.
  for (const o of unmatched) {
    if (isRecord(o) && o["type"] === "memory_store") plan.replace.push("a removed memory_store resource");
    else plan.remove.push(o);
  }
  return plan;
}

export function resourcesEffect(old: unknown, next: unknown): Effect {
  const plan = planResources(old, next);
  if (plan.replace.length > 0) return "replace";
  return plan.remove.length + plan.add.length + plan.rotate.length > 0 ? "update" : "none";
}

// ---------------------------------------------------------------------------------------------
// Mounted and declared

/** Whether a mounted resource is the declared one (a mount path the program leaves out is the API's). */
export function mounts(api: ApiSessionResource, declared: MountedResource): boolean {
  if (api.type !== declared.type) return false;
  const mountPath = "mountPath" in declared ? declared.mountPath : undefined;
  if (mountPath !== undefined && api.mount_path !== mountPath) return false;
  if (declared.type === "github_repository") return api.url === declared.url;
  if (declared.type === "file") return api.file_id === declared.fileId;
  return api.memory_store_id === declared.memoryStoreId;
}

/** The mounted resource of each declaration, in declared order (none declared: every mounted one). */
export function matchResources(mounted: readonly ApiSessionResource[], declared: readonly MountedResource[] | undefined): Array<ApiSessionResource | undefined> {
  if (declared === undefined) return [...mounted];
  // Grouped by what `mounts` compares first, so that thousands of resources match in linear time.
  const free = new Map<string, ApiSessionResource[]>();
  const groupOf = (type: string, id: unknown) => `${type}\u0000${String(id)}`;
  for (const m of mounted) {
    const group = groupOf(m.type, m.type === "github_repository" ? m.url : m.type === "file" ? m.file_id : m.memory_store_id);
    const list = free.get(group);
    if (list) list.push(m);
    else free.set(group, [m]);
  }
  return declared.map((d) => {
    const candidates = free.get(groupOf(d.type, d.type === "github_repository" ? d.url : d.type === "file" ? d.fileId : d.memoryStoreId)) ?? [];
    const i = candidates.findIndex((m) => mounts(m, d));
    return i < 0 ? undefined : candidates.splice(i, 1)[0];
  });
}

// ---------------------------------------------------------------------------------------------
// The calls

function firstIndexOf(list: readonly unknown[]): Map<unknown, number> {
  const at = new Map<unknown, number>();
  list.forEach((item, i) => {
    if (!at.has(item)) at.set(item, i);
  });
  return at;
}

/**
 * Resource changes through the session-resources endpoints: removed ones deleted, new files added,
 * rotated tokens set. Each step first looks at what is mounted, so that a rerun after an
 * interruption neither adds a file twice nor fails on one already removed.
 */
export async function applyResources(
  ctx: OperationContext,
  operation: string,
  id: string,
  /** What state records (tokens as hashes). */
  declaredBefore: readonly MountedResource[] | undefined,
  /** What the program declares now (tokens in plain form). */
  declaredNow: readonly MountedResource[],
  mountedNow: readonly ApiSessionResource[],
): Promise<boolean> {
  // Compared as state holds them (tokens as hashes); each concealed entry stands for the plain one at its index.
  const hashed = conceal(declaredNow, MOUNTED_RESOURCE_SECRETS, "resources");
  const concealed: unknown[] = Array.isArray(hashed) ? hashed : [];
  const plan = planResources(declaredBefore, concealed);
  if (plan.remove.length + plan.add.length + plan.rotate.length === 0) return false;
  const mounted = [...mountedNow];
  const oldMatches = matchResources(mounted, declaredBefore);
  const stillDeclared = new Set(matchResources(mounted, declaredNow).flatMap((m) => (m ? [m.id] : [])));
  const oldIndex = firstIndexOf(declaredBefore ?? []);
  for (const removed of plan.remove) {
    const found = oldMatches[oldIndex.get(removed) ?? -1];
    if (found?.id !== undefined && !stillDeclared.has(found.id)) await sessionResources.delete(ctx, `${operation} (removing resource ${found.id})`, id, found.id);
  }
  const concealedIndex = firstIndexOf(concealed);
  const plainOf = (r: unknown) => declaredNow[concealedIndex.get(r) ?? -1];
  for (const added of plan.add) {
    const file = plainOf(added);
    if (file?.type !== "file") continue;
    if (mounted.some((m) => mounts(m, file))) continue;
    const body = { type: "file" as const, file_id: file.fileId, ...(file.mountPath !== undefined ? { mount_path: file.mountPath } : {}) };
    try {
      mounted.push(await sessionResources.add(ctx, `${operation} (adding file ${file.fileId})`, id, body));
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      // The add may have happened: look before trying again.
      const now = await sessions.retrieve(ctx, `${operation} (checking whether file ${file.fileId} was added)`, id);
      const listed = mountedOf(now);
      if (!listed.some((m) => mounts(m, file))) throw error;
    }
  }
  for (const [, rotated] of plan.rotate) {
    const repo = plainOf(rotated);
    if (repo?.type !== "github_repository" || repo.authorizationToken === undefined) continue;
    const found = mounted.find((m) => mounts(m, repo));
    if (found?.id === undefined) throw new Error(`${operation}: the session no longer mounts ${repo.url}; run \`pulumi refresh\``);
    await sessionResources.update(ctx, `${operation} (setting the token of ${repo.url})`, id, found.id, { authorization_token: repo.authorizationToken });
  }
  return true;
}
