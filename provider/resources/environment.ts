// Environment: the container a session runs in (cloud networking and packages, or self-hosted).
// Everything updates in place except the config type (cloud <-> self_hosted), which replaces.
// Destroy deletes; `onDestroy: "archive"` archives instead.
import { z } from "zod";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import { ApiError, NotFoundError } from "../client/errors";
import type { ApiClient } from "../client/http-client";
import { encodedPath } from "../client/path";
import {
  checkWithSchema,
  containsUnknown,
  CREATE_TOKEN_KEY,
  emptyAsAbsent,
  inputsAfterRefresh,
  lifecycleOutputs,
  metadataInput,
  metadataPatch,
  pickDeclared,
  diffByTable,
  outputsWithoutCall,
  sameValue,
  toPulumiProps,
  withoutCreateToken,
  type CheckFailure,
  type HookContext,
  type Props,
  type ResourceHooks,
} from "./common";
import { createWithToken, newCreateToken, retrieveOrGone, type WithCreateToken } from "./create-token";

// ---------------------------------------------------------------------------------------------
// Input schema

const packageList = z.array(z.string().min(1));
const packagesInput = z.strictObject({
  apt: packageList.optional(),
  cargo: packageList.optional(),
  gem: packageList.optional(),
  go: packageList.optional(),
  npm: packageList.optional(),
  pip: packageList.optional(),
});
const PACKAGE_MANAGERS = ["apt", "cargo", "gem", "go", "npm", "pip"] as const;

const networkingInput = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("unrestricted") }),
  z.strictObject({
    type: z.literal("limited"),
    allowedHosts: z.array(z.string().min(1)).optional(),
    allowMcpServers: z.boolean().optional(),
    allowPackageManagers: z.boolean().optional(),
  }),
]);

const configInput = z.discriminatedUnion("type", [
  z.strictObject({ type: z.literal("cloud"), networking: networkingInput.optional(), packages: packagesInput.optional() }),
  z.strictObject({ type: z.literal("self_hosted") }),
]);

export const environmentDefinition = z.strictObject({
  name: z.string().min(1, "name must not be empty"),
  description: z.string().optional(),
  metadata: metadataInput.optional(),
  scope: z.enum(["organization", "account"]).optional(),
  config: configInput.optional(),
});

export const environmentInputs = environmentDefinition.extend({
  /** What destroy does: "delete" (default) or "archive" (keeps it, read-only). */
  onDestroy: z.enum(["delete", "archive"]).optional(),
  /** Adopt this existing environment instead of creating one. */
  adoptId: z.string().regex(/^env_\w+$/, "must be an environment id (env_...)").optional(),
});

export type EnvironmentDefinition = z.infer<typeof environmentDefinition>;
export type EnvironmentInputs = z.infer<typeof environmentInputs>;
export type EnvironmentCreateBody = ApiCased<EnvironmentDefinition>;
export type EnvironmentUpdateBody = Partial<Omit<EnvironmentCreateBody, "description" | "metadata">> & {
  description?: string | null;
  metadata?: Record<string, string | null>;
};

export const ENVIRONMENT_FIELDS = ["name", "description", "metadata", "scope", "config"] as const satisfies ReadonlyArray<
  keyof EnvironmentDefinition
>;
type EnvironmentField = (typeof ENVIRONMENT_FIELDS)[number];
/** Options of the provider, not of the API: a change is recorded without a call. */
const OPTION_FIELDS = ["onDestroy"] as const;

/** The diff table: only the config type forces a new environment. */
export const ENVIRONMENT_REPLACE_PATHS = ["config.type"] as const;

// ---------------------------------------------------------------------------------------------
// API model

export const apiEnvironment = z.looseObject({
  id: z.string(),
  type: z.literal("environment").optional(),
  name: z.string(),
  description: z.string().nullable().optional(),
  metadata: z.record(z.string(), z.string()).optional(),
  scope: z.string().optional(),
  config: z.looseObject({ type: z.string() }),
  created_at: z.string(),
  updated_at: z.string(),
  archived_at: z.string().nullable().optional(),
});
export type ApiEnvironment = z.infer<typeof apiEnvironment>;

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
        reason: "packages need allowPackageManagers: true under limited networking (the default), or networking { type: \"unrestricted\" }",
      },
    ];
  }
  return [];
}

