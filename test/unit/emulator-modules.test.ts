// The emulator's vault, file and memory-store families in dump/load and live(): a dump restores
// every object (secrets, bytes and versions included) into a new emulator; an empty family leaves
// no trace in a dump; live() lists what exists and is not archived.
import { startEmulator, type Emulator } from "../../emulator/server";

const started: Emulator[] = [];
const emulator = async () => {
  const e = await startEmulator();
  started.push(e);
  return e;
};
afterAll(async () => {
  for (const e of started) await e.stop();
});

it("dump and load keep vaults with their secrets, files with their bytes, stores with memories and versions", async () => {
  const e = await emulator();
  expect(e.dump().modules).toBeUndefined();
  const vault = e.vaults.store.createVault({ display_name: "v" });
  const credential = e.vaults.store.createCredential(vault.id, { auth: { type: "static_bearer", mcp_server_url: "https://m.example", token: "tok" } });
  const file = e.files.produce("a.txt", Buffer.from("abc"), "text/plain");
  const store = e.memoryStores.createStore({ name: "s" });
  const memory = e.memoryStores.createMemory(store.id, { path: "/a.md", content: "one" });
  e.memoryStores.updateMemory(store.id, memory.id, { content: "two" });

  const copy = await emulator();
  copy.load(e.dump());
  expect(copy.dump()).toEqual(e.dump());
  expect(copy.vaults.store.secretsOf(credential.id)).toEqual({ "auth.token": "tok" });
  expect(copy.files.bytesOf(file.id)!.toString()).toBe("abc");
  expect(copy.memoryStores.memories.get(memory.id)!.content).toBe("two");
  expect(copy.live()).toEqual({
    agents: [],
    environments: [],
    sessions: [],
    vaults: [vault.id],
    credentials: [credential.id],
    files: [file.id],
    memory_stores: [store.id],
    memories: [memory.id],
  });

  copy.vaults.store.archiveVault(vault.id);
  copy.files.delete(file.id);
  copy.memoryStores.archiveStore(store.id);
  expect(copy.live()).toEqual({ agents: [], environments: [], sessions: [] });
});
