// TunnelCertificate: a CA certificate a tunnel trusts (beta `mcp-tunnels-2026-06-22`): the tunnel
// verifies the MCP server's certificate against it when it terminates the inner TLS session, and
// rejects MCP traffic until it has one (at most two live at a time). Certificates never change:
// the PEM is checked at preview (one X.509 CA certificate, no private key, at most 8 KB) and its
// SHA-256 fingerprint computed, as the API computes it; a new certificate replaces the resource.
// Destroy archives it. No metadata: a create whose answer is lost is looked up by its fingerprint.
import { createHash, X509Certificate } from "node:crypto";
import { z } from "zod";
import { tunnelCertificates, type ApiTunnelCertificate } from "../api/tunnels";
import { messageOf } from "../client/errors";
import type { CheckFailure } from "../kit/check";
import { createUntokened, LOOKUP_MARGIN_MS, takenByThisProcess, UnconfirmedCreateError } from "../kit/create";
import { objectLifecycle } from "../kit/lifecycle";
import { defineResource, labelOf } from "../kit/resource";
import { defineSpec, field } from "../kit/spec";
import { containsUnknown, emptyAsAbsent, UNKNOWN } from "../kit/values";
import { timestampDocs } from "./shared";

export const tunnelCertificateInputs = z.strictObject({
  tunnelId: z.string().min(1, "tunnelId must be a tunnel id (tunnel.id)"),
  caCertificatePem: z.string().min(1, "caCertificatePem must hold a PEM-encoded CA certificate"),
  fingerprint: z.string().optional(),
});
export type TunnelCertificateInputs = z.infer<typeof tunnelCertificateInputs>;

export const resolvedTunnelCertificate = z.object({ tunnelId: z.string(), fingerprint: z.string() });
export type ResolvedTunnelCertificate = z.infer<typeof resolvedTunnelCertificate>;

export const tunnelCertificateOutputs = z.object({
  expiresAt: z.string().nullable(),
  createdAt: z.string(),
  archivedAt: z.string().nullable(),
  resolved: resolvedTunnelCertificate,
});
export type TunnelCertificateOutputs = z.infer<typeof tunnelCertificateOutputs>;

const { createdAt, archivedAt } = timestampDocs("certificate");

export const tunnelCertificateSpec = defineSpec({
  kind: "TunnelCertificate",
  summary:
    "A CA certificate a `Tunnel` trusts (research preview, beta `mcp-tunnels-2026-06-22`): the tunnel verifies the MCP server's certificate against it and rejects MCP traffic until it has one; it holds at most two live ones. The PEM is checked at preview (exactly one X.509 CA certificate, no private key, at most 8 KB) and its fingerprint computed there, so a new certificate previews as a replacement; nothing of a certificate changes in place. Certificates carry no metadata: a create whose answer is lost is found again by its fingerprint, but a provider killed between the create and the state write leaves the certificate behind (it counts toward the two). Destroy archives it.",
  parent: "tunnelId",
  inputs: tunnelCertificateInputs,
  updateText: "recorded, no API call",
  fields: {
    tunnelId: field.replace({ text: "The tunnel's id (e.g. `tunnel.id`).", type: "tunnel id (`tunnel.id`)" }, { drift: false }),
    caCertificatePem: field.option({
      text: "One PEM-encoded X.509 CA certificate (basicConstraints `CA:TRUE`), with no private key, at most 8 KB: e.g. `fs.readFileSync(\"ca.pem\", \"utf8\")`. Checked at preview.",
      type: "PEM text",
      change: "only the certificate counts: another one changes `fingerprint` (a replacement), a reformatted PEM of the same one changes nothing",
    }),
    fingerprint: field.replace(
      {
        text: "Computed by the provider at preview: the lowercase hex SHA-256 of the certificate's DER encoding, as the API reports it. Read it as an output.",
        type: "hex digest (computed)",
        change: "a new certificate",
      },
      { computed: true, drift: false },
    ),
  },
  outputs: tunnelCertificateOutputs,
  outputDocs: {
    expiresAt: "RFC 3339 time the certificate expires; null if it does not.",
    createdAt,
    archivedAt,
    resolved: "The certificate as the API has it: its tunnel and fingerprint.",
  },
});

