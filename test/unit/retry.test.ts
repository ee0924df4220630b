// The retry policy as tables and properties, and the client's retries, rate-limit gate and error
// classification against the emulator on a virtual clock (sleeps move time, nothing really waits).
import fc from "fast-check";
import { z } from "zod";
import { ConflictError, ConnectionError, isAmbiguousFailure, RateLimitError, ResponseShapeError } from "../../provider/client/errors";
import { ApiClient } from "../../provider/client/http-client";
import { RateGate } from "../../provider/client/rate-gate";
import {
  backoffDelayMs,
  classifyResponse,
  DEFAULT_RETRY_POLICY,
  jitteredWaitMs,
  planRetry,
  serverRequestedDelayMs,
} from "../../provider/client/retry";
import { parseBaseUrl } from "../../provider/config";
import { OperationContext } from "../../provider/kit/context";
import { startEmulator, type Emulator } from "../../emulator/server";
import { instantClock, LIST_AGENTS } from "../helpers";

describe("classifyResponse", () => {
  it.each([
    [408, {}, undefined, undefined, "retry"],
    [429, {}, "rate_limit_error", undefined, "rate-limited"],
    [500, {}, "api_error", undefined, "retry"],
    [503, {}, "api_error", undefined, "retry"],
    [529, {}, "overloaded_error", undefined, "rate-limited"],
    [400, {}, "invalid_request_error", undefined, "fail"],
    [404, {}, "not_found_error", undefined, "fail"],
    [409, {}, "invalid_request_error", undefined, "fail"],
    [409, { "x-should-retry": "true" }, "invalid_request_error", undefined, "fail"],
    [400, { "x-should-retry": "true" }, "invalid_request_error", undefined, "retry"],
    [500, { "x-should-retry": "false" }, "api_error", undefined, "fail"],
    [429, {}, "rate_limit_error", "enforced_spend_limit_reached", "fail"],
    [429, { "x-should-retry": "true" }, "rate_limit_error", "contract_spend_limit_reached", "fail"],
    [402, {}, "billing_error", undefined, "fail"],
  ])("status %d headers %j type %s code %s -> %s", (status, headers, errorType, errorCode, expected) => {
    expect(classifyResponse({ status, headers, errorType, errorCode })).toBe(expected);
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
    [{ "retry-after": "Mon, 23 Nov 2026 11:59:00 GMT" }, undefined],
    [{ "retry-after": "0" }, undefined],
    [{ "retry-after-ms": "0", "retry-after": "2" }, 2000],
    [{ "retry-after": "soon" }, undefined],
    [{}, undefined],
  ])("%j -> %s", (headers, expected) => {
    expect(serverRequestedDelayMs(headers, now)).toBe(expected);
  });
});

describe("backoff and jitter", () => {
  it("doubles from the initial delay up to the cap, jitter taking at most 25%", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (n, r) => {
        const base = Math.min(500 * 2 ** (n - 1), 8000);
        const d = backoffDelayMs(n, DEFAULT_RETRY_POLICY, () => r);
        return d <= base && d >= Math.floor(base * 0.75);
      }),
    );
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelayMs(n, DEFAULT_RETRY_POLICY, () => 0))).toEqual([500, 1000, 2000, 4000, 8000, 8000]);
  });

  it("never waits less than the server asked, and spreads waiters over up to a quarter more plus 250 ms (property)", () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 120_000 }), fc.double({ min: 0, max: 0.999999, noNaN: true }), (asked, r) => {
        const wait = jitteredWaitMs(asked, () => r);
        return wait >= asked && wait <= asked * 1.25 + 250 + 1;
      }),
    );
    // Requests held by one pause come back at different times.
    expect(new Set([0.1, 0.5, 0.9].map((r) => jitteredWaitMs(1000, () => r))).size).toBe(3);
  });

  it("plans retries until the deadline, not up to an attempt count; refused connections get a few tries only", () => {
    const base = { policy: DEFAULT_RETRY_POLICY, now: 1_000, random: () => 0, headers: {} };
    expect(planRetry({ ...base, retryNumber: 1, verdict: "retry", deadline: 10_000 })).toEqual({ retry: true, delayMs: 500 });
    expect(planRetry({ ...base, retryNumber: 50, verdict: "retry", deadline: 1e9 })).toEqual({ retry: true, delayMs: 8000 });
    expect(planRetry({ ...base, retryNumber: 1, verdict: "retry", headers: { "retry-after": "20" }, deadline: 10_000 })).toEqual({
      retry: false,
      delayMs: 20_000,
      requestedMs: 20_000,
    });
    expect(planRetry({ ...base, retryNumber: 4, verdict: "refused", deadline: 1e9 }).retry).toBe(true);
    expect(planRetry({ ...base, retryNumber: 5, verdict: "refused", deadline: 1e9 }).retry).toBe(false);
  });
});

