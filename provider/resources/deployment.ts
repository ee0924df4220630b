// Deployment: an agent run on a schedule (or on demand) in an environment, the API's path to
// production. Pinned like a session (`agentVersion: agent.version` follows the agent), but a new
// version is applied in place: the update endpoint accepts `agent`. Everything updates in place;
// `paused` maps to the pause / unpause endpoints. No versions: before an update the provider
// compares the deployment with what it last saw (DESIGN §10). Destroy archives.
import { z } from "zod";
import { deployments, type ApiDeployment, type ApiDeploymentRun } from "../api/deployments";
import { apiCased, type ApiCased } from "../api-case";
import { fromApiCase } from "../casing";
import { takeOver } from "../kit/adopt";
import type { CheckFailure } from "../kit/check";
import type { OperationContext } from "../kit/context";
import { createOrAdopt, type Creatable } from "../kit/create";
import { metadataInput, stampText, userMetadata } from "../kit/metadata";
import { quote } from "../kit/quote";
import { objectLifecycle } from "../kit/lifecycle";
import { defineResource, labelOf, refreshedInputs, stateFromApi, type Change, type State } from "../kit/resource";
import { buildPatch } from "../kit/diff";
import { defineSpec, field } from "../kit/spec";
import { containsUnknown, emptyAsAbsent } from "../kit/values";
import { cronProblems, isTimeZone } from "./cron";
import { metadataField, timestampDocs, timestamps } from "./shared";
import { always } from "./docs";
import { mountedResource, MOUNTED_RESOURCE_SECRETS } from "./session-resources";
import { budgetInput, defineOutcomeEvent, MAX_INITIAL_EVENTS, systemMessageEvent, userMessageEvent } from "./session-start";

// ---------------------------------------------------------------------------------------------
// Input schema

// What each run's session starts with and mounts: the Session's own schemas (session-start.ts,
// session-resources.ts), and a system message, which only a deployment sends.
const initialEventInput = z.discriminatedUnion("type", [userMessageEvent, systemMessageEvent, defineOutcomeEvent]);

// Checked in the schema, so that a bad schedule is reported with every other problem of the
// inputs; an unknown value (preview) is never checked (kit/check.ts skips issues located at one).
export const scheduleInput = z
  .strictObject({
    type: always("cron"),
    expression: z.string().min(1).meta({
      description:
        "A five-field POSIX cron expression, minute hour day-of-month month day-of-week (e.g. `0 9 * * 1-5`, weekdays at 9am); day-of-week 0 and 7 both mean Sunday. Seconds or year fields, the characters L, W, # and ?, and shortcuts such as `@daily` are not supported. Checked at preview.",
    }),
    timezone: z.string().min(1).meta({ description: "IANA time zone identifier (e.g. `America/Los_Angeles`, `UTC`) in whose wall-clock time the expression is matched. Checked at preview." }),
  })
  .superRefine((schedule, ctx) => {
    for (const failure of scheduleFailures(schedule)) ctx.addIssue({ code: "custom", path: [failure.property.split(".")[1]!], message: failure.reason });
  });

export const deploymentDefinition = z.strictObject({
  agent: z.string().min(1, "agent must be an agent id"),
  agentVersion: z.number().int().min(1).optional(),
  environmentId: z.string().min(1),
  name: z.string().min(1, "name must not be empty"),
  description: z.string().optional(),
  metadata: metadataInput.optional(),
  initialEvents: z
    .array(initialEventInput)
    .min(1, "a run starts its session with these events: give at least one")
    .max(MAX_INITIAL_EVENTS, `at most ${MAX_INITIAL_EVENTS} initial events`),
  schedule: scheduleInput.optional(),
  budget: budgetInput.optional(),
  vaultIds: z.array(z.string().min(1)).max(50, "at most 50 vaults").optional(),
  resources: z.array(mountedResource).max(500, "at most 500 resources").optional(),
  paused: z.boolean().optional(),
});

export const deploymentInputs = deploymentDefinition;

