// Environment: the container a session runs in (cloud networking and packages, or self-hosted).
// Everything updates in place except the config type (cloud <-> self_hosted), which replaces.
// Environments have no versions: before an update the provider compares the environment with what
// it last saw and refuses to overwrite a change made outside Pulumi (DESIGN §10).
import { z } from "zod";
import { environments, type ApiEnvironment } from "../api/environments";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import type { CheckFailure } from "../kit/check";
import { lifecycleHooks } from "../kit/lifecycle";
import { metadataInput, userMetadata } from "../kit/metadata";
import { defineResource, labelOf, type Change, type State } from "../kit/resource";
import { buildPatch, type ApiPatch } from "../kit/diff";
import { defineSpec, field } from "../kit/spec";
import { compact, containsUnknown, emptyAsAbsent, isRecord } from "../kit/values";
import { metadataField, timestampDocs, timestamps } from "./shared";
import { always } from "./docs";

// ---------------------------------------------------------------------------------------------
// Input schema

const packageList = (what: string) => z.array(z.string().min(1)).optional().meta({ description: `${what} to install.` });
const PACKAGE_MANAGERS = ["apt", "cargo", "gem", "go", "npm", "pip"] as const;
const packagesInput = z.strictObject({
  /** Optional in the API's params. */
  type: z.literal("packages").optional().meta({ description: "Optional; always `packages`." }),
  apt: packageList("Ubuntu/Debian packages"),
  cargo: packageList("Rust packages"),
  gem: packageList("Ruby packages"),
  go: packageList("Go packages"),
  npm: packageList("Node.js packages"),
  pip: packageList("Python packages"),
});

const networkingInput = z.discriminatedUnion("type", [
  z.strictObject({ type: always("unrestricted") }).meta({ description: "Unrestricted network access." }),
  z
    .strictObject({
      type: always("limited"),
      allowedHosts: z.array(z.string().min(1)).optional().meta({ description: "Domains the container can reach." }),
      allowMcpServers: z
        .boolean()
        .optional()
        .meta({ description: "Permits outbound access to the MCP server endpoints configured on the agent, beyond `allowedHosts`. Defaults to false." }),
      allowPackageManagers: z.boolean().optional().meta({
        description: "Permits outbound access to public package registries (PyPI, npm, etc.), beyond `allowedHosts`. Defaults to false; must be true when `packages` are given.",
      }),
    })
    .meta({ description: "Limited network access: only the listed hosts (and, when allowed, MCP servers and package registries)." }),
]);

const configInput = z.discriminatedUnion("type", [
  z
    .strictObject({
      type: always("cloud"),
      networking: networkingInput
        .optional()
        .meta({ description: "Network policy: `unrestricted`, or `limited` (the API's default, with nothing allowed)." }),
      packages: packagesInput.optional().meta({
        description:
          "Packages available in the environment, optionally versioned in each package manager's own syntax (e.g. `package==1.0.0` for pip; unversioned installs the latest). Under `limited` networking they need `allowPackageManagers: true`.",
      }),
    })
    .meta({ description: "A cloud environment: a container with a network policy and packages." }),
  z.strictObject({ type: always("self_hosted") }).meta({ description: "A self-hosted environment." }),
]);

export const environmentDefinition = z.strictObject({
  name: z.string().min(1, "name must not be empty"),
  description: z.string().optional(),
  metadata: metadataInput.optional(),
  scope: z.enum(["organization", "account"]).optional(),
  config: configInput.optional(),
});

export const environmentInputs = environmentDefinition.extend({
  onDestroy: z.enum(["delete", "archive"]).optional(),
  adoptId: z.string().regex(/^env_\w+$/, "must be an environment id (env_...)").optional(),
});

export type EnvironmentDefinition = z.infer<typeof environmentDefinition>;
export type EnvironmentInputs = z.infer<typeof environmentInputs>;
export type EnvironmentCreateBody = ApiCased<EnvironmentDefinition>;
export type EnvironmentUpdateBody = ApiPatch<EnvironmentDefinition>;

// ---------------------------------------------------------------------------------------------
// Outputs

export const resolvedEnvironment = z.object({
  name: z.string(),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  scope: z.string().nullable(),
  config: z.looseObject({ type: z.string() }),
});
export type ResolvedEnvironment = z.infer<typeof resolvedEnvironment>;

