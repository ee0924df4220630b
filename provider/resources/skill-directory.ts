// A skill's local folder: its files as the API receives them (every path under one top-level
// folder named after the directory, `SKILL.md` at its root) and a content hash over them. Read at
// `check` (the hash, so a changed file shows in the preview) and again at `create` / `update`
// (the upload); the files themselves never enter state. Symbolic links are followed only inside the
// folder (`listFiles`).
import { createHash } from "node:crypto";
import * as fs from "node:fs";
import * as path from "node:path";
import type { UploadFile } from "../api/skills";
import { quote } from "../kit/quote";

export const SKILL_FILE = "SKILL.md";

export interface SkillFolder {
  /** Absolute path of the folder. */
  root: string;
  files: UploadFile[];
  /** `sha256:<hex>` over every file's relative path and bytes, in path order. */
  hash: string;
  /** The frontmatter `name` of SKILL.md, if any (the API's slug; else the folder's name). */
  name: string;
  /** The frontmatter `description` of SKILL.md ("" when absent). */
  description: string;
}

/** Why a folder cannot be uploaded as a skill (a `check` failure), or undefined. */
export class SkillFolderError extends Error {}

/** Whether `target` (a real path) is `root` (a real path) or inside it. */
function inside(root: string, target: string): boolean {
  return target === root || target.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
}

/**
 * The files under `root`, relative with forward slashes, sorted, each with the path its bytes are
 * read from; `.git` folders skipped. A symbolic link is followed only when what it points to is
 * inside the folder: the file it names is uploaded under the link's own path (a copy), the folder
 * it names is walked under it. A link out of the folder, a link to nothing and a cycle of links
 * fail: nothing outside the skill's folder is ever read, hashed or uploaded.
 */
function listFiles(root: string): Array<{ rel: string; source: string }> {
  const realRoot = fs.realpathSync(root);
  const out: Array<{ rel: string; source: string }> = [];
  const walking = new Set<string>();
  const walk = (dir: string, rel: string) => {
    const real = fs.realpathSync(dir);
    if (walking.has(real)) throw new SkillFolderError(`${quote(rel)} in ${quote(root)} is a symbolic link to a folder that contains it (a cycle)`);
    walking.add(real);
    const entries = fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const child = rel === "" ? entry.name : `${rel}/${entry.name}`;
      let source = path.join(dir, entry.name);
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = fs.realpathSync(source);
        } catch {
          throw new SkillFolderError(`${quote(child)} in ${quote(root)} is a symbolic link to nothing`);
        }
        if (!inside(realRoot, target)) {
          throw new SkillFolderError(`${quote(child)} in ${quote(root)} is a symbolic link out of the skill's folder (to ${quote(target)}): links may only point inside it`);
        }
        source = target;
      }
      const stat = fs.statSync(source);
      if (stat.isDirectory()) {
        if (entry.name !== ".git") walk(source, child);
      } else if (stat.isFile()) out.push({ rel: child, source });
    }
    walking.delete(real);
  };
  walk(root, "");
  return out;
}

/** `name:` and `description:` of a `---` frontmatter block (single-line values, quotes removed). */
export function frontmatter(text: string): { name?: string; description?: string } {
  const block = /^---\r?\n([\s\S]*?)\r?\n---/.exec(text.replace(/^\uFEFF/, ""));
  if (!block) return {};
  const out: { name?: string; description?: string } = {};
  for (const line of block[1]!.split(/\r?\n/)) {
    const m = /^(name|description):\s*(.*)$/.exec(line);
    const value = m?.[2]?.trim().replace(/^(["'])(.*)\1$/, "$2");
    if (value !== undefined && m?.[1] === "name") out.name = value;
    else if (value !== undefined && m?.[1] === "description") out.description = value;
  }
  return out;
}

export function contentHash(files: readonly UploadFile[], prefixLength: number): string {
  const h = createHash("sha256");
  for (const f of files) {
    h.update(f.name.slice(prefixLength));
    h.update("\u0000");
    h.update(String(f.bytes.length));
    h.update("\u0000");
    h.update(f.bytes);
  }
  return `sha256:${h.digest("hex")}`;
}

/**
 * Reads a skill folder (relative paths from the current directory: the Pulumi project's, where
 * the provider process runs). Throws `SkillFolderError` for a folder that cannot be a skill.
 */
export function readSkillFolder(directory: string): SkillFolder {
  const root = path.resolve(directory);
  let stat: fs.Stats;
  try {
    stat = fs.statSync(root);
  } catch {
    throw new SkillFolderError(`no such directory: ${quote(root)}`);
  }
  if (!stat.isDirectory()) throw new SkillFolderError(`not a directory: ${quote(root)}`);
  // Before the walk: a folder that is no skill (a project root) fails at once, not after node_modules.
  if (!fs.existsSync(path.join(root, SKILL_FILE))) throw new SkillFolderError(`${quote(root)} has no ${SKILL_FILE} at its root (the API requires one)`);
  const listed = listFiles(root);
  if (!listed.some((f) => f.rel === SKILL_FILE)) throw new SkillFolderError(`${quote(root)} has no ${SKILL_FILE} at its root (the API requires one)`);
  const top = path.basename(root);
  const files = listed.map((f) => ({ name: `${top}/${f.rel}`, bytes: new Uint8Array(fs.readFileSync(f.source)) }));
  const skillMd = Buffer.from(files.find((f) => f.name === `${top}/${SKILL_FILE}`)!.bytes).toString("utf8");
  const meta = frontmatter(skillMd);
  const name = meta.name ?? top;
  if (!/^[a-z0-9]+(-[a-z0-9]+)*$/.test(name)) {
    throw new SkillFolderError(
      `the skill's name ${quote(name)} (${meta.name !== undefined ? "SKILL.md frontmatter name" : "the folder's name, as SKILL.md gives none"}) must be kebab-case: lowercase letters, digits and single hyphens`,
    );
  }
  return { root, files, hash: contentHash(files, top.length + 1), name, description: meta.description ?? "" };
}
