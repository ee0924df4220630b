// Skill: a folder with a SKILL.md, uploaded as multipart. The folder's content hash is computed at
// every `check`, so a changed file shows in the preview; it makes a new skill version in place
// (`POST /v1/skills/{id}/versions`), never a new skill. An agent that references
// `skill.latestVersion` then gets a new version of its own, and a session pinned to that agent's
// version follows (README "Skills, agents and sessions"). Skills have no metadata and no update:
// a new display name is a new skill. Destroy deletes every version, then the skill.
import { z } from "zod";
import { skills, type ApiSkill, type ApiSkillVersion } from "../api/skills";
import { AnthropicProviderError, messageOf, NotFoundError } from "../client/errors";
import type { CheckFailure } from "../kit/check";
import type { OperationContext } from "../kit/context";
import { createUntokened, LOOKUP_MARGIN_MS, takenByThisProcess } from "../kit/create";
import { defineResource, labelOf, refreshedInputs, type State } from "../kit/resource";
import { bounded, QUOTE_CHARS } from "../kit/quote";
import { DriftError } from "../kit/drift";
import { defineSpec, field } from "../kit/spec";
import { containsUnknown, emptyAsAbsent, UNKNOWN } from "../kit/values";
import { readSkillFolder, SkillFolderError, type SkillFolder } from "./skill-directory";
import { displayNameInput } from "./shared";

// ---------------------------------------------------------------------------------------------
// Input schema

export const skillInputs = z.strictObject({
  directory: z.string().min(1, "directory must name a folder"),
  displayName: displayNameInput.optional(),
  contentHash: z.string().optional(),
  name: z.string().optional(),
});
export type SkillInputs = z.infer<typeof skillInputs>;

// ---------------------------------------------------------------------------------------------
// Outputs

export const resolvedSkill = z.object({
  displayName: z.string(),
  /** The immutable slug (SKILL.md frontmatter `name`, or the folder's name at creation). */
  name: z.string().nullable(),
  description: z.string().nullable(),
});
export type ResolvedSkill = z.infer<typeof resolvedSkill>;

export const skillOutputs = z.object({
  latestVersion: z.string(),
  versions: z.array(z.string()),
  createdAt: z.string(),
  updatedAt: z.string(),
  resolved: resolvedSkill,
});
export type SkillOutputs = z.infer<typeof skillOutputs>;

// ---------------------------------------------------------------------------------------------
// The spec

/** What the content hash reads after a refresh found a version made outside Pulumi. */
export const CHANGED_OUTSIDE = "changed outside Pulumi";

export const skillSpec = defineSpec({
  kind: "Skill",
  summary:
    "A custom skill uploaded from a local folder with a `SKILL.md` at its root. The folder's content hash is computed at every preview, so a changed file shows in the diff; it is uploaded as a **new skill version** of the same skill (`latestVersion` changes; reference it from an `Agent`'s `skills` and the agent, and the sessions pinned to it, follow). The files are read at preview and `up` only, never kept in state. A new `displayName` replaces the skill (the API has no skill update). Destroy deletes every version, then the skill.",
  inputs: skillInputs,
  updateText: "new skill version",
  fields: {
    directory: field.option({
      text: "The skill's folder: a `SKILL.md` (frontmatter `name`, `description`) and its files, uploaded under one top-level folder named after it. A relative path is resolved from the Pulumi project's directory (prefer `path.join(__dirname, \"…\")`). Only the content counts: moving the folder changes nothing.",
      type: "path of a folder",
      change: "the content, not the path, decides (see `contentHash`)",
    }),
    displayName: field.replace(
      { text: "Human-readable, single-line label (at most 255 characters); when omitted the API derives it from the SKILL.md frontmatter `name`.", type: "string" },
      { drift: false },
    ),
    contentHash: field.update(
      {
        text: "Computed by the provider at every preview and `up`: `sha256:` over the folder's file paths and bytes. Not an argument; shown in the preview when a file changed.",
        type: "`sha256:…` (computed)",
        change: "uploads the folder as a new version (`POST /v1/skills/{id}/versions`)",
      },
      { computed: true, drift: false },
    ),
    name: field.replace(
      {
        text: "Computed by the provider at every preview and `up`: the skill's immutable kebab-case name, SKILL.md's frontmatter `name` (else the folder's name). Not an argument.",
        type: "kebab-case name (computed)",
        change: "the API never changes a skill's name, so a new one is a new skill",
      },
      { computed: true, drift: false },
    ),
  },
  outputs: skillOutputs,
  outputDocs: {
    latestVersion: "The newest version's id (what `latest` resolves to); pass it as an agent skill's `version` to make the agent follow the folder.",
    versions: "Every version id, oldest first.",
    createdAt: "RFC 3339 creation time.",
    updatedAt: "RFC 3339 time of the last change (a new version).",
    resolved: "The skill as the API has it: `displayName`, and the latest version's `name` (the immutable slug) and `description` from SKILL.md.",
  },
});

