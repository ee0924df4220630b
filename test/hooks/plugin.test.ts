// The native plugin (bin/pulumi-resource-anthropic, built) driven over gRPC as the engine drives
// it, against the emulator: its configuration, the detailed diff, secrets in Pulumi's encoding,
// `pulumi import` (Read with an id alone) for each kind, unknowns, Cancel, and explicit providers
// with their own credentials. The hooks behind it are the dynamic provider's; what is asserted
// here is what the plugin adds, with exact request counts.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator/server";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { UNKNOWN_TO_PULUMI } from "../../provider/kit/write-only";
import { isSecret, PluginClient, pluginEnv, REPO_ROOT, secret } from "../plugin-client";

const KEY = "sk-ant-plugin-canary-4242";
let emulator: Emulator;
let plugin: PluginClient;
let config: Props;

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: KEY });
  plugin = await PluginClient.start(pluginEnv());
  config = await plugin.configure({ apiKey: secret(KEY), baseUrl: emulator.url, version: "0.2.0" });
}, 60_000);
afterAll(async () => {
  await plugin?.stop();
  await emulator?.stop();
});
beforeEach(() => emulator.resetCounts());

const calls = () => emulator.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
/** Every secret in a value, unwrapped; and the value with secrets shown as "[secret]". */
function secretsIn(value: unknown, found: unknown[] = []): unknown[] {
  if (isSecret(value)) found.push(value.value);
  else if (Array.isArray(value)) value.forEach((v) => secretsIn(v, found));
  else if (value !== null && typeof value === "object") Object.values(value).forEach((v) => secretsIn(v, found));
  return found;
}

describe("plugin info and schema", () => {
  it("reports the package's version and serves the committed schema.json", async () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8")) as { version: string };
    expect(await plugin.pluginVersion()).toBe(pkg.version);
    expect(JSON.parse(await plugin.schema())).toEqual(JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "schema.json"), "utf8")));
  });
});

describe("the plugin's process", () => {
  it("on a Node.js older than 22 exits before it listens, naming the node it found", async () => {
    // The machine's own Node.js (20 on this machine kind), first on the PATH the engine would pass on.
    await expect(PluginClient.start({ ...pluginEnv(), PATH: "/usr/bin:/bin" })).rejects.toThrow(/needs Node\.js 22 or newer \(found v(1\d|2[01])\.[\d.]+ at \/usr\/bin\/node\)/);
  });
});

describe("configuration", () => {
  it("CheckConfig reports every problem at once, each on its setting, with no request sent", async () => {
    const { failures } = await plugin.checkConfig({ apiKy: "x", baseUrl: "http://api.example.com", operationTimeoutSeconds: "soon" });
    expect(failures.map((f) => f.property).sort()).toEqual(["apiKey", "apiKy", "baseUrl", "operationTimeoutSeconds"]);
    expect(failures.find((f) => f.property === "apiKey")!.reason).toContain("pulumi config set --secret anthropic:apiKey");
    expect(failures.find((f) => f.property === "baseUrl")!.reason).toContain("must use https");
    expect(failures.find((f) => f.property === "apiKy")!.reason).toContain("unknown setting");
    expect(emulator.count()).toBe(0);
  });

  it("a setting unknown during preview is checked once known", async () => {
    expect((await plugin.checkConfig({ apiKey: secret(KEY), baseUrl: UNKNOWN })).failures).toEqual([]);
  });

  it("keeps the key a secret and the stack's create-token seed from one run to the next", async () => {
    const first = await plugin.checkConfig({ apiKey: KEY, baseUrl: emulator.url });
    expect(isSecret(first.inputs["apiKey"])).toBe(true);
    expect(first.inputs["__seed"]).toMatch(/^\d{4}-\d\d-\d\dT.*Z\/[0-9a-f]{32}$/);
    const again = await plugin.checkConfig({ apiKey: KEY, baseUrl: emulator.url }, first.inputs);
    expect(again.inputs["__seed"]).toBe(first.inputs["__seed"]);
    expect(config["__seed"]).toEqual(expect.any(String));
  });

  it("DiffConfig: a rotated key updates the provider and replaces nothing it manages", async () => {
    const diff = await plugin.diffConfig({ apiKey: secret("old"), __seed: "s" }, { apiKey: secret("new"), __seed: "s" });
    expect(diff).toEqual({ changes: "some", replaces: [], detailedDiff: { apiKey: "update" }, deleteBeforeReplace: false });
    expect((await plugin.diffConfig({ apiKey: "k", __seed: "a" }, { apiKey: "k", __seed: "b" })).changes).toBe("none");
  });
});

