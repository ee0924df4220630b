// Makes this package resolvable by its own name from the repository root
// (node_modules/pulumi-anthropic-managed-agents -> ..). The `__provider` shell stored in state
// requires "pulumi-anthropic-managed-agents/runtime" from the provider process's working
// directory; in this repository (tests, demo) that directory is the repository root.
const fs = require("node:fs");
const path = require("node:path");
const root = path.resolve(__dirname, "..");
const link = path.join(root, "node_modules", "pulumi-anthropic-managed-agents");
try {
  if (fs.realpathSync(link) === root) process.exit(0);
  fs.rmSync(link, { recursive: true, force: true });
} catch {
  // missing: create it below
}
fs.mkdirSync(path.dirname(link), { recursive: true });
fs.symlinkSync("..", link, "dir");