// ---------------------------------------------------------------------------------------------
// check: the folder is read here (0 requests), so the preview shows a changed file

/** Reads the folder of checked inputs; a folder that cannot be a skill is a failure on `directory`. */
export function folderOf(directory: string): { folder?: SkillFolder; failures: CheckFailure[] } {
  try {
    return { folder: readSkillFolder(directory), failures: [] };
  } catch (error) {
    if (error instanceof SkillFolderError) return { failures: [{ property: "directory", reason: error.message }] };
    return { failures: [{ property: "directory", reason: `cannot read it: ${bounded(messageOf(error), 2 * QUOTE_CHARS)}` }] };
  }
}

async function derive(inputs: SkillInputs): Promise<{ values: Partial<SkillInputs>; failures: CheckFailure[] }> {
  if (containsUnknown(inputs.directory)) return { values: { contentHash: UNKNOWN, name: UNKNOWN }, failures: [] };
  const { folder, failures } = folderOf(inputs.directory);
  return { values: folder ? { contentHash: folder.hash, name: folder.name } : {}, failures };
}

// ---------------------------------------------------------------------------------------------
// Outputs and drift

function resolvedView(api: ApiSkill, latest: ApiSkillVersion | undefined): ResolvedSkill {
  return { displayName: api.display_name, name: latest?.name ?? null, description: latest?.description ?? null };
}

function outputsOf(api: ApiSkill, versions: readonly string[], latest: ApiSkillVersion | undefined): SkillOutputs {
  return {
    latestVersion: api.latest_version_id,
    versions: [...versions],
    createdAt: api.created_at,
    updatedAt: api.updated_at,
    resolved: resolvedView(api, latest),
  };
}

function asDeclared(_field: string, value: unknown): unknown {
  return emptyAsAbsent(value);
}

// ---------------------------------------------------------------------------------------------
// Hooks

const label = (inputs: Partial<SkillInputs>, id?: string) => labelOf("skill", inputs.displayName ?? inputs.name ?? inputs.directory, id);

/** The folder as `up` uploads it: it must still be what the preview (check) hashed. */
function folderForUpload(operation: string, inputs: SkillInputs): SkillFolder {
  const folder = readSkillFolder(inputs.directory);
  if (inputs.contentHash !== undefined && folder.hash !== inputs.contentHash) {
    throw new AnthropicProviderError(
      `${operation}: the files in ${folder.root} changed while \`pulumi up\` ran (now ${folder.hash}, checked ${inputs.contentHash}); nothing was uploaded. Run \`pulumi up\` again`,
    );
  }
  return folder;
}

/** Versions oldest first (the API lists newest first). */
async function versionIds(ctx: OperationContext, operation: string, id: string): Promise<ApiSkillVersion[]> {
  const out: ApiSkillVersion[] = [];
  for await (const v of skills.versions.list(ctx, operation, id)) out.push(v);
  return out.sort((a, b) => (a.created_at < b.created_at ? -1 : a.created_at > b.created_at ? 1 : 0));
}

/**
 * Skills carry no metadata, so a create token cannot travel with them: after an ambiguous
 * failure the upload is looked up by what it declares instead (a custom skill made since just
 * before the attempt, not claimed by another create, whose display name and latest version's
 * name and description are this folder's). Only when nothing turns up is the upload sent again.
 */
async function lookUpUpload(ctx: OperationContext, operation: string, folder: SkillFolder, displayName: string | undefined, sentAt: number): Promise<ApiSkill | undefined> {
  const since = sentAt - LOOKUP_MARGIN_MS;
  for await (const s of skills.list(ctx, `${operation} (looking for the skill after a lost answer)`, { source: "custom" })) {
    if (Date.parse(s.created_at) < since || takenByThisProcess(s.id)) continue;
    if (s.display_name !== (displayName ?? folder.name)) continue;
    const latest = await skills.versions.retrieve(ctx, `${operation} (looking for the skill after a lost answer)`, s.id, s.latest_version_id);
    if (latest && latest.name === folder.name && latest.description === folder.description) return s;
  }
  return undefined;
}