export const environmentOutputs = z.object({
  ...timestamps,
  resolved: resolvedEnvironment,
});
export type EnvironmentOutputs = z.infer<typeof environmentOutputs>;

// ---------------------------------------------------------------------------------------------
// Body pieces (pure)

type ConfigInput = NonNullable<EnvironmentDefinition["config"]>;

/**
 * The config as sent: every field spelled out, so that an update means the same thing whether the
 * API merges or replaces (absent package lists are empty, absent switches false).
 */
export function fullConfigBody(config: ConfigInput): NonNullable<EnvironmentCreateBody["config"]> {
  if (config.type === "self_hosted") return { type: "self_hosted" };
  const n = config.networking;
  const networking =
    n === undefined || n.type === "limited"
      ? {
          type: "limited" as const,
          allowed_hosts: n?.allowedHosts ?? [],
          allow_mcp_servers: n?.allowMcpServers ?? false,
          allow_package_managers: n?.allowPackageManagers ?? false,
        }
      : { type: "unrestricted" as const };
  const packages = Object.fromEntries(PACKAGE_MANAGERS.map((m) => [m, config.packages?.[m] ?? []]));
  return { type: "cloud", networking, packages };
}

const DEFAULT_CONFIG: ConfigInput = { type: "cloud" };

/**
 * A state's config, read as a declared one: it need not pass the schema (a refresh brings back
 * `networking: null`, dropped here, or what the server added), and `fullConfigBody` reads every
 * part of it with a default, so any map passes.
 */
function readsAsConfig(config: unknown): config is ConfigInput {
  return isRecord(config);
}

/** The config as the API stores it (every switch and list spelled out, `packages.type`), camelCased. */
function resolvedConfig(config: unknown): unknown {
  const present = compact(config);
  if (!isRecord(config) || containsUnknown(config) || !readsAsConfig(present)) return config;
  const full = fromApiCase(fullConfigBody(present));
  return "packages" in full ? { ...full, packages: { type: "packages", ...full.packages } } : full;
}

/** A config's type; none declared means the API's default, cloud. */
function configType(config: unknown): unknown {
  return isRecord(config) ? config["type"] : config === undefined || config === null ? "cloud" : config;
}

// ---------------------------------------------------------------------------------------------
// The spec

export const environmentSpec = defineSpec({
  kind: "Environment",
  refusesDrift: true,
  summary:
    "The container sessions run in. Everything updates in place except the config type (`cloud` ⇄ `self_hosted`), which replaces the environment (and so every session in it, whose `environmentId` changes). Environments have no versions: an update first compares the environment with what Pulumi last saw and fails, naming the fields, if it was changed outside Pulumi. Destroy deletes it; `onDestroy: \"archive\"` archives it instead.",
  inputs: environmentInputs,
  updateText: "update in place",
  fields: {
    name: field.update({ text: "Human-readable name.", type: "string" }),
    description: field.update({ text: "Description.", type: "string" }, { removal: "clears" }),
    metadata: metadataField(),
    scope: field.update(
      {
        text: "Visibility: `\"organization\"` (visible to every account) or `\"account\"` (the owning account only). Organizations that use the API directly accept only `\"organization\"`. When omitted, the API picks the default for the organization type (there is no single default), and removing it later keeps whatever the environment has.",
        type: '`"organization"` \\| `"account"`',
      },
      { removal: "keeps" },
    ),
    config: field.rule(
      (old, next) => (configType(old) === configType(next) ? "update" : "replace"),
      "networking and packages: update in place (the whole config is sent); `type`: **replace**",
      {
        text: "`{ type: \"cloud\", networking?, packages? }` or `{ type: \"self_hosted\" }`. Cloud networking is `{ type: \"unrestricted\" }` or `{ type: \"limited\", allowedHosts?, allowMcpServers?, allowPackageManagers? }` (the API's default is limited with nothing allowed); `packages` lists apt/cargo/gem/go/npm/pip packages, which under limited networking need `allowPackageManagers: true`. Omit for the API's default (cloud, limited).",
        type: "`{ type: \"cloud\", networking?, packages? }` or `{ type: \"self_hosted\" }`",
        change: "removing it restores the default config",
      },
      {
        removal: "restores",
        serverDefault: fromApiCase(fullConfigBody(DEFAULT_CONFIG)),
        resolve: resolvedConfig,
        api: { encode: (config: ConfigInput) => fullConfigBody(config) },
      },
    ),
    onDestroy: field.option({ text: 'What `pulumi destroy` does: `"delete"` (default) or `"archive"` (keeps it, read-only).', type: '`"delete"` \\| `"archive"`' }),
    adoptId: field.createOnly({
      text: "Adopt an existing environment (`env_…`) instead of creating one: create reads it and updates it to the declared state.",
      type: "`env_…`",
    }),
  },
  outputs: environmentOutputs,
  outputDocs: {
    ...timestampDocs("environment"),
    resolved: "The environment as the API stores it, with the resolved config (the API's default networking is limited with nothing allowed).",
  },
});

