// What Pulumi stores as `__provider` in every resource's state, and the runtime functions that
// stored providers (this release's source, earlier releases' serialized shells) call.
import { rememberStackConfig } from "../../provider/config";
import * as runtime from "../../provider/runtime";
import { PROVIDER_SOURCE } from "../../sdk/provider-shell";

describe("the __provider source", () => {
  it("is tiny, holds no key, and requires nothing but the runtime, by package name", () => {
    expect(Buffer.byteLength(PROVIDER_SOURCE)).toBeLessThanOrEqual(128);
    expect(PROVIDER_SOURCE).not.toMatch(/sk-ant-/);
    const requires = [...PROVIDER_SOURCE.matchAll(/require\(([^)]*)\)/g)].map((m) => m[1]);
    expect(requires).toEqual(['"pulumi-anthropic-managed-agents/runtime"']);
  });

  it("loads, as the dynamic-provider process loads it, into a provider with every method it calls", () => {
    // What `require-from-string` does in the plugin: compile the text as a module, call handler().
    const exports: { handler?: () => Record<string, unknown> } = {};
    const required: string[] = [];
    const fakeRequire = (name: string) => {
      required.push(name);
      return runtime;
    };
    new Function("exports", "require", PROVIDER_SOURCE)(exports, fakeRequire);
    const provider = exports.handler!();
    expect(required).toEqual(["pulumi-anthropic-managed-agents/runtime"]);
    for (const name of ["configure", "check", "diff", "create", "read", "update", "delete"]) expect(typeof provider[name]).toBe("function");
  });
});

describe("the runtime's permanent interface", () => {
  afterEach(() => rememberStackConfig(undefined));

  it("exports every function a stored shell may call", () => {
    expect(Object.keys(runtime).filter((k) => typeof (runtime as Record<string, unknown>)[k] === "function").sort()).toEqual(
      ["cancel", "check", "configure", "create", "delete", "diff", "read", "update"],
    );
  });

  it("takes the stack config through configure, and through a one-argument check (release 0.1's shell)", async () => {
    await expect(runtime.configure({ config: { get: (k) => (k === "anthropic:apiKey" ? "from-configure" : undefined) } })).resolves.toBeUndefined();
    const viaConfigure = await runtime.check({}, { __kind: "Agent", name: "n", model: "m" });
    expect(viaConfigure).toMatchObject({ failures: [] });
    await expect(runtime.check({ config: { get: () => undefined } })).resolves.toBeUndefined();
    const withoutKey = await runtime.check({}, { __kind: "Agent", name: "n", model: "m" });
    expect(withoutKey).toMatchObject({ failures: [{ property: "", reason: expect.stringMatching(/^no Anthropic API key/) }] });
  });

  it("routes by the hidden __kind input and keeps it in what it returns", async () => {
    rememberStackConfig({ get: (k) => (k === "anthropic:apiKey" ? "k" : undefined) });
    const result = await runtime.check({}, { __kind: "Agent", name: "n", model: "m" });
    expect(result).toEqual({ inputs: { __kind: "Agent", name: "n", model: "m" }, failures: [] });
  });

  it("says which package version to upgrade to when the kind is unknown", async () => {
    await expect(runtime.check({}, { __kind: "Teleporter" })).rejects.toThrow(
      'this version of pulumi-anthropic-managed-agents has no resource kind "Teleporter"',
    );
  });
});