async function remove(ctx: OperationContext, id: string, state: State<SkillInputs, SkillOutputs>): Promise<void> {
  const operation = `delete ${label(state.inputs, id)}`;
  try {
    // The API refuses to delete a skill that still has versions.
    for (const v of await versionIds(ctx, `${operation} (listing its versions)`, id)) {
      try {
        await skills.versions.delete(ctx, `${operation} (version ${v.id})`, id, v.id);
      } catch (error) {
        if (!(error instanceof NotFoundError)) throw error;
      }
    }
    await skills.delete(ctx, operation, id);
  } catch (error) {
    if (error instanceof NotFoundError) return;
    throw error;
  }
}

export const skillResource = defineResource(skillSpec, {
  derive,

  async create(ctx, inputs) {
    const operation = `create ${label(inputs)}`;
    const folder = folderForUpload(operation, inputs);
    const api = await createUntokened(
      ctx,
      () => skills.create(ctx, operation, folder.files, inputs.displayName),
      (sentAt) => lookUpUpload(ctx, operation, folder, inputs.displayName, sentAt),
    );
    const latest = await skills.versions.retrieve(ctx, `${operation} (reading its version)`, api.id, api.latest_version_id);
    return { id: api.id, outputs: outputsOf(api, [api.latest_version_id], latest) };
  },

  async read(ctx, id, state) {
    const operation = `read ${label(state.inputs, id)}`;
    const api = await skills.retrieve(ctx, operation, id);
    if (!api) return undefined;
    const versions = await versionIds(ctx, `${operation} (listing its versions)`, id);
    const latest = versions.find((v) => v.id === api.latest_version_id);
    const inputs = refreshedInputs(skillSpec, state, resolvedView(api, latest), asDeclared);
    // A version uploaded outside Pulumi: the folder no longer describes the skill, so the next
    // preview shows an update that uploads it again.
    const recorded = state.outputs.latestVersion;
    if (recorded !== undefined && recorded !== api.latest_version_id) inputs.contentHash = `${CHANGED_OUTSIDE} (latest version ${api.latest_version_id})`;
    return { inputs, outputs: outputsOf(api, versions.map((v) => v.id), latest) };
  },

  async update(ctx, id, olds, change) {
    const inputs = change.inputs;
    if (!change.changes.some((c) => c.field === "contentHash" && c.effect === "update")) return olds.outputs;
    const operation = `update ${label(inputs, id)}`;
    const folder = folderForUpload(operation, inputs);
    const current = await skills.retrieve(ctx, `${operation} (comparing with the last-seen state)`, id);
    if (!current) throw new AnthropicProviderError(`${operation}: the skill no longer exists; run \`pulumi refresh\`, then \`pulumi up\` to create it again`);
    if (olds.outputs.latestVersion !== undefined && current.latest_version_id !== olds.outputs.latestVersion) {
      throw new DriftError(
        `${operation}: the skill was changed outside Pulumi since the last \`pulumi up\` or \`pulumi refresh\` (latestVersion is ${current.latest_version_id}, not ${olds.outputs.latestVersion}); ` +
          "nothing was uploaded, so that version is not replaced unseen. Run `pulumi refresh` to take it in, then `pulumi up`",
      );
    }
    const known = new Set(olds.outputs.versions ?? []);
    const version = await createUntokened(
      ctx,
      () => skills.versions.create(ctx, operation, id, folder.files),
      async (sentAt) => {
        const since = sentAt - LOOKUP_MARGIN_MS;
        const made = (await versionIds(ctx, `${operation} (looking for the version after a lost answer)`, id)).filter(
          (v) => !known.has(v.id) && Date.parse(v.created_at) >= since && v.name === folder.name && v.description === folder.description,
        );
        return made[made.length - 1];
      },
    );
    const api = (await skills.retrieve(ctx, `${operation} (reading the new version)`, id)) ?? current;
    return outputsOf({ ...api, latest_version_id: version.id }, [...(olds.outputs.versions ?? []), version.id], version);
  },

  delete: remove,
});
