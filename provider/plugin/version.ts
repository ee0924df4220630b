// The plugin's version: the package's. A bundled plugin (the release archive) has it compiled in;
// otherwise it is read from the package.json above this file, in the sources as in `dist/`.
import * as fs from "node:fs";
import * as path from "node:path";

declare const PLUGIN_VERSION: string | undefined;

export function pluginVersion(): string {
  if (typeof PLUGIN_VERSION === "string") return PLUGIN_VERSION;
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    const file = path.join(dir, "package.json");
    if (fs.existsSync(file)) {
      const pkg = JSON.parse(fs.readFileSync(file, "utf8")) as { name?: string; version?: string };
      if (pkg.name === "pulumi-anthropic-managed-agents" && typeof pkg.version === "string") return pkg.version;
    }
    if (path.dirname(dir) === dir) throw new Error(`no package.json of pulumi-anthropic-managed-agents above ${__dirname}`);
  }
}
