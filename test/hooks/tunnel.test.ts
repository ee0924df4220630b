// Tunnel and TunnelCertificate hooks against the emulator, with exact requests (DESIGN §10 for each):
// bad input fails check with 0 requests; the token is an output read with reveal_token, rotated in
// place by a tokenRotation change, and never in an error; a rename replaces; a lost create is
// found again, not made twice; a lost rotation is not sent twice once it landed; destroy archives,
// also what is archived already.
import * as fs from "node:fs";
import * as path from "node:path";
import { tunnels } from "../../provider/api/tunnels";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { tunnelResource } from "../../provider/resources/tunnel";
import { tunnelCertificateResource } from "../../provider/resources/tunnel-certificate";
import { checkAndCreate, checkAndUpdate, sdkInputs, useEmulator } from "../helpers";

const env = useEmulator();

const fixture = (name: string) => fs.readFileSync(path.join(__dirname, "..", "fixtures", name), "utf8");
const CA = fixture("tunnel-ca.pem");
const LEAF = fixture("tunnel-leaf.pem");

const tunnelProps = (inputs: Props) => sdkInputs("Tunnel", inputs);
const certProps = (inputs: Props) => sdkInputs("TunnelCertificate", inputs);
const requests = () => env.emulator.requests.map((r) => `${r.method} ${r.path.split("?")[0]}`);
/** The token the API holds now (through the API, as a connector would read it). */
const tokenNow = async (id: string) => (await tunnels.revealToken(env.ctx(), "test: read the token", id)).tunnel_token;

describe("check", () => {
  it("refuses a multi-line name and an empty tokenRotation, and a PEM the API would refuse, naming each field, with 0 requests", async () => {
    const bad = await tunnelResource.check({}, tunnelProps({ displayName: "a\nb", tokenRotation: "" }));
    expect(bad.failures.map((f) => f.property)).toEqual(["displayName", "tokenRotation"]);
    const cases: Array<[string, RegExp]> = [
      [LEAF, /not a CA certificate/],
      [CA + CA, /exactly one PEM certificate block, it holds 2/],
      [`${CA}-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n`, /holds a private key/],
      ["-----BEGIN CERTIFICATE-----\nnot base64\n-----END CERTIFICATE-----\n", /not a PEM-encoded X.509 certificate/],
      ["x".repeat(9000), /at most 8 KB/],
    ];
    for (const [pem, reason] of cases) {
      const { failures } = await tunnelCertificateResource.check({}, certProps({ tunnelId: "tnl_1", caCertificatePem: pem }));
      expect(failures).toEqual([{ property: "caCertificatePem", reason: expect.stringMatching(reason) }]);
      // Never the PEM itself in what is returned for a failure.
      expect(JSON.stringify(failures)).not.toContain("BEGIN");
    }
    expect(env.emulator.count()).toBe(0);
  });

  it("computes the certificate's fingerprint at preview, unknown while the PEM is", async () => {
    const { inputs, failures } = await tunnelCertificateResource.check({}, certProps({ tunnelId: UNKNOWN, caCertificatePem: CA }));
    expect(failures).toEqual([]);
    expect(inputs["fingerprint"]).toMatch(/^[0-9a-f]{64}$/);
    const unknown = await tunnelCertificateResource.check({}, certProps({ tunnelId: "tnl_1", caCertificatePem: UNKNOWN }));
    expect(unknown.inputs["fingerprint"]).toBe(UNKNOWN);
    expect(env.emulator.count()).toBe(0);
  });
});

