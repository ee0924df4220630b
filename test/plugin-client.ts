// Drives the native plugin as the engine does: the built `bin/pulumi-resource-anthropic` in its own
// process (started with an engine address it never calls back), its port read from its first
// line of stdout, every RPC through the gRPC stubs `@pulumi/pulumi` ships, values as
// `google.protobuf.Struct`, secrets and unknowns in Pulumi's encoding.
import { spawn, type ChildProcess } from "node:child_process";
import * as path from "node:path";
import * as readline from "node:readline";
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import { ResourceProviderClient } from "@pulumi/pulumi/proto/provider_grpc_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import type { Props } from "../provider/kit/values";

export const REPO_ROOT = path.resolve(__dirname, "..");
export const PLUGIN_BIN = path.join(REPO_ROOT, "bin", "pulumi-resource-anthropic");

/** Pulumi's encoding of a secret value. */
export const secret = (value: unknown): Props => ({ "4dabf18193072939515e22adb298388d": "1b47061264138c4ac30d75fd1eb44270", value });
export const isSecret = (value: unknown): value is { value: unknown } =>
  value !== null && typeof value === "object" && (value as Props)["4dabf18193072939515e22adb298388d"] === "1b47061264138c4ac30d75fd1eb44270";

const struct = (values: Props): Struct => Struct.fromJavaScript(values as Parameters<typeof Struct.fromJavaScript>[0]);
const plain = (s: Struct | undefined): Props => (s ? (s.toJavaScript() as Props) : {});

export const TYPE = (kind: string) => `anthropic:index:${kind}`;
export const urnOf = (kind: string, name: string, stack = "dev") => `urn:pulumi:${stack}::proj::${TYPE(kind)}::${name}`;

export interface CheckResult {
  inputs: Props;
  failures: Array<{ property: string; reason: string }>;
}

export interface DiffResult {
  changes: "none" | "some" | "unknown";
  replaces: string[];
  detailedDiff: Record<string, string>;
  deleteBeforeReplace: boolean;
}

const KIND_NAMES: Record<number, string> = {
  [proto.PropertyDiff.Kind.ADD]: "add",
  [proto.PropertyDiff.Kind.ADD_REPLACE]: "add-replace",
  [proto.PropertyDiff.Kind.DELETE]: "delete",
  [proto.PropertyDiff.Kind.DELETE_REPLACE]: "delete-replace",
  [proto.PropertyDiff.Kind.UPDATE]: "update",
  [proto.PropertyDiff.Kind.UPDATE_REPLACE]: "update-replace",
};

export class PluginClient {
  private constructor(
    private readonly child: ChildProcess,
    private readonly client: ResourceProviderClient,
    readonly stderr: string[],
  ) {}

  /** Starts the plugin with `env` (PATH must lead to Node 22 or newer, as the engine's would). */
  static async start(env: NodeJS.ProcessEnv = process.env): Promise<PluginClient> {
    const child = spawn(PLUGIN_BIN, ["127.0.0.1:1"], { env, stdio: ["ignore", "pipe", "pipe"] });
    const stderr: string[] = [];
    child.stderr!.on("data", (d: Buffer) => stderr.push(d.toString()));
    const port = await new Promise<string>((resolve, reject) => {
      const lines = readline.createInterface({ input: child.stdout! });
      lines.once("line", (line) => resolve(line.trim()));
      child.once("exit", (code) => reject(new Error(`the plugin exited (${String(code)}) before it listened: ${stderr.join("")}`)));
    });
    const client = new ResourceProviderClient(`127.0.0.1:${port}`, grpc.credentials.createInsecure());
    return new PluginClient(child, client, stderr);
  }

