// MCP tunnels and their CA certificates in the emulator (beta mcp-tunnels-2026-06-22): a tunnel
// gets a unique domain and a connector token (revealed and rotated on request; the token's `id`
// changes with its value); a certificate is one PEM-encoded X.509 CA certificate, fingerprinted as
// the API does (SHA-256 of its DER, lowercase hex), at most two unarchived on a tunnel. Both are
// archived, never deleted: archiving a tunnel archives its certificates and revokes its token, and
// archiving it again answers it unchanged; an archived tunnel takes no new certificates.
import { createHash, randomBytes, X509Certificate } from "node:crypto";
import { invalid, notFound } from "./http";
import { newId } from "./ids";
import { byCreatedAt, paginate } from "./pagination";
import { unarchivedIds, type EmulatorModule, type Router } from "./router";
import { includeArchived } from "./rules/query";
import { onlyFields, stringFields, type Json } from "./rules/values";

export const TUNNELS_BETA = "mcp-tunnels-2026-06-22";

export interface TunnelRecord extends Json {
  id: string;
  type: "tunnel";
  display_name: string | null;
  domain: string;
  created_at: string;
  archived_at: string | null;
}

export interface CertificateRecord extends Json {
  id: string;
  type: "tunnel_certificate";
  tunnel_id: string;
  fingerprint: string;
  expires_at: string | null;
  created_at: string;
  archived_at: string | null;
}

/** A connector token: its value, and the id that names this value (BetaTunnelToken). */
interface TunnelToken {
  id: string;
  token: string;
}

const MAX_PEM_BYTES = 8 * 1024;
/** "A tunnel holds at most two non-archived certificates" (certificates.create). */
const MAX_LIVE_CERTIFICATES = 2;
const MAX_DISPLAY_NAME = 255;
const newToken = (): TunnelToken => ({ id: newId("ttok"), token: `tnltok_${randomBytes(24).toString("base64url")}` });

/** The CA certificate's fingerprint and expiry, or a 400 saying what is wrong with the PEM. */
export function parseCaCertificate(pem: unknown): { fingerprint: string; expires_at: string } {
  if (typeof pem !== "string" || pem.trim() === "") throw invalid("ca_certificate_pem: required");
  if (Buffer.byteLength(pem) > MAX_PEM_BYTES) throw invalid("ca_certificate_pem: at most 8KB");
  if (/PRIVATE KEY-----/.test(pem)) throw invalid("ca_certificate_pem: must not contain private-key material");
  const blocks = pem.match(/-----BEGIN CERTIFICATE-----/g)?.length ?? 0;
  if (blocks !== 1) throw invalid(`ca_certificate_pem: must contain exactly one certificate, found ${blocks}`);
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pem);
  } catch {
    throw invalid("ca_certificate_pem: not a valid PEM-encoded X.509 certificate");
  }
  if (!cert.ca) throw invalid("ca_certificate_pem: not a CA certificate (basicConstraints CA:TRUE is required)");
  return { fingerprint: createHash("sha256").update(cert.raw).digest("hex"), expires_at: new Date(cert.validTo).toISOString() };
}

export class TunnelsModule implements EmulatorModule {
  readonly name = "tunnels";
  readonly tunnels = new Map<string, TunnelRecord>();
  readonly certificates = new Map<string, CertificateRecord>();
  /** Connector tokens by tunnel id: credentials, shown only by reveal and rotate. */
  readonly tokens = new Map<string, TunnelToken>();

  tunnel(id: string): TunnelRecord {
    const found = this.tunnels.get(id);
    if (!found) throw notFound(`tunnel ${id} not found`);
    return found;
  }

  certificate(tunnelId: string, id: string): CertificateRecord {
    this.tunnel(tunnelId);
    const found = this.certificates.get(id);
    if (!found || found.tunnel_id !== tunnelId) throw notFound(`certificate ${id} not found in tunnel ${tunnelId}`);
    return found;
  }

  createTunnel(body: Json): TunnelRecord {
    onlyFields(body, ["display_name"]);
    const name = body["display_name"];
    if (name !== undefined && name !== null && (typeof name !== "string" || name.length < 1 || name.length > MAX_DISPLAY_NAME)) {
      throw invalid(`display_name: must be a string of 1 to ${MAX_DISPLAY_NAME} characters`);
    }
    const id = newId("tnl");
    // Unique and never reused: derived from the id, which is never reused either.
    const domain = `${createHash("sha256").update(id).digest("hex").slice(0, 16)}.tunnels.emulator.local`;
    const record: TunnelRecord = { id, type: "tunnel", display_name: name ?? null, domain, created_at: new Date().toISOString(), archived_at: null };
    this.tunnels.set(id, record);
    this.tokens.set(id, newToken());
    return record;
  }

