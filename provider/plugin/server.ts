// The native provider plugin (DESIGN §11): a gRPC `ResourceProvider` that every Pulumi language
// reaches through the package schema. It adds no behaviour of its own: each call becomes one call
// of the runtime (provider/runtime.ts), the entry points the dynamic provider's shell calls too,
// with the plain values the dynamic provider would have seen. What it adds is what the
// dynamic-provider protocol cannot carry: provider configuration (CheckConfig/Configure, so an
// explicit provider has its own credentials), a detailed diff, Read with only an id (`pulumi
// import`), secrets kept secret where they are, and Cancel.
import * as grpc from "@grpc/grpc-js";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import { PluginInfo } from "@pulumi/pulumi/proto/plugin_pb";
import * as proto from "@pulumi/pulumi/proto/provider_pb";
import { configKey, settingProblems, SETTINGS, type SettingName, type StackConfigReader } from "../config";
import { redactError } from "../client/redact";
import { HIDDEN } from "../kit/resource";
import type { PropertyDiffKind } from "../kit/diff";
import type { ResourceSpec } from "../kit/spec";
import { UNKNOWN, type Props } from "../kit/values";
import { mintSeed } from "../kit/stack-seed";
import { PUBLIC_SPECS } from "../resources";
import * as runtime from "../runtime";
import { decode, encode, specSecrets, type Path } from "./properties";
import { PACKAGE, packageSchema } from "./schema";

type Unary<Req, Res> = (call: grpc.ServerUnaryCall<Req, Res>, callback: grpc.sendUnaryData<Res>) => void;

function unary<Req, Res>(work: (req: Req) => Promise<Res>): Unary<Req, Res> {
  return (call, callback) => {
    work(call.request).then(
      (res) => callback(null, res),
      (error: unknown) => {
        const redacted = redactError(error);
        callback({ code: grpc.status.UNKNOWN, message: redacted instanceof Error ? redacted.message : String(redacted) });
      },
    );
  };
}

const structOf = (values: Props): Struct => Struct.fromJavaScript(values as Parameters<typeof Struct.fromJavaScript>[0]);
const valuesOf = (struct: Struct | undefined): Props => (struct ? (struct.toJavaScript() as Props) : {});

const SPECS = new Map(PUBLIC_SPECS.map((spec) => [`${PACKAGE}:index:${spec.kind}`, spec]));

/** The spec of a type token (`anthropic:index:Agent`). */
function specOf(type: string, urn: string): ResourceSpec {
  // Older engines leave `type` empty; the URN ends with `::<type>::<name>`.
  const token = type !== "" ? type : (urn.split("::")[2] ?? "");
  const spec = SPECS.get(token.split("$").pop() ?? token);
  if (!spec) throw new Error(`the anthropic provider has no resource type ${JSON.stringify(token)}; its types are ${[...SPECS.keys()].join(", ")}`);
  return spec;
}

const DIFF_KINDS: Record<PropertyDiffKind, proto.PropertyDiff.Kind> = {
  add: proto.PropertyDiff.Kind.ADD,
  "add-replace": proto.PropertyDiff.Kind.ADD_REPLACE,
  delete: proto.PropertyDiff.Kind.DELETE,
  "delete-replace": proto.PropertyDiff.Kind.DELETE_REPLACE,
  update: proto.PropertyDiff.Kind.UPDATE,
  "update-replace": proto.PropertyDiff.Kind.UPDATE_REPLACE,
};

/** The provider's own configuration keys (the schema's config variables) and the engine's. */
const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];
const ENGINE_KEYS = new Set(["version", "pluginDownloadURL"]);
/**
 * The stack's create-token seed, kept in the provider's own inputs (hidden: keys starting with
 * "__" never show): written to state with the provider, before any resource it creates, and
 * carried from then on, as the dynamic front door's seed resource is (resources/seed.ts).
 */
const SEED_KEY = HIDDEN.seed;

function configReader(values: Props): StackConfigReader {
  return {
    get(key) {
      const name = SETTING_NAMES.find((n) => configKey(n) === key);
      const value = name === undefined ? undefined : values[name];
      if (value === undefined || value === null) return undefined;
      return typeof value === "string" ? value : JSON.stringify(value);
    },
  };
}

export class ProviderServer {
  private seed: string | undefined;
  private schema: string | undefined;

  constructor(private readonly version: string) {}

