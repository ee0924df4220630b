// `pulumi up` entry point: see program.ts. Try
//   pulumi config set pinned-sessions:systemPrompt "You are terse."   (agent update + one session replaced)
//   pulumi config set pinned-sessions:sessionTools with-linear         (one session updated in place)
import { optionsFromConfig, pinnedSessions } from "./program";

export = pinnedSessions(optionsFromConfig());