describe("an agent through the plugin", () => {
  it("check, create, a detailed diff, update, refresh and destroy: each the requests the hooks make", async () => {
    const declared = { name: "coder", model: "claude-sonnet-4-6", system: "Be careful." };
    const made = await plugin.checkAndCreate("Agent", "coder", declared);
    // A new stack (its seed minted by this plugin's CheckConfig): nothing an earlier run made to look up.
    expect(calls()).toEqual(["POST /v1/agents"]);
    expect(made.outs).toMatchObject({ name: "coder", version: 1, __kind: "Agent" });

    const next = await plugin.check("Agent", "coder", { ...declared, system: "Be terse." }, made.checked);
    expect(next.failures).toEqual([]);
    expect(await plugin.diff("Agent", "coder", made.id, made.outs, next.inputs)).toEqual({
      changes: "some",
      replaces: [],
      detailedDiff: { system: "update" },
      deleteBeforeReplace: false,
    });
    expect((await plugin.diff("Agent", "coder", made.id, made.outs, made.checked)).changes).toBe("none");

    emulator.resetCounts();
    const updated = await plugin.update("Agent", "coder", made.id, made.outs, next.inputs);
    expect(calls()).toEqual([`POST /v1/agents/${made.id}`]);
    expect(updated["version"]).toBe(2);

    emulator.resetCounts();
    const read = await plugin.read("Agent", "coder", made.id, updated, next.inputs);
    expect(calls()).toEqual([`GET /v1/agents/${made.id}`]);
    expect(read.inputs).toMatchObject({ system: "Be terse." });
    expect((await plugin.diff("Agent", "coder", made.id, read.props, next.inputs)).changes).toBe("none");

    emulator.resetCounts();
    await plugin.delete("Agent", "coder", made.id, updated);
    expect(calls()).toEqual([`POST /v1/agents/${made.id}/archive`]);
  });

  it("a bad input fails check naming the field, with no request; an unknown value never fails it", async () => {
    const bad = await plugin.check("Agent", "typo", { name: "a", model: "claude-sonnet-4-6", systm: "x" });
    // On the resource, as the engine prints it best: `resource 'typo' has a problem: unknown field "systm" …`.
    expect(bad.failures).toEqual([{ property: "", reason: expect.stringContaining('unknown field "systm"') }]);
    const pending = await plugin.check("Session", "pinned", { agent: UNKNOWN, agentVersion: UNKNOWN, environmentId: UNKNOWN });
    expect(pending.failures).toEqual([]);
    expect(emulator.count()).toBe(0);
  });

  it("a type the package does not have is an error naming the package's types", async () => {
    await expect(plugin.check("Robot", "r", {})).rejects.toThrow(/no resource type "anthropic:index:Robot".*anthropic:index:Agent/);
  });
});

