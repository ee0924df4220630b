// Tunnel: an MCP tunnel (beta `mcp-tunnels-2026-06-22`): a hostname (`domain`) under which the MCP
// server URLs of agents are routed through a connector the user runs inside their network, with
// the connector's token (`token`, from `reveal_token`) as a secret output. The API has no update:
// a new `displayName` replaces the tunnel; `tokenRotation` rotates the token in place
// (`rotate_token`). Destroy archives (which archives its certificates and revokes the token).
// Tunnels carry no metadata, so no create token: a create whose answer is lost is looked up by its
// display name and time, as files and skills are; a provider killed between the create and the
// state write leaves the tunnel behind.
import { z } from "zod";
import { tunnels, type ApiTunnel, type ApiTunnelToken } from "../api/tunnels";
import { isAmbiguousFailure, messageOf } from "../client/errors";
import type { OperationContext } from "../kit/context";
import { createUntokened, LOOKUP_MARGIN_MS, takenByThisProcess, UnconfirmedCreateError } from "../kit/create";
import { objectLifecycle } from "../kit/lifecycle";
import { defineResource, labelOf, refreshedInputs, type Change, type State } from "../kit/resource";
import { defineSpec, field } from "../kit/spec";
import { emptyAsAbsent } from "../kit/values";
import { displayNameInput } from "./shared";

export const tunnelInputs = z.strictObject({
  displayName: displayNameInput.optional(),
  tokenRotation: z.string().min(1, "tokenRotation must not be empty (omit it instead)").max(1_000, "at most 1,000 characters").optional(),
});
export type TunnelInputs = z.infer<typeof tunnelInputs>;

export const resolvedTunnel = z.object({ displayName: z.string().nullable() });
export type ResolvedTunnel = z.infer<typeof resolvedTunnel>;

export const tunnelOutputs = z.object({
  domain: z.string(),
  token: z.string(),
  tokenId: z.string(),
  createdAt: z.string(),
  archivedAt: z.string().nullable(),
  resolved: resolvedTunnel,
});
export type TunnelOutputs = z.infer<typeof tunnelOutputs>;

export const tunnelSpec = defineSpec({
  kind: "Tunnel",
  summary:
    "An MCP tunnel (research preview, beta `mcp-tunnels-2026-06-22`): an Anthropic-assigned hostname, `domain`, under which an agent's MCP server URLs (`https://<name>.<domain>/…`) are routed through a connector you run inside your network, which authenticates with `token`, a secret output. The tunnel rejects MCP traffic until it has a `TunnelCertificate`. A new `displayName` replaces it (the API has no update); a change of `tokenRotation` rotates the token in place. Tunnels carry no metadata: a create whose answer is lost is found again by its name and time, but a provider killed between the create and the state write leaves the tunnel behind (archive it by hand). Destroy archives it, with its certificates.",
  inputs: tunnelInputs,
  updateText: "update in place",
  secretOutputs: ["token"],
  fields: {
    displayName: field.replace({ text: "Human-readable name (1 to 255 characters, one line).", type: "string" }),
    tokenRotation: field.update(
      {
        text: "Any text: each change (setting, changing or removing it) rotates the connector token in place (`POST /v1/tunnels/{id}/rotate_token`, with this text as the audit reason), and `token` then holds the new value. Connections already open stay up; a connector restarted afterwards needs the new token. Ignored at create (a new tunnel has a fresh token).",
        type: "string",
        change: "rotates the token",
      },
      { drift: false },
    ),
  },
  outputs: tunnelOutputs,
  outputDocs: {
    domain: "The hostname Anthropic assigned the tunnel (unique, never reused): MCP server URLs whose host is a subdomain of it are routed through the tunnel.",
    token: "The connector token the tunnel's connector runs with (a Pulumi secret: encrypted in state, never shown). Refresh reads it again, so a rotation made outside Pulumi shows.",
    tokenId: "The id of the current token value; it changes with each rotation.",
    createdAt: "RFC 3339 creation time.",
    archivedAt: "RFC 3339 archive time; null while the tunnel is live.",
    resolved: "The tunnel as the API has it (what refresh compares).",
  },
});

function resolvedView(api: ApiTunnel): ResolvedTunnel {
  return { displayName: api.display_name ?? null };
}

