// VaultCredential: one credential in a vault, for an MCP server (`mcp_oauth`, `static_bearer`) or
// an environment secret substituted into outbound requests (`environment_variable`). Every secret
// value is write-only (kit/write-only.ts): state, outputs, the event stream and diffs hold only a
// hash of it, which also detects its change; the change is sent as an in-place update (a
// rotation), since the API's update params accept every secret. What else changes in place follows
// the update params of each auth type; the rest (the MCP server URL, the secret's name, the OAuth
// client and token endpoint, the auth type itself) replaces the credential. The API never returns a
// secret, so refresh cannot see one change outside Pulumi.
import { z } from "zod";
import { vaultCredentials, type ApiCredential } from "../api/vault-credentials";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import { lifecycleHooks } from "../kit/lifecycle";
import { metadataInput, userMetadata } from "../kit/metadata";
import { defineResource, labelOf, type Change, type State } from "../kit/resource";
import { buildPatch } from "../kit/diff";
import { defineSpec, field, type Effect } from "../kit/spec";
import { containsUnknown, emptyAsAbsent, isRecord, sameValue } from "../kit/values";
import { metadataField, timestampDocs, timestamps } from "./shared";
import { always } from "./docs";

// ---------------------------------------------------------------------------------------------
// Input schema (the SDK's `*CreateParams`, camelCase)

/** The property names inside `auth` that hold a secret, as the schema below marks them with `secret`. */
const secretKeys: string[] = [];
const secret = (name: string) => {
  secretKeys.push(name);
  return z.string({ error: `${name} is required (a write-only secret)` }).min(1, `${name} must not be empty`);
};
const httpsUrl = z.url({ protocol: /^https$/, error: "must be an https URL" });

const tokenEndpointAuthInput = z.discriminatedUnion("type", [
  z.strictObject({ type: always("none") }).meta({ description: "The token endpoint requires no client authentication." }),
  z
    .strictObject({
      type: always("client_secret_basic"),
      clientSecret: secret("clientSecret").meta({ description: "The OAuth client secret, sent to `tokenEndpoint` with HTTP Basic authentication. Write-only: state keeps only a hash of it." }),
    })
    .meta({ description: "The token endpoint uses HTTP Basic authentication with the client credentials." }),
  z
    .strictObject({
      type: always("client_secret_post"),
      clientSecret: secret("clientSecret").meta({ description: "The OAuth client secret, sent to `tokenEndpoint` in the POST body. Write-only: state keeps only a hash of it." }),
    })
    .meta({ description: "The token endpoint uses POST body authentication with the client credentials." }),
]);

const networkingInput = z.discriminatedUnion("type", [
  z
    .strictObject({ type: always("unrestricted") })
    .meta({ description: "Substitute the secret on any host the session's environment network policy permits: that policy is the only boundary on where the secret can reach." }),
  z
    .strictObject({
      type: always("limited"),
      allowedHosts: z.array(z.string().min(1)).max(16, "at most 16 hosts").meta({
        description:
          "The destination hosts of the outbound requests the secret is substituted into: bare hostnames (`api.example.com`), IPv4 addresses or `*.` wildcards (`*.example.com`); no URLs, ports, paths or IPv6 addresses. The API allows up to 16.",
      }),
    })
    .meta({ description: "Substitute the secret only on requests to the listed hosts." }),
]);

