// undici is loaded on the first request, never at a provider process's start (it is a good part
// of that start, in the dynamic provider's process as in the plugin's, bundled or not): loading
// the runtime and the plugin's server must not load it, and neither may a module that builds a
// request body (a multipart upload takes its FormData from the client, when it sends).
import { execFileSync } from "node:child_process";
import * as path from "node:path";

const ROOT = path.resolve(__dirname, "..", "..");

it("loading provider/runtime and the plugin's server loads no undici", () => {
  const script = [
    'require("./provider/runtime");',
    'require("./provider/plugin/server");',
    'const loaded = Object.keys(require.cache).filter((k) => k.includes("/node_modules/undici/"));',
    "process.stdout.write(JSON.stringify(loaded));",
  ].join("\n");
  const out = execFileSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  expect(JSON.parse(out)).toEqual([]);
});