export type DeploymentInputs = z.infer<typeof deploymentInputs>;
type Sent = Omit<DeploymentInputs, "agent" | "agentVersion" | "paused">;
export type DeploymentAgentParam = string | { type: "agent"; id: string; version: number };
export type DeploymentCreateBody = ApiCased<Sent> & { agent: DeploymentAgentParam };
export type DeploymentUpdateBody = {
  agent?: DeploymentAgentParam;
  name?: string;
  description?: string | null;
  environment_id?: string;
  metadata?: Record<string, string | null>;
  initial_events?: ApiCased<Sent["initialEvents"]>;
  schedule?: ApiCased<NonNullable<Sent["schedule"]>> | null;
  budget?: ApiCased<NonNullable<Sent["budget"]>> | null;
  vault_ids?: string[] | null;
  resources?: ApiCased<NonNullable<Sent["resources"]>> | null;
};

// ---------------------------------------------------------------------------------------------
// Outputs

export const resolvedDeployment = z.object({
  agent: z.string(),
  agentVersion: z.number().int(),
  environmentId: z.string(),
  name: z.string(),
  description: z.string().nullable(),
  metadata: z.record(z.string(), z.string()),
  initialEvents: z.array(z.looseObject({ type: z.string() })),
  schedule: z.looseObject({ type: z.string() }).nullable(),
  budget: z.looseObject({ type: z.string() }).nullable(),
  vaultIds: z.array(z.string()),
  resources: z.array(z.looseObject({ type: z.string() })),
  paused: z.boolean(),
});
export type ResolvedDeployment = z.infer<typeof resolvedDeployment>;

export const deploymentRunOutput = z
  .object({
    id: z.string().meta({ description: "The run's id (`drun_…`)." }),
    createdAt: z.string().meta({ description: "RFC 3339 time the run was recorded." }),
    agentVersion: z.number().int().meta({ description: "The agent version the run started on." }),
    sessionId: z.string().nullable().meta({ description: "The session the run created; null when the run failed (then `error` is set)." }),
    trigger: z.string().meta({ description: "What started the run: `schedule` (the cron schedule) or `manual`." }),
    error: z
      .looseObject({
        type: z.string().meta({ description: "The error's kind, e.g. `environment_archived_error`, `vault_not_found_error` or `session_rate_limited_error`." }),
      })
      .nullable()
      .meta({ description: "Why the run created no session, as the API reports it (`{ type, message }`); null on success." }),
  })
  .meta({ description: "One run of the deployment: the session it created, or the error that prevented one." });

export const deploymentOutputs = z.object({
  agentId: z.string(),
  agentVersion: z.number().int(),
  pinned: z.boolean(),
  status: z.string(),
  pausedReason: z
    .looseObject({
      type: z.string().meta({ description: "`manual` (the pause endpoint was called) or `error` (a failed scheduled run paused it; `error` is that run's error)." }),
    })
    .nullable(),
  upcomingRunsAt: z.array(z.string()),
  lastRunAt: z.string().nullable(),
  latestRuns: z.array(deploymentRunOutput),
  ...timestamps,
  resolved: resolvedDeployment,
});
export type DeploymentOutputs = z.infer<typeof deploymentOutputs>;

/** How many runs the `latestRuns` output keeps. */
export const LATEST_RUNS = 5;

// ---------------------------------------------------------------------------------------------
// The spec

const clears = { removal: "clears" } as const;

