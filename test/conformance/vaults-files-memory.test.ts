// Vaults, credentials, files, memory stores, memories and memory versions: the provider's bodies
// and response schemas agree with the official SDK's types (compile time), and the official SDK
// client, unchanged, drives the emulator's endpoints (wire format, beta headers, multipart upload,
// binary download, error shapes, pagination).
import { toFile } from "@anthropic-ai/sdk";
import { useCheckedSdk } from "./validating-client";
import type { BetaFileMetadata } from "@anthropic-ai/sdk/resources/beta/files";
import type { BetaManagedAgentsMemory } from "@anthropic-ai/sdk/resources/beta/memory-stores/memories";
import type { BetaManagedAgentsMemoryStore, MemoryStoreCreateParams, MemoryStoreUpdateParams } from "@anthropic-ai/sdk/resources/beta/memory-stores/memory-stores";
import type { BetaManagedAgentsCredential, CredentialCreateParams, CredentialUpdateParams } from "@anthropic-ai/sdk/resources/beta/vaults/credentials";
import type { BetaManagedAgentsVault, VaultCreateParams, VaultUpdateParams } from "@anthropic-ai/sdk/resources/beta/vaults/vaults";
import type { ApiFile } from "../../provider/api/files";
import type { ApiMemory } from "../../provider/api/memories";
import type { ApiMemoryStore } from "../../provider/api/memory-stores";
import type { ApiCredential } from "../../provider/api/vault-credentials";
import type { ApiVault } from "../../provider/api/vaults";
import { planChanges } from "../../provider/kit/diff";
import { buildMemoryStoreCreateBody, buildMemoryStoreUpdateBody, memoryStoreSpec, type MemoryStoreUpdateBody } from "../../provider/resources/memory-store";
import { buildVaultCreateBody, buildVaultUpdateBody, vaultSpec, type VaultUpdateBody } from "../../provider/resources/vault";
import {
  buildVaultCredentialCreateBody,
  buildVaultCredentialUpdateBody,
  vaultCredentialSpec,
  type VaultCredentialCreateBody,
  type VaultCredentialUpdateBody,
} from "../../provider/resources/vault-credential";
import type { Assert, Extends, KnownFields } from "./type-assertions";

type Body<P> = Omit<P, "betas" | "workspace_id" | "vault_id">;
export type VaultCreateConforms = Assert<Extends<ReturnType<typeof buildVaultCreateBody>, Body<VaultCreateParams>>>;
export type VaultUpdateConforms = Assert<Extends<VaultUpdateBody, Body<VaultUpdateParams>>>;
export type VaultResponseAccepted = Assert<Extends<BetaManagedAgentsVault, KnownFields<ApiVault>>>;
export type CredentialCreateConforms = Assert<Extends<VaultCredentialCreateBody, Body<CredentialCreateParams>>>;
export type CredentialUpdateConforms = Assert<Extends<VaultCredentialUpdateBody, Body<CredentialUpdateParams>>>;
export type CredentialResponseAccepted = Assert<Extends<BetaManagedAgentsCredential, KnownFields<ApiCredential>>>;
export type MemoryStoreCreateConforms = Assert<Extends<ReturnType<typeof buildMemoryStoreCreateBody>, Body<MemoryStoreCreateParams>>>;
export type MemoryStoreUpdateConforms = Assert<Extends<MemoryStoreUpdateBody, Body<MemoryStoreUpdateParams>>>;
export type MemoryStoreResponseAccepted = Assert<Extends<BetaManagedAgentsMemoryStore, KnownFields<ApiMemoryStore>>>;
export type MemoryResponseAccepted = Assert<Extends<BetaManagedAgentsMemory, KnownFields<ApiMemory>>>;
export type FileResponseAccepted = Assert<Extends<BetaFileMetadata, KnownFields<ApiFile>>>;

const FILES = "files-api-2025-04-14";
// Every 2xx body the client receives is held to the SDK's response types (sdk-schemas.json).
const sdk = useCheckedSdk();

