// A session that works with a secured MCP server, a reference file and a memory store, all
// declared next to it:
// - a vault holds a static-bearer credential for Linear's MCP server; the session uses the vault
//   (`vaultIds`), so the agent's `linear` MCP server is reached with that token. The token is
//   write-only: state and every log hold only its hash; changing it is a rotation (one update);
// - a file uploaded from onboarding.md is mounted in the session: when its bytes change, the file
//   is replaced, and so is the session (its `fileId` changes);
// - a memory store seeded with one memory is mounted read-write: an agent may rewrite the memory,
//   and a later `up` never overwrites that unseen.
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Agent, Environment, File, Memory, MemoryStore, Session, Vault, VaultCredential } from "pulumi-anthropic-managed-agents";

export interface SecureSessionOptions {
  /** The bearer token for Linear's MCP server (a secret). */
  linearToken: pulumi.Input<string>;
  /** The reference file to upload (a local path). */
  guidePath: string;
  /** The seeded memory's content. */
  conventions: string;
  /** Overwrite the memory even when an agent changed it since the last `up`. */
  overwriteMemory?: boolean;
}

export const LINEAR_MCP_URL = "https://mcp.linear.app/mcp";

export const defaultOptions: Omit<SecureSessionOptions, "linearToken"> = {
  guidePath: path.join(__dirname, "onboarding.md"),
  conventions: "Issue titles are imperative and under 70 characters.",
};

export function secureSession(o: SecureSessionOptions) {
  const environment = new Environment("sandbox", {
    name: "secure-sandbox",
    config: { type: "cloud", networking: { type: "limited", allowMcpServers: true } },
  });

  const agent = new Agent("triager", {
    name: "triager",
    model: "claude-sonnet-4-6",
    system: "You triage Linear issues using the onboarding guide and the team's conventions.",
    tools: [{ type: "agent_toolset_20260401" }, { type: "mcp_toolset", mcpServerName: "linear" }],
    mcpServers: [{ type: "url", name: "linear", url: LINEAR_MCP_URL }],
  });

  const vault = new Vault("secrets", { displayName: "triage secrets", metadata: { team: "support" } });
  const linear = new VaultCredential("linear", {
    vaultId: vault.id,
    displayName: "Linear MCP",
    auth: { type: "static_bearer", mcpServerUrl: LINEAR_MCP_URL, token: o.linearToken },
  });

  const guide = new File("guide", { source: o.guidePath, filename: "onboarding.md" });

  const store = new MemoryStore("notes", { name: "triage-notes", description: "What the triager has learnt about this team." });
  const conventions = new Memory("conventions", {
    memoryStoreId: store.id,
    path: "/conventions.md",
    content: o.conventions,
    ...(o.overwriteMemory ? { overwrite: true } : {}),
  });

  const session = new Session(
    "triage",
    {
      agent: agent.id,
      environmentId: environment.id,
      title: "triage with secrets, a guide and memory",
      vaultIds: [vault.id],
      resources: [
        { type: "file", fileId: guide.id, mountPath: "/workspace/onboarding.md" },
        { type: "memory_store", memoryStoreId: store.id, access: "read_write", instructions: "Record conventions you learn here." },
      ],
    },
    // The credential must exist before the session may use the vault.
    { dependsOn: [linear, conventions] },
  );

  return {
    vaultId: vault.id,
    credentialId: linear.id,
    fileId: guide.id,
    fileSha256: guide.sha256,
    memoryStoreId: store.id,
    memoryId: conventions.id,
    sessionId: session.id,
  };
}

/** The options from stack config (`pulumi config set --secret secure-session:linearToken ...`). */
export function optionsFromConfig(): SecureSessionOptions {
  const config = new pulumi.Config("secure-session");
  return {
    ...defaultOptions,
    linearToken: config.requireSecret("linearToken"),
    conventions: config.get("conventions") ?? defaultOptions.conventions,
    overwriteMemory: config.getBoolean("overwriteMemory") ?? false,
  };
}
