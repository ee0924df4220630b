// The MCP tunnels endpoints (`/v1/tunnels`, beta `mcp-tunnels-2026-06-22`, the SDK's
// `client.beta.tunnels`) and a tunnel's CA certificates (`/v1/tunnels/{id}/certificates`). Neither
// has metadata nor an update endpoint; both are archived, never deleted. A tunnel's connector
// token is read with `reveal_token` and replaced with `rotate_token` (POST, so that it never
// appears in an access log); every token read is registered for redaction at once.
import { z } from "zod";
import { pathWith } from "../client/path";
import { registerSecret } from "../client/redact";
import { objectEndpoints, type Call } from "./endpoints";

export const TUNNELS_BETA = "mcp-tunnels-2026-06-22";

/** BetaTunnel. */
export const apiTunnel = z.looseObject({
  id: z.string(),
  type: z.literal("tunnel").optional(),
  display_name: z.string().nullable().optional(),
  domain: z.string(),
  created_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiTunnel = z.infer<typeof apiTunnel>;

/** BetaTunnelToken: `id` names the token value (it changes with a rotation). */
export const apiTunnelToken = z.looseObject({
  id: z.string(),
  type: z.literal("tunnel_token").optional(),
  tunnel_token: z.string(),
});
export type ApiTunnelToken = z.infer<typeof apiTunnelToken>;

/** BetaTunnelCertificate. */
export const apiTunnelCertificate = z.looseObject({
  id: z.string(),
  type: z.literal("tunnel_certificate").optional(),
  tunnel_id: z.string(),
  fingerprint: z.string(),
  expires_at: z.string().nullable().optional(),
  created_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiTunnelCertificate = z.infer<typeof apiTunnelCertificate>;

/** TunnelListParams / CertificateListParams (newest first). */
export type TunnelListQuery = { include_archived?: boolean };

/** TunnelCreateParams. */
export type TunnelCreateBody = { display_name?: string | null };
/** CertificateCreateParams. */
export type TunnelCertificateCreateBody = { ca_certificate_pem: string };
/** TunnelRotateTokenParams. */
export type TunnelRotateTokenBody = { reason?: string | null };

const COLLECTION = "/v1/tunnels";

const tokenAction = (verb: "reveal_token" | "rotate_token", retry: "safe" | "rejected-only") => async (call: Call, operation: string, id: string, body: TunnelRotateTokenBody = {}) => {
  const token = await call.client.request(call, { operation, method: "POST", path: pathWith(COLLECTION, id, verb), beta: TUNNELS_BETA, body, schema: apiTunnelToken, retry });
  registerSecret(token.tunnel_token);
  return token;
};

export const tunnels = {
  ...objectEndpoints<ApiTunnel, TunnelCreateBody, never, TunnelListQuery>({
    noun: "tunnel",
    collection: COLLECTION,
    beta: TUNNELS_BETA,
    // The API lists newest first; it takes no created_at bound and no order.
    listsSince: false,
    schema: apiTunnel,
  }),
  /** The connector token as it is now: the same value until it is rotated (a read; safe to repeat). */
  revealToken: tokenAction("reveal_token", "safe"),
  /** A new connector token (the old one stops working for new connections): not idempotent. */
  rotateToken: tokenAction("rotate_token", "rejected-only"),
};

/** The certificates of one tunnel: the collection belongs to it, so the endpoints are built per tunnel. */
export function tunnelCertificates(tunnelId: string) {
  return objectEndpoints<ApiTunnelCertificate, TunnelCertificateCreateBody, never, TunnelListQuery>({
    noun: `certificate of tunnel ${tunnelId}`,
    collection: pathWith(COLLECTION, tunnelId, "certificates"),
    beta: TUNNELS_BETA,
    listsSince: false,
    schema: apiTunnelCertificate,
  });
}
