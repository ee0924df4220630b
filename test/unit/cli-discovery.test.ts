// `npm start` and `npm test` use the Pulumi CLI a machine already has (PULUMI_CLI_ROOT, or `pulumi`
// on PATH) and build one from Go modules only when there is none.
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { installedCli } from "../../tools/engine";

function fakeCli(version: string, dirName = "bin"): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), "fake-pulumi-"));
  fs.mkdirSync(path.join(root, dirName));
  const bin = path.join(root, dirName, "pulumi");
  fs.writeFileSync(bin, `#!/bin/sh\necho ${version}\n`, { mode: 0o755 });
  return root;
}

it.each<[string, string, boolean]>([
  ["a current CLI", "v3.259.0", true],
  ["a newer major", "v4.0.1", true],
  ["exactly the minimum", "v3.181.0", true],
  ["one too old for inline refresh and destroy", "v3.180.9", false],
  ["something that is not a version", "oops", false],
])("on PATH: %s (%s) -> used: %s", (_label, version, used) => {
  const root = fakeCli(version);
  const found = installedCli({ PATH: [path.join(root, "bin"), "/nonexistent"].join(path.delimiter) });
  expect(found).toBe(used ? root : undefined);
});

it("PULUMI_CLI_ROOT comes first", () => {
  const preferred = fakeCli("v3.200.0");
  const onPath = fakeCli("v3.259.0");
  expect(installedCli({ PULUMI_CLI_ROOT: preferred, PATH: path.join(onPath, "bin") })).toBe(preferred);
});

it("a CLI outside a bin/ directory gets a root that holds it as bin/pulumi", () => {
  const root = fakeCli("v3.259.0", "tools");
  const found = installedCli({ PATH: path.join(root, "tools") })!;
  expect(fs.realpathSync(path.join(found, "bin", "pulumi"))).toBe(fs.realpathSync(path.join(root, "tools", "pulumi")));
});

it("none at all: undefined (the caller builds one)", () => {
  expect(installedCli({ PATH: "/nonexistent" })).toBeUndefined();
});
