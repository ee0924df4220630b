// The serialization guard: what Pulumi stores as `__provider` in every resource's state, and the
// runtime functions that stored shells (this release's and release 0.1's) call.
import { serializeFunction } from "@pulumi/pulumi/runtime";
import { rememberStackConfig } from "../../provider/config";
import * as runtime from "../../provider/runtime";
import { providerShell } from "../../sdk/provider-shell";

describe("the __provider shell", () => {
  it("serializes to at most 2 KB, with no key and only package requires", async () => {
    const canary = "sk-ant-canary-shell-7d3e";
    process.env["ANTHROPIC_API_KEY"] = canary;
    try {
      const provider = providerShell;
      const { text } = await serializeFunction(() => provider, { allowSecrets: true });
      expect(Buffer.byteLength(text)).toBeLessThanOrEqual(2048);
      expect(text).not.toContain(canary);
      expect(text).not.toMatch(/sk-ant-/);
      const requires = [...text.matchAll(/require\(([^)]*)\)/g)].map((m) => m[1]);
      expect(requires).toEqual(['"pulumi-anthropic-managed-agents/runtime"']);
      // Each method calls the runtime function of its own name.
      for (const name of ["configure", "check", "diff", "create", "read", "update", "delete"]) expect(text).toContain(`rt().${name}(...a)`);
    } finally {
      delete process.env["ANTHROPIC_API_KEY"];
    }
  });

  it("is one object for every resource kind (so Pulumi's serialization cache is hit)", () => {
    expect(Object.keys(providerShell).sort()).toEqual(["check", "configure", "create", "delete", "diff", "read", "update"]);
  });
});

describe("the runtime's permanent interface", () => {
  afterEach(() => rememberStackConfig(undefined));

  it("exports every function a stored shell may call", () => {
    expect(Object.keys(runtime).filter((k) => typeof (runtime as Record<string, unknown>)[k] === "function").sort()).toEqual(
      ["check", "configure", "create", "delete", "diff", "read", "update"],
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
