// Pure body pieces of the new kinds, by table: a credential's create and update `auth` (secrets in
// plain form only here, at the edge), a file's MIME type, a memory's content digest.
import { createHash } from "node:crypto";
import { buildVaultCredentialCreateBody, authUpdateBody, type AuthInput } from "../../provider/resources/vault-credential";
import { mimeTypeOf } from "../../provider/resources/file";
import { contentSha256 } from "../../provider/resources/memory";

const oauth: AuthInput = {
  type: "mcp_oauth",
  mcpServerUrl: "https://mcp.example.com",
  accessToken: "at",
  expiresAt: "2030-01-01T00:00:00Z",
  refresh: { clientId: "c", refreshToken: "rt", tokenEndpoint: "https://auth.example.com/token", tokenEndpointAuth: { type: "client_secret_post", clientSecret: "cs" }, scope: "read" },
};

it.each<[string, AuthInput, unknown]>([
  ["static bearer: the token only", { type: "static_bearer", mcpServerUrl: "https://m.example", token: "t" }, { type: "static_bearer", token: "t" }],
  [
    "oauth: tokens, expiry, scope, client secret",
    oauth,
    { type: "mcp_oauth", access_token: "at", expires_at: "2030-01-01T00:00:00Z", refresh: { refresh_token: "rt", scope: "read", token_endpoint_auth: { type: "client_secret_post", client_secret: "cs" } } },
  ],
  [
    "oauth without refresh or expiry: both cleared",
    { type: "mcp_oauth", mcpServerUrl: "https://mcp.example.com", accessToken: "at" },
    { type: "mcp_oauth", access_token: "at", expires_at: null, refresh: null },
  ],
  [
    "oauth with a public client: no token endpoint auth sent",
    { ...oauth, refresh: { ...oauth.refresh!, tokenEndpointAuth: { type: "none" } } },
    { type: "mcp_oauth", access_token: "at", expires_at: "2030-01-01T00:00:00Z", refresh: { refresh_token: "rt", scope: "read" } },
  ],
  [
    "environment variable: value, networking, injection location",
    { type: "environment_variable", secretName: "K", secretValue: "v", networking: { type: "limited", allowedHosts: ["h"] }, injectionLocation: { body: true } },
    { type: "environment_variable", secret_value: "v", networking: { type: "limited", allowed_hosts: ["h"] }, injection_location: { body: true } },
  ],
])("update auth: %s", (_name, auth, expected) => {
  expect(authUpdateBody(auth)).toEqual(expected);
});

it("create body: the whole auth re-cased, display name when given, metadata always", () => {
  expect(buildVaultCredentialCreateBody({ vaultId: "vlt_1", auth: oauth })).toEqual({
    auth: {
      type: "mcp_oauth",
      mcp_server_url: "https://mcp.example.com",
      access_token: "at",
      expires_at: "2030-01-01T00:00:00Z",
      refresh: { client_id: "c", refresh_token: "rt", token_endpoint: "https://auth.example.com/token", token_endpoint_auth: { type: "client_secret_post", client_secret: "cs" }, scope: "read" },
    },
    metadata: {},
  });
});

it.each([
  ["notes.md", "text/markdown"],
  ["DATA.CSV", "text/csv"],
  ["report.pdf", "application/pdf"],
  ["archive.tar.gz", "application/octet-stream"],
  ["Makefile", "application/octet-stream"],
])("mime type of %s is %s", (name, mime) => {
  expect(mimeTypeOf(name)).toBe(mime);
});

it("a memory's digest is the API's: sha256 of the UTF-8 bytes, no normalization", () => {
  for (const text of ["", "é\n", "line\r\n"]) expect(contentSha256(text)).toBe(createHash("sha256").update(Buffer.from(text, "utf8")).digest("hex"));
});