it("builds bodies the SDK's client sends as they are", async () => {
  const vault = await sdk.client.beta.vaults.create(buildVaultCreateBody({ displayName: "v", metadata: { a: "b" } }));
  const olds = { displayName: "v", metadata: { a: "b" } };
  const news = { displayName: "w" };
  const vaultPatch = buildVaultUpdateBody({ inputs: olds, outputs: {}, legacy: false }, { inputs: news, changes: planChanges(vaultSpec, olds, news) })!;
  expect(await sdk.client.beta.vaults.update(vault.id, vaultPatch)).toMatchObject({ display_name: "w", metadata: {} });

  const auth = { type: "mcp_oauth" as const, mcpServerUrl: "https://mcp.example.com", accessToken: "at_1", refresh: { clientId: "c", refreshToken: "rt_1", tokenEndpoint: "https://auth.example.com/token", tokenEndpointAuth: { type: "client_secret_basic" as const, clientSecret: "cs_1" } } };
  const credential = await sdk.client.beta.vaults.credentials.create(vault.id, buildVaultCredentialCreateBody({ vaultId: vault.id, auth }));
  const next = { vaultId: vault.id, auth: { ...auth, accessToken: "at_2", expiresAt: "2030-01-01T00:00:00Z" } };
  const credentialPatch = buildVaultCredentialUpdateBody(
    { inputs: { vaultId: vault.id, auth }, outputs: {}, legacy: false },
    { inputs: next, changes: planChanges(vaultCredentialSpec, { auth: { ...auth, accessToken: "sha256:1" } }, { auth: { ...next.auth, accessToken: "sha256:2" } }) },
  )!;
  const rotated = await sdk.client.beta.vaults.credentials.update(credential.id, { vault_id: vault.id, ...credentialPatch });
  expect(rotated.auth).toEqual({
    type: "mcp_oauth",
    mcp_server_url: "https://mcp.example.com",
    expires_at: "2030-01-01T00:00:00Z",
    refresh: { client_id: "c", token_endpoint: "https://auth.example.com/token", token_endpoint_auth: { type: "client_secret_basic" }, resource: null, scope: null },
  });
  expect(sdk.emulator.vaults.store.secretsOf(credential.id)).toEqual({
    "auth.access_token": "at_2",
    "auth.refresh.refresh_token": "rt_1",
    "auth.refresh.token_endpoint_auth.client_secret": "cs_1",
  });

  const store = await sdk.client.beta.memoryStores.create(buildMemoryStoreCreateBody({ name: "s", description: "d" }));
  const storePatch = buildMemoryStoreUpdateBody(
    { inputs: { name: "s", description: "d" }, outputs: {}, legacy: false },
    { inputs: { name: "s" }, changes: planChanges(memoryStoreSpec, { name: "s", description: "d" }, { name: "s" }) },
  )!;
  expect(await sdk.client.beta.memoryStores.update(store.id, storePatch)).toMatchObject({ name: "s", description: "" });
});

