// Every Environment hook against the emulator, with exact request counts.
import { WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import { UNKNOWN, type Props } from "../../provider/kit/values";
import { DriftError } from "../../provider/kit/drift";
import { environmentResource } from "../../provider/resources/environment";
import { checkAndCreate, checkAndUpdate, sdkInputs, useEmulator } from "../helpers";

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

const props = (inputs: Props) => sdkInputs("Environment", inputs);
const created = (inputs: Props = limited) => checkAndCreate(environmentResource, env.ctx(), props(inputs));
const declared = (p: Props | undefined) => Object.fromEntries(Object.entries(p ?? {}).filter(([k]) => !k.startsWith("__")));

describe("check", () => {
  it("requires allowPackageManagers for packages under limited (or default) networking", async () => {
    const expected = [
      {
        property: "config.networking.allowPackageManagers",
        reason: 'packages need allowPackageManagers: true under limited networking (the default), or networking { type: "unrestricted" }',
      },
    ];
    const explicit = await environmentResource.check({}, props({ name: "e", config: { type: "cloud", networking: { type: "limited" }, packages: { npm: ["x"] } } }));
    expect(explicit.failures).toEqual(expected);
    const byDefault = await environmentResource.check({}, props({ name: "e", config: { type: "cloud", packages: { npm: ["x"] } } }));
    expect(byDefault.failures).toEqual(expected);
    const open = await environmentResource.check({}, props({ name: "e", config: { type: "cloud", networking: { type: "unrestricted" }, packages: { npm: ["x"] } } }));
    expect(open.failures).toEqual([]);
  });

  it("reports typos and bad values with camelCase paths", async () => {
    const { failures } = await environmentResource.check(
      {},
      props({ name: "e", scope: "world", config: { type: "cloud", networking: { type: "limited", allowHosts: [] } }, onDestroy: "keep" }),
    );
    expect(failures.map((f) => f.property)).toEqual(["scope", "config.networking", "onDestroy"]);
  });
});

describe("diff", () => {
  it("updates networking in place, replaces on a config type change, and treats an unknown type as replace", async () => {
    const { outs } = await created();
    const networking = await environmentResource.diff("env_x", outs, props({ ...limited, config: { type: "cloud", networking: { type: "unrestricted" } } }));
    expect(networking).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { config: "update" } });
    const typeChange = await environmentResource.diff("env_x", outs, props({ ...limited, config: { type: "self_hosted" } }));
    expect(typeChange).toEqual({ changes: true, replaces: ["config"], deleteBeforeReplace: false, detailedDiff: { config: "update-replace" } });
    const unknownType = await environmentResource.diff("env_x", outs, props({ ...limited, config: { type: UNKNOWN } }));
    expect(unknownType.replaces).toEqual(["config"]);
    expect(await environmentResource.diff("env_x", outs, props(limited))).toEqual({ changes: false, replaces: [], deleteBeforeReplace: false, detailedDiff: {} });
    // No scope declared: no opinion, whatever the environment has.
    expect((await environmentResource.diff("env_x", { ...outs, scope: "organization" }, props(limited))).changes).toBe(false);
  });
});