describe("ApiClient against the emulator", () => {
  let emulator: Emulator;
  const contexts: OperationContext[] = [];
  beforeAll(async () => {
    emulator = await startEmulator();
  });
  afterAll(() => emulator.stop());
  beforeEach(() => {
    emulator.clearFaults();
    emulator.resetCounts();
  });
  afterEach(() => contexts.splice(0).forEach((c) => c.dispose()));

  function setup(timeoutMs: number, options: { gate?: RateGate; attemptTimeoutMs?: number; realTime?: boolean } = {}) {
    const clock = instantClock();
    const client = new ApiClient({
      settings: { apiKey: "k", baseUrl: parseBaseUrl(emulator.url), workspaceId: undefined },
      gate: options.gate ?? new RateGate(),
      ...(options.attemptTimeoutMs ? { attemptTimeoutMs: options.attemptTimeoutMs } : {}),
    });
    const ctx = new OperationContext(client, { timeoutMs, ...(options.realTime ? {} : { clock }) });
    contexts.push(ctx);
    return { client, ctx, waits: clock.slept };
  }
  const list = LIST_AGENTS;
  const create = { ...list, operation: "create agent", method: "POST" as const, body: { name: "a", model: "m" }, retry: "rejected-only" as const, schema: z.unknown() };

  it("waits what retry-after-ms and retry-after ask (a 429 a little more, spread), then succeeds", async () => {
    const { client, ctx, waits } = setup(60_000);
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 429, headers: { "retry-after-ms": "1500" } });
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 503, headers: { "retry-after": "2" } });
    await expect(client.request(ctx, list)).resolves.toEqual({ data: [] });
    expect(waits).toEqual([jitteredWaitMs(1500, () => 0.5), 2000]);
    expect(emulator.count("GET", "/v1/agents")).toBe(3);
  });

  it("60 consecutive 429s: the operation still succeeds, within its deadline", async () => {
    const { client, ctx, waits } = setup(5 * 60_000);
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 429, headers: { "retry-after": "1" }, times: 60 });
    await expect(client.request(ctx, list)).resolves.toEqual({ data: [] });
    expect(emulator.count("GET", "/v1/agents")).toBe(61);
    expect(waits).toHaveLength(60);
  });

  it("gives up when the server's wait would pass the deadline, saying how long it asked for", async () => {
    const { client, ctx, waits } = setup(5_000);
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 429, headers: { "retry-after": "30" }, times: 5 });
    const error = await client.request(ctx, list).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(RateLimitError);
    expect((error as Error).message).toContain("the API asked to wait 30 s before retrying, past this operation's deadline");
    expect(waits).toEqual([]);
    expect(emulator.count()).toBe(1);
  });

  it("one 429 pauses every request to that host in the process, not only its own", async () => {
    const gate = new RateGate();
    const a = setup(60_000, { gate });
    const b = setup(60_000, { gate });
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 429, headers: { "retry-after": "2" } });
    await a.client.request(a.ctx, list);
    // Another operation (its own virtual clock starts now, as does the pause) holds before sending.
    const before = emulator.count();
    await b.client.request(b.ctx, list);
    expect(emulator.count() - before).toBe(1);
    expect(b.waits.length).toBe(1);
    expect(b.waits[0]).toBeGreaterThan(0);
  });

  it("a refused connection is not ambiguous: a create retries it a few times, then names the POST", async () => {
    const client = new ApiClient({ settings: { apiKey: "k", baseUrl: parseBaseUrl("http://127.0.0.1:9"), workspaceId: undefined }, gate: new RateGate() });
    const ctx = new OperationContext(client, { timeoutMs: 60_000, clock: instantClock() });
    contexts.push(ctx);
    const error = await client.request(ctx, create).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ConnectionError);
    expect(isAmbiguousFailure(error)).toBe(false);
    expect((error as Error).message).toMatch(/^create agent: POST \/v1\/agents failed: could not connect \(nothing was sent\): ECONNREFUSED/);
    expect((ctx.clock as unknown as { slept: number[] }).slept).toHaveLength(DEFAULT_RETRY_POLICY.maxRefusedRetries);
  });

  it("a 408 (or a 4xx saying x-should-retry) on a create is not resent blindly: it is ambiguous, for the create to look up", async () => {
    const { client, ctx } = setup(60_000);
    emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "status", status: 408, errorType: "timeout_error" });
    const error = await client.request(ctx, create).catch((e: unknown) => e);
    expect(isAmbiguousFailure(error)).toBe(true);
    expect(emulator.count("POST", "/v1/agents")).toBe(1);
    emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "status", status: 400, headers: { "x-should-retry": "true" } });
    expect(isAmbiguousFailure(await client.request(ctx, create).catch((e: unknown) => e))).toBe(true);
    expect(emulator.count("POST", "/v1/agents")).toBe(2);
  });

  it("retry-after: 0 does not make a retry loop without pause: backoff applies", async () => {
    const { client, ctx, waits } = setup(60_000);
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 503, headers: { "retry-after": "0" }, times: 3 });
    await expect(client.request(ctx, list)).resolves.toEqual({ data: expect.any(Array) });
    // 500 ms, 1 s, 2 s, less the jitter (the test clock's random() is 0.5: an eighth off).
    expect(waits).toEqual([438, 875, 1750]);
  });

  it("a 2xx that is not JSON is ambiguous for a create (thrown at once) and retried for a read", async () => {
    const { client, ctx } = setup(60_000);
    emulator.injectFault({ method: "POST", path: "/v1/agents", kind: "commit-then-garbage" });
    const error = await client.request(ctx, create).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ResponseShapeError);
    expect(isAmbiguousFailure(error)).toBe(true);
    expect((error as Error).message).toMatch(/answered HTTP 200 with a body that is not JSON \(request-id: req_01\w+\)$/);
    expect(emulator.count("POST", "/v1/agents")).toBe(1);

    emulator.injectFault({ method: "GET", path: "/v1/agents", kind: "commit-then-garbage" });
    await expect(client.request(ctx, list)).resolves.toMatchObject({ data: expect.any(Array) });
    expect(emulator.count("GET", "/v1/agents")).toBe(2);
  });

  it("abandons a slow attempt at the per-attempt timeout and retries", async () => {
    const { client, ctx } = setup(60_000, { attemptTimeoutMs: 150 });
    emulator.injectFault({ path: "/v1/agents", kind: "delay", delayMs: 1_000 });
    await expect(client.request(ctx, list)).resolves.toEqual({ data: expect.any(Array) });
    expect(emulator.count("GET", "/v1/agents")).toBe(2);
  });

  it("reports the operation deadline when every attempt is too slow", async () => {
    const { client, ctx } = setup(400, { attemptTimeoutMs: 150, realTime: true });
    emulator.injectFault({ path: "/v1/agents", kind: "delay", delayMs: 1_000, times: 10 });
    await expect(client.request(ctx, list)).rejects.toThrow(/^list agents: GET \/v1\/agents (timed out after \d+ ms|was not sent: the operation's deadline has passed)/);
  });

  it("reuses one keep-alive connection for consecutive requests", async () => {
    const { client, ctx } = setup(60_000);
    const before = emulator.connectionsAccepted;
    for (let i = 0; i < 5; i++) await client.request(ctx, list);
    expect(emulator.connectionsAccepted - before).toBeLessThanOrEqual(1);
  });

  it("never retries a 409", async () => {
    const { client, ctx, waits } = setup(60_000);
    emulator.injectFault({ path: "/v1/agents", kind: "status", status: 409, errorType: "invalid_request_error", headers: { "x-should-retry": "true" } });
    await expect(client.request(ctx, list)).rejects.toBeInstanceOf(ConflictError);
    expect(waits).toEqual([]);
    expect(emulator.count()).toBe(1);
  });
});
