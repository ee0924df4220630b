// Vault and VaultCredential hooks against the emulator, with exact request counts: creates,
// in-place updates, rotation of write-only secrets (a hash in everything returned, the value only
// in the request), what replaces, refresh of archived or deleted objects, destroy.
import { WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { DriftError, seenOf } from "../../provider/kit/drift";
import { vaultResource, vaultSpec } from "../../provider/resources/vault";
import { authChange, vaultCredentialResource, vaultCredentialSpec } from "../../provider/resources/vault-credential";
import { checkAndCreate, checkAndUpdate, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();

const vaultProps = (inputs: Props) => sdkInputs("Vault", inputs);
const credProps = (inputs: Props, urn?: string) => sdkInputs("VaultCredential", inputs, urn ? { urn } : {});
const writes = () => env.emulator.requests.filter((r) => r.method !== "GET").map((r) => `${r.method} ${r.path}`);

async function newVault(): Promise<string> {
  const { id } = await checkAndCreate(vaultResource, env.ctx(), vaultProps({ displayName: "mcp", metadata: { team: "platform" } }));
  env.emulator.resetCounts();
  return id;
}

describe("Vault", () => {
  it("creates stamped, updates in place, refuses to overwrite a change made outside Pulumi, archives on destroy", async () => {
    const made = await checkAndCreate(vaultResource, env.ctx(), vaultProps({ displayName: "mcp", metadata: { team: "platform" } }));
    expect(made.id).toMatch(/^vlt_01/);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/vaults", "POST /v1/vaults"]);
    expect(env.emulator.requests[1]!.body).toEqual({ display_name: "mcp", metadata: { team: "platform", [WRITE_TOKEN_KEY]: expect.any(String) } });
    // What Pulumi saw, kept as hidden digests.
    expect(made.outs["__seen"]).toEqual(seenOf(vaultSpec, { displayName: "mcp", metadata: { team: "platform" } }));

    env.emulator.resetCounts();
    const renamed = await checkAndUpdate(vaultResource, env.ctx(), made.id, made, vaultProps({ displayName: "mcp-prod" }));
    expect(writes()).toEqual([`POST /v1/vaults/${made.id}`]);
    expect(env.emulator.requests.at(-1)!.body).toEqual({ display_name: "mcp-prod", metadata: { team: null, [WRITE_TOKEN_KEY]: expect.any(String) } });

    // Someone renames it in the console: the next update names the field and writes nothing.
    env.emulator.vaults.store.updateVault(made.id, { display_name: "renamed by hand" });
    env.emulator.resetCounts();
    await expect(checkAndUpdate(vaultResource, env.ctx(), made.id, renamed, vaultProps({ displayName: "mcp-prod", metadata: { a: "b" } }))).rejects.toThrow(DriftError);
    expect(writes()).toEqual([]);

    // refresh takes the change in
    const read = await vaultResource.read(env.ctx(), made.id, renamed.outs);
    expect(read.inputs?.["displayName"]).toBe("renamed by hand");

    env.emulator.resetCounts();
    await vaultResource.delete(env.ctx(), made.id, renamed.outs);
    expect(writes()).toEqual([`POST /v1/vaults/${made.id}/archive`]);
    expect(await vaultResource.read(env.ctx(), made.id, renamed.outs)).toEqual({});
    // A second destroy of what is gone succeeds.
    await vaultResource.delete(env.ctx(), made.id, renamed.outs);
  });

  it("deletes with onDestroy: delete", async () => {
    const made = await checkAndCreate(vaultResource, env.ctx(), vaultProps({ displayName: "tmp", onDestroy: "delete" }));
    env.emulator.resetCounts();
    await vaultResource.delete(env.ctx(), made.id, made.outs);
    expect(writes()).toEqual([`DELETE /v1/vaults/${made.id}`]);
    expect(env.emulator.vaults.store.vaults.has(made.id)).toBe(false);
  });
});

describe("VaultCredential", () => {
  const bearer = (vaultId: string, token: string, extra: Props = {}) => ({
    vaultId,
    displayName: "linear",
    auth: { type: "static_bearer", mcpServerUrl: "https://mcp.linear.app/mcp", token },
    ...extra,
  });

  it("sends the token at create, returns only its hash, and rotates it with one in-place update", async () => {
    const vaultId = await newVault();
    const urn = "urn:pulumi:test::hooks::pulumi-nodejs:dynamic/anthropic:VaultCredential::linear";
    const made = await checkAndCreate(vaultCredentialResource, env.ctx(), credProps(bearer(vaultId, "lin_oldToken_123456"), urn));
    expect(made.id).toMatch(/^vcrd_01/);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/vaults/${vaultId}/credentials`, `POST /v1/vaults/${vaultId}/credentials`]);
    expect(env.emulator.requests[1]!.body).toEqual({
      display_name: "linear",
      auth: { type: "static_bearer", mcp_server_url: "https://mcp.linear.app/mcp", token: "lin_oldToken_123456" },
      metadata: { [WRITE_TOKEN_KEY]: expect.any(String) },
    });
    // Nothing the engine sees holds the token.
    for (const bag of [made.checked, made.outs]) expect(JSON.stringify(bag)).not.toContain("lin_oldToken_123456");
    expect((made.outs["auth"] as Props)["token"]).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect((made.outs["__seen"] as Props)["auth"]).toEqual(seenOf(vaultCredentialSpec, { auth: { type: "static_bearer", mcpServerUrl: "https://mcp.linear.app/mcp" } })["auth"]);
    expect(env.emulator.vaults.store.secretsOf(made.id)).toEqual({ "auth.token": "lin_oldToken_123456" });

    // Rotation: an update, not a replacement.
    const rotated = credProps(bearer(vaultId, "lin_newToken_654321"), urn);
    const { inputs } = await vaultCredentialResource.check(made.checked, rotated);
    expect(await vaultCredentialResource.diff(made.id, made.outs, inputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { auth: "update" } });
    env.emulator.resetCounts();
    const after = await checkAndUpdate(vaultCredentialResource, env.ctx(), made.id, made, rotated);
    expect(writes()).toEqual([`POST /v1/vaults/${vaultId}/credentials/${made.id}`]);
    expect(env.emulator.requests.at(-1)!.body).toEqual({ auth: { type: "static_bearer", token: "lin_newToken_654321" }, metadata: { [WRITE_TOKEN_KEY]: expect.any(String) } });
    expect(env.emulator.vaults.store.secretsOf(made.id)).toEqual({ "auth.token": "lin_newToken_654321" });
    expect(JSON.stringify(after)).not.toContain("lin_newToken_654321");

    // The same token again: no change, no call.
    const same = await vaultCredentialResource.check(after.checked, rotated);
    expect((await vaultCredentialResource.diff(made.id, after.outs, same.inputs)).changes).toBe(false);

    // refresh cannot see the secret: no drift, the hash stays.
    const read = await vaultCredentialResource.read(env.ctx(), made.id, after.outs);
    expect(read.inputs?.["auth"]).toEqual(after.checked["auth"]);

    env.emulator.resetCounts();
    await vaultCredentialResource.delete(env.ctx(), made.id, after.outs);
    expect(writes()).toEqual([`POST /v1/vaults/${vaultId}/credentials/${made.id}/archive`]);
    expect(env.emulator.vaults.store.secretsOf(made.id)).toEqual({});
    expect(await vaultCredentialResource.read(env.ctx(), made.id, after.outs)).toEqual({});
  });

  it("fails check without the secret, on an unsupported auth type and on a bad URL, naming fields and never a value", async () => {
    const missing = await vaultCredentialResource.check({}, credProps({ vaultId: "vlt_x", auth: { type: "static_bearer", mcpServerUrl: "https://m.example" } }));
    expect(missing.failures).toEqual([{ property: "auth.token", reason: "token is required (a write-only secret)" }]);
    const unsupported = await vaultCredentialResource.check({}, credProps({ vaultId: "vlt_x", auth: { type: "api_key", key: "k_secret_value" } }));
    expect(unsupported.failures.map((f) => f.property)).toEqual(["auth.type"]);
    const bad = await vaultCredentialResource.check({}, credProps({ vaultId: "vlt_x", auth: { type: "static_bearer", mcpServerUrl: "http://m.example", token: "t_secret_value" } }));
    expect(bad.failures).toEqual([{ property: "auth.mcpServerUrl", reason: "must be an https URL" }]);
    // (An unsupported type's own fields are not known to be secret: only failures are asserted clean.)
    for (const r of [missing, bad]) expect(JSON.stringify(r)).not.toMatch(/secret_value/);
    for (const r of [missing, unsupported, bad]) expect(JSON.stringify(r.failures)).not.toMatch(/secret_value/);
    expect(env.emulator.count()).toBe(0);
  });

  it("decides update or replace from the auth type's update params", () => {
    const oauth = (extra: Props = {}, refresh: Props = {}) => ({
      type: "mcp_oauth",
      mcpServerUrl: "https://mcp.example.com",
      accessToken: "sha256:a",
      refresh: { clientId: "c", refreshToken: "sha256:r", tokenEndpoint: "https://auth.example.com/token", tokenEndpointAuth: { type: "client_secret_post", clientSecret: "sha256:s" }, ...refresh },
      ...extra,
    });
    const envVar = (extra: Props = {}) => ({ type: "environment_variable", secretName: "API_KEY", secretValue: "sha256:v", networking: { type: "unrestricted" }, ...extra });
    const cases: Array<[string, Props, Props, string]> = [
      ["access token rotated", oauth(), oauth({ accessToken: "sha256:b" }), "update"],
      ["refresh token rotated", oauth(), oauth({}, { refreshToken: "sha256:r2" }), "update"],
      ["client secret rotated", oauth(), oauth({}, { tokenEndpointAuth: { type: "client_secret_post", clientSecret: "sha256:s2" } }), "update"],
      ["scope changed", oauth(), oauth({}, { scope: "read" }), "update"],
      ["expiry set", oauth(), oauth({ expiresAt: "2030-01-01T00:00:00Z" }), "update"],
      ["refresh removed", oauth(), { ...oauth(), refresh: undefined }, "update"],
      ["refresh added", { ...oauth(), refresh: undefined }, oauth(), "replace"],
      ["client id changed", oauth(), oauth({}, { clientId: "c2" }), "replace"],
      ["token endpoint auth to none", oauth(), oauth({}, { tokenEndpointAuth: { type: "none" } }), "replace"],
      ["server url changed", oauth(), oauth({ mcpServerUrl: "https://other.example.com" }), "replace"],
      ["server url unknown", oauth(), oauth({ mcpServerUrl: UNKNOWN }), "replace"],
      ["type changed", oauth(), { type: "static_bearer", mcpServerUrl: "https://mcp.example.com", token: "sha256:t" }, "replace"],
      ["secret value rotated", envVar(), envVar({ secretValue: "sha256:w" }), "update"],
      ["networking changed", envVar(), envVar({ networking: { type: "limited", allowedHosts: ["api.example.com"] } }), "update"],
      ["secret name changed", envVar(), envVar({ secretName: "OTHER" }), "replace"],
    ];
    for (const [name, old, next, effect] of cases) expect([name, authChange(old, next)]).toEqual([name, effect]);
  });

  it("replaces on a new server URL, and sends an environment secret's whole update params on rotation", async () => {
    const vaultId = await newVault();
    const made = await checkAndCreate(vaultCredentialResource, env.ctx(), credProps(bearer(vaultId, "tok_a_123")));
    const moved = await vaultCredentialResource.check(made.checked, credProps(bearer(vaultId, "tok_a_123", { auth: { type: "static_bearer", mcpServerUrl: "https://other.example.com/mcp", token: "tok_a_123" } })));
    expect((await vaultCredentialResource.diff(made.id, made.outs, moved.inputs)).replaces).toEqual(["auth"]);
    expect((await vaultCredentialResource.diff(made.id, made.outs, credProps(bearer("vlt_other", "tok_a_123")))).replaces).toEqual(["vaultId"]);

    const secret = { vaultId, auth: { type: "environment_variable", secretName: "STRIPE_KEY", secretValue: "sk_live_first", networking: { type: "limited", allowedHosts: ["api.stripe.com"] } } };
    const e = await checkAndCreate(vaultCredentialResource, env.ctx(), credProps(secret));
    env.emulator.resetCounts();
    await checkAndUpdate(vaultCredentialResource, env.ctx(), e.id, e, credProps({ ...secret, auth: { ...secret.auth, secretValue: "sk_live_second" } }));
    expect(env.emulator.requests.at(-1)!.body).toEqual({
      auth: { type: "environment_variable", secret_value: "sk_live_second", networking: { type: "limited", allowed_hosts: ["api.stripe.com"] } },
      metadata: { [WRITE_TOKEN_KEY]: expect.any(String) },
    });
    expect((await vaultCredentialResource.read(env.ctx(), e.id, e.outs)).props?.["__seen"]).toEqual(
      seenOf(vaultCredentialSpec, {
        vaultId,
        displayName: null,
        metadata: {},
        auth: { type: "environment_variable", secretName: "STRIPE_KEY", networking: { type: "limited", allowedHosts: ["api.stripe.com"] }, injectionLocation: { body: false, header: true } },
      }),
    );
  });

  it("a lost create answer is looked up by its token: one credential, no second create", async () => {
    const vaultId = await newVault();
    const urn = "urn:pulumi:test::hooks::pulumi-nodejs:dynamic/anthropic:VaultCredential::lost";
    env.emulator.injectFault({ method: "POST", path: `/v1/vaults/${vaultId}/credentials`, kind: "commit-then-drop" });
    const props = credProps(bearer(vaultId, "tok_lost_answer_1"), urn);
    const made = await checkAndCreate(vaultCredentialResource, env.ctx(), props);
    const inVault = [...env.emulator.vaults.store.credentials.values()].filter((c) => c.record.vault_id === vaultId).map((c) => c.record.id);
    expect(inVault).toEqual([made.id]);
    expect(writes()).toEqual([`POST /v1/vaults/${vaultId}/credentials`]);
  });
});