// ---------------------------------------------------------------------------------------------
// check: the PEM is read here (0 requests)

const MAX_PEM_BYTES = 8 * 1024;

/** The certificate a PEM holds, or why the API would refuse it. */
function readCaCertificate(pem: string): { fingerprint: string } | { problem: string } {
  if (Buffer.byteLength(pem) > MAX_PEM_BYTES) return { problem: `${Buffer.byteLength(pem)} bytes: the API takes at most 8 KB` };
  if (/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(pem)) return { problem: "holds a private key: give the CA certificate only (never a key)" };
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (blocks !== 1) return { problem: `must hold exactly one PEM certificate block, it holds ${blocks}` };
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    return { problem: "is not a PEM-encoded X.509 certificate" };
  }
  if (!cert.ca) return { problem: "is not a CA certificate (its basicConstraints must say CA:TRUE): give the CA that signed the MCP server's certificate" };
  return { fingerprint: createHash("sha256").update(cert.raw).digest("hex") };
}

/** The fingerprint (what replaces the certificate), or why the PEM is refused: one read of the PEM per check. */
async function derive(inputs: TunnelCertificateInputs): Promise<{ values: Partial<TunnelCertificateInputs>; failures: CheckFailure[] }> {
  if (containsUnknown(inputs.caCertificatePem)) return { values: { fingerprint: UNKNOWN }, failures: [] };
  const read = readCaCertificate(inputs.caCertificatePem);
  if ("problem" in read) return { values: {}, failures: [{ property: "caCertificatePem", reason: read.problem }] };
  return { values: { fingerprint: read.fingerprint }, failures: [] };
}

// ---------------------------------------------------------------------------------------------
// Hooks

function resolvedView(api: ApiTunnelCertificate): ResolvedTunnelCertificate {
  return { tunnelId: api.tunnel_id, fingerprint: api.fingerprint };
}

function outputsOf(api: ApiTunnelCertificate): TunnelCertificateOutputs {
  return { expiresAt: api.expires_at ?? null, createdAt: api.created_at, archivedAt: api.archived_at ?? null, resolved: resolvedView(api) };
}

const label = (inputs: Partial<TunnelCertificateInputs>, id?: string) => labelOf("tunnel certificate", inputs.fingerprint?.slice(0, 16), id);

/** The kit's lifecycle (kit/lifecycle.ts): read, the no-op update, the archive, with the endpoints of the certificate's tunnel. */
const lifecycle = objectLifecycle({
  spec: tunnelCertificateSpec,
  noun: "tunnel certificate",
  endpoints: tunnelCertificates,
  label,
  view: resolvedView,
  asDeclared: (_field: string, value: unknown): unknown => emptyAsAbsent(value),
  outputs: outputsOf,
  // An archived tunnel archived its certificates with it: the certificate is read to confirm.
  destroy: { default: "archive", alreadyArchived: "confirm" },
});

export const tunnelCertificateResource = defineResource(tunnelCertificateSpec, {
  ...lifecycle.hooks,
  derive,

  async create(ctx, inputs) {
    const operation = `create ${label(inputs)} of tunnel ${inputs.tunnelId}`;
    const read = readCaCertificate(inputs.caCertificatePem);
    if ("problem" in read) throw new Error(`${operation}: caCertificatePem ${read.problem}`);
    const endpoints = tunnelCertificates(inputs.tunnelId);
    const api = await createUntokened(
      ctx,
      () => endpoints.create(ctx, operation, { ca_certificate_pem: inputs.caCertificatePem }),
      // The certificate's identity is its fingerprint: one made since just before the attempt.
      async (sentAt) => {
        try {
          for await (const c of endpoints.list(ctx, `${operation} (looking for the certificate after a lost answer)`, {})) {
            if (Date.parse(c.created_at) < sentAt - LOOKUP_MARGIN_MS) break;
            if (c.fingerprint === read.fingerprint && !takenByThisProcess(c.id)) return c;
          }
        } catch (error) {
          throw new UnconfirmedCreateError(`${operation}: the create's answer was lost and looking it up failed too (${messageOf(error)}); nothing was sent again`);
        }
        return undefined;
      },
    );
    return { id: api.id, outputs: outputsOf(api) };
  },
});
