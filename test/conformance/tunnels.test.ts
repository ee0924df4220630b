// MCP tunnels and their CA certificates, held to what `client.beta.tunnels` documents (what the
// Tunnel and TunnelCertificate resources rely on), through the official client: create with a
// `display_name` of 1 to 255 characters, retrieve, list newest first (archived ones on request),
// a connector token revealed the same until rotated (its `id` changing with it), archive that
// takes the tunnel's certificates with it and answers a repeat unchanged; certificates of one
// PEM-encoded CA certificate each, at most two unarchived, fingerprinted, archived not deleted.
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { X509Certificate, createHash } from "node:crypto";
import { useCheckedSdk } from "./validating-client";

const sdk = useCheckedSdk();
const fixture = (name: string) => readFileSync(path.join(__dirname, "..", "fixtures", name), "utf8");
const CA = fixture("tunnel-ca.pem");

async function all<T>(page: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const x of page) out.push(x);
  return out;
}

describe("tunnels", () => {
  it("create takes a display_name of 1 to 255 characters, or none; each gets its own domain", async () => {
    const named = await sdk.client.beta.tunnels.create({ display_name: "n".repeat(255) });
    expect(named).toEqual({
      id: expect.stringMatching(/^tnl_/),
      type: "tunnel",
      display_name: "n".repeat(255),
      domain: expect.any(String),
      created_at: expect.any(String),
      archived_at: null,
    });
    const unnamed = await sdk.client.beta.tunnels.create({});
    expect(unnamed.display_name).toBeNull();
    expect(unnamed.domain).not.toBe(named.domain);
    for (const display_name of ["", "n".repeat(256)]) {
      await expect(sdk.client.beta.tunnels.create({ display_name })).rejects.toMatchObject({ status: 400 });
    }
    await expect(sdk.client.beta.tunnels.create({ display_name: "x", domain: "mine" } as never)).rejects.toMatchObject({ status: 400 });
    await expect(sdk.client.beta.tunnels.retrieve("tnl_missing")).rejects.toMatchObject({ status: 404 });
  });

  it("list is newest first; archived tunnels only with include_archived", async () => {
    const first = await sdk.client.beta.tunnels.create({ display_name: "first" });
    const second = await sdk.client.beta.tunnels.create({ display_name: "second" });
    const ids = (await all(sdk.client.beta.tunnels.list())).map((t) => t.id);
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id));
    await sdk.client.beta.tunnels.archive(first.id);
    expect((await all(sdk.client.beta.tunnels.list())).map((t) => t.id)).not.toContain(first.id);
    expect((await all(sdk.client.beta.tunnels.list({ include_archived: true }))).map((t) => t.id)).toContain(first.id);
  });

  it("the token is the same on every reveal until a rotation, which changes its value and its id", async () => {
    const tunnel = await sdk.client.beta.tunnels.create({ display_name: "tokens" });
    const revealed = await sdk.client.beta.tunnels.revealToken(tunnel.id);
    expect(revealed).toEqual({ id: expect.any(String), type: "tunnel_token", tunnel_token: expect.any(String) });
    expect(await sdk.client.beta.tunnels.revealToken(tunnel.id)).toEqual(revealed);
    const rotated = await sdk.client.beta.tunnels.rotateToken(tunnel.id, {});
    expect(rotated.tunnel_token).not.toBe(revealed.tunnel_token);
    expect(rotated.id).not.toBe(revealed.id);
    expect(await sdk.client.beta.tunnels.revealToken(tunnel.id)).toEqual(rotated);
    // Tokens are credentials: no other answer carries one.
    expect(JSON.stringify(await sdk.client.beta.tunnels.retrieve(tunnel.id))).not.toContain(rotated.tunnel_token);
    await expect(sdk.client.beta.tunnels.rotateToken(tunnel.id, { reason: 7 as unknown as string })).rejects.toMatchObject({ status: 400 });
  });

  it("archive archives the tunnel's certificates and revokes its token; a repeat answers the record unchanged", async () => {
    const tunnel = await sdk.client.beta.tunnels.create({ display_name: "archived" });
    const cert = await sdk.client.beta.tunnels.certificates.create(tunnel.id, { ca_certificate_pem: CA });
    const archived = await sdk.client.beta.tunnels.archive(tunnel.id);
    expect(archived.archived_at).toEqual(expect.any(String));
    expect(await sdk.client.beta.tunnels.archive(tunnel.id)).toEqual(archived);
    expect((await sdk.client.beta.tunnels.certificates.retrieve(cert.id, { tunnel_id: tunnel.id })).archived_at).toBe(archived.archived_at);
    expect(await all(sdk.client.beta.tunnels.certificates.list(tunnel.id))).toEqual([]);
    await expect(sdk.client.beta.tunnels.revealToken(tunnel.id)).rejects.toMatchObject({ status: 400 });
    await expect(sdk.client.beta.tunnels.rotateToken(tunnel.id, {})).rejects.toMatchObject({ status: 400 });
    await expect(sdk.client.beta.tunnels.certificates.create(tunnel.id, { ca_certificate_pem: fixture("tunnel-ca-2.pem") })).rejects.toMatchObject({ status: 400 });
    expect(sdk.emulator.live()["tunnels"] ?? []).not.toContain(tunnel.id);
  });

  it("requires the tunnels beta", async () => {
    const tunnel = await sdk.client.beta.tunnels.create({});
    await expect(sdk.client.beta.tunnels.retrieve(tunnel.id, {}, { headers: { "anthropic-beta": "managed-agents-2026-04-01" } })).rejects.toMatchObject({ status: 400 });
  });
});