export const deploymentSpec = defineSpec({
  kind: "Deployment",
  refusesDrift: true,
  summary:
    "An agent run on a cron schedule or on demand (`runDeployment`), each run a new session. Pinned like a `Session` (`agentVersion: agent.version` follows the agent), but a new agent version is applied **in place**: the same deployment, one update call. Everything updates in place; `paused` maps to the pause / unpause endpoints. Deployments have no versions: an update first compares the deployment with what Pulumi last saw and fails, naming the fields, if it was changed outside Pulumi. A cron schedule the API would refuse fails the preview. Destroy archives it.",
  inputs: deploymentInputs,
  updateText: "update in place",
  fields: {
    agent: field.update({ text: "The agent's id (e.g. `agent.id`).", type: "agent id (`agent.id`)", change: "sent as `agent` (with `agentVersion` when pinned)" }),
    agentVersion: field.update(
      {
        text: "Pin the deployment to this agent version. Pass `agent.version` to **follow the agent**: when the agent changes, the deployment is updated in place to its new version (unlike a session, which is replaced). Omit it and the deployment keeps the version it was created with.",
        type: "number (`agent.version` to follow the agent)",
        change: "sent as `agent: { type: \"agent\", id, version }`; removing it keeps the current version",
      },
      { removal: "keeps" },
    ),
    environmentId: field.update({ text: "The environment runs start in (e.g. `environment.id`).", type: "environment id (`environment.id`)" }),
    name: field.update({ text: "Human-readable name.", type: "string" }),
    description: field.update({ text: "Description.", type: "string" }, clears),
    metadata: metadataField(),
    initialEvents: field.update(
      {
        text: "The events each run's session starts with (at least one, at most 50): `user.message` (content blocks `text`, `image`, `document` and `redacted`, as `Session.initialEvents`), `system.message` (text content) and `user.define_outcome` (`maxIterations` at most 20).",
        type: "list of `user.message`, `system.message`, `user.define_outcome` events",
        change: "full replacement",
      },
    ),
    schedule: field.update(
      {
        text: "`{ type: \"cron\", expression, timezone }`: a five-field cron expression (minute hour day-of-month month day-of-week) in an IANA time zone. Checked at preview as the API checks it. Omit for on-demand runs only.",
        type: '`{ type: "cron", expression, timezone }`',
      },
      clears,
    ),
    budget: field.update(
      { text: 'Spend limit of each run\'s session `{ type: "limit", maxListCost: { amount: "2500", currency?: "USD" } }` (minor units).', type: '`{ type: "limit", maxListCost }`' },
      clears,
    ),
    vaultIds: field.update({ text: "Vaults with credentials for MCP servers.", type: "list of vault ids", change: "full replacement" }, clears),
    resources: field.update(
      {
        text: "Resources mounted in each run's session, as `Session.resources`. A GitHub `authorizationToken` is write-only: state keeps only a hash of it.",
        type: "as `Session.resources`",
        change: "full replacement",
      },
      { ...clears, writeOnly: MOUNTED_RESOURCE_SECRETS },
    ),
    paused: field.update(
      {
        text: "`true` pauses the schedule (`POST /v1/deployments/{id}/pause`), `false` resumes it (`/unpause`). Omit to leave it as it is.",
        type: "boolean",
        change: "pause / unpause; removing it keeps the current state",
      },
      { removal: "keeps", serverDefault: false },
    ),
  },
  outputs: deploymentOutputs,
  outputDocs: {
    agentId: "The agent the deployment runs.",
    agentVersion: "The agent version each run starts on (the pin, when there is one).",
    pinned: "Whether the deployment is pinned (`agentVersion` was given).",
    status: "`active` or `paused`, as of the last `up` or refresh.",
    pausedReason: "Why it is paused (`{ type: \"manual\" }`, or `{ type: \"error\", error }` when the API paused it); null while active.",
    upcomingRunsAt: "The next scheduled run times (RFC 3339), as of the last `up` or refresh.",
    lastRunAt: "When the schedule last ran; null before the first scheduled run.",
    latestRuns: `The newest runs (at most ${LATEST_RUNS}, newest first) as of the last \`up\` or refresh: \`{ id, createdAt, agentVersion, sessionId, trigger, error }\`.`,
    ...timestampDocs("deployment"),
    resolved: "The deployment's fields as the API stores them (what refresh compares).",
  },
});

// ---------------------------------------------------------------------------------------------
// check

/** A schedule the API would refuse, field by field (values unknown during preview are left alone). */
export function scheduleFailures(schedule: { expression: string; timezone: string } | undefined): CheckFailure[] {
  if (!schedule) return [];
  const failures: CheckFailure[] = [];
  if (!containsUnknown(schedule.expression)) {
    for (const reason of cronProblems(schedule.expression)) failures.push({ property: "schedule.expression", reason });
  }
  if (!containsUnknown(schedule.timezone) && !isTimeZone(schedule.timezone)) {
    failures.push({ property: "schedule.timezone", reason: `${quote(schedule.timezone)} is not an IANA time zone name (e.g. "UTC", "Europe/Paris")` });
  }
  return failures;
}

// ---------------------------------------------------------------------------------------------
// Body builders (pure)

export function agentParam(inputs: Pick<DeploymentInputs, "agent" | "agentVersion">): DeploymentAgentParam {
  return inputs.agentVersion !== undefined ? { type: "agent", id: inputs.agent, version: inputs.agentVersion } : inputs.agent;
}

/** The create body; the kit stamps it with the create token (kit/create.ts). */
export function buildDeploymentCreateBody(inputs: DeploymentInputs): DeploymentCreateBody & { metadata: Record<string, string> } {
  const { agent: _a, agentVersion: _v, paused: _p, ...rest } = inputs;
  return { ...apiCased(rest), agent: agentParam(inputs), metadata: inputs.metadata ?? {} };
}

