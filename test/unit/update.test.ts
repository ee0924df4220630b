// Updates that lose nothing: the write token, the versioned update's 409 resolution, the checked
// update's drift refusal (kit/update.ts), with in-memory stand-ins for the API.
import { ApiError, ConflictError } from "../../provider/client/errors";
import { LEGACY_TOKEN_KEY, WRITE_TOKEN_KEY } from "../../provider/kit/metadata";
import { DriftError } from "../../provider/kit/spec";
import { checkedUpdate, versionedUpdate } from "../../provider/kit/update";
import { agentSpec } from "../../provider/resources/agent";
import { environmentSpec } from "../../provider/resources/environment";

type Obj = { id: string; metadata?: Record<string, string>; name: string };
const conflict = () =>
  new ConflictError({ operation: "update", method: "POST", path: "/v1/agents/a", status: 409, errorType: "invalid_request_error", apiMessage: "stale", errorCode: undefined, requestId: "req_1" });

describe("versionedUpdate", () => {
  const run = (overrides: Partial<Parameters<typeof versionedUpdate<Obj, { name: string; metadata?: Record<string, string | null> }>>[0]> = {}) => {
    const sent: unknown[] = [];
    const result = versionedUpdate<Obj, { name: string; metadata?: Record<string, string | null> }>({
      spec: agentSpec,
      id: "agent_1",
      version: 3,
      body: { name: "n2" },
      legacy: false,
      write: async (body) => {
        sent.push(body);
        return { id: "agent_1", name: "n2", metadata: { [WRITE_TOKEN_KEY]: body.metadata[WRITE_TOKEN_KEY] as string } };
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
    const { result, sent } = run({ legacy: true });
    await result;
    expect((sent[0] as { metadata: Record<string, string | null> }).metadata).toEqual({ [WRITE_TOKEN_KEY]: expect.any(String), [LEGACY_TOKEN_KEY]: null });
  });

  it("a 409 explained by our own earlier write (its answer lost) is success; any other 409 stands", async () => {
    let token = "";
    const ours = run({
      write: async (body) => {
        token = body.metadata[WRITE_TOKEN_KEY] as string;
        throw conflict();
      },
      read: async () => ({ id: "agent_1", name: "n2", metadata: { [WRITE_TOKEN_KEY]: token } }),
    });
    await expect(ours.result).resolves.toEqual({ id: "agent_1", name: "n2", metadata: { [WRITE_TOKEN_KEY]: token } });
    const theirs = run({ write: async () => Promise.reject(conflict()), read: async () => ({ id: "agent_1", name: "console", metadata: { [WRITE_TOKEN_KEY]: "other" } }) });
    await expect(theirs.result).rejects.toBeInstanceOf(ConflictError);
    const gone = run({ write: async () => Promise.reject(conflict()) });
    await expect(gone.result).rejects.toBeInstanceOf(ConflictError);
  });

  it("other errors pass through without a read", async () => {
    let reads = 0;
    const error = new ApiError({ operation: "u", method: "POST", path: "/", status: 400, errorType: "invalid_request_error", apiMessage: "bad", errorCode: undefined, requestId: undefined });
    const { result } = run({ write: async () => Promise.reject(error), read: async () => void reads++ as undefined });
    await expect(result).rejects.toBe(error);
    expect(reads).toBe(0);
  });
});

describe("checkedUpdate", () => {
  const lastSeen = { name: "e", description: null, metadata: {}, scope: "account", config: { type: "cloud" } };
  const view = (o: Obj) => ({ ...lastSeen, name: o.name });
  const args = (current: Obj, writes: unknown[]) => ({
    spec: environmentSpec,
    operation: "update environment (env_1)",
    id: "env_1",
    body: { name: "e2" } as { name: string; metadata?: Record<string, string | null> },
    legacy: false,
    lastSeen,
    current,
    view,
    write: async (body: { metadata: Record<string, string | null> }) => {
      writes.push(body);
      return { ...current, name: "e2", metadata: { [WRITE_TOKEN_KEY]: body.metadata[WRITE_TOKEN_KEY] as string } };
    },
  });

  it("writes the change stamped with its token when the object is as last seen", async () => {
    const writes: unknown[] = [];
    await checkedUpdate(args({ id: "env_1", name: "e" }, writes));
    expect(writes).toEqual([{ name: "e2", metadata: { [WRITE_TOKEN_KEY]: expect.stringMatching(/^[0-9a-f]{32}$/) } }]);
  });

  it("recognises its own earlier write of this change (a rerun after a lost answer): no second write", async () => {
    const first: unknown[] = [];
    const written = await checkedUpdate(args({ id: "env_1", name: "e" }, first));
    const again: unknown[] = [];
    await expect(checkedUpdate(args(written, again))).resolves.toBe(written);
    expect(again).toEqual([]);
  });

  it("refuses, naming the field, when the object changed outside Pulumi; writes nothing", async () => {
    const writes: unknown[] = [];
    const error = await checkedUpdate(args({ id: "env_1", name: "renamed in the console" }, writes)).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DriftError);
    expect((error as Error).message).toContain("the environment was changed outside Pulumi since the last `pulumi up` or `pulumi refresh` (name)");
    expect(writes).toEqual([]);
  });
});