export const authInput = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: always("mcp_oauth"),
      mcpServerUrl: httpsUrl.meta({ description: "URL (https) of the MCP server this credential authenticates against. It cannot change: a change replaces the credential." }),
      accessToken: secret("accessToken").meta({ description: "The OAuth access token to send to the MCP server. Write-only: state keeps only a hash of it." }),
      expiresAt: z.iso
        .datetime({ offset: true })
        .optional()
        .meta({ description: "When `accessToken` expires, in RFC 3339 with a UTC offset; it must be in the future." }),
      refresh: z
        .strictObject({
          clientId: z.string().min(1).meta({ description: "The OAuth client ID used to refresh the access token. It cannot change after creation: a change replaces the credential." }),
          refreshToken: secret("refreshToken").meta({
            description: "The OAuth refresh token the API uses to get a new access token when the current one expires. Write-only: state keeps only a hash of it.",
          }),
          tokenEndpoint: httpsUrl.meta({ description: "Token endpoint URL (https) used to refresh the access token." }),
          tokenEndpointAuth: tokenEndpointAuthInput.meta({ description: "How the token endpoint authenticates the client: `none`, `client_secret_basic` or `client_secret_post`." }),
          resource: z.string().min(1).optional().meta({ description: "OAuth resource indicator." }),
          scope: z.string().min(1).optional().meta({ description: "OAuth scope for the refresh request." }),
        })
        .optional()
        .meta({ description: "Refresh token configuration, if the credential supports token refresh; the API then manages the refresh." }),
    })
    .meta({ description: "An OAuth credential for an MCP server, optionally refreshed by the API." }),
  z
    .strictObject({
      type: always("static_bearer"),
      mcpServerUrl: httpsUrl.meta({ description: "URL (https) of the MCP server this credential authenticates against. It cannot change: a change replaces the credential." }),
      token: secret("token").meta({ description: "The static bearer token to send to the MCP server, such as an API key or personal access token. Write-only: state keeps only a hash of it." }),
    })
    .meta({ description: "A static bearer token for an MCP server." }),
  z
    .strictObject({
      type: always("environment_variable"),
      secretName: z
        .string()
        .regex(/^[A-Z_][A-Z0-9_]*$/, "an environment variable name (A-Z, 0-9, _; not starting with a digit)")
        .meta({ description: "Name of the environment variable: A-Z, 0-9 and `_`, not starting with a digit. It cannot change after creation: a change replaces the credential." }),
      secretValue: secret("secretValue").meta({
        description: "The secret substituted into the agent's outbound requests. Write-only: the API never returns it, and state keeps only a hash of it.",
      }),
      networking: networkingInput.meta({ description: "The outbound hosts the secret is substituted on: `unrestricted` or `limited` to `allowedHosts`." }),
      injectionLocation: z
        .strictObject({
          body: z.boolean().optional().meta({ description: "Substitute when the placeholder appears in the request body." }),
          header: z.boolean().optional().meta({ description: "Substitute when the placeholder appears in a request header value." }),
        })
        .optional()
        .meta({ description: "Where in the outbound request the secret may be substituted." }),
    })
    .meta({ description: "A secret the agent uses as an environment variable, substituted into its outbound requests." }),
]);
export type AuthInput = z.infer<typeof authInput>;

/** Every property name inside `auth` that holds a secret: those the schema marks with `secret`. */
export const CREDENTIAL_SECRET_KEYS: readonly string[] = [...new Set(secretKeys)];

export const vaultCredentialDefinition = z.strictObject({
  vaultId: z.string().min(1, "vaultId must be a vault id (vault.id)"),
  displayName: z.string().min(1).optional(),
  metadata: metadataInput.optional(),
  auth: authInput,
});

export const vaultCredentialInputs = vaultCredentialDefinition.extend({
  onDestroy: z.enum(["archive", "delete"]).optional(),
});

export type VaultCredentialDefinition = z.infer<typeof vaultCredentialDefinition>;
export type VaultCredentialInputs = z.infer<typeof vaultCredentialInputs>;

// ---------------------------------------------------------------------------------------------
// Outputs

export const resolvedVaultCredential = z.object({
  vaultId: z.string(),
  displayName: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  /** The auth as the API answers it: its type and non-secret parts. */
  auth: z.looseObject({ type: z.string() }),
});
export type ResolvedVaultCredential = z.infer<typeof resolvedVaultCredential>;

export const vaultCredentialOutputs = z.object({
  ...timestamps,
  resolved: resolvedVaultCredential,
});
export type VaultCredentialOutputs = z.infer<typeof vaultCredentialOutputs>;

// ---------------------------------------------------------------------------------------------
// What a change of `auth` does (the update params of each type)

const differs = (a: unknown, b: unknown) => containsUnknown(b) || !sameValue(a, b);
const pick = (v: unknown, key: string): unknown => (isRecord(v) ? v[key] : undefined);

/**
 * `replace` when the change touches what the auth type's update params cannot carry; `update`
 * otherwise (secrets, an OAuth expiry, scope or client secret, an environment secret's networking
 * and injection location). Old and new values hold secrets as hashes.
 */
