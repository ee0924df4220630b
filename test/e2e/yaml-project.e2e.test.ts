// The native plugin under the real CLI in a real project directory: examples/yaml/ (the
// pinned-sessions story as a Pulumi YAML program) run with `pulumi` itself, the plugin found on
// PATH, the key set only with `pulumi config set --secret anthropic:apiKey` (no environment
// variable), against an emulator that accepts that key alone. Every step is what a YAML user
// types; each asserts what the engine planned and the exact requests the API saw.
import * as fs from "node:fs";
import * as path from "node:path";
import { startEmulator, type Emulator } from "../../emulator/server";
import { projectDir, REPO_ROOT, type ProjectDir } from "../../tools/engine";

jest.setTimeout(10 * 60_000);

const KEY = "sk-ant-yaml-canary-5a1e7c";
const EXAMPLE = fs.readFileSync(path.join(REPO_ROOT, "examples", "yaml", "Pulumi.yaml"), "utf8");

let emulator: Emulator;
let project: ProjectDir;

beforeAll(async () => {
  emulator = await startEmulator({ apiKey: KEY });
  project = projectDir({ "Pulumi.yaml": EXAMPLE });
  await project.cli(["stack", "init", "dev"]);
  await project.cli(["config", "set", "--secret", "anthropic:apiKey", KEY]);
  await project.cli(["config", "set", "anthropic:baseUrl", emulator.url]);
});
afterAll(async () => {
  await emulator?.stop();
});

const requests = () => emulator.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
const writes = () => requests().filter((r) => !r.startsWith("GET "));

/** The step the engine plans for each resource of the program (by name), from `pulumi preview --json`. */
async function planned(extra: string[] = []): Promise<Record<string, string>> {
  const out = JSON.parse(await project.cli(["preview", "--json", ...extra])) as { steps?: Array<{ op: string; urn: string }> };
  const ops: Record<string, string> = {};
  for (const step of out.steps ?? []) {
    const [, , type, name] = step.urn.split("::");
    if (type === "pulumi:pulumi:Stack" || type?.startsWith("pulumi:providers:")) continue;
    ops[name!] = step.op;
  }
  return ops;
}

async function outputs(): Promise<Record<string, unknown>> {
  return JSON.parse(await project.cli(["stack", "output", "--json", "--show-secrets"])) as Record<string, unknown>;
}

function writeProgram(text: string): void {
  fs.writeFileSync(path.join(project.dir, "Pulumi.yaml"), text);
}

const program = () => fs.readFileSync(path.join(project.dir, "Pulumi.yaml"), "utf8");

