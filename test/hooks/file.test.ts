// File hooks against the emulator: the bytes' sha256 computed at check (0 requests), a multipart
// upload with the Files API's beta header, replacement on new bytes, nothing on a new path to the
// same bytes, refresh of a deleted file, a lost upload answer, destroy.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { fileResource, sha256Of } from "../../provider/resources/file";
import { checkAndCreate, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();
const props = (inputs: Props) => sdkInputs("File", inputs);
const dir = fs.mkdtempSync(path.join(os.tmpdir(), "file-hooks-"));
const write = (name: string, text: string) => {
  const p = path.join(dir, name);
  fs.writeFileSync(p, text);
  return p;
};

describe("check", () => {
  it("computes the sha256 of the bytes without a request, and fails on a missing source, on both or neither source and content", async () => {
    const source = write("notes.md", "# Notes\n");
    const ok = await fileResource.check({}, props({ source, filename: "notes.md" }));
    expect(ok.failures).toEqual([]);
    expect(ok.inputs["sha256"]).toBe(sha256Of(Buffer.from("# Notes\n")));
    const inline = await fileResource.check({}, props({ content: "# Notes\n", filename: "notes.md" }));
    expect(inline.inputs["sha256"]).toBe(ok.inputs["sha256"]);

    const missing = await fileResource.check({}, props({ source: path.join(dir, "nope.md"), filename: "nope.md" }));
    expect(missing.failures).toEqual([{ property: "source", reason: `cannot read ${path.join(dir, "nope.md")}: ENOENT` }]);
    const both = await fileResource.check({}, props({ source, content: "x", filename: "x.md" }));
    expect(both.failures).toEqual([{ property: "source", reason: "give exactly one of source (a local path) and content (a string)" }]);
    const given = await fileResource.check({}, props({ content: "x", filename: "x.md", sha256: "0".repeat(64) }));
    // Computed: a value the program gives is replaced by the bytes' own (the SDK does not offer it as an argument).
    expect(given.failures).toEqual([]);
    expect(given.inputs["sha256"]).toBe(sha256Of(Buffer.from("x")));
    const unknown = await fileResource.check({}, props({ source: UNKNOWN, filename: "x.md" }));
    expect(unknown.failures).toEqual([]);
    expect(unknown.inputs["sha256"]).toBe(UNKNOWN);
    expect(env.emulator.count()).toBe(0);
  });
});

describe("create, diff, read, delete", () => {
  it("uploads multipart with the Files beta, replaces on new bytes only, drops a deleted file on refresh", async () => {
    const source = write("guide.md", "v1 of the guide");
    const made = await checkAndCreate(fileResource, env.ctx(), props({ source, filename: "guide.md" }));
    expect(made.id).toMatch(/^file_01/);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/files"]);
    expect(env.emulator.requests[0]!.body).toEqual({ file: "(multipart)" });
    expect(env.emulator.files.bytesOf(made.id)!.toString()).toBe("v1 of the guide");
    expect(made.outs).toMatchObject({ sizeBytes: 15, mimeType: "text/markdown", downloadable: false, expiresAt: null, sha256: sha256Of(Buffer.from("v1 of the guide")) });

    // The same bytes from another path: no change at all... (a recorded option, no call)
    const copy = write("copy.md", "v1 of the guide");
    const moved = await fileResource.check(made.checked, props({ source: copy, filename: "guide.md" }));
    expect(await fileResource.diff(made.id, made.outs, moved.inputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { source: "update" } });
    env.emulator.resetCounts();
    await fileResource.update(env.ctx(), made.id, made.outs, moved.inputs);
    expect(env.emulator.count()).toBe(0);
    // ...new bytes replace it.
    fs.writeFileSync(source, "v2 of the guide");
    const changed = await fileResource.check(made.checked, props({ source, filename: "guide.md" }));
    expect(await fileResource.diff(made.id, made.outs, changed.inputs)).toEqual({ changes: true, replaces: ["sha256"], deleteBeforeReplace: false, detailedDiff: { sha256: "update-replace" } });
    expect((await fileResource.diff(made.id, made.outs, props({ ...made.checked, filename: "other.md" }))).replaces).toEqual(["filename"]);

    // Bytes changed between preview and up: nothing is uploaded.
    fs.writeFileSync(source, "v3 of the guide");
    env.emulator.resetCounts();
    await expect(fileResource.create(env.ctx(), changed.inputs)).rejects.toThrow(/changed after the preview computed its sha256; nothing was uploaded/);
    expect(env.emulator.count()).toBe(0);

    expect((await fileResource.read(env.ctx(), made.id, made.outs)).id).toBe(made.id);
    env.emulator.resetCounts();
    await fileResource.delete(env.ctx(), made.id, made.outs);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`DELETE /v1/files/${made.id}`]);
    expect(await fileResource.read(env.ctx(), made.id, made.outs)).toEqual({});
    await fileResource.delete(env.ctx(), made.id, made.outs);
  });

  it("after a lost upload answer finds the upload instead of sending it twice", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/files", kind: "commit-then-drop" });
    const made = await checkAndCreate(fileResource, env.ctx(), props({ content: "lost answer", filename: "lost.txt", expiresInSeconds: 7200 }));
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["POST /v1/files", "GET /v1/files"]);
    expect([...env.emulator.files.files.values()].filter((f) => f.record.filename === "lost.txt").map((f) => f.record.id)).toEqual([made.id]);
    expect(made.outs["expiresAt"]).toEqual(expect.any(String));
  });
});
