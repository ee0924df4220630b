// examples/secure-session under the real engine: a vault with a static-bearer credential, a file
// and a seeded memory store, mounted in a session that uses the vault. Creates all five kinds;
// rotates the credential's token (one update, no replacement, neither token anywhere the user or a
// log can see it); replaces the file and with it the session; refuses to overwrite a memory an
// agent rewrote; drops objects archived or deleted outside Pulumi on refresh; fails bad inputs at
// preview with no request; destroys everything.
import { randomBytes } from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import type { EngineEvent, Stack } from "@pulumi/pulumi/automation";
// The package itself, as the example imports it: one copy of the SDK, so one seed per stack.
import { File, VaultCredential, type VaultCredentialArgs } from "pulumi-anthropic-managed-agents";
import { defaultOptions, secureSession, type SecureSessionOptions } from "../../examples/secure-session/program";
import { engineEnv, runCli, stackFor, type EngineEnv } from "../../tools/engine";
import { startEmulator, type Emulator } from "../../emulator/server";
import { expectNoChangesOnRefresh as noChangesOnRefresh, outputsOf, plannedSteps as stepsOf } from "./stack-helpers";

jest.setTimeout(5 * 60_000);

const TOKENS = [0, 1].map(() => `lin_canary_${randomBytes(12).toString("hex")}`);
const tail = (canary: string) => canary.slice(-24);

let emulator: Emulator;
let env: EngineEnv;
let stack: Stack;
let guidePath: string;
let options: SecureSessionOptions;
let bad: "none" | "no-secret" | "missing-source" | "unsupported-auth" = "none";

interface Outputs {
  vaultId: string;
  credentialId: string;
  fileId: string;
  fileSha256: string;
  memoryStoreId: string;
  memoryId: string;
  sessionId: string;
}

const outputs = () => outputsOf<Outputs>(stack);

function program() {
  return async () => {
    const out = secureSession(options);
    if (bad === "no-secret") {
      new VaultCredential("bad", { vaultId: out.vaultId, auth: { type: "static_bearer", mcpServerUrl: "https://mcp.example.com" } as unknown as VaultCredentialArgs["auth"] });
    } else if (bad === "unsupported-auth") {
      new VaultCredential("bad", { vaultId: out.vaultId, auth: { type: "api_key", mcpServerUrl: "https://mcp.example.com", token: "x" } as unknown as VaultCredentialArgs["auth"] });
    } else if (bad === "missing-source") {
      new File("bad", { source: path.join(os.tmpdir(), `missing-${randomBytes(6).toString("hex")}.md`), filename: "missing.md" });
    }
    return out;
  };
}

const plannedSteps = () => stepsOf(stack);

const expectNoChangesOnRefresh = () => noChangesOnRefresh(stack);

/** Names of the resources state holds (by URN name), without the stack, providers and the seed. */
function stateNames(): string[] {
  const state = JSON.parse(runCli(env, ["stack", "export", "--stack", "secure"])) as { deployment: { resources: Array<{ urn: string; type: string }> } };
  return state.deployment.resources
    .filter((r) => r.type.startsWith("pulumi-nodejs:dynamic/anthropic:") && !r.type.endsWith(":CreateTokenSeed"))
    .map((r) => r.urn.split("::").pop()!)
    .sort();
}

beforeAll(async () => {
  emulator = await startEmulator();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "secure-session-"));
  guidePath = path.join(dir, "onboarding.md");
  fs.copyFileSync(defaultOptions.guidePath, guidePath);
  options = { ...defaultOptions, guidePath, linearToken: TOKENS[0]! };
  env = await engineEnv({ ANTHROPIC_API_KEY: "sk-ant-e2e", ANTHROPIC_BASE_URL: emulator.url });
  stack = await stackFor(env, program(), "secure");
});

afterAll(async () => {
  await emulator?.stop();
});

it("up creates the vault, its credential, the file, the memory store and its memory, mounted in a session that uses the vault", async () => {
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ create: 10 });
  const o = await outputs();
  expect(o.vaultId).toMatch(/^vlt_01/);
  expect(o.credentialId).toMatch(/^vcrd_01/);
  expect(o.fileId).toMatch(/^file_01/);
  expect(o.memoryStoreId).toMatch(/^memstore_01/);
  expect(o.memoryId).toMatch(/^mem_01/);
  expect(emulator.vaults.store.secretsOf(o.credentialId)).toEqual({ "auth.token": TOKENS[0] });
  expect(emulator.files.bytesOf(o.fileId)).toEqual(fs.readFileSync(guidePath));
  expect(emulator.memoryStores.memories.get(o.memoryId)!.content).toBe(defaultOptions.conventions);
  const session = emulator.sessions.get(o.sessionId);
  expect(session["vault_ids"]).toEqual([o.vaultId]);
  expect(session["resources"]).toEqual([
    { id: expect.any(String), created_at: expect.any(String), updated_at: expect.any(String), type: "file", file_id: o.fileId, mount_path: "/workspace/onboarding.md" },
    // The API gives a mounted memory store no id (BetaManagedAgentsMemoryStoreResource).
    {
      type: "memory_store",
      memory_store_id: o.memoryStoreId,
      access: "read_write",
      instructions: "Record conventions you learn here.",
      description: "",
      mount_path: null,
      name: null,
    },
  ]);
  await expectNoChangesOnRefresh();
});

