// `pulumi-anthropic-managed-agents/emulator`: the local Managed Agents API for users' own tests of
// their Pulumi programs (README "Test your stacks offline").
export {
  BETA,
  Emulator,
  startEmulator,
  type EmulatorDump,
  type EmulatorOptions,
  type Fault,
  type RecordedRequest,
} from "./server";
