// Compile-time parity of the provider's tunnel API module with the official SDK's types
// (`client.beta.tunnels`): what the provider sends is what the SDK's params take, and what the SDK
// says the API answers passes the provider's response schemas.
import type { BetaTunnel, BetaTunnelToken, TunnelCreateParams, TunnelRotateTokenParams } from "@anthropic-ai/sdk/resources/beta/tunnels/tunnels";
import type { BetaTunnelCertificate, CertificateCreateParams } from "@anthropic-ai/sdk/resources/beta/tunnels/certificates";
import { TUNNELS_BETA, type ApiTunnel, type ApiTunnelCertificate, type ApiTunnelToken, type TunnelCertificateCreateBody, type TunnelCreateBody, type TunnelRotateTokenBody } from "../../provider/api/tunnels";
import type { Assert, Extends, KnownFields } from "./type-assertions";

type Body<P> = Omit<P, "betas" | "workspace_id">;
export type TunnelCreateConforms = Assert<Extends<TunnelCreateBody, Body<TunnelCreateParams>>>;
export type TunnelRotateConforms = Assert<Extends<TunnelRotateTokenBody, Body<TunnelRotateTokenParams>>>;
export type CertificateCreateConforms = Assert<Extends<TunnelCertificateCreateBody, Body<CertificateCreateParams>>>;
export type TunnelResponseAccepted = Assert<Extends<BetaTunnel, KnownFields<ApiTunnel>>>;
export type TokenResponseAccepted = Assert<Extends<BetaTunnelToken, KnownFields<ApiTunnelToken>>>;
export type CertificateResponseAccepted = Assert<Extends<BetaTunnelCertificate, KnownFields<ApiTunnelCertificate>>>;

it("names the beta header the SDK documents", () => {
  expect(TUNNELS_BETA).toBe("mcp-tunnels-2026-06-22");
});