// ---------------------------------------------------------------------------------------------
// check

export function environmentCrossFieldFailures(inputs: EnvironmentDefinition): CheckFailure[] {
  const config = inputs.config;
  if (!config || config.type !== "cloud" || containsUnknown(config)) return [];
  const hasPackages = PACKAGE_MANAGERS.some((m) => (config.packages?.[m]?.length ?? 0) > 0);
  const networking = config.networking;
  // The API's default networking is limited, without package managers.
  const limited = networking === undefined || networking.type === "limited";
  const allowed = networking?.type === "limited" && networking.allowPackageManagers === true;
  if (hasPackages && limited && !allowed) {
    return [
      {
        property: "config.networking.allowPackageManagers",
        reason: 'packages need allowPackageManagers: true under limited networking (the default), or networking { type: "unrestricted" }',
      },
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Body builders (pure)

/** The create body; the kit stamps it with the create token (kit/create.ts). */
export function buildEnvironmentCreateBody(inputs: EnvironmentInputs): EnvironmentCreateBody & { metadata: Record<string, string> } {
  const { config, onDestroy: _onDestroy, adoptId: _adoptId, ...rest } = inputs;
  return {
    ...apiCased(rest),
    ...(config ? { config: fullConfigBody(config) } : {}),
    metadata: inputs.metadata ?? {},
  };
}

/** Only what changed (removed description cleared, metadata as a patch); null when nothing did. */
export function buildEnvironmentUpdateBody(olds: State<EnvironmentInputs, EnvironmentOutputs>, change: Change<EnvironmentInputs>): EnvironmentUpdateBody | null {
  return buildPatch<EnvironmentUpdateBody>(environmentSpec, olds.inputs, change.inputs, change.changes, { config: fullConfigBody(DEFAULT_CONFIG) });
}

// ---------------------------------------------------------------------------------------------
// Outputs and drift

export function resolvedEnvironmentView(api: ApiEnvironment): ResolvedEnvironment {
  return resolvedEnvironment.parse({
    name: api.name,
    description: api.description ?? null,
    metadata: userMetadata(api.metadata),
    scope: api.scope ?? null,
    config: fromApiCase(api.config),
  });
}

function asDeclared(_field: string, value: unknown): unknown {
  return emptyAsAbsent(value);
}

function outputsOf(api: ApiEnvironment): EnvironmentOutputs {
  return { createdAt: api.created_at, updatedAt: api.updated_at, archivedAt: api.archived_at ?? null, resolved: resolvedEnvironmentView(api) };
}

// ---------------------------------------------------------------------------------------------
// Hooks: the kit's lifecycle (kit/lifecycle.ts), with the environment's adoption and update hint

const label = (inputs: Partial<EnvironmentInputs>, id?: string) => labelOf("environment", inputs.name, id);

const configTypeHint = (status: number) =>
  status === 400
    ? "An environment's config type (cloud or self_hosted) cannot change in place; the provider replaces the environment when it does, so the state may be out of date: run `pulumi refresh`"
    : undefined;

export const environmentResource = defineResource(environmentSpec, {
  crossCheck: environmentCrossFieldFailures,
  // Environments have no versions: the update is compared first with what was last seen, and its
  // write token lets a rerun recognise its own write whose answer was lost.
  ...lifecycleHooks({
    spec: environmentSpec,
    noun: "environment",
    endpoints: environments,
    label,
    createBody: buildEnvironmentCreateBody,
    updateBody: buildEnvironmentUpdateBody,
    updateHint: configTypeHint,
    view: resolvedEnvironmentView,
    asDeclared,
    outputs: outputsOf,
    destroy: { default: "delete", alreadyArchived: ["environment_archived"] },
    adopt: { field: "adoptId", incompatible: "its config type differs from the declared one, which cannot change in place" },
  }),
});