it("vaults and credentials: create, retrieve, list, update, validate, archive, delete; no secret in any answer", async () => {
  const vault = await sdk.client.beta.vaults.create({ display_name: "Example vault", metadata: { env: "test" } });
  expect(vault).toEqual({ id: expect.stringMatching(/^vlt_01/), type: "vault", display_name: "Example vault", metadata: { env: "test" }, created_at: expect.any(String), updated_at: expect.any(String), archived_at: null });
  expect(await sdk.client.beta.vaults.retrieve(vault.id)).toEqual(vault);

  const bearer = await sdk.client.beta.vaults.credentials.create(vault.id, {
    display_name: "Linear",
    auth: { type: "static_bearer", mcp_server_url: "https://mcp.linear.app/mcp", token: "bearer_exampletoken" },
  });
  expect(bearer).toMatchObject({ type: "vault_credential", vault_id: vault.id, display_name: "Linear", auth: { type: "static_bearer", mcp_server_url: "https://mcp.linear.app/mcp" } });
  const envVar = await sdk.client.beta.vaults.credentials.create(vault.id, {
    auth: { type: "environment_variable", secret_name: "STRIPE_KEY", secret_value: "sk_live_example", networking: { type: "limited", allowed_hosts: ["api.stripe.com"] }, injection_location: { body: true } },
  });
  expect(envVar.auth).toEqual({ type: "environment_variable", secret_name: "STRIPE_KEY", networking: { type: "limited", allowed_hosts: ["api.stripe.com"] }, injection_location: { body: true, header: true } });
  const oauth = await sdk.client.beta.vaults.credentials.create(vault.id, { auth: { type: "mcp_oauth", mcp_server_url: "https://mcp.example.com", access_token: "oauth_access_example" } });

  const rotated = await sdk.client.beta.vaults.credentials.update(bearer.id, { vault_id: vault.id, auth: { type: "static_bearer", token: "bearer_rotated" } });
  expect(rotated.auth).toEqual(bearer.auth);
  expect(sdk.emulator.vaults.store.secretsOf(bearer.id)).toEqual({ "auth.token": "bearer_rotated" });
  await expect(sdk.client.beta.vaults.credentials.update(bearer.id, { vault_id: vault.id, auth: { type: "mcp_oauth", access_token: "x" } })).rejects.toMatchObject({ status: 400 });

  const validation = await sdk.client.beta.vaults.credentials.mcpOAuthValidate(oauth.id, { vault_id: vault.id });
  expect(validation).toMatchObject({ type: "vault_credential_validation", credential_id: oauth.id, vault_id: vault.id, status: "unknown", has_refresh_token: false });

  const listed = [];
  for await (const c of sdk.client.beta.vaults.credentials.list(vault.id, { limit: 2 })) listed.push(c.id);
  expect(listed).toEqual([oauth.id, envVar.id, bearer.id]);
  const answers = JSON.stringify([bearer, envVar, oauth, rotated, listed]);
  for (const secret of ["bearer_exampletoken", "sk_live_example", "oauth_access_example", "bearer_rotated"]) expect(answers).not.toContain(secret);

  const archivedCredential = await sdk.client.beta.vaults.credentials.archive(envVar.id, { vault_id: vault.id });
  expect(archivedCredential.archived_at).toEqual(expect.any(String));
  expect(await sdk.client.beta.vaults.credentials.delete(oauth.id, { vault_id: vault.id })).toEqual({ id: oauth.id, type: "vault_credential_deleted" });
  await expect(sdk.client.beta.vaults.credentials.retrieve(oauth.id, { vault_id: vault.id })).rejects.toMatchObject({ status: 404 });

  const archived = await sdk.client.beta.vaults.archive(vault.id);
  expect(archived.archived_at).toEqual(expect.any(String));
  expect((await sdk.client.beta.vaults.credentials.retrieve(bearer.id, { vault_id: vault.id })).archived_at).toEqual(expect.any(String));
  const live = [];
  for await (const v of sdk.client.beta.vaults.list()) live.push(v.id);
  expect(live).not.toContain(vault.id);
  expect(await sdk.client.beta.vaults.delete(vault.id)).toEqual({ id: vault.id, type: "vault_deleted" });
  await expect(sdk.client.beta.vaults.retrieve(vault.id)).rejects.toMatchObject({ status: 404, error: { type: "error", error: { type: "not_found_error" } } });
});

it("files: multipart upload, metadata, list, download, delete, behind the Files API's beta header", async () => {
  const uploaded = await sdk.client.beta.files.upload({ file: await toFile(Buffer.from("hello files"), "hello.txt", { type: "text/plain" }), betas: [FILES] });
  expect(uploaded).toEqual({ id: expect.stringMatching(/^file_01/), type: "file", filename: "hello.txt", mime_type: "text/plain", size_bytes: 11, created_at: expect.any(String), downloadable: false, expires_at: null });
  expect(sdk.emulator.files.bytesOf(uploaded.id)!.toString()).toBe("hello files");
  expect(await sdk.client.beta.files.retrieveMetadata(uploaded.id, { betas: [FILES] })).toEqual(uploaded);
  await expect(sdk.client.beta.files.retrieveMetadata(uploaded.id)).rejects.toMatchObject({ status: 400 });

  const produced = sdk.emulator.files.produce("report.csv", Buffer.from("a,b\n1,2\n"), "text/csv");
  const download = await sdk.client.beta.files.download(produced.id, { betas: [FILES] });
  expect(await download.text()).toBe("a,b\n1,2\n");
  await expect(sdk.client.beta.files.download(uploaded.id, { betas: [FILES] })).rejects.toMatchObject({ status: 400 });

  const ids = [];
  for await (const f of sdk.client.beta.files.list({ betas: [FILES], limit: 1 })) ids.push(f.id);
  expect(ids).toEqual([produced.id, uploaded.id]);
  expect(await sdk.client.beta.files.delete(uploaded.id, { betas: [FILES] })).toEqual({ id: uploaded.id, type: "file_deleted" });
  await expect(sdk.client.beta.files.retrieveMetadata(uploaded.id, { betas: [FILES] })).rejects.toMatchObject({ status: 404 });
});

