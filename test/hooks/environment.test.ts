// Every Environment hook against the emulator.
import { environmentHooks } from "../../provider/resources/environment";
import { UNKNOWN, type Props } from "../../provider/resources/common";
import { useEmulator } from "../helpers";

const env = useEmulator();

const limited: Props = {
  name: "python-dev",
  config: {
    type: "cloud",
    networking: { type: "limited", allowedHosts: ["pypi.org"], allowPackageManagers: true },
    packages: { pip: ["pandas"] },
  },
  metadata: { team: "data" },
};

async function created(inputs: Props = limited) {
  const checked = await environmentHooks.check({}, inputs);
  expect(checked.failures).toEqual([]);
  return environmentHooks.create(env.ctx, checked.inputs);
}

describe("check", () => {
  it("requires allowPackageManagers for packages under limited (or default) networking", async () => {
    const expected = [
      {
        property: "config.networking.allowPackageManagers",
        reason: 'packages need allowPackageManagers: true under limited networking (the default), or networking { type: "unrestricted" }',
      },
    ];
    const explicit = await environmentHooks.check({}, { name: "e", config: { type: "cloud", networking: { type: "limited" }, packages: { npm: ["x"] } } });
    expect(explicit.failures).toEqual(expected);
    const byDefault = await environmentHooks.check({}, { name: "e", config: { type: "cloud", packages: { npm: ["x"] } } });
    expect(byDefault.failures).toEqual(expected);
    const open = await environmentHooks.check({}, { name: "e", config: { type: "cloud", networking: { type: "unrestricted" }, packages: { npm: ["x"] } } });
    expect(open.failures).toEqual([]);
  });

  it("reports typos and bad values with camelCase paths", async () => {
    const { failures } = await environmentHooks.check({}, { name: "e", scope: "world", config: { type: "cloud", networking: { type: "limited", allowHosts: [] } }, onDestroy: "keep" });
    expect(failures.map((f) => f.property)).toEqual(["scope", "config.networking", "onDestroy"]);
  });
});

describe("diff", () => {
  it("updates networking in place, replaces on a config type change, and treats unknown type as replace", async () => {
    const { outs } = await created();
    const networking = await environmentHooks.diff("env_x", outs, { ...limited, config: { type: "cloud", networking: { type: "unrestricted" } } });
    expect(networking).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false });
    const typeChange = await environmentHooks.diff("env_x", outs, { ...limited, config: { type: "self_hosted" } });
    expect(typeChange).toEqual({ changes: true, replaces: ["config"], deleteBeforeReplace: false });
    const unknownType = await environmentHooks.diff("env_x", outs, { ...limited, config: { type: UNKNOWN } });
    expect(unknownType.replaces).toEqual(["config"]);
    expect(await environmentHooks.diff("env_x", outs, limited)).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false });
  });
});

describe("create, update, read, delete", () => {
  it("creates with the full config spelled out", async () => {
    const { id, outs } = await created();
    expect(id).toMatch(/^env_01/);
    expect(env.emulator.requests[0]!.body).toEqual({
      name: "python-dev",
      config: {
        type: "cloud",
        networking: { type: "limited", allowed_hosts: ["pypi.org"], allow_mcp_servers: false, allow_package_managers: true },
        packages: { apt: [], cargo: [], gem: [], go: [], npm: [], pip: ["pandas"] },
      },
      metadata: { team: "data", "pulumi-create-token": expect.any(String) },
    });
    expect((outs["resolved"] as Props)["config"]).toEqual({
      type: "cloud",
      networking: { type: "limited", allowedHosts: ["pypi.org"], allowMcpServers: false, allowPackageManagers: true },
      packages: { type: "packages", apt: [], cargo: [], gem: [], go: [], npm: [], pip: ["pandas"] },
    });
  });

  it("updates networking in place and sends only what changed", async () => {
    const { id, outs } = await created();
    env.emulator.resetCounts();
    const news = { ...limited, config: { type: "cloud", networking: { type: "unrestricted" }, packages: { pip: ["pandas", "numpy"] } }, metadata: {} };
    const { outs: after } = await environmentHooks.update(env.ctx, id, outs, news);
    expect(env.emulator.requests.map((r) => r.body)).toEqual([
      {
        config: { type: "cloud", networking: { type: "unrestricted" }, packages: { apt: [], cargo: [], gem: [], go: [], npm: [], pip: ["pandas", "numpy"] } },
        metadata: { team: null },
      },
    ]);
    expect(env.emulator.environments.get(id).config["networking"]).toEqual({ type: "unrestricted" });
    expect(after["metadata"]).toEqual({});
  });

  it("records an onDestroy change without a call", async () => {
    const { id, outs } = await created();
    env.emulator.resetCounts();
    const { outs: after } = await environmentHooks.update(env.ctx, id, outs, { ...limited, onDestroy: "archive" });
    expect(after["onDestroy"]).toBe("archive");
    expect(env.emulator.count()).toBe(0);
  });

  it("explains the API's refusal of a type change made in place", async () => {
    const { id, outs } = await created();
    const error = (await environmentHooks.update(env.ctx, id, outs, { ...limited, config: { type: "self_hosted" } }).catch((e: unknown) => e)) as Error;
    expect(error.message).toContain("HTTP 400 invalid_request_error: config.type cannot change from cloud to self_hosted");
    expect(error.message).toContain("cannot change in place");
  });

  it("shows drift after refresh and drops a deleted environment", async () => {
    const { id, outs } = await created();
    expect((await environmentHooks.read(env.ctx, id, outs)).inputs).toEqual(limited);
    env.emulator.environments.update(id, { description: "edited" });
    const drifted = await environmentHooks.read(env.ctx, id, outs);
    expect(drifted.inputs).toEqual({ ...limited, description: "edited" });
    env.emulator.environments.delete(id);
    expect(await environmentHooks.read(env.ctx, id, outs)).toEqual({});
  });

  it("deletes by default and archives with onDestroy: archive; both succeed when already gone", async () => {
    const a = await created();
    await environmentHooks.delete(env.ctx, a.id, a.outs);
    expect(env.emulator.environments.records.has(a.id)).toBe(false);
    await environmentHooks.delete(env.ctx, a.id, a.outs);

    const b = await created({ ...limited, onDestroy: "archive" });
    await environmentHooks.delete(env.ctx, b.id, b.outs);
    expect(env.emulator.environments.get(b.id).archived_at).toEqual(expect.any(String));
    await environmentHooks.delete(env.ctx, b.id, b.outs);
  });

  it("creates exactly one environment when the first response is lost", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/environments", kind: "commit-then-drop" });
    const before = env.emulator.environments.records.size;
    const { id } = await created();
    expect(env.emulator.environments.records.size).toBe(before + 1);
    expect(env.emulator.environments.get(id).name).toBe("python-dev");
  });

  it("adopts an existing environment", async () => {
    const existing = env.emulator.environments.create({ name: "legacy", config: { type: "cloud", networking: { type: "unrestricted" } } });
    const { id, outs } = await created({ ...limited, adoptId: existing.id });
    expect(id).toBe(existing.id);
    expect(env.emulator.environments.get(id).name).toBe("python-dev");
    expect(outs["adoptId"]).toBe(existing.id);
  });
});