function outputsOf(api: ApiTunnel, token: ApiTunnelToken): TunnelOutputs {
  return { domain: api.domain, token: token.tunnel_token, tokenId: token.id, createdAt: api.created_at, archivedAt: api.archived_at ?? null, resolved: resolvedView(api) };
}

const label = (inputs: Partial<TunnelInputs>, id?: string) => labelOf("tunnel", inputs.displayName, id);

const asDeclared = (_field: string, value: unknown): unknown => emptyAsAbsent(value);

/** What the kit's lifecycle gives a tunnel (kit/lifecycle.ts): its read and its archive. */
const lifecycle = objectLifecycle({
  spec: tunnelSpec,
  noun: "tunnel",
  endpoints: tunnels,
  label,
  view: resolvedView,
  asDeclared,
  outputs: (api: ApiTunnel): Partial<TunnelOutputs> => ({ domain: api.domain, createdAt: api.created_at, archivedAt: api.archived_at ?? null, resolved: resolvedView(api) }),
  // The API answers an archive of an archived tunnel with the tunnel as it is (an older API, and
  // the emulator, refuse it): either way the tunnel is read to confirm.
  destroy: { default: "archive", alreadyArchived: "confirm" },
});

/**
 * The tunnel a create whose answer was lost made, if it landed: one made since just before the
 * attempt, with the declared display name, that no other create of this process made or claimed.
 */
async function lookUpCreate(ctx: OperationContext, operation: string, displayName: string | null, sentAt: number): Promise<ApiTunnel | undefined> {
  const since = sentAt - LOOKUP_MARGIN_MS;
  try {
    // Newest first: the first one older than the window ends the search.
    for await (const t of tunnels.list(ctx, `${operation} (looking for the tunnel after a lost answer)`, {})) {
      if (Date.parse(t.created_at) < since) break;
      if ((t.display_name ?? null) === displayName && !takenByThisProcess(t.id)) return t;
    }
  } catch (error) {
    throw new UnconfirmedCreateError(`${operation}: the create's answer was lost and looking it up failed too (${messageOf(error)}); nothing was sent again`);
  }
  return undefined;
}

/**
 * Rotates the token. A rotation whose answer is lost may have landed: the token as it is then
 * tells (a new id or value means it did), and only one that did not is sent again.
 */
async function rotate(ctx: OperationContext, operation: string, id: string, reason: string | undefined, before: Partial<TunnelOutputs>): Promise<ApiTunnelToken> {
  for (;;) {
    try {
      return await tunnels.rotateToken(ctx, `${operation} (rotating its token)`, id, { reason: reason ?? null });
    } catch (error) {
      if (!isAmbiguousFailure(error)) throw error;
      const now = await tunnels.revealToken(ctx, `${operation} (reading its token after a lost answer)`, id);
      if (now.id !== before.tokenId || now.tunnel_token !== before.token) return now;
    }
  }
}

export const tunnelResource = defineResource(tunnelSpec, {
  async create(ctx, inputs) {
    const operation = `create ${label(inputs)}`;
    const displayName = inputs.displayName ?? null;
    const api = await createUntokened(
      ctx,
      () => tunnels.create(ctx, operation, inputs.displayName !== undefined ? { display_name: inputs.displayName } : {}),
      (sentAt) => lookUpCreate(ctx, operation, displayName, sentAt),
    );
    const token = await tunnels.revealToken(ctx, `${operation} (reading its token)`, api.id);
    return { id: api.id, outputs: outputsOf(api, token) };
  },

  async read(ctx, id, state) {
    const operation = `read ${label(state.inputs, id)}`;
    const api = await lifecycle.retrieve(ctx, operation, id, state.inputs);
    if (!api) return undefined;
    const token = await tunnels.revealToken(ctx, `${operation} (reading its token)`, id);
    return { inputs: refreshedInputs(tunnelSpec, state, resolvedView(api), asDeclared), outputs: outputsOf(api, token) };
  },

  async update(ctx, id, olds: State<TunnelInputs, TunnelOutputs>, change: Change<TunnelInputs>) {
    if (!change.changes.some((c) => c.field === "tokenRotation" && c.effect === "update")) return olds.outputs;
    const operation = `update ${label(change.inputs, id)}`;
    const token = await rotate(ctx, operation, id, change.inputs.tokenRotation, olds.outputs);
    return { ...olds.outputs, token: token.tunnel_token, tokenId: token.id };
  },

  delete: lifecycle.remove,
});
