// MemoryStore and Memory hooks against the emulator: the store's own beta header, creates, updates
// under the content precondition (an agent's edit is never overwritten unseen), overwrite, a
// repeated create meeting its own memory, refresh of deleted or archived objects, destroy.
import { WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import type { Props } from "../../provider/kit/values";
import { seenOf } from "../../provider/kit/drift";
import { contentSha256, memoryResource, memorySpec } from "../../provider/resources/memory";
import { memoryStoreResource, memoryStoreSpec } from "../../provider/resources/memory-store";
import { checkAndCreate, checkAndUpdate, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();
const storeProps = (inputs: Props) => sdkInputs("MemoryStore", inputs);
const memProps = (inputs: Props) => sdkInputs("Memory", inputs);
const writes = () => env.emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);

async function newStore(): Promise<string> {
  const { id } = await checkAndCreate(memoryStoreResource, env.ctx(), storeProps({ name: "team-notes" }));
  env.emulator.resetCounts();
  return id;
}

describe("MemoryStore", () => {
  it("creates, updates in place, archives on destroy and is dropped by refresh once archived", async () => {
    const made = await checkAndCreate(memoryStoreResource, env.ctx(), storeProps({ name: "notes", description: "What the team learnt", metadata: { team: "a" } }));
    expect(made.id).toMatch(/^memstore_01/);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/memory_stores", "POST /v1/memory_stores"]);
    expect(env.emulator.requests[0]!.query["created_at[gte]"]).toEqual(expect.any(String));
    expect(made.outs["__seen"]).toEqual(seenOf(memoryStoreSpec, { name: "notes", description: "What the team learnt", metadata: { team: "a" } }));

    env.emulator.resetCounts();
    const updated = await checkAndUpdate(memoryStoreResource, env.ctx(), made.id, made, storeProps({ name: "notes", metadata: { team: "a" } }));
    expect(writes()).toEqual([`POST /v1/memory_stores/${made.id}`]);
    expect(env.emulator.requests.at(-1)!.body).toEqual({ description: null, metadata: { [WRITE_TOKEN_KEY]: expect.any(String) } });
    expect((updated.outs["__seen"] as Props)["description"]).toEqual(seenOf(memoryStoreSpec, { description: null })["description"]);
    const refreshed = await memoryStoreResource.read(env.ctx(), made.id, updated.outs);
    expect(refreshed.inputs).toMatchObject({ name: "notes", metadata: { team: "a" } });
    expect(refreshed.inputs?.["description"]).toBeUndefined();

    env.emulator.resetCounts();
    await memoryStoreResource.delete(env.ctx(), made.id, updated.outs);
    expect(writes()).toEqual([`POST /v1/memory_stores/${made.id}/archive`]);
    expect(await memoryStoreResource.read(env.ctx(), made.id, updated.outs)).toEqual({});
  });
});

describe("Memory", () => {
  it("seeds a memory, updates it under the content precondition, and refuses to overwrite an agent's edit, naming the path", async () => {
    const storeId = await newStore();
    const made = await checkAndCreate(memoryResource, env.ctx(), memProps({ memoryStoreId: storeId, path: "/conventions.md", content: "Use tabs." }));
    expect(made.id).toMatch(/^mem_01/);
    expect(writes()).toEqual([`POST /v1/memory_stores/${storeId}/memories`]);
    expect(made.outs).toMatchObject({ contentSha256: contentSha256("Use tabs."), contentSizeBytes: 9 });
    expect(made.outs["__seen"]).toEqual(seenOf(memorySpec, { memoryStoreId: storeId, path: "/conventions.md", content: "Use tabs." }));

    env.emulator.resetCounts();
    const v2 = await checkAndUpdate(memoryResource, env.ctx(), made.id, made, memProps({ memoryStoreId: storeId, path: "/conventions.md", content: "Use spaces." }));
    expect(writes()).toEqual([`POST /v1/memory_stores/${storeId}/memories/${made.id}`]);
    expect(env.emulator.requests.at(-1)!.body).toEqual({ content: "Use spaces.", precondition: { type: "content_sha256", content_sha256: contentSha256("Use tabs.") } });

    // An agent rewrites the memory.
    env.emulator.memoryStores.updateMemory(storeId, made.id, { content: "Use spaces. Agents learnt: 4 of them." }, { type: "session_actor", session_id: "sesn_x" });
    env.emulator.resetCounts();
    await expect(checkAndUpdate(memoryResource, env.ctx(), made.id, v2, memProps({ memoryStoreId: storeId, path: "/conventions.md", content: "Use 2 spaces." }))).rejects.toThrow(
      new RegExp(`memory /conventions.md in memory store ${storeId} was changed outside Pulumi .*nothing was overwritten`),
    );
    expect(env.emulator.memoryStores.memories.get(made.id)!.content).toBe("Use spaces. Agents learnt: 4 of them.");

    // refresh takes the agent's content in...
    const read = await memoryResource.read(env.ctx(), made.id, v2.outs);
    expect(read.inputs?.["content"]).toBe("Use spaces. Agents learnt: 4 of them.");
    // ...or overwrite: true replaces it.
    env.emulator.resetCounts();
    const forced = await checkAndUpdate(memoryResource, env.ctx(), made.id, v2, memProps({ memoryStoreId: storeId, path: "/conventions.md", content: "Use 2 spaces.", overwrite: true }));
    expect(env.emulator.requests.at(-1)!.body).toEqual({ content: "Use 2 spaces." });
    expect(forced.outs["contentSha256"]).toBe(contentSha256("Use 2 spaces."));

    // A rename is an update in place.
    env.emulator.resetCounts();
    const renamed = await checkAndUpdate(memoryResource, env.ctx(), made.id, forced, memProps({ memoryStoreId: storeId, path: "/style/conventions.md", content: "Use 2 spaces." }));
    expect(env.emulator.requests.at(-1)!.body).toEqual({ path: "/style/conventions.md", precondition: { type: "content_sha256", content_sha256: contentSha256("Use 2 spaces.") } });
    expect(await memoryResource.diff(made.id, renamed.outs, memProps({ memoryStoreId: "memstore_other", path: "/style/conventions.md", content: "Use 2 spaces." }))).toEqual({
      changes: true,
      replaces: ["memoryStoreId"],
      deleteBeforeReplace: false,
      detailedDiff: { memoryStoreId: "update-replace" },
    });

    env.emulator.resetCounts();
    await memoryResource.delete(env.ctx(), made.id, renamed.outs);
    expect(writes()).toEqual([`DELETE /v1/memory_stores/${storeId}/memories/${made.id}`]);
    expect(await memoryResource.read(env.ctx(), made.id, renamed.outs)).toEqual({});
    await memoryResource.delete(env.ctx(), made.id, renamed.outs);
  });

  it("a repeated create meets its own memory and takes it over; another memory at the path is not overwritten", async () => {
    const storeId = await newStore();
    env.emulator.injectFault({ method: "POST", path: `/v1/memory_stores/${storeId}/memories`, kind: "commit-then-drop" });
    const made = await checkAndCreate(memoryResource, env.ctx(), memProps({ memoryStoreId: storeId, path: "/a.md", content: "A" }));
    expect(writes()).toEqual([`POST /v1/memory_stores/${storeId}/memories`, `POST /v1/memory_stores/${storeId}/memories`]);
    expect([...env.emulator.memoryStores.memories.values()].filter((m) => m.memory_store_id === storeId).map((m) => m.id)).toEqual([made.id]);

    env.emulator.memoryStores.createMemory(storeId, { path: "/b.md", content: "someone else's" });
    await expect(checkAndCreate(memoryResource, env.ctx(), memProps({ memoryStoreId: storeId, path: "/b.md", content: "mine" }))).rejects.toThrow(/memory \/b.md .* already exists .* with other content; nothing was overwritten/);
    const taken = await checkAndCreate(memoryResource, env.ctx(), memProps({ memoryStoreId: storeId, path: "/b.md", content: "mine", overwrite: true }));
    expect(env.emulator.memoryStores.memories.get(taken.id)!.content).toBe("mine");
  });

  it("fails check on a bad path without a request", async () => {
    const { failures } = await memoryResource.check({}, memProps({ memoryStoreId: "memstore_x", path: "notes.md", content: "x", overwite: true }));
    expect(failures.map((f) => f.property)).toEqual(["path", "(inputs)"]);
    expect(env.emulator.count()).toBe(0);
  });
});
