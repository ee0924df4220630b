// Shared test wiring: an emulator per test file, operation contexts whose client talks to it with
// short timeouts and no real waiting between retries, and the engine's check-then-create sequence
// with the hidden inputs the SDK sends.
import { z } from "zod";
import { MANAGED_AGENTS_BETA } from "../provider/api/endpoints";
import { systemClock, type Clock } from "../provider/client/clock";
import { ApiClient, type ClientOptions } from "../provider/client/http-client";
import { RateGate } from "../provider/client/rate-gate";
import { parseBaseUrl, rememberStackConfig } from "../provider/config";
import { OperationContext, type OperationSettings } from "../provider/kit/context";
import { LookupCache } from "../provider/kit/lookups";
import { HIDDEN, type RuntimeHooks } from "../provider/kit/resource";
import type { Props } from "../provider/kit/values";
import { newSeed } from "../provider/resources/seed";
import { startEmulator, type Emulator } from "../emulator/server";

export const TEST_KEY = "sk-ant-test-canary-0123456789";

/** A plain client request the transport tests send: one page of agents. */
export const LIST_AGENTS = {
  operation: "list agents",
  method: "GET" as const,
  path: "/v1/agents",
  beta: MANAGED_AGENTS_BETA,
  schema: z.object({ data: z.array(z.unknown()) }),
};

/**
 * A clock that never really waits: its time stands still except that a sleep moves it forward at
 * once (so retries, pauses and polls run instantly, deadlines still end them, and a wait computed
 * from two readings is exact however slow the machine), recording what it was asked.
 */
export function instantClock(): Clock & { slept: number[] } {
  const slept: number[] = [];
  const start = Date.now();
  let offset = 0;
  return {
    now: () => start + offset,
    random: () => 0.5,
    slept,
    sleep: async (ms) => {
      slept.push(ms);
      offset += Math.max(0, ms);
    },
  };
}

export interface TestContextOptions {
  client?: Partial<Omit<ClientOptions, "settings">>;
  operation?: OperationSettings;
  /** Real waiting (polls of a running session, late commits). */
  realTime?: boolean;
}

export function clientFor(emulator: Emulator, overrides: Partial<Omit<ClientOptions, "settings">> = {}): ApiClient {
  return new ApiClient({
    settings: { apiKey: TEST_KEY, baseUrl: parseBaseUrl(emulator.url), workspaceId: undefined },
    attemptTimeoutMs: 2_000,
    gate: new RateGate(),
    ...overrides,
  });
}

export function contextFor(emulator: Emulator, options: TestContextOptions = {}): OperationContext {
  return new OperationContext(clientFor(emulator, options.client), {
    timeoutMs: 20_000,
    clock: options.realTime ? systemClock : instantClock(),
    pollIntervalMs: 20,
    lateCommitWindowMs: 0,
    lookups: new LookupCache(),
    ...options.operation,
  });
}

export function useEmulator(): { readonly emulator: Emulator; ctx(options?: TestContextOptions): OperationContext } {
  const state: { emulator?: Emulator } = {};
  const contexts: OperationContext[] = [];
  beforeAll(async () => {
    state.emulator = await startEmulator();
    // What `configure` hands the runtime: `check` validates it before any call.
    const config: Record<string, string> = { "anthropic:apiKey": TEST_KEY, "anthropic:baseUrl": state.emulator.url };
    rememberStackConfig({ get: (k) => config[k] });
  });
  afterAll(async () => {
    rememberStackConfig(undefined);
    await state.emulator?.stop();
  });
  beforeEach(() => {
    state.emulator?.clearFaults();
    state.emulator?.resetCounts();
  });
  afterEach(() => {
    for (const c of contexts.splice(0)) c.dispose();
  });
  return {
    get emulator() {
      return state.emulator!;
    },
    ctx(options) {
      const c = contextFor(state.emulator!, options);
      contexts.push(c);
      return c;
    },
  };
}

let urnCounter = 0;

/** The hidden inputs the SDK adds: kind, the stack's seed, a URN (unique per call unless given). */
export function sdkInputs(kind: string, inputs: Props, identity: { seed?: string; urn?: string } = {}): Props {
  return {
    ...inputs,
    [HIDDEN.kind]: kind,
    [HIDDEN.seed]: identity.seed ?? TEST_SEED,
    [HIDDEN.urn]: identity.urn ?? `urn:pulumi:test::hooks::pulumi-nodejs:dynamic/anthropic:${kind}::r${++urnCounter}`,
  };
}

export const TEST_SEED = newSeed(new Date(Date.now() - 60_000));

/** What the engine does for a new resource: check, then create with the checked inputs. */
export async function checkAndCreate(
  hooks: RuntimeHooks,
  ctx: OperationContext,
  props: Props,
): Promise<{ id: string; outs: Props; checked: Props }> {
  const { inputs, failures } = await hooks.check({}, props);
  if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
  const { id, outs } = await hooks.create(ctx, inputs);
  return { id, outs, checked: inputs };
}

/** What the engine does for a change: check against the old inputs, then update. */
export async function checkAndUpdate(
  hooks: RuntimeHooks,
  ctx: OperationContext,
  id: string,
  old: { checked: Props; outs: Props },
  props: Props,
): Promise<{ outs: Props; checked: Props }> {
  const { inputs, failures } = await hooks.check(old.checked, props);
  if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
  const { outs } = await hooks.update(ctx, id, old.outs, inputs);
  return { outs, checked: inputs };
}