  /**
   * Archives the tunnel and every unarchived certificate on it, revoking its token; a tunnel
   * already archived is answered unchanged ("retrying against an already-archived tunnel returns
   * the existing record unchanged").
   */
  archiveTunnel(id: string): TunnelRecord {
    const t = this.tunnel(id);
    if (t.archived_at) return t;
    const now = new Date().toISOString();
    t.archived_at = now;
    for (const c of this.certificates.values()) if (c.tunnel_id === id && !c.archived_at) c.archived_at = now;
    return t;
  }

  private tokenOf(tunnelId: string): Json {
    const { id, token } = this.tokens.get(tunnelId)!;
    return { id, type: "tunnel_token", tunnel_token: token };
  }

  private listed<T extends { archived_at: string | null; created_at: string }>(items: Iterable<T>, query: URLSearchParams): T[] {
    const archivedToo = includeArchived(query);
    return byCreatedAt(items)
      .filter((x) => archivedToo || !x.archived_at)
      .reverse();
  }

  register(router: Router): void {
    const add = (method: string, pattern: string, handler: Parameters<Router["add"]>[2]) => router.add(method, pattern, handler, TUNNELS_BETA);
    add("POST", "/v1/tunnels", (r) => this.createTunnel(r.body));
    add("GET", "/v1/tunnels", (r) => paginate(this.listed(this.tunnels.values(), r.query), r.query));
    add("GET", "/v1/tunnels/:id", (r) => this.tunnel(r.params[0]!));
    add("POST", "/v1/tunnels/:id/archive", (r) => this.archiveTunnel(r.params[0]!));
    add("POST", "/v1/tunnels/:id/reveal_token", (r) => {
      const t = this.tunnel(r.params[0]!);
      if (t.archived_at) throw invalid(`tunnel ${t.id} is archived; its token is revoked`);
      return this.tokenOf(t.id);
    });
    add("POST", "/v1/tunnels/:id/rotate_token", (r) => {
      const t = this.tunnel(r.params[0]!);
      onlyFields(r.body, ["reason"]);
      stringFields(r.body, ["reason"]);
      if (t.archived_at) throw invalid(`tunnel ${t.id} is archived; its token cannot be rotated`);
      this.tokens.set(t.id, newToken());
      return this.tokenOf(t.id);
    });
    add("POST", "/v1/tunnels/:id/certificates", (r) => {
      const t = this.tunnel(r.params[0]!);
      if (t.archived_at) throw invalid(`tunnel ${t.id} is archived`);
      onlyFields(r.body, ["ca_certificate_pem"]);
      const parsed = parseCaCertificate(r.body["ca_certificate_pem"]);
      const live = [...this.certificates.values()].filter((c) => c.tunnel_id === t.id && !c.archived_at).length;
      if (live >= MAX_LIVE_CERTIFICATES) throw invalid(`tunnel ${t.id} already holds ${MAX_LIVE_CERTIFICATES} certificates; archive one first`);
      const record: CertificateRecord = {
        id: newId("tcrt"),
        type: "tunnel_certificate",
        tunnel_id: t.id,
        ...parsed,
        created_at: new Date().toISOString(),
        archived_at: null,
      };
      this.certificates.set(record.id, record);
      return record;
    });
    add("GET", "/v1/tunnels/:id/certificates", (r) => {
      this.tunnel(r.params[0]!);
      const mine = [...this.certificates.values()].filter((c) => c.tunnel_id === r.params[0]);
      return paginate(this.listed(mine, r.query), r.query);
    });
    add("GET", "/v1/tunnels/:id/certificates/:cert", (r) => this.certificate(r.params[0]!, r.params[1]!));
    add("POST", "/v1/tunnels/:id/certificates/:cert/archive", (r) => {
      const c = this.certificate(r.params[0]!, r.params[1]!);
      if (c.archived_at) throw invalid(`certificate ${c.id} is already archived`);
      c.archived_at = new Date().toISOString();
      return c;
    });
  }

  dump(): unknown {
    return {
      tunnels: Object.fromEntries(this.tunnels),
      certificates: Object.fromEntries(this.certificates),
      tokens: Object.fromEntries(this.tokens),
    };
  }

  load(data: unknown): void {
    const d = data as { tunnels?: Record<string, TunnelRecord>; certificates?: Record<string, CertificateRecord>; tokens?: Record<string, TunnelToken | string> };
    for (const [id, t] of Object.entries(d.tunnels ?? {})) this.tunnels.set(id, t);
    for (const [id, c] of Object.entries(d.certificates ?? {})) this.certificates.set(id, c);
    // A dump from before token ids kept the value alone: it gets an id of its own.
    for (const [id, token] of Object.entries(d.tokens ?? {})) this.tokens.set(id, typeof token === "string" ? { id: newId("ttok"), token } : token);
  }

  live(): Record<string, string[]> {
    return { tunnels: unarchivedIds(this.tunnels.values()), tunnel_certificates: unarchivedIds(this.certificates.values()) };
  }
}