describe("secrets", () => {
  it("a credential's token: a secret hash in every answer, never the value; its rotation is marked in the detailed diff", async () => {
    const vault = await plugin.checkAndCreate("Vault", "ops", { displayName: "ops" });
    const bearer = (token: unknown) => ({ vaultId: vault.id, auth: { type: "static_bearer", mcpServerUrl: "https://mcp.linear.app/mcp", token } });
    emulator.resetCounts();
    const made = await plugin.checkAndCreate("VaultCredential", "linear", bearer(secret("lin_first_token_0001")));
    for (const answer of [made.checked, made.outs]) {
      const token = (answer["auth"] as Props)["token"];
      expect(isSecret(token)).toBe(true);
      expect((token as { value: string }).value).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(isSecret((answer["auth"] as Props)["mcpServerUrl"])).toBe(false);
    }
    expect(emulator.vaults.store.secretsOf(made.id)).toEqual({ "auth.token": "lin_first_token_0001" });

    // A token given in plain form (YAML without fn::secret) is just as secret in what comes back.
    const rotated = await plugin.check("VaultCredential", "linear", bearer("lin_second_token_0002"), made.checked);
    expect(isSecret((rotated.inputs["auth"] as Props)["token"])).toBe(true);
    expect(await plugin.diff("VaultCredential", "linear", made.id, made.outs, rotated.inputs)).toMatchObject({ changes: "some", replaces: [], detailedDiff: { auth: "update" } });
    emulator.resetCounts();
    const after = await plugin.update("VaultCredential", "linear", made.id, made.outs, rotated.inputs);
    expect(calls()).toEqual([`GET /v1/vaults/${vault.id}/credentials/${made.id}`, `POST /v1/vaults/${vault.id}/credentials/${made.id}`]);
    expect(emulator.vaults.store.secretsOf(made.id)).toEqual({ "auth.token": "lin_second_token_0002" });

    const everything = JSON.stringify([made, rotated, after, plugin.stderr]);
    expect(everything).not.toContain("lin_first_token");
    expect(everything).not.toContain("lin_second_token");
    expect(everything).not.toContain(KEY);
  });

  it("a value the program made secret stays secret where it was; the rest stays plain", async () => {
    const made = await plugin.checkAndCreate("Agent", "secretive", { name: "secretive", model: "claude-sonnet-4-6", system: secret("the hidden prompt") });
    expect(isSecret(made.checked["system"])).toBe(true);
    expect(isSecret(made.outs["system"])).toBe(true);
    expect(secretsIn(made.outs)).toEqual(["the hidden prompt"]);
  });
});