describe("examples/yaml under `pulumi` in a project directory", () => {
  let agentId: string;
  let staysPut: string;

  it("previews with no request, then `up` creates the environment, the agent and three sessions", async () => {
    emulator.resetCounts();
    expect(await planned()).toEqual({ sandbox: "create", coder: "create", followsAgent: "create", staysPut: "create", localTools: "create" });
    expect(emulator.count()).toBe(0);

    await project.cli(["up", "--yes", "--skip-preview"]);
    expect(writes().sort()).toEqual(["POST /v1/agents", "POST /v1/environments", "POST /v1/sessions", "POST /v1/sessions", "POST /v1/sessions"]);
    const live = emulator.live();
    expect([live.environments.length, live.agents.length, live.sessions.length]).toEqual([1, 1, 3]);
    const o = await outputs();
    agentId = o["agentId"] as string;
    staysPut = o["staysPutId"] as string;
    expect(o).toMatchObject({ agentVersion: 1, followsAgentVersion: 1, staysPutVersion: 1 });
  });

  it("keeps the key out of the state export", async () => {
    const exported = await project.cli(["stack", "export"]);
    expect(exported).not.toContain(KEY);
    expect(exported).toContain('"apiKey"');
  });

  it("a system-prompt change previews as the agent's update and the pinned session's replacement only, with no request", async () => {
    await project.cli(["config", "set", "systemPrompt", "You are terse."]);
    emulator.resetCounts();
    expect(await planned()).toEqual({ coder: "update", followsAgent: "replace" });
    const diff = await project.cli(["preview", "--diff"]);
    expect(diff).toContain('~ system: "You are a careful coding agent." => "You are terse."');
    expect(diff).toContain("~ agentVersion: 1 => [unknown]");
    expect(emulator.count()).toBe(0);

    await project.cli(["up", "--yes", "--skip-preview"]);
    expect(writes()).toEqual([`POST /v1/agents/${agentId}`, "POST /v1/sessions", expect.stringMatching(/^POST \/v1\/sessions\/sesn_\w+\/archive$/)]);
    const o = await outputs();
    expect(o).toMatchObject({ agentVersion: 2, followsAgentVersion: 2, staysPutVersion: 1, staysPutId: staysPut });
    expect(emulator.sessions.get(staysPut).agent.version).toBe(1);
  });

  it("a session-local tools change updates that one session in place", async () => {
    writeProgram(
      program()
        .replace("        # - type: mcp_toolset\n        #   mcpServerName: linear", "        - type: mcp_toolset\n          mcpServerName: linear")
        .replace("      # mcpServers:\n      #   - type: url\n      #     name: linear\n      #     url: https://mcp.linear.app/sse", "      mcpServers:\n        - type: url\n          name: linear\n          url: https://mcp.linear.app/sse"),
    );
    emulator.resetCounts();
    expect(await planned()).toEqual({ localTools: "update" });
    expect(await project.cli(["preview", "--diff"])).toMatch(/~ anthropic:index:Session: \(update\)[\s\S]*localTools[\s\S]*\+ mcpServers/);
    expect(emulator.count()).toBe(0);

    await project.cli(["up", "--yes", "--skip-preview"]);
    const localTools = (await outputs())["localToolsId"] as string;
    expect(writes()).toEqual([`POST /v1/sessions/${localTools}`]);
    expect(emulator.sessions.get(localTools).agent.mcp_servers).toEqual([{ type: "url", name: "linear", url: "https://mcp.linear.app/sse" }]);
    expect(emulator.agents.current(agentId).version).toBe(2);
  });

  it("`pulumi import` takes in an agent, an environment, a session, a vault and a credential (by <vaultId>/<id>), one GET each; the code it writes previews with no change", async () => {
    const agent = emulator.agents.create({ name: "outside", model: "claude-sonnet-4-6", system: "made by hand", tools: [{ type: "agent_toolset_20260401" }] });
    const environment = emulator.environments.create({ name: "outside-env", config: { type: "cloud", networking: { type: "unrestricted" } } });
    const session = emulator.sessions.create({ agent: { type: "agent", id: agent.id, version: 1 }, environment_id: environment.id, title: "by hand" });
    const vault = emulator.vaults.store.createVault({ display_name: "ops", metadata: {} });
    const credential = emulator.vaults.store.createCredential(vault.id, { auth: { type: "static_bearer", mcp_server_url: "https://mcp.linear.app/mcp", token: "lin_by_hand_0001" } });
    const resources = [
      { type: "anthropic:index:Agent", name: "triage", id: agent.id },
      { type: "anthropic:index:Environment", name: "outsideEnv", id: environment.id },
      { type: "anthropic:index:Session", name: "byHand", id: session.id },
      { type: "anthropic:index:Vault", name: "ops", id: vault.id },
      { type: "anthropic:index:VaultCredential", name: "linear", id: `${vault.id}/${credential.id}` },
    ];
    fs.writeFileSync(path.join(project.dir, "import.json"), JSON.stringify({ resources }));
    emulator.resetCounts();
    await project.cli(["import", "--file", "import.json", "--out", "imported.yaml", "--yes", "--skip-preview"]);
    expect(requests().sort()).toEqual(
      [
        `GET /v1/agents/${agent.id}`,
        `GET /v1/environments/${environment.id}`,
        `GET /v1/sessions/${session.id}`,
        `GET /v1/vaults/${vault.id}`,
        `GET /v1/vaults/${vault.id}/credentials/${credential.id}`,
      ].sort(),
    );
    const code = fs.readFileSync(path.join(project.dir, "imported.yaml"), "utf8");
    expect(code).toContain("type: anthropic:VaultCredential");
    expect(code).toContain("(unknown to Pulumi: set the real value to manage it)");
    expect(code).not.toContain("lin_by_hand");
    expect(await project.cli(["stack", "export"])).not.toContain("lin_by_hand");

    // The generated resources go into the program as they are.
    writeProgram(program().replace("\noutputs:\n", `\n${code.replace(/^resources:\n/, "")}outputs:\n`));
    emulator.resetCounts();
    await project.cli(["preview", "--expect-no-changes"]);
    expect(await planned()).toEqual({});
    expect(emulator.count()).toBe(0);
  });

  it("refresh finds no change, one GET per object", async () => {
    emulator.resetCounts();
    await project.cli(["refresh", "--yes", "--expect-no-changes", "--skip-preview"]);
    expect(writes()).toEqual([]);
    expect(emulator.count()).toBe(10);
  });

  it("a misspelled property fails preview naming it, with no request", async () => {
    const good = program();
    writeProgram(good.replace("      system: ${systemPrompt}", "      systm: ${systemPrompt}"));
    emulator.resetCounts();
    const { status, output } = await project.tryCli(["preview"]);
    expect(status).not.toBe(0);
    expect(output).toContain("Property systm does not exist on 'anthropic:index:Agent'");
    expect(emulator.count()).toBe(0);
    writeProgram(good);
  });

  it("destroy leaves nothing live", async () => {
    await project.cli(["state", "unprotect", "--all", "--yes"]);
    await project.cli(["destroy", "--yes", "--skip-preview"]);
    expect(Object.values(emulator.live()).flat()).toEqual([]);
  });
});

