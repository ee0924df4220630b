// `listAgentVersions`: an agent's version history, read in the caller's process.
import { listAgentVersions } from "../../sdk/agent-versions";
import { agentResource } from "../../provider/resources/agent";
import { checkAndCreate, checkAndUpdate, sdkInputs, TEST_KEY, useEmulator } from "../helpers";

const env = useEmulator();

it("lists every version, newest first, camelCased, without the provider's metadata; one GET per page", async () => {
  const made = await checkAndCreate(agentResource, env.ctx(), sdkInputs("Agent", { name: "v", model: "claude-sonnet-4-6", system: "one", metadata: { team: "a" } }));
  await checkAndUpdate(agentResource, env.ctx(), made.id, made, sdkInputs("Agent", { name: "v", model: "claude-sonnet-4-6", system: "two", metadata: { team: "a" } }));
  env.emulator.resetCounts();
  const versions = await listAgentVersions(made.id, { apiKey: TEST_KEY, baseUrl: env.emulator.url });
  expect(versions.map((v) => [v.version, v.system])).toEqual([
    [2, "two"],
    [1, "one"],
  ]);
  expect(versions[0]!.metadata).toEqual({ team: "a" });
  expect(versions[0]!.model).toEqual({ id: "claude-sonnet-4-6", speed: "standard", effort: { type: "high" } });
  expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/agents/${made.id}/versions`]);
});

it("names the agent, the status and the request id when it does not exist; never the key", async () => {
  const error = (await listAgentVersions("agent_01missing", { apiKey: TEST_KEY, baseUrl: env.emulator.url }).catch((e: unknown) => e)) as Error;
  expect(error.message).toMatch(/^list the versions of agent agent_01missing: GET \/v1\/agents\/agent_01missing\/versions.* HTTP 404.*request-id: req_/);
  expect(error.message).not.toContain(TEST_KEY);
});