const BY_AGENT = new Set(["agent", "agentVersion"]);

/**
 * The in-place part of a change, for the update endpoint: what changed, with `agent` (id and
 * version together) whenever either changed. `paused` goes to pause / unpause instead. Null when
 * the update endpoint has nothing to do.
 */
export function buildDeploymentUpdateBody(olds: State<DeploymentInputs, DeploymentOutputs>, change: Change<DeploymentInputs>): DeploymentUpdateBody | null {
  const rest = change.changes.filter((c) => !BY_AGENT.has(c.field) && c.field !== "paused");
  const body: DeploymentUpdateBody = buildPatch<DeploymentUpdateBody>(deploymentSpec, olds.inputs, change.inputs, rest) ?? {};
  if (change.changes.some((c) => BY_AGENT.has(c.field) && c.effect === "update")) body.agent = agentParam(change.inputs);
  return Object.keys(body).length === 0 ? null : body;
}

// ---------------------------------------------------------------------------------------------
// Outputs and drift

export function resolvedDeploymentView(api: ApiDeployment): ResolvedDeployment {
  const schedule = api.schedule ? { type: api.schedule.type, expression: api.schedule.expression, timezone: api.schedule.timezone } : null;
  return resolvedDeployment.parse({
    agent: api.agent.id,
    agentVersion: api.agent.version,
    environmentId: api.environment_id,
    name: api.name,
    description: api.description ?? null,
    metadata: userMetadata(api.metadata),
    initialEvents: fromApiCase(api.initial_events ?? []),
    schedule,
    budget: fromApiCase(api.budget ?? null),
    vaultIds: api.vault_ids ?? [],
    resources: fromApiCase(api.resources ?? []),
    paused: api.status === "paused",
  });
}

function asDeclared(name: string, value: unknown): unknown {
  // `paused: false` is what a live deployment is; declared or not, it is no change.
  if (name === "paused") return value === true ? true : undefined;
  return emptyAsAbsent(value);
}

function runOutput(run: ApiDeploymentRun): z.infer<typeof deploymentRunOutput> {
  return {
    id: run.id,
    createdAt: run.created_at,
    agentVersion: run.agent.version,
    sessionId: run.session_id,
    trigger: run.trigger_context.type,
    error: run.error ?? null,
  };
}

function outputsOf(api: ApiDeployment, pinned: boolean, runs: readonly ApiDeploymentRun[]): DeploymentOutputs {
  return deploymentOutputs.parse({
    agentId: api.agent.id,
    agentVersion: api.agent.version,
    pinned,
    status: api.status,
    pausedReason: api.paused_reason ?? null,
    upcomingRunsAt: api.schedule?.upcoming_runs_at ?? [],
    lastRunAt: api.schedule?.last_run_at ?? null,
    latestRuns: runs.map(runOutput),
    createdAt: api.created_at,
    updatedAt: api.updated_at,
    archivedAt: api.archived_at ?? null,
    resolved: resolvedDeploymentView(api),
  });
}

async function latestRuns(ctx: OperationContext, operation: string, id: string): Promise<ApiDeploymentRun[]> {
  const runs: ApiDeploymentRun[] = [];
  for await (const run of deployments.runs.list(ctx, `${operation} (its latest runs)`, { deployment_id: id }, LATEST_RUNS)) {
    runs.push(run);
    if (runs.length >= LATEST_RUNS) break;
  }
  return runs;
}

