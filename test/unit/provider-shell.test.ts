// The serialization guard: what Pulumi stores as `__provider` in every resource's state.
import { serializeFunction } from "@pulumi/pulumi/runtime";
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
    } finally {
      delete process.env["ANTHROPIC_API_KEY"];
    }
  });

  it("is one object for every resource kind (so Pulumi's serialization cache is hit)", () => {
    expect(Object.keys(providerShell).sort()).toEqual(["check", "configure", "create", "delete", "diff", "read", "update"]);
    expect(providerShell.configure).toBe(providerShell.check);
  });
});

describe("the runtime's permanent interface", () => {
  it("exports every function a stored shell may call", () => {
    expect(Object.keys(runtime).filter((k) => typeof (runtime as Record<string, unknown>)[k] === "function").sort()).toEqual(
      ["check", "configure", "create", "delete", "diff", "read", "update"],
    );
  });

  it("treats a one-argument check as configure", async () => {
    await expect(runtime.check({ config: { get: () => undefined } })).resolves.toBeUndefined();
  });

  it("routes by the hidden __kind input and keeps it in what it returns", async () => {
    const result = await runtime.check({}, { __kind: "Agent", name: "n", model: "m" });
    expect(result).toEqual({ inputs: { __kind: "Agent", name: "n", model: "m" }, failures: [] });
  });

  it("says which package version to upgrade to when the kind is unknown", async () => {
    await expect(runtime.check({}, { __kind: "Teleporter" })).rejects.toThrow(
      'this version of pulumi-anthropic-managed-agents has no resource kind "Teleporter"',
    );
  });
});
