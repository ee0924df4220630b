// Updates that lose nothing: the write token, the versioned update's 409 resolution, the checked
// update's drift refusal (kit/update.ts), with in-memory stand-ins for the API.
import { ApiError, ConflictError } from "../../provider/client/errors";
import { LEGACY_TOKEN_KEY, WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import { DriftError, seenOf } from "../../provider/kit/drift";
import { checkedUpdate, versionedUpdate } from "../../provider/kit/update";
import { agentSpec } from "../../provider/resources/agent";
import { environmentSpec } from "../../provider/resources/environment";

type Obj = { id: string; metadata?: Record<string, string>; name: string; version: number };
type Body = { name: string; metadata?: Record<string, string | null> };
const conflict = () =>
  new ConflictError({ operation: "update", method: "POST", path: "/v1/agents/a", status: 409, errorType: "invalid_request_error", apiMessage: "stale", errorCode: undefined, requestId: "req_1" });

describe("versionedUpdate", () => {
  const run = (overrides: Partial<Parameters<typeof versionedUpdate<Obj, Body>>[0]> = {}) => {
    const sent: unknown[] = [];
    const result = versionedUpdate<Obj, Body>({
      spec: agentSpec,
      id: "agent_1",
      version: 3,
      body: { name: "n2" },
      olds: { inputs: {}, outputs: {}, legacy: false },
      write: async (body) => {
        sent.push(body);
        return { id: "agent_1", name: "n2", version: 4, metadata: { [WRITE_TOKEN_KEY]: body.metadata[WRITE_TOKEN_KEY] as string } };
      },
      read: async () => undefined,
      ...overrides,
    });
    return { result, sent };
  };

  it("sends the change with the version and a token that depends on the object, the version and the change only", async () => {
    const a = run();
    await a.result;
    const token = (a.sent[0] as { metadata: Record<string, string> }).metadata[WRITE_TOKEN_KEY];
    expect(a.sent).toEqual([{ name: "n2", metadata: { [WRITE_TOKEN_KEY]: expect.stringMatching(/^[0-9a-f]{32}$/) }, version: 3 }]);
    const same = run();
    await same.result;
    expect((same.sent[0] as { metadata: Record<string, string> }).metadata[WRITE_TOKEN_KEY]).toBe(token);
    for (const other of [run({ id: "agent_2" }), run({ version: 4 }), run({ body: { name: "n3" } })]) {
      await other.result;
      expect((other.sent[0] as { metadata: Record<string, string> }).metadata[WRITE_TOKEN_KEY]).not.toBe(token);
    }
  });

  it("frees release 0.1's token pair when the object may hold it", async () => {
    const { result, sent } = run({ olds: { inputs: {}, outputs: {}, legacy: true } });
    await result;
    expect((sent[0] as { metadata: Record<string, string | null> }).metadata).toEqual({ [WRITE_TOKEN_KEY]: expect.any(String), [LEGACY_TOKEN_KEY]: null });
  });

  it("a 409 explained by our own earlier write (its answer lost: our token, one version on) is success", async () => {
    let token = "";
    const ours = run({
      write: async (body) => {
        token = body.metadata[WRITE_TOKEN_KEY] as string;
        throw conflict();
      },
      read: async () => ({ id: "agent_1", name: "n2", version: 4, metadata: { [WRITE_TOKEN_KEY]: token } }),
    });
    await expect(ours.result).resolves.toEqual({ id: "agent_1", name: "n2", version: 4, metadata: { [WRITE_TOKEN_KEY]: token } });
  });

  it.each<[string, (token: string) => Obj | undefined]>([
    ["another writer's token", () => ({ id: "agent_1", name: "console", version: 4, metadata: { [WRITE_TOKEN_KEY]: "other" } })],
    ["our token, then a change made outside Pulumi (a version further)", (token) => ({ id: "agent_1", name: "console", version: 5, metadata: { [WRITE_TOKEN_KEY]: token } })],
    ["the object gone", () => undefined],
  ])("any other 409 stands: %s", async (_label, current) => {
    let token = "";
    const { result } = run({
      write: async (body) => {
        token = body.metadata[WRITE_TOKEN_KEY] as string;
        throw conflict();
      },
      read: async () => current(token),
    });
    await expect(result).rejects.toBeInstanceOf(ConflictError);
  });

  it("stamps an object not in state yet with its create stamp instead of a write token", async () => {
    const { result, sent } = run({ olds: { inputs: {}, outputs: {}, legacy: false, unrecordedStamp: "tok.decl.fixed" } });
    await result;
    expect((sent[0] as { metadata: Record<string, string> }).metadata[WRITE_TOKEN_KEY]).toBe("tok.decl.fixed");
  });

  it("other errors pass through without a read", async () => {
    let reads = 0;
    const error = new ApiError({ operation: "u", method: "POST", path: "/", status: 400, errorType: "invalid_request_error", apiMessage: "bad", errorCode: undefined, requestId: undefined });
    const { result } = run({
      write: async () => Promise.reject(error),
      read: async () => {
        reads++;
        return undefined;
      },
    });
    await expect(result).rejects.toBe(error);
    expect(reads).toBe(0);
  });
});

describe("checkedUpdate", () => {
  const lastSeen = { name: "e", description: null, metadata: {}, scope: "account", config: { type: "cloud" } };
  const view = (o: Obj) => ({ ...lastSeen, name: o.name, description: o.metadata?.["description"] ?? null });
  const args = (current: Obj, writes: unknown[]) => ({
    spec: environmentSpec,
    operation: "update environment (env_1)",
    id: "env_1",
    body: { name: "e2" } as Body,
    olds: { inputs: {}, outputs: {}, legacy: false, seen: seenOf(environmentSpec, lastSeen) },
    change: { inputs: {}, changes: [{ field: "name", effect: "update" as const }] },
    current,
    view,
    write: async (body: { metadata: Record<string, string | null> }) => {
      writes.push(body);
      return { ...current, name: "e2", metadata: { [WRITE_TOKEN_KEY]: body.metadata[WRITE_TOKEN_KEY] as string } };
    },
  });

  it("writes the change stamped with its token when the object is as last seen", async () => {
    const writes: unknown[] = [];
    await checkedUpdate(args({ id: "env_1", name: "e", version: 0 }, writes));
    expect(writes).toEqual([{ name: "e2", metadata: { [WRITE_TOKEN_KEY]: expect.stringMatching(/^[0-9a-f]{32}$/) } }]);
  });

  it("recognises its own earlier write of this change (a rerun after a lost answer): no second write", async () => {
    const written = await checkedUpdate(args({ id: "env_1", name: "e", version: 0 }, []));
    const again: unknown[] = [];
    await expect(checkedUpdate(args(written, again))).resolves.toBe(written);
    expect(again).toEqual([]);
  });

  it("but a change made outside Pulumi after that write, to another field, still refuses", async () => {
    const written = await checkedUpdate(args({ id: "env_1", name: "e", version: 0 }, []));
    const edited = { ...written, metadata: { ...written.metadata, description: "edited in the console" } };
    await expect(checkedUpdate(args(edited, []))).rejects.toThrow("(description)");
  });

  it("refuses, naming the field, when the object changed outside Pulumi; writes nothing", async () => {
    const writes: unknown[] = [];
    const error = await checkedUpdate(args({ id: "env_1", name: "renamed in the console", version: 0 }, writes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftError);
    expect((error as Error).message).toContain("the environment was changed outside Pulumi since the last `pulumi up` or `pulumi refresh` (name)");
    expect(writes).toEqual([]);
  });
});
