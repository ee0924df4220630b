// Retry timing with jest's fake timers: the client really sleeps (setTimeout, on the system clock)
// for what the server asked, and not a millisecond less. undici's MockAgent stands in for the
// network.
import { MockAgent } from "undici";
import { ApiClient } from "../../provider/client/http-client";
import { RateGate } from "../../provider/client/rate-gate";
import { parseBaseUrl } from "../../provider/config";
import { OperationContext } from "../../provider/kit/context";
import { LIST_AGENTS } from "../helpers";

const origin = "https://api.example.test";

function setup() {
  const agent = new MockAgent();
  agent.disableNetConnect();
  const pool = agent.get(origin);
  const api = new ApiClient({
    settings: { apiKey: "k", baseUrl: parseBaseUrl(origin), workspaceId: undefined },
    dispatcher: agent,
    gate: new RateGate(),
  });
  const ctx = new OperationContext(api, { timeoutMs: 60_000 });
  return { pool, client: { request: <T>(req: Parameters<typeof api.request<T>>[1]) => api.request(ctx, req) } };
}

const list = LIST_AGENTS;

beforeEach(() => jest.useFakeTimers({ doNotFake: ["nextTick", "setImmediate", "queueMicrotask"] }));
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

it("waits at least retry-after before the second attempt (the jitter only adds)", async () => {
  const { pool, client } = setup();
  let attempts = 0;
  pool.intercept({ path: "/v1/agents", method: "GET" }).reply(() => {
    attempts++;
    return { statusCode: 429, data: { type: "error", error: { type: "rate_limit_error", message: "slow down" } }, responseOptions: { headers: { "retry-after": "3" } } };
  });
  pool.intercept({ path: "/v1/agents", method: "GET" }).reply(() => {
    attempts++;
    return { statusCode: 200, data: { data: [] } };
  });
  jest.spyOn(Math, "random").mockReturnValue(0);
  const result = client.request(list);
  await jest.advanceTimersByTimeAsync(2_999);
  expect(attempts).toBe(1);
  await jest.advanceTimersByTimeAsync(1);
  await expect(result).resolves.toEqual({ data: [] });
  expect(attempts).toBe(2);
});

it("backs off exponentially without a retry-after header", async () => {
  const { pool, client } = setup();
  const times: number[] = [];
  const start = Date.now();
  for (let i = 0; i < 3; i++) {
    pool.intercept({ path: "/v1/agents", method: "GET" }).reply(() => {
      times.push(Date.now() - start);
      return { statusCode: 503, data: { type: "error", error: { type: "api_error", message: "busy" } } };
    });
  }
  pool.intercept({ path: "/v1/agents", method: "GET" }).reply(() => {
    times.push(Date.now() - start);
    return { statusCode: 200, data: { data: [] } };
  });
  jest.spyOn(Math, "random").mockReturnValue(0);
  const result = client.request(list);
  await jest.advanceTimersByTimeAsync(10_000);
  await expect(result).resolves.toEqual({ data: [] });
  // 500 ms, then 1 s, then 2 s (jitter pinned at 0 by Math.random).
  expect(times).toEqual([0, 500, 1_500, 3_500]);
});
