// Two promises of the SDK's doc comments the emulator keeps (issue 18, item 5), each through the
// official client: a heartbeat with `expected_last_heartbeat: "NO_HEARTBEAT"` claims a lease no
// heartbeat has held (environments/work.d.ts; the SDK's own worker sends it on its first beat),
// and the memory store routes accept `managed-agents-2026-04-01` as well as
// `agent-memory-2026-07-22` ("requests must send agent-memory-2026-07-22 or
// managed-agents-2026-04-01").
import { BETA } from "../../emulator/server";
import { useCheckedSdk } from "./validating-client";

const sdk = useCheckedSdk();

async function ackedWork(): Promise<{ workId: string; envId: string }> {
  const env = await sdk.client.beta.environments.create({ name: "hosted", config: { type: "self_hosted" } });
  const agent = await sdk.client.beta.agents.create({ name: "worker", model: "claude-sonnet-4-6" });
  await sdk.client.beta.sessions.create({ agent: agent.id, environment_id: env.id });
  const polled = await sdk.client.beta.environments.work.poll(env.id, { block_ms: 100 });
  await sdk.client.beta.environments.work.ack(polled!.id, { environment_id: env.id });
  return { workId: polled!.id, envId: env.id };
}

describe("work leases", () => {
  it("a first heartbeat with NO_HEARTBEAT claims the lease; the next names the last heartbeat", async () => {
    const { workId, envId } = await ackedWork();
    const first = await sdk.client.beta.environments.work.heartbeat(workId, { environment_id: envId, expected_last_heartbeat: "NO_HEARTBEAT" });
    expect(first).toMatchObject({ type: "work_heartbeat", lease_extended: true, state: "active", last_heartbeat: expect.any(String) });
    const second = await sdk.client.beta.environments.work.heartbeat(workId, { environment_id: envId, expected_last_heartbeat: first.last_heartbeat });
    expect(second.lease_extended).toBe(true);
  });

  it("NO_HEARTBEAT on a lease a heartbeat already holds is a 412 naming the lease as the server holds it", async () => {
    const { workId, envId } = await ackedWork();
    const held = await sdk.client.beta.environments.work.heartbeat(workId, { environment_id: envId, expected_last_heartbeat: "NO_HEARTBEAT" });
    const refused = sdk.client.beta.environments.work.heartbeat(workId, { environment_id: envId, expected_last_heartbeat: "NO_HEARTBEAT" });
    await expect(refused).rejects.toMatchObject({
      status: 412,
      errorCode: "heartbeat_precondition_failed",
      details: { current_state: { last_heartbeat: held.last_heartbeat, state: "active" } },
    });
  });

  it("a stopping or stopped item's heartbeat is not compared", async () => {
    const { workId, envId } = await ackedWork();
    await sdk.client.beta.environments.work.heartbeat(workId, { environment_id: envId, expected_last_heartbeat: "NO_HEARTBEAT" });
    await sdk.client.beta.environments.work.stop(workId, { environment_id: envId });
    const stopping = await sdk.client.beta.environments.work.heartbeat(workId, { environment_id: envId, expected_last_heartbeat: "2020-01-01T00:00:00Z" });
    expect(stopping.state).toBe("stopping");
    await sdk.client.beta.environments.work.stop(workId, { environment_id: envId, force: true });
    const stopped = await sdk.client.beta.environments.work.heartbeat(workId, { environment_id: envId, expected_last_heartbeat: "NO_HEARTBEAT" });
    expect(stopped).toMatchObject({ state: "stopped", lease_extended: false });
  });
});

describe("memory store betas", () => {
  const managedOnly = { headers: { "anthropic-beta": BETA } };

  it("every memory store route takes the Managed Agents beta alone", async () => {
    const store = await sdk.client.beta.memoryStores.create({ name: "notes" }, managedOnly);
    expect(await sdk.client.beta.memoryStores.retrieve(store.id, {}, managedOnly)).toEqual(store);
    expect((await sdk.client.beta.memoryStores.update(store.id, { description: "d" }, managedOnly)).description).toBe("d");
    const listed = [];
    for await (const s of sdk.client.beta.memoryStores.list({}, managedOnly)) listed.push(s.id);
    expect(listed).toContain(store.id);
    const memory = await sdk.client.beta.memoryStores.memories.create(store.id, { path: "/a.md", content: "one" }, managedOnly);
    await sdk.client.beta.memoryStores.memories.update(memory.id, { memory_store_id: store.id, content: "two" }, managedOnly);
    expect((await sdk.client.beta.memoryStores.memories.retrieve(memory.id, { memory_store_id: store.id }, managedOnly)).content).toBe("two");
    const versions = [];
    for await (const v of sdk.client.beta.memoryStores.memoryVersions.list(store.id, {}, managedOnly)) versions.push(v);
    expect(versions).toHaveLength(2);
    const old = versions.find((v) => v.operation === "created")!;
    expect((await sdk.client.beta.memoryStores.memoryVersions.retrieve(old.id, { memory_store_id: store.id }, managedOnly)).id).toBe(old.id);
    expect((await sdk.client.beta.memoryStores.memoryVersions.redact(old.id, { memory_store_id: store.id }, managedOnly)).redacted_at).toEqual(expect.any(String));
    await sdk.client.beta.memoryStores.memories.delete(memory.id, { memory_store_id: store.id }, managedOnly);
    expect((await sdk.client.beta.memoryStores.archive(store.id, {}, managedOnly)).archived_at).toEqual(expect.any(String));
    expect(await sdk.client.beta.memoryStores.delete(store.id, {}, managedOnly)).toEqual({ id: store.id, type: "memory_store_deleted" });
  });

  it("the memory beta the SDK sends still serves, and without either, a 400 names both", async () => {
    const store = await sdk.client.beta.memoryStores.create({ name: "sdk-default" });
    expect((await sdk.client.beta.memoryStores.retrieve(store.id)).id).toBe(store.id);
    const other = sdk.client.beta.memoryStores.retrieve(store.id, {}, { headers: { "anthropic-beta": "files-api-2025-04-14" } });
    await expect(other).rejects.toMatchObject({
      status: 400,
      error: { error: { message: `this endpoint is in beta: requests must send "anthropic-beta: agent-memory-2026-07-22" or "${BETA}"` } },
    });
  });
});