  /** The handlers, by RPC name; the RPCs left out answer UNIMPLEMENTED. */
  handlers(): grpc.UntypedServiceImplementation {
    return {
      getPluginInfo: unary(async () => new PluginInfo().setVersion(this.version)),
      getSchema: unary(async (req: proto.GetSchemaRequest) => {
        if (req.getSubpackageName() !== "") throw new Error(`the anthropic package has no subpackage ${JSON.stringify(req.getSubpackageName())}`);
        this.schema ??= JSON.stringify(packageSchema(this.version));
        return new proto.GetSchemaResponse().setSchema(this.schema);
      }),
      checkConfig: unary((req: proto.CheckRequest) => this.checkConfig(req)),
      diffConfig: unary((req: proto.DiffRequest) => this.diffConfig(req)),
      configure: unary((req: proto.ConfigureRequest) => this.configure(req)),
      check: unary((req: proto.CheckRequest) => this.check(req)),
      diff: unary((req: proto.DiffRequest) => this.diff(req)),
      create: unary((req: proto.CreateRequest) => this.create(req)),
      read: unary((req: proto.ReadRequest) => this.read(req)),
      update: unary((req: proto.UpdateRequest) => this.update(req)),
      delete: unary((req: proto.DeleteRequest) => this.remove(req)),
      cancel: unary(async () => {
        runtime.cancel();
        return new Empty();
      }),
    };
  }

  /** Every configuration problem at once, each on its setting, with no request sent (DESIGN §10). */
  private async checkConfig(req: proto.CheckRequest): Promise<proto.CheckResponse> {
    const olds = decode(valuesOf(req.getOlds()));
    const news = decode(valuesOf(req.getNews()));
    const failures: proto.CheckFailure[] = [];
    for (const key of Object.keys(news.values)) {
      if (ENGINE_KEYS.has(key) || key === SEED_KEY || key in SETTINGS) continue;
      failures.push(new proto.CheckFailure().setProperty(key).setReason(`unknown setting of the anthropic provider (its settings are ${SETTING_NAMES.join(", ")}; names are case-sensitive)`));
    }
    const known = Object.fromEntries(Object.entries(news.values).filter(([, v]) => v !== UNKNOWN));
    for (const problem of settingProblems(process.env, configReader(known))) {
      // A setting that is unknown during preview is checked when it is known.
      if (problem.setting !== undefined && news.values[problem.setting] === UNKNOWN) continue;
      failures.push(new proto.CheckFailure().setProperty(problem.setting ?? "").setReason(problem.message));
    }
    // A seed made here is fresh (kit/stack-seed.ts): this process's creates then know the stack has no earlier run.
    const seed = typeof olds.values[SEED_KEY] === "string" ? olds.values[SEED_KEY] : mintSeed();
    const inputs: Props = { ...news.values, [SEED_KEY]: seed };
    const secrets: Path[] = [...news.secrets, ...SETTING_NAMES.filter((n) => "secret" in SETTINGS[n] && inputs[n] !== undefined).map((n) => [n])];
    return new proto.CheckResponse().setInputs(structOf(encode(inputs, secrets))).setFailuresList(failures);
  }

  /** A changed setting is an update of the provider; nothing it manages is replaced. */
  private async diffConfig(req: proto.DiffRequest): Promise<proto.DiffResponse> {
    const olds = decode(valuesOf(req.getOldInputs() ?? req.getOlds())).values;
    const news = decode(valuesOf(req.getNews())).values;
    const changed = SETTING_NAMES.filter((n) => news[n] === UNKNOWN || JSON.stringify(olds[n] ?? null) !== JSON.stringify(news[n] ?? null));
    const res = new proto.DiffResponse().setChanges(changed.length > 0 ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE);
    res.setDiffsList(changed).setHasdetaileddiff(true);
    for (const n of changed) res.getDetaileddiffMap().set(n, new proto.PropertyDiff().setKind(news[n] === undefined ? proto.PropertyDiff.Kind.DELETE : olds[n] === undefined ? proto.PropertyDiff.Kind.ADD : proto.PropertyDiff.Kind.UPDATE).setInputdiff(true));
    return res;
  }

  private async configure(req: proto.ConfigureRequest): Promise<proto.ConfigureResponse> {
    let values: Props;
    if (req.hasArgs()) values = decode(valuesOf(req.getArgs())).values;
    else {
      // Engines before structured config send `anthropic:config:<key>` strings.
      values = {};
      for (const [key, value] of req.getVariablesMap().entries()) values[key.replace(/^[^:]+:config:/, "")] = value;
    }
    runtime.configure({ config: configReader(values) });
    this.seed = typeof values[SEED_KEY] === "string" ? values[SEED_KEY] : undefined;
    return new proto.ConfigureResponse().setAcceptsecrets(true).setSupportspreview(false).setAcceptresources(false).setAcceptoutputs(false);
  }