// ---------------------------------------------------------------------------------------------
// Body builders (pure)

/**
 * The config as sent: every field spelled out, so that an update means the same thing whether the
 * API merges or replaces (absent package lists are empty, absent switches false).
 */
export function fullConfigBody(config: EnvironmentDefinition["config"]): EnvironmentCreateBody["config"] | undefined {
  if (!config) return undefined;
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

function definitionOf(inputs: Props): EnvironmentDefinition {
  return pickDeclared(inputs, ENVIRONMENT_FIELDS) as EnvironmentDefinition;
}

export function buildEnvironmentCreateBody(inputs: EnvironmentDefinition, createToken: string): WithCreateToken<EnvironmentCreateBody> {
  const { config, ...rest } = inputs;
  const configBody = fullConfigBody(config);
  return {
    ...apiCased(rest),
    ...(configBody ? { config: configBody } : {}),
    metadata: { ...(inputs.metadata ?? {}), [CREATE_TOKEN_KEY]: createToken },
  };
}

/** Only what changed; removed description cleared, metadata as a patch. Null when nothing changed. */
export function buildEnvironmentUpdateBody(olds: Props, news: EnvironmentDefinition): EnvironmentUpdateBody | null {
  const body: EnvironmentUpdateBody = {};
  const n = news as Props;
  for (const f of ENVIRONMENT_FIELDS) {
    if (sameValue(olds[f], n[f])) continue;
    if (f === "metadata") body.metadata = metadataPatch(olds["metadata"] as Record<string, string> | undefined, news.metadata);
    else if (f === "description") body.description = news.description ?? null;
    else if (f === "config") {
      // A removed config means the API's default one.
      body.config = fullConfigBody(news.config ?? { type: "cloud" })!;
    } else if (f === "scope") {
      if (news.scope !== undefined) body.scope = news.scope;
    } else body.name = news.name;
  }
  return Object.keys(body).length === 0 ? null : body;
}

// ---------------------------------------------------------------------------------------------
// Outputs and drift

type ResolvedEnvironment = Record<EnvironmentField, unknown>;

export function resolvedEnvironmentView(api: ApiEnvironment): ResolvedEnvironment {
  return {
    name: api.name,
    description: api.description ?? null,
    metadata: withoutCreateToken(api.metadata ?? {}),
    scope: api.scope ?? null,
    config: fromApiCase(api.config),
  };
}

function asDeclared(_field: EnvironmentField, value: unknown): unknown {
  return emptyAsAbsent(value);
}

const DECLARED_FIELDS = [...ENVIRONMENT_FIELDS, ...OPTION_FIELDS, "adoptId"];
const COMPUTED_OUTPUTS = ["createdAt", "updatedAt", "archivedAt", "resolved"] as const;

export function environmentOutputs(inputs: Props, api: ApiEnvironment): Props {
  return toPulumiProps({
    ...pickDeclared(inputs, DECLARED_FIELDS),
    ...lifecycleOutputs(api),
    resolved: resolvedEnvironmentView(api),
  });
}

export function environmentInputsAfterRefresh(props: Props, api: ApiEnvironment): Props {
  const inputs = inputsAfterRefresh({
    fields: ENVIRONMENT_FIELDS,
    declared: props,
    lastSeen: props["resolved"] as Partial<ResolvedEnvironment> | undefined,
    fresh: resolvedEnvironmentView(api),
    asDeclared,
  });
  return { ...inputs, ...pickDeclared(props, [...OPTION_FIELDS, "adoptId"]) };
}

// ---------------------------------------------------------------------------------------------
// Hooks

function label(inputs: Props, id?: string): string {
  const name = typeof inputs["name"] === "string" ? ` "${inputs["name"]}"` : "";
  return `environment${name}${id ? ` (${id})` : ""}`;
}

function retrieve(client: ApiClient, id: string, operation: string): Promise<ApiEnvironment | undefined> {
  return retrieveOrGone(client, encodedPath`/v1/environments/${id}`, apiEnvironment, operation);
}

function createEnvironment(client: ApiClient, inputs: EnvironmentDefinition): Promise<ApiEnvironment> {
  return createWithToken({
    client,
    operation: `create ${label(inputs as Props)}`,
    path: "/v1/environments",
    body: buildEnvironmentCreateBody(inputs, newCreateToken()),
    schema: apiEnvironment,
  });
}

const configTypeHint = (status: number) =>
  status === 400
    ? "An environment's config type (cloud or self_hosted) cannot change in place; the provider replaces the environment when it does, so the state may be out of date: run `pulumi refresh`"
    : undefined;

async function adoptEnvironment(client: ApiClient, id: string, inputs: EnvironmentDefinition): Promise<ApiEnvironment> {
  const operation = `adopt ${label(inputs as Props, id)}`;
  const current = await retrieve(client, id, operation);
  if (!current) throw new Error(`${operation}: adoptId ${id} names no environment that this API key can see`);
  if (current.archived_at) throw new Error(`${operation}: environment ${id} is archived and cannot be adopted`);
  const fresh = resolvedEnvironmentView(current);
  const serverAsInputs: Props = {};
  for (const f of ENVIRONMENT_FIELDS) serverAsInputs[f] = asDeclared(f, fresh[f]);
  const body = buildEnvironmentUpdateBody(serverAsInputs, inputs);
  if (!body) return current;
  return client.request({ operation, method: "POST", path: encodedPath`/v1/environments/${id}`, body, schema: apiEnvironment, hintFor: configTypeHint });
}

export const environmentHooks: ResourceHooks = {
  async check(_olds, news) {
    return checkWithSchema(environmentInputs, news, environmentCrossFieldFailures);
  },

  async diff(_id, olds, news) {
    return diffByTable({
      fields: [...ENVIRONMENT_FIELDS, ...OPTION_FIELDS],
      replacePaths: ENVIRONMENT_REPLACE_PATHS,
      olds,
      news,
    });
  },

  async create(ctx: HookContext, inputs) {
    const client = ctx.client();
    const definition = definitionOf(inputs);
    const adoptId = inputs["adoptId"];
    const api = typeof adoptId === "string" ? await adoptEnvironment(client, adoptId, definition) : await createEnvironment(client, definition);
    return { id: api.id, outs: environmentOutputs(inputs, api) };
  },

  async read(ctx, id, props) {
    const api = await retrieve(ctx.client(), id, `read ${label(props, id)}`);
    if (!api || api.archived_at) return {};
    const inputs = environmentInputsAfterRefresh(props, api);
    return { id, props: environmentOutputs(inputs, api), inputs };
  },

  async update(ctx, id, olds, news) {
    const body = buildEnvironmentUpdateBody(olds, definitionOf(news));
    if (!body) {
      return { outs: outputsWithoutCall({ news, olds, declaredFields: DECLARED_FIELDS, computedFields: COMPUTED_OUTPUTS }) };
    }
    const api = await ctx.client().request({
      operation: `update ${label(news, id)}`,
      method: "POST",
      path: encodedPath`/v1/environments/${id}`,
      body,
      schema: apiEnvironment,
      hintFor: configTypeHint,
    });
    return { outs: environmentOutputs(news, api) };
  },

  async delete(ctx, id, props) {
    const client = ctx.client();
    const archive = props["onDestroy"] === "archive";
    const operation = `${archive ? "archive" : "delete"} ${label(props, id)}`;
    try {
      if (archive) {
        await client.request({ operation, method: "POST", path: encodedPath`/v1/environments/${id}/archive`, body: {}, schema: apiEnvironment });
      } else {
        await client.request({ operation, method: "DELETE", path: encodedPath`/v1/environments/${id}`, schema: z.unknown() });
      }
    } catch (error) {
      if (error instanceof NotFoundError) return;
      if (archive && error instanceof ApiError && error.errorCode === "environment_archived") return;
      throw error;
    }
  },
};