export function authChange(old: unknown, next: unknown): Effect {
  if (!isRecord(old) || !isRecord(next) || differs(old["type"], next["type"])) return "replace";
  switch (next["type"]) {
    case "static_bearer":
      return differs(old["mcpServerUrl"], next["mcpServerUrl"]) ? "replace" : "update";
    case "environment_variable":
      return differs(old["secretName"], next["secretName"]) ? "replace" : "update";
    case "mcp_oauth": {
      if (differs(old["mcpServerUrl"], next["mcpServerUrl"])) return "replace";
      const before = old["refresh"];
      const after = next["refresh"];
      if (containsUnknown(after) && !isRecord(after)) return "replace";
      if (after === undefined || after === null) return "update"; // removed: sent as `refresh: null`
      if (before === undefined || before === null) return "replace"; // added: the update params lack client and endpoint
      for (const k of ["clientId", "tokenEndpoint", "resource"]) if (differs(pick(before, k), pick(after, k))) return "replace";
      const authType = pick(pick(after, "tokenEndpointAuth"), "type");
      if (differs(pick(pick(before, "tokenEndpointAuth"), "type"), authType) && (authType === "none" || containsUnknown(authType))) return "replace";
      return "update";
    }
    default:
      return "replace";
  }
}

type TokenEndpointAuthUpdate = { type: "client_secret_basic" | "client_secret_post"; client_secret: string };
/** The update's `auth`, as the `*UpdateParams` of each type spell it. */
export type AuthUpdateBody =
  | { type: "static_bearer"; token: string }
  | {
      type: "environment_variable";
      secret_value: string;
      networking: ApiCased<Extract<AuthInput, { type: "environment_variable" }>["networking"]>;
      injection_location?: ApiCased<NonNullable<Extract<AuthInput, { type: "environment_variable" }>["injectionLocation"]>>;
    }
  | {
      type: "mcp_oauth";
      access_token: string;
      expires_at: string | null;
      refresh: { refresh_token: string; scope: string | null; token_endpoint_auth?: TokenEndpointAuthUpdate } | null;
    };

/** The update's `auth`: every field the type's update params accept, secrets in plain form. */
export function authUpdateBody(auth: AuthInput): AuthUpdateBody {
  switch (auth.type) {
    case "static_bearer":
      return { type: auth.type, token: auth.token };
    case "environment_variable":
      return {
        type: auth.type,
        secret_value: auth.secretValue,
        networking: apiCased(auth.networking),
        ...(auth.injectionLocation ? { injection_location: apiCased(auth.injectionLocation) } : {}),
      };
    case "mcp_oauth": {
      const r = auth.refresh;
      const tea = r?.tokenEndpointAuth;
      return {
        type: auth.type,
        access_token: auth.accessToken,
        expires_at: auth.expiresAt ?? null,
        refresh: r
          ? {
              refresh_token: r.refreshToken,
              scope: r.scope ?? null,
              ...(tea && tea.type !== "none" ? { token_endpoint_auth: { type: tea.type, client_secret: tea.clientSecret } } : {}),
            }
          : null,
      };
    }
  }
}

// ---------------------------------------------------------------------------------------------
// The spec