describe("Tunnel", () => {
  it("creates, reads its token, rotates it in place, previews a rename as a replacement, archives on destroy", async () => {
    const made = await checkAndCreate(tunnelResource, env.ctx(), tunnelProps({ displayName: "on-prem MCP", tokenRotation: "q1" }));
    expect(made.id).toMatch(/^tnl_/);
    expect(requests()).toEqual(["POST /v1/tunnels", `POST /v1/tunnels/${made.id}/reveal_token`]);
    expect(env.emulator.requests[0]!.body).toEqual({ display_name: "on-prem MCP" });
    expect(made.outs["domain"]).toEqual(expect.stringMatching(/\./));
    const first = await tokenNow(made.id);
    expect(made.outs["token"]).toBe(first);
    // What check returns (and the engine logs) holds no token.
    expect(JSON.stringify(made.checked)).not.toContain(first);

    // tokenRotation: one rotation in place, the new token in the outputs.
    const next = tunnelProps({ displayName: "on-prem MCP", tokenRotation: "q2" });
    const { inputs } = await tunnelResource.check(made.checked, next);
    expect(await tunnelResource.diff(made.id, made.outs, inputs)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { tokenRotation: "update" } });
    env.emulator.resetCounts();
    const rotated = await checkAndUpdate(tunnelResource, env.ctx(), made.id, made, next);
    expect(requests()).toEqual([`POST /v1/tunnels/${made.id}/rotate_token`]);
    expect(env.emulator.requests[0]!.body).toEqual({ reason: "q2" });
    const second = await tokenNow(made.id);
    expect(second).not.toBe(first);
    expect(rotated.outs["token"]).toBe(second);

    // No change, no call; a rename replaces.
    expect((await tunnelResource.diff(made.id, rotated.outs, (await tunnelResource.check(rotated.checked, next)).inputs)).changes).toBe(false);
    const renamed = await tunnelResource.check(rotated.checked, tunnelProps({ displayName: "renamed", tokenRotation: "q2" }));
    expect(await tunnelResource.diff(made.id, rotated.outs, renamed.inputs)).toMatchObject({ changes: true, replaces: ["displayName"] });

    // Refresh reads the token again: a rotation made outside Pulumi shows.
    await tunnels.rotateToken(env.ctx(), "test: rotate outside Pulumi", made.id);
    env.emulator.resetCounts();
    const read = await tunnelResource.read(env.ctx(), made.id, rotated.outs);
    expect(requests()).toEqual([`GET /v1/tunnels/${made.id}`, `POST /v1/tunnels/${made.id}/reveal_token`]);
    expect(read.props!["token"]).toBe(await tokenNow(made.id));
    expect(read.inputs).toMatchObject({ displayName: "on-prem MCP", tokenRotation: "q2" });

    env.emulator.resetCounts();
    await tunnelResource.delete(env.ctx(), made.id, read.props!);
    expect(requests()).toEqual([`POST /v1/tunnels/${made.id}/archive`]);
    expect(env.emulator.live()["tunnels"] ?? []).not.toContain(made.id);
    expect(await tunnelResource.read(env.ctx(), made.id, read.props!)).toEqual({});
    // Destroying what is archived already succeeds: the API answers the archive with the tunnel as it is.
    env.emulator.resetCounts();
    await tunnelResource.delete(env.ctx(), made.id, read.props!);
    expect(requests()).toEqual([`POST /v1/tunnels/${made.id}/archive`]);
  });

  it("a create whose answer is lost is found again: one tunnel", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/tunnels", kind: "commit-then-drop" });
    const made = await checkAndCreate(tunnelResource, env.ctx(), tunnelProps({ displayName: "lost answer" }));
    expect(requests()).toEqual(["POST /v1/tunnels", "GET /v1/tunnels", `POST /v1/tunnels/${made.id}/reveal_token`]);
    const named = (await collect(tunnels.list(env.ctx(), "test: list", {}))).filter((t) => t.display_name === "lost answer");
    expect(named.map((t) => t.id)).toEqual([made.id]);
  });

  it("a rotation whose answer is lost: the token as it is then is taken, never rotated twice once it landed", async () => {
    const made = await checkAndCreate(tunnelResource, env.ctx(), tunnelProps({ displayName: "rotating" }));
    env.emulator.resetCounts();
    env.emulator.injectFault({ method: "POST", path: `/v1/tunnels/${made.id}/rotate_token`, kind: "commit-then-drop" });
    const rotated = await checkAndUpdate(tunnelResource, env.ctx(), made.id, made, tunnelProps({ displayName: "rotating", tokenRotation: "now" }));
    expect(requests()).toEqual([`POST /v1/tunnels/${made.id}/rotate_token`, `POST /v1/tunnels/${made.id}/reveal_token`]);
    expect(rotated.outs["token"]).toBe(await tokenNow(made.id));
    expect(rotated.outs["token"]).not.toBe(made.outs["token"]);
  });

  it("an error quoting the token never shows it", async () => {
    const made = await checkAndCreate(tunnelResource, env.ctx(), tunnelProps({ displayName: "quoted" }));
    const token = String(made.outs["token"]);
    env.emulator.injectFault({ method: "POST", path: `/v1/tunnels/${made.id}/rotate_token`, kind: "status", status: 400, errorType: "invalid_request_error", message: `token ${token} may not be rotated now` });
    const error = await checkAndUpdate(tunnelResource, env.ctx(), made.id, made, tunnelProps({ displayName: "quoted", tokenRotation: "x" })).catch((e: unknown) => e);
    expect(String(error)).toContain("may not be rotated now");
    expect(String(error)).not.toContain(token);
  });
});

