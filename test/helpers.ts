// Shared test wiring: an emulator per test file and a hook context whose client talks to it with
// short timeouts and no real waiting between retries.
import { ApiClient, type ClientOptions } from "../provider/client/http-client";
import { parseBaseUrl } from "../provider/config";
import type { HookContext } from "../provider/resources/common";
import { startEmulator, type Emulator } from "./emulator/server";

export const TEST_KEY = "sk-ant-test-canary-0123456789";

export function clientFor(emulator: Emulator, overrides: Partial<ClientOptions> = {}): ApiClient {
  return new ApiClient({
    settings: { apiKey: TEST_KEY, baseUrl: parseBaseUrl(emulator.url), workspaceId: undefined },
    attemptTimeoutMs: 2_000,
    operationTimeoutMs: 10_000,
    sleep: async () => undefined,
    ...overrides,
  });
}

export function contextFor(emulator: Emulator, overrides: Partial<ClientOptions> = {}): HookContext {
  return { client: () => clientFor(emulator, overrides) };
}

export function useEmulator(): { readonly emulator: Emulator; readonly ctx: HookContext } {
  const state: { emulator?: Emulator; ctx?: HookContext } = {};
  beforeAll(async () => {
    state.emulator = await startEmulator();
    state.ctx = contextFor(state.emulator);
  });
  afterAll(async () => {
    await state.emulator?.stop();
  });
  beforeEach(() => {
    state.emulator?.clearFaults();
    state.emulator?.resetCounts();
  });
  return {
    get emulator() {
      return state.emulator!;
    },
    get ctx() {
      return state.ctx!;
    },
  };
}
