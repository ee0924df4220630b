// Every Skill hook against the emulator, with exact request counts. Each test works on its own
// copy of the fixture folder, since editing a file is how a skill changes.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { DriftError } from "../../provider/kit/drift";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { CHANGED_OUTSIDE, skillResource } from "../../provider/resources/skill";
import { checkAndCreate, checkAndUpdate, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();
const FIXTURE = path.join(__dirname, "..", "fixtures", "skills", "triage-rules");

function copyFixture(): string {
  const dir = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "skill-")), "triage-rules");
  fs.cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

const props = (inputs: Props) => sdkInputs("Skill", inputs);
const requests = () => env.emulator.requests.map((r) => `${r.method} ${r.path}`);
const edit = (dir: string) => fs.appendFileSync(path.join(dir, "SKILL.md"), "3. Close duplicates.\n");

describe("check", () => {
  it("hashes the folder with 0 requests; a changed file changes the hash", async () => {
    const dir = copyFixture();
    const first = await skillResource.check({}, props({ directory: dir }));
    expect(first.failures).toEqual([]);
    expect(first.inputs["contentHash"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    // The same content elsewhere: the same hash (paths inside the folder count, not where it is).
    const elsewhere = await skillResource.check({}, props({ directory: FIXTURE }));
    expect(elsewhere.inputs["contentHash"]).toBe(first.inputs["contentHash"]);
    edit(dir);
    const second = await skillResource.check({}, props({ directory: dir }));
    expect(second.inputs["contentHash"]).not.toBe(first.inputs["contentHash"]);
    expect(env.emulator.count()).toBe(0);
  });

  it("names the directory when it cannot be a skill, with every other problem, and 0 requests", async () => {
    const empty = fs.mkdtempSync(path.join(os.tmpdir(), "no-skill-"));
    const missing = await skillResource.check({}, props({ directory: path.join(empty, "absent") }));
    expect(missing.failures).toEqual([{ property: "directory", reason: `no such directory: ${JSON.stringify(path.join(empty, "absent"))}` }]);
    const noSkillMd = await skillResource.check({}, props({ directory: empty, displayName: "a\nb" }));
    expect(noSkillMd.failures.map((f) => f.property)).toEqual(["displayName"]);
    const onlyFolder = await skillResource.check({}, props({ directory: empty }));
    expect(onlyFolder.failures).toEqual([{ property: "directory", reason: `${JSON.stringify(empty)} has no SKILL.md at its root (the API requires one)` }]);
    expect(env.emulator.count()).toBe(0);
  });

  it("computes the skill's name; a name that is not kebab-case fails on directory", async () => {
    const dir = copyFixture();
    expect((await skillResource.check({}, props({ directory: dir }))).inputs["name"]).toBe("triage-rules");
    fs.writeFileSync(path.join(dir, "SKILL.md"), "---\nname: Triage Rules\ndescription: x\n---\n");
    expect((await skillResource.check({}, props({ directory: dir }))).failures).toEqual([
      {
        property: "directory",
        reason: 'the skill\'s name "Triage Rules" (SKILL.md frontmatter name) must be kebab-case: lowercase letters, digits and single hyphens',
      },
    ]);
  });

  it("discards a contentHash given by the program, and leaves an unknown directory's hash unknown", async () => {
    const given = await skillResource.check({}, props({ directory: FIXTURE, contentHash: "sha256:mine" }));
    expect(given.inputs["contentHash"]).not.toBe("sha256:mine");
    const unknown = await skillResource.check({}, props({ directory: UNKNOWN }));
    expect(unknown.failures).toEqual([]);
    expect(unknown.inputs["contentHash"]).toBe(UNKNOWN);
  });
});

describe("create, diff, update, read, delete", () => {
  it("uploads the folder as multipart under one top-level folder; the files never enter state", async () => {
    const dir = copyFixture();
    const { id, outs } = await checkAndCreate(skillResource, env.ctx(), props({ directory: dir, displayName: "Triage rules" }));
    expect(id).toMatch(/^skill_01/);
    const latest = outs["latestVersion"] as string;
    expect(requests()).toEqual(["POST /v1/skills", `GET /v1/skills/${id}/versions/${latest}`]);
    expect(env.emulator.requests[0]!.body).toEqual({ display_name: "(multipart)", "files[]": "(multipart)" });
    expect(env.emulator.skills.filesOf(latest)).toEqual({
      "SKILL.md": fs.readFileSync(path.join(FIXTURE, "SKILL.md"), "utf8"),
      "scripts/labels.py": fs.readFileSync(path.join(FIXTURE, "scripts", "labels.py"), "utf8"),
    });
    expect(outs["versions"]).toEqual([latest]);
    // No field of a skill is compared by refresh (its versions are): nothing else is kept of it.
    expect(outs["resolved"]).toBeUndefined();
    expect(outs["__seen"]).toEqual({});
    expect(JSON.stringify(outs)).not.toContain("Route security reports");
  });

  it("a changed file: diff says update (never replace), and update makes version 2 of the same skill", async () => {
    const dir = copyFixture();
    const created = await checkAndCreate(skillResource, env.ctx(), props({ directory: dir }));
    const unchanged = await skillResource.check(created.checked, props({ directory: dir }));
    expect(await skillResource.diff(created.id, created.outs, unchanged.inputs)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false, detailedDiff: {} });

    edit(dir);
    const edited = await skillResource.check(created.checked, props({ directory: dir }));
    expect(await skillResource.diff(created.id, created.outs, edited.inputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { contentHash: "update" } });
    const renamed = await skillResource.check(created.checked, props({ directory: dir, displayName: "Other" }));
    expect((await skillResource.diff(created.id, created.outs, renamed.inputs)).replaces).toEqual(["displayName"]);
    // A new name in SKILL.md: the API never renames a skill, so it is a new one.
    const other = copyFixture();
    fs.writeFileSync(path.join(other, "SKILL.md"), fs.readFileSync(path.join(dir, "SKILL.md"), "utf8").replace("name: triage-rules", "name: issue-triage"));
    const slug = await skillResource.check(created.checked, props({ directory: other }));
    expect((await skillResource.diff(created.id, created.outs, slug.inputs)).replaces).toEqual(["name"]);

    env.emulator.resetCounts();
    const { outs } = await checkAndUpdate(skillResource, env.ctx(), created.id, created, props({ directory: dir }));
    const v2 = outs["latestVersion"] as string;
    expect(requests()).toEqual([`GET /v1/skills/${created.id}`, `POST /v1/skills/${created.id}/versions`, `GET /v1/skills/${created.id}`]);
    expect(outs["versions"]).toEqual([created.outs["latestVersion"], v2]);
    expect(env.emulator.skills.get(created.id).latest_version_id).toBe(v2);
    expect(env.emulator.skills.filesOf(v2)["SKILL.md"]).toContain("3. Close duplicates.");
  });

  it("moving the folder is no API call", async () => {
    const dir = copyFixture();
    const created = await checkAndCreate(skillResource, env.ctx(), props({ directory: dir }));
    const moved = copyFixture();
    env.emulator.resetCounts();
    const { outs } = await checkAndUpdate(skillResource, env.ctx(), created.id, created, props({ directory: moved }));
    expect(env.emulator.count()).toBe(0);
    expect(outs["latestVersion"]).toBe(created.outs["latestVersion"]);
  });

  it("refuses to upload files that changed after the check", async () => {
    const dir = copyFixture();
    const created = await checkAndCreate(skillResource, env.ctx(), props({ directory: dir }));
    edit(dir);
    const { inputs } = await skillResource.check(created.checked, props({ directory: dir }));
    edit(dir);
    env.emulator.resetCounts();
    await expect(skillResource.update(env.ctx(), created.id, created.outs, inputs)).rejects.toThrow(/changed while `pulumi up` ran .* nothing was uploaded/);
    expect(env.emulator.count("POST")).toBe(0);
  });

  it("refresh: a version uploaded outside Pulumi shows as a content change; the update refuses until refreshed", async () => {
    const dir = copyFixture();
    const created = await checkAndCreate(skillResource, env.ctx(), props({ directory: dir }));
    const same = await skillResource.read(env.ctx(), created.id, created.outs);
    expect(same.inputs?.["contentHash"]).toBe(created.checked["contentHash"]);

    const form = new FormData();
    form.append("files[]", new Blob([fs.readFileSync(path.join(dir, "SKILL.md"))]), "triage-rules/SKILL.md");
    await fetch(`${env.emulator.url}/v1/skills/${created.id}/versions`, { method: "POST", body: form, headers: { "x-api-key": "k", "anthropic-beta": "skills-2025-10-02" } });
    const outside = env.emulator.skills.get(created.id).latest_version_id;

    edit(dir);
    const { inputs } = await skillResource.check(created.checked, props({ directory: dir }));
    env.emulator.resetCounts();
    await expect(skillResource.update(env.ctx(), created.id, created.outs, inputs)).rejects.toThrow(DriftError);
    expect(env.emulator.count("POST")).toBe(0);

    const refreshed = await skillResource.read(env.ctx(), created.id, created.outs);
    expect(refreshed.inputs?.["contentHash"]).toBe(`${CHANGED_OUTSIDE} (latest version ${outside})`);
    expect(refreshed.props?.["versions"]).toHaveLength(2);
    expect((await skillResource.diff(created.id, refreshed.props!, inputs)).changes).toBe(true);
    const { outs } = await skillResource.update(env.ctx(), created.id, refreshed.props!, inputs);
    expect(outs["versions"]).toHaveLength(3);
  });

  it("a lost create answer: the skill is found again, not uploaded twice", async () => {
    const dir = copyFixture();
    env.emulator.injectFault({ method: "POST", path: "/v1/skills", kind: "commit-then-drop" });
    const { id } = await checkAndCreate(skillResource, env.ctx(), props({ directory: dir, displayName: "Lost answer" }));
    expect(env.emulator.count("POST", "/v1/skills")).toBe(1);
    expect([...env.emulator.skills.skills.values()].filter((s) => s.display_name === "Lost answer").map((s) => s.id)).toEqual([id]);
  });

  it("delete removes every version, then the skill; a second delete succeeds", async () => {
    const dir = copyFixture();
    const created = await checkAndCreate(skillResource, env.ctx(), props({ directory: dir }));
    edit(dir);
    const { outs } = await checkAndUpdate(skillResource, env.ctx(), created.id, created, props({ directory: dir }));
    const [v1, v2] = outs["versions"] as string[];
    env.emulator.resetCounts();
    await skillResource.delete(env.ctx(), created.id, outs);
    expect(requests()).toEqual([
      `GET /v1/skills/${created.id}/versions`,
      `DELETE /v1/skills/${created.id}/versions/${v1}`,
      `DELETE /v1/skills/${created.id}/versions/${v2}`,
      `DELETE /v1/skills/${created.id}`,
    ]);
    expect(env.emulator.skills.skills.has(created.id)).toBe(false);
    await skillResource.delete(env.ctx(), created.id, outs);
    expect(await skillResource.read(env.ctx(), created.id, outs)).toEqual({});
  });
});