describe("TunnelCertificate", () => {
  async function newTunnel(): Promise<string> {
    const { id } = await checkAndCreate(tunnelResource, env.ctx(), tunnelProps({ displayName: "with a CA" }));
    env.emulator.resetCounts();
    return id;
  }

  it("creates with the API's fingerprint, records a reformatted PEM of it without a call, replaces for another tunnel, archives on destroy", async () => {
    const tunnelId = await newTunnel();
    const made = await checkAndCreate(tunnelCertificateResource, env.ctx(), certProps({ tunnelId, caCertificatePem: CA }));
    expect(made.id).toMatch(/^tnlcert_|^tcrt_/);
    expect(requests()).toEqual([`POST /v1/tunnels/${tunnelId}/certificates`]);
    expect(env.emulator.requests[0]!.body).toEqual({ ca_certificate_pem: CA });
    expect(made.outs["resolved"]).toBeUndefined();
    const api = await collect(tunnelCertificateList(tunnelId));
    expect(api.map((c) => c.fingerprint)).toEqual([made.checked["fingerprint"]]);

    const reformattedProps = certProps({ tunnelId, caCertificatePem: `\n${CA.replace(/\n/g, "\r\n")}\n` });
    const reformatted = await tunnelCertificateResource.check(made.checked, reformattedProps);
    expect(reformatted.inputs["fingerprint"]).toBe(made.checked["fingerprint"]);
    expect(await tunnelCertificateResource.diff(made.id, made.outs, reformatted.inputs)).toMatchObject({ changes: true, replaces: [], detailedDiff: { caCertificatePem: "update" } });
    env.emulator.resetCounts();
    await checkAndUpdate(tunnelCertificateResource, env.ctx(), made.id, made, reformattedProps);
    expect(requests()).toEqual([]);
    const another = await tunnelCertificateResource.check(made.checked, certProps({ tunnelId, caCertificatePem: LEAF }));
    expect(another.failures.map((f) => f.property)).toEqual(["caCertificatePem"]);
    const other = await tunnelCertificateResource.check(made.checked, certProps({ tunnelId: "tnl_other", caCertificatePem: CA }));
    expect((await tunnelCertificateResource.diff(made.id, made.outs, other.inputs)).replaces).toEqual(["tunnelId"]);

    env.emulator.resetCounts();
    const read = await tunnelCertificateResource.read(env.ctx(), made.id, made.outs);
    expect(requests()).toEqual([`GET /v1/tunnels/${tunnelId}/certificates/${made.id}`]);
    expect(read.inputs).toEqual(expect.objectContaining({ tunnelId, caCertificatePem: CA, fingerprint: made.checked["fingerprint"] }));

    env.emulator.resetCounts();
    await tunnelCertificateResource.delete(env.ctx(), made.id, made.outs);
    expect(requests()).toEqual([`POST /v1/tunnels/${tunnelId}/certificates/${made.id}/archive`]);
    expect(await tunnelCertificateResource.read(env.ctx(), made.id, made.outs)).toEqual({});
  });

  it("a create whose answer is lost is found again by its fingerprint: one certificate", async () => {
    const tunnelId = await newTunnel();
    env.emulator.injectFault({ method: "POST", path: `/v1/tunnels/${tunnelId}/certificates`, kind: "commit-then-drop" });
    const made = await checkAndCreate(tunnelCertificateResource, env.ctx(), certProps({ tunnelId, caCertificatePem: CA }));
    expect(requests()).toEqual([`POST /v1/tunnels/${tunnelId}/certificates`, `GET /v1/tunnels/${tunnelId}/certificates`]);
    expect((await collect(tunnelCertificateList(tunnelId))).map((c) => c.id)).toEqual([made.id]);
  });

  it("destroy after its tunnel was archived (which archived it) succeeds", async () => {
    const tunnelId = await newTunnel();
    const made = await checkAndCreate(tunnelCertificateResource, env.ctx(), certProps({ tunnelId, caCertificatePem: CA }));
    await tunnels.archive(env.ctx(), "test: archive the tunnel", tunnelId);
    await expect(tunnelCertificateResource.delete(env.ctx(), made.id, made.outs)).resolves.toBeUndefined();
  });
});

async function collect<T>(items: AsyncIterable<T>): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) out.push(item);
  return out;
}

function tunnelCertificateList(tunnelId: string) {
  const { tunnelCertificates } = jest.requireActual<typeof import("../../provider/api/tunnels")>("../../provider/api/tunnels");
  return tunnelCertificates(tunnelId).list(env.ctx(), "test: list", {});
}
