// The native provider plugin's process (`pulumi-resource-anthropic`, DESIGN §11). The engine
// starts it with its own address as the last argument (flags such as `--logtostderr` or `-v=9`
// before it) and reads the port the plugin listens on from its first line of stdout; anything
// else the plugin has to say goes to stderr.
const MIN_NODE = 22;

function nodeMajor(): number {
  return Number(process.versions.node.split(".")[0]);
}

async function main(): Promise<void> {
  // Before anything is loaded: on an older Node.js a dependency fails at load with a message that names nothing.
  if (nodeMajor() < MIN_NODE) {
    process.stderr.write(`pulumi-resource-anthropic needs Node.js ${MIN_NODE} or newer (found v${process.versions.node} at ${process.execPath})\n`);
    process.exit(1);
  }
  const grpc = await import("@grpc/grpc-js");
  const { ResourceProviderService } = await import("@pulumi/pulumi/proto/provider_grpc_pb");
  const { ProviderServer } = await import("./server");
  const { pluginVersion } = await import("./version");
  const server = new grpc.Server({ "grpc.max_receive_message_length": 400 * 1024 * 1024 });
  server.addService(ResourceProviderService, new ProviderServer(pluginVersion()).handlers());
  const port = await new Promise<number>((resolve, reject) =>
    server.bindAsync("127.0.0.1:0", grpc.ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound))),
  );
  process.stdout.write(`${port}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`pulumi-resource-anthropic: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
