// The official SDK client drives session threads, self-hosted environment work, dreams and MCP
// tunnels with their certificates against the emulator; every 2xx answer is checked against the
// SDK's response types.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import Anthropic from "@anthropic-ai/sdk";
import { startEmulator, type Emulator } from "../../emulator/server";
import { validatingClient, type ValidatingClient } from "./validating-client";

let emulator: Emulator;
let client: Anthropic;
let checks: ValidatingClient;

beforeAll(async () => {
  emulator = await startEmulator({ sessionRunMs: 400 });
  checks = validatingClient(emulator.url);
  client = checks.client;
});
afterAll(() => emulator.stop());
afterAll(() => {
  expect(checks.problems).toEqual([]);
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fixture = (name: string) => readFileSync(path.join(__dirname, "..", "fixtures", name), "utf8");

async function all<T>(page: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of page) out.push(x);
  return out;
}

async function session(config: Anthropic.Beta.EnvironmentCreateParams["config"] = { type: "cloud" }) {
  const env = await client.beta.environments.create({ name: "threads", config });
  const agent = await client.beta.agents.create({ name: "threaded", model: "claude-sonnet-4-6" });
  return client.beta.sessions.create({ agent: agent.id, environment_id: env.id });
}

it("session threads: the primary thread lists, retrieves, follows the session, lists and streams its events, archives", async () => {
  const s = await session();
  const threads = await all(client.beta.sessions.threads.list(s.id));
  expect(threads).toHaveLength(1);
  const primary = threads[0]!;
  expect(primary).toMatchObject({ type: "session_thread", session_id: s.id, parent_thread_id: null, status: "idle", agent: { id: s.agent.id } });
  expect(await client.beta.sessions.threads.retrieve(primary.id, { session_id: s.id })).toEqual(primary);

  const stream = await client.beta.sessions.threads.events.stream(primary.id, { session_id: s.id });
  const streamed: string[] = [];
  const reading = (async () => {
    for await (const e of stream) {
      streamed.push(e.type);
      if (e.type === "session.status_idle") break;
    }
  })();
  await client.beta.sessions.events.send(s.id, { events: [{ type: "user.message", content: [{ type: "text", text: "hi" }] }] });
  expect((await client.beta.sessions.threads.retrieve(primary.id, { session_id: s.id })).status).toBe("running");
  await expect(client.beta.sessions.threads.archive(primary.id, { session_id: s.id })).rejects.toMatchObject({ status: 409 });
  await reading;
  expect(streamed[streamed.length - 1]).toBe("session.status_idle");
  const events = await all(client.beta.sessions.threads.events.list(primary.id, { session_id: s.id }));
  expect(events.map((e) => e.type)).toEqual(streamed);
  expect(await all(client.beta.sessions.threads.list(s.id, { statuses: ["running"] }))).toEqual([]);

  const archived = await client.beta.sessions.threads.archive(primary.id, { session_id: s.id });
  expect(archived.archived_at).toEqual(expect.any(String));
  await expect(client.beta.sessions.threads.retrieve("sthr_missing", { session_id: s.id })).rejects.toMatchObject({ status: 404 });
});

it("self-hosted work: a session queues work; poll, ack, heartbeat (with a stale-lease 412), update, stats, stop", async () => {
  const s = await session({ type: "self_hosted" });
  const envId = s.environment_id;
  const queued = await all(client.beta.environments.work.list(envId));
  expect(queued).toHaveLength(1);
  expect(queued[0]).toMatchObject({ state: "queued", data: { type: "session", id: s.id }, secret: null });
  expect(await client.beta.environments.work.stats(envId)).toMatchObject({ type: "work_queue_stats", depth: 1, pending: 0 });

  const polled = await client.beta.environments.work.poll(envId, { block_ms: 100, "Anthropic-Worker-ID": "worker-1" });
  expect(polled).toMatchObject({ id: queued[0]!.id, secret: expect.any(String) });
  const workId = polled!.id;
  const acked = await client.beta.environments.work.ack(workId, { environment_id: envId });
  expect(acked).toMatchObject({ state: "starting", acknowledged_at: expect.any(String) });
  // Nothing is queued now: a short long-poll comes back empty.
  expect(await client.beta.environments.work.poll(envId, { block_ms: 50 })).toBeNull();
  expect(await client.beta.environments.work.stats(envId)).toMatchObject({ depth: 0, pending: 1, workers_polling: 1 });

  const beat = await client.beta.environments.work.heartbeat(workId, { environment_id: envId, desired_ttl_seconds: 30 });
  expect(beat).toMatchObject({ type: "work_heartbeat", lease_extended: true, state: "active", ttl_seconds: 30 });
  await expect(
    client.beta.environments.work.heartbeat(workId, { environment_id: envId, expected_last_heartbeat: "2020-01-01T00:00:00Z" }),
  ).rejects.toMatchObject({ status: 412, errorCode: "heartbeat_precondition_failed" });
  await client.beta.environments.work.heartbeat(workId, { environment_id: envId, expected_last_heartbeat: beat.last_heartbeat });

  const updated = await client.beta.environments.work.update(workId, { environment_id: envId, metadata: { host: "runner-1" } });
  expect(updated.metadata).toEqual({ host: "runner-1" });
  expect((await client.beta.environments.work.retrieve(workId, { environment_id: envId })).metadata).toEqual({ host: "runner-1" });

  expect(await client.beta.environments.work.stop(workId, { environment_id: envId })).toMatchObject({ state: "stopping" });
  expect(await client.beta.environments.work.stop(workId, { environment_id: envId, force: true })).toMatchObject({
    state: "stopped",
    stopped_at: expect.any(String),
  });
  // A cloud environment has no work queue.
  const cloud = await client.beta.environments.create({ name: "cloud" });
  expect(await all(client.beta.environments.work.list(cloud.id))).toEqual([]);
});

it("dreams: create (pending, then running, then completed), retrieve, list with statuses, cancel, archive", async () => {
  const s = await session();
  const dream = await client.beta.dreams.create({
    inputs: [{ type: "sessions", session_ids: [s.id] }],
    model: "claude-sonnet-4-6",
    instructions: "Remember the user's preferences.",
  });
  expect(dream).toMatchObject({ type: "dream", status: "pending", outputs: [], output_behavior: { type: "create_new" } });
  await expect(client.beta.dreams.archive(dream.id)).rejects.toMatchObject({ status: 409 });
  let done = dream;
  for (let i = 0; i < 100 && done.status !== "completed"; i += 1) {
    await sleep(20);
    done = await client.beta.dreams.retrieve(dream.id);
  }
  expect(done).toMatchObject({ status: "completed", ended_at: expect.any(String), outputs: [{ type: "memory_store" }] });
  await expect(client.beta.dreams.cancel(dream.id)).rejects.toMatchObject({ status: 409 });

  const second = await client.beta.dreams.create({
    inputs: [{ type: "memory_store", memory_store_id: "memstore_01source" }],
    model: { id: "claude-sonnet-4-6" },
    output_behavior: { type: "update_existing", memory_store_id: "memstore_01target" },
  });
  const canceled = await client.beta.dreams.cancel(second.id);
  expect(canceled).toMatchObject({ status: "canceled", ended_at: expect.any(String) });
  expect((await all(client.beta.dreams.list({ statuses: ["canceled"] }))).map((d) => d.id)).toEqual([second.id]);

  expect((await client.beta.dreams.archive(dream.id)).archived_at).toEqual(expect.any(String));
  expect((await all(client.beta.dreams.list())).map((d) => d.id)).toEqual([second.id]);
  expect((await all(client.beta.dreams.list({ include_archived: true }))).map((d) => d.id)).toEqual([second.id, dream.id]);
  await expect(client.beta.dreams.create({ inputs: [{ type: "sessions", session_ids: ["sesn_missing"] }], model: "m" })).rejects.toMatchObject({
    status: 404,
  });
});

it("tunnels and certificates: create, retrieve, list, reveal and rotate the token, add and archive a CA certificate, archive", async () => {
  const tunnel = await client.beta.tunnels.create({ display_name: "on-prem MCP" });
  expect(tunnel).toMatchObject({ type: "tunnel", display_name: "on-prem MCP", archived_at: null, domain: expect.stringMatching(/\./) });
  expect(await client.beta.tunnels.retrieve(tunnel.id)).toEqual(tunnel);
  const token = await client.beta.tunnels.revealToken(tunnel.id);
  // BetaTunnelToken.id: "Stable identifier for the current token value. Changes when the token is rotated."
  expect(token).toMatchObject({ type: "tunnel_token", id: expect.any(String), tunnel_token: expect.any(String) });
  expect((await client.beta.tunnels.revealToken(tunnel.id)).id).toBe(token.id);
  const rotated = await client.beta.tunnels.rotateToken(tunnel.id, { reason: "scheduled" });
  expect(rotated.tunnel_token).not.toBe(token.tunnel_token);
  expect(rotated.id).not.toBe(token.id);
  expect((await client.beta.tunnels.revealToken(tunnel.id)).tunnel_token).toBe(rotated.tunnel_token);

  const cert = await client.beta.tunnels.certificates.create(tunnel.id, { ca_certificate_pem: fixture("tunnel-ca.pem") });
  expect(cert).toMatchObject({ type: "tunnel_certificate", tunnel_id: tunnel.id, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(cert.expires_at).toMatch(/^21\d\d-/);
  expect(await client.beta.tunnels.certificates.retrieve(cert.id, { tunnel_id: tunnel.id })).toEqual(cert);
  expect((await all(client.beta.tunnels.certificates.list(tunnel.id))).map((c) => c.id)).toEqual([cert.id]);
  await expect(client.beta.tunnels.certificates.create(tunnel.id, { ca_certificate_pem: fixture("tunnel-leaf.pem") })).rejects.toMatchObject({
    status: 400,
  });
  await expect(
    client.beta.tunnels.certificates.create(tunnel.id, { ca_certificate_pem: fixture("tunnel-ca.pem") + fixture("tunnel-ca.pem") }),
  ).rejects.toMatchObject({ status: 400 });
  expect((await client.beta.tunnels.certificates.archive(cert.id, { tunnel_id: tunnel.id })).archived_at).toEqual(expect.any(String));
  expect(await all(client.beta.tunnels.certificates.list(tunnel.id))).toEqual([]);

  const other = await client.beta.tunnels.create({});
  expect(other.domain).not.toBe(tunnel.domain);
  expect((await client.beta.tunnels.archive(tunnel.id)).archived_at).toEqual(expect.any(String));
  expect((await all(client.beta.tunnels.list())).map((t) => t.id)).toEqual([other.id]);
  await expect(client.beta.tunnels.revealToken(tunnel.id)).rejects.toMatchObject({ status: 400 });
  expect(emulator.live()).toMatchObject({ tunnels: [other.id] });
});

it("the new objects survive dump and load", async () => {
  const tunnel = await client.beta.tunnels.create({ display_name: "kept" });
  const copy = await startEmulator();
  try {
    copy.load(emulator.dump());
    expect(copy.dump()).toEqual(emulator.dump());
    const other = validatingClient(copy.url).client;
    expect(await other.beta.tunnels.retrieve(tunnel.id)).toEqual(tunnel);
    expect((await other.beta.tunnels.revealToken(tunnel.id)).tunnel_token).toBe((await client.beta.tunnels.revealToken(tunnel.id)).tunnel_token);
  } finally {
    await copy.stop();
  }
});