describe("import: Read with an id alone", () => {
  /** What `pulumi import` does: Read, then Check the inputs it returned; then the next preview's Check and Diff. */
  async function imported(kind: string, address: string, declaredAgain?: (inputs: Props) => Props) {
    emulator.resetCounts();
    const read = await plugin.read(kind, `imported-${kind}`, address);
    const requests = calls();
    const checked = await plugin.check(kind, `imported-${kind}`, read.inputs, read.inputs);
    const program = declaredAgain ? declaredAgain(read.inputs) : read.inputs;
    const next = await plugin.check(kind, `imported-${kind}`, program, read.inputs);
    const diff = await plugin.diff(kind, `imported-${kind}`, read.id, read.props, next.inputs);
    return { read, requests, checked, next, diff };
  }
  const hidden = (props: Props) => Object.fromEntries(Object.entries(props).filter(([k]) => !k.startsWith("__")));

  it("an agent, an environment, a session, a vault, a memory store: one GET each, inputs that pass check, no change next", async () => {
    const agent = emulator.agents.create({ name: "outside", model: "claude-sonnet-4-6", system: "made by hand", tools: [{ type: "agent_toolset_20260401" }], metadata: { team: "x" } });
    const environment = emulator.environments.create({ name: "outside-env", config: { type: "cloud", networking: { type: "limited", allowed_hosts: ["api.github.com"] } } });
    const session = emulator.sessions.create({ agent: { type: "agent", id: agent.id, version: 1 }, environment_id: environment.id, title: "by hand" });
    const vault = emulator.vaults.store.createVault({ display_name: "ops", metadata: {} });
    const store = (await plugin.checkAndCreate("MemoryStore", "notes", { name: "notes" })).id;
    for (const [kind, id, prefix] of [
      ["Agent", agent.id, "/v1/agents/"],
      ["Environment", environment.id, "/v1/environments/"],
      ["Session", session.id, "/v1/sessions/"],
      ["Vault", vault.id, "/v1/vaults/"],
      ["MemoryStore", store, "/v1/memory_stores/"],
    ] as const) {
      const { read, requests, checked, diff } = await imported(kind, id);
      expect([kind, requests]).toEqual([kind, [`GET ${prefix}${id}`]]);
      expect([kind, read.id]).toEqual([kind, id]);
      expect([kind, checked.failures]).toEqual([kind, []]);
      expect([kind, diff.changes]).toEqual([kind, "none"]);
    }
    const agentRead = await plugin.read("Agent", "a", agent.id);
    expect(hidden(agentRead.inputs)).toMatchObject({ name: "outside", system: "made by hand", metadata: { team: "x" } });
    const sessionRead = await plugin.read("Session", "s", session.id);
    // No pin is read back: whether a session was pinned is the program's opinion, not the API's
    // (an imported session stays on its version until the program says `agentVersion`).
    expect(hidden(sessionRead.inputs)).toMatchObject({ agent: agent.id, environmentId: environment.id, title: "by hand" });
    expect(sessionRead.inputs["agentVersion"]).toBeUndefined();
  });

  it("a credential by <vaultId>/<credentialId>: its token unknown to Pulumi, declared so it is no change; a real value rotates it", async () => {
    const vault = emulator.vaults.store.createVault({ display_name: "ops", metadata: {} });
    const credential = emulator.vaults.store.createCredential(vault.id, { display_name: "linear", auth: { type: "static_bearer", mcp_server_url: "https://mcp.linear.app/mcp", token: "lin_set_by_hand_777" } });
    const { read, requests, checked, next, diff } = await imported("VaultCredential", `${vault.id}/${credential.id}`);
    expect(requests).toEqual([`GET /v1/vaults/${vault.id}/credentials/${credential.id}`]);
    expect(read.id).toBe(credential.id);
    expect(hidden(read.inputs)).toEqual({ vaultId: vault.id, displayName: "linear", auth: { type: "static_bearer", mcpServerUrl: "https://mcp.linear.app/mcp", token: UNKNOWN_TO_PULUMI } });
    expect(checked.failures).toEqual([]);
    expect(diff.changes).toBe("none");

    // The program supplies the real token: one rotation in place, and state keeps only its hash.
    const supplied = await plugin.check("VaultCredential", "imported-VaultCredential", { ...hidden(read.inputs), auth: { ...(read.inputs["auth"] as Props), token: secret("lin_declared_888") } }, next.inputs);
    expect(await plugin.diff("VaultCredential", "imported-VaultCredential", credential.id, read.props, supplied.inputs)).toMatchObject({ changes: "some", detailedDiff: { auth: "update" } });
    emulator.resetCounts();
    const outs = await plugin.update("VaultCredential", "imported-VaultCredential", credential.id, read.props, supplied.inputs);
    expect(emulator.vaults.store.secretsOf(credential.id)).toEqual({ "auth.token": "lin_declared_888" });
    expect(JSON.stringify(outs)).not.toContain("lin_declared_888");

    // Another change while the token is still unknown to Pulumi sends no token at all.
    const renamed = await plugin.check("VaultCredential", "imported-VaultCredential", { ...hidden(read.inputs), displayName: "renamed" }, read.inputs);
    emulator.resetCounts();
    await plugin.update("VaultCredential", "imported-VaultCredential", credential.id, read.props, renamed.inputs);
    expect(emulator.requests.at(-1)!.body).toEqual({ display_name: "renamed", metadata: { "pulumi-write-token": expect.any(String) } });
    expect(emulator.vaults.store.secretsOf(credential.id)).toEqual({ "auth.token": "lin_declared_888" });
  });

  it("a deployment, like the others; a skill and a file, whose local folder or file is the program's to add", async () => {
    const agent = emulator.agents.create({ name: "nightly", model: "claude-sonnet-4-6" });
    const environment = emulator.environments.create({ name: "sandbox" });
    const deployment = await plugin.checkAndCreate("Deployment", "nightly", {
      agent: agent.id,
      environmentId: environment.id,
      name: "nightly triage",
      initialEvents: [{ type: "user.message", content: [{ type: "text", text: "Triage new issues." }] }],
      schedule: { type: "cron", expression: "0 3 * * 1-5", timezone: "Europe/Paris" },
    });
    const d = await imported("Deployment", deployment.id);
    expect(d.requests).toEqual([`GET /v1/deployments/${deployment.id}`, "GET /v1/deployment_runs"]);
    expect([d.checked.failures, d.diff.changes]).toEqual([[], "none"]);

    const dir = fs.mkdtempSync(path.join(require("node:os").tmpdir(), "import-"));
    fs.cpSync(path.join(REPO_ROOT, "test", "fixtures", "skills", "triage-rules"), path.join(dir, "skill"), { recursive: true });
    const skill = await plugin.checkAndCreate("Skill", "rules", { directory: path.join(dir, "skill"), displayName: "Triage rules" });
    const k = await imported("Skill", skill.id, (inputs) => ({ ...inputs, directory: path.join(dir, "skill") }));
    expect(k.requests).toEqual([`GET /v1/skills/${skill.id}`, `GET /v1/skills/${skill.id}/versions`]);
    expect(k.checked.failures.map((f) => f.reason.split(":")[0])).toEqual(["directory"]);
    // With its folder added, the folder's content is uploaded once: a new version of the same skill.
    expect(k.diff).toMatchObject({ changes: "some", replaces: [] });

    fs.writeFileSync(path.join(dir, "guide.md"), "the guide");
    const file = await plugin.checkAndCreate("File", "guide", { source: path.join(dir, "guide.md"), filename: "guide.md" });
    const f = await imported("File", file.id);
    expect(f.requests).toEqual([`GET /v1/files/${file.id}`]);
    expect(hidden(f.read.inputs)).toEqual({ filename: "guide.md" });
    expect(f.checked.failures.map((x) => x.reason.split(":")[0])).toEqual(["source"]);
  });

  it("a memory by <memoryStoreId>/<memoryId>", async () => {
    const store = (await plugin.checkAndCreate("MemoryStore", "mem", { name: "mem" })).id;
    const memory = await plugin.checkAndCreate("Memory", "seeded", { memoryStoreId: store, path: "/notes.md", content: "hello" });
    const { read, requests, checked, diff } = await imported("Memory", `${store}/${memory.id}`);
    expect(requests).toEqual([`GET /v1/memory_stores/${store}/memories/${memory.id}`]);
    expect(hidden(read.inputs)).toEqual({ memoryStoreId: store, path: "/notes.md", content: "hello" });
    expect(checked.failures).toEqual([]);
    expect(diff.changes).toBe("none");
  });

  it("a tunnel by its id, its token a secret in every answer; its certificate by <tunnelId>/<certificateId>, whose PEM is the program's to add", async () => {
    const tunnel = await plugin.checkAndCreate("Tunnel", "edge", { displayName: "edge" });
    expect(isSecret(tunnel.outs["token"])).toBe(true);
    const t = await imported("Tunnel", tunnel.id);
    expect(t.requests).toEqual([`GET /v1/tunnels/${tunnel.id}`, `POST /v1/tunnels/${tunnel.id}/reveal_token`]);
    expect(hidden(t.read.inputs)).toEqual({ displayName: "edge" });
    expect(isSecret(t.read.props["token"])).toBe(true);
    expect([t.checked.failures, t.diff.changes]).toEqual([[], "none"]);

    const pem = fs.readFileSync(path.join(REPO_ROOT, "test", "fixtures", "tunnel-ca.pem"), "utf8");
    const cert = await plugin.checkAndCreate("TunnelCertificate", "ca", { tunnelId: tunnel.id, caCertificatePem: pem });
    const c = await imported("TunnelCertificate", `${tunnel.id}/${cert.id}`, (inputs) => ({ ...inputs, caCertificatePem: pem }));
    expect(c.requests).toEqual([`GET /v1/tunnels/${tunnel.id}/certificates/${cert.id}`]);
    expect(hidden(c.read.inputs)).toEqual({ tunnelId: tunnel.id, fingerprint: cert.checked["fingerprint"] });
    expect(c.checked.failures.map((f) => f.reason.split(":")[0])).toEqual(["caCertificatePem"]);
    // With its PEM added, the same certificate: recorded, never replaced.
    expect(c.diff).toMatchObject({ changes: "some", replaces: [] });
    await expect(plugin.read("TunnelCertificate", "bad", cert.id)).rejects.toThrow(/TunnelCertificate .*: import it as <tunnelId>\/<id>/);
  });

  it("an id that names nothing: no id back (the engine reports that the resource does not exist); a parent-scoped one needs its parent", async () => {
    expect((await plugin.read("Agent", "ghost", "agent_01doesnotexist")).id).toBe("");
    await expect(plugin.read("VaultCredential", "bad", "vcrd_only")).rejects.toThrow(/VaultCredential vcrd_only: import it as <vaultId>\/<id>/);
    await expect(plugin.read("VaultCredential", "bad", "/vcrd_x")).rejects.toThrow(/expected <vaultId>\/<id>/);
  });

  it("a create of an object whose secret is unknown to Pulumi says what to set", async () => {
    const vault = await plugin.checkAndCreate("Vault", "v2", { displayName: "v2" });
    const { inputs } = await plugin.check("VaultCredential", "fresh", { vaultId: vault.id, auth: { type: "static_bearer", mcpServerUrl: "https://mcp.linear.app/mcp", token: UNKNOWN_TO_PULUMI } });
    emulator.resetCounts();
    await expect(plugin.create("VaultCredential", "fresh", inputs)).rejects.toThrow(/auth\.token is declared as unknown to Pulumi.*set it in the program/);
    expect(emulator.count()).toBe(0);
  });
});

