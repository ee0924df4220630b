// The committed SDK schemas are what `npm run sdk-schemas` writes from the installed SDK, and the
// validator that reads them catches what a fidelity check must catch.
import { readFileSync } from "node:fs";
import { schemaFileText } from "../../tools/sdk-schemas";
import { bodySchema, routeFor, SCHEMA_FILE, schemaFile, validate } from "./schema-validator";

it("sdk-schemas.json is up to date with the installed SDK (run `npm run sdk-schemas`)", () => {
  expect(readFileSync(SCHEMA_FILE, "utf8")).toBe(schemaFileText());
});

const ref = (name: string) => ({ $ref: `#/$defs/${name}` });

describe("validate", () => {
  const idle = { id: "sevt_1", type: "session.status_idle", processed_at: "2026-01-01T00:00:00Z" };

  it.each([
    ["a missing required field", idle, ["$.stop_details: required by the SDK type, missing", "$.stop_reason: required by the SDK type, missing"]],
    ["a field the SDK does not declare", { ...idle, stop_reason: { type: "end_turn" }, stop_details: null, extra: 1 }, ["$.extra: not in the SDK type"]],
    ["a wrong tag inside a union", { ...idle, stop_reason: { type: "finished" }, stop_details: null }, ["$.stop_reason: matches none of 5 alternatives"]],
    ["a wrong primitive", { ...idle, id: 7, stop_reason: { type: "end_turn" }, stop_details: null }, ["$.id: expected string, got number"]],
  ])("reports %s", (_, value, expected) => {
    const problems = validate(ref("BetaManagedAgentsSessionStatusIdleEvent"), value);
    expect(problems.map((p) => p.replace(/ \(.*\)$/, ""))).toEqual(expected);
  });

  it("accepts a valid event, and checks a union member by its type tag", () => {
    expect(validate(ref("BetaManagedAgentsSessionEvent"), { ...idle, stop_reason: { type: "end_turn" }, stop_details: null })).toEqual([]);
    expect(validate(ref("BetaManagedAgentsSessionEvent"), { ...idle, stop_details: null })).toEqual([
      "$.stop_reason: required by the SDK type, missing",
    ]);
  });

  it("checks pages: items, next_page, and prev_page where the cursor is bidirectional", () => {
    const sessions = routeFor("GET", "/v1/sessions")!;
    expect(sessions.sdkMethod).toBe("beta.sessions.list");
    expect(validate(bodySchema(sessions.response)!, { data: [], next_page: null })).toEqual(["$.prev_page: required by the SDK type, missing"]);
    const agents = routeFor("GET", "/v1/agents")!;
    expect(validate(bodySchema(agents.response)!, { data: [{}], next_page: null })[0]).toMatch(/^\$\.data\[0\]\.\w+: required/);
  });
});

it("the route table knows every endpoint of the surface, literal segments before parameters", () => {
  expect(schemaFile().routes.length).toBeGreaterThanOrEqual(100);
  expect(routeFor("GET", "/v1/environments/env_1/work/poll")!.sdkMethod).toBe("beta.environments.work.poll");
  expect(routeFor("GET", "/v1/environments/env_1/work/work_1")!.sdkMethod).toBe("beta.environments.work.retrieve");
  expect(routeFor("GET", "/v1/sessions/sesn_1/events/stream")!.response).toHaveProperty("stream");
  expect(routeFor("GET", "/v1/tunnels/tnl_1")!.beta).toBe("mcp-tunnels-2026-06-22");
  expect(routeFor("GET", "/v1/nothing")).toBeUndefined();
});
