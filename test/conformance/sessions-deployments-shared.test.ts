// Sessions and deployments take the same SDK shapes (budget, mounted resources, initial events
// with their outcomes), and the emulator holds both to one set of rules (issue 18, item 3): the
// official client sees the same refusal from both for a value the API refuses, the same answer for
// one it takes, and a refused create makes nothing.
import type Anthropic from "@anthropic-ai/sdk";
import { useCheckedSdk } from "./validating-client";

const sdk = useCheckedSdk();
const SHA = "0123456789abcdef0123456789abcdef01234567";
const text = (t: string) => ({ type: "user.message" as const, content: [{ type: "text" as const, text: t }] });
const outcome = (max_iterations: number) => ({ type: "user.define_outcome" as const, description: "d", rubric: { type: "text" as const, content: "r" }, max_iterations });

let agent: string;
let environment: string;
beforeAll(async () => {
  agent = (await sdk.client.beta.agents.create({ name: "shared", model: "claude-sonnet-4-6" })).id;
  environment = (await sdk.client.beta.environments.create({ name: "shared-env" })).id;
});

type Shared = Pick<Anthropic.Beta.SessionCreateParams, "budget" | "resources" | "initial_events">;

/** Creates a session and a deployment with the same shared fields: both answers, or both refusals. */
async function both(fields: Shared, deploymentEvents: Anthropic.Beta.DeploymentCreateParams["initial_events"] = [text("go")]) {
  const session = sdk.client.beta.sessions.create({ agent, environment_id: environment, ...fields });
  const { initial_events, ...rest } = fields;
  const deployment = sdk.client.beta.deployments.create({ agent, environment_id: environment, name: "d", ...rest, initial_events: initial_events ?? deploymentEvents });
  return Promise.allSettled([session, deployment]);
}

async function refusedByBoth(fields: Shared, names: string): Promise<void> {
  const before = sdk.emulator.live();
  const [session, deployment] = await both(fields);
  for (const [kind, result] of [["session", session], ["deployment", deployment]] as const) {
    expect([kind, result.status]).toEqual([kind, "rejected"]);
    const error = (result as PromiseRejectedResult).reason as { status: number; message: string };
    expect([kind, error.status]).toEqual([kind, 400]);
    expect(error.message).toContain(names);
  }
  expect(sdk.emulator.live()).toEqual(before);
}

it.each<[string, Shared, string]>([
  ["an abbreviated commit sha", { resources: [{ type: "github_repository", url: "https://github.com/a/b", checkout: { type: "commit", sha: "abc1234" } }] }, "resources[0].checkout.sha"],
  ["an uppercase commit sha", { resources: [{ type: "github_repository", url: "https://github.com/a/b", checkout: { type: "commit", sha: SHA.toUpperCase() } }] }, "resources[0].checkout.sha"],
  ["memory-store instructions over 4,096 characters", { resources: [{ type: "memory_store", memory_store_id: "memstore_1", instructions: "x".repeat(4097) }] }, "resources[0].instructions"],
  ["a resource without its id", { resources: [{ type: "file" } as unknown as Anthropic.Beta.Sessions.BetaManagedAgentsFileResourceParams] }, "resources[0].file_id"],
  ["an outcome of 21 iterations", { initial_events: [outcome(21)] }, "initial_events[0].max_iterations"],
  ["an outcome of 0 iterations", { initial_events: [outcome(0)] }, "initial_events[0].max_iterations"],
  ["an image block without a source", { initial_events: [{ type: "user.message", content: [{ type: "image" } as unknown as Anthropic.Beta.Sessions.BetaManagedAgentsImageBlock] }] }, "initial_events[0].content[0].source"],
  ["more than 50 initial events", { initial_events: Array.from({ length: 51 }, () => text("go")) }, "initial_events"],
  ["a fractional budget amount", { budget: { type: "limit", max_list_cost: { amount: "2.50", currency: "USD" } } }, "budget"],
  ["a budget in another currency", { budget: { type: "limit", max_list_cost: { amount: "250", currency: "EUR" as "USD" } } }, "budget.max_list_cost.currency"],
])("both refuse %s, naming it, and make nothing", async (_label, fields, names) => {
  await refusedByBoth(fields, names);
});

it("both take the same valid shapes and answer them alike", async () => {
  const budget = { type: "limit" as const, max_list_cost: { amount: "2500", currency: "USD" as const } };
  const resources: Shared["resources"] = [
    { type: "github_repository", url: "https://github.com/a/b", checkout: { type: "commit", sha: SHA }, authorization_token: "ghp_secret" },
    { type: "memory_store", memory_store_id: "memstore_1", instructions: "x".repeat(4096) },
  ];
  const [session, deployment] = await both({ budget, resources, initial_events: [outcome(20)] });
  expect(session.status).toBe("fulfilled");
  expect(deployment.status).toBe("fulfilled");
  const s = (session as PromiseFulfilledResult<Anthropic.Beta.Sessions.BetaManagedAgentsSession>).value;
  const d = (deployment as PromiseFulfilledResult<Anthropic.Beta.Deployments.BetaManagedAgentsDeployment>).value;
  expect(s.budget).toEqual(budget);
  expect(d.budget).toEqual(budget);
  expect(JSON.stringify([s, d])).not.toContain("ghp_secret");
  expect(d.resources).toEqual([
    { type: "github_repository", url: "https://github.com/a/b", checkout: { type: "commit", sha: SHA } },
    { type: "memory_store", memory_store_id: "memstore_1", instructions: "x".repeat(4096) },
  ]);
  // A run mounts the deployment's resources as a session does.
  const run = await sdk.client.beta.deployments.run(d.id);
  expect(run.error).toBeNull();
  const ran = await sdk.client.beta.sessions.retrieve(run.session_id!);
  expect(ran.resources.map((r) => r.type)).toEqual(s.resources.map((r) => r.type));
});

it("a deployment's update is held to the same rules as its create", async () => {
  const d = await sdk.client.beta.deployments.create({ agent, environment_id: environment, name: "u", initial_events: [text("go")] });
  const sha = { resources: [{ type: "github_repository" as const, url: "https://github.com/a/b", checkout: { type: "commit" as const, sha: "abc1234" } }] };
  await expect(sdk.client.beta.deployments.update(d.id, sha)).rejects.toMatchObject({ status: 400 });
  await expect(sdk.client.beta.deployments.update(d.id, { initial_events: [outcome(21)] })).rejects.toMatchObject({ status: 400 });
  await expect(sdk.client.beta.deployments.update(d.id, { initial_events: [] })).rejects.toMatchObject({ status: 400 });
  expect(await sdk.client.beta.deployments.retrieve(d.id)).toEqual(d);
});

it("events.send holds an outcome to the same 20 iterations", async () => {
  const s = await sdk.client.beta.sessions.create({ agent, environment_id: environment });
  await expect(sdk.client.beta.sessions.events.send(s.id, { events: [outcome(21)] })).rejects.toMatchObject({ status: 400 });
  const sent = await sdk.client.beta.sessions.events.send(s.id, { events: [outcome(20)] });
  expect(sent.data?.[0]).toMatchObject({ type: "user.define_outcome", max_iterations: 20 });
});
