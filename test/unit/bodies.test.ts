// A create body carries what the API stores and nothing else: the provider's options and create-only
// inputs (derived from each spec) never reach the API, which would refuse an unknown field.
import { snakeCase } from "../../provider/casing";
import { apiFieldNames, fieldNames, type ResourceSpec } from "../../provider/kit/spec";
import type { Props } from "../../provider/kit/values";
import { agentSpec, buildAgentCreateBody } from "../../provider/resources/agent";
import { buildEnvironmentCreateBody, environmentSpec } from "../../provider/resources/environment";
import { buildSessionCreateBody, sessionSpec } from "../../provider/resources/session";

const cases: Array<[ResourceSpec, Props, (inputs: never) => object]> = [
  [agentSpec, { name: "n", model: "m", adoptId: "agent_01x" }, buildAgentCreateBody],
  [environmentSpec, { name: "e", onDestroy: "archive", adoptId: "env_01x" }, buildEnvironmentCreateBody],
  [sessionSpec, { agent: "agent_1", environmentId: "env_1", whenRunning: "interrupt", waitTimeoutSeconds: 5, onDestroy: "delete" }, buildSessionCreateBody],
];

it.each(cases.map(([spec, inputs, build]) => [spec.kind, spec, inputs, build] as const))("%s: no option or create-only input in the create body", (_kind, spec, inputs, build) => {
  const notSent = fieldNames(spec).filter((f) => !apiFieldNames(spec).includes(f));
  // The sample sets every such input, so a new one added to the spec must be added here too.
  expect(notSent.filter((f) => !(f in inputs))).toEqual([]);
  const keys = Object.keys(build(inputs as never));
  for (const f of notSent) {
    expect(keys).not.toContain(f);
    expect(keys).not.toContain(snakeCase(f));
  }
});