  async stop(): Promise<void> {
    this.client.close();
    if (this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child.once("exit", resolve));
      this.child.kill();
      await exited;
    }
  }

  private call<Res>(name: keyof ResourceProviderClient, req: unknown): Promise<Res> {
    const method = this.client[name] as unknown as (req: unknown, callback: (error: grpc.ServiceError | null, res: Res) => void) => unknown;
    return new Promise((resolve, reject) => method.call(this.client, req, (error, res) => (error ? reject(new Error(error.details || error.message)) : resolve(res))));
  }

  async pluginVersion(): Promise<string> {
    return (await this.call<PluginInfo>("getPluginInfo", new Empty())).getVersion();
  }

  async schema(): Promise<string> {
    return (await this.call<proto.GetSchemaResponse>("getSchema", new proto.GetSchemaRequest())).getSchema();
  }

  async checkConfig(news: Props, olds: Props = {}): Promise<CheckResult> {
    const req = new proto.CheckRequest().setUrn("urn:pulumi:dev::proj::pulumi:providers:anthropic::default").setOlds(struct(olds)).setNews(struct(news));
    return checkResult(await this.call<proto.CheckResponse>("checkConfig", req));
  }

  async diffConfig(olds: Props, news: Props): Promise<DiffResult> {
    const req = new proto.DiffRequest().setUrn("urn:pulumi:dev::proj::pulumi:providers:anthropic::default").setId("p").setOlds(struct(olds)).setOldInputs(struct(olds)).setNews(struct(news));
    return diffResult(await this.call<proto.DiffResponse>("diffConfig", req));
  }

  /** CheckConfig then Configure, as the engine does for a provider; returns the checked config. */
  async configure(config: Props, olds: Props = {}): Promise<Props> {
    const checked = await this.checkConfig(config, olds);
    if (checked.failures.length > 0) throw new Error(`configuration refused: ${JSON.stringify(checked.failures)}`);
    await this.call<proto.ConfigureResponse>("configure", new proto.ConfigureRequest().setArgs(struct(checked.inputs)).setAcceptsecrets(true).setAcceptresources(true));
    return checked.inputs;
  }

  async check(kind: string, name: string, news: Props, olds: Props = {}): Promise<CheckResult> {
    const req = new proto.CheckRequest().setUrn(urnOf(kind, name)).setName(name).setType(TYPE(kind)).setOlds(struct(olds)).setNews(struct(news));
    return checkResult(await this.call<proto.CheckResponse>("check", req));
  }

  async diff(kind: string, name: string, id: string, olds: Props, news: Props): Promise<DiffResult> {
    const req = new proto.DiffRequest().setUrn(urnOf(kind, name)).setName(name).setType(TYPE(kind)).setId(id).setOlds(struct(olds)).setOldInputs(struct(olds)).setNews(struct(news));
    return diffResult(await this.call<proto.DiffResponse>("diff", req));
  }

  async create(kind: string, name: string, inputs: Props): Promise<{ id: string; outs: Props }> {
    const req = new proto.CreateRequest().setUrn(urnOf(kind, name)).setName(name).setType(TYPE(kind)).setProperties(struct(inputs));
    const res = await this.call<proto.CreateResponse>("create", req);
    return { id: res.getId(), outs: plain(res.getProperties()) };
  }

  async read(kind: string, name: string, id: string, state: Props = {}, inputs: Props = {}): Promise<{ id: string; props: Props; inputs: Props }> {
    const req = new proto.ReadRequest().setUrn(urnOf(kind, name)).setName(name).setType(TYPE(kind)).setId(id).setProperties(struct(state)).setInputs(struct(inputs));
    const res = await this.call<proto.ReadResponse>("read", req);
    return { id: res.getId(), props: plain(res.getProperties()), inputs: plain(res.getInputs()) };
  }

  async update(kind: string, name: string, id: string, olds: Props, news: Props): Promise<Props> {
    const req = new proto.UpdateRequest().setUrn(urnOf(kind, name)).setName(name).setType(TYPE(kind)).setId(id).setOlds(struct(olds)).setOldInputs(struct(olds)).setNews(struct(news));
    return plain((await this.call<proto.UpdateResponse>("update", req)).getProperties());
  }

  async delete(kind: string, name: string, id: string, props: Props): Promise<void> {
    const req = new proto.DeleteRequest().setUrn(urnOf(kind, name)).setName(name).setType(TYPE(kind)).setId(id).setProperties(struct(props)).setOldInputs(struct(props));
    await this.call<Empty>("delete", req);
  }

  async cancel(): Promise<void> {
    await this.call<Empty>("cancel", new Empty());
  }

  /** What the engine does for a new resource: Check, then Create with the checked inputs. */
  async checkAndCreate(kind: string, name: string, news: Props): Promise<{ id: string; outs: Props; checked: Props }> {
    const { inputs, failures } = await this.check(kind, name, news);
    if (failures.length > 0) throw new Error(`check failed: ${JSON.stringify(failures)}`);
    const { id, outs } = await this.create(kind, name, inputs);
    return { id, outs, checked: inputs };
  }
}

function checkResult(res: proto.CheckResponse): CheckResult {
  return { inputs: plain(res.getInputs()), failures: res.getFailuresList().map((f) => ({ property: f.getProperty(), reason: f.getReason() })) };
}

function diffResult(res: proto.DiffResponse): DiffResult {
  const detailedDiff: Record<string, string> = {};
  for (const [k, v] of res.getDetaileddiffMap().entries()) detailedDiff[k] = KIND_NAMES[v.getKind()]!;
  const changes = res.getChanges() === proto.DiffResponse.DiffChanges.DIFF_SOME ? "some" : res.getChanges() === proto.DiffResponse.DiffChanges.DIFF_NONE ? "none" : "unknown";
  return { changes, replaces: res.getReplacesList(), detailedDiff, deleteBeforeReplace: res.getDeletebeforereplace() };
}

/** The environment a plugin process gets from the engine: this repository's Node 24 first on PATH. */
export function pluginEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PATH: [path.join(REPO_ROOT, "node_modules", ".bin"), process.env["PATH"] ?? ""].join(path.delimiter), ...extra };
  delete env["ANTHROPIC_API_KEY"];
  delete env["ANTHROPIC_BASE_URL"];
  return env;
}