/** The deployment as state would record it had Pulumi made it from `inputs`. */
function stateOf(api: ApiDeployment, inputs: DeploymentInputs): State<DeploymentInputs, DeploymentOutputs> {
  const state = stateFromApi<DeploymentInputs, DeploymentOutputs>({
    spec: deploymentSpec,
    api,
    resolved: resolvedDeploymentView(api),
    asDeclared,
    outputs: outputsOf(api, inputs.agentVersion !== undefined, []),
  });
  const { agentVersion: _running, ...fromServer } = state.inputs;
  return {
    ...state,
    inputs: {
      ...fromServer,
      ...(inputs.agentVersion !== undefined ? { agentVersion: api.agent.version } : {}),
      // Tokens are not readable back: the create stamp vouches for them.
      ...(inputs.resources !== undefined ? { resources: inputs.resources } : {}),
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Hooks

const label = (inputs: Partial<DeploymentInputs>, id?: string) => labelOf("deployment", inputs.name, id);

const creatable: Creatable<ApiDeployment> = { endpoints: deployments };

/** The kit's lifecycle parts a deployment shares (kit/lifecycle.ts): its checked write and its archive. */
const lifecycle = objectLifecycle({
  spec: deploymentSpec,
  noun: "deployment",
  endpoints: deployments,
  label,
  view: resolvedDeploymentView,
  asDeclared,
  outputs: (api: ApiDeployment) => outputsOf(api, false, []),
  // Archiving an archived deployment is refused; the deployment is read to confirm it is.
  destroy: { default: "archive", alreadyArchived: "confirm" },
});

/** Pauses or resumes when the declared `paused` differs from the deployment's status. */
async function applyPaused(ctx: OperationContext, operation: string, id: string, paused: boolean | undefined, api: ApiDeployment): Promise<ApiDeployment> {
  if (paused === undefined || paused === (api.status === "paused")) return api;
  return paused ? deployments.pause(ctx, `${operation} (pause)`, id) : deployments.unpause(ctx, `${operation} (unpause)`, id);
}

async function updateDeployment(
  ctx: OperationContext,
  id: string,
  olds: State<DeploymentInputs, DeploymentOutputs>,
  change: Change<DeploymentInputs>,
): Promise<Partial<DeploymentOutputs>> {
  const inputs = change.inputs;
  const operation = `update ${label(inputs, id)}`;
  const body = buildDeploymentUpdateBody(olds, change);
  const pausing = change.changes.some((c) => c.field === "paused");
  if (!body && !pausing) return olds.outputs;
  let api: ApiDeployment | undefined;
  if (body) api = await lifecycle.checkedWrite(ctx, operation, id, olds, change, body);
  if (pausing) {
    api ??= await deployments.retrieve(ctx, `${operation} (reading its status)`, id);
    if (!api) throw new Error(`${operation}: the deployment no longer exists; run \`pulumi refresh\``);
    api = await applyPaused(ctx, operation, id, inputs.paused, api);
  }
  return outputsOf(api!, inputs.agentVersion !== undefined, await latestRuns(ctx, operation, id));
}

async function settle(ctx: OperationContext, api: ApiDeployment, inputs: DeploymentInputs, unrecordedStamp?: string): Promise<{ id: string; outputs: DeploymentOutputs } | undefined> {
  const taken = await takeOver({
    spec: deploymentSpec,
    ctx,
    id: api.id,
    current: stateOf(api, inputs),
    inputs,
    update: updateDeployment,
    ...(unrecordedStamp ? { unrecordedStamp } : {}),
  });
  if (taken.kind === "incompatible") return undefined;
  return { id: api.id, outputs: { ...outputsOf(api, inputs.agentVersion !== undefined, []), ...taken.outputs } };
}

export const deploymentResource = defineResource(deploymentSpec, {
  async create(ctx, inputs, identity) {
    const operation = `create ${label(inputs)}`;
    const pinned = inputs.agentVersion !== undefined;
    let made: ApiDeployment | undefined;
    const result = await createOrAdopt({
      ctx,
      operation,
      creatable,
      identity,
      body: buildDeploymentCreateBody(inputs),
      adopt: (found) => settle(ctx, found, inputs, stampText(identity)),
      dispose: (found) => lifecycle.remove(ctx, found.id, stateOf(found, inputs)),
      outputs: (api) => {
        made = api;
        return outputsOf(api, pinned, []);
      },
    });
    // Taken over through an update: that already paused or resumed it.
    if (made === undefined) return result;
    const api = await applyPaused(ctx, operation, result.id, inputs.paused, made);
    return { id: result.id, outputs: outputsOf(api, pinned, await latestRuns(ctx, operation, result.id)) };
  },

  async read(ctx, id, state) {
    const operation = `read ${label(state.inputs, id)}`;
    const api = await deployments.retrieve(ctx, operation, id);
    if (!api || api.archived_at) return undefined;
    const pinned = state.outputs.pinned ?? state.inputs.agentVersion !== undefined;
    const inputs = refreshedInputs(deploymentSpec, state, resolvedDeploymentView(api), asDeclared);
    // An unpinned deployment's version is not a pin: refresh must not turn it into one.
    if (!pinned) delete inputs.agentVersion;
    return { inputs, outputs: outputsOf(api, pinned, await latestRuns(ctx, operation, id)) };
  },

  update: updateDeployment,

  delete: lifecycle.remove,
});