export const vaultCredentialSpec = defineSpec({
  kind: "VaultCredential",
  refusesDrift: true,
  summary:
    "A credential in a vault: OAuth or a static bearer token for an MCP server, or a secret substituted into outbound requests as an environment variable. Every secret value is write-only: state, outputs, the event stream and diffs hold only a hash of it, which detects its change; a changed secret is sent as an in-place update (rotation), never a replacement. The API never returns secrets, so `pulumi refresh` cannot see a secret changed outside Pulumi. Destroy archives the credential; `onDestroy: \"delete\"` deletes it.",
  parent: "vaultId",
  inputs: vaultCredentialInputs,
  updateText: "update in place",
  fields: {
    vaultId: field.replace({ text: "The vault's id (e.g. `vault.id`).", type: "vault id (`vault.id`)" }, { drift: false }),
    displayName: field.update({ text: "Human-readable name.", type: "string" }, { removal: "clears" }),
    metadata: metadataField(),
    auth: field.rule(
      authChange,
      "secrets (rotation), `expiresAt`, `refresh.scope`, a client secret, removing `refresh`, `networking`, `injectionLocation`: update in place; `type`, `mcpServerUrl`, `secretName`, adding `refresh`, its `clientId`, `tokenEndpoint`, `resource`, or a token endpoint auth changed to `none`: **replace**",
      {
        text: 'One of `{ type: "mcp_oauth", mcpServerUrl, accessToken, expiresAt?, refresh?: { clientId, refreshToken, tokenEndpoint, tokenEndpointAuth, resource?, scope? } }` (`tokenEndpointAuth`: `{ type: "none" }`, or `{ type: "client_secret_basic" | "client_secret_post", clientSecret }`), `{ type: "static_bearer", mcpServerUrl, token }`, or `{ type: "environment_variable", secretName, secretValue, networking, injectionLocation? }` (`networking`: `{ type: "unrestricted" }` or `{ type: "limited", allowedHosts }`). `accessToken`, `refreshToken`, `clientSecret`, `token` and `secretValue` are write-only: state keeps only a hash of each, and the whole `auth` is a Pulumi secret.',
        type: "`mcp_oauth`, `static_bearer` or `environment_variable` auth",
      },
      { writeOnly: CREDENTIAL_SECRET_KEYS, api: { encode: (auth: AuthInput) => authUpdateBody(auth) } },
    ),
    onDestroy: field.option({ text: 'What `pulumi destroy` does: `"archive"` (default; the API drops the secret, the record stays) or `"delete"`.', type: '`"archive"` \\| `"delete"`' }),
  },
  outputs: vaultCredentialOutputs,
  outputDocs: {
    ...timestampDocs("credential", "a rotation included"),
    resolved: "The credential as the API answers it: its vault, name, metadata and the non-secret part of `auth` (no secret is ever returned).",
  },
});

// ---------------------------------------------------------------------------------------------
// Body builders (pure)

/** The create body (secrets in plain form); the kit stamps it with the create token. */
export type VaultCredentialCreateBody = { auth: ApiCased<AuthInput>; display_name?: string; metadata: Record<string, string> };

export function buildVaultCredentialCreateBody(inputs: VaultCredentialInputs): VaultCredentialCreateBody {
  return {
    auth: apiCased(inputs.auth),
    ...(inputs.displayName !== undefined ? { display_name: inputs.displayName } : {}),
    metadata: inputs.metadata ?? {},
  };
}

export type VaultCredentialUpdateBody = { display_name?: string | null; metadata?: Record<string, string | null>; auth?: AuthUpdateBody };

export function buildVaultCredentialUpdateBody(
  olds: State<VaultCredentialInputs, VaultCredentialOutputs>,
  change: Change<VaultCredentialInputs>,
): VaultCredentialUpdateBody | null {
  return buildPatch<VaultCredentialUpdateBody>(vaultCredentialSpec, olds.inputs, change.inputs, change.changes);
}

// ---------------------------------------------------------------------------------------------
// Hooks

export function resolvedVaultCredentialView(api: ApiCredential): ResolvedVaultCredential {
  return {
    vaultId: api.vault_id,
    displayName: api.display_name ?? null,
    metadata: userMetadata(api.metadata),
    auth: fromApiCase(api.auth),
  };
}

const asDeclared = (_field: string, value: unknown): unknown => emptyAsAbsent(value);

function outputsOf(api: ApiCredential): VaultCredentialOutputs {
  return { createdAt: api.created_at, updatedAt: api.updated_at, archivedAt: api.archived_at ?? null, resolved: resolvedVaultCredentialView(api) };
}

const label = (inputs: Partial<VaultCredentialInputs>, id?: string) => labelOf("vault credential", inputs.displayName, id);

// The kit's lifecycle (kit/lifecycle.ts), with the endpoints of the credential's vault. What an
// interrupted run made holds the secrets of that run: an adoption sends them again.
export const vaultCredentialResource = defineResource(
  vaultCredentialSpec,
  lifecycleHooks({
    spec: vaultCredentialSpec,
    noun: "vault credential",
    endpoints: vaultCredentials,
    label,
    createBody: buildVaultCredentialCreateBody,
    updateBody: buildVaultCredentialUpdateBody,
    view: resolvedVaultCredentialView,
    asDeclared,
    outputs: outputsOf,
    // A vault that is archived archived its credentials with it.
    destroy: { default: "archive", alreadyArchived: ["credential_archived", "vault_archived"] },
  }),
);
