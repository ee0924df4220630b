import fc from "fast-check";
import { ApiClient } from "../../provider/client/http-client";
import { RateLimitError, ConflictError } from "../../provider/client/errors";
import { parseBaseUrl } from "../../provider/config";
import {
  backoffDelayMs,
  DEFAULT_RETRY_POLICY,
  isRetryableResponse,
  planRetry,
  serverRequestedDelayMs,
} from "../../provider/client/retry";
import { z } from "zod";
import { startEmulator, type Emulator } from "../emulator/server";

describe("isRetryableResponse", () => {
  it.each([
    [408, {}, undefined, undefined, true],
    [429, {}, "rate_limit_error", undefined, true],
    [500, {}, "api_error", undefined, true],
    [503, {}, "api_error", undefined, true],
    [529, {}, "overloaded_error", undefined, true],
    [400, {}, "invalid_request_error", undefined, false],
    [404, {}, "not_found_error", undefined, false],
    [409, {}, "invalid_request_error", undefined, false],
    [409, { "x-should-retry": "true" }, "invalid_request_error", undefined, false],
    [400, { "x-should-retry": "true" }, "invalid_request_error", undefined, true],
    [500, { "x-should-retry": "false" }, "api_error", undefined, false],
    [429, {}, "rate_limit_error", "enforced_spend_limit_reached", false],
    [429, { "x-should-retry": "true" }, "rate_limit_error", "contract_spend_limit_reached", false],
    [402, {}, "billing_error", undefined, false],
  ])("status %d headers %j type %s code %s -> %s", (status, headers, errorType, errorCode, expected) => {
    expect(isRetryableResponse({ status, headers, errorType, errorCode })).toBe(expected);
  });
});

describe("serverRequestedDelayMs", () => {
  const now = Date.parse("2026-11-23T12:00:00Z");
  it.each([
    [{ "retry-after-ms": "250" }, 250],
    [{ "retry-after-ms": "250", "retry-after": "9" }, 250],
    [{ "retry-after": "3" }, 3000],
    [{ "retry-after": "0.5" }, 500],
    [{ "retry-after": "Mon, 23 Nov 2026 12:00:07 GMT" }, 7000],
    [{ "retry-after": "Mon, 23 Nov 2026 11:59:00 GMT" }, 0],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ])("%j -> %s", (headers, expected) => {
    expect(serverRequestedDelayMs(headers, now)).toBe(expected);
  });
});

describe("backoff", () => {
  it("doubles from the initial delay up to the cap, jitter taking at most 25%", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
        const base = Math.min(500 * 2 ** (n - 1), 8000);
        const d = backoffDelayMs(n, DEFAULT_RETRY_POLICY, () => r);
        return d <= base && d >= Math.floor(base * 0.75);
      }),
    );
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, DEFAULT_RETRY_POLICY, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it("never plans a retry whose wait ends past the deadline, nor past maxRetries", () => {
    const base = { policy: DEFAULT_RETRY_POLICY, now: 1_000, random: () => 0 };
    expect(planRetry({ ...base, retryNumber: 1, headers: {}, deadline: 10_000 })).toEqual({ retry: true, delayMs: 500 });
    expect(planRetry({ ...base, retryNumber: 1, headers: { "retry-after": "20" }, deadline: 10_000 })).toEqual({ retry: false, delayMs: 20_000 });
    expect(planRetry({ ...base, retryNumber: 5, headers: {}, deadline: 1e9 })).toEqual({ retry: false, delayMs: 0 });
  });
});

describe("ApiClient retry timing (fake clock)", () => {
  let emulator: Emulator;
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => {
    emulator.clearFaults();
    emulator.resetCounts();
  });

  function fakeClockClient(operationTimeoutMs: number) {
    let clock = 0;
    const waits: number[] = [];
    const client = new ApiClient({
      settings: { apiKey: "k", baseUrl: parseBaseUrl(emulator.url), workspaceId: undefined },
      operationTimeoutMs,
      now: () => clock,
      sleep: async (ms) => {
        waits.push(ms);
        clock += ms;
      },
    });
    return { client, waits };
  }
  const list = { operation: "list agents", method: "GET" as const, path: "/v1/agents", schema: z.object({ data: z.array(z.unknown()) }) };

  it("waits exactly what retry-after-ms and retry-after ask, then succeeds", async () => {
    const { client, waits } = fakeClockClient(60_000);
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 429, headers: { "retry-after-ms": "1500" } });
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 503, headers: { "retry-after": "2" } });
    await expect(client.request(list)).resolves.toEqual({ data: [] });
    expect(waits).toEqual([1500, 2000]);
    expect(emulator.count("GET", "/v1/agents")).toBe(3);
  });

  it("gives up with the last error rather than wait past the operation deadline", async () => {
    const { client, waits } = fakeClockClient(5_000);
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 429, headers: { "retry-after": "10" }, times: 5 });
    await expect(client.request(list)).rejects.toBeInstanceOf(RateLimitError);
    expect(waits).toEqual([]);
    expect(emulator.count()).toBe(1);
  });

  it("abandons a slow attempt at the per-attempt timeout and retries", async () => {
    const client = new ApiClient({
      settings: { apiKey: "k", baseUrl: parseBaseUrl(emulator.url), workspaceId: undefined },
      attemptTimeoutMs: 150,
      sleep: async () => undefined,
    });
    emulator.injectFault({ path: "/v1/agents", kind: "delay", delayMs: 1_000 });
    await expect(client.request(list)).resolves.toEqual({ data: [] });
    expect(emulator.count("GET", "/v1/agents")).toBe(2);
  });

  it("reports the operation deadline when every attempt is too slow", async () => {
    const client = new ApiClient({
      settings: { apiKey: "k", baseUrl: parseBaseUrl(emulator.url), workspaceId: undefined },
      attemptTimeoutMs: 150,
      operationTimeoutMs: 400,
      sleep: async () => undefined,
    });
    emulator.injectFault({ path: "/v1/agents", kind: "delay", delayMs: 1_000, times: 10 });
    await expect(client.request(list)).rejects.toThrow(/^list agents: GET \/v1\/agents timed out after \d+ ms/);
  });

  it("reuses one keep-alive connection for consecutive requests", async () => {
    const client = new ApiClient({ settings: { apiKey: "k", baseUrl: parseBaseUrl(emulator.url), workspaceId: undefined } });
    const before = emulator.connectionsAccepted;
    for (let i = 0; i < 5; i++) await client.request(list);
    expect(emulator.connectionsAccepted - before).toBeLessThanOrEqual(1);
  });

  it("never retries a 409", async () => {
    const { client, waits } = fakeClockClient(60_000);
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 409, errorType: "invalid_request_error", headers: { "x-should-retry": "true" } });
    await expect(client.request(list)).rejects.toBeInstanceOf(ConflictError);
    expect(waits).toEqual([]);
    expect(emulator.count()).toBe(1);
  });
});
