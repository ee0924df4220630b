// Skills in the emulator, under the skills beta header: multipart uploads (`files[]` parts under
// one top-level folder with a SKILL.md at its root), versions (a new upload of the same skill,
// whose SKILL.md must resolve to the same slug), downloads (a zip archive named after the slug),
// and deletion (a skill with versions left is refused: its versions are deleted first).
import { crc32 } from "node:zlib";
import { invalid, notFound, RawResponse } from "./http";
import { newId } from "./ids";
import { byCreatedAt, paginate } from "./pagination";
import type { EmulatorModule, RouteRequest, Router } from "./router";
import type { Json } from "./rules/values";

export const SKILLS_BETA = "skills-2025-10-02";
const ZIP_MAX = 0xffff;

export interface SkillRecord extends Json {
  id: string;
  type: "skill";
  display_name: string;
  latest_version_id: string;
  source: { type: "custom" };
  created_at: string;
  updated_at: string;
}

export interface SkillVersionRecord extends Json {
  id: string;
  type: "skill_version";
  skill_id: string;
  name: string;
  description: string;
  created_at: string;
}

interface StoredFile {
  /** Path inside the skill's folder (without the top-level folder). */
  path: string;
  /** Base64, so that a dump is plain JSON. */
  content: string;
}

interface SkillsDump {
  skills: Record<string, SkillRecord>;
  versions: Record<string, SkillVersionRecord[]>;
  files: Record<string, StoredFile[]>;
}

