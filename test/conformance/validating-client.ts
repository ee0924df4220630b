// The official SDK client with a fetch that checks every 2xx answer against the SDK's own types
// (sdk-schemas.json): JSON bodies whole, event streams event by event. A test file collects the
// problems and asserts there are none once all its calls are made.
import Anthropic, { type ClientOptions } from "@anthropic-ai/sdk";
import { startEmulator, type Emulator } from "../../emulator/server";
import { bodySchema, routeFor, validate } from "./schema-validator";

/** The key the SDK-driven suites' emulator accepts (as a bearer token). */
export const SDK_TEST_KEY = "sk-ant-sdk-test";

export interface ValidatingClient {
  client: Anthropic;
  /** `<METHOD> <path> (<sdk method>): <path in body>: <problem>`, one per mismatch. */
  problems: string[];
  /** The SDK methods whose answers were checked. */
  checked: Set<string>;
}

/**
 * The stream as it passes to the SDK, each server-sent event's data checked on the way. (A tee
 * would not do: cancelling one branch waits for the other, so the SDK's `break` would hang.)
 */
function checkedStream(body: ReadableStream<Uint8Array>, schema: Record<string, unknown>, report: (p: string) => void): ReadableStream<Uint8Array> {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  const inspect = (chunk: Uint8Array) => {
    buffer += decoder.decode(chunk, { stream: true });
    let end;
    while ((end = buffer.indexOf("\n\n")) >= 0) {
      const data = buffer
        .slice(0, end)
        .split("\n")
        .filter((l) => l.startsWith("data:"))
        .map((l) => l.slice(5).trimStart())
        .join("\n");
      buffer = buffer.slice(end + 2);
      if (data !== "") for (const p of validate(schema, JSON.parse(data))) report(p);
    }
  };
  return new ReadableStream<Uint8Array>({
    async pull(controller) {
      const { done, value } = await reader.read();
      if (done) return controller.close();
      inspect(value);
      controller.enqueue(value);
    },
    cancel: (reason) => reader.cancel(reason),
  });
}

export function validatingClient(baseURL: string, options: ClientOptions = {}): ValidatingClient {
  const problems: string[] = [];
  const checked = new Set<string>();
  const checkingFetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const res = await fetch(input, init);
    if (res.status < 200 || res.status >= 300) return res;
    const url = new URL(typeof input === "string" || input instanceof URL ? input : input.url);
    // The SDK fetches `data:` URLs of its own (building upload bodies): not answers of the API.
    if (url.protocol !== "http:" && url.protocol !== "https:") return res;
    const method = (init?.method ?? "GET").toUpperCase();
    const label = `${method} ${url.pathname}`;
    const route = routeFor(method, url.pathname);
    if (!route) {
      problems.push(`${label}: answered ${res.status} but the SDK has no such endpoint`);
      return res;
    }
    const where = `${label} (${route.sdkMethod})`;
    checked.add(route.sdkMethod);
    const contentType = res.headers.get("content-type") ?? "";
    if ("stream" in route.response) {
      if (!contentType.startsWith("text/event-stream") || !res.body) {
        problems.push(`${where}: expected text/event-stream, got ${contentType}`);
        return res;
      }
      const checked = checkedStream(res.body, route.response.stream, (p) => problems.push(`${where}: ${p}`));
      return new Response(checked, { status: res.status, headers: res.headers });
    }
    const schema = bodySchema(route.response);
    if (!schema) return res;
    if (!contentType.startsWith("application/json")) {
      problems.push(`${where}: expected application/json, got ${contentType}`);
      return res;
    }
    const body = (await res.clone().json()) as unknown;
    for (const p of validate(schema, body)) problems.push(`${where}: ${p}`);
    return res;
  };
  const client = new Anthropic({ apiKey: "sk-ant-conformance", maxRetries: 0, ...options, baseURL, fetch: checkingFetch });
  return { client, problems, checked };
}

/**
 * An emulator that takes only the SDK tests' key, and a checking client for it, for the suites in
 * this file's scope: started before them, stopped after, and every answer the client received
 * held to the SDK's types once they are done.
 */
export function useCheckedSdk(): { readonly emulator: Emulator; readonly client: Anthropic; readonly checks: ValidatingClient } {
  const state: { emulator?: Emulator; checks?: ValidatingClient } = {};
  beforeAll(async () => {
    state.emulator = await startEmulator({ apiKey: SDK_TEST_KEY });
    state.checks = validatingClient(state.emulator.url, { authToken: SDK_TEST_KEY, apiKey: null });
  });
  afterAll(() => state.emulator?.stop());
  afterAll(() => {
    expect(state.checks!.checked.size).toBeGreaterThan(0);
    expect(state.checks!.problems).toEqual([]);
  });
  return {
    get emulator() {
      return state.emulator!;
    },
    get client() {
      return state.checks!.client;
    },
    get checks() {
      return state.checks!;
    },
  };
}
