// `pulumi up` entry point: see program.ts. First
//   pulumi config set --secret secure-session:linearToken <token>
// then try
//   pulumi config set --secret secure-session:linearToken <new token>   (one credential update: a rotation)
//   edit onboarding.md                                                   (the file and the session are replaced)
import { optionsFromConfig, secureSession } from "./program";

export = secureSession(optionsFromConfig());