describe("tunnel certificates", () => {
  it("create, retrieve, list and archive a CA certificate, fingerprinted as the SHA-256 of its DER", async () => {
    const tunnel = await sdk.client.beta.tunnels.create({ display_name: "certs" });
    const cert = await sdk.client.beta.tunnels.certificates.create(tunnel.id, { ca_certificate_pem: CA });
    const x509 = new X509Certificate(CA);
    expect(cert).toEqual({
      id: expect.stringMatching(/^tcrt_/),
      type: "tunnel_certificate",
      tunnel_id: tunnel.id,
      fingerprint: createHash("sha256").update(x509.raw).digest("hex"),
      expires_at: new Date(x509.validTo).toISOString(),
      created_at: expect.any(String),
      archived_at: null,
    });
    expect(await sdk.client.beta.tunnels.certificates.retrieve(cert.id, { tunnel_id: tunnel.id })).toEqual(cert);
    expect(await all(sdk.client.beta.tunnels.certificates.list(tunnel.id))).toEqual([cert]);
    const archived = await sdk.client.beta.tunnels.certificates.archive(cert.id, { tunnel_id: tunnel.id });
    expect(archived).toEqual({ ...cert, archived_at: expect.any(String) });
    expect(await all(sdk.client.beta.tunnels.certificates.list(tunnel.id))).toEqual([]);
    expect(await all(sdk.client.beta.tunnels.certificates.list(tunnel.id, { include_archived: true }))).toEqual([archived]);
    // The record is retained, and belongs to its tunnel only.
    expect(await sdk.client.beta.tunnels.certificates.retrieve(cert.id, { tunnel_id: tunnel.id })).toEqual(archived);
    const other = await sdk.client.beta.tunnels.create({});
    await expect(sdk.client.beta.tunnels.certificates.retrieve(cert.id, { tunnel_id: other.id })).rejects.toMatchObject({ status: 404 });
  });

  it("a tunnel holds at most two unarchived certificates", async () => {
    const tunnel = await sdk.client.beta.tunnels.create({ display_name: "two" });
    const one = await sdk.client.beta.tunnels.certificates.create(tunnel.id, { ca_certificate_pem: CA });
    await sdk.client.beta.tunnels.certificates.create(tunnel.id, { ca_certificate_pem: fixture("tunnel-ca-2.pem") });
    const third = { ca_certificate_pem: fixture("tunnel-ca-3.pem") };
    await expect(sdk.client.beta.tunnels.certificates.create(tunnel.id, third)).rejects.toMatchObject({ status: 400 });
    await sdk.client.beta.tunnels.certificates.archive(one.id, { tunnel_id: tunnel.id });
    expect((await sdk.client.beta.tunnels.certificates.create(tunnel.id, third)).archived_at).toBeNull();
  });

  it.each<[string, () => string]>([
    ["text that is no PEM", () => "not a certificate"],
    ["an empty string", () => ""],
    ["a PEM block whose body is no certificate", () => "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydA==\n-----END CERTIFICATE-----\n"],
    ["a leaf certificate (not a CA)", () => fixture("tunnel-leaf.pem")],
    ["two certificates", () => CA + fixture("tunnel-ca-2.pem")],
    ["private-key material beside the certificate", () => `${CA}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`],
    ["more than 8 KB", () => `${CA}${"#".repeat(8 * 1024)}`],
  ])("refuses %s as ca_certificate_pem", async (_label, pem) => {
    const tunnel = await sdk.client.beta.tunnels.create({});
    await expect(sdk.client.beta.tunnels.certificates.create(tunnel.id, { ca_certificate_pem: pem() })).rejects.toMatchObject({
      status: 400,
      error: { error: { message: expect.stringMatching(/^ca_certificate_pem: /) } },
    });
    expect(await all(sdk.client.beta.tunnels.certificates.list(tunnel.id, { include_archived: true }))).toEqual([]);
  });
});
