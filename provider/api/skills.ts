// The skills endpoints (`/v1/skills`, `/v1/skills/{id}/versions`), under the skills beta header
// (not the managed-agents one). Skills have no metadata and no update: a change of files is a new
// version (`POST /v1/skills/{id}/versions`, multipart); the skill's `latest_version_id` follows.
// Uploads are multipart (undici `FormData`); a retried upload sends the same parts again.
import { z } from "zod";
import type { FormData } from "undici";
import { NotFoundError } from "../client/errors";
import { newFormData } from "../client/http-client";
import { pathWith, type QueryValue } from "../client/path";
import type { Call } from "./endpoints";

/** The beta header the SDK's skills endpoints are used with (`AnthropicBeta`). */
export const SKILLS_BETA = "skills-2025-10-02";

const COLLECTION = "/v1/skills";

export const apiSkill = z.looseObject({
  id: z.string(),
  type: z.literal("skill").optional(),
  display_name: z.string(),
  latest_version_id: z.string(),
  source: z.looseObject({ type: z.string() }).optional(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type ApiSkill = z.infer<typeof apiSkill>;

export const apiSkillVersion = z.looseObject({
  id: z.string(),
  type: z.literal("skill_version").optional(),
  skill_id: z.string(),
  name: z.string(),
  description: z.string(),
  created_at: z.string(),
});
export type ApiSkillVersion = z.infer<typeof apiSkillVersion>;

const skillPage = z.looseObject({ data: z.array(apiSkill), next_page: z.string().nullable().optional() });
const versionPage = z.looseObject({ data: z.array(apiSkillVersion), next_page: z.string().nullable().optional() });

/** One file of an upload: its path inside the skill's top-level folder (`my-skill/SKILL.md`). */
export interface UploadFile {
  name: string;
  bytes: Uint8Array;
}

/** The multipart body of a skill or version upload (`files[]` parts, as the SDK sends them). */
export function uploadForm(files: readonly UploadFile[], displayName?: string): FormData {
  const form = newFormData();
  if (displayName !== undefined) form.append("display_name", displayName);
  for (const f of files) form.append("files[]", new Blob([f.bytes]), f.name);
  return form;
}

export type SkillListQuery = { source?: string };

export const skills = {
  noun: "skill",
  beta: SKILLS_BETA,
  /** Not idempotent (skills carry no token): retried only when surely refused. */
  create: (call: Call, operation: string, files: readonly UploadFile[], displayName?: string) =>
    call.client.request(call, { operation, method: "POST", path: COLLECTION, beta: SKILLS_BETA, body: uploadForm(files, displayName), schema: apiSkill, retry: "rejected-only" }),
  async retrieve(call: Call, operation: string, id: string): Promise<ApiSkill | undefined> {
    try {
      return await call.client.request(call, { operation, method: "GET", path: pathWith(COLLECTION, id), beta: SKILLS_BETA, schema: apiSkill });
    } catch (error) {
      if (error instanceof NotFoundError) return undefined;
      throw error;
    }
  },
  list: (call: Call, operation: string, query: SkillListQuery & Record<string, QueryValue>) =>
    call.client.paginate(call, { operation, path: COLLECTION, beta: SKILLS_BETA, query, schema: skillPage }),
  async delete(call: Call, operation: string, id: string): Promise<void> {
    await call.client.request(call, { operation, method: "DELETE", path: pathWith(COLLECTION, id), beta: SKILLS_BETA, schema: z.unknown() });
  },
  versions: {
    /** Not idempotent either: a repeat would make two versions. */
    create: (call: Call, operation: string, skillId: string, files: readonly UploadFile[]) =>
      call.client.request(call, {
        operation,
        method: "POST",
        path: pathWith(COLLECTION, skillId, "versions"),
        beta: SKILLS_BETA,
        body: uploadForm(files),
        schema: apiSkillVersion,
        retry: "rejected-only",
      }),
    async retrieve(call: Call, operation: string, skillId: string, version: string): Promise<ApiSkillVersion | undefined> {
      try {
        return await call.client.request(call, { operation, method: "GET", path: pathWith(COLLECTION, skillId, "versions", version), beta: SKILLS_BETA, schema: apiSkillVersion });
      } catch (error) {
        if (error instanceof NotFoundError) return undefined;
        throw error;
      }
    },
    list: (call: Call, operation: string, skillId: string) =>
      call.client.paginate(call, { operation, path: pathWith(COLLECTION, skillId, "versions"), beta: SKILLS_BETA, query: {}, schema: versionPage }),
    async delete(call: Call, operation: string, skillId: string, version: string): Promise<void> {
      await call.client.request(call, { operation, method: "DELETE", path: pathWith(COLLECTION, skillId, "versions", version), beta: SKILLS_BETA, schema: z.unknown() });
    },
  },
};
