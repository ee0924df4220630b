// A private MCP server behind an MCP tunnel (beta): the tunnel gives it a hostname under
// `tunnel.domain`, the connector you run next to the server authenticates with `tunnel.token` (a
// secret output), the tunnel trusts the server's CA through a TunnelCertificate, and the agent
// reaches the server at a URL under the tunnel's domain.
// - change `tokenRotation` (e.g. a quarter's name) and `up` rotates the connector token in place;
// - change `displayName` and `up` replaces the tunnel (the API has no update), and with it the
//   certificate and the agent's MCP server URL.
import * as fs from "node:fs";
import * as path from "node:path";
import * as pulumi from "@pulumi/pulumi";
import { Agent, Tunnel, TunnelCertificate } from "pulumi-anthropic-managed-agents";

export interface TunnelOptions {
  displayName: string;
  tokenRotation: string;
  /** The PEM of the CA that signed the MCP server's certificate. */
  caCertificatePem: string;
}

export const defaultOptions: TunnelOptions = {
  displayName: "on-prem wiki",
  tokenRotation: "2026-q3",
  caCertificatePem: fs.readFileSync(path.join(__dirname, "ca.pem"), "utf8"),
};

export function tunnelStack(o: TunnelOptions) {
  const tunnel = new Tunnel("on-prem", { displayName: o.displayName, tokenRotation: o.tokenRotation });
  const ca = new TunnelCertificate("on-prem-ca", { tunnelId: tunnel.id, caCertificatePem: o.caCertificatePem });
  const agent = new Agent("wiki-reader", {
    name: "wiki-reader",
    model: "claude-sonnet-4-6",
    system: "Answer from the internal wiki.",
    mcpServers: [{ type: "url", name: "wiki", url: pulumi.interpolate`https://wiki.${tunnel.domain}/mcp` }],
    tools: [{ type: "mcp_toolset", mcpServerName: "wiki" }],
  });
  return {
    tunnelId: tunnel.id,
    domain: tunnel.domain,
    certificateId: ca.id,
    fingerprint: ca.fingerprint,
    agentId: agent.id,
    // Hand it to the connector (e.g. as a Kubernetes secret); `pulumi stack output --show-secrets` shows it.
    connectorToken: tunnel.token,
  };
}

export function optionsFromConfig(): TunnelOptions {
  const config = new pulumi.Config("tunnel");
  const caFile = config.get("caCertificateFile");
  return {
    displayName: config.get("displayName") ?? defaultOptions.displayName,
    tokenRotation: config.get("tokenRotation") ?? defaultOptions.tokenRotation,
    caCertificatePem: caFile ? fs.readFileSync(caFile, "utf8") : defaultOptions.caCertificatePem,
  };
}
