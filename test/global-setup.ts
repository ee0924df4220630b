// Before any test file: the Pulumi CLI, found or built once (tools/engine.ts), named by
// PULUMI_CLI_ROOT for every test process, as a user's machine has `pulumi` on its PATH (the tests
// in examples/ run the way a user's do: they find the CLI, they do not build one).
import { pulumiCliRoot } from "../tools/engine";

export default function globalSetup(): void {
  process.env["PULUMI_CLI_ROOT"] ??= pulumiCliRoot();
}
