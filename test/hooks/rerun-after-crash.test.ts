// A run killed between the API's commit and the state write, for the vault, credential, memory
// store and memory kinds: the next run's create (same stack seed, same URN, fresh process state)
// finds what the lost run made and takes it over: no second object, no orphan. A file cannot carry
// a create token (README, "File"): its rerun uploads again, which this test records too.
import { LookupCache } from "../../provider/kit/lookups";
import type { RuntimeHooks } from "../../provider/kit/resource";
import type { Props } from "../../provider/kit/values";
import { fileResource } from "../../provider/resources/file";
import { memoryResource } from "../../provider/resources/memory";
import { memoryStoreResource } from "../../provider/resources/memory-store";
import { vaultResource } from "../../provider/resources/vault";
import { vaultCredentialResource } from "../../provider/resources/vault-credential";
import { checkAndCreate, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();
let n = 0;

/** Two creates of one resource, each as a fresh `up` would make it; what the API got. */
async function twice(kind: string, hooks: RuntimeHooks, inputs: Props): Promise<{ ids: string[]; creates: number }> {
  const urn = `urn:pulumi:test::hooks::pulumi-nodejs:dynamic/anthropic:${kind}::crash${++n}`;
  const props = sdkInputs(kind, inputs, { urn });
  const first = await checkAndCreate(hooks, env.ctx({ operation: { lookups: new LookupCache() } }), props);
  env.emulator.resetCounts();
  const second = await checkAndCreate(hooks, env.ctx({ operation: { lookups: new LookupCache() } }), props);
  const creates = env.emulator.requests.filter((r) => r.method === "POST" && /\/(vaults|credentials|memory_stores|memories|files)$/.test(r.path)).length;
  return { ids: [first.id, second.id], creates };
}

it("a vault, a credential, a memory store and a memory made by a lost run are taken over by the next", async () => {
  const vault = await twice("Vault", vaultResource, { displayName: "crash" });
  expect(vault.ids[1]).toBe(vault.ids[0]);
  expect(vault.creates).toBe(0);

  const credential = await twice("VaultCredential", vaultCredentialResource, {
    vaultId: vault.ids[0],
    auth: { type: "static_bearer", mcpServerUrl: "https://m.example", token: "tok_crash_1" },
  });
  expect(credential.ids[1]).toBe(credential.ids[0]);
  expect(credential.creates).toBe(0);

  const store = await twice("MemoryStore", memoryStoreResource, { name: "crash" });
  expect(store.ids[1]).toBe(store.ids[0]);
  expect(store.creates).toBe(0);

  // A memory's path is its identity: the repeat meets the same content at the path and keeps it.
  const memory = await twice("Memory", memoryResource, { memoryStoreId: store.ids[0], path: "/crash.md", content: "same" });
  expect(memory.ids[1]).toBe(memory.ids[0]);
  expect([...env.emulator.memoryStores.memories.values()].filter((m) => m.memory_store_id === store.ids[0])).toHaveLength(1);
});

it("a file made by a lost run is uploaded again (no metadata to carry a token): the known limit", async () => {
  const file = await twice("File", fileResource, { content: "crash", filename: "crash.txt" });
  expect(file.ids[1]).not.toBe(file.ids[0]);
  expect(file.creates).toBe(1);
});