function frontmatter(text: string): Record<string, string> {
  const block = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text.replace(/^\uFEFF/, ""));
  const out: Record<string, string> = {};
  for (const line of block?.[1]?.split(/\r?\n/) ?? []) {
    const m = /^([A-Za-z_]+):\s*(.*)$/.exec(line);
    if (m) out[m[1]!] = m[2]!.trim().replace(/^(["'])(.*)\1$/, "$2");
  }
  return out;
}

/** A zip archive of stored (uncompressed) entries: what a download returns. */
export function zipOf(entries: ReadonlyArray<{ name: string; bytes: Uint8Array }>): Uint8Array {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const e of entries) {
    const name = Buffer.from(e.name, "utf8");
    const crc = crc32(e.bytes);
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(0x0800, 6); // UTF-8 names
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.bytes.length, 18);
    local.writeUInt32LE(e.bytes.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(20, 4);
    central.writeUInt16LE(20, 6);
    central.writeUInt16LE(0x0800, 8);
    central.writeUInt32LE(crc, 16);
    central.writeUInt32LE(e.bytes.length, 20);
    central.writeUInt32LE(e.bytes.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, Buffer.from(e.bytes));
    centrals.push(central, name);
    offset += 30 + name.length + e.bytes.length;
  }
  const directory = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(directory.length, 12);
  end.writeUInt32LE(offset, 16);
  return new Uint8Array(Buffer.concat([...locals, directory, end]));
}

export class SkillsModule implements EmulatorModule {
  readonly name = "skills";
  readonly skills = new Map<string, SkillRecord>();
  /** Oldest first, by skill id. */
  readonly versions = new Map<string, SkillVersionRecord[]>();
  /** By version id. */
  readonly files = new Map<string, StoredFile[]>();
  private lastVersion = 0;

  register(router: Router): void {
    router.add("POST", "/v1/skills", (r) => this.create(r), SKILLS_BETA);
    router.add("GET", "/v1/skills", (r) => this.list(r.query), SKILLS_BETA);
    router.add("GET", "/v1/skills/:id", (r) => this.get(r.params[0]!), SKILLS_BETA);
    router.add("DELETE", "/v1/skills/:id", (r) => this.delete(r.params[0]!), SKILLS_BETA);
    router.add("POST", "/v1/skills/:id/versions", (r) => this.createVersion(r.params[0]!, r), SKILLS_BETA);
    router.add("GET", "/v1/skills/:id/versions", (r) => paginate(this.versionsOf(r.params[0]!).slice().reverse(), r.query), SKILLS_BETA);
    router.add("GET", "/v1/skills/:id/versions/:version", (r) => this.version(r.params[0]!, r.params[1]!), SKILLS_BETA);
    router.add("DELETE", "/v1/skills/:id/versions/:version", (r) => this.deleteVersion(r.params[0]!, r.params[1]!), SKILLS_BETA);
    router.add("GET", "/v1/skills/:id/versions/:version/content", (r) => this.download(r.params[0]!, r.params[1]!), SKILLS_BETA);
  }

  get(id: string): SkillRecord {
    const found = this.skills.get(id);
    if (!found) throw notFound(`skill ${id} not found`);
    return found;
  }

  versionsOf(id: string): SkillVersionRecord[] {
    this.get(id);
    return this.versions.get(id) ?? [];
  }

  version(id: string, version: string): SkillVersionRecord {
    const found = this.versionsOf(id).find((v) => v.id === version || (version === "latest" && v.id === this.get(id).latest_version_id));
    if (!found) throw notFound(`skill ${id} has no version ${version}`);
    return found;
  }

  /** Why an agent may not reference this custom skill version (`latest` or a version id), if it may not. */
  referenceProblem(skillId: string, version: string): string | undefined {
    const versions = this.versions.get(skillId);
    if (!this.skills.has(skillId) || !versions) return `skill ${skillId} not found`;
    if (version !== "latest" && !versions.some((v) => v.id === version)) return `skill ${skillId} has no version ${version}`;
    return undefined;
  }

  /** The upload's files, checked as the API checks them: one top-level folder, SKILL.md at its root. */
  private async upload(r: RouteRequest): Promise<{ top: string; files: StoredFile[]; name: string; description: string }> {
    if (!r.form) throw invalid("a skill upload is multipart/form-data with files[] parts");
    const parts = [...r.form.getAll("files[]"), ...r.form.getAll("files")];
    const files = parts.filter((p): p is File => typeof p !== "string");
    if (files.length === 0) throw invalid("files: at least one file is required");
    const tops = new Set(files.map((f) => f.name.split("/")[0]));
    const top = [...tops][0]!;
    if (tops.size !== 1 || files.some((f) => !f.name.includes("/"))) throw invalid("files: all files must be in the same top-level directory");
    const stored = await Promise.all(
      files.map(async (f) => ({ path: f.name.slice(top.length + 1), content: Buffer.from(await f.arrayBuffer()).toString("base64") })),
    );
    const skillMd = stored.find((f) => f.path === "SKILL.md");
    if (!skillMd) throw invalid("files: SKILL.md file must be at the root of the top-level directory");
    const meta = frontmatter(Buffer.from(skillMd.content, "base64").toString("utf8"));
    const name = meta["name"] ?? top;
    if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) throw invalid(`SKILL.md: name ${JSON.stringify(name.slice(0, 64))} must be kebab-case (lowercase letters, digits and hyphens)`);
    // What a download can hold: a zip archive names each entry in at most 65,535 bytes, and counts at most 65,535 of them.
    if (stored.length > ZIP_MAX) throw invalid(`files: at most ${ZIP_MAX} files`);
    const long = stored.find((f) => Buffer.byteLength(`${name}/${f.path}`) > ZIP_MAX);
    if (long) throw invalid(`files: the path ${JSON.stringify(long.path.slice(0, 64))}… is longer than ${ZIP_MAX} bytes`);
    return { top, files: stored, name, description: meta["description"] ?? "" };
  }

  private nextVersionId(): string {
    // The API's version ids are microsecond timestamps: increasing, as strings.
    this.lastVersion = Math.max(this.lastVersion + 1, Date.now() * 1000);
    return String(this.lastVersion);
  }

  private addVersion(skillId: string, upload: { files: StoredFile[]; name: string; description: string }, now: string): SkillVersionRecord {
    const version: SkillVersionRecord = {
      id: this.nextVersionId(),
      type: "skill_version",
      skill_id: skillId,
      name: upload.name,
      description: upload.description,
      created_at: now,
    };
    this.versions.set(skillId, [...(this.versions.get(skillId) ?? []), version]);
    this.files.set(version.id, upload.files);
    return version;
  }

  async create(r: RouteRequest): Promise<SkillRecord> {
    const upload = await this.upload(r);
    const displayName = r.form?.get("display_name");
    if (displayName !== null && displayName !== undefined && (typeof displayName !== "string" || displayName.length > 255 || /[\r\n]/.test(displayName))) {
      throw invalid("display_name: a single line of at most 255 characters");
    }
    const now = new Date().toISOString();
    const id = newId("skill");
    const version = this.addVersion(id, upload, now);
    const record: SkillRecord = {
      id,
      type: "skill",
      display_name: typeof displayName === "string" && displayName !== "" ? displayName : upload.name,
      latest_version_id: version.id,
      source: { type: "custom" },
      created_at: now,
      updated_at: now,
    };
    this.skills.set(id, record);
    return record;
  }

  async createVersion(id: string, r: RouteRequest): Promise<SkillVersionRecord> {
    const skill = this.get(id);
    const upload = await this.upload(r);
    const slug = this.versionsOf(id)[0]?.name;
    if (slug !== undefined && upload.name !== slug) throw invalid(`SKILL.md: name "${upload.name}" differs from the skill's name "${slug}", which cannot change`);
    const now = new Date().toISOString();
    const version = this.addVersion(id, upload, now);
    this.skills.set(id, { ...skill, latest_version_id: version.id, updated_at: now });
    return version;
  }

  list(query: URLSearchParams): { data: SkillRecord[]; next_page: string | null } {
    const source = query.get("source");
    const all = byCreatedAt(this.skills.values())
      .filter((s) => source === null || source === "" || s.source.type === source)
      .reverse();
    return paginate(all, query);
  }

  delete(id: string): Json {
    if (this.versionsOf(id).length > 0) throw invalid(`skill ${id} still has versions; delete them first`);
    this.skills.delete(id);
    this.versions.delete(id);
    return { id, type: "skill_deleted" };
  }

  deleteVersion(id: string, version: string): Json {
    const found = this.version(id, version);
    const rest = this.versionsOf(id).filter((v) => v.id !== found.id);
    this.versions.set(id, rest);
    this.files.delete(found.id);
    const skill = this.get(id);
    const latest = rest[rest.length - 1];
    if (latest && skill.latest_version_id === found.id) this.skills.set(id, { ...skill, latest_version_id: latest.id });
    return { id: found.id, type: "skill_version_deleted" };
  }

  download(id: string, version: string): RawResponse {
    const found = this.version(id, version);
    const entries = (this.files.get(found.id) ?? []).map((f) => ({ name: `${found.name}/${f.path}`, bytes: new Uint8Array(Buffer.from(f.content, "base64")) }));
    return new RawResponse(zipOf(entries), "application/zip");
  }

  /** The files of one version, by path inside the skill's folder (for tests). */
  filesOf(version: string): Record<string, string> {
    return Object.fromEntries((this.files.get(version) ?? []).map((f) => [f.path, Buffer.from(f.content, "base64").toString("utf8")]));
  }

  /** Undefined when it holds nothing, so that a dump has only the families in use. */
  dump(): SkillsDump | undefined {
    if (this.skills.size === 0 && this.versions.size === 0) return undefined;
    return { skills: Object.fromEntries(this.skills), versions: Object.fromEntries(this.versions), files: Object.fromEntries(this.files) };
  }

  load(data: unknown): void {
    const d = data as SkillsDump;
    for (const [id, s] of Object.entries(d.skills ?? {})) this.skills.set(id, s);
    for (const [id, v] of Object.entries(d.versions ?? {})) this.versions.set(id, v);
    for (const [id, f] of Object.entries(d.files ?? {})) this.files.set(id, f);
  }

  live(): Record<string, string[]> {
    return { skills: [...this.skills.keys()] };
  }
}