it("memory stores, memories and versions: preconditions, path conflicts, views, redaction", async () => {
  const store = await sdk.client.beta.memoryStores.create({ name: "Team notes", metadata: { team: "a" } });
  expect(store).toEqual({ id: expect.stringMatching(/^memstore_01/), type: "memory_store", name: "Team notes", description: "", metadata: { team: "a" }, created_at: expect.any(String), updated_at: expect.any(String), archived_at: null });
  expect(await sdk.client.beta.memoryStores.retrieve(store.id)).toEqual(store);

  const memory = await sdk.client.beta.memoryStores.memories.create(store.id, { path: "/projects/notes.md", content: "first" });
  expect(memory).toMatchObject({ type: "memory", memory_store_id: store.id, path: "/projects/notes.md", content: null, content_size_bytes: 5, memory_version_id: expect.stringMatching(/^memver_01/) });
  expect(memory.content_sha256).toMatch(/^[0-9a-f]{64}$/);
  expect((await sdk.client.beta.memoryStores.memories.retrieve(memory.id, { memory_store_id: store.id })).content).toBe("first");
  await expect(sdk.client.beta.memoryStores.memories.create(store.id, { path: "/projects", content: "x" })).rejects.toMatchObject({ status: 409, error: { error: { type: "memory_path_conflict_error" } } });

  const second = await sdk.client.beta.memoryStores.memories.update(memory.id, {
    memory_store_id: store.id,
    content: "second",
    precondition: { type: "content_sha256", content_sha256: memory.content_sha256 },
  });
  expect(second.memory_version_id).not.toBe(memory.memory_version_id);
  await expect(
    sdk.client.beta.memoryStores.memories.update(memory.id, { memory_store_id: store.id, content: "third", precondition: { type: "content_sha256", content_sha256: memory.content_sha256 } }),
  ).rejects.toMatchObject({ status: 409, error: { error: { type: "memory_precondition_failed_error" } } });
  // A stale precondition is accepted when the memory already holds exactly what is asked.
  const again = await sdk.client.beta.memoryStores.memories.update(memory.id, { memory_store_id: store.id, content: "second", precondition: { type: "content_sha256", content_sha256: memory.content_sha256 } });
  expect(again.memory_version_id).toBe(second.memory_version_id);

  await sdk.client.beta.memoryStores.memories.create(store.id, { path: "/readme.md", content: "top" });
  const shallow = [];
  for await (const item of sdk.client.beta.memoryStores.memories.list(store.id, { depth: 1 })) shallow.push(`${item.type} ${item.path}`);
  expect(shallow).toEqual(["memory_prefix /projects/", "memory /readme.md"]);

  const versions = [];
  for await (const v of sdk.client.beta.memoryStores.memoryVersions.list(store.id, { memory_id: memory.id })) versions.push(v);
  expect(versions.map((v) => v.operation)).toEqual(["modified", "created"]);
  const first = versions[1]!;
  expect((await sdk.client.beta.memoryStores.memoryVersions.retrieve(first.id, { memory_store_id: store.id })).content).toBe("first");
  const redacted = await sdk.client.beta.memoryStores.memoryVersions.redact(first.id, { memory_store_id: store.id });
  expect(redacted).toMatchObject({ id: first.id, content: null, content_sha256: null, redacted_at: expect.any(String) });
  await expect(sdk.client.beta.memoryStores.memoryVersions.redact(second.memory_version_id, { memory_store_id: store.id })).rejects.toMatchObject({ status: 400 });

  await expect(sdk.client.beta.memoryStores.memories.delete(memory.id, { memory_store_id: store.id, expected_content_sha256: memory.content_sha256 })).rejects.toMatchObject({ status: 409 });
  expect(await sdk.client.beta.memoryStores.memories.delete(memory.id, { memory_store_id: store.id })).toEqual({ id: memory.id, type: "memory_deleted" });

  const updated = await sdk.client.beta.memoryStores.update(store.id, { description: "What we learnt", metadata: { team: null } });
  expect(updated).toMatchObject({ description: "What we learnt", metadata: {} });
  expect((await sdk.client.beta.memoryStores.archive(store.id)).archived_at).toEqual(expect.any(String));
  const listed = [];
  for await (const s of sdk.client.beta.memoryStores.list({ include_archived: true, "created_at[gte]": store.created_at })) listed.push(s.id);
  expect(listed).toContain(store.id);
  expect(await sdk.client.beta.memoryStores.delete(store.id)).toEqual({ id: store.id, type: "memory_store_deleted" });
});