describe("Cancel", () => {
  it("ends an operation in flight (an update waiting for a running session) at once", async () => {
    const env = await plugin.checkAndCreate("Environment", "e", { name: "e", config: { type: "cloud" } });
    const agent = await plugin.checkAndCreate("Agent", "busy", { name: "busy", model: "claude-sonnet-4-6" });
    const declared = { agent: agent.id, environmentId: env.id, waitTimeoutSeconds: 600 };
    const session = await plugin.checkAndCreate("Session", "busy", declared);
    emulator.sessions.runMs = 60_000;
    emulator.sessions.sendEvents(session.id, { events: [{ type: "user.message", content: [{ type: "text", text: "work" }] }] });
    const next = await plugin.check("Session", "busy", { ...declared, tools: [{ type: "agent_toolset_20260401" }] }, session.checked);
    const started = Date.now();
    const outcome = plugin.update("Session", "busy", session.id, session.outs, next.inputs).then(
      () => "updated",
      (error: Error) => error.message,
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    await plugin.cancel();
    expect(await outcome).toMatch(/the operation was cancelled \(the Pulumi engine asked the provider to stop\)/);
    expect(Date.now() - started).toBeLessThan(20_000);
    expect(emulator.sessions.get(session.id).agent.tools).toEqual([]);
    emulator.sessions.runMs = 1_000;
  });
});

describe("the stack's create-token seed", () => {
  it("a provider whose configuration holds the seed of an earlier run looks up what that run may have left; one that minted it does not", async () => {
    const earlier = await PluginClient.start(pluginEnv());
    try {
      const seed = `${new Date(Date.now() - 86_400_000).toISOString()}/${"0".repeat(32)}`;
      await earlier.configure({ apiKey: secret(KEY), baseUrl: emulator.url }, { __seed: seed });
      emulator.resetCounts();
      await earlier.checkAndCreate("Agent", "after-an-earlier-run", { name: "after", model: "claude-sonnet-4-6" });
      expect(calls()).toEqual(["GET /v1/agents", "POST /v1/agents"]);
      emulator.resetCounts();
      await plugin.checkAndCreate("Agent", "on-a-new-stack", { name: "new", model: "claude-sonnet-4-6" });
      expect(calls()).toEqual(["POST /v1/agents"]);
    } finally {
      await earlier.stop();
    }
  });
});

describe("explicit providers", () => {
  it("each provider process uses its own credentials and endpoint", async () => {
    const other = await startEmulator({ apiKey: "sk-ant-other-team-1" });
    const second = await PluginClient.start(pluginEnv());
    try {
      await second.configure({ apiKey: secret("sk-ant-other-team-1"), baseUrl: other.url });
      const here = await plugin.checkAndCreate("Agent", "ours", { name: "ours", model: "claude-sonnet-4-6" });
      const there = await second.checkAndCreate("Agent", "theirs", { name: "theirs", model: "claude-sonnet-4-6" });
      expect(emulator.live().agents).toContain(here.id);
      expect(other.live().agents).toEqual([there.id]);

      // A key the API refuses: the failure names the key's settings.
      const wrong = await PluginClient.start(pluginEnv());
      try {
        await wrong.configure({ apiKey: secret("sk-ant-wrong"), baseUrl: other.url });
        await expect(wrong.checkAndCreate("Agent", "x", { name: "x", model: "claude-sonnet-4-6" })).rejects.toThrow(/the Anthropic API refused the API key \(HTTP 401.*check anthropic:apiKey/);
      } finally {
        await wrong.stop();
      }
    } finally {
      await second.stop();
      await other.stop();
    }
  });
});