it("a token rotation is one update of the credential, and neither token shows in stdout, --debug output, the event stream or stack export", async () => {
  const before = await outputs();
  options = { ...options, linearToken: TOKENS[1]! };
  const text: string[] = [];
  const capture = { onOutput: (s: string) => void text.push(s), onError: (s: string) => void text.push(s), onEvent: (e: EngineEvent) => void text.push(JSON.stringify(e)) };

  const preview = await stack.preview({ ...capture, debug: true, diff: true });
  expect(preview.changeSummary).toEqual({ same: 9, update: 1 });
  // The rotated field is marked changed, its values hidden.
  expect(preview.stdout).toContain("~ auth: [secret] => [secret]");
  emulator.resetCounts();
  const up = await stack.up({ ...capture, debug: true, diff: true });
  expect(up.summary.resourceChanges).toEqual({ same: 9, update: 1 });
  text.push(up.stdout, up.stderr, preview.stdout, preview.stderr);
  expect(emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`)).toEqual([
    `POST /v1/vaults/${before.vaultId}/credentials/${before.credentialId}`,
  ]);
  expect(emulator.vaults.store.secretsOf(before.credentialId)).toEqual({ "auth.token": TOKENS[1] });
  expect(await outputs()).toEqual(before);
  // --debug really was on.
  expect(text.join("")).toMatch(/debug: RegisterResource RPC finished: resource:linear/);

  const exported = runCli(env, ["stack", "export", "--stack", "secure"]);
  for (const token of TOKENS) {
    expect(text.join("\n")).not.toContain(tail(token));
    expect(exported).not.toContain(tail(token));
  }
  await expectNoChangesOnRefresh();
});

it("new bytes in the file: preview shows its replacement and the session's in-place update; up swaps the mounted file", async () => {
  const before = await outputs();
  fs.appendFileSync(guidePath, "- Close stale issues after 30 days.\n");
  expect(await plannedSteps()).toEqual({
    sandbox: "same",
    triager: "same",
    secrets: "same",
    linear: "same",
    guide: "replace",
    notes: "same",
    conventions: "same",
    // The session mounts the new file in place (session-resources endpoints): not replaced.
    triage: "update",
  });
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 8, replace: 1, update: 1 });
  const after = await outputs();
  expect(after.fileId).not.toBe(before.fileId);
  expect(after.fileSha256).not.toBe(before.fileSha256);
  expect(after.sessionId).toBe(before.sessionId);
  expect(emulator.files.files.has(before.fileId)).toBe(false);
  expect((emulator.sessions.get(after.sessionId)["resources"] as Array<Record<string, unknown>>).map((r) => r["file_id"] ?? r["type"])).toEqual(["memory_store", after.fileId]);
  await expectNoChangesOnRefresh();
});

it("a memory an agent rewrote is not overwritten: up fails naming the path; refresh takes it in, then up writes", async () => {
  const o = await outputs();
  const agentText = "Issue titles are imperative. The team also tags regressions with `regression`.";
  emulator.memoryStores.updateMemory(o.memoryStoreId, o.memoryId, { content: agentText }, { type: "session_actor", session_id: o.sessionId });
  options = { ...options, conventions: "Issue titles are imperative and under 60 characters." };
  const lines: string[] = [];
  await expect(stack.up({ onOutput: (s) => void lines.push(s) })).rejects.toThrow();
  expect(lines.join("")).toContain(`memory /conventions.md in memory store ${o.memoryStoreId} was changed outside Pulumi`);
  expect(lines.join("")).toContain("nothing was overwritten");
  expect(emulator.memoryStores.memories.get(o.memoryId)!.content).toBe(agentText);

  await stack.refresh();
  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 9, update: 1 });
  expect(emulator.memoryStores.memories.get(o.memoryId)!.content).toBe(options.conventions);
  await expectNoChangesOnRefresh();
});

it("bad inputs fail preview with no request: a credential without its secret, a missing source file, an unsupported auth type", async () => {
  const cases: Array<[typeof bad, string]> = [
    ["no-secret", "has a problem: auth.token: token is required (a write-only secret)"],
    ["missing-source", "has a problem: source: cannot read"],
    ["unsupported-auth", "has a problem: auth.type: Invalid discriminator value"],
  ];
  for (const [which, message] of cases) {
    bad = which;
    emulator.resetCounts();
    const lines: string[] = [];
    try {
      await expect(stack.preview({ onOutput: (s) => void lines.push(s), onError: (s) => void lines.push(s) })).rejects.toThrow();
    } finally {
      bad = "none";
    }
    expect([which, lines.join("")]).toEqual([which, expect.stringContaining(message)]);
    expect([which, emulator.count()]).toEqual([which, 0]);
  }
});

it("refresh drops every object archived or deleted outside Pulumi; up makes them again", async () => {
  const o = await outputs();
  emulator.vaults.store.archiveVault(o.vaultId); // archives its credential too
  emulator.files.delete(o.fileId);
  emulator.memoryStores.deleteMemory(o.memoryStoreId, o.memoryId, new URLSearchParams());
  emulator.memoryStores.archiveStore(o.memoryStoreId);
  await stack.refresh();
  expect(stateNames()).toEqual(["sandbox", "triage", "triager"]);

  const up = await stack.up();
  expect(up.summary.resourceChanges).toEqual({ same: 4, create: 5, replace: 1 });
  const again = await outputs();
  expect(again.vaultId).not.toBe(o.vaultId);
  expect(emulator.vaults.store.secretsOf(again.credentialId)).toEqual({ "auth.token": TOKENS[1] });
  await expectNoChangesOnRefresh();
});

it("destroy leaves nothing live", async () => {
  const result = await stack.destroy();
  expect(result.summary.resourceChanges).toEqual({ delete: 10 });
  expect(emulator.live()).toEqual({ agents: [], environments: [], sessions: [] });
});