describe("`pulumi package get-schema bin/pulumi-resource-anthropic`", () => {
  it("prints the schema: 12 resources, every property documented, the credential's secrets and the tunnel's token marked, a secret apiKey setting", async () => {
    const schema = JSON.parse(await project.cli(["package", "get-schema", path.join(REPO_ROOT, "bin", "pulumi-resource-anthropic")])) as {
      name: string;
      resources: Record<string, { inputProperties: Record<string, { description?: string }>; properties: Record<string, { description?: string; secret?: boolean }> }>;
      types: Record<string, { properties?: Record<string, { description?: string; secret?: boolean }> }>;
      config: { variables: Record<string, { secret?: boolean }> };
    };
    expect(schema.name).toBe("anthropic");
    expect(Object.keys(schema.resources).sort()).toEqual(
      ["Agent", "Deployment", "Environment", "File", "Memory", "MemoryStore", "Session", "Skill", "Tunnel", "TunnelCertificate", "Vault", "VaultCredential"].map((k) => `anthropic:index:${k}`),
    );
    expect(schema.resources["anthropic:index:Tunnel"]!.properties["token"]).toMatchObject({ secret: true });
    const undocumented = [
      ...Object.entries(schema.resources).flatMap(([r, spec]) => Object.entries({ ...spec.inputProperties, ...spec.properties }).filter(([, p]) => !p.description).map(([p]) => `${r}.${p}`)),
      ...Object.entries(schema.types).flatMap(([t, spec]) => Object.entries(spec.properties ?? {}).filter(([, p]) => !p.description).map(([p]) => `${t}.${p}`)),
    ];
    expect(undocumented).toEqual([]);
    const secrets = Object.entries(schema.types)
      .filter(([t]) => t.startsWith("anthropic:index:VaultCredentialAuth"))
      .flatMap(([, spec]) => Object.entries(spec.properties ?? {}).filter(([, p]) => p.secret).map(([p]) => p));
    expect([...new Set(secrets)].sort()).toEqual(["accessToken", "clientSecret", "refreshToken", "secretValue", "token"]);
    expect(schema.config.variables["apiKey"]).toMatchObject({ secret: true });
  });
});

describe("an explicit provider with its own credentials", () => {
  it("sends each resource to its provider's endpoint with its provider's key", async () => {
    const otherKey = "sk-ant-other-team-canary-77";
    const other = await startEmulator({ apiKey: otherKey });
    try {
      const own = projectDir({
        "Pulumi.yaml": [
          "name: two-accounts",
          "runtime: yaml",
          "config:",
          "  otherKey:",
          "    type: string",
          "    secret: true",
          "  otherUrl:",
          "    type: string",
          "resources:",
          "  otherAccount:",
          "    type: pulumi:providers:anthropic",
          "    properties:",
          "      apiKey: ${otherKey}",
          "      baseUrl: ${otherUrl}",
          "  ours:",
          "    type: anthropic:Agent",
          "    properties:",
          "      name: ours",
          "      model: claude-sonnet-4-6",
          "  theirs:",
          "    type: anthropic:Agent",
          "    properties:",
          "      name: theirs",
          "      model: claude-sonnet-4-6",
          "    options:",
          "      provider: ${otherAccount}",
          "",
        ].join("\n"),
      });
      await own.cli(["stack", "init", "dev"]);
      await own.cli(["config", "set", "--secret", "anthropic:apiKey", KEY]);
      await own.cli(["config", "set", "anthropic:baseUrl", emulator.url]);
      await own.cli(["config", "set", "--secret", "otherKey", otherKey]);
      await own.cli(["config", "set", "otherUrl", other.url]);
      emulator.resetCounts();
      await own.cli(["up", "--yes", "--skip-preview"]);
      expect(emulator.agents.list(new URLSearchParams()).data.map((a) => a.name)).toContain("ours");
      expect(other.live().agents).toHaveLength(1);
      expect(other.agents.list(new URLSearchParams()).data.map((a) => a.name)).toEqual(["theirs"]);
      const exported = await own.cli(["stack", "export"]);
      expect(exported).not.toContain(otherKey);
      expect(exported).not.toContain(KEY);
      await own.cli(["destroy", "--yes", "--skip-preview"]);
      expect(other.live().agents).toEqual([]);
    } finally {
      await other.stop();
    }
  });
});