  /** What the runtime needs besides the declared values: the kind, the URN and the stack's seed (kit/resource.ts `HIDDEN`). */
  private hidden(spec: ResourceSpec, urn: string): Props {
    return { [HIDDEN.kind]: spec.kind, [HIDDEN.urn]: urn, ...(this.seed !== undefined ? { [HIDDEN.seed]: this.seed } : {}) };
  }

  private async check(req: proto.CheckRequest): Promise<proto.CheckResponse> {
    const spec = specOf(req.getType(), req.getUrn());
    const olds = decode(valuesOf(req.getOlds()));
    const news = decode(valuesOf(req.getNews()));
    // A property set to null is not set (as a TypeScript program's `undefined` is).
    const declared = Object.fromEntries(Object.entries(news.values).filter(([, v]) => v !== null));
    const result = await runtime.check(olds.values, { ...declared, ...this.hidden(spec, req.getUrn()) });
    if (!result) throw new Error("check returned nothing");
    const res = new proto.CheckResponse().setInputs(structOf(encode(result.inputs, [...news.secrets, ...specSecrets(spec, result.inputs)])));
    return res.setFailuresList(result.failures.map((f) => new proto.CheckFailure().setProperty(f.property).setReason(f.reason)));
  }

  private async diff(req: proto.DiffRequest): Promise<proto.DiffResponse> {
    const spec = specOf(req.getType(), req.getUrn());
    const olds = decode(valuesOf(req.getOlds())).values;
    const news = decode(valuesOf(req.getNews())).values;
    const result = await runtime.diff(req.getId(), { ...olds, [HIDDEN.kind]: spec.kind }, { ...news, [HIDDEN.kind]: spec.kind });
    const res = new proto.DiffResponse()
      // The plugin answers with its detailed diff, so a change the runtime calls "unknown" for the dynamic-provider protocol is known here.
      .setChanges(result.changes !== false ? proto.DiffResponse.DiffChanges.DIFF_SOME : proto.DiffResponse.DiffChanges.DIFF_NONE)
      .setReplacesList(result.replaces)
      .setDeletebeforereplace(result.deleteBeforeReplace)
      .setDiffsList(Object.keys(result.detailedDiff))
      .setHasdetaileddiff(true);
    for (const [field, kind] of Object.entries(result.detailedDiff)) res.getDetaileddiffMap().set(field, new proto.PropertyDiff().setKind(DIFF_KINDS[kind]).setInputdiff(true));
    return res;
  }

  private async create(req: proto.CreateRequest): Promise<proto.CreateResponse> {
    const spec = specOf(req.getType(), req.getUrn());
    const props = decode(valuesOf(req.getProperties()));
    const { id, outs } = await runtime.create({ ...props.values, [HIDDEN.kind]: spec.kind });
    return new proto.CreateResponse().setId(id).setProperties(structOf(encode(outs, [...props.secrets, ...specSecrets(spec, outs)])));
  }

  private async read(req: proto.ReadRequest): Promise<proto.ReadResponse> {
    const spec = specOf(req.getType(), req.getUrn());
    const state = decode(valuesOf(req.getProperties()));
    const inputs = decode(valuesOf(req.getInputs()));
    // `pulumi import` and `get` read with an id alone.
    const known = Object.keys(state.values).length > 0 ? state.values : this.hidden(spec, req.getUrn());
    const result = await runtime.read(req.getId(), { ...known, [HIDDEN.kind]: spec.kind });
    const res = new proto.ReadResponse();
    if (result.id === undefined) return res;
    const secrets = [...state.secrets, ...inputs.secrets];
    res.setId(result.id);
    if (result.props) res.setProperties(structOf(encode(result.props, [...secrets, ...specSecrets(spec, result.props)])));
    if (result.inputs) res.setInputs(structOf(encode(result.inputs, [...secrets, ...specSecrets(spec, result.inputs)])));
    return res;
  }

  private async update(req: proto.UpdateRequest): Promise<proto.UpdateResponse> {
    const spec = specOf(req.getType(), req.getUrn());
    const olds = decode(valuesOf(req.getOlds()));
    const news = decode(valuesOf(req.getNews()));
    const { outs } = await runtime.update(req.getId(), { ...olds.values, [HIDDEN.kind]: spec.kind }, { ...news.values, [HIDDEN.kind]: spec.kind });
    return new proto.UpdateResponse().setProperties(structOf(encode(outs, [...news.secrets, ...specSecrets(spec, outs)])));
  }

  private async remove(req: proto.DeleteRequest): Promise<Empty> {
    const spec = specOf(req.getType(), req.getUrn());
    const props = decode(valuesOf(req.getProperties())).values;
    await runtime.delete(req.getId(), { ...props, [HIDDEN.kind]: spec.kind });
    return new Empty();
  }
}