describe("create, update, read, delete", () => {
  it("creates with the full config spelled out", async () => {
    const { id, outs } = await created();
    expect(id).toMatch(/^env_01/);
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/environments", "POST /v1/environments"]);
    // Environments cannot be listed by creation time: the lookup lists every live one.
    expect(env.emulator.requests[0]!.query).toEqual({ limit: "100" });
    expect(env.emulator.requests[1]!.body).toEqual({
      name: "python-dev",
      config: {
        type: "cloud",
        networking: { type: "limited", allowed_hosts: ["pypi.org"], allow_mcp_servers: false, allow_package_managers: true },
        packages: { apt: [], cargo: [], gem: [], go: [], npm: [], pip: ["pandas"] },
      },
      metadata: { team: "data", [WRITE_TOKEN_KEY]: expect.stringMatching(/^[0-9a-f]{32}\.[0-9a-f]{16}\.[0-9a-f]{16}$/) },
    });
    expect(outs["resolved"]).toBeUndefined();
    expect(env.emulator.environments.records.get(id)!.config).toEqual({
      type: "cloud",
      networking: { type: "limited", allowed_hosts: ["pypi.org"], allow_mcp_servers: false, allow_package_managers: true },
      packages: { type: "packages", apt: [], cargo: [], gem: [], go: [], npm: [], pip: ["pandas"] },
    });
  });

  it("compares with the last-seen state, then sends only what changed", async () => {
    const made = await created();
    env.emulator.resetCounts();
    const news = { ...limited, config: { type: "cloud", networking: { type: "unrestricted" }, packages: { pip: ["pandas", "numpy"] } }, metadata: {} };
    const { outs } = await checkAndUpdate(environmentResource, env.ctx(), made.id, made, props(news));
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/environments/${made.id}`, `POST /v1/environments/${made.id}`]);
    expect(env.emulator.requests[1]!.body).toEqual({
      config: { type: "cloud", networking: { type: "unrestricted" }, packages: { apt: [], cargo: [], gem: [], go: [], npm: [], pip: ["pandas", "numpy"] } },
      metadata: { team: null, [WRITE_TOKEN_KEY]: expect.stringMatching(/^[0-9a-f]{32}$/) },
    });
    expect(env.emulator.environments.get(made.id).config["networking"]).toEqual({ type: "unrestricted" });
    expect(outs["metadata"]).toEqual({});
  });

  it("refuses to overwrite a change made outside Pulumi, naming the changed leaf (config.networking.allowedHosts), and writes nothing", async () => {
    const made = await created();
    env.emulator.environments.update(made.id, {
      config: { type: "cloud", networking: { type: "limited", allowed_hosts: ["evil.example"], allow_package_managers: true }, packages: { pip: ["pandas"] } },
    });
    env.emulator.resetCounts();
    const news = { ...limited, config: { ...(limited["config"] as Props), packages: { pip: ["pandas", "numpy"] } } };
    const error = await checkAndUpdate(environmentResource, env.ctx(), made.id, made, props(news)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftError);
    expect((error as Error).message).toBe(
      `update environment "python-dev" (${made.id}): the environment was changed outside Pulumi since the last \`pulumi up\` or \`pulumi refresh\` (config.networking.allowedHosts); ` +
        "nothing was changed, so that change is not overwritten unseen. Run `pulumi refresh` to take it in (the next preview then shows the difference), then `pulumi up`",
    );
    expect(env.emulator.count("POST")).toBe(0);
    expect(env.emulator.environments.get(made.id).config["networking"]).toMatchObject({ allowed_hosts: ["evil.example"] });
  });

  it("recognises its own write when a rerun repeats an update whose answer was lost", async () => {
    const made = await created();
    const news = props({ ...limited, name: "renamed" });
    env.emulator.injectFault({ method: "POST", path: `/v1/environments/${made.id}`, kind: "commit-then-drop", times: 5 });
    // The lost answer is retried in process (a repeat sets the same values) until the budget ends…
    await expect(checkAndUpdate(environmentResource, env.ctx({ operation: { timeoutMs: 50 } }), made.id, made, news)).rejects.toThrow();
    env.emulator.clearFaults();
    env.emulator.resetCounts();
    // …and the rerun, from the old state, sees its own write token instead of drift.
    const { outs } = await checkAndUpdate(environmentResource, env.ctx(), made.id, made, news);
    expect(outs["name"]).toBe("renamed");
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET /v1/environments/${made.id}`]);
  });

  it("records an onDestroy change without a call", async () => {
    const made = await created();
    env.emulator.resetCounts();
    const { outs } = await checkAndUpdate(environmentResource, env.ctx(), made.id, made, props({ ...limited, onDestroy: "archive" }));
    expect(outs["onDestroy"]).toBe("archive");
    expect(env.emulator.count()).toBe(0);
  });

  it("shows drift after refresh and drops a deleted environment", async () => {
    const { id, outs } = await created();
    expect(declared((await environmentResource.read(env.ctx(), id, outs)).inputs)).toEqual(limited);
    env.emulator.environments.update(id, { description: "edited" });
    const drifted = await environmentResource.read(env.ctx(), id, outs);
    expect(declared(drifted.inputs)).toEqual({ ...limited, description: "edited" });
    env.emulator.environments.delete(id);
    expect(await environmentResource.read(env.ctx(), id, outs)).toEqual({});
  });

  it("deletes by default and archives with onDestroy: archive; both succeed when already gone", async () => {
    const a = await created();
    await environmentResource.delete(env.ctx(), a.id, a.outs);
    expect(env.emulator.environments.records.has(a.id)).toBe(false);
    await environmentResource.delete(env.ctx(), a.id, a.outs);

    const b = await created({ ...limited, onDestroy: "archive" });
    await environmentResource.delete(env.ctx(), b.id, b.outs);
    expect(env.emulator.environments.get(b.id).archived_at).toEqual(expect.any(String));
    await environmentResource.delete(env.ctx(), b.id, b.outs);
  });

  it("creates exactly one environment when the first answer is lost", async () => {
    env.emulator.injectFault({ method: "POST", path: "/v1/environments", kind: "commit-then-drop" });
    const before = env.emulator.environments.records.size;
    const { id } = await created();
    expect(env.emulator.environments.records.size).toBe(before + 1);
    expect(env.emulator.environments.get(id).name).toBe("python-dev");
    expect(env.emulator.requests.map((r) => `${r.method} ${r.path}`)).toEqual(["GET /v1/environments", "POST /v1/environments", "GET /v1/environments"]);
  });

  it("adopts an existing environment", async () => {
    const existing = env.emulator.environments.create({ name: "legacy", config: { type: "cloud", networking: { type: "unrestricted" } } });
    const { id, outs } = await created({ ...limited, adoptId: existing.id });
    expect(id).toBe(existing.id);
    expect(env.emulator.environments.get(id).name).toBe("python-dev");
    expect(outs["adoptId"]).toBe(existing.id);
  });
});

describe("after a refresh took in a change made outside Pulumi", () => {
  it("the next update puts the program's value back (what the preview showed)", async () => {
    const made = await checkAndCreate(environmentResource, env.ctx(), props({ name: "plain" }));
    env.emulator.environments.update(made.id, { config: { type: "cloud", networking: { type: "unrestricted" } } });
    const refreshed = await environmentResource.read(env.ctx(), made.id, made.outs);
    const news = props({ name: "plain" });
    expect(await environmentResource.diff(made.id, refreshed.props!, news)).toEqual({ changes: true, replaces: [], deleteBeforeReplace: false, detailedDiff: { config: "delete" } });
    env.emulator.resetCounts();
    await checkAndUpdate(environmentResource, env.ctx(), made.id, { checked: refreshed.inputs!, outs: refreshed.props! }, news);
    expect(env.emulator.count("POST", `/v1/environments/${made.id}`)).toBe(1);
    expect(env.emulator.environments.get(made.id).config["networking"]).toEqual({ type: "limited", allowed_hosts: [], allow_mcp_servers: false, allow_package_managers: false });
  });
});
